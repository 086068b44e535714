"""What the tab shows, computed from stored nodes and messages (no browser needed)."""

from __future__ import annotations

import html
import io
import json

import pytest
from PIL import Image, PngImagePlugin

from lib_imgedit.core.config import load_rules
from lib_imgedit.core.instruction import build_schema
from lib_imgedit.store import Message, Node
from lib_imgedit.ui.form import (
    change_steps,
    form_fields,
    form_values,
    schema_paths,
    step_at,
    visible,
    with_form,
    with_step,
)
from lib_imgedit.ui.view import (
    WEBUI_PARAM,
    chat_pairs,
    errors_html,
    generative_prompt,
    history_items,
    instruction_summary,
    legend_html,
    send_to_text,
)


def node(id: str, seq: int, parent: str | None = None, instruction: dict | None = None) -> Node:
    return Node(id, "s", parent, seq, f"{id}.png", None, instruction, "upload" if parent is None else "edit")


def msg(seq: int, role: str, text: str, node_id: str | None = None, **data) -> Message:
    return Message(f"m{seq}", "s", seq, role, text, node_id, data)


BLUR = {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}, "reply": "Blurring."}


def _code(cell: str) -> dict:
    return json.loads(html.unescape(cell.split('class="imgedit-chat-instruction">')[1].split("</code>")[0]))


def test_chat_shows_replies_in_words_with_the_instruction_behind_a_toggle():
    nodes = {"a": node("a", 1), "b": node("b", 2, "a", BLUR)}
    messages = [
        msg(1, "user", "[image]", "a", upload=True),
        msg(2, "assistant", "I can see: person.", "a", labels=[]),
        msg(3, "user", "blur <the> background", "a", instruction=BLUR),
        msg(4, "assistant", "Blurring.", "b", instruction=BLUR, executor="local"),
        msg(5, "user", "make the car red", "b"),
        msg(6, "assistant", "There is no car: which region?", "b", clarify=True, executor=""),
    ]
    pairs = chat_pairs(messages, nodes, lambda key: f"/thumbs/{key}")
    assert pairs[0] == [("/thumbs/a.png",), "I can see: person."]
    assert pairs[1][0] == "blur &lt;the&gt; background"
    reply, details = pairs[1][1].split('<details class="imgedit-details">')
    assert reply == "Blurring." and "<summary>details</summary>" in details and "executor: local" in details
    assert _code(pairs[1][1]) == {k: v for k, v in BLUR.items() if k != "reply"}
    assert pairs[2] == [None, ("/thumbs/b.png", "Blurring.")]
    assert pairs[3] == ["make the car red", "There is no car: which region?"]
    assert len(pairs) == 4
    assert "<summary>详情</summary>" in chat_pairs(messages, nodes, str, zh=True)[1][1]


def test_a_turn_run_from_json_reads_as_words_not_a_repr():
    nodes = {"a": node("a", 1), "b": node("b", 2, "a", BLUR)}
    repr_text = "[instruction] operation=adjust, targets=['background'], adjust={'blur': 0.5}"
    pairs = chat_pairs([msg(1, "user", repr_text, "a", instruction=BLUR)], nodes, str)
    assert pairs[0][0] == "Run: Apply blur 50% to the background."
    assert "[instruction]" not in pairs[0][0] and "operation=" not in pairs[0][0]
    zh = chat_pairs([msg(1, "user", repr_text, "a", instruction=BLUR)], nodes, str, zh=True)
    assert zh[0][0] == "运行指令：调整背景：模糊 50%。"


def test_a_painted_area_edit_says_so_whatever_the_planner_replied():
    gray = {"operation": "adjust", "targets": ["user_mask"], "adjust": {"grayscale": True}}
    nodes = {"a": node("a", 1), "b": node("b", 2, "a", gray)}
    messages = [msg(1, "user", "turn it black and white", "a"),
                msg(2, "assistant", "Applying black and white to the whole image.", "b", instruction=gray, executor="local")]
    pairs = chat_pairs(messages, nodes, str)
    assert pairs[0][1].startswith("Applying black and white to the painted area.") and "whole image" not in pairs[0][1].split("<details")[0]
    assert pairs[1][1][1] == "Applying black and white to the painted area."
    assert chat_pairs(messages, nodes, str, zh=True)[0][1].startswith("调整涂抹的区域：黑白。")
    messages[1].text += " (ControlNet is not installed)"
    assert chat_pairs(messages, nodes, str)[0][1].startswith("Applying black and white to the painted area. (ControlNet is not installed)")


