"""The session store contract, run against every store: SQLite (default) and Redis (real redis-server)."""

import sqlite3
import threading
import time

import pytest

from lib_imgedit.core.blobs import BlobStore
from lib_imgedit.core.errors import Conflict, NodeNotFound, NotFound, SessionNotFound
from lib_imgedit.store import TREE_FIELDS, SQLiteSessionStore
from lib_imgedit.store.sqlite import MIGRATIONS


@pytest.fixture(params=["sqlite", "redis"])
def store_factory(request, tmp_path):
    """Opens the store under test; each call is another process on the same data (a restart, a replica)."""
    if request.param == "redis":
        from lib_imgedit.store.redis import RedisSessionStore

        url = request.getfixturevalue("redis_url")
        make = lambda: RedisSessionStore(url)  # noqa: E731
    else:
        make = lambda: SQLiteSessionStore(tmp_path / "s.db")  # noqa: E731
    opened = []

    def opener():
        opened.append(make())
        return opened[-1]

    yield opener
    for s in opened:
        s.close()


@pytest.fixture
def store(store_factory):
    return store_factory()


def test_ids_are_random_128_bit(store):
    ids = {store.create_session("c").id for _ in range(50)}
    assert len(ids) == 50 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_wal_mode_and_migrations_recorded(tmp_path):
    """A database of the first schema is migrated in place: the turn's reads get their indexes."""
    conn = sqlite3.connect(tmp_path / "s.db")
    conn.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    conn.execute("INSERT INTO sessions (id, client, created, updated) VALUES ('a', 'c', 0, 0)")
    conn.commit()
    conn.close()
    SQLiteSessionStore(tmp_path / "s.db").close()
    conn = sqlite3.connect(tmp_path / "s.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 2
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"nodes_parent", "nodes_seq", "messages_seq"} <= indexes
    assert conn.execute("SELECT client FROM sessions").fetchall() == [("c",)]


def test_turn_commit_and_reload_after_reopen(store_factory):
    store = store_factory()
    s = store.create_session("alice")
    root = store.new_node(s.id, parent=None, image="a" * 64 + ".png", labelmap=None, kind="upload")
    msg = store.new_message(s.id, "user", "hello", data={"x": "是"})
    store.commit_turn(s.id, [root], [msg], root.id)
    child = store.new_node(s.id, parent=root.id, image="b" * 64 + ".png", labelmap=None, instruction={"operation": "adjust"})
    store.commit_turn(s.id, [child], [store.new_message(s.id, "assistant", "done", node=child.id)], child.id)
    again = store_factory()
    sess = again.get_session(s.id)
    assert sess.current == child.id and sess.client == "alice"
    assert [n.id for n in again.nodes(s.id)] == [root.id, child.id]
    assert [m.text for m in again.messages(s.id)] == ["hello", "done"]
    assert again.messages(s.id)[0].data == {"x": "是"}
    assert again.get_node(s.id, child.id).instruction == {"operation": "adjust"}


def test_commit_is_all_or_nothing(store):
    s = store.create_session("c")
    root = store.new_node(s.id, parent=None, image="a" * 64 + ".png", labelmap=None)
    with pytest.raises(NodeNotFound):
        store.commit_turn(s.id, [root], [store.new_message(s.id, "user", "x")], "0" * 16)
    assert store.nodes(s.id) == [] and store.messages(s.id) == [] and store.get_session(s.id).current is None


def test_expect_current_detects_a_concurrent_writer(store):
    s = store.create_session("c")
    root = store.new_node(s.id, parent=None, image="a" * 64 + ".png", labelmap=None)
    store.commit_turn(s.id, [root], [], root.id, expect_current=None)
    other = store.new_node(s.id, parent=None, image="a" * 64 + ".png", labelmap=None)
    with pytest.raises(Conflict):
        store.commit_turn(s.id, [other], [], other.id, expect_current=None)


def test_clients_and_missing_sessions(store):
    a = store.create_session("a")
    store.create_session("b")
    assert [s.id for s in store.list_sessions("a")] == [a.id] and store.count_sessions("b") == 1
    with pytest.raises(SessionNotFound):
        store.get_session("f" * 32)
    store.delete_session(a.id)
    with pytest.raises(SessionNotFound):
        store.get_session(a.id)


