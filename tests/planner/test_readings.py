"""Close readings asked back with both one click away, and the constructions read in issue 18's last round:
"brighter" after a recolour, "it ... instead" after an undo, "在X上/旁边加Y", "but not", "not too much", aspect
ratios said as such; each as a first request and as a follow-up, in English and Chinese."""

import io

import numpy as np
import pytest
from PIL import Image

from lib_imgedit.core.config import load_rules
from lib_imgedit.core.instruction import plan_steps
from lib_imgedit.core.labels import LabelMap
from lib_imgedit.engine.service import EditService
from lib_imgedit.planner.modes import CONFIDENT
from lib_imgedit.planner.offline import OfflinePlanner
from lib_imgedit.planner.scoring import DialogueState

OFFLINE = OfflinePlanner(load_rules())
PETS = ["dog", "cat", "grass", "sky", "fence"]
PORTRAIT = ["person", "hair", "face", "skin", "clothes", "background"]
HOUSE = ["sky", "house", "roof", "chimney", "grass", "dog"]
STREET = ["sky", "tree", "grass", "building", "road", "car", "person"]


def talk(labels: list[str], *texts: str):
    """Plan each message after the ones before it (as the service keeps them); the last message's result."""
    state = DialogueState(list(labels))
    for text in texts:
        result = OFFLINE.plan(state.context(text))
        state.apply(text, result.instruction)
    return result


def bare(ins: dict) -> dict:
    return {k: v for k, v in ins.items() if k not in ("reply", "question")}


@pytest.mark.parametrize("first, then", [
    ("make the cat ginger", "a bit brighter"),
    ("把猫变成姜黄色的", "亮一点"),  # ginger in Chinese: 姜黄色 is read as a light colour: the picture (below)
])
def test_brighter_after_a_mid_tone_recolour_asks_which_of_the_two_readings(first, then):
    result = talk(PETS, first, then)
    if "姜黄" in first:  # mustard yellow is light: the picture's brightness, said as understood
        assert result.instruction["operation"] == "adjust" and result.instruction.get("targets", []) == []
        return
    assert result.instruction["operation"] == "clarify" and result.confidence < CONFIDENT
    lighter, picture = (o["instruction"] for o in result.options)
    assert bare(lighter) == {"operation": "recolor", "targets": ["cat"], "color": "light ginger"}
    assert picture["operation"] == "adjust" and picture["targets"] == [] and picture["adjust"]["brightness"] > 0
    assert [o["text"] for o in result.options] == ["Recolour the cat light ginger", "Apply brightness +15% to the whole image"]
    assert result.instruction["question"].startswith("Did you mean: recolour the cat light ginger, or apply brightness")


def test_the_question_is_asked_in_chinese_and_grey_is_mid_tone():
    result = talk(PORTRAIT, "把背景变成灰色", "亮一点")
    assert result.instruction["operation"] == "clarify" and "还是" in result.instruction["question"]
    assert [bare(o["instruction"])["operation"] for o in result.options] == ["recolor", "adjust"]
    assert result.options[0]["text"] == "把背景的颜色改成浅灰色"


@pytest.mark.parametrize("first, then, expected", [
    ("make the clothes navy", "a bit brighter", {"operation": "recolor", "targets": ["clothes"], "color": "light navy"}),
    ("把衣服变成黑色", "亮一点", {"operation": "recolor", "targets": ["clothes"], "color": "dark grey"}),
    ("make the clothes green", "a little darker", {"operation": "recolor", "targets": ["clothes"], "color": "dark green"}),
])
def test_a_dark_colour_made_brighter_or_any_colour_darker_is_its_shade(first, then, expected):
    assert bare(talk(PORTRAIT, first, then).instruction) == expected


def test_a_light_colour_made_brighter_is_the_picture():
    ins = talk(PORTRAIT, "make the hair blonde", "a bit brighter").instruction
    assert ins["operation"] == "adjust" and not ins.get("targets") and ins["adjust"]["brightness"] > 0


@pytest.mark.parametrize("texts, expected", [
    (("censor the car", "undo that", "remove it instead"), {"operation": "remove", "targets": ["car"]}),
    (("make the car red", "undo", "make it blue instead"), {"operation": "recolor", "targets": ["car"], "color": "blue"}),
    (("把车变成红色", "撤销", "换成蓝色"), {"operation": "recolor", "targets": ["car"], "color": "blue"}),
])
def test_it_after_an_undo_is_what_the_undo_took_back(texts, expected):
    result = talk(STREET, *texts)
    assert bare(result.instruction) == expected and result.confidence >= CONFIDENT


