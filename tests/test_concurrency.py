"""50 clients at once against a real standalone server on 127.0.0.1, each with its own session:
no errors, no session sees another's data, and two messages sent at once to one session are
applied one after the other."""

from __future__ import annotations

import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import requests
from helpers import b64png
from PIL import Image
from servers import Server

CLIENTS = 50
pytestmark = pytest.mark.slow


def picture(i: int) -> np.ndarray:
    """A 48x48 picture only client `i` has: its number in the red channel, a gradient in blue."""
    img = np.zeros((48, 48, 3), np.uint8)
    img[..., 0] = 4 * i + 20
    img[..., 2] = np.linspace(0, 200, 48, dtype=np.uint8)[None, :]
    return img


def png_array(content: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(content)).convert("RGB"))


def one_client(server: Server, i: int, start: threading.Barrier) -> dict:
    http = requests.Session()
    http.headers["X-Imgedit-Client"] = f"client-{i}-secret-token"
    api, timeout = server.api(), 120
    start.wait()
    sid = http.post(f"{api}/sessions", timeout=timeout).json()["session_id"]
    up = http.post(f"{api}/sessions/{sid}/image", json={"image": b64png(picture(i))}, timeout=timeout)
    assert up.status_code == 200, up.text
    # two messages at once to the same session: they must queue, not interleave
    texts = ["make it brighter", "turn it black and white"]
    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(lambda t: http.post(f"{api}/sessions/{sid}/message", json={"text": t}, timeout=timeout), texts))
    assert [r.status_code for r in replies] == [200, 200], [r.text for r in replies]
    return {"sid": sid, "upload": up.json()["node_id"], "view": http.get(f"{api}/sessions/{sid}", timeout=timeout).json(),
            "listed": [s["session_id"] for s in http.get(f"{api}/sessions", timeout=timeout).json()["sessions"]],
            "root_png": http.get(f"{api}/sessions/{sid}/nodes/{up.json()['node_id']}/image", timeout=timeout).content}


@pytest.mark.parametrize("store", ["sqlite", "redis"])
def test_fifty_clients_at_once(tmp_path, store, request):
    flags = ("--store", "redis", "--redis-url", request.getfixturevalue("redis_url")) if store == "redis" else ()
    with Server(tmp_path / "data", "--api-only", *flags) as server:
        start = threading.Barrier(CLIENTS)
        began = time.time()
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(lambda i: one_client(server, i, start), range(CLIENTS)))
        assert time.time() - began < 240
        sids = [r["sid"] for r in results]
        assert len(set(sids)) == CLIENTS
        for i, r in enumerate(results):
            view = r["view"]
            assert r["listed"] == [r["sid"]], "a client lists only its own session"
            assert (png_array(r["root_png"]) == picture(i)).all(), "each session holds its own picture"
            # serialised: upload, then one edit on top of the other, messages in matching pairs
            nodes = view["nodes"]
            assert [n["kind"] for n in nodes] == ["upload", "edit", "edit"]
            assert nodes[1]["parent"] == nodes[0]["id"] and nodes[2]["parent"] == nodes[1]["id"]
            assert view["current"] == nodes[2]["id"]
            msgs = view["messages"]
            assert [m["role"] for m in msgs] == ["user", "assistant"] * 3
            assert [m["node"] for m in msgs] == [nodes[0]["id"]] * 3 + [nodes[1]["id"]] * 2 + [nodes[2]["id"]]
            assert {msgs[2]["text"], msgs[4]["text"]} == {"make it brighter", "turn it black and white"}
        # nobody reaches anyone else's session
        other = requests.get(server.api(f"/sessions/{sids[1]}"), headers={"X-Imgedit-Client": "client-0-secret-token"})
        assert other.status_code == 404
        assert server.proc.poll() is None and "Traceback" not in server.output()


def anonymous_client(server: Server, i: int, start: threading.Barrier) -> list[int]:
    """A client with no sign-in and no token: a session, a picture, one edit; the statuses it got."""
    api, timeout = server.api(), 120
    start.wait()
    created = requests.post(f"{api}/sessions", timeout=timeout)
    if created.status_code != 200:
        return [created.status_code]
    sid = created.json()["session_id"]
    up = requests.post(f"{api}/sessions/{sid}/image", json={"image": b64png(picture(i))}, timeout=timeout)
    edit = requests.post(f"{api}/sessions/{sid}/message", json={"text": "a bit brighter"}, timeout=timeout)
    return [created.status_code, up.status_code, edit.status_code]


def test_fifty_anonymous_clients_from_one_address_then_a_flood(tmp_path):
    """Default limits: 50 anonymous clients at once from one address (a team behind one NAT) all get
    their edits; one client flooding one session, or opening sessions in a loop, gets 429."""
    with Server(tmp_path / "data", "--api-only") as server:
        start = threading.Barrier(CLIENTS)
        began = time.time()
        with ThreadPoolExecutor(CLIENTS) as pool:
            statuses = list(pool.map(lambda i: anonymous_client(server, i, start), range(CLIENTS)))
        assert time.time() - began < 240
        assert statuses == [[200, 200, 200]] * CLIENTS, statuses

        api = server.api()
        sid = requests.post(f"{api}/sessions", timeout=30).json()["session_id"]
        assert requests.post(f"{api}/sessions/{sid}/image", json={"image": b64png(picture(0))}, timeout=30).status_code == 200
        flood = [requests.post(f"{api}/sessions/{sid}/undo", timeout=30) for _ in range(60)]
        codes = [r.status_code for r in flood]
        assert codes[:59] == [200] * 59 and codes[59] == 429, codes  # the upload was the first of 60 a minute
        assert 1 <= int(flood[-1].headers["retry-after"]) <= 60 and "this session" in flood[-1].json()["message"]

        created = [requests.post(f"{api}/sessions", timeout=30) for _ in range(120)]
        codes = [r.status_code for r in created]
        assert 429 in codes and codes.index(429) == 120 - CLIENTS - 1, codes  # 120 new sessions a minute
        assert int(created[-1].headers["retry-after"]) >= 1
        assert server.proc.poll() is None and "Traceback" not in server.output()