def test_blobs_are_content_addressed(tmp_path):
    blobs = BlobStore(tmp_path / "b")
    k1, k2 = blobs.put(b"abc", "png"), blobs.put(b"abc", "png")
    assert k1 == k2 and blobs.get(k1) == b"abc" and len(list(blobs.keys())) == 1
    for bad in ("../etc/passwd", "x" * 64 + ".png", k1.replace(".png", ".exe")):
        with pytest.raises(NotFound):
            blobs.get(bad)
    assert blobs.delete_unreferenced({k1}, min_age_s=0) == 0
    assert blobs.delete_unreferenced(set(), min_age_s=0) == 1 and not blobs.exists(k1)


def _root(store, sid, image="a" * 64 + ".png"):
    return store.new_node(sid, parent=None, image=image, labelmap=None, kind="upload")


def test_update_list_order_and_data_round_trip(store):
    a, b = store.create_session("c"), store.create_session("c")
    time.sleep(0.01)
    store.update_session(a.id, title="first", profile="p1", data={"pending": {"text": "把背景虚化"}, "blobs": ["x"]})
    got = store.get_session(a.id)
    assert (got.title, got.profile, got.data) == ("first", "p1", {"pending": {"text": "把背景虚化"}, "blobs": ["x"]})
    assert [s.id for s in store.list_sessions("c")] == [a.id, b.id]  # most recently updated first
    with pytest.raises(SessionNotFound):
        store.update_session("0" * 32, title="x")


def test_commit_moves_current_and_marks_visited(store):
    s = store.create_session("c")
    root = _root(store, s.id)
    store.commit_turn(s.id, [root], [], root.id)
    child = store.new_node(s.id, parent=root.id, image="b" * 64 + ".png", labelmap=None)
    store.commit_turn(s.id, [child], [], child.id, expect_current=root.id)
    before = store.get_node(s.id, root.id).visited
    time.sleep(0.01)
    store.commit_turn(s.id, [], [store.new_message(s.id, "assistant", "undone")], root.id, expect_current=child.id)
    assert store.get_session(s.id).current == root.id and store.get_node(s.id, root.id).visited > before
    assert [n.seq for n in store.nodes(s.id)] == [1, 2] and [m.seq for m in store.messages(s.id)] == [1]
    store.commit_turn(s.id, [], [store.new_message(s.id, "assistant", "a question")], None)
    assert store.get_session(s.id).current == root.id  # None keeps the pointer


def test_expired_and_referenced_blobs(store):
    old, fresh = store.create_session("c"), store.create_session("c")
    node = store.new_node(old.id, parent=None, image="a" * 64 + ".png", labelmap="b" * 64 + ".npz",
                          mask="c" * 64 + ".png", info={"blobs": ["d" * 64 + ".png"]})
    store.commit_turn(old.id, [node], [], node.id)
    store.update_session(fresh.id, data={"blobs": ["e" * 64 + ".png"]})
    assert store.referenced_blobs() == {k * 64 + ext for k, ext in zip("abcde", (".png", ".npz", ".png", ".png", ".png"), strict=True)}
    time.sleep(0.3)
    store.update_session(fresh.id, title="touched")
    assert store.expired(0.2) == [old.id]
    store.delete_session(old.id)
    assert store.expired(0.2) == [] and store.count_sessions("c") == 1
    assert store.referenced_blobs() == {"e" * 64 + ".png"}


