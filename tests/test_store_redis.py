"""The Redis store where it differs from SQLite: two app processes sharing one Redis (and one image
folder) serve one conversation; Redis out of memory or unreachable gives a clear error."""

from __future__ import annotations

import base64
import io
import threading

import pytest
import redis
import requests
from fastapi.testclient import TestClient
from PIL import Image
from servers import RedisServer, Server

from lib_imgedit.app.standalone import create_app
from lib_imgedit.core.errors import StoreUnavailable
from lib_imgedit.engine.service import EditService
from lib_imgedit.store.redis import RedisSessionStore

API = "/sdapi/v1/imgedit"


@pytest.fixture(scope="module")
def photo() -> str:
    from skimage import data

    buf = io.BytesIO()
    Image.fromarray(data.astronaut()[::4, ::4]).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


@pytest.mark.slow
def test_two_processes_share_one_conversation(tmp_path, redis_url, photo):
    flags = ("--api-only", "--store", "redis", "--redis-url", redis_url)
    with Server(tmp_path / "data", *flags) as a, Server(tmp_path / "data", *flags) as b:
        sid = requests.post(a.api("/sessions")).json()["session_id"]
        up = requests.post(b.api(f"/sessions/{sid}/image"), json={"image": photo}).json()
        first = requests.post(a.api(f"/sessions/{sid}/message"), json={"text": "make it brighter"}).json()
        second = requests.post(b.api(f"/sessions/{sid}/message"), json={"text": "blur the background"}).json()
        assert second["instruction"]["targets"] == ["background"]
        undone = requests.post(a.api(f"/sessions/{sid}/undo")).json()
        assert undone["node_id"] == first["node_id"]
        redone = requests.post(b.api(f"/sessions/{sid}/redo")).json()
        assert redone["node_id"] == second["node_id"]
        # the same message sent at once through both replicas: the Redis lock serialises them
        texts = ["make it darker", "turn it black and white"]
        replies = [None, None]

        def send(i, server):
            replies[i] = requests.post(server.api(f"/sessions/{sid}/message"), json={"text": texts[i]}, timeout=60)

        threads = [threading.Thread(target=send, args=(i, s)) for i, s in enumerate((a, b))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [r.status_code for r in replies] == [200, 200], [r.text for r in replies]
        view_a = requests.get(a.api(f"/sessions/{sid}")).json()
        assert view_a == requests.get(b.api(f"/sessions/{sid}")).json()
        nodes = view_a["nodes"]
        assert [n["parent"] for n in nodes] == [None, up["node_id"], first["node_id"], second["node_id"], nodes[3]["id"]]
        assert [m["role"] for m in view_a["messages"]] == ["user", "assistant"] * 7
        for node in nodes:  # images written by either process are readable through the other
            for server in (a, b):
                assert requests.get(server.api(f"/sessions/{sid}/nodes/{node['id']}/image")).status_code == 200
        assert requests.get(a.api("/sessions")).json() == requests.get(b.api("/sessions")).json()


def test_redis_out_of_memory_is_a_clear_error(settings, redis_url, photo):
    service = EditService(settings.update({"store": "redis", "redis_url": redis_url}))
    client = TestClient(create_app(service, with_ui=False))
    sid = client.post(f"{API}/sessions").json()["session_id"]
    assert client.post(f"{API}/sessions/{sid}/image", json={"image": photo}).status_code == 200
    before = client.get(f"{API}/sessions/{sid}").json()
    admin = redis.Redis.from_url(redis_url)
    admin.config_set("maxmemory-policy", "noeviction")
    # well below what is used: keys that expire meanwhile (locks) must not make room for the turn's writes
    admin.config_set("maxmemory", max(1, admin.info("memory")["used_memory"] // 2))
    try:
        r = client.post(f"{API}/sessions/{sid}/message", json={"text": "make it brighter"})
        assert r.status_code == 507 and "out of memory" in r.json()["message"]
        assert client.get(f"{API}/sessions/{sid}").json() == before
    finally:
        admin.config_set("maxmemory", 0)
    assert client.post(f"{API}/sessions/{sid}/message", json={"text": "make it brighter"}).status_code == 200


def test_redis_unreachable(settings, tmp_path, photo):
    with pytest.raises(StoreUnavailable, match="127.0.0.1:1") as info:
        RedisSessionStore("redis://:hunter2-password@127.0.0.1:1/0")
    assert "hunter2" not in info.value.message
    server = RedisServer(tmp_path)
    service = EditService(settings.update({"store": "redis", "redis_url": f"redis://:pw-in-url@127.0.0.1:{server.port}/0"}))
    client = TestClient(create_app(service, with_ui=False))
    assert client.get(f"{API}/config").json()["settings"]["redis_url"] == f"redis://127.0.0.1:{server.port}/0"
    sid = client.post(f"{API}/sessions").json()["session_id"]
    server.stop()
    for r in (client.post(f"{API}/sessions/{sid}/image", json={"image": photo}), client.get(f"{API}/sessions/{sid}"),
              client.post(f"{API}/sessions")):
        assert r.status_code == 503 and r.json()["error"] == "StoreUnavailable", r.text
        assert "cannot be reached" in r.json()["message"] and "pw-in-url" not in r.text


def test_an_older_layout_is_indexed_when_the_store_opens(redis_url):
    """Sessions written before `tree` and `kids` existed get them, so their turns stay bounded reads."""
    store = RedisSessionStore(redis_url)
    sid = store.create_session("c").id
    root = store.new_node(sid, parent=None, image="a" * 64 + ".png", labelmap=None, kind="upload")
    store.commit_turn(sid, [root], [], root.id)
    kids = [store.new_node(sid, parent=root.id, image="b" * 64 + ".png", labelmap=None) for _ in range(2)]
    for kid in kids:
        store.commit_turn(sid, [kid], [], kid.id)
    tree = store.tree(sid, 10)
    store.r.delete(*(store._k(k, sid) for k in ("brief", "tree", "kids")), store._k("schema"))  # as layout 1 left it
    assert store.children(sid, root.id) == [] and store.tree(sid, 10) == [] and store.ancestors(sid, kids[0].id, 5) == []
    again = RedisSessionStore(redis_url)
    assert [n.id for n in again.children(sid, root.id)] == [k.id for k in kids] and again.tree(sid, 10) == tree
    assert again.r.get(again._k("schema")) == "2"
    store.delete_session(sid)
    assert not again.r.keys(f"*{sid}*")  # every key of the session goes with it


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_a_node_gets_a_new_label_map_in_place(backend, request, settings):
    """The picture read again with more models ('download the models') keeps its node: no new step."""
    from lib_imgedit.core.errors import NodeNotFound
    from lib_imgedit.store import open_store

    store = RedisSessionStore(request.getfixturevalue("redis_url")) if backend == "redis" else open_store(settings)
    sid = store.create_session("c").id
    root = store.new_node(sid, parent=None, image="a" * 64 + ".png", labelmap="old.npz", kind="upload")
    store.commit_turn(sid, [root], [], root.id)
    store.set_labelmap(sid, root.id, "new.npz")
    assert store.get_node(sid, root.id).labelmap == "new.npz" and len(store.nodes(sid)) == 1
    assert "new.npz" in store.referenced_blobs() and "old.npz" not in store.referenced_blobs()
    with pytest.raises(NodeNotFound):
        store.set_labelmap(sid, "nope", "x.npz")
    store.delete_session(sid)
