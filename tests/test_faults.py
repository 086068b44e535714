"""Faults end to end through the API: a planner (LLM) or an executor that times out, fails, crashes
or returns garbage; a data folder that is full or read-only. Each turn falls back or fails cleanly
(one JSON error, the session exactly as before), and the database stays intact."""

from __future__ import annotations

import base64
import errno
import io
import sqlite3

import numpy as np
import pytest
from fastapi.testclient import TestClient
from helpers import failed_turn_kept
from PIL import Image

from lib_imgedit.app.cli import main
from lib_imgedit.app.standalone import create_app
from lib_imgedit.core import blobs as blobs_module
from lib_imgedit.core.config import load_settings
from lib_imgedit.core.errors import StorageError, UpstreamError, UpstreamTimeout
from lib_imgedit.core.instruction import validate_instruction
from lib_imgedit.engine.service import EditService
from lib_imgedit.executors import EXECUTORS, EditResult, register
from lib_imgedit.executors.local import LocalExecutor
from lib_imgedit.planner import Planner, PlanResult

API = "/sdapi/v1/imgedit"


class FaultyExecutor(LocalExecutor):
    """The local executor, except that it fails in the way `mode` names."""

    name = "faulty"
    mode = "ok"

    def run(self, request):
        mode = type(self).mode
        if mode == "timeout":
            raise UpstreamTimeout("the remote WebUI did not answer within 300 s")
        if mode == "error":
            raise UpstreamError("the remote WebUI answered 500: CUDA out of memory")
        if mode == "crash":
            raise RuntimeError("segfault-ish failure inside a backend library")
        result = super().run(request)
        if mode == "wrong size":
            return EditResult(result.image[::2, ::2], self.name)
        if mode == "float image":
            return EditResult(result.image.astype(np.float32) / 255, self.name)
        if mode == "grey image":
            return EditResult(result.image[..., 0], self.name)
        if mode == "nothing":
            return None
        return EditResult(result.image, self.name, result.info)


class FakePlanner(Planner):
    """An LLM planner double: raises `error`, or returns `instruction` as the model's plan."""

    name = "fake-llm"

    def __init__(self, instruction=None, error: Exception | None = None):
        self.instruction, self.error = instruction, error

    def plan(self, ctx):
        if self.error is not None:
            raise self.error
        return PlanResult(self.instruction, self.name)


@pytest.fixture
def faulty():
    register(FaultyExecutor)
    yield FaultyExecutor
    FaultyExecutor.mode = "ok"
    EXECUTORS.pop(FaultyExecutor.name, None)


def make(settings, **overrides):
    service = EditService(settings.update({"turns_per_minute": 100_000, **overrides}))
    client = TestClient(create_app(service, with_ui=False))
    sid = client.post(f"{API}/sessions").json()["session_id"]
    from skimage import data

    buf = io.BytesIO()
    Image.fromarray(data.astronaut()[::4, ::4]).save(buf, format="PNG")
    assert client.post(f"{API}/sessions/{sid}/image", json={"image": base64.b64encode(buf.getvalue()).decode()}).status_code == 200
    return service, client, sid


def view(client, sid):
    return client.get(f"{API}/sessions/{sid}").json()


def assert_clean_failure(r, client, sid, before, statuses, kept=False):
    """One JSON error and the session as before; with `kept`, the failed turn is in the chat (the user's
    message and the error), nothing else changed."""
    assert r.status_code in statuses, r.text
    body = r.json()
    assert set(body) >= {"error", "message", "status"} and body["status"] == r.status_code and "Traceback" not in r.text
    if kept:
        assert failed_turn_kept(before, view(client, sid)) == {k: body[k] for k in ("error", "message", "status")}
    else:
        assert view(client, sid) == before


# ---------------------------------------------------------------- executors
@pytest.mark.parametrize("mode", ["timeout", "error", "crash", "wrong size", "float image", "grey image", "nothing"])
def test_failing_executor_falls_back_to_the_next(settings, faulty, mode):
    service, client, sid = make(settings, executors="faulty,local")
    faulty.mode = mode
    r = client.post(f"{API}/sessions/{sid}/message", json={"text": "turn it black and white"})
    assert r.status_code == 200, r.text
    assert r.json()["executor"] == "local"
    out = np.asarray(Image.open(io.BytesIO(base64.b64decode(r.json()["image"]))).convert("RGB"))
    assert out.shape == (128, 128, 3) and (out[..., 0] == out[..., 1]).all()


@pytest.mark.parametrize("mode,words", [("timeout", "did not answer"), ("error", "CUDA out of memory"),
                                        ("crash", "crashed (RuntimeError)"), ("wrong size", "shape (64, 64, 3)"),
                                        ("nothing", "no image")])
def test_failing_last_executor_fails_cleanly(settings, faulty, mode, words, caplog):
    service, client, sid = make(settings, executors="faulty")
    faulty.mode = mode
    before = view(client, sid)
    r = client.post(f"{API}/sessions/{sid}/message", json={"text": "turn it black and white"})
    assert_clean_failure(r, client, sid, before, {502}, kept=True)
    assert r.json()["error"] == "UpstreamError" and "every executor" in r.json()["message"] and words in r.json()["message"]
    faulty.mode = "ok"  # the next turn works: nothing was left half-done
    assert client.post(f"{API}/sessions/{sid}/message", json={"text": "turn it black and white"}).status_code == 200


