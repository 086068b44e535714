"""Drives the Chat Edit page: the standalone app in a subprocess on a free port, and the steps a user
takes in a Chromium tab (Playwright, sync API), with the API at hand to check what happened."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
API = "/sdapi/v1/imgedit"
TIMEOUT_MS = 60_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class App:
    """`python -m lib_imgedit serve` on a free port with its own data folder, and the API at hand to
    check what the page did. `IMGEDIT_BROWSER_PYTHON` names another interpreter to serve with (a venv
    with gradio 4, as Forge has), so the same tests check both gradio versions."""

    def __init__(self, data_dir: Path, config: dict[str, Any] | None = None):
        self.data_dir = data_dir
        if config:  # settings as saved by the tab, read at start
            (data_dir / "config.json").write_text(json.dumps(config), "utf-8")
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "IMGEDIT_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
        env.pop("OPENAI_BASE_URL", None)
        python = os.environ.get("IMGEDIT_BROWSER_PYTHON") or sys.executable
        self.log = open(data_dir / "serve.log", "wb")  # noqa: SIM115 - open while the server runs
        self.proc = subprocess.Popen([python, "-m", "lib_imgedit", "serve", "--port", str(self.port)],
                                     cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 120
        while True:
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError("the app did not start:\n" + (data_dir / "serve.log").read_text(errors="replace")[-3000:])
            time.sleep(0.2)

    def get(self, path: str, **kw: Any) -> requests.Response:
        r = requests.get(f"{self.url}{API}{path}", timeout=30, **kw)
        r.raise_for_status()
        return r

    def session(self, sid: str) -> dict[str, Any]:
        return self.get(f"/sessions/{sid}").json()

    def config(self) -> dict[str, Any]:
        return json.loads((self.data_dir / "config.json").read_text("utf-8"))

    def node_pixels(self, sid: str, node_id: str):
        import numpy as np
        from PIL import Image

        png = self.get(f"/sessions/{sid}/nodes/{node_id}/image").content
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


class Tab:
    """One browser tab on the Chat Edit page, with the steps a user takes."""

    def __init__(self, page, app: App):
        self.page = page
        self.app = app

    def open(self) -> Tab:
        self.page.goto(self.app.url + "/")
        self.page.wait_for_function("() => { const s = document.querySelector('#imgedit_state .imgedit-state');"
                                    " return s && JSON.parse(s.dataset.state).restored; }", timeout=TIMEOUT_MS)
        return self

    def state(self) -> dict[str, Any]:
        return json.loads(self.page.locator("#imgedit_state .imgedit-state").get_attribute("data-state"))

    @property
    def sid(self) -> str:
        return self.page.evaluate("localStorage.getItem('imgedit_session')")

    def wait_state(self, **changed: Any) -> dict[str, Any]:
        """Wait until the page's state differs from `changed` (e.g. node=<old id>): a turn finished."""
        key, old = next(iter(changed.items()))
        self.page.wait_for_function(
            "([k, old]) => { const s = document.querySelector('#imgedit_state .imgedit-state');"
            " return s && (JSON.parse(s.dataset.state)[k] ?? null) !== old; }", arg=[key, old], timeout=TIMEOUT_MS)
        return self.state()

    def upload(self, path: Path) -> dict[str, Any]:
        before = self.state().get("node")
        self.page.locator("#imgedit_upload").locator("xpath=..").locator("input[type=file]").set_input_files(str(path))
        state = self.wait_state(node=before)
        self.page.wait_for_selector("#imgedit_legend .imgedit-legend-item")
        self.wait_stage()
        return state

    def wait_stage(self) -> None:
        """The stage shows the current picture (or its overlay), fully loaded."""
        self.page.wait_for_function(
            "() => { const files = [...document.querySelectorAll('#imgedit_current_file a[href], #imgedit_overlay_file a[href]')];"
            " const img = document.querySelector('#imgedit_stage img.imgedit-current');"
            " return img && files.some(a => a.href === img.src) && img.complete && img.naturalWidth > 0; }", timeout=TIMEOUT_MS)

    def type_and_enter(self, text: str) -> None:
        box = self.page.locator("#imgedit_text textarea")
        box.click()
        box.fill(text)
        box.press("Enter")

    def send(self, text: str) -> dict[str, Any]:
        before = self.state().get("node")
        self.type_and_enter(text)
        state = self.wait_state(node=before)
        self.wait_stage()
        return state

    def open_settings(self) -> None:
        self.page.locator("#imgedit_settings .label-wrap").first.click()
        self.page.locator("#imgedit_setting_preset").wait_for(state="visible")

    def chat_text(self) -> str:
        return self.page.locator("#imgedit_chat").inner_text()

    def wait_chat(self, text: str) -> None:
        self.page.locator("#imgedit_chat").get_by_text(text).last.wait_for(timeout=TIMEOUT_MS)

    def code(self) -> str:
        return self.page.locator("#imgedit_instruction .cm-content").inner_text()

    def set_code(self, text: str) -> None:
        editor = self.page.locator("#imgedit_instruction .cm-content")
        editor.click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.insert_text(text)

    def turn_running(self) -> bool:
        return self.page.evaluate("() => !!document.querySelector('#imgedit_stage .imgedit-progress-slot .wrap:not(.hide)')")

    def history_count(self) -> int:
        return self.page.locator("#imgedit_history button.thumbnail-item, #imgedit_history .thumbnail-item").count()

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path