def test_concurrent_commits_one_wins(store_factory):
    """Two processes commit a turn on the same base at once: exactly one is applied, the other is a
    Conflict and leaves no trace."""
    first, second = store_factory(), store_factory()
    s = first.create_session("c")
    root = _root(first, s.id)
    first.commit_turn(s.id, [root], [], root.id)
    results = []
    barrier = threading.Barrier(8)

    def turn(store):
        node = store.new_node(s.id, parent=root.id, image="b" * 64 + ".png", labelmap=None)
        msg = store.new_message(s.id, "assistant", node.id, node=node.id)
        barrier.wait()
        try:
            store.commit_turn(s.id, [node], [msg], node.id, expect_current=root.id)
            results.append(node.id)
        except Conflict:
            results.append(None)

    threads = [threading.Thread(target=turn, args=(st,)) for st in (first, second) * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [r for r in results if r]
    assert len(winners) == 1 and len(results) == 8
    assert [n.id for n in first.nodes(s.id)] == [root.id, winners[0]]
    assert [m.text for m in second.messages(s.id)] == winners and first.get_session(s.id).current == winners[0]


def test_lock_serialises_turns_of_one_session(store_factory):
    """Turns of one session never overlap; on Redis the lock holds across store instances (replicas)."""
    stores = [store_factory(), store_factory()]
    if isinstance(stores[0], SQLiteSessionStore):
        stores = [stores[0], stores[0]]  # SQLite serves one process: its lock is the process's
    sid = stores[0].create_session("c").id
    events = []

    def turn(store, name):
        with store.lock(sid):
            events.append(f"{name} start")
            time.sleep(0.15)
            events.append(f"{name} end")

    threads = [threading.Thread(target=turn, args=(st, i)) for i, st in enumerate(stores * 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(events) == 8
    assert all(events[i].split()[0] == events[i + 1].split()[0] for i in range(0, 8, 2)), events
    other = stores[0].create_session("c").id
    with stores[0].lock(sid), stores[1].lock(other):  # other sessions are not blocked
        pass


def test_lock_wait_is_bounded(store):
    sid = store.create_session("c").id
    store.lock_wait_s = 0.2
    held = threading.Event()
    release = threading.Event()

    def holder():
        with store.lock(sid):
            held.set()
            release.wait(5)

    t = threading.Thread(target=holder)
    t.start()
    held.wait(5)
    with pytest.raises(Conflict, match="still running"):
        with store.lock(sid):
            pass
    release.set()
    t.join()
    with store.lock(sid):
        pass


def test_turn_window_counts_per_client(store_factory):
    a, b = store_factory(), store_factory()
    assert [a.admit("ann", 3) for _ in range(3)] == [0, 0, 0]
    wait = a.admit("ann", 3)
    assert 59 < wait <= 60
    if isinstance(a, SQLiteSessionStore):
        assert b.admit("ann", 3) == 0  # process-local: a second process counts its own turns
    else:
        assert 59 < b.admit("ann", 3) <= 60  # shared by every replica
    assert a.admit("bob", 3) == 0


def test_blob_sweep_spares_young_files_and_clears_crash_leftovers(tmp_path):
    import os

    blobs = BlobStore(tmp_path / "b")
    key = blobs.put(b"abc", "png")
    path = blobs.root / key[:2] / key
    leftover = path.parent / ".tmp-killed-mid-write"
    leftover.write_bytes(b"half a png")
    hour_ago = time.time() - 7200
    for p in (path, leftover):
        os.utime(p, (hour_ago, hour_ago))
    assert blobs.put(b"abc", "png") == key  # writing it again makes it young: a turn is about to use it
    assert blobs.delete_unreferenced(set()) == 1 and blobs.exists(key) and not leftover.exists()
    os.utime(path, (hour_ago, hour_ago))
    assert blobs.delete_unreferenced(set()) == 1 and not blobs.exists(key)


def test_bounded_reads(store):
    """The reads a turn makes: a branch window, children, a tree page and a message page."""
    s = store.create_session("c")
    root = _root(store, s.id)
    store.commit_turn(s.id, [root], [], root.id)
    made = {"root": root}
    for name, parent in (("a", "root"), ("b", "a"), ("c", "b"), ("d", "root")):
        node = store.new_node(s.id, parent=made[parent].id, image="b" * 64 + ".png", labelmap=None,
                              instruction={"operation": "adjust", "note": name}, suggestions=[{"text": "big"}])
        store.commit_turn(s.id, [node], [store.new_message(s.id, "user", name), store.new_message(s.id, "assistant", name)],
                          node.id)
        made[name] = node
    ids = {k: n.id for k, n in made.items()}

    def names(nodes):
        return [next(k for k, v in ids.items() if v == n.id) for n in nodes]

    assert names(store.ancestors(s.id, ids["c"], 10)) == ["root", "a", "b", "c"]
    assert names(store.ancestors(s.id, ids["c"], 2)) == ["b", "c"]
    assert names(store.ancestors(s.id, ids["root"], 5)) == ["root"]
    assert store.ancestors(s.id, "0" * 16, 5) == []
    assert store.ancestors(s.id, ids["c"], 3)[-1] == made["c"].brief()  # compact: no suggestions
    assert names(store.children(s.id, ids["root"])) == ["a", "d"] and store.children(s.id, ids["c"]) == []
    page = store.tree(s.id, 2)
    assert names(page) == ["c", "d"] and page[0] == made["c"].brief() and page[0].instruction["note"] == "c"
    assert names(store.tree(s.id, 10, before=3)) == ["root", "a"] and store.tree(s.id, 10, before=1) == []
    assert [m.seq for m in store.recent_messages(s.id, 3)] == [6, 7, 8]
    assert [m.text for m in store.recent_messages(s.id, 10, before=3)] == ["a", "a"]
    assert store.recent_messages(s.id, 5, before=1) == [] and len(store.recent_messages(s.id, 100)) == 8
    assert store.recent_messages(s.id, 2, before=100) == store.messages(s.id)[-2:]


@pytest.mark.parametrize("store_name", ["sqlite", "redis"])
def test_session_view_pages_every_message_and_node_exactly_once(settings, store_name, request):
    from fastapi.testclient import TestClient
    from test_store_cost import grow, png

    from lib_imgedit.app.standalone import create_app
    from lib_imgedit.engine.service import EditService

    overrides = {"executors": "local", "turns_per_minute": 1000}
    if store_name == "redis":
        overrides |= {"store": "redis", "redis_url": request.getfixturevalue("redis_url")}
    service = EditService(settings.update(overrides))
    client = TestClient(create_app(service, with_ui=False))
    api = "/sdapi/v1/imgedit/sessions"
    sid = client.post(api).json()["session_id"]
    client.post(f"{api}/{sid}/image", json={"image": __import__("base64").b64encode(png()).decode()})
    for text in ("a bit brighter", "a bit darker", "undo", "a bit darker"):
        assert client.post(f"{api}/{sid}/message", json={"text": text}).status_code == 200
    grow(service.store, sid, 40)
    everything = [m.id for m in service.store.messages(sid)]
    nodes = [n.id for n in service.store.nodes(sid)]
    assert len(everything) == 10 + 2 * 38 and len(nodes) == 4 + 38  # the branch is 3 long after the undo
    def walk(limit: int, key: str, name: str) -> list[str]:
        """Every page from the latest back, following the `<name>_before` cursor."""
        seen: list[str] = []
        params: dict = {"limit": limit, "node_limit": limit}
        while True:
            view = client.get(f"{api}/{sid}", params=params).json()
            assert len(view[key]) <= limit
            seen = [item["id"] for item in view[key]] + seen
            if view[f"{key}_before"] is None:
                return seen
            params[name] = view[f"{key}_before"]

    for limit in (1, 7, 50, 200):
        assert walk(limit, "messages", "before") == everything  # every one, once, in order
        assert walk(limit, "nodes", "node_before") == nodes
    view = client.get(f"{api}/{sid}").json()  # the defaults: the latest 50 messages and 100 nodes
    assert [m["id"] for m in view["messages"]] == everything[-50:] and view["messages_before"] == len(everything) - 49
    assert [n["id"] for n in view["nodes"]] == nodes and view["nodes_before"] is None
    assert set(view["nodes"][0]) == set(TREE_FIELDS) and view["suggestions"] == service.store.get_node(sid, view["current"]).suggestions
    for bad in ({"limit": 0}, {"limit": 201}, {"node_limit": 1001}, {"before": 0}):
        r = client.get(f"{api}/{sid}", params=bad)
        assert r.status_code == 400 and next(iter(bad)) in r.json()["message"]
    assert client.get(f"{api}/{sid}", params={"before": "x"}).status_code == 422
