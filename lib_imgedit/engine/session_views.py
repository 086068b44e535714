"""SessionViews: the session records a front door reads and keeps, outside any turn. Creating one
(within the client's limit), reading it back as a view with a page of its messages and a page of its
tree (`limit`/`before` cursors, checked here), renaming it or switching its LLM profile, deleting it,
and a node's picture, with its labels drawn over it on request. It holds nothing of its own: it reads
and writes the session store through the `ServiceCore` it is given.
"""

from __future__ import annotations

from typing import Any, Callable

from ..core import images
from ..core.errors import BadRequest, RateLimited
from ..core.masks import overlay
from ..store import Node, Session, SessionStore
from .service_core import CONTROL_CHARS, ServiceCore

VIEW_MESSAGES, VIEW_NODES = (50, 200), (100, 1000)  # session view pages: (default, most)


class SessionViews:
    """A part of EditService: the session records and their pages."""

    def __init__(self, core: ServiceCore, labels_pending: Callable[[Session], bool] = lambda session: False):
        self.core = core
        self.labels_pending = labels_pending  # whether the current picture's labels are still being read

    def create_session(self, client: str) -> Session:
        if self.core.store.count_sessions(client) >= self.core.settings.sessions_per_client:
            raise RateLimited(f"this client already has {self.core.settings.sessions_per_client} sessions, the limit: "
                              "delete old ones first")
        return self.core.store.create_session(client)

    def get_session(self, session_id: str, client: str) -> Session:
        return self.core.owned(session_id, client)

    def session_view(self, session_id: str, client: str, limit: int | None = None, before: int | None = None,
                     node_limit: int | None = None, node_before: int | None = None) -> dict[str, Any]:
        """The session with a page of its messages and a page of its tree, each the latest `limit`
        below seq `before`, oldest first. `messages_before` / `nodes_before` is the `before` of the
        previous page, None on the first one; the current node's suggestions come once, not per node.
        `labels_pending`: slower segmenters still read the current picture (`background_labels.py`)."""
        limit, node_limit = _page(limit, VIEW_MESSAGES, "limit"), _page(node_limit, VIEW_NODES, "node_limit")
        before, node_before = _cursor(before, "before"), _cursor(node_before, "node_before")
        session = self.core.owned(session_id, client)
        pending = self.labels_pending(session)  # before the reads: once it is False, the labels' message is stored
        current = self.core.current(session)
        messages = self.core.store.recent_messages(session.id, limit, before)
        nodes = self.core.store.tree(session.id, node_limit, node_before)
        return {
            "session_id": session.id,
            "created": session.created,
            "updated": session.updated,
            "current": session.current,
            "profile": session.profile,
            "title": session.title,
            "pending": session.data.get("pending"),
            "labels_pending": pending,
            "suggestions": offered(session, current),
            "nodes": [n.to_dict() for n in nodes],
            "nodes_before": nodes[0].seq if nodes and nodes[0].seq > 1 else None,
            "messages": [
                {"id": m.id, "seq": m.seq, "role": m.role, "text": m.text, "node": m.node, "data": m.data, "created": m.created}
                for m in messages
            ],
            "messages_before": messages[0].seq if messages and messages[0].seq > 1 else None,
        }

    def update_session(self, session_id: str, client: str, profile: str | None = None,
                       title: str | None = None) -> dict[str, Any]:
        """Switch the session's LLM profile (takes effect on the next message) or rename it."""
        with self.core.lock(session_id):
            self.core.owned(session_id, client)
            fields: dict[str, Any] = {}
            if profile is not None:
                fields["profile"] = self.core.check_profile(profile)
            if title is not None:
                fields["title"] = CONTROL_CHARS.sub("", title)[:200]
            session = self.core.store.update_session(session_id, **fields) if fields else self.core.store.get_session(session_id)
            return {"session_id": session.id, "profile": session.profile, "title": session.title}

    def delete_session(self, session_id: str, client: str) -> None:
        self.core.owned(session_id, client)
        self.core.store.delete_session(session_id)

    def node_png(self, session_id: str, client: str, node_id: str, with_overlay: bool = False) -> bytes:
        self.core.owned(session_id, client)
        node = self.core.store.get_node(session_id, node_id)
        if not with_overlay:
            return self.core.blobs.get(node.image)
        return images.encode_png(overlay(self.core.node_image(node), self.core.node_labels(node)))


def _page(value: int | None, bounds: tuple[int, int], name: str) -> int:
    default, most = bounds
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise BadRequest(f"{name} must be a whole number from 1 to {most}")
    return value


def _cursor(value: int | None, name: str) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise BadRequest(f"{name} must be a message or node seq (1 or more), from the previous page's *_before")
    return value


def offered(session: Session, node: Node | None) -> list[dict[str, Any]]:
    """What the user can click now: the answers to the question just asked about this picture (kept
    in the session until the next message), else the picture's next-edit suggestions."""
    if node is None:
        return []
    choices = session.data.get("choices") or {}
    return list(choices.get("items") or []) if choices.get("node") == node.id else node.suggestions


def offer_choices(store: SessionStore, session: Session, node: Node,
                  choices: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Keep a question's one-click answers (`{"text", "instruction"}` runs a plan, `{"text", "message"}`
    sends a message; each marked `answer`, so one click acts) for this picture; any earlier ones end
    with the next message. Returns them as kept."""
    items = [{**c, "answer": True} for c in choices or []]
    data = {k: v for k, v in session.data.items() if k != "choices"}
    if items:
        data["choices"] = {"node": node.id, "items": items}
    if data != session.data:
        store.update_session(session.id, data=data)
        session.data = data
    return items
