"""How the model and the offline planner work together (modes), the example bank, the repairs that
never accept an echo of the error, and the notes a user reads: over real HTTP against the scripted
chat server."""

from __future__ import annotations

import json
import logging

import pytest

from lib_imgedit.core.config import load_rules
from lib_imgedit.core.instruction import validate_plan
from lib_imgedit.planner.base import PlanContext, Planner, PlanResult
from lib_imgedit.planner.examples import BUILTIN, ExampleBank, example_bank
from lib_imgedit.planner.llm import LLMPlanner, planning_messages
from lib_imgedit.planner.modes import contradiction
from lib_imgedit.planner.offline import OfflinePlanner
from lib_imgedit.planner.profiles import profile_from_dict
from lib_imgedit.planner.scoring import DialogueState
from lib_imgedit.planner.templates import load_template

RULES = load_rules()
OFFLINE = OfflinePlanner(RULES)
LABELS = ["hair", "face", "clothes", "water", "background"]
RED = {"operation": "recolor", "targets": ["hair"], "color": "red"}


class Reading(Planner):
    """An offline planner that reads every request as `instruction` with `confidence`."""

    name = "offline"

    def __init__(self, instruction: dict, confidence: float):
        self.instruction, self.confidence, self.calls = instruction, confidence, 0

    def plan(self, ctx: PlanContext) -> PlanResult:
        self.calls += 1
        return PlanResult(dict(self.instruction), "offline", confidence=self.confidence)


def ctx(text: str = "make her hair red") -> PlanContext:
    return PlanContext(text=text, labels=LABELS, shares={n: 0.2 for n in LABELS})


# -- modes ---------------------------------------------------------------------------------------
def test_offline_first_answers_confident_readings_without_the_model(chat, make_profile):
    reading = Reading(RED, 0.95)
    result = LLMPlanner(make_profile(mode="offline-first"), RULES, reading).plan(ctx())
    assert result.planner == "offline" and result.instruction == RED and not chat.requests


def test_offline_first_asks_the_model_what_it_cannot_read(chat, make_profile):
    chat.add(json.dumps(RED))
    reading = Reading({"operation": "clarify", "question": "?"}, 0.3)
    result = LLMPlanner(make_profile(mode="offline-first"), RULES, reading).plan(ctx("make the mane crimson"))
    assert len(chat.requests) == 1 and result.planner == "scripted" and result.instruction == RED


def test_the_setting_gives_the_mode_and_a_profile_key_overrides_it(chat, make_profile):
    reading = Reading(RED, 0.95)
    assert LLMPlanner(make_profile(), RULES, reading, default_mode="offline-first").plan(ctx()).planner == "offline"
    chat.add(json.dumps(RED))
    assert LLMPlanner(make_profile(mode="model"), RULES, reading, default_mode="offline-first").plan(ctx()).planner == "scripted"
    assert reading.calls == 1, "model mode never asks the offline planner first"


def test_checked_replaces_a_plan_that_targets_every_label_for_a_whole_picture_edit(chat, make_profile):
    whole = {"operation": "adjust", "adjust": {"brightness": 0.3}}
    chat.add(json.dumps({**whole, "targets": LABELS}))
    result = LLMPlanner(make_profile(mode="checked"), RULES, Reading(whole, 0.9)).plan(ctx("make it brighter"))
    assert result.instruction == whole and result.planner == "offline"
    assert len(result.notes) == 1 and "scripted's plan was replaced" in result.notes[0]
    sent = chat.requests[0].body["messages"][-1]["content"]
    assert "rule-based reading" in sent and json.dumps(whole) in sent, "the reading is offered as a candidate"


def test_checked_keeps_the_model_when_it_agrees_or_the_reading_is_unsure(chat, make_profile):
    inpaint = {"operation": "inpaint", "targets": ["hair"], "prompt": "red hair"}
    chat.add(json.dumps(inpaint)).add(json.dumps(RED))
    assert LLMPlanner(make_profile(mode="checked"), RULES, Reading(RED, 0.9)).plan(ctx()).instruction == inpaint
    unsure = Reading({"operation": "recolor", "targets": ["face"], "color": "red"}, 0.4)
    assert LLMPlanner(make_profile(mode="checked"), RULES, unsure).plan(ctx()).instruction == RED


