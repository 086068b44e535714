"""Undo and redo, the conversation's last edit, and which faces a request picks."""

from __future__ import annotations

import re
from typing import Any

from .. import vocab as V
from ..base import PlanContext, Turn
from .amounts import zh_number
from .parse import strip_prefix
from .tokens import Tok

_COUNT_EN = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a couple(?: of)?|couple of|a few|"
                       r"few|several|twice|thrice)\b(?:\s+(?:times|steps?|edits?|changes?|things?|ones?|actions?|"
                       r"operations?|moves?))?")
_COUNT_ZH = re.compile(r"(\d+|[一两二三四五六七八九十几俩])\s*(?:步|次|个|下|回|项|处)")
_UNDO_EN = re.compile(r"^(?:undo|revert|go back|step back|roll back|rollback|take (?:that|it) back|back up|back|"
                      r"cancel(?: that| it| the last(?: one| edit| change| step)?)?|reverse(?: that| it)?|"
                      r"oops|nope|ugh|no)\b")
_HISTORY_FILLER_EN = re.compile(
    r"\b(?:please|that|it|this|the|last|previous|recent|latest|most|change|changes|edit|edits|step|steps|one|ones|"
    r"action|actions|times|time|again|just|now|a|an|of|to|before|how|was|were|it was|version|back|go|undo|revert|"
    r"redo|those|these|what|you|did|i|did|made|make|by|thing|things|operations?|moves?|please|ok|okay|thanks|sorry|"
    r"mistake|no|wrong|bad|ugly|hate|don't|like|dont|didn't|better|worse|earlier|state|last|more|\d+|one|two|three|"
    r"four|five|six|seven|eight|nine|ten|couple|few|several|twice|thrice|all|everything|the original|original)\b")


def _count(text: str, zh: bool) -> int:
    if zh:
        m = _COUNT_ZH.search(text)
        if m:
            v = m.group(1)
            n = int(v) if v.isdigit() else V.NUMBERS_ZH.get(v, 1)
            return max(1, min(50, n))
    m = _COUNT_EN.search(text)
    if m:
        v = m.group(1)
        n = int(v) if v.isdigit() else V.NUMBERS_EN.get(v, 1)
        return max(1, min(50, n))
    return 1


def _edits_in_history(ctx: PlanContext) -> int:
    n = sum(1 for t in ctx.history if t.role == "assistant" and t.instruction
            and t.instruction.get("operation") not in ("undo", "redo", "clarify"))
    return max(1, min(50, n))


def history_op(t: str, zh: bool, ctx: PlanContext, toks: list[Tok]) -> dict[str, Any] | None:
    has_content = any(x.cat in ("thing", "color", "adjust", "style", "scene", "gray", "filter") for x in toks)
    if zh:
        t = strip_prefix(t, True)[0] or t  # "帮我恢复上一步"
        if any(w in t for w in V.RESET_ZH):
            return {"operation": "undo", "count": _edits_in_history(ctx)}
        if (any(w in t for w in V.REDO_ZH) and not has_content) or re.search(r"(?:撤销|撤回)\s*(?:撤销|撤回)", t):
            return {"operation": "redo", "count": _count(t, zh)}
        if re.search(r"撤销|撤回|回退|退回|回滚|返回上一步|回到上一步|退一步|后退", t):
            return {"operation": "undo", "count": _count(t, zh)}
        if re.fullmatch(r"(?:还原|上一步|恢复|算了|取消)[\s\S]{0,8}", t) and not has_content:
            return {"operation": "undo", "count": _count(t, zh)}
        return None
    if re.search(r"\b(?:start over|start again from scratch|reset(?: it| everything| the image)?|"
                 r"(?:go |get )?back to (?:the )?original|undo (?:everything|all(?: of it| the edits| changes)?)|"
                 r"revert (?:everything|all)|restore the original)\b", t) and not has_content:
        return {"operation": "undo", "count": _edits_in_history(ctx)}
    if re.search(r"\b(?:undo (?:the|that|my|your) undo|redo|re-do|reapply|re-apply)\b", t) or re.fullmatch(
            r"(?:bring (?:it|that) back|put (?:it|that) back|restore (?:it|that)|go forward|step forward|"
            r"forward)(?: please)?", t):
        if not has_content or re.search(r"\bundo (?:the|that|my|your) undo\b", t):
            return {"operation": "redo", "count": _count(t, zh)}
    if re.search(r"\bundo\b", t):
        return {"operation": "undo", "count": _count(t, zh)}
    m = _UNDO_EN.match(t)
    if m and not has_content:
        rest = _HISTORY_FILLER_EN.sub(" ", t[m.end():])
        if not re.sub(r"[\s,.!?;:'\"-]+", "", rest):
            return {"operation": "undo", "count": _count(t, zh)}
    if re.fullmatch(r"(?:i liked it better before|i preferred (?:it|the) (?:before|previous(?: one)?)|"
                    r"that(?:'s| is| was| looks)? (?:bad|wrong|worse|terrible|awful)[,.!]*(?: go back| undo)?|"
                    r"(?:the )?previous (?:one|version) (?:was|is) better)", t):
        return {"operation": "undo", "count": 1}
    return None


def last_instruction(ctx: PlanContext) -> dict[str, Any] | None:
    """The instruction that made the current image, or the last edit in the history."""
    if ctx.current and ctx.current.get("operation") not in (None, "undo", "redo", "clarify"):
        return ctx.current
    for turn in reversed(ctx.history):
        ins = turn.instruction
        if turn.role == "assistant" and ins and ins.get("operation") not in (None, "undo", "redo", "clarify"):
            return ins
    return None


def pending_clarify(ctx: PlanContext) -> str | None:
    """The user request that the last assistant turn answered with a question, if that is where we are."""
    hist: list[Turn] = list(ctx.history)
    if hist and hist[-1].role == "user" and hist[-1].text.strip() == ctx.text.strip():
        hist = hist[:-1]
    for i in range(len(hist) - 1, -1, -1):
        if hist[i].role != "assistant":
            continue
        ins = hist[i].instruction or {}
        if ins.get("operation") != "clarify":
            return None
        for j in range(i - 1, -1, -1):
            if hist[j].role == "user":
                return hist[j].text
        return None
    return None


# ------------------------------------------------------------------------------------------------
# faces
# ------------------------------------------------------------------------------------------------
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
                         r"last|middle|center|centre)\b(?:\s+(?:one|face|person|man|woman|guy|girl|from the "
                         r"(left|right)))?", t):
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
    for m in re.finditer(r"(左边|右边|左起|右起|从左|从右)?第\s*([一二三四五六七八九十\d]+)\s*(?:个|张|位|人)?", text):
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
        if re.search(r"最后", text):
            picks.append(last)
    return sorted({p for p in picks if 0 <= p <= last})


