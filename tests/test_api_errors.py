"""Every error of the API in the documented shape, bodies without the JSON content type, the server log."""

from __future__ import annotations

import base64
import json
import logging

import pytest
from fastapi.testclient import TestClient

from lib_imgedit.app.standalone import create_app
from lib_imgedit.engine.service import EditService

API = "/sdapi/v1/imgedit"


@pytest.fixture(scope="module")
def apps(tmp_path_factory):
    """The app without and with the tab (gradio mounted at / used to answer the API's unknown routes)."""
    from lib_imgedit.core.config import load_settings

    service = EditService(load_settings(tmp_path_factory.mktemp("data"), env={}))
    return {"api-only": TestClient(create_app(service, with_ui=False)), "with tab": TestClient(create_app(service))}


@pytest.fixture(params=["api-only", "with tab"])
def client(request, apps):
    return apps[request.param]


def assert_shape(r, status: int, error: str, words: str = "") -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) <= {"error", "message", "status", "details"} and body["status"] == status and body["error"] == error
    assert isinstance(body["message"], str) and words in body["message"], body
    return body


@pytest.mark.parametrize(("method", "path"), [("get", "/nope"), ("post", "/sessions/x/y/z"), ("get", "/sessions/abc/nodes")])
def test_unknown_route_is_404_in_the_shape(client, method, path):
    assert_shape(client.request(method, API + path), 404, "NotFound", f"no such route: {method.upper()} {API}{path}")


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("delete", "/config", "GET"), ("put", "/sessions", "GET, POST"), ("get", "/plan", "POST"),
    ("post", "/sessions/" + "0" * 32, "DELETE, GET, PATCH"),
])
def test_wrong_method_is_405_with_allow(client, method, path, allowed):
    r = client.request(method, API + path)
    assert_shape(r, 405, "MethodNotAllowed", f"takes {allowed}")
    assert r.headers["allow"] == allowed


def test_unknown_route_outside_the_api_without_the_tab(apps):
    assert_shape(apps["api-only"].get("/nope"), 404, "NotFound", "no such route")


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded", "text/plain"])
def test_a_json_body_is_read_whatever_the_content_type(apps, content_type):
    headers = {"content-type": content_type} if content_type else {}
    r = apps["api-only"].post(f"{API}/plan", content=b'{"text": "make it brighter"}', headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["instruction"]["adjust"] == {"brightness": 0.3}


def test_a_body_that_is_not_json_says_what_to_send(apps):
    r = apps["api-only"].post(f"{API}/plan", content=b"text=make+it+brighter",
                              headers={"content-type": "application/x-www-form-urlencoded"})
    assert_shape(r, 400, "BadRequest", "send a JSON object with Content-Type: application/json")
    assert "application/x-www-form-urlencoded" in r.json()["message"]


def test_broken_json_and_a_list_say_what_to_send(apps):
    c = apps["api-only"]
    r = c.post(f"{API}/plan", content=b'{"text": 3', headers={"content-type": "application/json"})
    assert_shape(r, 422, "BadRequest", "not valid JSON")
    assert "Content-Type: application/json" in r.json()["message"]
    assert_shape(c.post(f"{API}/plan", json=["make it brighter"]), 422, "BadRequest", "send a JSON object")


def test_other_errors_keep_the_shape(apps):
    c = apps["api-only"]
    assert_shape(c.get(f"{API}/sessions/" + "0" * 32), 404, "SessionNotFound", "no session")
    assert_shape(c.post(f"{API}/plan", json={"text": "x", "api_key": "sk"}), 422, "BadRequest", "api_key")
    sid = c.post(f"{API}/sessions").json()["session_id"]
    assert_shape(c.post(f"{API}/sessions/{sid}/image", json={"image": base64.b64encode(b"%PDF").decode()}),
                 400, "InvalidImage", "not an image")


def _lines(caplog) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "imgedit.http"]


def test_one_access_line_per_request_and_one_error_line_per_error(apps, caplog):
    c = apps["api-only"]
    with caplog.at_level(logging.DEBUG, logger="imgedit.http"):
        assert c.get("/healthz").status_code == 200
    assert _lines(caplog) == [(logging.INFO, _lines(caplog)[0][1])]
    assert '"GET /healthz" 200' in _lines(caplog)[0][1]
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="imgedit.http"):
        c.delete(f"{API}/config")
    (level1, access), (level2, error) = _lines(caplog)
    assert level1 == logging.INFO and f'"DELETE {API}/config" 405' in access
    assert level2 == logging.WARNING and error.startswith(f"DELETE {API}/config -> 405 MethodNotAllowed: ")


def test_the_log_names_the_user_but_never_a_secret(tmp_path, caplog):
    from lib_imgedit.core.config import load_settings

    service = EditService(load_settings(tmp_path, env={}))
    c = TestClient(create_app(service, api_auth="ann:hunter2-secret", with_ui=False))
    with caplog.at_level(logging.INFO, logger="imgedit.http"):
        c.get(f"{API}/hunter2-secret", auth=("ann", "hunter2-secret"))
        c.get(f"{API}/config", auth=("ann", "wrong-password"))
    text = json.dumps(_lines(caplog))
    assert "hunter2-secret" not in text and "[secret]" in text
    lines = [m for _, m in _lines(caplog)]
    assert len(lines) == 4 and " ann " in lines[0] and " 401 " in lines[2] and "Unauthorized" in lines[3]
