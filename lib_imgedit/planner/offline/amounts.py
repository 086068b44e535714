"""Amounts: how much and which way an adjust word asks for."""

from __future__ import annotations

import re
from typing import Any

from ...core.lang import CJK
from .. import vocab as V
from .positions import zh_number
from .tokens import Tok, literal_re, word_re

_PCT = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*(?:%|％|percent|per cent)")
_ZH_PCT = re.compile(r"百分之([零一二两三四五六七八九十百\d]+)")
_BY_NUM = re.compile(r"\b(?:by|to|at|of|amount|level|strength)\s+([+-]?(?:\d*\.\d+|[01]))(?![\d%])")
FILTER_WORD = re.compile(r"\b(?:" + "|".join(V.FILTER_WORDS_EN) + r")\b|" + "|".join(V.FILTER_WORDS_ZH))
SIGNED_PARAMS = {"brightness", "contrast", "saturation", "warmth"}
_BASE = {"brightness": 0.3, "contrast": 0.3, "saturation": 0.3, "warmth": 0.3, "blur": 0.5, "sharpen": 0.5,
         "pixelate": 0.5}


def _explicit_amount(text: str) -> float | None:
    m = _PCT.search(text)
    if m:
        return float(m.group(1)) / 100
    m = _ZH_PCT.search(text)
    if m:
        v = zh_number(m.group(1))
        return v / 100 if v is not None else None
    m = _BY_NUM.search(text)
    if m:
        return float(m.group(1))
    m = re.search(r"(?<![\w.])([+-]\d{1,3})(?![\d%.])", text)
    if m:
        return float(m.group(1)) / 100
    return None


def amount_factor(text: str, zh: bool) -> float:
    """The strongest amount word in `text` as a factor on the default amount (1 when none)."""
    found: list[tuple[int, float]] = []
    if zh or CJK.search(text):
        for word, f in V.AMOUNT_ZH.items():
            pos = text.find(word)
            if pos >= 0:
                found.append((pos, f))
    for word, f in V.AMOUNT_EN.items():
        m = word_re(word).search(text)
        if m:
            found.append((m.start(), f))
    if not found:
        return 1.0
    # longest phrase at the earliest place; "a little bit" beats "a little"
    found.sort(key=lambda x: (x[0], -abs(x[1] - 1)))
    return found[0][1]


def _direction(text: str, pos: int, end: int) -> int:
    """+1 or -1 from the direction word nearest the parameter name at text[pos:end]; 0 when none."""
    best: tuple[int, int] | None = None
    for words, sign in ((V.UP_EN, 1), (V.DOWN_EN, -1)):
        for w in words:
            for m in word_re(w).finditer(text):
                d = pos - m.end() if m.end() <= pos else (m.start() - end) * 2 if m.start() >= end else 10**6
                if 0 <= d < 60 and (best is None or d < best[0]):
                    best = (d, sign)
    for words, sign in ((V.UP_ZH, 1), (V.DOWN_ZH, -1)):
        for w in sorted(words, key=len, reverse=True):
            for m in literal_re(w).finditer(text):
                d = pos - m.end() if m.end() <= pos else (m.start() - end) if m.start() >= end else 10**6
                if 0 <= d < 12 and (best is None or d < best[0] or (d == best[0] and len(w) > 1)):
                    best = (d, sign)
    return best[1] if best else 0


def adjust_from(toks: list[Tok], text: str, zh: bool) -> dict[str, Any]:
    """Adjust parameters named by `toks` (already restricted to the part that says what to do)."""
    out: dict[str, Any] = {}
    explicit = _explicit_amount(text)
    adjust_toks = [t for t in toks if t.cat == "adjust" or "adjust" in t.cats]
    for tok in toks:
        if tok.cat == "gray" or ("gray" in tok.cats and tok.cat not in ("color",)):
            out["grayscale"] = True
            continue
        if tok.cat == "filter":
            out["stylize"] = tok.value
            continue
        if tok.cat == "style" and tok.value in V.STYLE_FILTER and FILTER_WORD.search(text):
            out.setdefault("stylize", V.STYLE_FILTER[tok.value])
            continue
        if tok.cat != "adjust" and "adjust" not in tok.cats:
            continue
        param, sign = tok.cats["adjust"]
        idx = adjust_toks.index(tok)
        lo = adjust_toks[idx - 1].end if idx > 0 else max(0, tok.start - 30)
        hi = adjust_toks[idx + 1].start if idx + 1 < len(adjust_toks) else tok.end + 40
        window = text[lo:hi]
        if sign == 0 or param in ("blur", "pixelate", "sharpen"):
            d = _direction(text, tok.start, tok.end)
            if sign == 0:
                sign = d or 1
            elif d < 0 and param == "blur":
                param, sign = "sharpen", 1
            elif d < 0 and param == "sharpen":
                param, sign = "blur", 1
        if sign and param not in ("blur", "pixelate", "sharpen") and re.search(
                r"\bnot (?:that|so|as|too)\s+$|(?:不要|别|没)那么$|不要太$|别太$", text[max(0, tok.start - 12):tok.start]):
            sign = -sign  # "not that bright": darker; "别那么亮": darker
        base = 0.2 if tok.text in V.GENTLE_BLUR else _BASE[param]
        amount = explicit if explicit is not None else base * amount_factor(window, zh)
        if amount < 0 and sign == 1 and tok.cats["adjust"][1] == 0:
            sign = -1
        amount = min(abs(amount), 1.0)
        if param in ("blur", "pixelate", "sharpen"):
            value = amount
        else:
            value = amount * (1 if sign >= 0 else -1)
        if param not in out:
            out[param] = round(value, 2)
    return out


_FIX_WORDS = ("dull",)  # the problem, listed with its fix ("it's dull": more saturation)
COMPLAINT_COPULAS = {"is", "are", "was", "were", "looks", "look", "seems", "seem", "appears"}


def complaint(adj: dict[str, Any], toks: list[Tok]) -> dict[str, Any]:
    """'the photo is dark' asks for the opposite of what the words name (unless said as 'too dark', 'blown out', or
    as a word the tables read as its fix, 'dull'); what is asked for in so many words ('more contrast') stays."""
    said = [t for t in toks if t.cat == "adjust"]
    if any(t.text.startswith(("too ", "not ", "too", "太", "blown", "blew")) or t.text in _FIX_WORDS for t in said):
        return adj
    asked = {t.cats["adjust"][0] for t in said if re.match(r"(?:more|less|add|increase|boost|reduce|lower|raise|extra)\b", t.text)}
    out: dict[str, Any] = {}
    for key, value in adj.items():
        if key in asked:
            out[key] = value
        elif key in SIGNED_PARAMS and isinstance(value, (int, float)):
            out[key] = -value
        elif key == "blur":
            out["sharpen"] = value
        else:
            out[key] = value
    return out


