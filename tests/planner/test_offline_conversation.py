"""Follow-ups in a session that already has an edit, planned with the context the service builds: a message
that names an operation always gets that operation; only what it leaves out comes from the conversation.
(Before the planner read `ctx.current`/`ctx.edits`, "blur the background" after "make her lips red"
recoloured the background red.)"""

from __future__ import annotations

import pytest

from lib_imgedit.core.config import load_rules
from lib_imgedit.core.instruction import validate_plan
from lib_imgedit.planner.offline import OfflinePlanner
from lib_imgedit.planner.scoring import DialogueState

RULES = load_rules()
PLANNER = OfflinePlanner(RULES)
PORTRAIT = ["person", "hair", "face", "lips", "skin", "clothes", "background"]


def _talk(labels: list[str], *texts: str) -> list[dict]:
    """Plan `texts` one after another, each turn recorded as if it ran."""
    state = DialogueState(list(labels))
    plans = []
    for text in texts:
        plan = PLANNER.plan(state.context(text)).instruction
        validate_plan(plan, RULES, labels)
        plans.append(plan)
        state.apply(text, plan)
    return plans


@pytest.mark.parametrize("first,second,op,targets,key", [
    ("make her lips red", "blur the background", "adjust", ["background"], "blur"),
    ("make her lips red", "sharpen the face", "adjust", ["face"], "sharpen"),
    ("make it black and white", "pixelate the face", "adjust", ["face"], "pixelate"),
    ("brighten it a bit", "把背景虚化", "adjust", ["background"], "blur"),
    ("make the clothes green", "remove the hair", "remove", ["hair"], None),
    ("blur the background", "make the hair red", "recolor", ["hair"], "red"),
    ("make the background blue", "darken the face", "adjust", ["face"], "brightness"),
])
def test_a_named_operation_is_never_the_previous_one(first, second, op, targets, key) -> None:
    plan = _talk(PORTRAIT, first, second)[1]
    assert (plan["operation"], plan["targets"]) == (op, targets), plan
    assert key is None or key in plan.get("adjust", {}) or plan.get("color") == key


def test_after_undoing_back_to_the_upload_nothing_is_carried() -> None:
    plans = _talk(PORTRAIT, "make her lips red", "undo", "blur the background", "more")
    assert plans[2] == {**plans[2], "operation": "adjust", "targets": ["background"]}
    assert plans[3]["operation"] == "adjust" and plans[3]["targets"] == ["background"]


@pytest.mark.parametrize("texts,op,targets,check", [
    (("make the clothes green", "a little darker"), ("recolor", "adjust"), ["clothes"], None),
    (("make the clothes green", "a little darker", "the hair too"), ("recolor",), ["hair"], "green"),
    (("make her hair red", "actually, make it blue"), ("recolor",), ["hair"], "blue"),
    (("brighten the face", "not the face, the hair"), ("adjust",), ["hair"], "brightness"),
    (("blur the background", "more"), ("adjust",), ["background"], "blur"),
    (("brighten the face", "even brighter"), ("adjust",), ["face"], "brightness"),
    (("make the lips pink", "again"), ("recolor",), ["lips"], "pink"),
    (("blur the background", "same for the hair"), ("adjust",), ["hair"], "blur"),
    (("blur the background", "do the same to the face"), ("adjust",), ["face"], "blur"),
    (("blur the background", "and the face"), ("adjust",), ["face"], "blur"),
    (("replace the background with a beach", "make it a beach at night instead"), ("inpaint",), ["background"], "night"),
    (("把嘴唇变成红色", "再红一点"), ("recolor", "adjust"), ["lips"], None),
    (("把嘴唇变成红色", "衣服也改成红色"), ("recolor",), ["clothes"], "red"),
    (("把衣服改成绿色", "换成蓝色吧"), ("recolor",), ["clothes"], "blue"),
])
def test_follow_ups_take_what_they_leave_out(texts, op, targets, check) -> None:
    plan = _talk(PORTRAIT, *texts)[-1]
    assert plan["operation"] in op and plan["targets"] == targets, plan
    assert check is None or check in str(plan.get("color", "")) + str(plan.get("prompt", "")) + str(plan.get("adjust"))


def test_an_answer_to_a_question_completes_the_request() -> None:
    plans = _talk(["sky", "tree", "grass"], "remove the horse", "the tree")
    assert plans[0]["operation"] == "clarify"
    assert (plans[1]["operation"], plans[1]["targets"]) == ("remove", ["tree"])
    plans = _talk(["sky", "tree", "grass"], "hello", "the tree")  # a greeting left nothing to complete
    assert plans[1]["operation"] != "inpaint" or "hello" not in plans[1].get("prompt", "")
