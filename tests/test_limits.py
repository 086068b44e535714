"""Configurable limits (turns per minute, sessions per client, message length, upload size, image
pixels) and the expiry of idle sessions with their files."""

from __future__ import annotations

import base64
import io
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from lib_imgedit.app.cli import main
from lib_imgedit.app.standalone import create_app
from lib_imgedit.engine.housekeeping import Sweeper, sweep
from lib_imgedit.engine.service import EditService
from lib_imgedit.store import open_store

API = "/sdapi/v1/imgedit"


def png_b64(w: int, h: int, seed: int = 0) -> str:
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(seed).integers(0, 255, (h, w, 3), dtype=np.uint8)).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def app(settings, **limits):
    service = EditService(settings.update(limits))
    return service, TestClient(create_app(service, with_ui=False))


def new_session(client, headers=None, seed=0, size=32):
    sid = client.post(f"{API}/sessions", headers=headers).json()["session_id"]
    r = client.post(f"{API}/sessions/{sid}/image", json={"image": png_b64(size, size, seed)}, headers=headers)
    assert r.status_code == 200, r.text
    return sid


def test_turns_per_minute(settings):
    _, client = app(settings, turns_per_minute=3)
    sid = new_session(client)  # the upload is the first turn
    for text in ("make it brighter", "make it darker"):
        assert client.post(f"{API}/sessions/{sid}/message", json={"text": text}).status_code == 200
    before = client.get(f"{API}/sessions/{sid}").json()
    for path, body in (("message", {"text": "sharpen it"}), ("undo", None), ("image", {"image": png_b64(8, 8)})):
        r = client.post(f"{API}/sessions/{sid}/{path}", json=body)
        assert r.status_code == 429, r.text
        assert r.json()["error"] == "RateLimited" and "3 a minute" in r.json()["message"]
        assert 1 <= int(r.headers["retry-after"]) <= 60
    assert client.get(f"{API}/sessions/{sid}").json() == before
    other = {"X-Imgedit-Client": "someone else"}  # counted per client
    assert client.post(f"{API}/sessions/{new_session(client, other)}/message", json={"text": "blur it"}, headers=other).status_code == 200


def test_sessions_per_client(settings):
    _, client = app(settings, sessions_per_client=2)
    first = client.post(f"{API}/sessions").json()["session_id"]
    client.post(f"{API}/sessions")
    r = client.post(f"{API}/sessions")
    assert r.status_code == 429 and "2 sessions" in r.json()["message"]
    assert client.post(f"{API}/sessions", headers={"X-Imgedit-Client": "b"}).status_code == 200
    client.delete(f"{API}/sessions/{first}")
    assert client.post(f"{API}/sessions").status_code == 200


