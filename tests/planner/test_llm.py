"""The LLM planner over real HTTP against a scripted OpenAI-compatible server on 127.0.0.1: each reply
shape, repair with the validation error, fallback, retries (429, 5xx), timeouts, refused connections,
empty and cut-off replies, streaming, tool calls, JSON mode, and what each request carries."""

from __future__ import annotations

import base64
import io
import json
import socket

import numpy as np
import pytest
from PIL import Image

from lib_imgedit.core.config import load_rules
from lib_imgedit.core.instruction import validate_instruction
from lib_imgedit.planner import plan_validated
from lib_imgedit.planner.base import PlanContext, Turn
from lib_imgedit.planner.llm import LLMPlanner
from lib_imgedit.planner.offline import OfflinePlanner
from lib_imgedit.planner.suggest_llm import llm_suggestions
from tests.planner.conftest import KEY

RULES = load_rules()
OFFLINE = OfflinePlanner(RULES)
LABELS = ["hair", "face", "clothes", "background"]
SHARES = {"hair": 0.04, "face": 0.03, "clothes": 0.47, "background": 0.46}
RED = {"operation": "recolor", "targets": ["hair"], "color": "red", "reply": "Making the hair red."}
RED_JSON = json.dumps(RED)


def ctx(text: str = "make her hair red", **kw) -> PlanContext:
    return PlanContext(text=text, labels=LABELS, shares=SHARES, **kw)


def planner(make_profile, **kw) -> LLMPlanner:
    return LLMPlanner(make_profile(**kw), RULES, OFFLINE)


def png(w: int = 800, h: int = 600) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.full((h, w, 3), 90, np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


# -- reply shapes --------------------------------------------------------------------------------
@pytest.mark.parametrize("content", [
    RED_JSON,
    f"```json\n{RED_JSON}\n```",
    f"Of course! I'll recolor the hair.\n{RED_JSON}\nAnything else?",
    str(RED),  # single quotes
    RED_JSON[:-1] + ",}",  # trailing comma
    '｛“operation”：“recolor”，“targets”：［“hair”］，“color”：“red”，“reply”：“好的，头发变红”｝',
])
def test_reply_shapes_plan_on_the_first_try(chat, make_profile, content):
    chat.add(content)
    result = planner(make_profile).plan(ctx())
    assert result.planner == "scripted" and result.attempts == 1 and not result.notes
    assert {k: result.instruction[k] for k in ("operation", "targets", "color")} == {
        "operation": "recolor", "targets": ["hair"], "color": "red"}
    assert len(chat.requests) == 1


def test_request_carries_prompt_schema_labels_and_only_the_key_header(chat, make_profile):
    chat.add(RED_JSON)
    history = [Turn("user", "blur the background", {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}}),
               Turn("assistant", "Done: adjust on background.", None)]
    current = {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}}
    planner(make_profile, max_tokens=333, temperature=0.2).plan(ctx(history=history, current=current, faces=2,
                                                                     image_png=png()))
    seen = chat.requests[0]
    body, messages = seen.body, seen.body["messages"]
    system = messages[0]["content"]
    assert messages[0]["role"] == "system"
    assert "labels: clothes, background, hair, face" in system and "Faces detected: 2" in system
    assert '"targets":{"type":"array","items":{"enum":["background","clothes","face","hair"]}' in system
    assert "- inpaint: needs prompt; strength 0.2-1.0" in system
    assert json.dumps(current) not in system  # a turn's own: it comes last, for the server's prefix cache
    # few-shot pairs, then this session's history (answers as their instruction), then the request
    assert messages[-1] == {"role": "user", "content": f"Current image made by: {json.dumps(current)}\n"
                                                       "Labels: clothes (47%), background (46%), hair (4%), face (3%)\n"
                                                       "Request: make her hair red"}
    assert messages[-3] == {"role": "user", "content": "blur the background"}
    assert json.loads(messages[-2]["content"]) == history[0].instruction and messages[-2]["role"] == "assistant"
    assert any(m["role"] == "assistant" and "blonde" in m["content"] for m in messages[1:-3])  # an example
    assert body["model"] == "scripted-model" and body["max_tokens"] == 333 and body["temperature"] == 0.2
    assert "response_format" not in body and "tools" not in body and not body.get("stream")
    assert "image_url" not in json.dumps(body), "a profile without vision never sends the picture"
    assert seen.headers["Authorization"] == f"Bearer {KEY}"
    assert KEY not in json.dumps(body)
    assert not [k for k, v in seen.headers.items() if KEY in v and k != "Authorization"]


def test_vision_profile_sends_the_downscaled_picture(chat, make_profile):
    chat.add(RED_JSON)
    planner(make_profile, vision=True).plan(ctx(image_png=png(1600, 900)))
    parts = chat.requests[0].body["messages"][-1]["content"]
    assert parts[0]["type"] == "text" and "make her hair red" in parts[0]["text"]
    url = parts[1]["image_url"]["url"]
    assert url.startswith("data:image/jpeg;base64,")
    img = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    assert img.size == (512, 288)