def test_failed_turns_and_unstored_errors_appear_where_they_happened():
    nodes = {"a": node("a", 1)}
    messages = [msg(1, "user", "[image]", "a", upload=True), msg(2, "assistant", "I can see: person.", "a"),
                msg(3, "user", "paint a <b>dragon</b>", "a"),
                msg(4, "assistant", "'inpaint' needs a generative backend", "a", failed=True,
                    error={"error": "BadRequest", "message": "'inpaint' needs a generative backend", "status": 400})]
    notes = [{"after": 0, "user": None, "text": "upload failed"}]
    pairs = chat_pairs(messages, nodes, str, notes, pending="make it <i>warm</i>")
    assert "upload failed" in pairs[0][1] and pairs[0][0] is None
    assert pairs[2][0] == "paint a &lt;b&gt;dragon&lt;/b&gt;"
    assert "imgedit-chat-error" in pairs[2][1] and "needs a generative backend" in pairs[2][1] and "<details" not in pairs[2][1]
    assert pairs[3] == ["make it &lt;i&gt;warm&lt;/i&gt;", None]  # the message of the turn still running
    assert chat_pairs([], {}, str, []) == []


def test_history_marks_the_current_step_and_branches_in_the_tabs_language():
    a, b, c = node("a", 1), node("b", 2, "a", BLUR), node("c", 3, "a", {"operation": "recolor", "targets": ["hair"]})
    d = node("d", 4, "c", {"steps": [BLUR, {"operation": "rotate", "angle": 90}]})
    items = history_items([a, b, c, d], "c", lambda key: key)
    assert [caption for _, caption in items] == ["1 · upload", "2 · adjust", "● 3 · recolour ↳1", "4 · steps"]
    assert items[0][0] == "a.png"
    zh = [caption for _, caption in history_items([a, b, c, d], "c", str, zh=True)]
    assert zh == ["1 · 上传", "2 · 调整", "● 3 · 改色 ↳1", "4 · 多步"]


def test_instruction_summary_leaves_out_the_reply():
    assert json.loads(instruction_summary(BLUR)) == {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}}
    assert instruction_summary(None) == "{}"


@pytest.fixture(scope="module")
def fields():
    return form_fields(load_rules())


def test_the_form_covers_every_field_of_the_schema(fields):
    schema = build_schema(load_rules())
    assert [f.path for f in fields if f.path not in schema_paths(schema)] == []
    assert {f.path for f in fields} == schema_paths(schema)
    by = {f.path: f for f in fields}
    assert by["adjust.brightness"].kind == "slider" and (by["adjust.brightness"].lo, by["adjust.brightness"].hi) == (-1, 1)
    assert by["mask.dilate"].step == 1 and by["mask.invert"].kind == "check" and by["color"].kind == "color"
    assert by["adjust.stylize"].choices[1:] == tuple(load_rules()["adjust"]["stylize"]["choices"])
    shown = dict(zip([f.path for f in fields], visible(fields, {"operation": "rotate"}), strict=True))
    assert shown["angle"] and not shown["adjust.blur"] and not shown["targets"] and shown["reply"]
    shown = dict(zip([f.path for f in fields], visible(fields, {"operation": "rotate", "strength": 0.3}), strict=True))
    assert shown["strength"] and not shown["adjust.blur"]  # set, so it can be seen and cleared


def test_form_round_trip_keeps_other_fields_and_drops_empty_ones(fields):
    paths = [f.path for f in fields]
    values = dict(zip(paths, form_values(fields, BLUR), strict=True))
    assert values["operation"] == "adjust" and values["targets"] == ["background"] and values["adjust.blur"] == 0.5
    assert values["strength"] == 0 and values["count"] == 1 and values["mask.invert"] is False
    assert with_form(BLUR, fields, [values[p] for p in paths]) == BLUR
    values.update({"operation": "inpaint", "targets": ["hair"], "prompt": "  silver hair ", "strength": 0.6, "mask.feather": 8.0,
                   "mask.invert": True, "adjust.blur": 0, "faces": ["1", "0"]})
    edited = with_form(BLUR, fields, [values[p] for p in paths])
    assert edited == {"operation": "inpaint", "targets": ["hair"], "prompt": "silver hair", "strength": 0.6,
                      "mask": {"feather": 8, "invert": True}, "faces": [0, 1], "reply": "Blurring."}
    assert isinstance(edited["mask"]["feather"], int)


