"""The region a follow-up carries over from the last edit when it names none ("make it blue instead" after the
hair, "a bit darker than that", "pixelate it instead"), and a darker or lighter shade of a colour just given."""

from __future__ import annotations

import re
from typing import Any

from ...core.colors import parse_color
from ..base import PlanContext
from .draft import Draft, Selection, adjust_ins
from .history import last_instruction, referent, same_to_both
from .tokens import Tok, tokenize


def current_region(sel: Selection, cls: str, target_toks: list[Tok], labels: list[str],
                   ctx: PlanContext, t: str) -> Selection:
    """'make it blue instead' / '换成蓝色' after an edit of the hair: the hair again."""
    if sel.labels or cls not in ("color", "content", "material"):
        return sel
    explicit_whole = any(x.cat == "whole" for x in target_toks)
    if explicit_whole or (target_toks and not all(x.cat == "it" for x in target_toks)):
        return sel
    cur = referent(ctx)
    if not cur or not cur.get("targets"):
        return sel
    family = {"color": ("recolor", "inpaint"), "content": ("inpaint",), "material": ("inpaint", "recolor")}[cls]
    if cur.get("operation") in family or (target_toks and cur.get("operation") != "adjust"):  # 还是把它变成蓝色吧
        sel.labels = [x for x in cur["targets"] if x in labels]
        sel.invert = bool((cur.get("mask") or {}).get("invert"))
        sel.whole = not sel.labels
    return sel


def comparative_region(sel: Selection, t: str, zh: bool, ctx: PlanContext, adj: dict[str, Any]) -> Selection:
    """'a bit darker than that' keeps the current adjust's region when no new one is named; so does a bare
    'a little darker' after an edit of a region ("make the clothes green" -> the clothes)."""
    if sel.labels:
        return sel
    cur = last_instruction(ctx)
    if not cur or not cur.get("targets"):
        return sel
    if INSTEAD.search(f"{t} {ctx.text or ''}") and cur.get("operation") == "adjust" and not (sel.labels or sel.unresolved):
        sel.labels = [x for x in cur["targets"] if x in ctx.labels]  # "pixelate it instead" after "blur the plate"
        sel.invert, sel.whole = bool((cur.get("mask") or {}).get("invert")), False
        return sel
    bare = len(t.split()) <= 4 and not re.search(r"\bthe\b|的", t)  # "a touch less saturated", not "double the saturation"
    if recolour_tone(cur, adj, t) == "light":
        return sel  # "make the hair blonde" then "a bit brighter": the picture's brightness (blonde is light already)
    if cur.get("operation") in ("recolor", "inpaint") and not sel.whole and not sel.pronoun and bare and \
            set(adj) <= {"brightness", "contrast", "saturation", "warmth"}:
        sel.labels = [x for x in cur["targets"] if x in ctx.labels]
        sel.invert = bool((cur.get("mask") or {}).get("invert"))
        return sel
    if sel.whole and re.search(r"\btoo\b(?!\s+[a-z])|\b(?:also|as well)\b|也", t) and not re.search(
            r"\b(?:image|picture|photo|everything|whole|overall|lighting)\b|整|图|照片", t):  # not "way too dark overall"
        sel.labels = [x for x in cur["targets"] if x in ctx.labels]  # "now blur it too": the region just edited
        sel.invert = bool((cur.get("mask") or {}).get("invert"))
        sel.whole = not sel.labels
        return sel
    if cur.get("operation") != "adjust":
        return sel
    comparative = re.search(r"\b(?:than (?:that|before|now|this)|even|still|more|again|further|too)\b", t) or \
        re.search(r"再|更|还|又", t)
    done = set(cur.get("adjust", {}))
    same = set(adj) & (done | ({"saturation"} if "grayscale" in done else set()))  # "bring back a little colour"
    if (comparative and (same or not sel.whole)) or (same and not sel.whole and not sel.pronoun):  # "darker" again
        sel.labels = [x for x in same_to_both(cur, t, ctx) if x in ctx.labels]
        sel.invert = bool((cur.get("mask") or {}).get("invert"))
    return sel


INSTEAD = re.compile(r"\b(?:instead|rather)\b|还是")  # "X instead": in place of the last edit, on its region


def recolour_tone(cur: dict[str, Any], adj: dict[str, Any], t: str) -> str:
    """For "brighter" right after a recolour, how light the new colour is: "light" (blonde, green, grey: the
    picture is meant), "dark" (black, navy: a lighter shade of it is meant), "mid" (red, blue, brown: either,
    asked back), or "" when the request is no such follow-up."""
    rgb = parse_color(str(cur.get("color") or "")) if cur.get("operation") == "recolor" else None
    if not rgb or adj.get("brightness", 0) <= 0 or not re.search(r"bright|亮", t):
        return ""
    luma = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
    return "light" if luma >= 100 else "dark" if luma < 60 else "mid"


def shaded_draft(sel: Selection, ctx: PlanContext, adj: dict[str, Any], t: str, labels: list[str]) -> Draft | None:
    """`shaded_recolor` as a draft; after a mid-tone colour the picture's brightness is as likely a reading."""
    shaded = shaded_recolor(sel, ctx, adj) if not sel.invert else None  # "everything else darker": not the colour
    if not shaded:
        return None
    mid = recolour_tone(last_instruction(ctx) or {}, adj, t) == "mid" and \
        not any(x.cat == "thing" for x in tokenize(t, labels))  # "make the hair a bit brighter" says which
    return Draft(shaded, "shade", alt=adjust_ins(adj, Selection(), labels) if mid else None)


def shaded_recolor(sel: Selection, ctx: PlanContext, adj: dict[str, Any]) -> dict[str, Any] | None:
    """'a little darker' right after 'make the clothes green': the clothes a darker green (a recolour), so that
    'the hair too' next carries the colour on."""
    cur = last_instruction(ctx)
    if not cur or cur.get("operation") != "recolor" or set(adj) != {"brightness"} or not sel.labels or \
            sel.labels != [x for x in cur.get("targets") or [] if x in ctx.labels]:
        return None
    color = str(cur.get("color") or "")
    m = re.match(r"^(dark|light)\s+(.+)$", color)
    tone, base = (m.group(1), m.group(2)) if m else ("", color)
    want = "dark" if adj["brightness"] < 0 else "light"
    shade = base if tone and tone != want else f"{want} {base}"
    shade = {"light black": "dark grey", "dark white": "light grey"}.get(shade, shade)  # no such colours
    if parse_color(shade) is None:
        return None
    return {"operation": "recolor", "targets": list(sel.labels), "color": shade}
