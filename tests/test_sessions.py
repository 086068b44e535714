import sqlite3

import pytest

from lib_imgedit.blobs import BlobStore
from lib_imgedit.errors import Conflict, NodeNotFound, NotFound, SessionNotFound
from lib_imgedit.sessions import SQLiteSessionStore


@pytest.fixture
def store(tmp_path):
    s = SQLiteSessionStore(tmp_path / "s.db")
    yield s
    s.close()


def test_ids_are_random_128_bit(store):
    ids = {store.create_session("c").id for _ in range(50)}
    assert len(ids) == 50 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_wal_mode_and_migrations_recorded(tmp_path, store):
    conn = sqlite3.connect(tmp_path / "s.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1


def test_turn_commit_and_reload_after_reopen(tmp_path, store):
    s = store.create_session("alice")
    root = store.new_node(s.id, parent=None, image="a" * 64 + ".png", labelmap=None, kind="upload")
    msg = store.new_message(s.id, "user", "hello", data={"x": "是"})
    store.commit_turn(s.id, [root], [msg], root.id)
    child = store.new_node(s.id, parent=root.id, image="b" * 64 + ".png", labelmap=None, instruction={"operation": "adjust"})
    store.commit_turn(s.id, [child], [store.new_message(s.id, "assistant", "done", node=child.id)], child.id)
    store.close()
    again = SQLiteSessionStore(tmp_path / "s.db")
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
