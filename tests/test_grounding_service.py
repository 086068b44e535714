"""A thing the user names that is not among the labels, through the real API: a scripted planner
targets `cup`, the tiny CLIPSeg stand-in (tests/segment/tiny_onnx.py: `cup` lights up red pixels)
finds it or not. Found: the edit runs on that mask only and `cup` is a label for the rest of the
conversation; not found: a question back listing what is there, nothing changed; no grounding model:
the same plan is answered with a question that says why, never a 5xx."""


import numpy as np
import pytest
from fastapi.testclient import TestClient
from helpers import b64png, band_labels_body, decode
from segment.tiny_onnx import clipseg_like, tokenizer_json

from lib_imgedit import models
from lib_imgedit.app.standalone import create_app
from lib_imgedit.engine.phrase_targets import phrase_targets
from lib_imgedit.engine.service import EditService
from lib_imgedit.planner import Planner, PlanResult
from lib_imgedit.segment import grounding

API = "/sdapi/v1/imgedit"
NAMES = ["sky", "hair", "face", "background"]
W, H = 256, 192
CUP = (slice(80, 110), slice(40, 70))  # a red block in the second band, 30x30
# token ids: start, end, cup (lights up red), dog (lights up nothing), [UNK]
EMB = np.array([[0, 0, 0], [0, 0, 0], [6, 0, 0], [0, 0, 0], [0, 0, 0]], np.float32)


class Scripted(Planner):
    name = "scripted"

    def __init__(self):
        self.plan_json = None

    def plan(self, ctx):
        self.seen = ctx
        return PlanResult(self.plan_json, self.name)


def photo() -> np.ndarray:
    img = np.random.default_rng(3).integers(40, 220, (H, W, 3)).astype(np.uint8)
    img[..., 0] = 0  # nothing red but the cup
    img[CUP] = (255, 0, 0)
    return img


def serve(settings, monkeypatch, with_model: bool, size_mb: float = 0.0):
    settings = settings.update({"turns_per_minute": 10000, "suggestions": False, "models_offline": not size_mb,
                                "grounding_threshold": 0.5})
    folder = models.models_dir(settings) / "clipseg"
    if with_model:
        clipseg_like(folder / "onnx" / "model_quantized.onnx", EMB)
        tokenizer_json(folder / "tokenizer.json", ["cup", "dog"])
    monkeypatch.setitem(models.catalog(), "clipseg", models.parse_spec("clipseg", {
        "kind": "grounding", "head": "clipseg", "title": "tiny CLIPSeg", "repo": "test/clipseg", "revision": "b" * 40,
        "files": [{"role": "model", "path": "onnx/model_quantized.onnx", "size_mb": size_mb},
                  {"role": "tokenizer", "path": "tokenizer.json"}],
        "licence": "test", "input": {"size": [352, 352], "mean": [0.5] * 3, "std": [0.5] * 3, "scale": 1 / 255},
    }))  # fmt: skip
    monkeypatch.setattr(grounding, "_grounders", {})
    service = EditService(settings)
    scripted = Scripted()
    monkeypatch.setattr(service, "planner_for", lambda session: scripted)
    client = TestClient(create_app(service, with_ui=False))
    sid = client.post(f"{API}/sessions").json()["session_id"]
    up = client.post(f"{API}/sessions/{sid}/image", json={"image": b64png(photo()), "labels": band_labels_body(NAMES, W, H)})
    assert up.status_code == 200, up.text
    return service, client, scripted, sid, up.json()


def say(client, sid, text):
    return client.post(f"{API}/sessions/{sid}/message", json={"text": text})


def test_a_named_thing_is_found_edited_alone_and_stays_a_label(settings, monkeypatch):
    service, client, scripted, sid, up = serve(settings, monkeypatch, with_model=True)
    assert service.planning_context(sid, "anonymous", "x").grounding
    scripted.plan_json = {"operation": "remove", "targets": ["cup"]}
    r = say(client, sid, "remove the cup")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["instruction"]["targets"] == ["cup"] and "found 'cup' by its name (match 0.9" in body["reply"]
    before, out = photo(), decode(body["image"])
    cup = np.zeros((H, W), bool)
    cup[CUP] = True
    near = np.zeros((H, W), bool)
    near[60:130, 20:90] = True  # the cup and the margin the mask rules may add around it
    assert (out[~near] == before[~near]).all(), "only the cup's area changes"
    assert out[cup][:, 0].mean() < 128, "the red cup is gone"
    assert "cup" in {d["name"] for d in body["labels"]}

    scripted.plan_json = {"operation": "recolor", "targets": ["cup"], "color": "blue"}
    assert "cup" in service.planning_context(sid, "anonymous", "make it blue").labels, "a label for later turns"
    assert say(client, sid, "make the cup blue").status_code == 200
    assert "cup" in scripted.seen.labels
    upload_labels = service.node_labels(service.store.get_node(sid, up["node_id"]))
    assert upload_labels.names == NAMES, "the upload's labels are unchanged"


