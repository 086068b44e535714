"""Session store on Redis, for several WebUI replicas serving one user base.

Keys (prefix `imgedit:`):
  session:<id>    hash  id, client, created, updated, current, profile, title, data (JSON)
  nodes:<id>      hash  node id -> node JSON
  brief:<id>      hash  node id -> its compact record (a `NodeBrief`, JSON)
  tree:<id>       zset  node ids, scored by seq
  kids:<id>       hash  node id -> its children's ids, space-separated, oldest first
  messages:<id>   list  message JSON, oldest first (a message's seq is its position + 1)
  client:<name>   zset  a client's session ids, scored by `updated`
  updated         zset  every session id, scored by `updated` (for expiry)
  lock:<id>       the session's turn lock, shared by every replica
  rate:<key>      zset  the events of the last minute under a rate-limit key
  schema          the layout version; older layouts are migrated when a store opens

Every read a turn makes touches a bounded number of entries: one node by id, a branch of compact
records walked up by a server-side script (`ancestors`), the children listed in `kids`, a range of
`messages`, a range of `tree` with its records.
A turn is committed with WATCH/MULTI/EXEC on the session, node and message keys: a concurrent
writer makes the transaction start again, and `expect_current` is checked on the fresh state, so a
turn is applied whole or not at all. Images are not stored here: they stay in the BlobStore, on
storage that every replica mounts.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

import redis

from ..core.errors import Conflict, NodeNotFound, SessionNotFound, StorageError, StoreUnavailable
from ..core.limits import WINDOW_S
from .base import Message, Node, NodeBrief, Session, SessionStore, new_id

log = logging.getLogger("imgedit")
F = TypeVar("F", bound=Callable[..., Any])

# Sliding-window turn counter, atomic across replicas. Redis' own clock, so replicas need not agree
# on the time; the result is a string because Redis truncates Lua numbers to integers.
_ADMIT = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1e6
local window, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tostring(tonumber(oldest[2]) + window - t)
end
redis.call('ZADD', KEYS[1], t, ARGV[3])
redis.call('EXPIRE', KEYS[1], math.ceil(window) + 1)
return '0'
"""

# The branch ending at a node, walked up on the server in one round trip: at most ARGV[2] compact
# records (KEYS[1] = brief), nearest first.
_ANCESTORS = """
local out, id = {}, ARGV[1]
for _ = 1, tonumber(ARGV[2]) do
  local raw = redis.call('HGET', KEYS[1], id)
  if not raw then break end
  out[#out + 1] = raw
  local parent = cjson.decode(raw)['parent']
  if type(parent) ~= 'string' then break end
  id = parent
end
return out
"""

# A page of the tree in one round trip: the compact records (KEYS[2] = brief) of at most ARGV[2]
# node ids (KEYS[1] = tree) with a seq below ARGV[1], latest first.
_TREE = """
local ids = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], '-inf', 'LIMIT', 0, tonumber(ARGV[2]))
if #ids == 0 then return {} end
return redis.call('HMGET', KEYS[2], unpack(ids))
"""
LAYOUT = 2  # 2: `brief`, `tree` and `kids` index the nodes


