"""Session store cost per turn, SQLite and Redis side by side.

Per turn: the write (`commit_turn`: one node, two messages, the pointer, checked against the pointer
read before), the reads a turn does (session, current node, the last 12 messages, 24 nodes of its
branch), the bookkeeping of a turn (turn lock + rate-limit count) and the size a turn adds (SQLite
file, Redis memory). Times are printed
as ratios to a baseline measured in the same run: encoding and decoding one turn's records as JSON,
which every store must do anyway. Redis is a private `redis-server` on 127.0.0.1 (skipped if absent).

    .venv/bin/python bench/store_ops.py [--turns 400]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from servers import REDIS_SERVER, RedisServer  # noqa: E402

from lib_imgedit.store import SessionStore, SQLiteSessionStore  # noqa: E402

SESSIONS = 20
INSTRUCTION = {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}, "reply": "Blurring the background."}


def per_call(fn: Callable[[int], object], n: int) -> float:
    """Mean seconds per call of fn(i) for i in range(n), after 10 warm-up calls."""
    for i in range(10):
        fn(i)
    start = time.perf_counter()
    for i in range(n):
        fn(i)
    return (time.perf_counter() - start) / n


def turn_records(store: SessionStore, sid: str, parent: str | None):
    node = store.new_node(sid, parent=parent, image="a" * 64 + ".png", labelmap="b" * 64 + ".npz", instruction=INSTRUCTION,
                          executor="local", info={"seconds": 0.05, "planner": "offline"},
                          suggestions=[{"text": "make it brighter", "instruction": INSTRUCTION}] * 3)
    msgs = [store.new_message(sid, "user", "blur the background", node=parent, data={"instruction": INSTRUCTION}),
            store.new_message(sid, "assistant", "Blurring the background.", node=node.id, data={"executor": "local"})]
    return node, msgs


def measure(store: SessionStore, turns: int, size: Callable[[], int]) -> dict[str, float]:
    sids = [store.create_session(f"client-{i}").id for i in range(SESSIONS)]
    current: dict[str, str | None] = dict.fromkeys(sids)
    before = size()

    def write(i: int) -> None:
        sid = sids[i % SESSIONS]
        node, msgs = turn_records(store, sid, current[sid])
        store.commit_turn(sid, [node], msgs, node.id, expect_current=current[sid])
        current[sid] = node.id

    def read(i: int) -> None:
        session = store.get_session(sids[i % SESSIONS])
        store.get_node(session.id, session.current)
        store.recent_messages(session.id, 12)
        store.ancestors(session.id, session.current, 24)

    def bookkeeping(i: int) -> None:
        with store.lock(sids[i % SESSIONS]):
            store.admit(f"client-{i % SESSIONS}", 10**9)

    out = {"write": per_call(write, turns)}
    out["bytes"] = (size() - before) / (turns + 10)
    out["read"] = per_call(read, turns)
    out["bookkeeping"] = per_call(bookkeeping, turns)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=400)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="imgedit-bench-"))

    probe = SQLiteSessionStore(tmp / "probe.db")
    sid = probe.create_session("c").id
    node, msgs = turn_records(probe, sid, None)
    records = [node.to_dict()] + [m.to_dict() for m in msgs]
    baseline = per_call(lambda i: [json.loads(json.dumps(r)) for r in records], args.turns * 5)

    results = {}
    sqlite = SQLiteSessionStore(tmp / "sessions.db")

    def sqlite_size() -> int:
        sqlite._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return (tmp / "sessions.db").stat().st_size

    results["SQLite (WAL, local file)"] = measure(sqlite, args.turns, sqlite_size)
    if REDIS_SERVER:
        server = RedisServer(tmp)
        try:
            from lib_imgedit.store.redis import RedisSessionStore

            store = RedisSessionStore(server.url)
            results["Redis (127.0.0.1)"] = measure(store, args.turns, lambda: int(store.r.info("memory")["used_memory"]))
            store.close()
        finally:
            server.stop()
    else:
        print("(redis-server not installed: Redis skipped)")

    print(f"{args.turns} turns over {SESSIONS} sessions; baseline (JSON encode+decode of one turn's records): "
          f"{baseline * 1e6:.1f} us\n")
    print("| store | write per turn | read per turn | lock + rate limit per turn | size per turn |")
    print("|---|---:|---:|---:|---:|")
    for name, r in results.items():
        cells = [f"{r[k] * 1e6:,.0f} us ({r[k] / baseline:.1f}x)" for k in ("write", "read", "bookkeeping")]
        print(f"| {name} | " + " | ".join(cells) + f" | {r['bytes'] / 1024:.1f} KB |")


if __name__ == "__main__":
    main()
