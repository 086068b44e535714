"""Positions: which of several faces or instances (numbered left to right) a request picks."""

from __future__ import annotations

import re

from .. import vocab as V


def zh_number(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    digits = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    if not s or any(c not in digits and c not in "十百" for c in s):
        return None
    total, cur = 0, 0
    for c in s:
        if c in digits:
            cur = digits[c]
        elif c == "十":
            total += (cur or 1) * 10
            cur = 0
        elif c == "百":
            total += (cur or 1) * 100
            cur = 0
    return total + cur


def pick_faces(text: str, n: int) -> list[int]:
    """Face indices (0-based, left to right) that `text` selects among `n` faces; [] when it names none."""
    if n <= 1:
        return []
    t = text.lower()
    last = min(n, 32) - 1
    if re.search(r"\b(?:all|every|each|both|everyone|everybody|all of them)\b", t) or re.search(
            r"所有|全部|每个|每张|大家|两个人都|都换|两张脸|全都", t):
        return list(range(last + 1))
    picks: list[int] = []
    for m in re.finditer(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|1st|2nd|3rd|4th|5th|6th|7th|8th|"
                         r"last|middle|center|centre)\b(?:\s+(?:[a-z']+\s+){0,2}?from (?:the )?(left|right)\b)?", t):
        word, side = m.group(1), m.group(2)
        if word == "last":
            idx = last
        elif word in ("middle", "center", "centre"):
            idx = n // 2
        else:
            idx = V.ORDINALS_EN[word]
            if side == "right":
                idx = last - idx
        picks.append(idx)
    for m in re.finditer(r"\b(?:face|person|number|no\.?|#)\s*#?(\d+)\b", t):
        picks.append(int(m.group(1)) - 1)
    for m in re.finditer(r"(左边|右边|左起|右起|从左|从右)?(?:数|起|边|开始数)?第\s*([一二三四五六七八九十\d]+)\s*(?:个|张|位|人)?",
                         text):  # 右边数第二个: the second from the right
        v = zh_number(m.group(2))
        if v:
            picks.append(last - (v - 1) if m.group(1) and "右" in m.group(1) else v - 1)
    if not picks:
        if re.search(r"\b(?:leftmost|left one|left face|left side|on the left|at the left|to the left|left)\b", t) \
                or re.search(r"最左|左边|左侧|左面", text):
            picks.append(0)
        if re.search(r"\b(?:rightmost|right one|right face|right side|on the right|at the right|to the right|right)\b",
                     t) or re.search(r"最右|右边|右侧|右面", text):
            picks.append(last)
        if re.search(r"中间", text):
            picks.append(n // 2)
        if re.search(r"最后(?!把|将|给|再|一步|整|全)", text):  # (最后把整张图…: "finally", not the last one)
            picks.append(last)
    return sorted({p for p in picks if 0 <= p <= last})