def _translated(fn: F) -> F:
    """Redis failures become the same typed errors the SQLite store raises."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
            raise StoreUnavailable(f"the session store (Redis) cannot be reached ({type(exc).__name__}); "
                                   "nothing was changed") from None
        except redis.exceptions.OutOfMemoryError:
            raise StorageError("the session store (Redis) is out of memory: nothing was changed") from None
        except redis.exceptions.ReadOnlyError:
            raise StorageError("the session store (Redis) is read-only: nothing was changed") from None
        except redis.exceptions.ResponseError as exc:
            raise StorageError(f"the session store (Redis) failed: {exc}; nothing was changed") from None

    return wrapper  # type: ignore[return-value]


def _dumps(obj: Node | NodeBrief | Message) -> str:
    return json.dumps(obj.to_dict(), ensure_ascii=False)


class RedisSessionStore(SessionStore):
    lock_lease_s: float = 15.0  # a replica killed mid-turn blocks its session at most this long

    def __init__(self, url: str, prefix: str = "imgedit:"):
        super().__init__()
        self.prefix = prefix
        self.r = redis.Redis.from_url(url, decode_responses=True, socket_timeout=10, socket_connect_timeout=5,
                                      health_check_interval=30)
        self._admit = self.r.register_script(_ADMIT)
        kw = self.r.connection_pool.connection_kwargs
        where = f"{kw.get('host', kw.get('path', '?'))}:{kw.get('port', '')}"
        self._ancestors = self.r.register_script(_ANCESTORS)
        self._tree = self.r.register_script(_TREE)
        try:
            self.r.ping()
        except redis.exceptions.RedisError as exc:  # the URL may hold a password: name only host and port
            raise StoreUnavailable(f"cannot reach the session store at Redis {where}: {type(exc).__name__}") from None
        self._migrate()

    def _k(self, kind: str, name: str = "") -> str:
        return f"{self.prefix}{kind}:{name}" if name else f"{self.prefix}{kind}"

    def close(self) -> None:
        self.r.close()

    @_translated
    def _migrate(self) -> None:
        """Index the nodes of sessions written by an older layout. Each session is rebuilt in one
        transaction that a concurrent turn restarts, so replicas may race and turns may go on."""
        if int(self.r.get(self._k("schema")) or 0) >= LAYOUT:
            return
        for nkey in self.r.scan_iter(match=self._k("nodes", "*"), count=500):
            sid = nkey[len(f"{self.prefix}nodes:"):]

            def rebuild(pipe: redis.client.Pipeline, sid: str = sid, nkey: str = nkey) -> None:
                nodes = sorted((Node(**json.loads(v)) for v in pipe.hvals(nkey)), key=lambda n: n.seq)
                pipe.multi()
                pipe.delete(*(self._k(kind, sid) for kind in ("brief", "tree", "kids")))
                self._index(pipe, sid, nodes, {})

            self.r.transaction(rebuild, nkey)
        self.r.set(self._k("schema"), LAYOUT)

    # Locks and limits shared by every replica ----------------------------------------------------
    @contextmanager
    def lock(self, session_id: str) -> Iterator[None]:
        """A Redis lock with a short lease, renewed while the turn runs: a replica that dies
        mid-turn frees the session after `lock_lease_s`, one that lives keeps it as long as needed."""
        lk = self.r.lock(self._k("lock", session_id), timeout=self.lock_lease_s, sleep=0.05,
                         blocking_timeout=self.lock_wait_s, thread_local=False)
        if not _translated(lk.acquire)():
            raise Conflict("another turn of this session is still running: try again when it has finished")
        stop = threading.Event()

        def renew() -> None:
            while not stop.wait(self.lock_lease_s / 3):
                try:
                    lk.reacquire()
                except redis.exceptions.RedisError as exc:
                    log.warning("lost the turn lock of a session: %s", exc)
                    return

        threading.Thread(target=renew, daemon=True, name="imgedit-lock-renew").start()
        try:
            yield
        finally:
            stop.set()
            with contextlib.suppress(redis.exceptions.RedisError):
                lk.release()

    @_translated
    def admit(self, key: str, per_minute: int) -> float:
        return float(self._admit(keys=[self._k("rate", key)], args=[WINDOW_S, per_minute, new_id(8)]))

    # Sessions ------------------------------------------------------------------------------------
    @staticmethod
    def _session(h: dict[str, str]) -> Session:
        return Session(h["id"], h["client"], float(h["created"]), float(h["updated"]), h.get("current") or None,
                       h.get("profile", ""), h.get("title", ""), json.loads(h.get("data") or "{}"))

    @_translated
    def create_session(self, client: str) -> Session:
        now = time.time()
        session = Session(new_id(), client, now, now)
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(self._k("session", session.id), mapping={
            "id": session.id, "client": client, "created": now, "updated": now, "current": "", "profile": "",
            "title": "", "data": "{}"})
        pipe.zadd(self._k("client", client), {session.id: now})
        pipe.zadd(self._k("updated"), {session.id: now})
        pipe.execute()
        return session

    @_translated
    def get_session(self, session_id: str) -> Session:
        h = self.r.hgetall(self._k("session", session_id))
        if not h:
            raise SessionNotFound(f"no session {session_id!r}: it never existed, expired or belongs to someone else")
        return self._session(h)

    @_translated
    def list_sessions(self, client: str) -> list[Session]:
        ids = self.r.zrevrange(self._k("client", client), 0, -1)
        pipe = self.r.pipeline(transaction=False)
        for sid in ids:
            pipe.hgetall(self._k("session", sid))
        return [self._session(h) for h in pipe.execute() if h]

    @_translated
    def count_sessions(self, client: str) -> int:
        return int(self.r.zcard(self._k("client", client)))

    @_translated
    def update_session(self, session_id: str, **fields: Any) -> Session:
        allowed = {"profile", "title", "data"}
        if not set(fields) <= allowed:
            raise ValueError(f"cannot update {set(fields) - allowed}")
        key = self._k("session", session_id)

        def txn(pipe: redis.client.Pipeline) -> None:
            client = pipe.hget(key, "client")
            if client is None:
                raise SessionNotFound(f"no session {session_id!r}")
            now = time.time()
            pipe.multi()
            pipe.hset(key, mapping={**{k: json.dumps(v) if k == "data" else v for k, v in fields.items()}, "updated": now})
            pipe.zadd(self._k("client", client), {session_id: now})
            pipe.zadd(self._k("updated"), {session_id: now})

        self.r.transaction(txn, key)
        return self.get_session(session_id)

    @_translated
    def delete_session(self, session_id: str) -> None:
        key = self._k("session", session_id)

        def txn(pipe: redis.client.Pipeline) -> None:
            client = pipe.hget(key, "client")
            pipe.multi()
            pipe.delete(key, *(self._k(kind, session_id) for kind in ("nodes", "brief", "tree", "kids", "messages")))
            if client is not None:
                pipe.zrem(self._k("client", client), session_id)
            pipe.zrem(self._k("updated"), session_id)

        self.r.transaction(txn, key)

    # Nodes and messages ----------------------------------------------------------------------------
    @_translated
    def nodes(self, session_id: str) -> list[Node]:
        return sorted((Node(**json.loads(v)) for v in self.r.hvals(self._k("nodes", session_id))), key=lambda n: n.seq)

    @_translated
    def get_node(self, session_id: str, node_id: str) -> Node:
        raw = self.r.hget(self._k("nodes", session_id), node_id)
        if raw is None:
            raise NodeNotFound(f"no node {node_id!r} in this session")
        return Node(**json.loads(raw))

    @_translated
    def ancestors(self, session_id: str, node_id: str, limit: int) -> list[NodeBrief]:
        raw = self._ancestors(keys=[self._k("brief", session_id)], args=[node_id, limit])
        return [NodeBrief(**json.loads(v)) for v in reversed(raw)]

    @_translated
    def children(self, session_id: str, node_id: str) -> list[Node]:
        ids = (self.r.hget(self._k("kids", session_id), node_id) or "").split()
        raw = self.r.hmget(self._k("nodes", session_id), ids) if ids else []
        return [Node(**json.loads(v)) for v in raw if v]

    @_translated
    def tree(self, session_id: str, limit: int, before: int | None = None) -> list[NodeBrief]:
        top = "+inf" if before is None else f"({before}"
        raw = self._tree(keys=[self._k("tree", session_id), self._k("brief", session_id)], args=[top, limit])
        return [NodeBrief(**json.loads(v)) for v in reversed(raw) if v]

    @_translated
    def messages(self, session_id: str) -> list[Message]:
        return [Message(**json.loads(v)) for v in self.r.lrange(self._k("messages", session_id), 0, -1)]

    @_translated
    def recent_messages(self, session_id: str, limit: int, before: int | None = None) -> list[Message]:
        key = self._k("messages", session_id)
        if before is None:  # counted from the end: Redis walks a long list from its nearer end
            raw = self.r.lrange(key, -limit, -1) if limit > 0 else []
        else:  # seq = position + 1, so the messages below `before` end at position before - 2
            end = min(before - 2, self.r.llen(key) - 1)
            raw = self.r.lrange(key, max(0, end - limit + 1), end) if end >= 0 and limit > 0 else []
        return [Message(**json.loads(v)) for v in raw]

    @_translated
    def set_labelmap(self, session_id: str, node_id: str, labelmap: str) -> None:
        nkey = self._k("nodes", session_id)

        def txn(pipe: redis.client.Pipeline) -> None:
            raw = pipe.hget(nkey, node_id)
            if raw is None:
                raise NodeNotFound(f"no node {node_id!r} in this session")
            node = Node(**json.loads(raw))
            node.labelmap = labelmap
            pipe.multi()
            pipe.hset(nkey, node_id, _dumps(node))

        self.r.transaction(txn, nkey)

    @_translated
    def commit_turn(self, session_id: str, nodes: list[Node], messages: list[Message], current: str | None,
                    expect_current: Any = ...) -> None:
        skey, nkey, mkey = self._k("session", session_id), self._k("nodes", session_id), self._k("messages", session_id)
        kkey = self._k("kids", session_id)
        new = {n.id: n for n in nodes}

        def txn(pipe: redis.client.Pipeline) -> None:
            client, stored = pipe.hmget(skey, "client", "current")
            if client is None:
                raise SessionNotFound(f"no session {session_id!r}")
            if expect_current is not ... and (stored or None) != expect_current:
                raise Conflict("the session changed while this turn ran; please try again")
            now = time.time()
            visited = None
            if current is not None and current not in new:
                raw = pipe.hget(nkey, current)
                if raw is None:
                    raise NodeNotFound(f"no node {current!r} in this session")
                visited = Node(**json.loads(raw))
                visited.visited = now
            seq, mseq = pipe.hlen(nkey), pipe.llen(mkey)  # nodes and messages are never removed one by one
            for n in nodes:
                seq += 1
                n.seq = seq
            for m in messages:
                mseq += 1
                m.seq = mseq
            if current in new:
                new[current].visited = now
            kids = {n.parent: (pipe.hget(kkey, n.parent) or "").split() for n in nodes if n.parent and n.parent not in new}
            pipe.multi()
            if nodes or visited:
                pipe.hset(nkey, mapping={n.id: _dumps(n) for n in [*nodes, *([visited] if visited else [])]})
            self._index(pipe, session_id, nodes, kids)
            if messages:
                pipe.rpush(mkey, *map(_dumps, messages))
            pipe.hset(skey, mapping={"current": current or stored or "", "updated": now})
            pipe.zadd(self._k("client", client), {session_id: now})
            pipe.zadd(self._k("updated"), {session_id: now})

        self.r.transaction(txn, skey, nkey, mkey)

    def _index(self, pipe: redis.client.Pipeline, session_id: str, nodes: list[Node], kids: dict[str, list[str]]) -> None:
        """Queue the compact records, seq order and children lists of new `nodes`; `kids` holds the
        stored children of their parents outside `nodes`."""
        if not nodes:
            return
        for n in nodes:
            if n.parent:
                kids.setdefault(n.parent, []).append(n.id)
        pipe.hset(self._k("brief", session_id), mapping={n.id: _dumps(n.brief()) for n in nodes})
        pipe.zadd(self._k("tree", session_id), {n.id: n.seq for n in nodes})
        if kids:
            pipe.hset(self._k("kids", session_id), mapping={p: " ".join(ids) for p, ids in kids.items()})

    @_translated
    def expired(self, idle_seconds: float) -> list[str]:
        return list(self.r.zrangebyscore(self._k("updated"), "-inf", f"({time.time() - idle_seconds}"))

    @_translated
    def referenced_blobs(self) -> set[str]:
        keys: set[str] = set()
        for nkey in self.r.scan_iter(match=self._k("nodes", "*"), count=500):
            for raw in self.r.hvals(nkey):
                node = json.loads(raw)
                keys.update(k for k in (node["image"], node["labelmap"], node["mask"]) if k)
                keys.update(node["info"].get("blobs", []))
        for skey in self.r.scan_iter(match=self._k("session", "*"), count=500):
            keys.update(json.loads(self.r.hget(skey, "data") or "{}").get("blobs", []))
        return keys
