"""How a language model and the offline planner work together (the `llm_mode` setting, or a profile's `mode`).

- `model`: the model plans; the offline planner only steps in when the model fails.
- `offline-first`: the offline planner answers what it reads with confidence (milliseconds); the model
  gets only what it cannot read: unknown words, long or unusual requests, conversations it cannot resolve.
- `checked`: the model plans with the offline planner's reading offered as a candidate; a plan that
  contradicts what the request says explicitly (an operation or a label the user named, as the
  confident offline reading shows, or a value of it: the side of an exclusion, a size, a colour, a direction)
  is replaced by that reading, with a note.
In both, an unsure reading goes to the model as a candidate with the words the offline planner did not read
pointed out (a guess, a question or a prompt of nothing but those words, goes without the candidate), so the
model corrects what the rules missed rather than planning from nothing. A model plan that asks back where the
reading acts, leaves out a label the request names and the reading targets, or does none of what the request's
words ask that the reading does (`against_reading`), gives way to
the reading; several steps for a request of one clause (`added_steps`) go back to the model as an error.
"""

from __future__ import annotations

from typing import Any

from ..core.instruction import plan_steps

MODES = ("model", "offline-first", "checked")
# An offline reading at least this sure (offline/confidence.py: every word read, no construction half read) is
# taken as what the request explicitly says: calibrated on held-out cases with bench/planner.py (sure plans right
# >= 98%). offline-first sends what is below it to the model; checked replaces the model's plan only with a reading
# at or above it; below it the offline planner acts and says what it understood.
CONFIDENT = 0.8

# Operations a reader may take for one another without contradicting the request ("make the hair
# blonde" is a recolor or an inpaint; "remove the cup" a remove or an inpaint).
_SAME = [{"recolor", "inpaint"}, {"remove", "inpaint"}, {"adjust", "recolor"}]


def confident(reading: Any) -> bool:
    conf = getattr(reading, "confidence", None)
    return conf is not None and conf >= CONFIDENT


def _ops_agree(a: str, b: str) -> bool:
    return a == b or any({a, b} <= pair for pair in _SAME)


def contradiction(plan: dict[str, Any], reading: dict[str, Any]) -> str:
    """Why `plan` (the model's) contradicts the confident offline `reading`, or "" when it does not."""
    got, want = plan_steps(plan), plan_steps(reading)
    if len(got) != len(want):
        return f"it planned {len(got)} step(s) where the request asks for {len(want)}"
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        where = f"step {i + 1}: " if len(want) > 1 else ""
        g_op, w_op = g.get("operation", ""), w.get("operation", "")
        if w_op == "clarify" and g_op != "clarify":
            return f"{where}it edited although the request names something that is not in the picture"
        if g_op == "clarify" and w_op != "clarify":
            return f"{where}it asked back although the request is clear ({w_op})"
        if not _ops_agree(g_op, w_op):
            return f"{where}it chose {g_op} where the request asks for {w_op}"
        g_t, w_t = sorted(g.get("targets") or []), sorted(w.get("targets") or [])
        if g_t != w_t and w_op != "clarify":
            return f"{where}it targeted {g_t or 'the whole picture'} where the request names {w_t or 'the whole picture'}"
        if g_op == w_op and (why := _values_differ(g, w)):
            return where + why
    return ""


# Values a picture operation takes exactly as the request says them ("crop to 4:3", "rotate 90")
_EXACT = ("aspect", "width", "height", "angle", "direction")


def _values_differ(got: dict[str, Any], want: dict[str, Any]) -> str:
    """What one step of the model's plan says otherwise than the same operation in a sure reading: the other side
    of the targets ("everything but the swan"), a number or shape the request gives, a colour the request names
    (the model's may say more: "navy" and "navy blue"), or an adjustment the other way ("darker", not brighter)."""
    if bool((got.get("mask") or {}).get("invert")) != bool((want.get("mask") or {}).get("invert")):
        return "it edited the other side of the targets"
    for key in _EXACT:
        if key in want and got.get(key) != want[key]:
            return f"it set {key} {got.get(key)!r} where the request says {want[key]!r}"
    g_c, w_c = str(got.get("color") or "").lower(), str(want.get("color") or "").lower()
    if g_c and w_c and w_c not in g_c and g_c not in w_c:
        return f"it chose the colour {g_c!r} where the request says {w_c!r}"
    g_a, w_a = got.get("adjust") or {}, want.get("adjust") or {}
    shared = [k for k in w_a if k in g_a]
    if w_a and not shared:
        return f"it adjusted {sorted(g_a)} where the request asks for {sorted(w_a)}"
    flipped = [k for k in shared if _sign(g_a[k]) != _sign(w_a[k])]
    if flipped:
        return f"it turned {flipped} the other way"
    return ""


def _sign(value: Any) -> int:
    return (value > 0) - (value < 0) if isinstance(value, int | float) else 0


def _targets(plan: dict[str, Any]) -> set[str]:
    return {t for step in plan_steps(plan) for t in step.get("targets") or []}


def against_reading(plan: dict[str, Any], reading: Any) -> str:
    """Why `plan` (the model's) goes against an unsure `reading` where it should not: it asks back where the
    reading acts (a question corrects nothing; the unsure reading's reply already says what it understood and
    offers the other reading), or it leaves out a label the request names in so many words and the reading
    edits. "" when it does not (the model is free to change everything else)."""
    asks = any(step.get("operation") == "clarify" for step in plan_steps(plan))
    if asks and not any(step.get("operation") == "clarify" for step in plan_steps(reading.instruction)):
        return "it asked back where the request can be read"
    named = [t for t in getattr(reading, "named", []) if t in _targets(reading.instruction)]
    missing = [t for t in named if t not in _targets(plan)]
    if missing:
        return f"it left out {missing}, which the request names"
    said = [s for s in getattr(reading, "said", []) if _does(reading.instruction, s)]
    if said and not any(_does(plan, s) for s in said):  # "knock the brightness down on the rest" -> a red sky
        return f"it does none of {said}, which the request asks for"
    return ""


def _does(plan: dict[str, Any], said: str) -> bool:
    """Whether `plan` does what a request's words name ("adjust:brightness", "remove", "recolor")."""
    op, _, param = said.partition(":")
    ok = {"remove": ("remove", "inpaint"), "recolor": ("recolor", "inpaint")}.get(op, (op,))
    return any(step.get("operation") in ok and (not param or param in (step.get("adjust") or {}))
               for step in plan_steps(plan))


def added_steps(plan: dict[str, Any], reading: Any) -> str:
    """Why `plan` is no answer to a request of one clause that an unsure `reading` read as one edit: it has
    several steps (a small model shown a reading keeps it and adds a step for each word it was pointed to).
    "" otherwise; a sure reading is checked by `contradiction`."""
    if reading is None or confident(reading) or getattr(reading, "clauses", 0) != 1:
        return ""
    if len(plan_steps(reading.instruction)) != 1:
        return ""
    n = len(plan_steps(plan))
    return (f"the request asks for one edit, not {n}: answer with one JSON instruction (the rule-based reading "
            "or its correction), not steps") if n > 1 else ""
