"""SessionTree: moves on the session's tree of pictures that make no new picture. Undo walks up the
current branch, redo down the most recently visited child, jump makes any node current (the next edit
branches from it); each is one turn, stored with its message in one transaction. Also the outcome a
move returns: the node's picture, labels and suggestions as they were stored. It holds nothing of its
own; `move` is also how a planned undo or redo (a message) is carried out.
"""

from __future__ import annotations

from typing import Any

from ..core.errors import BadRequest
from ..store import Node, Session
from .service_core import ServiceCore
from .turn_outcome import TurnOutcome


class SessionTree:
    """A part of EditService: undo, redo and jump."""

    def __init__(self, core: ServiceCore):
        self.core = core

    def undo(self, session_id: str, client: str, count: int = 1) -> TurnOutcome:
        return self._history(session_id, client, "undo", count, text="undo" if count == 1 else f"undo {count}")

    def redo(self, session_id: str, client: str, count: int = 1) -> TurnOutcome:
        return self._history(session_id, client, "redo", count, text="redo" if count == 1 else f"redo {count}")

    def jump(self, session_id: str, client: str, node_id: str) -> TurnOutcome:
        """Make any node current; the next edit branches from it."""
        self.core.admit(session_id)
        with self.core.lock(session_id):
            session = self.core.owned(session_id, client)
            target = self.core.store.get_node(session.id, node_id)
            reply = f"Back at step {target.seq}. The next edit starts a new branch from here."
            msg = self.core.store.new_message(session.id, "assistant", reply, node=target.id, data={"jump": target.id})
            self.core.store.commit_turn(session.id, [], [msg], target.id, expect_current=session.current)
            return self.outcome_for(session.id, target, reply)

    def _history(self, session_id: str, client: str, op: str, count: int, text: str) -> TurnOutcome:
        if not isinstance(count, int) or not 1 <= count <= 50:
            raise BadRequest("count must be a whole number from 1 to 50")
        self.core.admit(session_id)
        with self.core.lock(session_id):
            session = self.core.owned(session_id, client)
            self.core.require_image(session)
            user_msg = self.core.store.new_message(session.id, "user", text, node=session.current,
                                              data={"instruction": {"operation": op, "count": count}, "planner": "command"})
            return self.move(session, op, count, user_msg, False)

    def move(self, session: Session, op: str, count: int, user_msg: Any, zh: bool) -> TurnOutcome:
        """Undo walks up the branch, redo down the most recently visited child: `count` bounded reads."""
        if op == "undo":
            chain = self.core.store.ancestors(session.id, session.current, count + 1)
            cur, moved = self.core.store.get_node(session.id, chain[0].id), len(chain) - 1
        else:
            cur, moved = self.core.store.get_node(session.id, session.current), 0
            for _ in range(count):
                children = self.core.store.children(session.id, cur.id)
                if not children:
                    break
                cur = max(children, key=lambda n: (n.visited, n.seq))
                moved += 1
        if moved == 0:
            reply = ("没有可以撤销的操作了" if zh else "Nothing to undo: this is the original picture.") if op == "undo" else (
                "没有可以重做的操作" if zh else "Nothing to redo.")
        elif op == "undo":
            reply = f"已撤销 {moved} 步" if zh else ("Undone." if moved == 1 else f"Undid {moved} steps.")
        else:
            reply = f"已重做 {moved} 步" if zh else ("Redone." if moved == 1 else f"Redid {moved} steps.")
        msg = self.core.store.new_message(session.id, "assistant", reply, node=cur.id, data={op: moved})
        self.core.store.commit_turn(session.id, [], [user_msg, msg], cur.id, expect_current=session.current)
        return self.outcome_for(session.id, cur, reply, {"operation": op, "count": count})

    def outcome_for(self, session_id: str, node: Node, reply: str, instruction: dict[str, Any] | None = None) -> TurnOutcome:
        labels = self.core.node_labels(node)
        return TurnOutcome(session_id, node.id, reply, self.core.blobs.get(node.image), instruction, labels.summary(),
                           node.suggestions, node.executor, faces=len(labels.faces))
