"""The plan: the clauses' drafts as one bare instruction or `{"steps": [...]}`, each step checked, and how
sure the planner is (1.0: every word was read; low: it guessed, skipped words or understood nothing)."""

from __future__ import annotations

import re
from typing import Any

from ...core.instruction import MAX_STEPS, SOLO_OPERATIONS
from ..base import PlanContext, PlanResult
from ..modes import CONFIDENT
from .confidence import UNREAD_CAP, confidence, named_labels, unread_words
from .doubts import doubts, steps_doubts
from .draft import Draft
from .finish import finish
from .readings import ask_among, close_reading, one_of_several
from .reply import clarify, other_readings, understood


def build_result(rules: dict[str, Any], drafts: list[Draft], ctx: PlanContext, labels: list[str], zh: bool,
                 notes: list[str], name: str) -> PlanResult:
    """One plan from the drafts of a message's clauses."""
    for d in drafts:
        if _says_nothing(d.ins):
            d.ins, d.kind = clarify(labels, zh, "", ask_what=True), "ask"
    edits = [d for d in drafts if d.ins.get("operation") not in SOLO_OPERATIONS]
    missing = [d for d in drafts if d.ins.get("operation") == "clarify" and d.kind not in ("ask", "chat")]
    if missing and edits:  # "remove the cup and blur the sky" with no cup: ask, half an edit would surprise
        notes.append("a clause names something that is not in the picture; asking instead of doing the rest")
        return _single(rules, missing[0], ctx, labels, zh, notes, name, UNREAD_CAP)  # not sure: often a reason
        # ("brighten the sign, I can't read the text on it")
    if len(edits) <= 1:
        chosen = edits[0] if edits else next((d for d in drafts if d.kind != "ask"), drafts[0])
        share = 1.0 if len(drafts) == 1 else 0.7  # a clause that said nothing readable was left out
        return _single(rules, chosen, ctx, labels, zh, notes, name, share)
    if len(edits) < len(drafts):
        notes.append(f"{len(drafts) - len(edits)} part(s) of the message were not an edit and were left out")
    edits = _merged(edits)
    if len(edits) == 1:
        return _single(rules, edits[0], ctx, labels, zh, notes, name, 0.9)
    steps = [finish(rules, d.ins, ctx, labels, zh, notes) for d in edits[:MAX_STEPS]]
    failed = next((s for s in steps if s.get("operation") in SOLO_OPERATIONS), None)
    if failed is not None:  # a step that cannot be planned stops the whole plan before anything runs
        return PlanResult(instruction=failed, planner=name, notes=notes, confidence=0.3)
    sure = min(confidence(d, s, labels, zh) for d, s in zip(edits, steps, strict=True))
    sure *= (len(edits) / len(drafts)) ** 0.5  # clauses left out make it less sure
    why = list(dict.fromkeys([w for d, s in zip(edits, steps, strict=True) for w in doubts(d.text, s, ctx, labels)]
                             + steps_doubts(steps)))
    if why:
        sure = min(sure, UNREAD_CAP)
    reply = ("；" if zh else "; ").join(s.get("reply", "").rstrip("。.") for s in steps if s.get("reply"))
    plan = {"steps": steps, "reply": (reply + ("。" if zh else "."))[:int(rules.get("text", {}).get("reply_max_chars", 500))]}
    unread = list(dict.fromkeys(w for d, s in zip(edits, steps, strict=True) for w in _unread(d, s, labels)))
    return PlanResult(instruction=plan, planner=name, notes=notes, confidence=round(sure, 2), unread=unread,
                      doubts=why, named=named_labels(ctx.text.lower(), labels))


