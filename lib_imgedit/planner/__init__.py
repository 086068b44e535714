"""Planners turn a request into a validated plan. `plan_validated` is the one path every front door
uses: plan, validate against the rules and the picture's labels, and fall back to the offline planner
(visibly, with a note) when a model's plan still breaks the rules."""

from __future__ import annotations

import logging
from typing import Any, Callable

from ..core.errors import InvalidInstruction
from ..core.instruction import EditPlan, validate_plan
from .base import PlanContext, Planner, PlanResult, Turn

log = logging.getLogger("imgedit")


# Called with a plan (JSON form, unvalidated) before validation: returns the plan to validate and the
# labels to validate it against (the service grounds targets named by phrase: `phrase_targets.py`).
Resolve = Callable[[Any], tuple[Any, list[str]]]


def plan_validated(planner: Planner, offline: Planner, ctx: PlanContext, rules: dict[str, Any],
                   resolve: Resolve | None = None) -> tuple[EditPlan, PlanResult]:
    """The validated plan for `ctx` (one step, or several run in order as one turn) and how it was
    made; `result.instruction` holds the plan's JSON form (a bare instruction for one step)."""

    def validated(instruction: Any) -> EditPlan:
        instruction, labels = resolve(instruction) if resolve is not None else (instruction, ctx.labels)
        return validate_plan(instruction, rules, labels)

    result = planner.plan(ctx)
    try:
        plan = validated(result.instruction)
    except InvalidInstruction as exc:
        if planner is offline:
            raise
        log.warning("%s produced an invalid plan, using the offline planner: %s", result.planner, exc.message)
        fallback = offline.plan(ctx)
        fallback.attempts += result.attempts
        fallback.notes = result.notes + [f"{result.planner} gave an invalid plan ({exc.message}); used the offline planner"]
        result, plan = fallback, validated(fallback.instruction)
    result.instruction = plan.to_dict()
    return plan, result


__all__ = ["PlanContext", "PlanResult", "Planner", "Turn", "plan_validated"]
