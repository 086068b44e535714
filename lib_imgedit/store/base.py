"""The session records and the store contract that the SQLite and Redis stores both implement.

A session is a tree of nodes (images with the instruction that made them) and a list of chat
messages; undo, redo and branching are moves of the session's `current` pointer. A turn is
committed in one transaction (`commit_turn`), so a crash leaves it either fully present or absent.

Reads that a turn makes are bounded, so a turn costs the same at step 500 as at step 5: the current
node (`get_node`), a window of its branch (`ancestors`) and of the tree (`tree`), both as compact
`NodeBrief` records, its `children` (redo) and the latest messages (`recent_messages`). `nodes` and `messages` read a
whole session and are for exports and tests, never for a turn.
"""

from __future__ import annotations

import secrets
import threading
import time
import weakref
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Iterator

from ..core.errors import Conflict
from ..core.limits import RateWindow


def new_id(nbytes: int = 16) -> str:
    """Random, unguessable id: 128 bits for sessions by default."""
    return secrets.token_hex(nbytes)


@dataclass
class Session:
    id: str
    client: str
    created: float
    updated: float
    current: str | None = None
    profile: str = ""  # LLM profile chosen for this session; "" = server default
    title: str = ""
    data: dict[str, Any] = field(default_factory=dict)  # small per-session state (pending suggestions...)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Node:
    id: str
    session_id: str
    parent: str | None
    seq: int
    image: str  # blob key of the PNG
    labelmap: str | None  # blob key of the label map
    instruction: dict[str, Any] | None = None
    kind: str = "edit"  # "upload" or "edit"
    mask: str | None = None  # blob key of the mask used, if any
    executor: str = ""
    info: dict[str, Any] = field(default_factory=dict)
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    created: float = 0.0
    visited: float = 0.0  # last time this node was current: redo follows the most recent child

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def brief(self) -> NodeBrief:
        return NodeBrief(**{k: getattr(self, k) for k in TREE_FIELDS})


@dataclass
class NodeBrief:
    """A node without its blobs: enough to draw the history, jump, and know the plans on a branch;
    none of the per-node data (suggestions, executor info, file keys) that would make long reads heavy."""

    id: str
    parent: str | None
    seq: int
    kind: str
    instruction: dict[str, Any] | None
    executor: str
    created: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


TREE_FIELDS = tuple(f.name for f in fields(NodeBrief))


@dataclass
class Message:
    id: str
    session_id: str
    seq: int
    role: str  # "user" | "assistant"
    text: str
    node: str | None = None  # the node this message produced or refers to
    data: dict[str, Any] = field(default_factory=dict)  # instruction, error, labels...
    created: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class SessionStore:
    """Interface shared by the SQLite and Redis stores.

    Besides the records, a store owns what must be shared by every process that serves its
    sessions: the per-session turn lock and the rate-limit windows. The defaults here are
    process-local; the Redis store keeps both in Redis.
    """

    lock_wait_s: float = 300.0  # how long a turn waits for the one before it on the same session

    def __init__(self) -> None:
        self._turn_locks: weakref.WeakValueDictionary[str, threading.Lock] = weakref.WeakValueDictionary()
        self._turn_locks_guard = threading.Lock()
        self._window = RateWindow()

    @contextmanager
    def lock(self, session_id: str) -> Iterator[None]:
        """Serialise the turns of one session. Idle sessions hold no lock object (weak values)."""
        with self._turn_locks_guard:
            lock = self._turn_locks.get(session_id)
            if lock is None:
                lock = self._turn_locks[session_id] = threading.Lock()
        if not lock.acquire(timeout=self.lock_wait_s):
            raise Conflict("another turn of this session is still running: try again when it has finished")
        try:
            yield
        finally:
            lock.release()

    def admit(self, key: str, per_minute: int) -> float:
        """Count one event under `key` (a session, a client): 0 if allowed, else the seconds to wait
        (nothing counted)."""
        return self._window.admit(key, per_minute)

    def create_session(self, client: str) -> Session:
        raise NotImplementedError

    def get_session(self, session_id: str) -> Session:
        raise NotImplementedError

    def list_sessions(self, client: str) -> list[Session]:
        raise NotImplementedError

    def count_sessions(self, client: str) -> int:
        raise NotImplementedError

    def update_session(self, session_id: str, **fields: Any) -> Session:
        """Set `profile`, `title` or `data`."""
        raise NotImplementedError

    def delete_session(self, session_id: str) -> None:
        raise NotImplementedError

    def nodes(self, session_id: str) -> list[Node]:
        """Every node, by seq (exports and tests; a turn reads windows instead)."""
        raise NotImplementedError

    def get_node(self, session_id: str, node_id: str) -> Node:
        raise NotImplementedError

    def ancestors(self, session_id: str, node_id: str, limit: int) -> list[NodeBrief]:
        """The branch that ends at `node_id`: the node and its nearest ancestors, at most `limit`,
        oldest first."""
        raise NotImplementedError

    def children(self, session_id: str, node_id: str) -> list[Node]:
        """The nodes made from `node_id`, by seq."""
        raise NotImplementedError

    def tree(self, session_id: str, limit: int, before: int | None = None) -> list[NodeBrief]:
        """The latest `limit` nodes with a seq below `before` (all when None), oldest first."""
        raise NotImplementedError

    def messages(self, session_id: str) -> list[Message]:
        """Every message, by seq (exports and tests; a turn reads `recent_messages`)."""
        raise NotImplementedError

    def recent_messages(self, session_id: str, limit: int, before: int | None = None) -> list[Message]:
        """The latest `limit` messages with a seq below `before` (all when None), oldest first."""
        raise NotImplementedError

    def commit_turn(self, session_id: str, nodes: list[Node], messages: list[Message], current: str | None,
                    expect_current: str | None = ...) -> None:  # type: ignore[assignment]
        """Add nodes and messages and move `current`, atomically. With `expect_current`, fail with
        Conflict if another writer moved the pointer since the caller read it."""
        raise NotImplementedError

    def set_labelmap(self, session_id: str, node_id: str, labelmap: str) -> None:
        """Give a node a new label map (the same picture read again with more models: no new step)."""
        raise NotImplementedError

    def expired(self, idle_seconds: float) -> list[str]:
        """Ids of sessions not updated for `idle_seconds`."""
        raise NotImplementedError

    def referenced_blobs(self) -> set[str]:
        raise NotImplementedError

    def close(self) -> None:
        pass

    # Shared helpers -------------------------------------------------------------------------
    def new_node(self, session_id: str, **kw: Any) -> Node:
        now = time.time()
        return Node(id=new_id(8), session_id=session_id, seq=0, created=now, visited=now, **kw)

    def new_message(self, session_id: str, role: str, text: str, **kw: Any) -> Message:
        return Message(id=new_id(8), session_id=session_id, seq=0, role=role, text=text, created=time.time(), **kw)
