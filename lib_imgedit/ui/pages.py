"""Bounded reads for the tab: the latest page of messages (and the older pages the user asked for),
the latest steps of the history, and the nodes those show, found one by one by id. A session of 500
turns renders as fast as one of 5; the whole-session reads (`store.messages`, `store.nodes`) are
never used here. No gradio, so the paging is tested without a browser."""

from __future__ import annotations

from ..core.errors import NodeNotFound
from ..store import Message, Node, SessionStore

CHAT_PAGE = 50  # messages shown on load, and added by each "Load older messages"
HISTORY_PAGE = 40  # steps in the history strip (plus the current one when it is older)


class NodeLookup:
    """The nodes a render needs, each read once by id (`get_node`), like a dict of the session's
    nodes that is filled only where it is asked."""

    def __init__(self, store: SessionStore, sid: str) -> None:
        self.store, self.sid = store, sid
        self.found: dict[str, Node | None] = {}

    def get(self, node_id: str | None, default: Node | None = None) -> Node | None:
        if not node_id:
            return default
        if node_id not in self.found:
            try:
                self.found[node_id] = self.store.get_node(self.sid, node_id)
            except NodeNotFound:  # a message about a node that is gone: shown without its picture
                self.found[node_id] = None
        return self.found[node_id] or default


def last_seq(store: SessionStore, sid: str) -> int:
    """The seq of the session's latest message (0 when there is none): where a note joins the chat."""
    latest = store.recent_messages(sid, 1)
    return latest[-1].seq if latest else 0


def chat_messages(store: SessionStore, sid: str, since: int | None) -> list[Message]:
    """The messages the chat shows, oldest first: the latest page, and when the user loaded older
    pages (`since`: the oldest seq they reached) everything from there on, each row read once."""
    latest = store.recent_messages(sid, CHAT_PAGE)
    if since is None or not latest or latest[0].seq <= since:
        return latest
    return store.recent_messages(sid, latest[0].seq - since, before=latest[0].seq) + latest


def older_page(store: SessionStore, sid: str, shown: list[Message]) -> list[Message]:
    """The page before the oldest message shown (none when it is the first)."""
    if not shown or shown[0].seq <= 1:
        return []
    return store.recent_messages(sid, CHAT_PAGE, before=shown[0].seq)


def has_older(messages: list[Message]) -> bool:
    return bool(messages) and messages[0].seq > 1


def history_nodes(store: SessionStore, sid: str, current: str | None, lookup: NodeLookup) -> list[Node]:
    """The history strip: the latest steps, by seq, and before them the current step when it is
    older (after a jump back, or undo past the strip), so it stays marked and in view."""
    nodes = [n for n in (lookup.get(b.id) for b in store.tree(sid, HISTORY_PAGE)) if n is not None]
    if current and all(n.id != current for n in nodes):
        node = lookup.get(current)
        nodes = [node, *nodes] if node is not None else nodes
    return nodes