def test_message_upload_and_pixel_limits(settings):
    _, client = app(settings, max_message_chars=20, max_upload_mb=0.02, max_image_pixels=800, max_image_side=30)
    sid = new_session(client, size=20)
    assert client.post(f"{API}/sessions/{sid}/message", json={"text": "make it brighter    "}).status_code == 200
    r = client.post(f"{API}/sessions/{sid}/message", json={"text": "make it brighter now!"})
    assert r.status_code == 413 and "limit is 20" in r.json()["message"]
    r = client.post(f"{API}/sessions/{sid}/image", json={"image": png_b64(90, 90)})  # ~24 kB of noise
    assert r.status_code == 413 and "MB" in r.json()["message"]
    r = client.post(f"{API}/sessions/{sid}/image", json={"image": png_b64(31, 5)})
    assert r.status_code == 413 and "30 px a side" in r.json()["message"]
    r = client.post(f"{API}/sessions/{sid}/image", json={"image": png_b64(30, 30)})
    assert r.status_code == 413 and "megapixels" in r.json()["message"]
    r = client.post(f"{API}/sessions/{sid}/image", content=b"{" + b" " * 3_000_000 + b"}",
                    headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"] == "PayloadTooLarge"


def test_ten_megabyte_message_under_the_default_limits(settings):
    _, client = app(settings)
    sid = new_session(client)
    before = client.get(f"{API}/sessions/{sid}").json()
    r = client.post(f"{API}/sessions/{sid}/message", json={"text": "blur " * 2_000_000})
    assert r.status_code == 413 and "10000000 characters; the limit is 4000" in r.json()["message"]
    assert client.get(f"{API}/sessions/{sid}").json() == before


def blob_files(service) -> set[str]:
    return {p.name for p in service.blobs.root.rglob("*") if p.is_file()}


@pytest.fixture(params=["sqlite", "redis"])
def expiring(request, settings):
    """A service whose sessions expire after 0.5 s of idleness, on each store."""
    overrides = {"session_ttl_days": 0.5 / 86400}
    if request.param == "redis":
        overrides |= {"store": "redis", "redis_url": request.getfixturevalue("redis_url")}
    return app(settings, **overrides)


def test_idle_sessions_expire_with_their_files(expiring):
    service, client = expiring
    old = new_session(client, seed=1)
    client.post(f"{API}/sessions/{old}/message", json={"text": "make it brighter"})
    old_files = blob_files(service)
    time.sleep(0.6)
    fresh = new_session(client, seed=2)
    assert sweep(service.store, service.blobs, 0.5, file_grace_s=0)[0] == 1  # at once: `fresh` is not idle yet
    assert client.get(f"{API}/sessions/{old}").status_code == 404
    fresh_files = {k for n in service.store.nodes(fresh) for k in (n.image, n.labelmap)}
    assert blob_files(service) == fresh_files and len(old_files - fresh_files) == 2  # old upload and edit
    assert client.get(f"{API}/sessions/{fresh}").status_code == 200
    assert [s["session_id"] for s in client.get(f"{API}/sessions").json()["sessions"]] == [fresh]
    # the background thread does the same once `fresh` has been idle for 0.5 s
    sweeper = Sweeper(service.store, service.blobs, service.settings.session_ttl_days, interval_s=0.05, file_grace_s=0)
    sweeper.start()
    deadline = time.time() + 10
    while client.get(f"{API}/sessions/{fresh}").status_code != 404 or blob_files(service):
        assert time.time() < deadline, "the sweeper did not expire the idle session"
        time.sleep(0.05)
    sweeper.stop()
    assert not sweeper.running


def test_a_turn_keeps_its_session_alive(settings):
    service, client = app(settings, session_ttl_days=0.5 / 86400)
    sid = new_session(client)
    for _ in range(3):
        time.sleep(0.3)
        assert client.post(f"{API}/sessions/{sid}/message", json={"text": "make it brighter"}).status_code == 200
        assert sweep(service.store, service.blobs, 0.5, file_grace_s=0)[0] == 0
    time.sleep(0.6)
    assert sweep(service.store, service.blobs, 0.5, file_grace_s=0)[0] == 1
    assert client.get(f"{API}/sessions/{sid}").status_code == 404


def test_no_expiry_when_ttl_is_zero(settings):
    service, client = app(settings, session_ttl_days=0)
    sid = new_session(client)
    assert sweep(service.store, service.blobs, 0, file_grace_s=0) == (0, 0)
    assert client.get(f"{API}/sessions/{sid}").status_code == 200


def test_the_server_runs_the_sweeper(settings):
    application = create_app(EditService(settings), with_ui=False)
    assert not application.state.sweeper.running
    with TestClient(application):
        assert application.state.sweeper.running
    assert not application.state.sweeper.running


def test_gc_command(settings, capsys):
    service, client = app(settings)
    old = new_session(client, seed=3)
    time.sleep(0.3)
    keep = new_session(client, seed=4)
    orphan = service.blobs.put(b"left behind by a failed commit", "png")
    args = ["--data-dir", settings.data_dir, "gc", "--session-ttl-days", str(0.25 / 86400), "--min-age-minutes", "0"]
    old_image = service.store.nodes(old)[0].image
    kept = {k for n in service.store.nodes(keep) for k in (n.image, n.labelmap)}
    assert main(args) == 0
    assert "removed 1 expired sessions and " in capsys.readouterr().out
    store = open_store(settings)
    assert [s.id for s in store.list_sessions("anonymous")] == [keep]
    assert not service.blobs.exists(orphan) and not service.blobs.exists(old_image)
    assert all(service.blobs.exists(k) for k in kept)


def test_client_address_trusts_only_the_configured_proxies():
    from lib_imgedit.core.limits import client_address, client_key

    assert client_address("127.0.0.1", "203.0.113.5", "127.0.0.1") == "203.0.113.5"  # the local proxy
    assert client_address("10.0.0.2", "203.0.113.5", "127.0.0.1") == "10.0.0.2"  # anyone else: its own address
    assert client_address("127.0.0.1", "", "127.0.0.1") == "127.0.0.1"
    # read from the right: a client cannot pose as another by writing the header itself
    assert client_address("127.0.0.1", "6.6.6.6, 203.0.113.5", "127.0.0.1") == "203.0.113.5"
    assert client_address("10.0.0.2", "6.6.6.6, 203.0.113.5, 10.1.2.3", "10.0.0.0/8, ::1") == "203.0.113.5"
    assert client_address("::1", "2001:db8::7", "10.0.0.0/8, ::1") == "2001:db8::7"
    assert client_address("10.0.0.2", "10.0.0.7, 10.0.0.8", "*") == "10.0.0.7"  # all trusted: the leftmost
    assert client_address(None, "1.2.3.4", "127.0.0.1") == "unknown"
    assert client_key("ann", "10.0.0.2", "", "") == "user:ann" and client_key(None, "10.0.0.2", "", "") == "addr:10.0.0.2"
    assert client_address("testclient", "1.2.3.4", "testclient, 127.0.0.1") == "1.2.3.4"  # literals, as uvicorn


def test_turns_and_sessions_per_client(settings):
    """Counted per client address across its sessions; another address (through a trusted proxy) or a
    signed-in user is another client."""
    _, client = app(settings, client_turns_per_minute=4, sessions_per_minute=3, forwarded_allow_ips="testclient, 127.0.0.1")
    client.headers["X-Forwarded-For"] = "203.0.113.5"
    sids = [new_session(client, seed=i) for i in range(2)]  # 2 sessions, 2 turns (uploads)
    for sid in sids:
        assert client.post(f"{API}/sessions/{sid}/message", json={"text": "make it brighter"}).status_code == 200
    r = client.post(f"{API}/sessions/{sids[0]}/undo")
    assert r.status_code == 429 and "4 a minute" in r.json()["message"] and "client" in r.json()["message"]
    assert 1 <= int(r.headers["retry-after"]) <= 60
    assert client.post(f"{API}/plan", json={"text": "blur it"}).status_code == 429  # a dry run is work too
    assert client.post(f"{API}/sessions").status_code == 200
    r = client.post(f"{API}/sessions")
    assert r.status_code == 429 and "3 a minute" in r.json()["message"] and int(r.headers["retry-after"]) >= 1
    other = {"X-Forwarded-For": "203.0.113.6"}
    assert client.post(f"{API}/sessions", headers=other).status_code == 200
    # an untrusted peer's header is ignored: the same client as before
    _, direct = app(settings, client_turns_per_minute=1, forwarded_allow_ips="127.0.0.1")
    assert direct.post(f"{API}/plan", json={"text": "blur it"}, headers={"X-Forwarded-For": "1.1.1.1"}).status_code == 200
    assert direct.post(f"{API}/plan", json={"text": "blur it"}, headers={"X-Forwarded-For": "2.2.2.2"}).status_code == 429


def test_signed_in_users_are_counted_by_name(settings):
    service = EditService(settings.update({"client_turns_per_minute": 1}))
    client = TestClient(create_app(service, api_auth="ann:pw1,bob:pw2", with_ui=False))
    assert client.post(f"{API}/plan", json={"text": "blur it"}, auth=("ann", "pw1")).status_code == 200
    assert client.post(f"{API}/plan", json={"text": "blur it"}, auth=("ann", "pw1")).status_code == 429
    assert client.post(f"{API}/plan", json={"text": "blur it"}, auth=("bob", "pw2")).status_code == 200


def test_the_machine_cap_queues_then_refuses(settings):
    import threading

    from lib_imgedit.core.errors import RateLimited

    service = EditService(settings.update({"max_running_turns": 1, "max_waiting_turns": 1}))
    holding, release, order = threading.Event(), threading.Event(), []

    def first():
        with service.limits.running():
            holding.set()
            release.wait(10)
            order.append("first")

    def queued():
        with service.limits.running():
            order.append("queued")

    threads = [threading.Thread(target=first), threading.Thread(target=queued)]
    threads[0].start()
    holding.wait(10)
    threads[1].start()
    deadline = time.time() + 10
    while service.limits._waiting == 0:
        assert time.time() < deadline
        time.sleep(0.01)
    with pytest.raises(RateLimited, match="busy") as refused:  # one running, one waiting: full
        with service.limits.running():
            pass
    assert refused.value.retry_after > 0
    release.set()
    for t in threads:
        t.join(10)
    assert order == ["first", "queued"]
    with service.limits.running():  # free again
        pass


def test_inside_the_webui_the_api_auth_user_is_the_client(settings):
    """The WebUI's router checks --api-auth before the limits count, so they count its user."""
    from fastapi import Depends, FastAPI

    from lib_imgedit.app.api import create_router
    from lib_imgedit.host.routes import basic_auth

    service = EditService(settings.update({"client_turns_per_minute": 1, "sessions_per_minute": 1}))
    webui = FastAPI()
    webui.include_router(create_router(service, dependencies=[Depends(basic_auth({"ann": "pw1", "bob": "pw2"}))]))
    client = TestClient(webui)
    for path, body in (("/sessions", None), ("/plan", {"text": "blur it"})):
        assert client.post(f"{API}{path}", json=body, auth=("ann", "pw1")).status_code == 200
        r = client.post(f"{API}{path}", json=body, auth=("ann", "pw1"))
        assert r.status_code == 429 and r.headers["retry-after"]
        assert client.post(f"{API}{path}", json=body, auth=("bob", "pw2")).status_code == 200
    assert client.post(f"{API}/plan", json={"text": "blur it"}).status_code == 401  # not counted, refused
