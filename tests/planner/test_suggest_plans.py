"""Suggestions from a model may be short plans ({"steps": [...]}): validated as plans, filtered by
whether every step can run, and a plan whose steps were all done already is not suggested again."""

from __future__ import annotations

import json

from lib_imgedit.core.config import load_rules
from lib_imgedit.planner.base import PlanContext
from lib_imgedit.planner.llm import LLMPlanner
from lib_imgedit.planner.offline import OfflinePlanner
from lib_imgedit.planner.suggest_llm import llm_suggestions

RULES = load_rules()

SQUARE_BRIGHT = {"steps": [{"operation": "crop", "aspect": "1:1"}, {"operation": "adjust", "adjust": {"brightness": 0.2}}]}
DONE = {"steps": [{"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}},
                  {"operation": "recolor", "targets": ["hair"], "color": "red"}]}
BAD = {"steps": [{"operation": "crop", "aspect": "1:1"}, {"operation": "undo"}]}


def test_suggestions_may_be_plans(chat, make_profile):
    items = [{"text": "Square and brighter", "instruction": SQUARE_BRIGHT}, {"text": "Again", "instruction": DONE},
             {"text": "Broken", "instruction": BAD},
             {"text": "Blue hair", "instruction": {"operation": "recolor", "targets": ["hair"], "color": "blue"}}]
    chat.add(json.dumps({"suggestions": items}))
    seen = []

    def can_run(plan):
        seen.append(plan)
        return True

    planner = LLMPlanner(make_profile(), RULES, OfflinePlanner(RULES))
    context = PlanContext(text="", labels=["hair", "face", "background"])
    got = llm_suggestions(planner, context, DONE["steps"], can_run)
    assert [g["text"] for g in got] == ["Square and brighter", "Blue hair"]
    assert got[0]["instruction"] == SQUARE_BRIGHT and SQUARE_BRIGHT in seen
