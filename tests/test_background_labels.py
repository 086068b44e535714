"""Labels in the background: an upload answers with the fast segmenters' labels (MediaPipe's kind) while
the slower ones (the downloaded models) read the picture on the service's pool; their labels then
replace the picture's in place with one message naming them. Until then the view says the labels are
pending and an edit waits for them; a newer upload supersedes an older reading; a failure is one plain
sentence; a restart keeps the picture with its first labels and the next edit reads the rest again.

The slow member is made slow deterministically: it waits on a gate the test opens (one gate per call)."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from segment.tiny_onnx import segformer_like

from lib_imgedit import segment
from lib_imgedit.core.config import load_settings
from lib_imgedit.core.labels import LabelMap
from lib_imgedit.engine.service import EditService
from lib_imgedit.segment.base import Segmenter
from lib_imgedit.store import open_store

W = H = 64
WAIT_S = 20  # the longest a test waits for a thread it started (never reached when things work)


def box(x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
    m = np.zeros((H, W), bool)
    m[y0:y1, x0:x1] = True
    return m


def photo_png() -> bytes:
    rng = np.random.default_rng(0)
    img = rng.integers(0, 255, (H, W, 3), dtype=np.uint8)
    img[40:60, 44:62] = (200, 120, 40)  # the cat
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG")
    return buf.getvalue()


class People(Segmenter):
    """The fast member (plays MediaPipe: no downloaded model): a person on the left."""

    kind = "people"
    labels = ("person", "hair")

    def segment(self, image: np.ndarray) -> LabelMap:
        return LabelMap(W, H, {"person": box(4, 8, 30, 64), "hair": box(8, 8, 26, 14)}, source="people")


class Gated(Segmenter):
    """The slow member (plays a downloaded scene model): each call waits for its own gate, then finds the
    sky and a cat, or raises `error`."""

    kind = "scene"
    labels = ("sky", "cat", "person")

    def __init__(self) -> None:
        self.gates = [threading.Event() for _ in range(8)]
        self.started: list[threading.Event] = [threading.Event() for _ in range(8)]
        self.calls = 0
        self.error: Exception | None = None
        self.lock = threading.Lock()

    def segment(self, image: np.ndarray) -> LabelMap:
        with self.lock:
            n, self.calls = self.calls, self.calls + 1
        self.started[n].set()
        assert self.gates[n].wait(WAIT_S), "the test never opened this gate"
        if self.error is not None:
            raise self.error
        return LabelMap(W, H, {"sky": box(0, 0, 64, 6), "cat": box(44, 40, 62, 60)}, source="scene")

    def open_all(self) -> None:
        for gate in self.gates:
            gate.set()


@pytest.fixture
def slow(monkeypatch):
    """`segformer_ade20k` is the gated slow member, `mediapipe` the fast one (by the names combine.json
    knows: their kinds, and `fast`)."""
    gated = Gated()
    table = {"segformer_ade20k": gated, "mediapipe": People()}
    monkeypatch.setattr(segment, "create_segmenter", lambda name, settings=None, progress=None: table.get(name))
    yield gated
    gated.open_all()  # no thread left waiting


def make(tmp_path: Path, **over) -> EditService:
    settings = load_settings(tmp_path / "data", {"segmenters": "segformer_ade20k,mediapipe", "suggestions": False,
                                                 "turns_per_minute": 10000, "commercial_models_only": False,
                                                 "labels_wait_s": WAIT_S, **over}, env={})
    return EditService(settings)


def settled(service: EditService, sid: str, client: str = "me") -> dict:
    """The session view once its labels are no longer pending."""
    deadline = time.monotonic() + WAIT_S
    while True:
        view = service.session_view(sid, client)
        if not view["labels_pending"]:
            return view
        assert time.monotonic() < deadline, "the labels never arrived"
        time.sleep(0.02)


def announced(service: EditService, sid: str) -> list:
    """The messages that ended a reading, once there is one."""
    deadline = time.monotonic() + WAIT_S
    while not (found := [m for m in service.store.messages(sid) if "labels_added" in m.data]):
        assert time.monotonic() < deadline, "the labels never arrived"
        time.sleep(0.02)
    return found


def labels_of(service: EditService, sid: str, node_id: str) -> list[str]:
    return sorted(service.node_labels(service.store.get_node(sid, node_id)).names)


FIRST = ["background", "hair", "person"]


def test_the_upload_answers_with_the_first_labels_and_the_rest_follow_in_one_message(tmp_path, slow):
    service = make(tmp_path)
    sid = service.create_session("me").id
    out = service.upload(sid, "me", photo_png())
    assert slow.started[0].wait(WAIT_S) and not slow.gates[0].is_set()  # answered while the slow model still reads
    assert sorted(d["name"] for d in out.labels) == FIRST and out.labels_pending
    assert out.reply.startswith("I can see: background (64%), person (36%), hair (3%).") and out.reply.endswith(
        "Tell me what to change. Other models are still reading the picture; what they find will follow.")
    view = service.session_view(sid, "me")
    assert view["labels_pending"] and labels_of(service, sid, out.node_id) == FIRST
    assert [m["role"] for m in view["messages"]] == ["user", "assistant"]

    slow.gates[0].set()
    view = settled(service, sid)
    assert labels_of(service, sid, out.node_id) == sorted([*FIRST, "cat", "sky"])
    assert len(service.store.nodes(sid)) == 1 and view["current"] == out.node_id, "no new step"
    last = view["messages"][-1]
    assert [m["role"] for m in view["messages"]] == ["user", "assistant", "assistant"]
    assert last["text"] == "I can also see: sky (9%), cat (9%)." and last["node"] == out.node_id
    assert last["data"]["labels_added"] == ["sky", "cat"]
    labels = service.node_labels(service.store.get_node(sid, out.node_id))
    assert not (labels.masks["sky"] & labels.masks["person"]).any()  # combined by the rules: scene outside the person
    assert slow.calls == 1


def test_the_message_is_in_the_uploads_language(tmp_path, slow):
    service = make(tmp_path)
    sid = service.create_session("me").id
    out = service.upload(sid, "me", photo_png(), lang="zh_CN")
    assert out.reply.endswith("其他模型还在识别图片，找到的会随后补上。")
    slow.gates[0].set()
    assert settled(service, sid)["messages"][-1]["text"] == "我还看到：天空 (9%)、猫 (9%)。"


def test_an_edit_naming_a_slow_label_waits_for_it_then_runs(tmp_path, slow):
    service = make(tmp_path)
    sid = service.create_session("me").id
    up = service.upload(sid, "me", photo_png())
    done: list = []
    edit = threading.Thread(target=lambda: done.append(service.message(sid, "me", "blur the cat")))
    edit.start()
    edit.join(0.3)
    assert edit.is_alive() and len(service.store.nodes(sid)) == 1, "the edit waits for the cat's model"
    slow.gates[0].set()
    edit.join(WAIT_S)
    assert not edit.is_alive()
    out = done[0]
    assert out.instruction["operation"] == "adjust" and out.instruction["targets"] == ["cat"], out.reply
    assert out.node_id != up.node_id and "had not finished" not in out.reply
    texts = [m.text for m in service.store.messages(sid)]
    assert texts.count("I can also see: sky (9%), cat (9%).") == 1 and texts.index("I can also see: sky (9%), cat (9%).") == 2


def test_an_edit_waiting_when_a_newer_upload_comes_waits_for_the_newer_pictures_labels(tmp_path, slow):
    service = make(tmp_path)
    sid = service.create_session("me").id
    service.upload(sid, "me", photo_png())
    done: list = []
    edit = threading.Thread(target=lambda: done.append(service.message(sid, "me", "blur the cat")))
    edit.start()
    edit.join(0.2)
    newer = service.upload(sid, "me", photo_png())  # the edit is not under the lock while it waits
    slow.gates[0].set()
    assert slow.started[1].wait(WAIT_S)
    edit.join(0.2)
    assert edit.is_alive(), "now it waits for the newer picture's reading"
    slow.gates[1].set()
    edit.join(WAIT_S)
    assert done and done[0].instruction["targets"] == ["cat"] and "had not finished" not in done[0].reply
    assert service.store.get_node(sid, done[0].node_id).parent == newer.node_id


def test_an_edit_stops_waiting_after_labels_wait_s_and_says_so(tmp_path, slow):
    service = make(tmp_path, labels_wait_s=0.2)
    sid = service.create_session("me").id
    service.upload(sid, "me", photo_png())
    out = service.message(sid, "me", "make it brighter")
    assert out.instruction["operation"] == "adjust"
    assert "the other models had not finished: planned with the labels found so far" in out.reply
    assert not service.session_view(sid, "me")["labels_pending"]  # about the picture shown: the edit's
    slow.gates[0].set()
    assert [m.text for m in announced(service, sid)] == ["I can also see: sky (9%), cat (9%)."]  # the upload's picture


def test_a_failing_slow_member_is_one_plain_sentence(tmp_path, slow):
    slow.error = RuntimeError("the model file is damaged\nTraceback (most recent call last): ...")
    service = make(tmp_path)
    sid = service.create_session("me").id
    out = service.upload(sid, "me", photo_png())
    slow.gates[0].set()
    view = settled(service, sid)
    last = view["messages"][-1]
    assert last["text"] == "The other models added no labels. (segformer_ade20k skipped: the model file is damaged)"
    assert "Traceback" not in last["text"] and labels_of(service, sid, out.node_id) == FIRST
    assert service.message(sid, "me", "make it brighter").instruction["operation"] == "adjust"  # no wait, no dead end


def test_a_slow_model_that_cannot_be_had_is_the_sentence_the_upload_would_have_said(tmp_path, slow):
    from lib_imgedit import models

    service = make(tmp_path)
    slow.error = models.ModelUnavailable("could not download", model="segformer_ade20k", title="SegFormer-B0 ADE20K",
                                         reason="no network")
    sid = service.create_session("me").id
    service.upload(sid, "me", photo_png())
    slow.gates[0].set()
    text = settled(service, sid)["messages"][-1]["text"]
    sentence = models.unavailable_sentence([slow.error], service.settings)
    assert text == f"The other models added no labels. ({sentence})" and sentence.startswith("Could not get SegFormer-B0 ADE20K (no network)")


def test_a_newer_upload_supersedes_the_older_reading(tmp_path, slow):
    service = make(tmp_path)
    sid = service.create_session("me").id
    a = service.upload(sid, "me", photo_png())
    assert slow.started[0].wait(WAIT_S)
    b = service.upload(sid, "me", photo_png())
    c = service.upload(sid, "me", photo_png())  # replaces b's reading before it started
    time.sleep(0.2)
    assert slow.calls == 1, "one reading per session at a time"
    view = service.session_view(sid, "me")
    assert view["current"] == c.node_id and view["labels_pending"]
    slow.gates[0].set()  # a's reading ends: its labels are stored, not announced
    assert slow.started[1].wait(WAIT_S)  # then c's starts (b's was dropped)
    assert labels_of(service, sid, a.node_id) == sorted([*FIRST, "cat", "sky"])
    assert service.session_view(sid, "me")["labels_pending"]
    slow.gates[1].set()
    view = settled(service, sid)
    added = [m for m in view["messages"] if m["data"].get("labels_added")]
    assert [m["node"] for m in added] == [c.node_id]
    assert labels_of(service, sid, c.node_id) == sorted([*FIRST, "cat", "sky"])
    assert labels_of(service, sid, b.node_id) == FIRST and slow.calls == 2


def test_history_moves_and_other_sessions_stay_correct_while_labels_are_read(tmp_path, slow):
    service = make(tmp_path)
    sid = service.create_session("me").id
    a = service.upload(sid, "me", photo_png())
    assert service.undo(sid, "me").reply == "Nothing to undo: this is the original picture."  # answered at once
    other = service.create_session("me").id
    assert service.session_view(other, "me")["labels_pending"] is False
    assert service.jump(sid, "me", a.node_id).node_id == a.node_id
    slow.gates[0].set()
    view = settled(service, sid)
    assert view["current"] == a.node_id and len(service.store.nodes(sid)) == 1
    assert view["messages"][-1]["text"] == "I can also see: sky (9%), cat (9%)."
    edited = service.message(sid, "me", "blur the sky")
    assert edited.instruction["targets"] == ["sky"]
    assert service.undo(sid, "me").node_id == a.node_id and not service.session_view(sid, "me")["labels_pending"]


def test_labels_found_by_name_before_the_reading_ends_are_kept(tmp_path, slow):
    service = make(tmp_path)
    sid = service.create_session("me").id
    up = service.upload(sid, "me", photo_png())
    node = service.store.get_node(sid, up.node_id)
    first = service.node_labels(node)
    cup = LabelMap(W, H, {**first.masks, "cup": box(30, 30, 36, 36)}, first.faces, first.source)
    service.store.set_labelmap(sid, up.node_id, service.blobs.put(cup.to_bytes(), "npz"))
    slow.gates[0].set()
    view = settled(service, sid)
    assert labels_of(service, sid, up.node_id) == sorted([*FIRST, "cat", "cup", "sky"])
    assert view["messages"][-1]["text"] == "I can also see: sky (9%), cat (9%)."  # the cup was no news


@pytest.mark.parametrize("store", ["sqlite", "redis"])
def test_a_restart_keeps_the_picture_and_its_first_labels_and_the_next_edit_reads_the_rest(tmp_path, slow, store, request):
    before = make(tmp_path, **({"store": "redis", "redis_url": request.getfixturevalue("redis_url")} if store == "redis" else {}))
    sid = before.create_session("me").id
    up = before.upload(sid, "me", photo_png())
    assert slow.started[0].wait(WAIT_S)
    # the server restarts: a new service on the same store; the old one's reading is as good as gone
    after = EditService(before.settings, store=open_store(before.settings))
    view = after.session_view(sid, "me")
    assert view["current"] == up.node_id and view["labels_pending"]
    assert after.node_png(sid, "me", up.node_id) == before.blobs.get(before.store.get_node(sid, up.node_id).image)
    assert labels_of(after, sid, up.node_id) == FIRST
    done: list = []
    edit = threading.Thread(target=lambda: done.append(after.message(sid, "me", "blur the cat")))
    edit.start()
    assert slow.started[1].wait(WAIT_S), "the edit reads the picture again"
    slow.gates[1].set()
    edit.join(WAIT_S)
    assert done and done[0].instruction["targets"] == ["cat"]
    slow.gates[0].set()  # the old reading ends: it no longer speaks for the session
    deadline = time.monotonic() + WAIT_S
    while before.background._running and time.monotonic() < deadline:
        time.sleep(0.02)
    texts = [m.text for m in after.store.messages(sid)]
    assert texts.count("I can also see: sky (9%), cat (9%).") == 1
    assert not after.session_view(sid, "me")["labels_pending"]


def test_a_marker_left_by_a_service_that_is_gone_is_taken_over_by_a_view_once_stale(tmp_path, slow):
    before = make(tmp_path)
    sid = before.create_session("me").id
    up = before.upload(sid, "me", photo_png())
    after = EditService(before.settings.update({"labels_wait_s": 0.2}), store=open_store(before.settings))
    assert after.session_view(sid, "me")["labels_pending"] and slow.calls == 1  # another service may still be at it
    time.sleep(0.3)
    assert after.session_view(sid, "me")["labels_pending"]  # stale now: taken over
    assert slow.started[1].wait(WAIT_S)
    slow.gates[1].set()
    view = settled(after, sid)
    assert [m["text"] for m in view["messages"]].count("I can also see: sky (9%), cat (9%).") == 1
    assert labels_of(after, sid, up.node_id) == sorted([*FIRST, "cat", "sky"])


def test_with_the_setting_off_or_only_fast_members_the_upload_answers_with_every_label(tmp_path, slow):
    slow.open_all()
    service = make(tmp_path, labels_in_background=False)
    sid = service.create_session("me").id
    out = service.upload(sid, "me", photo_png())
    assert sorted(d["name"] for d in out.labels) == sorted([*FIRST, "cat", "sky"]) and not out.labels_pending
    assert "still reading" not in out.reply and not service.session_view(sid, "me")["labels_pending"]
    fast_only = make(tmp_path / "fast", segmenters="mediapipe")
    sid = fast_only.create_session("me").id
    out = fast_only.upload(sid, "me", photo_png())
    assert sorted(d["name"] for d in out.labels) == FIRST and not out.labels_pending
    assert len(fast_only.store.messages(sid)) == 2 and fast_only.background._pool is None


def test_the_api_view_and_upload_say_the_labels_are_pending(tmp_path, slow):
    from fastapi.testclient import TestClient
    from helpers import b64png

    from lib_imgedit.app.standalone import create_app

    service = make(tmp_path)
    client = TestClient(create_app(service, with_ui=False))
    api = "/sdapi/v1/imgedit"
    sid = client.post(f"{api}/sessions").json()["session_id"]
    img = np.asarray(Image.open(io.BytesIO(photo_png())))
    up = client.post(f"{api}/sessions/{sid}/image", json={"image": b64png(img)}).json()
    assert up["labels_pending"] is True and client.get(f"{api}/sessions/{sid}").json()["labels_pending"] is True
    slow.gates[0].set()
    deadline = time.monotonic() + WAIT_S
    while client.get(f"{api}/sessions/{sid}").json()["labels_pending"]:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert client.get(f"{api}/sessions/{sid}").json()["messages"][-1]["data"]["labels_added"] == ["sky", "cat"]


def test_the_cli_waits_for_every_label(tmp_path, slow, capsys):
    from lib_imgedit.app.cli import main

    slow.open_all()
    src, dst = tmp_path / "in.png", tmp_path / "out.png"
    src.write_bytes(photo_png())
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "config.json").write_text('{"segmenters": "segformer_ade20k,mediapipe", "commercial_models_only": false}')
    assert main(["--data-dir", str(tmp_path / "d"), "edit", str(src), "blur the cat", "-o", str(dst)]) == 0
    out = capsys.readouterr().out
    assert "cat (9%)" in out.splitlines()[0] and "still reading" not in out and '"targets": ["cat"]' in out


def test_a_tiny_onnx_scene_model_through_the_registry_reads_in_the_background(tmp_path, monkeypatch):
    """The real path: the chain made by the registry, a tiny SegFormer-like ONNX model on disk (blue: sky,
    green: grass), held at a gate before it runs; the fast member stands in for MediaPipe."""
    from lib_imgedit import models
    from lib_imgedit.segment.onnx_semantic import OnnxSegmenter

    service = make(tmp_path, models_offline=True)
    monkeypatch.setitem(models.catalog(), "segformer_ade20k", models.parse_spec("segformer_ade20k", {
        "kind": "semantic", "head": "segformer", "title": "Tiny Scenes", "repo": "test/scenes", "revision": "c" * 40,
        "files": [{"role": "model", "path": "onnx/model.onnx"}], "licence": "test",
        "input": {"size": [64, 64], "mean": [0.5] * 3, "std": [0.5] * 3, "scale": 1 / 255}, "output": "logits",
        "labels": ["person", "grass", "sky"], "min_share": 0.001,
    }))  # fmt: skip
    segformer_like(models.models_dir(service.settings) / "segformer_ade20k" / "onnx" / "model.onnx", np.eye(3) * 4)
    real_create = segment.create_segmenter
    monkeypatch.setattr(segment, "create_segmenter", lambda name, settings=None, progress=None:
                        People() if name == "mediapipe" else real_create(name, settings, progress))
    gate, reading = threading.Event(), threading.Event()
    real_segment = OnnxSegmenter.segment

    def gated(self, image):
        reading.set()
        assert gate.wait(WAIT_S)
        return real_segment(self, image)

    monkeypatch.setattr(OnnxSegmenter, "segment", gated)
    img = np.zeros((H, W, 3), np.uint8)
    img[:32] = (0, 0, 255)
    img[32:] = (0, 255, 0)
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG")
    sid = service.create_session("me").id
    try:
        out = service.upload(sid, "me", buf.getvalue())
        assert reading.wait(WAIT_S) and out.labels_pending and sorted(d["name"] for d in out.labels) == FIRST
        gate.set()
        view = settled(service, sid)
    finally:
        gate.set()
    assert {"grass", "sky"} <= set(view["messages"][-1]["data"]["labels_added"])
    labels = service.node_labels(service.store.get_node(sid, out.node_id))
    assert labels.masks["sky"][:30, 32:].all() and labels.masks["grass"][34:, 32:].all()
    assert not (labels.masks["sky"] & labels.masks["person"]).any()


def test_the_tab_shows_the_labels_when_they_arrive_without_a_reload(tmp_path, slow):
    """The page's refresh (clicked every second while the state says labels_pending): nothing changes
    while the labels are read, then the chips, the overlay and the chat's message come as after a turn."""
    import html
    import json
    from types import SimpleNamespace

    from lib_imgedit.ui.compat import client_of
    from lib_imgedit.ui.tab import ChatEditTab
    from lib_imgedit.ui.tabhost import TabHost

    def state(out: dict) -> dict:
        return json.loads(html.unescape(out[c["state"]].split('data-state="')[1].split('"')[0]))

    service = make(tmp_path)
    built = ChatEditTab(service, TabHost(), standalone=True, lang="")
    built.blocks = built.build()
    c = built.c
    request = SimpleNamespace(request=SimpleNamespace(state=SimpleNamespace()))
    path = tmp_path / "photo.png"
    path.write_bytes(photo_png())
    work = built.on_upload(SimpleNamespace(name=str(path)), None, "", [], request)[c["result"]]
    out = built.on_turn_end(work["sid"], True, "", work, request)
    sid = out[c["sid"]]
    assert state(out)["labels_pending"] is True and 'data-label="cat"' not in out[c["legend"]]
    assert out[c["chat"]][-1][1].endswith("what they find will follow.")
    assert built.on_refresh(sid, True, "", [], None, None, request) == built.unchanged("state")
    slow.gates[0].set()
    settled(service, sid, client_of(request))
    done = built.on_refresh(sid, True, "", [], None, None, request)
    assert 'data-label="cat"' in done[c["legend"]] and 'data-label="sky"' in done[c["legend"]]
    assert "labels_pending" not in state(done) and state(done)["node"] == state(out)["node"]
    assert done[c["chat"]][-1][1] == "I can also see: sky (9%), cat (9%)."
    assert done[c["overlay_file"]] != out[c["overlay_file"]]  # drawn again with the new labels
    assert built.on_refresh(None, False, "", [], None, None, request) == built.unchanged("state")
