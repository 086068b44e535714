"""Model downloads seen in the conversation, against a local HTTP server standing in for the hub: a
large model is offered in the upload's reply and not downloaded until the user says 'download the
models' (then remembered in the settings, downloaded with progress, and the picture read again); a
small one downloads during the upload, its progress reaching the caller and the reply naming it; a
download that failed is not retried on the next upload."""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import re

import numpy as np
import pytest
from helpers import needs_mediapipe
from PIL import Image
from segment.tiny_onnx import segformer_like
from test_models import REV, FakeHub

from lib_imgedit import models
from lib_imgedit.core.config import load_settings
from lib_imgedit.engine.service import EditService
from lib_imgedit.segment import LabelMap

SCENE = "segformer_ade20k"


def photo_png() -> bytes:
    img = np.zeros((64, 64, 3), np.uint8)
    img[:32] = (0, 0, 255)  # sky (blue) over grass (green)
    img[32:] = (0, 255, 0)
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def hub(server, tmp_path, monkeypatch):
    """The tiny scene model (red: person, green: grass, blue: sky) served as the hub serves files, and
    the download path pointed at it."""
    from huggingface_hub import constants

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)  # read once, when huggingface_hub was first imported
    onnx = segformer_like(tmp_path / "model.onnx", np.eye(3) * 4).read_bytes()
    fake = FakeHub(onnx, hashlib.sha256(onnx).hexdigest())
    server.expect_request(re.compile(r"/test/.+/resolve/.+")).respond_with_handler(fake)
    monkeypatch.setattr(models, "ensure_files", functools.partial(models.ensure_files, endpoint=server.url_for("").rstrip("/")))
    models.forget_failures()
    yield fake
    models.forget_failures()


def make(settings, monkeypatch, size_mb: float, background: bool = False) -> EditService:
    """The service with the tiny scene model served; the upload waits for every label unless `background`."""
    monkeypatch.setitem(models.catalog(), SCENE, models.parse_spec(SCENE, {
        "kind": "semantic", "head": "segformer", "title": "Tiny Scenes", "repo": "test/scenes", "revision": REV,
        "files": [{"role": "model", "path": "onnx/model.onnx", "size_mb": size_mb}], "licence": "test licence",
        "input": {"size": [64, 64], "mean": [0.5] * 3, "std": [0.5] * 3, "scale": 1 / 255}, "output": "logits",
        "labels": ["person", "grass", "sky"], "min_share": 0.001,
    }))  # fmt: skip
    monkeypatch.setitem(models.catalog(), "clipseg", models.parse_spec("clipseg", {  # served like the scene model
        "kind": "grounding", "head": "clipseg", "title": "Tiny Finder", "repo": "test/finder", "revision": REV,
        "files": [{"role": "model", "path": "onnx/model.onnx", "size_mb": 1}], "licence": "test", "commercial": True,
        "output": "logits",
    }))  # fmt: skip
    return EditService(settings.update({"segmenters": f"{SCENE},mediapipe", "suggestions": False, "turns_per_minute": 10000,
                                        "labels_in_background": background}))


def test_a_large_model_is_offered_once_asked_for_then_downloaded_with_progress(settings, monkeypatch, hub):
    service = make(settings, monkeypatch, size_mb=150)
    sid = service.create_session("me").id
    first = service.upload(sid, "me", photo_png())
    assert "I can see more (grass, person, sky) with Tiny Scenes (150 MB download, test licence): say 'download the " \
           "models' or turn on “Download large models without asking” in Settings." in first.reply
    assert hub.requests == 0 and not models.is_present(SCENE, service.settings) and "sky" not in first.labels
    stored = service.store.recent_messages(sid, 1)[0].data["downloads"]
    assert stored == [{"name": SCENE, "title": "Tiny Scenes", "size_mb": 150.0, "licence": "test licence"}]
    again = service.upload(sid, "me", photo_png())
    assert "download the models" in again.reply and hub.requests == 0, "asked, never fetched without the user"

    seen: list[tuple[int, int, str]] = []
    agreed = service.message(sid, "me", "Download the models!", progress=lambda *a: seen.append(a))
    assert "(downloaded Tiny Scenes (150 MB); downloaded Tiny Finder (1 MB))" in agreed.reply and hub.requests > 0
    assert {d["name"] for d in agreed.labels} >= {"sky", "grass"} and agreed.executor == "segment"
    assert any("Downloaded Tiny Scenes" in m for _, _, m in seen) and seen[-1][0] == seen[-1][1]
    assert load_settings(settings.data_dir, env={}).download_large_models, "the agreement is kept in config.json"
    assert agreed.node_id == again.node_id and len(service.store.nodes(sid)) == 2, "no new step in the history"
    assert {"sky", "grass"} <= set(service.node_labels(service.store.get_node(sid, again.node_id)).names)
    assert service.message(sid, "me", "download the models").reply.startswith("The models that read the picture are already here")
    assert len(service.store.nodes(sid)) == 2

    later = service.upload(sid, "me", photo_png())
    assert "download the models" not in later.reply and "downloaded" not in later.reply
    assert {d["name"] for d in later.labels} >= {"sky", "grass"}


