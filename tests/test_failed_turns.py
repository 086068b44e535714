"""A turn that failed for want of a backend (or upstream) stays in the conversation: the user's message
and the error are stored (no node, the picture as before), survive a restart, reach the planner as
`ok=False` turns, and are never exported as training data; bad requests still store nothing."""


import numpy as np
from fastapi.testclient import TestClient
from helpers import b64png, band_labels_body, failed_turn_kept

from lib_imgedit.app.standalone import create_app
from lib_imgedit.core.errors import Interrupted
from lib_imgedit.engine.finetune import accepted_turns
from lib_imgedit.engine.service import EditService
from lib_imgedit.store import Message, Node

API = "/sdapi/v1/imgedit"
NAMES = ["sky", "hair", "face", "background"]
STORM = {"operation": "inpaint", "targets": ["sky"], "prompt": "a storm"}


def serve(settings):
    service = EditService(settings.update({"turns_per_minute": 10000, "suggestions": False}))
    return service, TestClient(create_app(service, with_ui=False))


def test_failed_turn_survives_a_restart_and_the_planner_reads_it_from_the_store(settings):
    service, client = serve(settings)
    sid = client.post(f"{API}/sessions").json()["session_id"]
    photo = np.random.default_rng(1).integers(0, 255, (192, 256, 3)).astype(np.uint8)
    up = client.post(f"{API}/sessions/{sid}/image", json={"image": b64png(photo), "labels": band_labels_body(NAMES)}).json()
    before = client.get(f"{API}/sessions/{sid}").json()
    r = client.post(f"{API}/sessions/{sid}/run", json={"instruction": STORM, "text": "make the sky stormy"})
    assert r.status_code == 503 and r.json()["error"] == "ExecutorUnavailable"
    for bad in ({"text": ""}, {"text": "x" * 5000}):  # bad requests store nothing
        assert client.post(f"{API}/sessions/{sid}/message", json=bad).status_code in (400, 413)
    assert client.post(f"{API}/sessions/{sid}/run", json={"instruction": {"operation": "fly"}}).status_code == 422
    service.store.close()

    service, client = serve(settings)  # a new process: nothing was only in memory
    after = client.get(f"{API}/sessions/{sid}").json()
    assert failed_turn_kept(before, after, "make the sky stormy")["status"] == 503
    assert after["messages"][-2]["data"]["instruction"] == STORM and after["current"] == up["node_id"]
    ctx = service.planning_context(sid, "anonymous", "then just darken it")
    assert [(t.role, t.ok) for t in ctx.history[-2:]] == [("user", False), ("assistant", False)]
    assert ctx.history[-2].instruction == STORM and "Stable Diffusion" in ctx.history[-1].text and ctx.edits == []


def test_a_failed_suggestion_is_not_training_data():
    def turn(failed):
        flag = {"failed": True} if failed else {}
        return [Message("m1", "s", 1, "user", "go", "u", {"instruction": STORM, "planner": "suggestion", **flag}),
                Message("m2", "s", 2, "assistant", "no backend", "u", {"error": {"status": 503}, **flag})]

    nodes = {"u": Node("u", "s", None, 0, "img", None, None)}
    assert list(accepted_turns(turn(False), nodes, "u")) == [0]
    assert list(accepted_turns(turn(True), nodes, "u")) == []


def test_an_interrupted_turn_is_kept_and_a_target_error_is_not(settings, monkeypatch):
    service, client = serve(settings)
    sid = client.post(f"{API}/sessions").json()["session_id"]
    photo = np.random.default_rng(2).integers(0, 255, (192, 256, 3)).astype(np.uint8)
    client.post(f"{API}/sessions/{sid}/image", json={"image": b64png(photo), "labels": band_labels_body(NAMES)})
    before = client.get(f"{API}/sessions/{sid}").json()

    def interrupted(*args, **kwargs):
        raise Interrupted("the edit was interrupted before 'adjust'; nothing was changed")

    monkeypatch.setattr(service, "run_steps", interrupted)
    r = client.post(f"{API}/sessions/{sid}/message", json={"text": "make it brighter"})
    assert r.status_code == 409 and r.json()["error"] == "Interrupted"
    after = client.get(f"{API}/sessions/{sid}").json()
    assert failed_turn_kept(before, after, "make it brighter")["error"] == "Interrupted"
    monkeypatch.undo()
    gone = {"steps": [{"operation": "crop", "targets": ["face"]}, {"operation": "adjust", "targets": ["sky"], "adjust": {"blur": 0.5}}]}
    assert client.post(f"{API}/sessions/{sid}/run", json={"instruction": gone}).status_code == 422
    assert client.get(f"{API}/sessions/{sid}").json() == after, "a 4xx from a step stores nothing"
