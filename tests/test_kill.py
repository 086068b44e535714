"""SIGKILL in the middle of a turn (a real `serve` process): after a restart every earlier node and
message is there, and the interrupted turn is either whole or absent."""

from __future__ import annotations

import base64
import io
import random
import sqlite3
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import requests
from PIL import Image
from servers import Server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def photo() -> str:
    from skimage import data

    buf = io.BytesIO()
    Image.fromarray(data.astronaut()[::4, ::4]).save(buf, format="PNG")  # 128x128: quick turns
    return base64.b64encode(buf.getvalue()).decode()


def start(tmp_path: Path, *store_flags: str) -> Server:
    env = {"IMGEDIT_PLUGINS": "tests.plugins.hang", "IMGEDIT_TEST_HANG": str(tmp_path / "hang"),
           "IMGEDIT_TEST_LOCK_LEASE_S": "2"}
    return Server(tmp_path / "data", "--api-only", "--executors", "hang,local", *store_flags, env=env)


def history(server: Server, photo: str) -> tuple[str, dict]:
    sid = requests.post(server.api("/sessions")).json()["session_id"]
    requests.post(server.api(f"/sessions/{sid}/image"), json={"image": photo}).raise_for_status()
    for text in ("make it brighter", "blur the background"):
        requests.post(server.api(f"/sessions/{sid}/message"), json={"text": text}).raise_for_status()
    return sid, requests.get(server.api(f"/sessions/{sid}")).json()


def send_in_background(server: Server, sid: str, text: str) -> threading.Thread:
    def go():
        try:
            requests.post(server.api(f"/sessions/{sid}/message"), json={"text": text}, timeout=60)
        except requests.RequestException:
            pass  # the server dies under it

    thread = threading.Thread(target=go, daemon=True)
    thread.start()
    return thread


def assert_consistent(server: Server, sid: str, before: dict, data_dir: Path) -> list[dict]:
    """Earlier nodes and messages unchanged, the turn whole or absent, every image readable.
    Returns the turn's new messages ([] when it is absent)."""
    after = requests.get(server.api(f"/sessions/{sid}")).json()
    n, m = len(before["nodes"]), len(before["messages"])
    assert after["nodes"][:n] == before["nodes"] and after["messages"][:m] == before["messages"]
    new_nodes, new_messages = after["nodes"][n:], after["messages"][m:]
    if new_messages or new_nodes:
        assert [x["role"] for x in new_messages] == ["user", "assistant"] and len(new_nodes) == 1
        assert new_messages[1]["node"] == new_nodes[0]["id"] == after["current"]
        assert new_nodes[0]["parent"] == before["current"]
    else:
        assert after["current"] == before["current"]
    for node in after["nodes"]:
        r = requests.get(server.api(f"/sessions/{sid}/nodes/{node['id']}/image"))
        assert r.status_code == 200 and Image.open(io.BytesIO(r.content)).size == (128, 128)
    db = data_dir / "sessions.db"
    if db.exists():
        assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return new_messages


@pytest.mark.parametrize("step,store", [("plan", "sqlite"), ("execute", "sqlite"), ("execute", "redis")])
def test_kill_during_a_turn_loses_nothing(tmp_path, photo, step, store, request):
    flags = ("--store", "redis", "--redis-url", request.getfixturevalue("redis_url")) if store == "redis" else ()
    server = start(tmp_path, *flags)
    try:
        sid, before = history(server, photo)
        (tmp_path / "hang").write_text(step)
        send_in_background(server, sid, "make it black and white")
        deadline = time.time() + 30
        while not (tmp_path / "hang.started").exists():
            assert time.time() < deadline, f"the turn never reached {step}"
            time.sleep(0.02)
    finally:
        server.kill()
    (tmp_path / "hang").unlink()
    with start(tmp_path, *flags) as server:
        assert assert_consistent(server, sid, before, tmp_path / "data") == []  # killed before its commit
        r = requests.post(server.api(f"/sessions/{sid}/message"), json={"text": "make it black and white"}, timeout=60)
        assert r.status_code == 200, r.text
        assert requests.get(server.api(f"/sessions/{sid}")).json()["nodes"][-1]["parent"] == before["current"]


def test_kill_at_random_moments(tmp_path, photo):
    """Kills that may land anywhere, the commit included: each time the turn is whole or absent."""
    rng = random.Random(5)
    server = start(tmp_path)
    sid, before = history(server, photo)
    outcomes = []
    try:
        for _ in range(6):
            thread = send_in_background(server, sid, rng.choice(["make it darker", "make it brighter", "sharpen it"]))
            time.sleep(rng.uniform(0.0, 0.25))
            server.kill()
            thread.join(30)
            server = start(tmp_path)
            outcomes.append(bool(assert_consistent(server, sid, before, tmp_path / "data")))
            before = requests.get(server.api(f"/sessions/{sid}")).json()
    finally:
        server.kill()
    assert len(outcomes) == 6
    # the PNGs of every node decode to pixels (no half-written file under a final name)
    for png in (tmp_path / "data" / "blobs").glob("*/*.png"):
        assert np.asarray(Image.open(png)).size > 0