@pytest.mark.parametrize("mode", [True, "schema", "object+schema"])
def test_json_modes_and_extra_headers(chat, make_profile, mode):
    chat.add(RED_JSON)
    planner(make_profile, json_mode=mode, headers={"X-Team": "imgedit"}).plan(ctx())
    sent = chat.requests[0].body["response_format"]
    if mode is True:
        assert sent == {"type": "json_object"}
    else:
        schema = sent["json_schema"]["schema"] if mode == "schema" else sent["schema"]
        assert sent["type"] == ("json_schema" if mode == "schema" else "json_object")
        if mode == "object+schema":  # a grammar keeps the exact choice: one instruction or steps
            one, steps = schema["oneOf"]
            assert steps["properties"]["steps"]["items"]["properties"]["targets"]["items"]["enum"] == sorted(LABELS)
            schema = one
        else:  # structured outputs need an object at the root: one object that may hold steps
            assert schema["type"] == "object" and "steps" in schema["properties"]
        assert schema["properties"]["targets"]["items"]["enum"] == sorted(LABELS)
    assert chat.requests[0].headers["X-Team"] == "imgedit"


@pytest.mark.parametrize("stream", [False, True])
def test_tool_calls(chat, make_profile, stream):
    chat.add(None, tool_args=RED_JSON, finish="tool_calls")
    result = planner(make_profile, tools=True, stream=stream).plan(ctx())
    assert result.planner == "scripted" and result.instruction == RED
    tool = chat.requests[0].body["tools"][0]["function"]
    assert tool["name"] == "edit_image" and tool["parameters"]["properties"]["targets"]["items"]["enum"] == sorted(LABELS)
    assert bool(chat.requests[0].body.get("stream")) is stream


def test_streamed_content_is_assembled(chat, make_profile):
    chat.add(f"Here you go: ```json\n{RED_JSON}\n```")
    result = planner(make_profile, stream=True).plan(ctx())
    assert chat.requests[0].body["stream"] is True
    assert result.planner == "scripted" and result.instruction == RED


# -- repair ----------------------------------------------------------------------------------------
def test_invalid_then_valid_sends_the_precise_error_back(chat, make_profile):
    chat.add('{"operation": "remove", "targets": ["dog"]}').add(RED_JSON)
    result = planner(make_profile).plan(ctx())
    assert result.planner == "scripted" and result.attempts == 2 and result.instruction == RED
    retry = chat.requests[1].body["messages"]
    assert retry[-2] == {"role": "assistant", "content": '{"operation": "remove", "targets": ["dog"]}'}
    expected = "targets.0: label 'dog' is not in the picture; labels present: background, clothes, face, hair"
    assert expected in retry[-1]["content"] and retry[-1]["role"] == "user"
    assert any(expected in n for n in result.notes), "the repair is a visible step"


def test_out_of_range_value_and_forbidden_operation_never_pass(chat, make_profile):
    rules = json.loads(json.dumps(RULES))
    rules["operations"]["face_swap"]["enabled"] = False
    chat.add('{"operation": "adjust", "adjust": {"brightness": 7}}')
    chat.add('{"operation": "face_swap"}')
    chat.add('{"operation": "adjust", "adjust": {"brightness": -0.3}}')
    result = LLMPlanner(make_profile(), rules, OfflinePlanner(rules)).plan(ctx("make it darker"))
    msgs = [r.body["messages"][-1]["content"] for r in chat.requests[1:]]
    assert "adjust.brightness: 7 is greater than the maximum of 1.0" in msgs[0]
    assert "operation 'face_swap' is not allowed" in msgs[1]
    assert result.attempts == 3 and result.instruction["adjust"] == {"brightness": -0.3}


def test_three_invalid_replies_fall_back_to_offline(chat, make_profile):
    for _ in range(3):
        chat.add('{"operation": "recolor", "targets": ["dog"], "color": "red"}')
    result = planner(make_profile).plan(ctx())
    assert len(chat.requests) == 3
    assert result.planner == "offline" and result.instruction["targets"] == ["hair"]
    assert "used the offline planner" in result.notes[-1]
    validate_instruction(result.instruction, RULES, LABELS)


def test_plan_validated_never_lets_an_invalid_plan_through(chat, make_profile):
    for _ in range(3):
        chat.add('{"operation": "inpaint", "targets": ["sky"], "prompt": "x"}')
    plan, result = plan_validated(planner(make_profile), OFFLINE, ctx("remove the sky"), RULES)
    assert plan.steps[0].operation == "clarify" and result.planner == "offline"


@pytest.mark.parametrize("step, why", [
    ({"content": ""}, "the reply was empty"),
    ({"content": None}, "the reply was empty"),
    ({"content": '{"operation": "recolor", "targets": ["ha', "finish": "length"}, "cut off at 600 tokens"),
    ({"content": "Sorry, I can only chat."}, "holds no JSON object"),
])
def test_empty_cut_off_and_prose_replies_are_repaired(chat, make_profile, step, why):
    chat.add(**step).add(RED_JSON)
    result = planner(make_profile).plan(ctx())
    assert result.planner == "scripted" and result.attempts == 2
    assert why in chat.requests[1].body["messages"][-1]["content"]


