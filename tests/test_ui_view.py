"""What the tab shows, computed from stored nodes and messages (no browser needed)."""

from __future__ import annotations

import json

from lib_imgedit.store import Message, Node
from lib_imgedit.ui_view import (
    chat_pairs,
    errors_html,
    form_values,
    history_items,
    instruction_summary,
    legend_html,
    with_form,
)


def node(id: str, seq: int, parent: str | None = None, instruction: dict | None = None) -> Node:
    return Node(id, "s", parent, seq, f"{id}.png", None, instruction, "upload" if parent is None else "edit")


def msg(seq: int, role: str, text: str, node_id: str | None = None, **data) -> Message:
    return Message(f"m{seq}", "s", seq, role, text, node_id, data)


BLUR = {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}, "reply": "Blurring."}


def test_chat_shows_uploads_results_with_their_instruction_and_questions():
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
    reply, code = pairs[1][1].split("<br>")
    assert reply == "Blurring." and json.loads(code.split(">", 1)[1].split("<")[0].replace("&quot;", '"')) == {
        k: v for k, v in BLUR.items() if k != "reply"}
    assert pairs[2] == [None, ("/thumbs/b.png", "Blurring.")]
    assert pairs[3] == ["make the car red", "There is no car: which region?"]
    assert len(pairs) == 4


def test_errors_of_turns_that_changed_nothing_appear_where_they_happened():
    nodes = {"a": node("a", 1)}
    messages = [msg(1, "user", "[image]", "a", upload=True), msg(2, "assistant", "I can see: person.", "a")]
    notes = [{"after": 2, "user": "paint a <b>dragon</b>", "text": "'inpaint' needs a generative backend"},
             {"after": 0, "user": None, "text": "upload failed"}]
    pairs = chat_pairs(messages, nodes, str, notes)
    assert "upload failed" in pairs[0][1] and pairs[0][0] is None
    assert pairs[2][0] == "paint a &lt;b&gt;dragon&lt;/b&gt;"
    assert "imgedit-chat-error" in pairs[2][1] and "needs a generative backend" in pairs[2][1]
    assert chat_pairs([], {}, str, []) == []


def test_history_marks_the_current_step_and_branches():
    a, b, c = node("a", 1), node("b", 2, "a", BLUR), node("c", 3, "a", {"operation": "recolor", "targets": ["hair"]})
    items = history_items([a, b, c], "c", lambda key: key)
    assert [caption for _, caption in items] == ["1 · upload", "2 · adjust", "● 3 · recolor ↳1"]
    assert items[0][0] == "a.png"


def test_instruction_summary_leaves_out_the_reply():
    assert json.loads(instruction_summary(BLUR)) == {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}}
    assert instruction_summary(None) == "{}"


def test_form_round_trip_keeps_other_fields_and_drops_empty_ones():
    assert form_values(BLUR) == ("adjust", ["background"], "", 0.0)
    assert form_values(None) == ("adjust", [], "", 0.0)
    edited = with_form(BLUR, "inpaint", ["hair"], "  silver hair ", 0.6)
    assert edited == {**BLUR, "operation": "inpaint", "targets": ["hair"], "prompt": "silver hair", "strength": 0.6}
    cleared = with_form(edited, "adjust", [], "", 0)
    assert "targets" not in cleared and "prompt" not in cleared and "strength" not in cleared
    assert cleared["adjust"] == {"blur": 0.5}


def test_legend_and_errors_are_escaped():
    legend = legend_html([{"name": "hair", "share": 0.041}, {"name": "<x>", "share": 0.5}], faces=2)
    assert 'data-label="hair"' in legend and "4%" in legend and "<x>" not in legend and "2 ☺" in legend
    assert legend_html([]) == ""
    errors = errors_html("bad", [{"path": "targets.0", "message": "label '<car>' is not in the picture"}])
    assert "targets.0" in errors and "&lt;car&gt;" in errors
    assert "<p>not JSON</p>" in errors_html("not JSON")