def _merged(edits: list[Draft]) -> list[Draft]:
    """Consecutive clauses that ask for the same thing twice ("make it bigger, upscale 2x"; "the food looks soft,
    sharpen the food") are one step: the later, more precise one."""
    out: list[Draft] = []
    for d in edits:
        prev = out[-1].ins if out else {}
        same = prev.get("operation") == d.ins.get("operation") and prev.get("targets") == d.ins.get("targets")
        restated = same and d.ins.get("operation") == "adjust" and \
            set(prev.get("adjust") or {}) == set(d.ins.get("adjust") or {})  # "it looks soft, sharpen the food"
        if out and same and (d.ins.get("operation") in ("crop", "resize") or prev == d.ins or restated):
            out[-1] = d
        elif out and same and d.ins.get("operation") == "adjust" and not (prev.get("mask") or d.ins.get("mask")):
            both = {**(prev.get("adjust") or {}), **(d.ins.get("adjust") or {})}  # "brighten it and warm it up": one
            out[-1] = Draft({**d.ins, "adjust": both}, d.kind, f"{out[-1].text}, {d.text}", out[-1].read)  # adjustment
        elif out and same and d.ins.get("operation") == "inpaint" and prev.get("mask") == d.ins.get("mask"):
            prompt = f"{prev.get('prompt')}, {d.ins.get('prompt')}"  # "add a helicopter in the sky, make it dramatic": one
            out[-1] = Draft({**d.ins, "prompt": prompt}, d.kind, f"{out[-1].text}, {d.text}", out[-1].read)  # painting
        else:
            out.append(d)
    return out


def _says_nothing(ins: dict[str, Any]) -> bool:
    """A generative edit whose prompt holds no word: leftovers of an unreadable message ("amke b")."""
    prompt = str(ins.get("prompt") or "")
    return ins.get("operation") in ("inpaint", "restyle") and not re.search(r"[a-z]{3,}|[\u3400-\u9fff]", prompt.lower())


def _single(rules: dict[str, Any], draft: Draft, ctx: PlanContext, labels: list[str], zh: bool, notes: list[str],
            name: str, share: float) -> PlanResult:
    ins = finish(rules, draft.ins, ctx, labels, zh, notes)
    if ins.get("operation") == "clarify" and draft.ins.get("operation") != "clarify":
        draft = Draft(clarify(labels, zh, ""), "ask", draft.text)  # the rules turned it into a question
    read = confidence(draft, ins, labels, zh) * share
    missing = ins.get("operation") == "clarify" and draft.kind not in ("ask", "chat")
    why = doubts(ctx.text, ins, ctx, labels, "missing" if missing else "")
    sure = min(read, UNREAD_CAP) if why else read
    other = close_reading(draft, ins, labels) if sure < CONFIDENT else None
    readings = [ins, other] if other else one_of_several(draft.text, ins, labels) if draft.kind != "history" else []
    asked = ask_among(rules, readings, ctx, labels, zh, notes) if readings else None
    if asked:  # readings about as likely: ask, with each one click away
        why = doubts(ctx.text, asked[0], ctx, labels, "among")  # the question settles what the plan left open
        sure = min(read, UNREAD_CAP) if why else read
        return PlanResult(instruction=asked[0], planner=name, notes=notes, confidence=round(sure, 2), options=asked[1],
                          unread=_unread(draft, ins, labels), doubts=why, named=named_labels(ctx.text.lower(), labels))
    note = understood(ins, zh) if sure < CONFIDENT and draft.kind not in ("ask", "chat") else ""
    options: list[dict[str, Any]] = []
    if note and ins.get("reply"):  # acting without being sure: say what was understood, offer the other reading
        ins["reply"] = f"{ins['reply']} {note}"[:int(rules.get("text", {}).get("reply_max_chars", 500))]
        options = other_readings(ins, labels, zh)
    return PlanResult(instruction=ins, planner=name, notes=notes, confidence=round(sure, 2), options=options,
                      unread=_unread(draft, ins, labels), doubts=why, named=named_labels(ctx.text.lower(), labels))


def _unread(draft: Draft, ins: dict[str, Any], labels: list[str]) -> list[str]:
    """The words confidence() counted against the draft (none for the kinds it takes whole, as a geometry reading)."""
    counted = draft.text and draft.kind not in ("chat", "history", "picture", "question")
    return unread_words(draft.text, ins, labels, draft.read) if counted else []