# ---------------------------------------------------------------- planners
def fell_back_or_failed_cleanly(r, client, sid, before) -> str:
    """What the planner issue allows when the model fails: the offline planner takes over (and the
    reply says so), or the turn fails with a 5xx JSON error, kept in the chat when the error is one
    of ours (a crash is not), and nothing else changes."""
    if r.status_code == 200:
        body = r.json()
        assert body["planner"] == "offline" and body["notes"], body
        assert len(view(client, sid)["nodes"]) == len(before["nodes"]) + 1
        return "fell back"
    assert_clean_failure(r, client, sid, before, {500, 502, 503, 504}, kept=r.json()["error"] != "InternalError")
    return "failed"


@pytest.mark.parametrize("error", [UpstreamTimeout("the LLM did not answer within 60 s"),
                                   UpstreamError("the LLM answered 401: invalid key"),
                                   ConnectionResetError("connection reset by peer")], ids=["timeout", "error", "crash"])
def test_planner_that_fails(settings, error):
    service, client, sid = make(settings)
    service.planner_for = lambda session: FakePlanner(error=error)
    before = view(client, sid)
    r = client.post(f"{API}/sessions/{sid}/message", json={"text": "blur the background"})
    fell_back_or_failed_cleanly(r, client, sid, before)
    service.planner_for = lambda session: service.offline
    assert client.post(f"{API}/sessions/{sid}/message", json={"text": "blur the background"}).status_code == 200


@pytest.mark.parametrize("garbage", [
    "Sure! Here is your edit: blur the background.",
    {},
    {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}, "api_key": "sk-x", "base_url": "http://10.0.0.1"},
    {"operation": "inpaint", "targets": ["background"], "prompt": "a beach", "strength": 5},
    {"operation": "adjust", "targets": ["../../etc/passwd"], "adjust": {"blur": 0.5}},
    {"operation": "shell", "command": "rm -rf /"},
    None,
], ids=["prose", "empty", "keys and urls", "strength 5", "path label", "unknown operation", "null"])
def test_planner_returning_garbage_or_forbidden_values_falls_back(settings, garbage):
    service, client, sid = make(settings)
    service.planner_for = lambda session: FakePlanner(garbage)
    r = client.post(f"{API}/sessions/{sid}/message", json={"text": "blur the background"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["planner"] == "offline" and "fake-llm gave an invalid plan" in body["notes"][0]
    assert body["instruction"]["targets"] == ["background"]
    validate_instruction(body["instruction"], service.rules)
    assert not {"api_key", "base_url", "command"} & set(body["instruction"])


# ---------------------------------------------------------------- storage
class SQLiteFault:
    """Applies a PRAGMA to every connection the store hands out: `max_page_count` (the disk is full)
    or `query_only` (the database is read-only), so real SQLite errors reach the store."""

    def __init__(self, store, monkeypatch):
        self.pragma = None
        inner = store._conn

        def conn():
            c = inner()
            if self.pragma == "full":
                c.execute(f"PRAGMA max_page_count = {c.execute('PRAGMA page_count').fetchone()[0]}")
            else:
                c.execute("PRAGMA max_page_count = 1073741823")
            c.execute(f"PRAGMA query_only = {1 if self.pragma == 'readonly' else 0}")
            return c

        monkeypatch.setattr(store, "_conn", conn)


@pytest.mark.parametrize("fault,words", [("full", "disk is full"), ("readonly", "read-only")])
def test_database_full_or_read_only(settings, monkeypatch, fault, words):
    service, client, sid = make(settings)
    sqlite_fault = SQLiteFault(service.store, monkeypatch)
    for text in ("make it brighter", "blur the background", "make it darker"):  # fill the free pages first
        client.post(f"{API}/sessions/{sid}/message", json={"text": text})
    sqlite_fault.pragma = fault
    before = view(client, sid)
    statuses = set()
    for text in ("make it black and white", "sharpen it", "make it brighter") * 10:
        r = client.post(f"{API}/sessions/{sid}/message", json={"text": text})
        statuses.add(r.status_code)
        if r.status_code == 507:
            assert words in r.json()["message"] and r.json()["error"] == "StorageError"
            break
        before = view(client, sid)
    assert 507 in statuses and statuses <= {200, 507}
    assert view(client, sid) == before  # reads still work, and nothing of the failed turn is there
    if fault == "readonly":
        assert client.post(f"{API}/sessions").status_code == 507
    db = sqlite3.connect(settings.data_dir + "/sessions.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    sqlite_fault.pragma = None  # space is back: the conversation continues
    r = client.post(f"{API}/sessions/{sid}/message", json={"text": "make it darker"})
    assert r.status_code == 200 and view(client, sid)["nodes"][-1]["parent"] == before["current"]


@pytest.mark.parametrize("code,words", [(errno.ENOSPC, "No space left"), (errno.EROFS, "Read-only")])
def test_image_folder_full_or_read_only(settings, monkeypatch, code, words):
    service, client, sid = make(settings)
    before = view(client, sid)

    def refuse(*args, **kwargs):
        raise OSError(code, words)

    monkeypatch.setattr(blobs_module.tempfile, "mkstemp", refuse)
    r = client.post(f"{API}/sessions/{sid}/message", json={"text": "make it black and white"})
    assert_clean_failure(r, client, sid, before, {507})
    assert words in r.json()["message"]
    monkeypatch.undo()
    assert client.post(f"{API}/sessions/{sid}/message", json={"text": "make it black and white"}).status_code == 200


def test_data_folder_that_cannot_be_created(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="cannot create the data folder"):
        EditService(load_settings(blocker / "data", env={}))
    assert main(["--data-dir", str(blocker / "data"), "serve", "--api-only", "--port", "9"]) == 1
    assert "cannot create the data folder" in capsys.readouterr().err
