"""Planners turn a request into a validated instruction. `plan_validated` is the one path every
front door uses: plan, validate against the rules and the picture's labels, and fall back to the
offline planner (visibly, with a note) when a model's plan still breaks the rules."""

from __future__ import annotations

import logging
from typing import Any

from ..errors import InvalidInstruction
from ..instruction import EditInstruction, validate_instruction
from .base import PlanContext, Planner, PlanResult, Turn

log = logging.getLogger("imgedit")


def plan_validated(planner: Planner, offline: Planner, ctx: PlanContext, rules: dict[str, Any]) -> tuple[EditInstruction, PlanResult]:
    plan = planner.plan(ctx)
    try:
        return validate_instruction(plan.instruction, rules, ctx.labels), plan
    except InvalidInstruction as exc:
        if planner is offline:
            raise
        log.warning("imgedit: %s produced an invalid plan, using the offline planner: %s", plan.planner, exc.message)
        fallback = offline.plan(ctx)
        fallback.attempts += plan.attempts
        fallback.notes = plan.notes + [f"{plan.planner} gave an invalid plan ({exc.message}); used the offline planner"]
        return validate_instruction(fallback.instruction, rules, ctx.labels), fallback


__all__ = ["PlanContext", "PlanResult", "Planner", "Turn", "plan_validated"]