def test_steps_are_added_removed_and_moved():
    one = {"operation": "adjust", "adjust": {"blur": 0.5}}
    plan, index = change_steps(one, 0, "add")
    assert index == 1 and plan["steps"] == [one, {"operation": "adjust"}]
    plan = with_step(plan, 1, {"operation": "flip", "direction": "vertical"})
    assert step_at(plan, 1)["operation"] == "flip" and step_at(plan, 9)["operation"] == "flip"
    moved, index = change_steps({**plan, "reply": "Two edits."}, 1, "up")
    assert index == 0 and [s["operation"] for s in moved["steps"]] == ["flip", "adjust"] and moved["reply"] == "Two edits."
    assert change_steps(moved, 0, "up") == (moved, 0)
    single, index = change_steps(moved, 0, "remove")
    assert single == one and index == 0
    assert change_steps(one, 0, "remove") == (one, 0)


def _png(text: str, size: tuple[int, int] = (64, 48)) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", text)
    buf = io.BytesIO()
    Image.new("RGB", size).save(buf, format="PNG", pnginfo=info)
    return buf.getvalue()


def _webui_prompt(text: str) -> str:
    """What the WebUI's parse_generation_parameters takes as the prompt (modules/infotext_utils.py)."""
    *lines, last = text.strip().split("\n")
    if len(WEBUI_PARAM.findall(last)) < 3:
        lines.append(last)
    return "\n".join(line.strip() for line in lines if not line.startswith("Negative prompt:"))


def test_send_to_pastes_a_prompt_not_the_whole_infotext():
    local = 'adjust\nChat Edit: {"operation": "adjust", "adjust": {"blur": 0.5}}, Executor: local'
    text = send_to_text(_png(local))
    assert _webui_prompt(text) == "" and "Size: 64x48" in text and "Executor: local" in text
    params = dict(WEBUI_PARAM.findall(text.split("\n")[-1]))
    assert json.loads(json.loads(params["Chat Edit"])) == {"operation": "adjust", "adjust": {"blur": 0.5}}
    # a CPU step's head names the edit ("adjust: brightness 0.3"): never pasted as the prompt; the prompt
    # that describes the picture (the last generative one on the branch) is, when the tab has one
    adjust = 'adjust: brightness 0.3\nChat Edit: {"operation": "adjust", "adjust": {"brightness": 0.3}}, Executor: local'
    assert _webui_prompt(send_to_text(_png(adjust))) == ""
    assert _webui_prompt(send_to_text(_png(adjust), "a beach")) == "a beach"
    full = "a beach\nNegative prompt: ugly\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 64x48, Chat Edit: \"{}\""
    assert send_to_text(_png(full), "ignored") == full and _webui_prompt(full) == "a beach"
    assert generative_prompt(_png(full)) == "a beach" and generative_prompt(_png(adjust)) is None
    # a CPU step as core/infotext.py writes it now: a head naming the edit, then our own parameters line
    cpu = 'adjust: brightness 0.3\nSize: 64x48, Chat Edit: "{\\"operation\\": \\"adjust\\"}", Executor: local'
    assert generative_prompt(_png(cpu)) is None
    assert send_to_text(_png(cpu)).split("\n") == ["", cpu.split("\n")[1]]
    assert _webui_prompt(send_to_text(_png(cpu), "a beach")) == "a beach"


def test_legend_and_errors_are_escaped():
    legend = legend_html([{"name": "hair", "share": 0.041}, {"name": "<x>", "share": 0.5}], faces=2)
    assert 'data-label="hair"' in legend and "4%" in legend and "<x>" not in legend and "2 ☺" in legend
    assert legend_html([]) == ""
    errors = errors_html("bad", [{"path": "targets.0", "message": "label '<car>' is not in the picture"}])
    assert "targets.0" in errors and "&lt;car&gt;" in errors
    assert "<p>not JSON</p>" in errors_html("not JSON")


def test_the_view_logic_imports_no_gradio():
    import subprocess
    import sys

    code = ("import sys, lib_imgedit.ui, lib_imgedit.ui.view, lib_imgedit.ui.form, lib_imgedit.ui.words, lib_imgedit.ui.tabhost;"
            " print('gradio' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "False"
