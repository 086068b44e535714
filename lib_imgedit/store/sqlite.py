"""The default session store: SQLite in the data folder (WAL, one write lock, numbered migrations).

Every read a turn makes is an indexed lookup: nodes by (session, id), (session, parent) and
(session, seq), messages by (session, seq).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from ..core.errors import Conflict, NodeNotFound, SessionNotFound, StorageError
from .base import TREE_FIELDS, Message, Node, NodeBrief, Session, SessionStore, new_id

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY, client TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL,
        current TEXT, profile TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '',
        data TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX sessions_client ON sessions(client, updated);
    CREATE TABLE nodes (
        id TEXT NOT NULL, session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        parent TEXT, seq INTEGER NOT NULL, image TEXT NOT NULL, labelmap TEXT, instruction TEXT,
        kind TEXT NOT NULL, mask TEXT, executor TEXT NOT NULL DEFAULT '', info TEXT NOT NULL DEFAULT '{}',
        suggestions TEXT NOT NULL DEFAULT '[]', created REAL NOT NULL, visited REAL NOT NULL,
        PRIMARY KEY (session_id, id)
    );
    CREATE TABLE messages (
        id TEXT NOT NULL, session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL, role TEXT NOT NULL, text TEXT NOT NULL, node TEXT,
        data TEXT NOT NULL DEFAULT '{}', created REAL NOT NULL,
        PRIMARY KEY (session_id, id)
    );
    CREATE INDEX messages_seq ON messages(session_id, seq);
    """,
    # 2: bounded reads for turns: children (redo) and the latest nodes without scanning a session
    """
    CREATE INDEX nodes_parent ON nodes(session_id, parent, seq);
    CREATE INDEX nodes_seq ON nodes(session_id, seq);
    """,
]


def _storage_error(exc: sqlite3.Error) -> StorageError:
    text = str(exc)
    if "full" in text:
        return StorageError("the data folder's disk is full: free some space; nothing was changed")
    if "readonly" in text or "read-only" in text:
        return StorageError("the data folder is read-only: nothing was changed")
    return StorageError(f"the session database failed: {text}; nothing was changed")


def _below(before: int | None) -> int:
    """`seq < before` for a page; everything when None (SQLite integers are 64-bit)."""
    return 2**62 if before is None else before


