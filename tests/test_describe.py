"""One describer of instructions (`core/describe.py`) for its three readers: the chat's reply, the tab's
caption, the PNG infotext. They agree on amounts and names of regions, in English and Chinese; the
callers (the offline planner's reply, the tab's "Run: ..." line, the infotext) use it; an adjustment made
again says it adds to the one before; a reply is said from the instruction that ran."""

import re

import numpy as np
import pytest
from fastapi.testclient import TestClient
from helpers import b64png, band_labels_body, drawn_mask

from lib_imgedit.app.standalone import create_app
from lib_imgedit.core.describe import READERS, describe, region_name
from lib_imgedit.core.infotext import make_infotext
from lib_imgedit.core.instruction import validate_plan
from lib_imgedit.engine.service import EditService
from lib_imgedit.store import Message
from lib_imgedit.ui.view import user_text

API = "/sdapi/v1/imgedit"
W, H = 256, 192
NAMES = ["sky", "person", "car", "background"]

# instruction -> (what every reader says in English, in Chinese): amounts and region names
CASES = [
    ({"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}}, ["blur 50%", "background"], ["模糊 50%", "背景"]),
    ({"operation": "adjust", "targets": ["sky"], "adjust": {"brightness": 0.3, "warmth": -0.2}},
     ["brightness +30%", "warmth -20%", "sky"], ["亮度 +30%", "色温 -20%", "天空"]),
    ({"operation": "adjust", "targets": ["person"], "adjust": {"saturation": 0.4}, "mask": {"invert": True}},
     ["saturation +40%", "everything except the person"], ["饱和度 +40%", "除人物以外的部分"]),
    ({"operation": "recolor", "targets": ["car 2"], "color": "blonde"}, ["car 2", "blonde"], ["第2个车", "金黄色"]),
    ({"operation": "remove", "targets": ["user_mask"]}, ["painted area"], ["涂抹的区域"]),
    ({"operation": "rotate", "angle": -90}, ["90°", "counter-clockwise"], ["逆时针", "90°"]),
    ({"operation": "resize", "scale": 2}, ["2x"], ["2 倍"]),
    ({"operation": "crop", "aspect": "16:9"}, ["16:9"], ["16:9"]),
    ({"steps": [{"operation": "adjust", "targets": ["sky"], "adjust": {"blur": 0.25}},
                {"operation": "recolor", "targets": ["car"], "color": "red"}]}, ["blur 25%", "sky", "car", "red"],
     ["模糊 25%", "天空", "车", "红"]),
]


@pytest.mark.parametrize("instruction,en,zh", CASES)
def test_the_readers_agree_on_amounts_and_regions(instruction, en, zh):
    for reader in READERS:
        said = describe(instruction, reader, "en")
        assert all(piece in said for piece in en), (reader, said)
        assert not re.search(r"\b0\.\d", said), f"a raw fraction in {said!r}"
    for reader in ("reply", "caption"):  # the infotext is English: the WebUI pastes it as a prompt
        said = describe(instruction, reader, "zh_CN")
        assert all(piece in said for piece in zh), (reader, said)


def test_each_reader_has_its_own_frame():
    blur = {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}}
    assert describe(blur, "reply") == "Applying blur 50% to the background."
    assert describe(blur, "caption") == "Apply blur 50% to the background."
    assert describe(blur, "infotext") == "Apply blur 50% to the background"
    assert describe(blur, "reply", "zh_CN") == "调整背景：模糊 50%。"
    assert describe({**blur, "operation": "inpaint", "prompt": "a beach"}, "infotext") == "a beach"
    assert describe({"operation": "clarify", "question": "Which car?"}, "caption") == "Which car?"
    assert region_name("wall_other") == "wall" and region_name("person 2", "zh_CN") == "第2个人物"
    with pytest.raises(ValueError, match="unknown reader"):
        describe(blur, "poem")


def test_an_adjustment_made_again_says_it_adds_to_the_earlier_one():
    first = {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}}
    more = {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.25}}
    assert describe(more, "reply", "en", [first]) == "Applying blur 25% more to the background (on top of the earlier blur 50%)."
    assert describe(more, "reply", "zh_CN", [first]) == "调整背景：在之前的模糊 50% 之上再加模糊 25%。"
    assert describe(more, "caption", "en", [first, more]) == \
        "Apply blur 25% more to the background (on top of the earlier blur 50% and blur 25%)."
    other = {"operation": "adjust", "targets": ["sky"], "adjust": {"blur": 0.5}}
    assert describe(more, "reply", "en", [other]) == "Applying blur 25% to the background."  # another region: afresh
    assert describe({"steps": [first, more]}, "reply").endswith("2. Applying blur 25% more to the background (on top of the earlier blur 50%).")