def test_a_small_model_downloads_during_the_upload_and_the_reply_names_it(settings, monkeypatch, hub):
    service = make(settings, monkeypatch, size_mb=5)
    sid = service.create_session("me").id
    seen: list[tuple[int, int, str]] = []
    out = service.upload(sid, "me", photo_png(), progress=lambda *a: seen.append(a))
    assert "(downloaded Tiny Scenes (5 MB))" in out.reply and "download the models" not in out.reply
    assert seen and all("Tiny Scenes" in m for _, _, m in seen) and {d["name"] for d in out.labels} >= {"sky"}


@needs_mediapipe
def test_with_labels_in_the_background_a_small_model_downloads_after_the_answer_and_its_message_names_it(settings, monkeypatch, hub):
    service = make(settings, monkeypatch, size_mb=5, background=True)
    sid = service.create_session("me").id
    out = service.upload(sid, "me", photo_png())
    assert out.labels_pending and "downloaded" not in out.reply and "sky" not in {d["name"] for d in out.labels}
    assert service.wait_for_labels(sid, "me")
    said = service.store.recent_messages(sid, 1)[0]
    assert said.text.startswith("I can also see: ") and said.text.endswith("(downloaded Tiny Scenes (5 MB))")
    assert {"sky", "grass"} <= set(said.data["labels_added"]) and hub.requests > 0


def test_a_download_that_failed_is_named_once_and_never_retried(settings, monkeypatch, hub):
    hub.etag = "0" * 64  # every download fails its checksum
    service = make(settings, monkeypatch, size_mb=5)
    sid = service.create_session("me").id
    out = service.upload(sid, "me", photo_png())
    assert ("(Could not get Tiny Scenes (onnx/model.onnx failed its checksum and was deleted): set “Model hub address” in Settings (or HF_ENDPOINT) to a "
            "mirror of the hub, put the files into ") in out.reply
    asked = hub.requests
    assert asked > 0
    for _ in range(2):
        again = service.upload(sid, "me", photo_png())
        assert "skipped" not in again.reply and "download" not in again.reply
    assert hub.requests == asked, "not retried on every upload"


def test_reading_the_picture_again_keeps_the_labels_no_model_gives(settings, monkeypatch, hub):
    service = make(settings, monkeypatch, size_mb=150)
    sid = service.create_session("me").id
    sea = np.zeros((64, 64), bool)
    sea[40:, :20] = True
    up = service.upload(sid, "me", photo_png(), label_map=LabelMap(64, 64, {"sea": sea, "background": ~sea}))
    assert "download the models" not in up.reply, "a provided label map needs no model"
    agreed = service.message(sid, "me", "下载模型")
    names = {d["name"] for d in agreed.labels}
    assert {"sky", "grass", "sea"} <= names and agreed.reply.startswith("我在图中看到") and "已下载 Tiny Scenes" in agreed.reply
    relabelled = service.node_labels(service.store.get_node(sid, agreed.node_id))
    assert (relabelled.masks["sea"] == sea).all()


BAD = re.compile(r"Traceback|\b[A-Z]\w*(Error|Exception)\b|&#|&[a-z]+;|https?://")


@pytest.fixture
def no_hub(monkeypatch):
    """Every download fails: the hub's address refuses connections (as behind a proxy or offline)."""
    from huggingface_hub import constants

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(models, "ensure_files", functools.partial(models.ensure_files, endpoint="http://127.0.0.1:9"))
    models.forget_failures()
    yield
    models.forget_failures()


def cat_png() -> bytes:
    from skimage import data

    buf = io.BytesIO()
    Image.fromarray(data.chelsea()).save(buf, format="PNG")
    return buf.getvalue()


