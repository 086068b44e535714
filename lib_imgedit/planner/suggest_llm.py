"""Next-edit suggestions from the session's model: three runnable plans that fit this picture (an
instruction, or a short {"steps": [...]} for a combined edit such as "crop to a square and brighten").

A vision profile sees the current picture (downscaled) besides the labels; others get the labels and
what the session already did. Each suggestion is validated and checked against the executors; the
invalid ones are dropped, and the caller fills up from the offline suggestions.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from ..core.errors import ImgEditError
from ..core.instruction import SOLO_OPERATIONS, is_steps, plan_steps, validate_plan
from .base import PlanContext
from .extract import extract_list, find_instruction
from .llm import LLMPlanner, LLMUnavailable, instruction_schema, prompt_values, user_content
from .templates import render

log = logging.getLogger("imgedit")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def llm_suggestions(planner: LLMPlanner, ctx: PlanContext, done: list[dict[str, Any]],
                    can_run: Callable[[dict[str, Any]], bool], n: int = 3, zh: bool = False) -> list[dict[str, Any]]:
    """Up to `n` suggestions `{"text", "instruction"}`; [] when the model cannot be had."""
    try:
        template = planner.template()
        system = render(template.suggest, prompt_values(ctx, planner.rules, done, n, zh))
        ask = f"Suggest {n} next edits for this picture as JSON."
        messages = [{"role": "system", "content": system},
                    {"role": "user", "content": user_content(ask, ctx.image_png if planner.vision else None)}]
        # The schema asks for one instruction (what structured output handles everywhere); a model that
        # answers with {"steps": [...]} anyway is read as a plan.
        item = {"type": "object", "properties": {"text": {"type": "string", "maxLength": 200},
                                                 "instruction": instruction_schema(planner.rules, ctx.labels)},
                "required": ["text", "instruction"]}
        schema = {"type": "object", "properties": {"suggestions": {"type": "array", "items": item, "maxItems": n}},
                  "required": ["suggestions"]}
        reply = planner.chat(messages, schema)
    except (LLMUnavailable, ImgEditError, ValueError) as exc:
        log.info("no suggestions from %s: %s", planner.name, exc)
        return []
    picked: list[dict[str, Any]] = []
    for item in extract_list(reply.text, "suggestions"):
        if not isinstance(item, dict):
            continue
        data = item["instruction"] if is_steps(item.get("instruction")) else find_instruction(item)
        if data is None:
            continue
        try:
            plan = validate_plan(data, planner.rules, ctx.labels)
        except ImgEditError:
            continue
        instruction = plan.to_dict()
        if plan.steps[0].operation in SOLO_OPERATIONS or not can_run(instruction):
            continue
        if any(p["instruction"] == instruction for p in picked) or all(s in done for s in plan_steps(instruction)):
            continue
        said = plan.reply or plan.steps[0].reply or " + ".join(s.operation for s in plan.steps)
        text = _CONTROL.sub("", str(item.get("text") or said))[:200]
        picked.append({"text": text.strip(), "instruction": instruction})
        if len(picked) == n:
            break
    return picked