def test_it_after_two_undos_is_not_guessed_from_the_older_edit():
    ins = talk(STREET, "make the car red", "blur the sky", "undo", "undo", "remove it instead").instruction
    assert ins.get("targets") != ["car"]


@pytest.mark.parametrize("text, target, around", [
    ("在烟囱上加一些烟", "chimney", False),
    ("在屋顶上放一只猫", "roof", False),
    ("在狗旁边加一只猫", "dog", True),
    ("在烟囱的旁边加一棵树", "chimney", True),
    ("add a cat next to the dog", "dog", True),
])
def test_add_x_on_or_next_to_y_paints_where_x_goes(text, target, around):
    result = OFFLINE.plan(DialogueState(HOUSE).context(text))
    ins = result.instruction
    assert ins["operation"] == "inpaint" and ins["targets"] == [target] and result.confidence >= CONFIDENT
    assert bool((ins.get("mask") or {}).get("dilate")) == around


def test_a_place_that_is_not_in_the_picture_is_not_sure():
    for text in ("在灯塔上加一些烟", "add smoke above the lighthouse"):
        assert OFFLINE.plan(DialogueState(HOUSE).context(text)).confidence < CONFIDENT, text


def test_a_chinese_label_name_names_the_label_as_a_follow_up_too():
    assert bare(talk(HOUSE, "make the sky blue", "把烟囱去掉").instruction) == {"operation": "remove", "targets": ["chimney"]}


@pytest.mark.parametrize("text, labels, kept", [
    ("everything else gray but not the person", ["person", "hair", "grass", "sky"], ["person"]),
    ("make all of it sepia but not the cat", PETS, ["cat"]),
])
def test_but_not_after_everything_is_an_exclusion(text, labels, kept):
    ins = OFFLINE.plan(DialogueState(labels).context(text)).instruction
    assert ins["targets"] == kept and ins["mask"]["invert"] is True


@pytest.mark.parametrize("text, amount", [("brighter but not too much", 0.15), ("blur it but not too much", 0.25)])
def test_not_too_much_is_a_little_and_no_exclusion(text, amount):
    ins = OFFLINE.plan(DialogueState(PETS).context(text)).instruction
    assert not ins.get("mask") and list(ins["adjust"].values()) == [amount]


@pytest.mark.parametrize("text, aspect", [
    ("change the aspect ratio to 9:16", "9:16"), ("set the ratio to 4:3", "4:3"), ("改成正方形", "1:1"),
    ("把比例改成16:9", "16:9"), ("make the format portrait", "4:5"),
])
def test_an_aspect_ratio_said_as_such_is_a_crop(text, aspect):
    for result in (OFFLINE.plan(DialogueState(PETS).context(text)), talk(PETS, "make the cat ginger", text)):
        assert bare(result.instruction) == {"operation": "crop", "targets": [], "aspect": aspect}


def test_a_pattern_on_the_clothes_is_no_crop():
    assert OFFLINE.plan(DialogueState(PORTRAIT).context("把衣服改成方形图案")).instruction["operation"] != "crop"


def test_the_service_offers_both_readings_and_one_click_runs_one(settings):
    """The question's two answers are the session's one-click choices; accepting the first runs it as the edit."""
    service = EditService(settings.update({"suggestions": False, "turns_per_minute": 10000}))
    sid = service.create_session("me").id
    cat = np.zeros((48, 64), bool)
    cat[10:30, 20:40] = True
    buf = io.BytesIO()
    Image.fromarray(np.full((48, 64, 3), 120, np.uint8)).save(buf, format="PNG")
    service.upload(sid, "me", buf.getvalue(), label_map=LabelMap(64, 48, {"cat": cat, "grass": ~cat}))
    service.message(sid, "me", "make the cat ginger")
    asked = service.message(sid, "me", "a bit brighter")
    steps = len(service.store.nodes(sid))
    assert asked.instruction["operation"] == "clarify" and len(asked.suggestions) == 2
    assert all(s["answer"] for s in asked.suggestions)
    assert service.session_view(sid, "me")["suggestions"] == asked.suggestions
    picked = service.accept_suggestion(sid, "me", 1)["instruction"]
    done = service.run_instruction(sid, "me", picked, asked.suggestions[1]["text"])
    assert len(service.store.nodes(sid)) == steps + 1
    assert [s["operation"] for s in plan_steps(done.instruction)] == ["adjust"]
