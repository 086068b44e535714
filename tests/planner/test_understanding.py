"""Issue 18: the new constructions (exclusions, sizes, 'add X next to Y', hide/censor, typos by similarity, chat
words, repeating a whole plan) in English and Chinese, alone and as follow-ups; confidence from what was read;
acting unsure says what it understood and offers the other reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from lib_imgedit.core.config import load_rules
from lib_imgedit.core.instruction import validate_plan
from lib_imgedit.planner.base import PlanContext
from lib_imgedit.planner.modes import CONFIDENT
from lib_imgedit.planner.offline import OfflinePlanner
from lib_imgedit.planner.scoring import DialogueState, load_cases, score_case, turn_problems

RULES = load_rules()
OFFLINE = OfflinePlanner(RULES)
DATA = Path(__file__).resolve().parents[1] / "data"
PERSON = ["person", "hair", "face", "skin", "clothes", "background"]
HOUSE = ["sky", "house", "roof", "chimney", "field", "tree", "grass"]


def plan(text: str, labels: list[str]) -> tuple[dict, float]:
    result = OFFLINE.plan(PlanContext(text=text, labels=labels))
    return validate_plan(result.instruction, RULES, labels).to_dict(), result.confidence or 0.0


@pytest.mark.parametrize("text, labels, case", [
    ("turn everything except him to black and white", PERSON,
     {"ops": ["adjust"], "targets": ["background"], "targets_inverted": ["person"], "adjust": ["grayscale"]}),
    ("除了他以外都变成黑白", PERSON,
     {"ops": ["adjust"], "targets": ["background"], "targets_inverted": ["person"], "adjust": ["grayscale"]}),
    ("add some sparkle to the whole photo", PERSON, {"ops": ["restyle"], "targets": [], "keywords": ["sparkle"]}),
    ("add smoke coming out of the chimney", HOUSE, {"ops": ["inpaint"], "targets": ["chimney"], "keywords": ["smoke"]}),
    ("plz pixalate the face", PERSON, {"ops": ["adjust"], "targets": ["face"], "adjust": ["pixelate"]}),
    ("make it 1200 by 800", PERSON, {"ops": ["resize"], "targets": [], "width": 1200, "height": 800}),
    ("改成1200乘800", PERSON, {"ops": ["resize"], "targets": [], "width": 1200, "height": 800}),
    ("hide his face", PERSON, {"ops": ["adjust"], "targets": ["face"], "adjust": ["pixelate", "blur"]}),
    ("把他的脸遮住", PERSON, {"ops": ["adjust"], "targets": ["face"], "adjust": ["pixelate", "blur"]}),
    ("make it 16:9", PERSON, {"ops": ["crop"], "targets": [], "aspect": "16:9"}),
    ("widescreen please", PERSON, {"ops": ["crop"], "targets": [], "aspect": "16:9"}),
    ("pls make the sky pink thx", HOUSE, {"ops": ["recolor"], "targets": ["sky"], "keywords": ["pink"]}),
])
def test_the_issue_s_requests_are_planned_right(text, labels, case):
    got, _sure = plan(text, labels)
    assert score_case(case, got), (text, got)


def test_words_only_copied_into_a_prompt_are_not_read():
    got, sure = plan("make the field sun-drenched", HOUSE)
    assert sure < CONFIDENT, got
    assert "I took this to mean" in got["reply"]
    _got, sure = plan("make the sky pink", HOUSE)
    assert sure >= CONFIDENT


def test_unsure_acts_say_what_was_understood_and_offer_the_other_reading():
    result = OFFLINE.plan(PlanContext(text="blur it a smidge", labels=PERSON))
    assert result.confidence < CONFIDENT and result.instruction["targets"] == []
    assert "whole picture" in result.instruction["reply"]
    assert result.options and result.options[0]["instruction"]["targets"] == ["background"]
    validate_plan(result.options[0]["instruction"], RULES, PERSON)


def test_do_that_again_repeats_every_step_and_brighter_after_blonde_is_the_picture():
    state = DialogueState(["dog", "grass", "sky"])
    for text in ("make the dog white and blur the grass", "do that again"):
        got = OFFLINE.plan(state.context(text)).instruction
        state.apply(text, got)
    assert [s["operation"] for s in got["steps"]] == ["recolor", "adjust"]
    state = DialogueState(PERSON)
    for text in ("make the hair blonde", "a bit brighter"):
        got = OFFLINE.plan(state.context(text)).instruction
        state.apply(text, got)
    assert got["operation"] == "adjust" and not got.get("targets") and got["adjust"]["brightness"] > 0


def test_brush_edit_then_more_stays_on_the_painted_area():
    state = DialogueState(PERSON)
    for text in ("darken this", "more"):
        got = OFFLINE.plan(state.context(text, mask=True)).instruction
        state.apply(text, got)
    assert got["operation"] == "adjust" and got["targets"] == ["user_mask"] and got["adjust"]["brightness"] < -0.2


def test_new_cases_written_before_the_rules():
    """The half of issue 18's new cases the rules were written from (the other half is held out for the bench)."""
    cases = load_cases(DATA / "newcases_planner.jsonl")
    right = [score_case(c, plan(c["instruction"], c["labels"])[0]) for c in cases]
    assert sum(right) / len(right) >= 0.95
    turns = []
    for dialogue in load_cases(DATA / "newdialogues_planner.jsonl"):
        state = DialogueState(list(dialogue["labels"]))
        for turn in dialogue["turns"]:
            ctx = state.context(turn["text"], bool(turn.get("mask")))
            got = validate_plan(OFFLINE.plan(ctx).instruction, RULES, ctx.labels).to_dict()
            turns.append(not turn_problems(turn, got))
            state.apply(turn["text"], got)
    assert sum(turns) / len(turns) >= 0.95


def test_the_sentence_on_an_unsure_reading_names_the_area_as_replies_do():
    from lib_imgedit.planner.offline.reply import understood

    blur = {"operation": "adjust", "adjust": {"blur": 0.5}}
    assert understood({**blur, "targets": []}, True).startswith("我理解为整张图；")
    assert understood({**blur, "targets": ["sky"], "mask": {"invert": True}}, False).startswith(
        "I took this to mean everything except the sky;")


def test_an_exclusion_is_judged_by_what_it_keeps_up_to_the_parts_of_it():
    case = {"ops": ["adjust"], "targets_any": [["person", "sky"]], "targets_inverted": ["car"], "adjust": ["blur"]}
    kept = {"operation": "adjust", "adjust": {"blur": 0.5}, "mask": {"invert": True}}
    assert score_case(case, {**kept, "targets": ["car"]})
    assert score_case(case, {**kept, "targets": ["car", "license plate"]})  # the plate lies inside the car
    assert not score_case(case, {**kept, "targets": ["car", "person"]})
    assert not score_case(case, {"operation": "adjust", "adjust": {"blur": 0.5}, "targets": ["car"]})  # the opposite region
    people = {**case, "targets_inverted": ["person", "face", "hair"]}
    assert score_case(people, {**kept, "targets": ["person"]})  # the face and hair are the person's
    assert not score_case(people, {**kept, "targets": ["face"]})
    three = {**case, "targets_inverted": ["person 1", "person 2", "face 1", "face 2", "gown"]}
    assert score_case(three, {**kept, "targets": ["person 1", "person 2"]})
    assert not score_case(three, {**kept, "targets": ["person 1"]})