# -- transport failures -------------------------------------------------------------------------------
def test_429_is_retried_after_retry_after(chat, make_profile):
    chat.add(status=429, headers={"Retry-After": "0.4"}).add(RED_JSON)
    result = planner(make_profile, max_retries=2).plan(ctx())
    assert result.planner == "scripted" and len(chat.requests) == 2
    assert chat.requests[1].at - chat.requests[0].at >= 0.4


def test_5xx_then_success(chat, make_profile):
    chat.add(status=500, headers={"retry-after-ms": "10"}).add(status=503, headers={"retry-after-ms": "10"}).add(RED_JSON)
    result = planner(make_profile, max_retries=2).plan(ctx())
    assert result.planner == "scripted" and result.instruction == RED and len(chat.requests) == 3


def test_persistent_5xx_falls_back(chat, make_profile):
    for _ in range(2):
        chat.add(status=502, headers={"retry-after-ms": "10"})
    result = planner(make_profile, max_retries=1).plan(ctx())
    assert result.planner == "offline" and "answered HTTP 502" in result.notes[0]
    assert len(chat.requests) == 2


def test_timeout_falls_back_and_cools_down(chat, make_profile):
    chat.add(RED_JSON, delay=1.0).add(RED_JSON, delay=1.0)
    p = planner(make_profile, timeout=0.25, max_retries=1)
    result = p.plan(ctx())
    assert result.planner == "offline" and result.instruction["targets"] == ["hair"]
    assert "timed out after 0.25 s (2 tries)" in result.notes[0]
    assert len(chat.requests) == 2
    again = p.plan(ctx())  # straight after an outage: no new wait
    assert again.planner == "offline" and len(chat.requests) == 2


def test_connection_refused_falls_back(make_profile):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    p = planner(make_profile, base_url=f"http://127.0.0.1:{port}/v1", max_retries=1)
    result = p.plan(ctx())
    assert result.planner == "offline" and "could not be reached" in result.notes[0]


def test_errors_never_carry_the_key(chat, make_profile, caplog):
    chat.add(status=401, body=json.dumps({"error": {"message": f"Incorrect API key provided: {KEY}"}}))
    with caplog.at_level("DEBUG"):
        result = planner(make_profile).plan(ctx())
    assert result.planner == "offline" and "HTTP 401" in result.notes[0]
    assert KEY not in " ".join(result.notes) and KEY not in caplog.text


def test_garbage_body_falls_back(chat, make_profile):
    chat.add(body="<html>Bad gateway</html>")
    result = planner(make_profile).plan(ctx())
    assert result.planner == "offline" and "not a chat completion" in result.notes[0]


# -- suggestions ------------------------------------------------------------------------------------------
def test_suggestions_are_validated_and_see_the_picture_with_vision(chat, make_profile):
    items = [
        {"text": "Make the hair blue", "instruction": {"operation": "recolor", "targets": ["hair"], "color": "blue"}},
        {"text": "Replace the dog", "instruction": {"operation": "inpaint", "targets": ["dog"], "prompt": "cat"}},
        {"text": "Ask me", "instruction": {"operation": "clarify", "question": "what?"}},
        {"text": "Warmer", "instruction": {"operation": "adjust", "adjust": {"warmth": 0.3}}},
        {"text": "Blur the background", "instruction": {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}}},
        {"text": "One more", "instruction": {"operation": "adjust", "adjust": {"contrast": 0.2}}},
    ]
    chat.add(json.dumps({"suggestions": items}))
    done = [{"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}}]
    got = llm_suggestions(planner(make_profile, vision=True), ctx("", image_png=png()), done, lambda i: True)
    assert [g["text"] for g in got] == ["Make the hair blue", "Warmer", "One more"]
    request = chat.requests[0].body["messages"]
    assert "hair (4%)" in request[0]["content"] and json.dumps(done[0]) in request[0]["content"]
    assert request[1]["content"][1]["image_url"]["url"].startswith("data:image/jpeg;base64,")


def test_suggestions_ask_for_a_list_of_instructions_in_schema_mode(chat, make_profile):
    chat.add('{"suggestions": []}')
    llm_suggestions(planner(make_profile, json_mode="schema"), ctx(""), [], lambda i: True)
    schema = chat.requests[0].body["response_format"]["json_schema"]["schema"]
    item = schema["properties"]["suggestions"]["items"]["properties"]
    assert item["instruction"]["properties"]["targets"]["items"]["enum"] == sorted(LABELS)


def test_suggestions_without_vision_send_no_image_and_survive_failures(chat, make_profile):
    chat.add(status=400)
    assert llm_suggestions(planner(make_profile), ctx("", image_png=png()), [], lambda i: True) == []
    assert isinstance(chat.requests[0].body["messages"][1]["content"], str)