def test_when_every_download_fails_replies_logs_and_the_cli_say_so_plainly(settings, no_hub, caplog, capsys, tmp_path):
    from lib_imgedit.app import cli

    caplog.set_level(logging.WARNING)
    service = EditService(settings.update({"suggestions": False, "turns_per_minute": 10000, "labels_in_background": False}))
    sid = service.create_session("me").id
    replies = [service.upload(sid, "me", cat_png()).reply]
    replies += [service.message(sid, "me", text).reply for text in ("remove the cat", "make the cat orange", "download the models")]
    first = replies[0]
    assert first.count("Could not get") == 1 and "MaskFormer" in first and "SegFormer-B0" in first, first
    assert "HF_ENDPOINT" in first and str(models.models_dir(service.settings)) in first
    source = tmp_path / "cat.png"
    source.write_bytes(cat_png())
    models.forget_failures()
    code = cli.main(["--data-dir", str(tmp_path / "cli"), "edit", str(source), "remove the cat", "blur the background", "--commercial-models-only", "off",
                     "-o", str(tmp_path / "out.png")])
    printed = capsys.readouterr()
    assert code == 0 and (tmp_path / "out.png").is_file(), printed
    assert printed.out.count("Could not get") == 1 and printed.err == ""
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    for text in [*replies, printed.out, *logged]:
        assert not BAD.search(text.replace(str(tmp_path), "")), text
    assert logged == []


def test_without_the_object_model_a_named_thing_is_offered_as_the_subject_in_one_click(settings, no_hub):
    service = EditService(settings.update({"commercial_models_only": True, "suggestions": False, "turns_per_minute": 10000}))
    sid = service.create_session("me").id
    up = service.upload(sid, "me", cat_png())
    assert [d["name"] for d in up.labels] == ["subject", "background"] and "Could not" not in up.reply
    offer = "I can't tell objects apart without the object model; edit the subject (73%) as the cat?"
    download = {"text": "Download the models", "message": "download the models", "answer": True}
    for text, operation in (("remove the cat", "remove"), ("make the cat orange", "recolor")):
        out = service.message(sid, "me", text)
        assert out.reply.startswith(offer + " Or say 'download the models' to get CLIPSeg rd64-refined (141 MB, Apache-2.0)")
        assert out.instruction["operation"] == "clarify" and out.suggestions[1] == download
        edit = out.suggestions[0]["instruction"]
        assert edit["operation"] == operation and edit["targets"] == ["subject"]
        assert service.store.recent_messages(sid, 1)[0].data["choices"] == out.suggestions
        # the answers are what the session offers now (the view, a click), until the next message
        assert service.session_view(sid, "me")["suggestions"] == out.suggestions
        assert service.accept_suggestion(sid, "me", 1)["message"] == "download the models"
    done = service.run_instruction(sid, "me", edit, "Edit the subject as the cat")
    assert service.session_view(sid, "me")["suggestions"] == []  # a new picture: the question's answers are gone
    before, after = decode_png(up.image_png), decode_png(done.image_png)
    subject = service.node_labels(service.store.get_node(sid, up.node_id)).masks["subject"]
    import cv2

    near = cv2.dilate(subject.astype(np.uint8), np.ones((31, 31), np.uint8)).astype(bool)  # the mask's feathered edge
    assert (before[~near] == after[~near]).all() and (before[subject] != after[subject]).any(axis=-1).mean() > 0.5

    service.undo(sid, "me")
    steps = len(service.store.nodes(sid))
    failed = service.message(sid, "me", "download the models")
    assert failed.reply.startswith("Could not get CLIPSeg rd64-refined (the model hub cannot be reached): set “Model hub address” in Settings (or HF_ENDPOINT)")
    assert failed.reply.count(".") <= 2 and len(service.store.nodes(sid)) == steps, "one sentence, no new step"
    again = service.message(sid, "me", "remove the cat")
    assert again.reply.startswith(offer) and "(it could not be downloaded just now: the model hub cannot be reached;" in again.reply


def test_a_long_question_is_cut_after_a_whole_sentence():
    from lib_imgedit.engine.phrase_targets import QUESTION_CHARS, _fit

    question = "I can't look for a cup. " + "A sentence that says what to do. " * 20 + "I can see: sky, grass."
    cut = _fit(question)
    assert len(cut) <= QUESTION_CHARS and cut.endswith("what to do.") and question.startswith(cut)
    assert _fit("short.") == "short."


def decode_png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_with_downloads_off_a_named_thing_is_offered_as_the_subject_without_a_download(settings):
    service = EditService(settings.update({"commercial_models_only": True, "models_offline": True, "suggestions": False}))
    sid = service.create_session("me").id
    service.upload(sid, "me", cat_png())
    out = service.message(sid, "me", "make the cat orange")
    assert out.reply.startswith("I can't tell objects apart without the object model; edit the subject (73%) as the cat?")
    assert [s["text"] for s in out.suggestions] == ["Edit the subject as the cat"]  # no download offered
