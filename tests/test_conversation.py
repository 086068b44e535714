"""The conversation context built from a session's records: history with failed turns marked,
the branch walked up the tree, a question asked back."""

from lib_imgedit.engine.conversation import asked_back, branch, conversation_context, history_turns
from lib_imgedit.store import Message, Node
from tests.helpers import square_labels


def msg(seq, role, text, created, **data):
    return Message(f"m{seq}", "s", seq, role, text, data=data, created=created)


def node(id_, parent, instruction=None):
    return Node(id_, "s", parent, 0, "img", None, instruction)


def test_history_marks_stored_failed_turns_and_is_bounded():
    failed = {"failed": True}
    messages = [msg(1, "user", "[image]", 1.0, upload=True), msg(2, "assistant", "I can see...", 1.1),
                msg(3, "user", "make it a beach", 1.5, instruction={"operation": "inpaint"}, **failed),
                msg(4, "assistant", "needs Stable Diffusion", 1.6, error={"status": 503}, **failed),
                msg(5, "user", "blur it", 2.0, instruction={"operation": "adjust"}), msg(6, "assistant", "Done", 2.1)]
    turns = history_turns(messages)
    assert [(t.role, t.text, t.ok) for t in turns] == [
        ("assistant", "I can see...", True), ("user", "make it a beach", False),
        ("assistant", "needs Stable Diffusion", False), ("user", "blur it", True), ("assistant", "Done", True)]
    assert turns[1].instruction == {"operation": "inpaint"}
    many = [msg(i, "user", str(i), float(i)) for i in range(40)]
    assert [t.text for t in history_turns(many)] == [str(i) for i in range(28, 40)]


def test_branch_edits_and_asked_back():
    nodes = {n.id: n for n in (node("u", None), node("e1", "u", {"operation": "crop", "aspect": "1:1"}),
                               node("e2", "e1", {"steps": [{"operation": "flip", "direction": "vertical"},
                                                           {"operation": "adjust", "adjust": {"blur": 0.5}}]}),
                               node("other", "u", {"operation": "adjust"}))}
    assert [n.id for n in branch(nodes, nodes["e2"])] == ["u", "e1", "e2"]
    asked = [msg(1, "user", "make the car red", 1.0), msg(2, "assistant", "Which car?", 1.1, clarify=True)]
    assert asked_back(asked) == "Which car?"
    after = asked + [msg(3, "user", "x", 2.0, failed=True), msg(4, "assistant", "y", 2.1, failed=True)]
    assert asked_back(after) == "", "a failed turn after the question ends it too"
    assert asked_back(asked[:1]) == ""
    ctx = conversation_context(square_labels(), "the left one", asked, branch(nodes, nodes["e2"]), user_mask=True)
    assert ctx.edits == [nodes["e1"].instruction, nodes["e2"].instruction] and ctx.current == nodes["e2"].instruction
    assert ctx.asked == "Which car?" and ctx.user_mask and not ctx.grounding and ctx.labels == ["thing", "background"]
