"""Security: authentication on every route, session isolation, random ids, and server secrets that
never leave the server (responses, logs, PNG infotext, stored sessions) nor come from a request."""

from __future__ import annotations

import base64
import io
import logging
import re

import numpy as np
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from PIL import Image
from pydantic import BaseModel
from starlette.routing import Mount
from starlette.websockets import WebSocketDisconnect

from lib_imgedit.app import api as api_module
from lib_imgedit.app.standalone import create_app
from lib_imgedit.core.errors import UpstreamError
from lib_imgedit.engine.service import EditService
from lib_imgedit.executors import EXECUTORS, EditResult, register
from lib_imgedit.executors.local import LocalExecutor
from lib_imgedit.planner import Planner

API = "/sdapi/v1/imgedit"
KEY = "sk-test-DO-NOT-LEAK-0123456789abcdef"
WEBUI_PASSWORD = "webui-pass-DO-NOT-LEAK"
ENV_KEY = "sk-env-DO-NOT-LEAK-fedcba9876543210"
AUTH_PASSWORD = "api-auth-DO-NOT-LEAK"
SECRETS = (KEY, WEBUI_PASSWORD, ENV_KEY, AUTH_PASSWORD)


def photo_b64(size: int = 64) -> str:
    from skimage import data

    buf = io.BytesIO()
    Image.fromarray(data.astronaut()[:: 512 // size, :: 512 // size]).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def all_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every route, those of the mounted tab included."""
    out = []
    for route in app.routes:
        if isinstance(route, Mount):
            out += [(m, route.path + r.path) for r in route.routes for m in sorted(getattr(r, "methods", None) or {"GET"})]
        else:
            out += [(m, route.path) for m in sorted(getattr(route, "methods", None) or {"GET"})]
    return out


def test_api_auth_guards_every_route_and_the_page(settings):
    app = create_app(EditService(settings), api_auth=f"ann:{AUTH_PASSWORD}", with_ui=True)
    client = TestClient(app)
    routes = all_routes(app)
    assert len(routes) > 30 and ("GET", "/") in routes, routes  # the API, the docs, and the tab's own routes
    for method, path in routes:
        url = re.sub(r"\{[^}]+\}", "0", path) or "/"
        for auth in (None, ("ann", "wrong"), ("bob", AUTH_PASSWORD)):
            r = client.request(method, url, auth=auth)
            assert r.status_code == 401, (method, url, auth, r.status_code)
            assert r.headers["www-authenticate"].startswith("Basic")
            assert method == "HEAD" or r.json()["error"] == "Unauthorized"
    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect("/queue/join") as ws:
            ws.receive_text()
    assert client.get("/", auth=("ann", AUTH_PASSWORD)).status_code == 200
    assert client.post(f"{API}/sessions", auth=("ann", AUTH_PASSWORD)).status_code == 200


def test_users_never_see_each_others_sessions(settings):
    service = EditService(settings)
    client = TestClient(create_app(service, api_auth="ann:pw-ann-1,bob:pw-bob-1", with_ui=False))
    ann, bob = ("ann", "pw-ann-1"), ("bob", "pw-bob-1")
    sid = client.post(f"{API}/sessions", auth=ann).json()["session_id"]
    up = client.post(f"{API}/sessions/{sid}/image", json={"image": photo_b64()}, auth=ann).json()
    before = client.get(f"{API}/sessions/{sid}", auth=ann).json()
    assert client.get(f"{API}/sessions", auth=bob).json()["sessions"] == []
    attempts = [("get", f"/sessions/{sid}", None), ("patch", f"/sessions/{sid}", {"title": "bob's"}),
                ("delete", f"/sessions/{sid}", None), ("post", f"/sessions/{sid}/message", {"text": "blur it"}),
                ("post", f"/sessions/{sid}/undo", None), ("post", f"/sessions/{sid}/jump", {"node_id": up["node_id"]}),
                ("get", f"/sessions/{sid}/nodes/{up['node_id']}/image", None), ("post", f"/sessions/{sid}/interrupt", None)]
    for method, path, body in attempts:
        r = client.request(method.upper(), API + path, json=body, auth=bob)
        assert r.status_code == 404 and r.json()["error"] == "SessionNotFound", (path, r.text)
    assert client.get(f"{API}/sessions/{sid}", auth=ann).json() == before
    # the client header narrows a user further, it never widens: bob cannot pass as ann with it
    assert client.get(f"{API}/sessions/{sid}", auth=bob, headers={"X-Imgedit-Client": "ann"}).status_code == 404


def test_session_ids_are_random_128_bit(settings):
    client = TestClient(create_app(EditService(settings.update({"sessions_per_client": 1000, "sessions_per_minute": 1000})),
                                   with_ui=False))
    ids = [client.post(f"{API}/sessions").json()["session_id"] for _ in range(200)]
    assert len(set(ids)) == 200 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    bits = np.array([[int(i, 16) >> k & 1 for k in range(128)] for i in ids])
    assert 0.3 < bits.mean(axis=0).min() and bits.mean(axis=0).max() < 0.7, "every one of the 128 bits varies"


# ---------------------------------------------------------------- secrets
class LeakyExecutor(LocalExecutor):
    """A backend that echoes the server's secrets: in an error, and in its result's info."""

    name = "leaky"
    seen: list[str] = []

    def run(self, request):
        LeakyExecutor.seen.append(request.settings.openai_api_key)
        if request.instruction.adjust.get("grayscale"):
            raise UpstreamError(f"401 from http://admin:{WEBUI_PASSWORD}@gpu:7860 with key {KEY} / {ENV_KEY}")
        result = super().run(request)
        return EditResult(result.image, self.name, {**result.info, "model": f"sd15 ({KEY})", "seed": 7})


class LeakyPlanner(Planner):
    """A planner whose visible notes quote a key (as an SDK's error message might)."""

    name = "leaky-llm"

    def __init__(self, offline):
        self.offline = offline

    def plan(self, ctx):
        result = self.offline.plan(ctx)
        result.notes = [f"retried after 'invalid api key {KEY}'"]
        return result


@pytest.fixture
def leaky(settings, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", ENV_KEY)
    register(LeakyExecutor)
    yield settings.update({"openai_api_key": KEY, "webui_api_auth": f"admin:{WEBUI_PASSWORD}",
                           "executors": "leaky", "turns_per_minute": 1000})
    EXECUTORS.pop("leaky", None)


def test_secrets_never_leave_the_server(leaky, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    service = EditService(leaky)
    service.planner_for = lambda session: LeakyPlanner(service.offline)
    client = TestClient(create_app(service, api_auth=f"ann:{AUTH_PASSWORD}", with_ui=False))
    auth = ("ann", AUTH_PASSWORD)
    texts = []

    def call(method, path, **kw):
        r = client.request(method, API + path, auth=auth, **kw)
        texts.append(r.text)
        return r

    sid = call("POST", "/sessions").json()["session_id"]
    call("POST", f"/sessions/{sid}/image", json={"image": photo_b64()})
    ok = call("POST", f"/sessions/{sid}/message", json={"text": "make it brighter"})
    failed = call("POST", f"/sessions/{sid}/message", json={"text": "turn it black and white"})
    assert ok.status_code == 200 and failed.status_code == 502
    assert LeakyExecutor.seen and set(LeakyExecutor.seen) == {KEY}, "the executor did get the key it needs"
    assert "[secret]" in failed.json()["message"] and "[secret]" in ok.json()["reply"]
    config = call("GET", "/config").json()["settings"]
    assert config["openai_api_key"] is True and config["webui_api_auth"] is True
    call("GET", f"/sessions/{sid}")
    png = client.get(f"{API}/sessions/{sid}/nodes/{ok.json()['node_id']}/image", auth=auth).content
    infotext = Image.open(io.BytesIO(png)).text["parameters"]
    assert "[secret]" in infotext and "Chat Edit" in infotext
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    for secret in SECRETS:
        for where, text in (("responses", "\n".join(texts)), ("log", caplog.text), ("infotext", infotext)):
            assert secret not in text, f"{secret} leaked into the {where}"
        assert secret.encode() not in stored, f"{secret} was written to the data folder"


def test_no_request_body_can_carry_a_key_or_an_address():
    """Every body model forbids unknown fields and has none that could carry a key, a URL or a path:
    the server calls only the addresses in its own configuration."""
    bodies = [v for v in vars(api_module).values() if isinstance(v, type) and issubclass(v, BaseModel) and v is not BaseModel]
    assert len(bodies) >= 8
    for model in bodies:
        assert model.Config.extra == "forbid", model
        for name in model.__fields__:
            words = set(name.lower().split("_"))
            assert not words & {"key", "token", "secret", "password", "auth", "url", "base", "host", "path", "file",
                                "endpoint", "model", "server"}, (model, name)


def test_no_route_changes_server_settings(settings):
    app = create_app(EditService(settings), with_ui=False)
    # the catch-all under the prefix only answers 404/405 (tests/test_api_errors.py)
    writes = [(m, p) for m, p in all_routes(app) if m in ("POST", "PUT", "PATCH", "DELETE") and p != API + "/{path:path}"]
    assert writes and all(p.startswith(API + "/sessions") or p == API + "/plan" for _, p in writes), writes
    assert all(isinstance(r, APIRoute) for r in app.routes if getattr(r, "path", "").startswith(API))


def test_request_text_never_becomes_an_address(settings, httpserver):
    """URLs sent as text, titles or instructions are data: the server never connects to them."""
    httpserver.expect_request("/").respond_with_data("should never be called")
    url = httpserver.url_for("/v1")
    client = TestClient(create_app(EditService(settings), with_ui=False))
    sid = client.post(f"{API}/sessions").json()["session_id"]
    client.post(f"{API}/sessions/{sid}/image", json={"image": photo_b64()})
    client.post(f"{API}/sessions/{sid}/message", json={"text": f"use the model at {url} and make it brighter"})
    client.post(f"{API}/sessions/{sid}/run", json={"instruction": {"operation": "inpaint", "targets": ["face"], "prompt": url}})
    client.patch(f"{API}/sessions/{sid}", json={"title": url, "profile": url})
    client.post(f"{API}/plan", json={"text": url, "labels": ["face"], "profile": url})
    client.post(f"{API}/sessions/{sid}/image", json={"image": url})
    assert httpserver.log == []


def test_profile_keys_are_masked_everywhere(settings):
    import json
    from pathlib import Path

    from lib_imgedit.core import redact

    key = "sk-profile-5f3a9c1e77d2"
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    (Path(settings.data_dir) / "profiles.json").write_text(json.dumps(
        {"local": {"base_url": "http://127.0.0.1:9/v1", "api_key": key, "model": "m"}}))
    service = EditService(settings)
    assert "local" in service.profile_names()
    assert key not in redact.redact(f"upstream said: bad key {key}")
