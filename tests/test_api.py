"""The JSON API end to end on a real photo (scikit-image's astronaut), in process."""

import base64
import io

import numpy as np
import pytest
from fastapi.testclient import TestClient
from helpers import b64png, decode, failed_turn_kept
from PIL import Image

from lib_imgedit.app.standalone import create_app
from lib_imgedit.engine.service import EditService

API = "/sdapi/v1/imgedit"


@pytest.fixture
def service(settings):
    return EditService(settings)


@pytest.fixture
def client(service):
    return TestClient(create_app(service, with_ui=False))


@pytest.fixture
def uploaded(client, astronaut):
    sid = client.post(f"{API}/sessions").json()["session_id"]
    r = client.post(f"{API}/sessions/{sid}/image", json={"image": b64png(astronaut)})
    assert r.status_code == 200, r.text
    return sid, r.json()


def test_upload_reports_labels_and_shares(uploaded):
    _, body = uploaded
    names = {d["name"]: d["share"] for d in body["labels"]}
    assert {"person", "background", "face"} <= set(names)
    assert abs(names["person"] + names["background"] - 1.0) < 1e-3
    assert "person" in body["reply"] and body["node_id"] and body["suggestions"]


def test_background_blur_leaves_the_person_untouched(client, service, uploaded, astronaut):
    sid, up = uploaded
    r = client.post(f"{API}/sessions/{sid}/message", json={"text": "blur the background"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["instruction"]["operation"] == "adjust" and body["instruction"]["targets"] == ["background"]
    out = decode(body["image"])
    labels = service.node_labels(service.store.get_node(sid, up["node_id"]))
    person = labels.masks["person"]
    assert (out[person] == astronaut[person]).all(), "every pixel of the person must be unchanged"
    background = labels.masks["background"]
    changed = (out[background] != astronaut[background]).any(axis=1).mean()
    assert changed > 0.5, f"only {changed:.0%} of the background changed"


def test_undo_redo_and_history_tree(client, uploaded, astronaut):
    sid, up = uploaded
    edited = decode(client.post(f"{API}/sessions/{sid}/message", json={"text": "turn it black and white"}).json()["image"])
    assert (edited[..., 0] == edited[..., 2]).all()
    undone = client.post(f"{API}/sessions/{sid}/undo").json()
    assert undone["node_id"] == up["node_id"] and (decode(undone["image"]) == astronaut).all()
    redone = client.post(f"{API}/sessions/{sid}/redo").json()
    assert (decode(redone["image"]) == edited).all()
    # branch: undo, edit differently; redo then follows the newest branch
    client.post(f"{API}/sessions/{sid}/undo")
    branch = client.post(f"{API}/sessions/{sid}/message", json={"text": "make the photo brighter"}).json()
    view = client.get(f"{API}/sessions/{sid}").json()
    children = [n for n in view["nodes"] if n["parent"] == up["node_id"]]
    assert len(children) == 2 and view["current"] == branch["node_id"]
    assert [m["role"] for m in view["messages"]][:2] == ["user", "assistant"]
    # chat commands work too
    assert client.post(f"{API}/sessions/{sid}/message", json={"text": "撤销"}).json()["node_id"] == up["node_id"]
    assert client.post(f"{API}/sessions/{sid}/message", json={"text": "redo"}).json()["node_id"] == branch["node_id"]


def test_jump_branches_from_any_node(client, uploaded):
    sid, up = uploaded
    client.post(f"{API}/sessions/{sid}/message", json={"text": "make it darker"})
    r = client.post(f"{API}/sessions/{sid}/jump", json={"node_id": up["node_id"]})
    assert r.status_code == 200 and r.json()["node_id"] == up["node_id"]
    assert client.post(f"{API}/sessions/{sid}/jump", json={"node_id": "0" * 16}).status_code == 404


def test_suggestion_accept_then_run(client, uploaded):
    sid, up = uploaded
    r = client.post(f"{API}/sessions/{sid}/suggestions/0/accept")
    assert r.status_code == 200
    instr = r.json()["instruction"]
    ran = client.post(f"{API}/sessions/{sid}/run", json={"instruction": instr})
    assert ran.status_code == 200 and ran.json()["instruction"]["operation"] == instr["operation"]
    assert client.post(f"{API}/sessions/{sid}/suggestions/9/accept").status_code == 404


def test_user_mask_replaces_the_targets(client, uploaded, astronaut):
    sid, _ = uploaded
    mask = np.zeros(astronaut.shape[:2], np.uint8)
    mask[10:60, 10:60] = 255
    r = client.post(f"{API}/sessions/{sid}/message", json={"text": "make it brighter", "mask": b64png(mask)})
    assert r.status_code == 200, r.text
    out = decode(r.json()["image"])
    assert r.json()["instruction"]["targets"] == ["user_mask"]
    assert (out[100:, 100:] == astronaut[100:, 100:]).all() and (out[20:50, 20:50] != astronaut[20:50, 20:50]).any()


def test_generative_request_without_backend_says_what_is_needed(client, uploaded):
    sid, _ = uploaded
    before = client.get(f"{API}/sessions/{sid}").json()
    r = client.post(f"{API}/sessions/{sid}/message", json={"text": "replace the background with a beach at sunset"})
    assert r.status_code == 503
    body = r.json()
    assert body["error"] == "ExecutorUnavailable" and "Stable Diffusion" in body["message"]
    after = client.get(f"{API}/sessions/{sid}").json()  # the picture stays; the turn stays in the chat
    error = failed_turn_kept(before, after, "replace the background with a beach at sunset")
    assert error == {k: body[k] for k in ("error", "message", "status")}


def test_clarify_asks_instead_of_editing(client, uploaded):
    sid, up = uploaded
    body = client.post(f"{API}/sessions/{sid}/message", json={"text": "make the horse white"}).json()
    assert body["instruction"]["operation"] == "clarify" and body["node_id"] == up["node_id"] and body["image"] is None


@pytest.mark.parametrize("payload,status", [
    ({"image": base64.b64encode(b"not an image at all").decode()}, 400),
    ({"image": "!!!"}, 400),
    ({"image": b64png(np.zeros((64, 64, 3), np.uint8))[:80]}, 400),
    ({"imagez": "x"}, 422),
    ({"image": 12}, 400),
])
def test_bad_uploads_change_nothing(client, uploaded, payload, status):
    sid, _ = uploaded
    before = client.get(f"{API}/sessions/{sid}").json()
    r = client.post(f"{API}/sessions/{sid}/image", json=payload)
    assert r.status_code == status, r.text
    assert r.json()["message"] and r.json()["status"] == status
    assert client.get(f"{API}/sessions/{sid}").json() == before


def test_huge_image_is_refused(client, uploaded):
    sid, _ = uploaded
    buf = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buf, format="PNG")
    r = client.post(f"{API}/sessions/{sid}/image", json={"image": base64.b64encode(buf.getvalue()).decode()})
    assert r.status_code == 413 and "megapixels" in r.json()["message"]


@pytest.mark.parametrize("text,status", [("", 400), ("   \x00 ", 400), ("x" * 5000, 413)])
def test_bad_messages(client, uploaded, text, status):
    sid, _ = uploaded
    before = client.get(f"{API}/sessions/{sid}").json()
    r = client.post(f"{API}/sessions/{sid}/message", json={"text": text})
    assert r.status_code == status and r.json()["message"]
    assert client.get(f"{API}/sessions/{sid}").json() == before


def test_unknown_session_and_node(client):
    for path in (f"{API}/sessions/{'0' * 32}", f"{API}/sessions/nope", f"{API}/sessions/../../etc"):
        r = client.get(path)
        assert r.status_code == 404
    r = client.post(f"{API}/sessions/{'0' * 32}/message", json={"text": "hi"})
    assert r.status_code == 404 and r.json()["error"] == "SessionNotFound"


def test_message_before_upload_is_a_conflict(client):
    sid = client.post(f"{API}/sessions").json()["session_id"]
    r = client.post(f"{API}/sessions/{sid}/message", json={"text": "blur the background"})
    assert r.status_code == 409 and "upload" in r.json()["message"]


def test_another_clients_session_is_invisible(client, uploaded):
    sid, _ = uploaded
    r = client.get(f"{API}/sessions/{sid}", headers={"X-Imgedit-Client": "someone-else"})
    assert r.status_code == 404


def test_plan_config_schema(client):
    r = client.post(f"{API}/plan", json={"text": "make her hair blonde", "labels": ["hair", "face", "background"]})
    assert r.status_code == 200
    assert r.json()["instruction"]["operation"] in ("recolor", "inpaint") and r.json()["instruction"]["targets"] == ["hair"]
    assert client.post(f"{API}/plan", json={"text": "x", "labels": ["../etc"]}).status_code == 400
    cfg = client.get(f"{API}/config").json()
    assert "adjust" in cfg["operations"] and any(e["name"] == "local" and e["available"] for e in cfg["executors"])
    assert client.get(f"{API}/schema").json()["title"] == "EditInstruction"


def test_node_image_and_overlay(client, uploaded, astronaut):
    sid, up = uploaded
    r = client.get(f"{API}/sessions/{sid}/nodes/{up['node_id']}/image")
    assert r.headers["content-type"] == "image/png"
    assert (np.asarray(Image.open(io.BytesIO(r.content)).convert("RGB")) == astronaut).all()
    ov = client.get(f"{API}/sessions/{sid}/nodes/{up['node_id']}/image?overlay=true")
    assert ov.status_code == 200 and ov.content != r.content


def test_restart_loses_nothing(settings, astronaut):
    first = EditService(settings)
    c1 = TestClient(create_app(first, with_ui=False))
    sid = c1.post(f"{API}/sessions").json()["session_id"]
    c1.post(f"{API}/sessions/{sid}/image", json={"image": b64png(astronaut)})
    edited = c1.post(f"{API}/sessions/{sid}/message", json={"text": "make the photo brighter"}).json()
    before = c1.get(f"{API}/sessions/{sid}").json()
    first.store.close()
    second = EditService(settings)  # a new process would build exactly this
    c2 = TestClient(create_app(second, with_ui=False))
    assert c2.get(f"{API}/sessions/{sid}").json() == before
    img = c2.get(f"{API}/sessions/{sid}/nodes/{edited['node_id']}/image").content
    assert (np.asarray(Image.open(io.BytesIO(img)).convert("RGB")) == decode(edited["image"])).all()
    undone = c2.post(f"{API}/sessions/{sid}/undo").json()
    assert (decode(undone["image"]) == astronaut).all()


def test_api_auth(service):
    c = TestClient(create_app(service, api_auth="ann:secret", with_ui=False))
    r = c.post(f"{API}/sessions")
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic")
    assert c.post(f"{API}/sessions", auth=("ann", "wrong")).status_code == 401
    assert c.post(f"{API}/sessions", auth=("ann", "secret")).status_code == 200
