"""End to end: the standalone API plans through a profile aimed at a local OpenAI-compatible server;
the profile switches per session; sessions never see each other's history; keys never leak."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from helpers import b64png

from lib_imgedit.app.standalone import create_app
from lib_imgedit.engine.service import EditService
from tests.planner.conftest import KEY

API = "/sdapi/v1/imgedit"
RED = {"operation": "recolor", "targets": ["hair"], "color": "red", "reply": "Making the hair red."}
BLUR = {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}, "reply": "Blurring the background."}


def write_profiles(data_dir: Path, url: str, **extra) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    common = {"base_url": url, "api_key": KEY, "timeout": 2, "max_retries": 0, **extra}
    (data_dir / "profiles.json").write_text(json.dumps({
        "alpha": {"model": "alpha-model", **common},
        "beta": {"model": "beta-model", "template": "zh", **common},
    }))


@pytest.fixture
def app(settings, chat):
    write_profiles(Path(settings.data_dir), chat.url)
    service = EditService(settings.update({"llm_profile": "alpha", "suggestions": False}))
    return service, TestClient(create_app(service, with_ui=False))


def new_session(client: TestClient) -> str:
    """A session with a 32x32 picture whose labels are given: hair on top, background below."""
    sid = client.post(f"{API}/sessions").json()["session_id"]
    index = np.full((32, 32), 2, np.uint8)
    index[:10] = 1
    img = np.full((32, 32, 3), 120, np.uint8)
    img[..., 0] = np.linspace(40, 220, 32, dtype=np.uint8)  # not flat, so an edit changes pixels (a no-op adds no step)
    r = client.post(f"{API}/sessions/{sid}/image", json={
        "image": b64png(img), "labels": {"index": b64png(index), "names": {"1": "hair", "2": "background"}}})
    assert r.status_code == 200, r.text
    return sid


def say(client: TestClient, sid: str, text: str) -> dict:
    r = client.post(f"{API}/sessions/{sid}/message", json={"text": text})
    assert r.status_code == 200, r.text
    return r.json()


def test_messages_plan_through_the_profile_and_patch_switches_it(app, chat):
    _, client = app
    sid = new_session(client)
    chat.add(json.dumps(RED))
    body = say(client, sid, "make her hair red")
    assert body["planner"] == "alpha" and body["instruction"] == RED and body["reply"] == RED["reply"]
    assert chat.requests[-1].body["model"] == "alpha-model"
    assert client.patch(f"{API}/sessions/{sid}", json={"profile": "beta"}).json()["profile"] == "beta"
    chat.add(json.dumps(BLUR))
    body = say(client, sid, "把背景虚化")
    assert body["planner"] == "beta" and chat.requests[-1].body["model"] == "beta-model"
    assert "图中的区域标签" in chat.requests[-1].body["messages"][0]["content"]  # beta's Chinese template
    # the earlier turn is in the history the model sees, as the instruction it became
    assert {"role": "user", "content": "make her hair red"} in chat.requests[-1].body["messages"]
    assert client.patch(f"{API}/sessions/{sid}", json={"profile": "nope"}).status_code == 400
    client.patch(f"{API}/sessions/{sid}", json={"profile": "offline"})
    assert say(client, sid, "make it brighter")["planner"] == "offline"
    assert len(chat.requests) == 2


def test_dry_run_plan_and_config(app, chat):
    _, client = app
    chat.add(json.dumps(RED))
    r = client.post(f"{API}/plan", json={"text": "make her hair red", "labels": ["hair", "face"], "profile": "beta"})
    assert r.json()["planner"] == "beta" and r.json()["instruction"]["color"] == "red"
    assert client.post(f"{API}/plan", json={"text": "x", "labels": [], "profile": "evil"}).status_code == 400
    config = client.get(f"{API}/config")
    profiles = {p["name"]: p for p in config.json()["profiles"]}
    assert set(profiles) == {"alpha", "beta"} and profiles["alpha"]["has_key"] is True
    assert profiles["beta"]["template"] == "zh" and {"default", "compact", "zh"} <= set(config.json()["templates"])
    assert KEY not in config.text


def test_base_url_cannot_come_from_a_request(app, chat):
    _, client = app
    sid = new_session(client)
    r = client.patch(f"{API}/sessions/{sid}", json={"profile": "alpha", "base_url": "http://169.254.169.254/"})
    assert r.status_code == 422
    r = client.post(f"{API}/plan", json={"text": "x", "labels": [], "base_url": "http://10.0.0.1/", "api_key": "k"})
    assert r.status_code == 422 and not chat.requests


def test_sessions_never_see_each_others_history(app, chat):
    _, client = app
    a, b = new_session(client), new_session(client)
    chat.add(json.dumps(RED)).add(json.dumps(BLUR)).add(json.dumps(RED))
    say(client, a, "make her hair red like a fire truck")
    say(client, b, "blur the background softly")
    say(client, a, "again")
    seen_b = json.dumps(chat.requests[1].body, ensure_ascii=False)
    seen_a = json.dumps(chat.requests[2].body, ensure_ascii=False)
    assert "fire truck" not in seen_b and "fire truck" in seen_a
    assert "softly" not in seen_a


def test_unreachable_server_falls_back_visibly_and_the_turn_still_runs(settings, chat):
    write_profiles(Path(settings.data_dir), "http://127.0.0.1:9/v1")
    service = EditService(settings.update({"llm_profile": "alpha", "suggestions": True}))
    client = TestClient(create_app(service, with_ui=False))
    sid = new_session(client)
    body = say(client, sid, "make her hair red")
    assert body["planner"] == "offline" and body["instruction"]["color"] == "red"
    assert "could not be reached" in body["reply"] and "used the offline planner" in body["reply"]
    assert len(body["suggestions"]) == 3  # offline suggestions fill in


def test_llm_suggestions_and_accepting_one(settings, chat):
    write_profiles(Path(settings.data_dir), chat.url)
    service = EditService(settings.update({"llm_profile": "alpha", "suggestions": True}))
    client = TestClient(create_app(service, with_ui=False))
    suggestion = {"text": "Give the hair a copper tone", "instruction": {"operation": "recolor", "targets": ["hair"], "color": "orange"}}
    bad = {"text": "Remove the dog", "instruction": {"operation": "remove", "targets": ["dog"]}}
    chat.add(json.dumps({"suggestions": [bad, suggestion]}))  # asked for at upload
    sid = new_session(client)
    view = client.get(f"{API}/sessions/{sid}").json()
    suggestions = view["suggestions"]  # the current node's, once at the top level
    assert suggestions[0] == suggestion and len(suggestions) == 3, "the invalid one dropped, offline ones fill up"
    assert "Suggest 3 next edits" in chat.requests[0].body["messages"][1]["content"]
    accepted = client.post(f"{API}/sessions/{sid}/suggestions/0/accept").json()
    assert accepted["instruction"] == suggestion["instruction"]
    chat.add(json.dumps({"suggestions": []}))  # asked for after the run
    ran = client.post(f"{API}/sessions/{sid}/suggestions/0/accept?run=true").json()
    assert ran["instruction"]["color"] == "orange"
    assert client.get(f"{API}/sessions/{sid}").json()["messages"][-2]["data"]["planner"] == "suggestion"


def test_the_key_is_never_stored_or_returned(app, chat, settings, caplog):
    service, client = app
    sid = new_session(client)
    chat.add(status=401, body=json.dumps({"error": {"message": f"bad key {KEY}"}}))
    chat.add(json.dumps(RED))
    with caplog.at_level("DEBUG"):
        texts = [say(client, sid, "make her hair red"), say(client, sid, "make her hair red")]
        texts.append(client.get(f"{API}/sessions/{sid}").json())
    assert "HTTP 401" in texts[0]["reply"]
    assert KEY not in json.dumps(texts) and KEY not in caplog.text
    data = Path(settings.data_dir)
    for path in data.rglob("*"):
        if path.is_file() and path.name != "profiles.json":
            assert KEY.encode() not in path.read_bytes(), path


def test_settings_changed_at_run_time_apply_to_the_next_plan(app, chat):
    service, client = app
    chat.add(json.dumps(RED)).add(json.dumps(RED))
    assert client.post(f"{API}/plan", json={"text": "red hair", "labels": ["hair"]}).json()["planner"] == "alpha"
    service.settings = service.settings.update({"llm_profile": "beta", "llm_template": "compact"})
    assert client.post(f"{API}/plan", json={"text": "red hair", "labels": ["hair"]}).json()["planner"] == "beta"
    assert chat.requests[-1].body["messages"][0]["content"].startswith("你是")  # beta names its own template
    service.settings = service.settings.update({"llm_profile": "offline"})
    assert client.post(f"{API}/plan", json={"text": "red hair", "labels": ["hair"]}).json()["planner"] == "offline"


@pytest.mark.slow
def test_standalone_server_plans_through_the_settings_profile(chat, tmp_path):
    """The real `serve` process, with the env profile from Settings (config.json) and --llm-model."""
    import requests

    from tests.test_serve import Server

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "config.json").write_text(json.dumps({"llm_base_url": chat.url, "llm_api_key": KEY}))
    server = Server(tmp_path / "data", "--llm-model", "env-model", "--suggestions", "false")
    try:
        assert [p["name"] for p in requests.get(f"{server.url}{API}/config").json()["profiles"]] == ["env"]
        chat.add(json.dumps(BLUR))
        sid = requests.post(f"{server.url}{API}/sessions").json()["session_id"]
        img = np.full((32, 32, 3), 120, np.uint8)
        index = np.full((32, 32), 2, np.uint8)
        index[:10] = 1
        requests.post(f"{server.url}{API}/sessions/{sid}/image", json={
            "image": b64png(img), "labels": {"index": b64png(index), "names": {"1": "hair", "2": "background"}}})
        body = requests.post(f"{server.url}{API}/sessions/{sid}/message", json={"text": "blur the background"}).json()
        assert body["planner"] == "env" and body["instruction"] == BLUR
        assert chat.requests[0].body["model"] == "env-model"
        assert chat.requests[0].headers["Authorization"] == f"Bearer {KEY}"
    finally:
        server.kill()
