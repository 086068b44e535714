"""The conversation a planner sees, made explicit from the session's records: the latest messages
(failed turns marked), the plan that made the current picture, the plans still applied on the current
branch (walked up the tree, so an undo takes its edit out), a question the assistant asked back, and
whether the user drew a mask. The service and the fine-tuning export build it the same way."""

from __future__ import annotations

from typing import Any

from ..core.labels import LabelMap
from ..planner.base import PlanContext, Turn
from ..store import Message, Node

HISTORY_TURNS = 12  # messages the planner sees
EDITS_KEPT = 12  # plans on the current branch the planner sees


def history_turns(messages: list[Message]) -> list[Turn]:
    """The latest HISTORY_TURNS messages, oldest first, uploads left out; a failed turn (stored with
    `failed` in its messages' data: no backend, an upstream error) is marked `ok=False`."""
    turns = [Turn(m.role, m.text, m.data.get("instruction"), ok=not m.data.get("failed"))
             for m in messages if not m.data.get("upload")]
    return turns[-HISTORY_TURNS:]


def branch(nodes: dict[str, Node], node: Node) -> list[Node]:
    """`node` and its ancestors, the upload first."""
    chain = []
    cur: Node | None = node
    while cur is not None and len(chain) <= len(nodes):
        chain.append(cur)
        cur = nodes.get(cur.parent) if cur.parent else None
    return chain[::-1]


def asked_back(messages: list[Message]) -> str:
    """The question of a clarify in the assistant's last message (a turn after it, failed or not, ends it)."""
    if not messages or messages[-1].role != "assistant" or not messages[-1].data.get("clarify"):
        return ""
    return messages[-1].text


def picture_context(labels: LabelMap, **kw: Any) -> PlanContext:
    """A planner's context with what it knows of the picture: its labels, their shares, its faces."""
    return PlanContext(labels=labels.names, shares={n: labels.share(n) for n in labels.names}, faces=len(labels.faces), **kw)


def conversation_context(labels: LabelMap, text: str, messages: list[Message], chain: list[Node], *,
                         user_mask: bool = False, grounding: bool = False, generative: bool = True,
                         image_png: bytes | None = None) -> PlanContext:
    """Everything the planner may use for `text`: `messages` are the session's so far, `chain` the
    current branch from the upload to the current node."""
    edits = [n.instruction for n in chain if n.instruction][-EDITS_KEPT:]
    return picture_context(labels, text=text, history=history_turns(messages),
                           current=chain[-1].instruction if chain else None, edits=edits,
                           asked=asked_back(messages), user_mask=user_mask, grounding=grounding, generative=generative,
                           image_png=image_png)