def test_checked_asks_back_when_the_named_thing_is_missing(chat, make_profile):
    """'把猫变成黑色' with no cat: a model that recolours the cushion is overruled by the clarify."""
    ask = {"operation": "clarify", "question": "我没有看到猫。"}
    chat.add(json.dumps({"operation": "recolor", "targets": ["clothes"], "color": "black"}))
    result = LLMPlanner(make_profile(mode="checked"), RULES, Reading(ask, 0.9)).plan(ctx("把猫变成黑色"))
    assert result.instruction == ask


@pytest.mark.parametrize("plan, reading, why", [
    ({"operation": "adjust", "targets": ["face"], "adjust": {"blur": 0.5}}, {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}}, "targeted"),
    ({"operation": "remove", "targets": ["hair"]}, {"operation": "recolor", "targets": ["hair"], "color": "red"}, "chose remove"),
    ({"operation": "clarify", "question": "?"}, RED, "asked back"),
    ({"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}},
     {"steps": [{"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}}, RED]}, "1 step(s)"),
    # what a sure reading read besides the operation and the labels
    ({"operation": "adjust", "targets": ["person"], "adjust": {"grayscale": True}},
     {"operation": "adjust", "targets": ["person"], "mask": {"invert": True}, "adjust": {"grayscale": True}}, "other side"),
    ({"operation": "crop", "aspect": "16:9"}, {"operation": "crop", "aspect": "4:3"}, "aspect"),
    ({"operation": "rotate", "angle": 90}, {"operation": "rotate", "angle": 180}, "angle"),
    ({"operation": "recolor", "targets": ["hair"], "color": "yellow"}, {"operation": "recolor", "targets": ["hair"], "color": "blonde"}, "colour"),
    ({"operation": "adjust", "targets": [], "adjust": {"brightness": 0.3}}, {"operation": "adjust", "targets": [], "adjust": {"brightness": -0.2}}, "other way"),
    ({"operation": "adjust", "targets": [], "adjust": {"blur": 0.3}}, {"operation": "adjust", "targets": [], "adjust": {"sharpen": 0.4}}, "asks for ['sharpen']"),
])
def test_contradictions_are_named(plan, reading, why):
    assert why in contradiction(plan, reading)


def test_agreeing_plans_are_no_contradiction():
    assert contradiction({"operation": "inpaint", "targets": ["hair"], "prompt": "red hair"}, RED) == ""
    assert contradiction({**RED, "color": "dark red"}, RED) == ""  # the model may say more than the request
    brighter = {"operation": "adjust", "targets": [], "adjust": {"brightness": 0.2}}
    assert contradiction({**brighter, "adjust": {"brightness": 0.35, "contrast": 0.1}}, brighter) == ""
    steps = {"steps": [RED, {"operation": "flip", "direction": "horizontal"}]}
    assert contradiction(steps, steps) == ""


# -- repairs ---------------------------------------------------------------------------------------
def test_a_clarify_that_repeats_the_validation_error_is_not_accepted(chat, make_profile):
    chat.add('{"operation": "adjust", "adjust": {"saturation": 1.5}}')
    chat.add('{"operation": "clarify", "question": "The saturation value you provided (1.5) is greater than the maximum of 1.0. What do you want?"}')
    chat.add('{"operation": "adjust", "adjust": {"saturation": 0.5}}')
    result = LLMPlanner(make_profile(), RULES, OfflinePlanner(RULES)).plan(ctx("more saturated"))
    assert result.instruction == {"operation": "adjust", "adjust": {"saturation": 0.5}} and result.attempts == 3
    assert "correct the JSON" in chat.requests[2].body["messages"][-1]["content"]


def test_a_clarify_that_calls_a_listed_label_missing_is_repaired(chat, make_profile):
    chat.add('{"operation": "clarify", "question": "There is no water in this picture."}')
    chat.add('{"operation": "recolor", "targets": ["water"], "color": "turquoise"}')
    result = LLMPlanner(make_profile(), RULES, OfflinePlanner(RULES)).plan(ctx("make the water turquoise"))
    assert result.instruction["targets"] == ["water"]
    assert "'water' IS in the picture" in chat.requests[1].body["messages"][-1]["content"]


def test_a_real_clarify_is_accepted(chat, make_profile):
    chat.add('{"operation": "clarify", "question": "I can\'t see a cat: I see hair, face, clothes, water and background."}')
    result = LLMPlanner(make_profile(), RULES, OfflinePlanner(RULES)).plan(ctx("make the cat black"))
    assert result.planner == "scripted" and result.instruction["operation"] == "clarify"


def test_steps_are_planned_and_validated(chat, make_profile):
    steps = {"steps": [{"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}}, RED]}
    chat.add(json.dumps(steps["steps"]))  # a bare list of instructions is read as the steps
    result = LLMPlanner(make_profile(), RULES, OfflinePlanner(RULES)).plan(ctx("blur the background and make her hair red"))
    assert result.instruction == steps
    assert [s.operation for s in validate_plan(result.instruction, RULES, LABELS).steps] == ["adjust", "recolor"]


# -- notes a user reads ------------------------------------------------------------------------------
def test_a_fallback_is_one_short_note(chat, make_profile, caplog):
    for _ in range(3):
        chat.add('{"operation": "recolor", "targets": ["dog"], "color": "red"}')
    with caplog.at_level(logging.INFO, logger="imgedit"):
        result = LLMPlanner(make_profile(), RULES, OfflinePlanner(RULES)).plan(ctx())
    mine = [n for n in result.notes if "scripted" in n]
    assert len(mine) == 1 and "no valid plan in 3 tries" in mine[0] and "used the offline planner" in mine[0]
    assert not any(r.getMessage().startswith("imgedit:") for r in caplog.records), "the logger's name is the prefix"


@pytest.mark.parametrize("body, what", [
    ("<!DOCTYPE html><html><body>Welcome to nginx!</body></html>", "an HTML page"),
    ("hello", "text ('hello')"),
    ("{not json", "a body that is not JSON"),
])
def test_a_server_that_is_not_a_chat_completion_is_named(chat, make_profile, body, what):
    kind = "application/json" if body.startswith("{") else "text/html"
    chat.add(status=200, body=body, headers={"Content-Type": kind})
    result = LLMPlanner(make_profile(), RULES, OfflinePlanner(RULES)).plan(ctx())
    assert result.planner == "offline"
    assert f"answered with {what}, not a chat completion" in result.notes[0] and "/v1" in result.notes[0]


# -- the example bank --------------------------------------------------------------------------------
def test_every_shipped_example_is_a_valid_plan():
    bank = ExampleBank([BUILTIN])
    assert len(bank.examples) > 500
    for ex in bank.examples:
        validate_plan(ex.instruction, RULES, list(ex.labels))


def test_the_nearest_examples_read_like_the_request_and_never_are_it(tmp_path):
    (tmp_path / "examples.jsonl").write_text(json.dumps({
        "text": "make the mane crimson", "labels": ["hair", "face"],
        "instruction": {"operation": "recolor", "targets": ["hair"], "color": "crimson"}}) + "\n", "utf-8")
    bank = example_bank(tmp_path)
    near = [e.text for e in bank.nearest("make the mane crimson please", 3)]
    assert near[-1] == "make the mane crimson", "the user's own accepted example comes first (last, nearest)"
    zh = [e.text for e in bank.nearest("把头发染成金色", 4)]
    assert any("头发" in t for t in zh)
    assert "rotate it 90 degrees" not in [e.text for e in bank.nearest("rotate it 90 degrees", 4, exclude="rotate it 90 degrees")]


def test_the_prompt_carries_the_profile_s_number_of_bank_examples():
    profile = profile_from_dict("p", {"base_url": "http://127.0.0.1:9/v1", "model": "m", "examples": 3})
    template = load_template("compact")
    messages = planning_messages(template, ctx("crop it to a square"), RULES, examples=profile.examples)
    shots = (len(messages) - 2) // 2
    assert shots == len(template.examples) + 3
    assert any('"crop"' in m["content"] for m in messages if m["role"] == "assistant")


@pytest.mark.parametrize("data, problem", [
    ({"mode": "fast"}, "mode must be one of"),
    ({"examples": 40}, "examples must be 0-16"),
])
def test_bad_mode_and_examples_keys_are_refused(data, problem):
    with pytest.raises(ValueError, match=problem):
        profile_from_dict("p", {"base_url": "http://127.0.0.1:9/v1", "model": "m", **data})


@pytest.mark.parametrize("name", ["default", "compact", "zh"])
def test_the_prompt_prefix_is_the_same_every_turn_of_a_session(name):
    """A llama.cpp server reuses the longest prefix it saw: the system prompt and the template's examples stay
    the same text while the current image, the bank's examples, the history and the request change."""
    template = load_template(name)
    state = DialogueState(["person", "hair", "face", "clothes", "background"])
    prompts = []
    for text in ("make her hair blonde", "blur the background", "a bit more", "把衣服改成红色"):
        messages = planning_messages(template, state.context(text), RULES, examples=4)
        prompts.append(messages)
        state.apply(text, OFFLINE.plan(state.context(text)).instruction)
    fixed = 1 + 2 * len(template.examples)
    for later in prompts[1:]:
        assert later[:fixed] == prompts[0][:fixed]
    assert "blur" in prompts[2][-1]["content"] and "Current image made by" in prompts[2][-1]["content"]
    assert "made by" not in prompts[2][0]["content"]  # the current instruction is not in the system prompt


@pytest.mark.parametrize("mode", ["offline-first", "checked"])
def test_the_issue_s_sure_mistakes_now_reach_the_model(chat, make_profile, mode):
    """With the real offline planner: 'make the field sun-drenched' was a sure '-drenched field' prompt; now the
    offline reading is unsure, so offline-first asks the model and checked keeps the model's plan."""
    labels = ["sky", "house", "field", "tree"]
    right = {"operation": "inpaint", "targets": ["field"], "prompt": "sun-drenched field, warm golden sunlight"}
    chat.add(json.dumps(right))
    context = PlanContext(text="make the field sun-drenched", labels=labels)
    result = LLMPlanner(make_profile(mode=mode), RULES, OFFLINE).plan(context)
    assert len(chat.requests) == 1 and result.planner == "scripted" and result.instruction["prompt"] == right["prompt"]
    assert not result.notes


# -- an unsure reading as the model's candidate ---------------------------------------------------
BEACH = ["sky", "sea", "sand", "person", "umbrella"]


@pytest.mark.parametrize("mode", ["offline-first", "checked"])
def test_an_unsure_reading_reaches_the_model_with_the_words_it_did_not_read(chat, make_profile, mode):
    """'give the picture a dreamy glow': the offline planner reads all but 'glow'; the model gets its reading to
    correct (without the reply, which is for the user) and is pointed to that word."""
    context = PlanContext(text="give the picture a dreamy glow", labels=LABELS)
    reading = OFFLINE.plan(context)
    assert reading.confidence < 0.8 and reading.unread == ["glow"]
    right = {"operation": "restyle", "prompt": "dreamy soft glow, hazy light"}
    chat.add(json.dumps(right))
    result = LLMPlanner(make_profile(mode=mode), RULES, OFFLINE).plan(context)
    assert result.planner == "scripted" and result.instruction == right and not result.notes
    sent = chat.requests[0].body["messages"][-1]["content"]
    candidate = {k: v for k, v in reading.instruction.items() if k != "reply"}
    assert "rule-based reading" in sent and json.dumps(candidate, ensure_ascii=False) in sent
    assert '"reply"' not in sent and 'did not understand: "glow"' in sent


@pytest.mark.parametrize("text, labels, unread", [
    ("reframe it for a phone wallpaper", BEACH, '"reframe"'),  # a question
    ("add some sparkle to the whole photo", LABELS, '"sparkle"'),  # a prompt of nothing but the unread word
])
def test_an_unsure_guess_is_no_candidate_but_its_unread_words_are_pointed_out(chat, make_profile, text, labels, unread):
    context = PlanContext(text=text, labels=labels)
    assert OFFLINE.plan(context).confidence < 0.8
    crop = {"operation": "crop", "aspect": "9:16"}
    chat.add(json.dumps(crop))
    assert LLMPlanner(make_profile(mode="offline-first"), RULES, OFFLINE).plan(context).instruction == crop
    sent = chat.requests[0].body["messages"][-1]["content"]
    assert "A rule-based reading" not in sent and f"did not understand: {unread}" in sent


@pytest.mark.parametrize("mode", ["offline-first", "checked"])
def test_a_model_plan_that_drops_a_named_label_gives_way_to_the_unsure_reading(chat, make_profile, mode):
    """'remove the person holding the kite' (no label for 'kite'): the reading removes the person it read; a model
    that removes the sand instead leaves out what the request names, so the reading stays, with a note."""
    context = PlanContext(text="remove the person holding the kite", labels=BEACH)
    reading = OFFLINE.plan(context)
    assert reading.confidence < 0.8 and reading.named == ["person"] and reading.instruction["targets"] == ["person"]
    chat.add(json.dumps({"operation": "remove", "targets": ["sand"]}))
    result = LLMPlanner(make_profile(mode=mode), RULES, OFFLINE).plan(context)
    assert result.planner == "offline" and result.instruction["targets"] == ["person"]
    assert len(result.notes) == 1 and "left out ['person'], which the request names" in result.notes[0]


@pytest.mark.parametrize("mode", ["offline-first", "checked"])
def test_a_model_plan_that_does_none_of_what_the_words_ask_gives_way_to_the_unsure_reading(chat, make_profile, mode):
    """'leave the sky alone and knock the brightness down on the rest' ('knock' unread): the reading darkens all but
    the sky; a model that recolours the sky red does nothing the words ask (brightness), so the reading stays."""
    labels = ["sky", "mountain", "lake", "tree"]
    context = PlanContext(text="leave the sky alone and knock the brightness down on the rest", labels=labels)
    reading = OFFLINE.plan(context)
    assert reading.confidence < 0.8 and reading.said == ["adjust:brightness"]
    chat.add(json.dumps({"operation": "recolor", "targets": ["sky"], "color": "red"}))
    result = LLMPlanner(make_profile(mode=mode), RULES, OFFLINE).plan(context)
    assert result.planner == "offline" and result.instruction["adjust"]["brightness"] < 0
    assert "does none of ['adjust:brightness'], which the request asks for" in result.notes[0]
    chat.add(json.dumps({"operation": "adjust", "targets": ["sky"], "adjust": {"brightness": -0.4}, "mask": {"invert": True}}))
    assert LLMPlanner(make_profile(mode=mode), RULES, OFFLINE).plan(context).planner == "scripted"  # a correction is taken


def test_a_model_plan_that_keeps_the_named_label_and_fixes_the_rest_is_taken(chat, make_profile):
    context = PlanContext(text="remove the person holding the kite", labels=BEACH)
    both = {"operation": "remove", "targets": ["person", "sand"]}
    chat.add(json.dumps(both)).add(json.dumps({"operation": "clarify", "question": "Which person?"}))
    assert LLMPlanner(make_profile(mode="offline-first"), RULES, OFFLINE).plan(context).instruction == both
    asked = LLMPlanner(make_profile(mode="offline-first"), RULES, OFFLINE).plan(context)
    assert asked.planner == "offline" and "asked back where the request can be read" in asked.notes[0]


def test_what_the_offline_planner_did_not_read_and_the_labels_named():
    zh = OFFLINE.plan(PlanContext(text="在风向标上加一些烟", labels=["sky", "house", "roof", "chimney", "grass"]))
    assert "向标" in zh.unread, "Chinese characters side by side are one word"
    green = OFFLINE.plan(PlanContext(text="把草地变得更绿", labels=["sky", "house", "grass"]))
    assert green.named == ["grass"]
    sure = OFFLINE.plan(PlanContext(text="make her hair red", labels=LABELS))
    assert sure.confidence >= 0.8 and sure.unread == [] and sure.named == ["hair"]


def test_the_candidate_changes_only_the_last_message():
    """The reading and its unread words come with the request, after everything a session keeps (prefix cache)."""
    template = load_template("compact")
    context = PlanContext(text="add some sparkle to the whole photo", labels=LABELS)
    plain = planning_messages(template, context, RULES, examples=2)
    offered = planning_messages(template, context, RULES, examples=2, candidate=RED, unread=["sparkle"])
    assert offered[:-1] == plain[:-1] and offered[-1]["content"].startswith(plain[-1]["content"])


def test_steps_added_to_an_unsure_reading_of_one_clause_go_back_to_the_model(chat, make_profile):
    """'add a small boat on the sea' is one clause: a model that keeps the reading and bolts on a resize for the
    word 'small' is told the request asks for one edit, and its one instruction is taken."""
    context = PlanContext(text="add a small boat on the sea", labels=BEACH)
    reading = OFFLINE.plan(context)
    assert reading.confidence < 0.8 and reading.clauses == 1
    bare = {k: v for k, v in reading.instruction.items() if k != "reply"}
    one = {"operation": "inpaint", "targets": ["sea"], "prompt": "a small boat on the sea"}
    chat.add(json.dumps({"steps": [bare, {"operation": "resize", "width": 1024, "height": 768}]})).add(json.dumps(one))
    result = LLMPlanner(make_profile(mode="offline-first"), RULES, OFFLINE).plan(context)
    assert result.instruction == one and result.attempts == 2 and "asks for one edit, not 2" in result.notes[0]
    assert "asks for one edit" in chat.requests[1].body["messages"][-1]["content"]


def test_several_steps_for_several_clauses_are_taken(chat, make_profile):
    context = PlanContext(text="add a small boat on the sea and crop it square", labels=BEACH)
    two = {"steps": [{"operation": "inpaint", "targets": ["sea"], "prompt": "a small boat"}, {"operation": "crop", "aspect": "1:1"}]}
    chat.add(json.dumps(two))
    assert LLMPlanner(make_profile(mode="checked"), RULES, OFFLINE).plan(context).instruction == two
