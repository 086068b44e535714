"""The conversation context built from a session's records: history with failed turns in place,
the branch walked up the tree, a question asked back."""

from lib_imgedit.conversation import FailedTurn, FailedTurns, asked_back, branch, conversation_context, history_turns
from lib_imgedit.store import Message, Node
from tests.helpers import square_labels


def msg(seq, role, text, created, **data):
    return Message(f"m{seq}", "s", seq, role, text, data=data, created=created)


def node(id_, parent, instruction=None):
    return Node(id_, "s", parent, 0, "img", None, instruction)


def test_history_puts_failed_turns_where_they_happened_and_is_bounded():
    messages = [msg(1, "user", "[image]", 1.0, upload=True), msg(2, "assistant", "I can see...", 1.1),
                msg(3, "user", "blur it", 2.0, instruction={"operation": "adjust"}), msg(4, "assistant", "Done", 2.1)]
    failed = [FailedTurn(1.5, "make it a beach", {"operation": "inpaint"}, "needs Stable Diffusion")]
    turns = history_turns(messages, failed)
    assert [(t.role, t.text, t.ok) for t in turns] == [
        ("assistant", "I can see...", True), ("user", "make it a beach", False),
        ("assistant", "needs Stable Diffusion", False), ("user", "blur it", True), ("assistant", "Done", True)]
    many = [msg(i, "user", str(i), float(i)) for i in range(40)]
    assert [t.text for t in history_turns(many)] == [str(i) for i in range(28, 40)]


def test_failed_turns_are_bounded_per_session_and_overall():
    store = FailedTurns(sessions=2, per_session=2)
    for i in range(3):
        store.add("a", FailedTurn(float(i), str(i), None, "x"))
    assert [f.text for f in store.get("a")] == ["1", "2"]
    store.add("b", FailedTurn(0.0, "b", None, "x"))
    store.add("c", FailedTurn(0.0, "c", None, "x"))
    assert store.get("a") == [] and store.get("c")


def test_branch_edits_and_asked_back():
    nodes = {n.id: n for n in (node("u", None), node("e1", "u", {"operation": "crop", "aspect": "1:1"}),
                               node("e2", "e1", {"steps": [{"operation": "flip", "direction": "vertical"},
                                                           {"operation": "adjust", "adjust": {"blur": 0.5}}]}),
                               node("other", "u", {"operation": "adjust"}))}
    assert [n.id for n in branch(nodes, nodes["e2"])] == ["u", "e1", "e2"]
    asked = [msg(1, "user", "make the car red", 1.0), msg(2, "assistant", "Which car?", 1.1, clarify=True)]
    assert asked_back(asked) == "Which car?"
    assert asked_back(asked, [FailedTurn(2.0, "x", None, "y")]) == ""
    assert asked_back(asked[:1]) == ""
    ctx = conversation_context(square_labels(), "the left one", asked, branch(nodes, nodes["e2"]), user_mask=True)
    assert ctx.edits == [nodes["e1"].instruction, nodes["e2"].instruction] and ctx.current == nodes["e2"].instruction
    assert ctx.asked == "Which car?" and ctx.user_mask and not ctx.grounding and ctx.labels == ["thing", "background"]
