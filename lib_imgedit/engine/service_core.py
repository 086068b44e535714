"""ServiceCore: what every part of EditService stands on, one object they are all given. It holds the
service's shared state: the settings (replaced as a whole when they change, so every part reads them
here), the rules, the session store, the blob store, the limits, the offline planner and the planner
registry, and how settings are persisted. Its methods are the small reads and checks all turns share:
the session's turn lock and rate limit, a session read only by its owner, the current node, a node's
picture and labels, a message's text and an uploaded picture checked, the session's planner and profile.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from ..core import images, redact
from ..core.blobs import BlobStore
from ..core.config import Settings, load_rules, save_settings
from ..core.errors import BadRequest, Conflict, PayloadTooLarge, SessionNotFound
from ..core.limits import Limits
from ..planner import Planner
from ..planner.offline import OfflinePlanner
from ..planner.registry import PlannerRegistry
from ..segment import LabelMap
from ..store import Node, Session, SessionStore, open_store

_SESSION_ID = re.compile(r"[0-9a-f]{32}")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ServiceCore:
    """The shared state and reads of EditService; each of its parts is given this one object."""

    def __init__(self, settings: Settings, store: SessionStore | None = None, blobs: BlobStore | None = None):
        self.settings = settings
        data = Path(settings.data_dir)
        self.rules = load_rules(data)
        self.store = store or open_store(settings)
        self.limits = Limits(lambda: self.settings, self.store)
        self.blobs = blobs or BlobStore(data / "blobs")
        self.offline = OfflinePlanner(self.rules)
        redact.register(redact.secret_values(settings))
        self.planners = PlannerRegistry(lambda: self.settings, self.rules, self.offline)
        self.persist_settings: Callable[[Settings, list[str]], None] = save_settings  # the WebUI's adapter writes its Settings

    @contextmanager
    def lock(self, session_id: str) -> Iterator[None]:
        """The session's turn lock (the store owns it, so with Redis it holds across replicas), then
        one of this machine's turn slots."""
        with self.store.lock(session_id), self.limits.running():
            yield

    def admit(self, session_id: str) -> None:
        """Count a turn against the session's turns-per-minute limit (the front doors count the
        client's: `limits.client_turn`)."""
        self.limits.session_turn(_checked_id(session_id))

    def owned(self, session_id: str, client: str) -> Session:
        session = self.store.get_session(_checked_id(session_id))
        if session.client != client:  # someone else's session looks exactly like a missing one
            raise SessionNotFound(f"no session {session_id!r}: it never existed, expired or belongs to someone else")
        return session

    def current(self, session: Session) -> Node | None:
        return self.store.get_node(session.id, session.current) if session.current else None

    def require_image(self, session: Session) -> Node:
        node = self.current(session)
        if node is None:
            raise Conflict("this session has no picture yet: upload one first")
        return node

    def node_image(self, node: Node) -> np.ndarray:
        return self.stored_image(node.image)

    def stored_image(self, key: str) -> np.ndarray:
        """A picture this server stored itself (already checked on upload), so no size limits."""
        return images.to_array(images.load_image(self.blobs.get(key), 10**12, 10**9))

    def node_labels(self, node: Node) -> LabelMap:
        return LabelMap.from_bytes(self.blobs.get(node.labelmap)) if node.labelmap else LabelMap(1, 1)

    def check_text(self, text: Any) -> str:
        if not isinstance(text, str):
            raise BadRequest("the message must be text")
        if len(text) > self.settings.max_message_chars:
            raise PayloadTooLarge(f"the message has {len(text)} characters; the limit is {self.settings.max_message_chars}")
        text = CONTROL_CHARS.sub("", text).strip()
        if not text:
            raise BadRequest("the message is empty: say what to change, e.g. 'blur the background'")
        return text

    def decode_upload(self, raw: bytes) -> np.ndarray:
        s = self.settings
        img = images.load_image(raw, s.max_image_pixels, s.max_image_side, int(s.max_upload_mb * 1e6))
        return images.to_array(img)

    def planner_for(self, session: Session | None) -> Planner:
        """The session's planner; the offline planner unless an LLM profile is configured."""
        return self.planners.get(session.profile if session else "")

    def profile_names(self) -> list[str]:
        """Configured LLM profiles (none without an LLM configuration)."""
        return self.planners.names()

    def check_profile(self, profile: str) -> str:
        if profile not in ("", "offline", *self.profile_names()):
            raise BadRequest(f"unknown profile {profile[:40]!r}; known: offline, {', '.join(self.profile_names()) or '(none)'}")
        return profile


def _checked_id(session_id: Any) -> str:
    """A session id of the right shape (so nothing else reaches the store or a rate-limit key)."""
    if not isinstance(session_id, str) or not _SESSION_ID.fullmatch(session_id):
        raise SessionNotFound(f"no session {str(session_id)[:40]!r}")
    return session_id
