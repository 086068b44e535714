"""Two close readings of one request. When the planner is unsure of its plan and another reading is about as
likely (the opposite region, another operation), it asks back with both as one-click answers instead of
guessing: "brighter" right after a mid-tone recolour (the picture, or a lighter shade of the new colour), an
exclusion it could not apply ("everything except him": him, or the rest), "add smoke out of the chimney" painted
elsewhere (there, or on the chimney), a size in pixels it did not use."""

from __future__ import annotations

from typing import Any

from ...core.describe import describe
from ..base import PlanContext
from .confidence import half_read
from .draft import Draft
from .finish import finish


def close_reading(draft: Draft, ins: dict[str, Any], labels: list[str]) -> dict[str, Any] | None:
    """The other reading of `draft` (finished as `ins`) that is about as likely, or None."""
    if draft.alt is not None:
        return draft.alt
    if not draft.text or draft.kind in ("ask", "chat", "history", "picture", "question"):
        return None
    return half_read(draft.text, ins, draft.read, labels)[1] if ins.get("operation") != "clarify" else None


def ask_between(rules: dict[str, Any], ins: dict[str, Any], other: dict[str, Any], ctx: PlanContext,
                labels: list[str], zh: bool, notes: list[str]) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """A question naming both readings, and the two as one-click answers; None when the other reading cannot
    be planned or comes out the same."""
    second = finish(rules, dict(other), ctx, labels, zh, [])
    if second.get("operation") == "clarify" or _bare(second) == _bare(ins):
        return None
    notes.append("two readings are about as likely; asking which one")
    first_said, second_said = (describe(x, "caption", zh, ctx.edits).rstrip("。.") for x in (ins, second))
    question = (f"你是想{first_said}，还是{second_said}？点一个即可。" if zh else
                f"Did you mean: {_lower(first_said)}, or {_lower(second_said)}? Click one.")
    options = [{"text": first_said, "instruction": ins}, {"text": second_said, "instruction": second}]
    return {"operation": "clarify", "targets": [], "question": question, "reply": question}, options


def _bare(ins: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in ins.items() if k != "reply"}


def _lower(said: str) -> str:
    return said[:1].lower() + said[1:]
