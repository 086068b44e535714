"""The real `python -m lib_imgedit serve` process: start, edit, kill, restart, continue."""

import base64
import io
import signal

import pytest
import requests
from PIL import Image
from servers import API, Server


@pytest.fixture
def photo() -> str:
    from skimage import data

    buf = io.BytesIO()
    Image.fromarray(data.astronaut()).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


@pytest.mark.slow
def test_restart_mid_conversation(tmp_path, photo):
    server = Server(tmp_path)
    try:
        sid = requests.post(f"{server.url}{API}/sessions").json()["session_id"]
        requests.post(f"{server.url}{API}/sessions/{sid}/image", json={"image": photo}).raise_for_status()
        first = requests.post(f"{server.url}{API}/sessions/{sid}/message", json={"text": "make the photo brighter"}).json()
        before = requests.get(f"{server.url}{API}/sessions/{sid}").json()
    finally:
        server.kill()
    server = Server(tmp_path)
    try:
        assert requests.get(f"{server.url}{API}/sessions/{sid}").json() == before
        second = requests.post(f"{server.url}{API}/sessions/{sid}/message", json={"text": "把背景虚化"})
        assert second.status_code == 200 and second.json()["instruction"]["targets"] == ["background"]
        view = requests.get(f"{server.url}{API}/sessions/{sid}").json()
        assert [n["id"] for n in view["nodes"]][:2] == [n["id"] for n in before["nodes"]]
        assert view["nodes"][-1]["parent"] == first["node_id"]
        assert len(view["messages"]) == len(before["messages"]) + 2
    finally:
        server.kill(signal.SIGTERM)


@pytest.mark.slow
def test_api_auth_guards_page_and_api(tmp_path):
    server = Server(tmp_path, "--api-auth", "ann:pw")
    try:
        assert requests.get(f"{server.url}/").status_code == 401
        assert requests.post(f"{server.url}{API}/sessions").status_code == 401
        assert requests.get(f"{server.url}/", auth=("ann", "pw")).status_code == 200
        r = requests.post(f"{server.url}{API}/sessions", auth=("ann", "pw"))
        assert r.status_code == 200 and len(r.json()["session_id"]) == 32
    finally:
        server.kill(signal.SIGTERM)