def test_the_callers_say_it_the_same_way(rules, settings):
    """The offline planner's reply, the tab's line for a turn run from the Form and the infotext's prompt."""
    service = EditService(settings.update({"suggestions": False}))
    planned = service.plan("blur the background", NAMES).instruction
    assert planned["adjust"] == {"blur": 0.5} and planned["reply"] == "Applying blur 50% to the background."
    msg = Message("m", "s", 1, "user", "[instruction] operation=adjust", None, {"instruction": planned})
    assert user_text(msg, False) == "Run: Apply blur 50% to the background."
    assert user_text(msg, True) == "运行指令：调整背景：模糊 50%。"
    plan = validate_plan(planned, rules, NAMES)
    assert make_infotext(plan, "local", {}, (8, 8)).splitlines()[0] == "Apply blur 50% to the background"


@pytest.fixture
def client(settings):
    service = EditService(settings.update({"turns_per_minute": 10000, "suggestions": False}))
    client = TestClient(create_app(service, with_ui=False))
    photo = np.random.default_rng(0).integers(40, 220, (H, W, 3)).astype(np.uint8)
    sid = client.post(f"{API}/sessions").json()["session_id"]
    r = client.post(f"{API}/sessions/{sid}/image", json={"image": b64png(photo), "labels": band_labels_body(NAMES, W, H)})
    assert r.status_code == 200, r.text
    return client, sid


def say(client, sid, text):
    r = client.post(f"{API}/sessions/{sid}/message", json={"text": text})
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("lang,first,again", [("en", "blur the background 50%", "a bit more"), ("zh", "模糊背景", "再多一点")])
def test_a_bit_more_after_a_blur_says_what_the_picture_gets(client, lang, first, again):
    client, sid = client
    assert say(client, sid, first)["instruction"]["adjust"] == {"blur": 0.5}
    body = say(client, sid, again)
    added = body["instruction"]["adjust"]["blur"]
    assert body["instruction"]["targets"] == ["background"] and 0 < added
    if lang == "en":
        assert body["reply"] == f"Applying blur {added:.0%} more to the background (on top of the earlier blur 50%)."
    else:
        assert body["reply"] == f"调整背景：在之前的模糊 50% 之上再加模糊 {added:.0%}。"
    stored = client.get(f"{API}/sessions/{sid}").json()["messages"][-1]
    assert stored["role"] == "assistant" and stored["text"] == body["reply"]


def test_an_edited_instruction_is_answered_for_what_ran_not_its_old_reply(client):
    """The Form: the planner's blur 0.25 edited to 0.8 and run; its stale reply is not shown nor stored."""
    client, sid = client
    planned = say(client, sid, "blur the background 25%")["instruction"]
    assert planned["adjust"] == {"blur": 0.25} and "25%" in planned["reply"]
    edited = {**planned, "adjust": {"blur": 0.8}}
    r = client.post(f"{API}/sessions/{sid}/run", json={"instruction": edited})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["reply"] == "Applying blur 80% more to the background (on top of the earlier blur 25%)."
    assert "reply" not in body["instruction"]
    view = client.get(f"{API}/sessions/{sid}").json()
    assert "reply" not in view["nodes"][-1]["instruction"] and view["messages"][-1]["text"] == body["reply"]


def test_an_edit_moved_onto_the_drawn_area_does_not_name_the_old_region(client):
    """A region step planned for the sky runs on the drawn area: its reply says so, not the planner's "sky"."""
    client, sid = client
    r = client.post(f"{API}/sessions/{sid}/message", json={"text": "blur the sky", "mask": b64png(drawn_mask(W, H))})
    assert r.status_code == 200, r.text
    assert r.json()["instruction"]["targets"] == ["user_mask"]
    assert r.json()["reply"] == "Applying blur 50% to the painted area."