class SQLiteSessionStore(SessionStore):
    def __init__(self, path: str | Path):
        super().__init__()
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create the data folder {self.path.parent}: {exc.strerror}") from None
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._migrate()

    # Connections: one per thread, all on the same WAL database ---------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA busy_timeout = 30000")
                conn.execute("PRAGMA foreign_keys = ON")
                if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            except sqlite3.Error as exc:
                raise _storage_error(exc) from None
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        with self._write_lock:
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:  # SQLite has already rolled back after a full disk
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise _storage_error(exc) from None

    def _read(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        try:
            return self._conn().execute(sql, args).fetchall()
        except sqlite3.Error as exc:
            raise _storage_error(exc) from None

    def _migrate(self) -> None:
        with self._write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # Rows -> objects --------------------------------------------------------------------------
    @staticmethod
    def _session(row: sqlite3.Row) -> Session:
        return Session(row["id"], row["client"], row["created"], row["updated"], row["current"], row["profile"],
                       row["title"], json.loads(row["data"]))

    @staticmethod
    def _node(row: sqlite3.Row) -> Node:
        return Node(
            id=row["id"], session_id=row["session_id"], parent=row["parent"], seq=row["seq"], image=row["image"],
            labelmap=row["labelmap"], instruction=json.loads(row["instruction"]) if row["instruction"] else None,
            kind=row["kind"], mask=row["mask"], executor=row["executor"], info=json.loads(row["info"]),
            suggestions=json.loads(row["suggestions"]), created=row["created"], visited=row["visited"],
        )

    @staticmethod
    def _brief(row: sqlite3.Row) -> NodeBrief:
        return NodeBrief(**{**dict(row), "instruction": json.loads(row["instruction"]) if row["instruction"] else None})

    @staticmethod
    def _message(row: sqlite3.Row) -> Message:
        return Message(row["id"], row["session_id"], row["seq"], row["role"], row["text"], row["node"],
                       json.loads(row["data"]), row["created"])

    # Sessions ---------------------------------------------------------------------------------
    def create_session(self, client: str) -> Session:
        now = time.time()
        session = Session(new_id(), client, now, now)
        with self._write() as conn:
            conn.execute("INSERT INTO sessions (id, client, created, updated) VALUES (?, ?, ?, ?)",
                         (session.id, client, now, now))
        return session

    def get_session(self, session_id: str) -> Session:
        rows = self._read("SELECT * FROM sessions WHERE id = ?", (session_id,))
        if not rows:
            raise SessionNotFound(f"no session {session_id!r}: it never existed, expired or belongs to someone else")
        return self._session(rows[0])

    def list_sessions(self, client: str) -> list[Session]:
        return [self._session(r) for r in self._read("SELECT * FROM sessions WHERE client = ? ORDER BY updated DESC", (client,))]

    def count_sessions(self, client: str) -> int:
        return int(self._read("SELECT COUNT(*) FROM sessions WHERE client = ?", (client,))[0][0])

    def update_session(self, session_id: str, **fields: Any) -> Session:
        allowed = {"profile", "title", "data"}
        if not set(fields) <= allowed:
            raise ValueError(f"cannot update {set(fields) - allowed}")
        with self._write() as conn:
            if not conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone():
                raise SessionNotFound(f"no session {session_id!r}")
            for key, value in fields.items():
                conn.execute(f"UPDATE sessions SET {key} = ?, updated = ? WHERE id = ?",
                             (json.dumps(value) if key == "data" else value, time.time(), session_id))
        return self.get_session(session_id)

    def delete_session(self, session_id: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    # Nodes and messages ---------------------------------------------------------------------------
    def nodes(self, session_id: str) -> list[Node]:
        return [self._node(r) for r in self._read("SELECT * FROM nodes WHERE session_id = ? ORDER BY seq", (session_id,))]

    def get_node(self, session_id: str, node_id: str) -> Node:
        rows = self._read("SELECT * FROM nodes WHERE session_id = ? AND id = ?", (session_id, node_id))
        if not rows:
            raise NodeNotFound(f"no node {node_id!r} in this session")
        return self._node(rows[0])

    def ancestors(self, session_id: str, node_id: str, limit: int) -> list[NodeBrief]:
        rows = self._read(
            "WITH RECURSIVE chain(id, parent, depth) AS ("
            " SELECT id, parent, 1 FROM nodes WHERE session_id = ?1 AND id = ?2"
            " UNION ALL SELECT n.id, n.parent, c.depth + 1 FROM chain c JOIN nodes n ON n.session_id = ?1 AND n.id = c.parent"
            " WHERE c.depth < ?3)"
            f" SELECT {', '.join('nodes.' + f for f in TREE_FIELDS)} FROM chain"
            " JOIN nodes ON nodes.session_id = ?1 AND nodes.id = chain.id ORDER BY chain.depth DESC",
            (session_id, node_id, limit))
        return [self._brief(r) for r in rows]

    def children(self, session_id: str, node_id: str) -> list[Node]:
        rows = self._read("SELECT * FROM nodes WHERE session_id = ? AND parent = ? ORDER BY seq", (session_id, node_id))
        return [self._node(r) for r in rows]

    def tree(self, session_id: str, limit: int, before: int | None = None) -> list[NodeBrief]:
        rows = self._read(f"SELECT {', '.join(TREE_FIELDS)} FROM nodes WHERE session_id = ? AND seq < ?"
                          " ORDER BY seq DESC LIMIT ?", (session_id, _below(before), limit))
        return [self._brief(r) for r in rows[::-1]]

    def messages(self, session_id: str) -> list[Message]:
        return [self._message(r) for r in self._read("SELECT * FROM messages WHERE session_id = ? ORDER BY seq", (session_id,))]

    def recent_messages(self, session_id: str, limit: int, before: int | None = None) -> list[Message]:
        rows = self._read("SELECT * FROM messages WHERE session_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
                          (session_id, _below(before), limit))
        return [self._message(r) for r in rows[::-1]]

    def commit_turn(self, session_id: str, nodes: list[Node], messages: list[Message], current: str | None,
                    expect_current: Any = ...) -> None:
        now = time.time()
        with self._write() as conn:
            row = conn.execute("SELECT current FROM sessions WHERE id = ?", (session_id,)).fetchone()
            if row is None:
                raise SessionNotFound(f"no session {session_id!r}")
            if expect_current is not ... and row["current"] != expect_current:
                raise Conflict("the session changed while this turn ran; please try again")
            seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM nodes WHERE session_id = ?", (session_id,)).fetchone()[0]
            for n in nodes:
                seq += 1
                n.seq = seq
                conn.execute(
                    "INSERT INTO nodes (id, session_id, parent, seq, image, labelmap, instruction, kind, mask, executor,"
                    " info, suggestions, created, visited) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (n.id, session_id, n.parent, n.seq, n.image, n.labelmap,
                     json.dumps(n.instruction, ensure_ascii=False) if n.instruction is not None else None, n.kind,
                     n.mask, n.executor, json.dumps(n.info, ensure_ascii=False),
                     json.dumps(n.suggestions, ensure_ascii=False), n.created, n.visited),
                )
            mseq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM messages WHERE session_id = ?", (session_id,)).fetchone()[0]
            for m in messages:
                mseq += 1
                m.seq = mseq
                conn.execute(
                    "INSERT INTO messages (id, session_id, seq, role, text, node, data, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (m.id, session_id, m.seq, m.role, m.text, m.node, json.dumps(m.data, ensure_ascii=False), m.created),
                )
            if current is not None:
                if not conn.execute("SELECT 1 FROM nodes WHERE session_id = ? AND id = ?", (session_id, current)).fetchone():
                    raise NodeNotFound(f"no node {current!r} in this session")
                conn.execute("UPDATE nodes SET visited = ? WHERE session_id = ? AND id = ?", (now, session_id, current))
            conn.execute("UPDATE sessions SET current = COALESCE(?, current), updated = ? WHERE id = ?",
                         (current, now, session_id))

    def set_labelmap(self, session_id: str, node_id: str, labelmap: str) -> None:
        with self._write() as conn:
            if not conn.execute("UPDATE nodes SET labelmap = ? WHERE session_id = ? AND id = ?",
                                (labelmap, session_id, node_id)).rowcount:
                raise NodeNotFound(f"no node {node_id!r} in this session")

    def expired(self, idle_seconds: float) -> list[str]:
        cutoff = time.time() - idle_seconds
        return [r[0] for r in self._read("SELECT id FROM sessions WHERE updated < ?", (cutoff,))]

    def referenced_blobs(self) -> set[str]:
        keys: set[str] = set()
        for row in self._read("SELECT image, labelmap, mask, info FROM nodes"):
            keys.update(k for k in (row["image"], row["labelmap"], row["mask"]) if k)
            keys.update(json.loads(row["info"]).get("blobs", []))
        for row in self._read("SELECT data FROM sessions"):
            keys.update(json.loads(row["data"]).get("blobs", []))
        return keys

