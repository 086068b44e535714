"""A turn reads as much of the store at step 600 as at step 150, on both stores.

What is counted is the store's own work, not time: on SQLite the rows handed back and the virtual
machine steps of every statement (a scan of a session's nodes or messages shows up as steps), on
Redis the commands run (those inside scripts included) and the bytes sent back. The turn is the
whole round a client makes: a message with a local edit, undo, redo and the session view."""

from __future__ import annotations

import io
from contextlib import contextmanager
from typing import Iterator

import numpy as np
import pytest
from PIL import Image

from lib_imgedit.engine.service import EditService
from lib_imgedit.store import SessionStore, SQLiteSessionStore

CLIENT = "c"
SHORT, LONG = 150, 600  # both past every window a turn or the view reads (history, branch, pages)


def png(size: int = 16) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.full((size, size, 3), 120, np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture(params=["sqlite", "redis"])
def service(request, settings):
    overrides = {"executors": "local", "turns_per_minute": 10**6}
    if request.param == "redis":
        overrides |= {"store": "redis", "redis_url": request.getfixturevalue("redis_url")}
    return EditService(settings.update(overrides))


def grow(store: SessionStore, sid: str, length: int) -> None:
    """Extend the session's branch to `length` edits, written straight to the store (fast)."""
    session = store.get_session(sid)
    base = store.get_node(sid, session.current)
    have = len(store.ancestors(sid, base.id, length + 1))
    parent, nodes, msgs = base.id, [], []
    for i in range(length + 1 - have):
        node = store.new_node(sid, parent=parent, image=base.image, labelmap=base.labelmap, executor="local",
                              instruction={"operation": "adjust", "adjust": {"brightness": 0.1}}, suggestions=base.suggestions)
        msgs += [store.new_message(sid, "user", f"a bit brighter {i}", node=parent),
                 store.new_message(sid, "assistant", "Done.", node=node.id)]
        nodes.append(node)
        parent = node.id
    store.commit_turn(sid, nodes, msgs, parent)


@contextmanager
def sqlite_work(store: SQLiteSessionStore) -> Iterator[dict[str, int]]:
    counts = {"rows": 0, "steps": 0}
    conn, read = store._conn(), store._read

    def counted(sql: str, args: tuple = ()):
        rows = read(sql, args)
        counts["rows"] += len(rows)
        return rows

    def step() -> int:
        counts["steps"] += 1
        return 0

    store._read = counted  # type: ignore[method-assign]
    conn.set_progress_handler(step, 1)
    try:
        yield counts
    finally:
        conn.set_progress_handler(None, 1)
        del store._read


@contextmanager
def redis_work(store) -> Iterator[dict[str, int]]:
    counts: dict[str, int] = {}

    def totals() -> tuple[int, int]:
        stats = store.r.info("commandstats")
        calls = sum(v["calls"] for k, v in stats.items() if k not in ("cmdstat_info", "cmdstat_config"))
        return calls, store.r.info("stats")["total_net_output_bytes"]

    before = totals()
    yield counts
    after = totals()
    counts["commands"], counts["bytes"] = after[0] - before[0], after[1] - before[1]


def round_trip(service: EditService, sid: str) -> dict[str, int]:
    measure = sqlite_work if isinstance(service.store, SQLiteSessionStore) else redis_work
    with measure(service.store) as counts:
        service.message(sid, CLIENT, "a bit brighter")
        service.undo(sid, CLIENT)
        service.redo(sid, CLIENT)
        view = service.session_view(sid, CLIENT)
    assert len(view["messages"]) == 50 and len(view["nodes"]) == 100  # full pages: past the windows
    return counts


def test_store_reads_per_turn_do_not_grow_with_the_session(service):
    sid = service.create_session(CLIENT).id
    service.upload(sid, CLIENT, png())
    grow(service.store, sid, SHORT)
    short = round_trip(service, sid)
    grow(service.store, sid, LONG)
    long = round_trip(service, sid)
    assert all(v > 0 for v in short.values()), short
    for key in short:  # digits of larger seq numbers may add a few bytes; a scan would add thousands
        assert long[key] <= short[key] * 1.05 + 64, (key, short, long)