def test_a_named_thing_that_is_not_there_is_a_question_and_nothing_changes(settings, monkeypatch):
    service, client, scripted, sid, up = serve(settings, monkeypatch, with_model=True)
    before = client.get(f"{API}/sessions/{sid}").json()
    scripted.plan_json = {"steps": [{"operation": "adjust", "adjust": {"brightness": 0.2}},
                                    {"operation": "remove", "targets": ["dog"]}]}
    r = say(client, sid, "brighten it and remove the dog")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["instruction"]["operation"] == "clarify" and body["image"] is None and body["node_id"] == up["node_id"]
    assert body["reply"].startswith("I can't find a dog in this picture (best match 0.0") and "needs 0.50" in body["reply"]
    assert "I can see: " in body["reply"] and all(n in body["reply"] for n in NAMES)
    after = client.get(f"{API}/sessions/{sid}").json()
    assert after["current"] == before["current"] and after["nodes"] == before["nodes"]
    assert after["messages"][-1]["data"] == {"clarify": True}


def test_without_a_grounding_model_the_same_plan_is_a_question_saying_why(settings, monkeypatch):
    service, client, scripted, sid, up = serve(settings, monkeypatch, with_model=False)
    assert not service.planning_context(sid, "anonymous", "x").grounding
    before = client.get(f"{API}/sessions/{sid}").json()
    scripted.plan_json = {"operation": "remove", "targets": ["cup"]}
    r = say(client, sid, "remove the cup")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["instruction"]["operation"] == "clarify" and body["image"] is None
    assert body["reply"].startswith("I can't look for a cup: finding things that are not among the labels needs the "
                                    "grounding model. Could not get tiny CLIPSeg (not downloaded, and downloads are off): put "
                                    "the files into ") and body["reply"].endswith(" I can see: sky, hair, face, background.")
    assert client.get(f"{API}/sessions/{sid}").json()["current"] == before["current"]


def test_a_large_grounding_model_is_asked_for_before_it_is_downloaded(settings, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    service, client, scripted, sid, up = serve(settings, monkeypatch, with_model=False, size_mb=141)
    scripted.plan_json = {"operation": "remove", "targets": ["cup"]}
    r = say(client, sid, "remove the cup")
    assert r.status_code == 200 and r.json()["instruction"]["operation"] == "clarify", r.text
    assert r.json()["reply"].startswith("I can look for a cup with tiny CLIPSeg (141 MB download, test): say 'download "
                                        "the models' or turn on “Download large models without asking” in Settings.")
    assert not models.is_present("clipseg", service.settings) and client.get(f"{API}/sessions/{sid}").json()["current"] == up["node_id"]


@pytest.mark.parametrize("with_model", [True, False])
def test_the_dry_run_plan_takes_a_phrase_target_only_with_grounding(settings, monkeypatch, with_model):
    service, client, scripted, _, _ = serve(settings, monkeypatch, with_model=with_model)
    scripted.plan_json = {"operation": "remove", "targets": ["cup"]}
    r = client.post(f"{API}/plan", json={"text": "remove the cup", "labels": NAMES})
    if with_model:
        assert r.status_code == 200 and r.json()["instruction"]["targets"] == ["cup"], r.text
    else:
        assert r.status_code == 200 and "targets" not in r.json()["instruction"], r.text  # the offline planner asks
        assert "label 'cup' is not in the picture" in r.json()["notes"][0]


@pytest.mark.parametrize("plan, expected", [
    ({"operation": "remove", "targets": ["cup", "sky", "user_mask", "car 2", "Cup", "../x", 3, "cup"]}, ["cup"]),
    ({"steps": [{"operation": "remove", "targets": ["red_car"]}, "junk", {"targets": "dog"}, {"targets": ["dog"]}]},
     ["red_car", "dog"]),
    ("remove the cup", []), (None, []), ({"steps": None}, []),
])  # fmt: skip
def test_phrase_targets_are_label_shaped_unknown_words_of_any_plan(plan, expected):
    assert phrase_targets(plan, NAMES) == expected
