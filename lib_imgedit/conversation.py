"""The conversation a planner sees, made explicit from the session's records: the latest messages
(failed turns marked), the plan that made the current picture, the plans still applied on the current
branch (walked up the tree, so an undo takes its edit out), a question the assistant asked back, and
whether the user drew a mask. The service and the fine-tuning export build it the same way."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Iterable

from .planner.base import PlanContext, Turn
from .segment.base import LabelMap
from .store import Message, Node

HISTORY_TURNS = 12  # messages the planner sees
EDITS_KEPT = 12  # plans on the current branch the planner sees


@dataclass
class FailedTurn:
    """A turn that changed nothing (no backend, an upstream error). It is not stored with the session,
    which it did not change; the planner still hears of it while this process remembers."""

    created: float
    text: str
    instruction: dict[str, Any] | None
    error: str


class FailedTurns:
    """The last few failed turns of recently active sessions, in memory and bounded."""

    def __init__(self, sessions: int = 256, per_session: int = 4):
        self._by_session: OrderedDict[str, list[FailedTurn]] = OrderedDict()
        self._sessions, self._per_session = sessions, per_session
        self._guard = threading.Lock()

    def add(self, session_id: str, turn: FailedTurn) -> None:
        with self._guard:
            turns = self._by_session.pop(session_id, [])
            self._by_session[session_id] = (turns + [turn])[-self._per_session:]
            while len(self._by_session) > self._sessions:
                self._by_session.popitem(last=False)

    def get(self, session_id: str) -> list[FailedTurn]:
        with self._guard:
            return list(self._by_session.get(session_id, []))


def history_turns(messages: list[Message], failed: Iterable[FailedTurn] = ()) -> list[Turn]:
    """The latest HISTORY_TURNS messages, oldest first, uploads left out; failed turns (`ok=False`)
    slotted in where they happened."""
    items: list[tuple[float, int, Turn]] = [
        (m.created, 0, Turn(m.role, m.text, m.data.get("instruction")))
        for m in messages if not m.data.get("upload")
    ]
    for f in failed:
        items.append((f.created, 1, Turn("user", f.text, f.instruction, ok=False)))
        items.append((f.created, 2, Turn("assistant", f.error, None, ok=False)))
    items.sort(key=lambda t: (t[0], t[1]))
    return [t for _, _, t in items][-HISTORY_TURNS:]


def branch(nodes: dict[str, Node], node: Node) -> list[Node]:
    """`node` and its ancestors, the upload first."""
    chain = []
    cur: Node | None = node
    while cur is not None and len(chain) <= len(nodes):
        chain.append(cur)
        cur = nodes.get(cur.parent) if cur.parent else None
    return chain[::-1]


def asked_back(messages: list[Message], failed: Iterable[FailedTurn] = ()) -> str:
    """The question of a clarify in the assistant's last message, unless a turn came after it."""
    if not messages or messages[-1].role != "assistant" or not messages[-1].data.get("clarify"):
        return ""
    if any(f.created >= messages[-1].created for f in failed):
        return ""
    return messages[-1].text


def picture_context(labels: LabelMap, **kw: Any) -> PlanContext:
    """A planner's context with what it knows of the picture: its labels, their shares, its faces."""
    return PlanContext(labels=labels.names, shares={n: labels.share(n) for n in labels.names}, faces=len(labels.faces), **kw)


def conversation_context(labels: LabelMap, text: str, messages: list[Message], chain: list[Node], *,
                         failed: Iterable[FailedTurn] = (), user_mask: bool = False, grounding: bool = False,
                         image_png: bytes | None = None) -> PlanContext:
    """Everything the planner may use for `text`: `messages` are the session's so far, `chain` the
    current branch from the upload to the current node."""
    failed = list(failed)
    edits = [n.instruction for n in chain if n.instruction][-EDITS_KEPT:]
    return picture_context(labels, text=text, history=history_turns(messages, failed),
                           current=chain[-1].instruction if chain else None, edits=edits,
                           asked=asked_back(messages, failed), user_mask=user_mask, grounding=grounding,
                           image_png=image_png)
