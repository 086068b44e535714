"""Who a pronoun means when nothing else is named: "make her blonde" (her hair), "make them blue" right after an
edit (what was just edited), "him" after a question about the dog, "them instead" right after an undo."""

from __future__ import annotations

import re

from ...core.labels import split_instance
from .. import vocab as V
from ..base import PlanContext
from .carried import INSTEAD
from .draft import Selection
from .history import last_instruction, referent
from .labels import ANIMALS, norm_label, pick_instances, resolve_thing
from .select import placement
from .tokens import Tok, tokenize
from .words import first_color, mentions_it, personal_labels


def pronoun_target(sel: Selection, cls: str, content: str, content_toks: list[Tok], labels: list[str],
                   ctx: PlanContext, t: str) -> Selection:
    """'make her blonde' -> hair; 'make him smile' -> face; 'make her brighter' -> the person; with nothing
    named, '换成黑发' and 'blonde please' -> hair."""
    nothing_named = not (sel.whole or sel.pronoun)
    if sel.labels or sel.unresolved or not (
            sel.pronoun_only or nothing_named or (sel.whole and cls == "color" and mentions_it(t))):
        return sel
    if cls in ("content", "color") and not sel.whole:
        sel.labels = personal_labels(content_toks, labels)
        if sel.labels:
            return sel
    if cls == "color":
        color = first_color(content_toks) or ""
        if color in V.HAIR_COLORS or any(x.text in V.HAIR_COLOR_NOUNS for x in content_toks):
            found, _ = resolve_thing("hair", labels)
            if found:
                sel.labels = found
                return sel
        cur = last_instruction(ctx)
        if sel.whole and cur and cur.get("operation") == "recolor" and cur.get("targets"):
            sel.labels = [x for x in cur["targets"] if x in labels]
            sel.whole = not sel.labels
            return sel
        if sel.whole:
            return sel
    if nothing_named:
        return sel
    if cls in ("content", "style_free"):
        placed = placement(content, content_toks, labels, False, Selection(pronoun=sel.pronoun_only))
        if placed:
            sel.labels = placed
            return sel
    return pronoun_region(sel, ctx, t, labels) if sel.pronoun_only else sel


def pronoun_region(sel: Selection, ctx: PlanContext, t: str, labels: list[str], edited: bool = True) -> Selection:
    """Who "him", "her" or "them" is when nothing else is named: what was just edited (unless not `edited`), else
    the people."""
    cur = referent(ctx) or {}
    if INSTEAD.search(t) and (cur.get("mask") or {}).get("invert") and cur.get("targets"):
        sel.labels, sel.invert = [x for x in cur["targets"] if x in labels], True  # "lower the saturation on them
        return sel  # instead" right after undoing all but the fish in black and white: all but the fish again
    if not last_instruction(ctx):
        sel.labels = _animal_asked_about(ctx, labels)  # "is it possible to change the dog's color?", "make him golden"
    if not sel.labels:
        sel.labels = (just_edited(ctx, t) if edited else []) or resolve_thing("person", labels)[0]
        if len(sel.labels) > 1:  # "pixelate him, 2nd from the right"
            sel.labels = pick_instances(sel.labels, t, labels, ctx.shares)
    return sel


def _animal_asked_about(ctx: PlanContext, labels: list[str]) -> list[str]:
    """The one animal the user's last message named (when nothing was edited since): who "him" or "her" is."""
    said = next((h.text for h in reversed(ctx.history) if h.role == "user"), "")
    found = [y for x in tokenize(said.lower(), labels) if x.cat == "thing" for y in resolve_thing(x.value, labels)[0]]
    return found if len(found) == 1 and norm_label(split_instance(found[0])[0]) in ANIMALS else []


def just_edited(ctx: PlanContext, t: str) -> list[str]:
    """'make them blue' / 'remove it' / '把它去掉' right after an edit of some regions: those regions; "her" right after
    an edit of everything but one of the people: that one."""
    cur = referent(ctx)
    if not cur or not cur.get("targets"):
        return []
    if (cur.get("mask") or {}).get("invert"):  # "a bit more contrast on her" after everything but baby 1: baby 1
        people = resolve_thing("person", ctx.labels)[0]
        kept = [x for x in cur["targets"] if x in ctx.labels]
        mentions = re.search(r"\b(?:her|him|she|he|them|they)\b|[他她]", t)
        return kept if mentions and kept and set(kept) <= set(people) and len(kept) < len(people) else []
    one = cur["targets"][0] if len(cur["targets"]) == 1 and not any(  # (not "the guy on the sidewalk too, erase him")
        x.cat == "thing" and x.value == "person" for x in tokenize(t, ctx.labels)) else ""
    if not re.search(r"\b(?:them|it|those|these)\b|它|它们", t) and not (one and re.search(r"\b(?:him|her)\b", t) and (
            re.search(r"\b(?:too|also|as well)\b", t) or norm_label(split_instance(one)[0]) in ANIMALS)):
        return []  # ("give him a carrot nose too" right after a hat on the snowman: the snowman; "make him grey" right
        # after the cat's removal was undone: the cat)
    return [x for x in cur["targets"] if x in ctx.labels]
