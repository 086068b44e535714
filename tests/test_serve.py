"""The real `python -m lib_imgedit serve` process: start, edit, kill, restart, continue."""

import base64
import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
API = "/sdapi/v1/imgedit"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path, *extra: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "IMGEDIT_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
        env.pop("OPENAI_BASE_URL", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "lib_imgedit", "serve", "--port", str(self.port), *extra],
                                     cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=1, auth=("u", "p")).status_code in (200, 401):
                    return
            except requests.ConnectionError:
                time.sleep(0.2)
            if self.proc.poll() is not None:
                raise RuntimeError(self.proc.stdout.read().decode(errors="replace"))
        raise TimeoutError("server did not start")

    def kill(self, sig=signal.SIGKILL) -> None:
        self.proc.send_signal(sig)
        self.proc.wait(timeout=30)


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
