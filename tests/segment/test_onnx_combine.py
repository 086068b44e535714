"""Combining segmenters: the rules in combine.json (person joined, hair and clothes from the parsing
model, scene labels outside the person, parsing labels inside it, skin without the eyes, background the
rest), the fallback chain (a segmenter that cannot load or fails is skipped with one note, never
retried, the next of its kind serves), parsing on each person's crop only, instance numbering, and the
whole path with tiny ONNX models through the registry."""

from __future__ import annotations

import numpy as np
import pytest
from tiny_onnx import segformer_like

from lib_imgedit import models, segment
from lib_imgedit.core.config import load_settings
from lib_imgedit.core.labels import LabelMap
from lib_imgedit.segment.base import Segmenter
from lib_imgedit.segment.combine import SegmenterChain, combine, load_combine_rules

W, H = 40, 20


def box(x0, y0, x1, y1) -> np.ndarray:
    m = np.zeros((H, W), bool)
    m[y0:y1, x0:x1] = True
    return m


class Fake(Segmenter):
    def __init__(self, masks=None, kind="scene", labels=(), ok=True, error=None, faces=()):
        self.masks, self.kind, self.labels, self.ok, self.error, self.faces = masks or {}, kind, labels, ok, error, faces
        self.calls: list[tuple[int, int]] = []

    def available(self):
        return (True, "") if self.ok else (False, "its model is not downloaded")

    def segment(self, image):
        self.calls.append(image.shape[:2])
        if self.error:
            raise self.error
        h, w = image.shape[:2]
        masks = {n: (m if m.shape == (h, w) else np.ones((h, w), bool)) for n, m in self.masks.items()}
        return LabelMap(w, h, masks, list(self.faces), source=f"fake-{self.kind}")


@pytest.fixture
def settings(tmp_path):
    return load_settings(tmp_path / "data", {"models_offline": True, "commercial_models_only": False}, env={})


@pytest.fixture
def fakes(monkeypatch):
    table: dict[str, Fake] = {}
    monkeypatch.setattr(segment, "create_segmenter", lambda name, settings=None, progress=None: table.get(name))
    return table


def test_the_rules_merge_scene_people_and_parsing():
    rules = load_combine_rules()
    person_scene, person_people = box(10, 2, 20, 20), box(12, 0, 22, 20)
    scene = LabelMap(W, H, {"sky": box(0, 0, 40, 10), "wall": box(0, 10, 40, 20), "person": person_scene})
    people = LabelMap(W, H, {"person": person_people, "hair": box(12, 0, 22, 4), "eyes": box(14, 4, 18, 5),
                             "skin": box(12, 4, 22, 8), "clothes": box(12, 8, 22, 20), "background": ~person_people},
                      faces=[(13, 2, 21, 8)])  # fmt: skip
    parsing = LabelMap(W, H, {"upper_clothes": box(10, 8, 30, 14), "pants": box(10, 14, 22, 20),
                              "face": box(12, 3, 22, 8), "arms": box(0, 9, 12, 12)})  # fmt: skip
    vocab = {"scene": {"sky", "wall", "person"}, "people": set(people.names),
             "parsing": {"hair", "hat", "upper_clothes", "pants", "face", "arms"}}
    out = combine({"scene": scene, "people": people, "parsing": parsing}, vocab, rules)
    person = person_scene | person_people
    assert np.array_equal(out.masks["person"], person)
    assert np.array_equal(out.masks["background"], ~person)
    assert "hair" not in out.masks  # the parsing model ran and saw no hair: the estimate is not used
    assert not (out.masks["sky"] & person).any() and np.array_equal(out.masks["sky"], box(0, 0, 40, 10) & ~person)
    assert np.array_equal(out.masks["upper_clothes"], box(10, 8, 30, 14) & person)  # inside the person only
    assert np.array_equal(out.masks["clothes"], (box(10, 8, 30, 14) | box(10, 14, 22, 20)) & person)
    assert np.array_equal(out.masks["skin"], (box(12, 3, 22, 8) | box(0, 9, 12, 12)) & person & ~box(14, 4, 18, 5))
    # this people map cannot name a face (no face mesh in its vocabulary), so the parsing model's face is used
    assert np.array_equal(out.masks["face"], box(12, 3, 22, 8))
    assert out.faces == [(13, 2, 21, 8)] and "fake" not in out.source


def test_hair_comes_from_the_parsing_model_when_it_sees_hair():
    rules = load_combine_rules()
    person = box(10, 0, 30, 20)
    people = LabelMap(W, H, {"person": person, "hair": box(10, 0, 30, 3)})
    parsing = LabelMap(W, H, {"hair": box(12, 0, 28, 6)})
    out = combine({"people": people, "parsing": parsing}, {"people": {"person", "hair"}, "parsing": {"hair"}}, rules)
    assert np.array_equal(out.masks["hair"], box(12, 0, 28, 6))


def test_a_segmenter_that_cannot_load_falls_back_to_the_next_with_one_note(settings, fakes):
    fakes["broken"] = Fake(error=models.ModelUnavailable("downloading SegFormer failed: no network"))
    fakes["missing"] = Fake(ok=False)
    fakes["good"] = Fake({"sky": box(0, 0, 40, 10), "car": box(0, 10, 40, 20)})
    fakes["unused"] = Fake({"wall": box(0, 0, 40, 20)})  # a scene segmenter after the one that served
    chain = SegmenterChain(settings, ["broken", "missing", "nonexistent", "good", "unused"], {"kinds": {}})
    img = np.zeros((H, W, 3), np.uint8)
    out = chain.segment(img)
    assert sorted(out.names) == ["car", "sky"]
    notes = chain.take_notes()
    assert notes == ["missing skipped: its model is not downloaded", "downloading SegFormer failed: no network"]
    chain.segment(img)
    assert chain.take_notes() == [] and len(fakes["broken"].calls) == 1 and fakes["unused"].calls == []


def test_nothing_that_can_segment_gives_the_whole_picture_as_one_region_with_a_note(settings, fakes):
    """Never a 503 on upload (Forge offline, no mediapipe): one label `picture`, all of it, and a note
    that says why, once."""
    fakes["missing"] = Fake(ok=False)
    chain = SegmenterChain(settings, ["missing"], {"kinds": {}})
    assert chain.available() == (False, "missing: its model is not downloaded")
    out = chain.segment(np.zeros((H, W, 3), np.uint8))
    assert out.names == ["picture"] and out.masks["picture"].all() and out.masks["picture"].shape == (H, W)
    notes = chain.take_notes()
    assert notes[0] == "missing skipped: its model is not downloaded" and "whole picture" in notes[1], notes
    chain.segment(np.zeros((H, W, 3), np.uint8))
    assert not any("whole picture" in n for n in chain.take_notes())  # said once


def test_the_parsing_model_runs_on_each_person_crop_and_never_without_a_person(settings, fakes):
    rules = load_combine_rules()
    fakes["people"] = Fake({"person": box(10, 0, 20, 20) | box(30, 5, 38, 15)}, kind="people")
    fakes["parser"] = Fake({"hair": np.ones((1, 1), bool)}, kind="parsing", labels=("hair",))
    chain = SegmenterChain(settings, ["people", "parser"], {**rules, "kinds": {}})
    out = chain.segment(np.zeros((H, W, 3), np.uint8))
    # two blobs, each with a 10% margin, parsed separately; their labels stay inside the person
    assert sorted(fakes["parser"].calls) == [(12, 8), (20, 12)]  # (height, width) of each crop
    assert np.array_equal(out.masks["hair"], out.masks["person"])
    fakes["people"].masks = {"subject": box(0, 0, 5, 5)}
    fakes["parser"].calls.clear()
    out = chain.segment(np.zeros((H, W, 3), np.uint8))
    assert fakes["parser"].calls == [] and "hair" not in out.masks


def test_the_parsing_model_runs_on_mediapipes_people_beside_the_scene_model(settings, fakes, monkeypatch):
    """Side by side, the parsing model starts on the people kind's person (the scene model may still be
    computing); one after the other, on every kind's person, as before. The labels agree when the
    people agree."""
    import threading

    rules = load_combine_rules()
    parsed = threading.Event()
    scene = Fake({"person": box(10, 0, 20, 20), "sky": box(0, 0, 40, 5)})
    real = scene.segment

    def slow_scene(image):  # the scene model is still running when the parser is called
        assert parsed.wait(5), "the parsing model did not start while the scene model ran"
        return real(image)

    fakes["scene"], fakes["people"] = scene, Fake({"person": box(10, 0, 20, 20)}, kind="people")
    fakes["parser"] = parser = Fake({"hair": np.ones((1, 1), bool)}, kind="parsing", labels=("hair",))
    parser_segment = parser.segment
    monkeypatch.setattr(parser, "segment", lambda image: (parsed.set(), parser_segment(image))[1])
    monkeypatch.setattr(scene, "segment", slow_scene)
    chain = SegmenterChain(settings, ["scene", "people", "parser"], {**rules, "kinds": {"scene": "scene"}})
    side = chain.segment(np.zeros((H, W, 3), np.uint8))
    assert parser.calls == [(20, 12)] and side.names and "hair" in side.masks
    monkeypatch.setattr(scene, "segment", real)
    monkeypatch.setattr(SegmenterChain, "parallel", False)
    parser.calls.clear()
    after = chain.segment(np.zeros((H, W, 3), np.uint8))
    assert parser.calls == [(20, 12)] and all(np.array_equal(side.masks[n], after.masks[n]) for n in after.names)


def test_instances_are_split_with_the_rules_classes(settings, fakes):
    """Two separate cars become `car 1` (left) and `car 2` (right); a class the rules do not name is left whole."""
    fakes["scene"] = Fake({"car": box(0, 10, 12, 20) | box(25, 10, 38, 20), "wall": box(0, 0, 12, 5) | box(25, 0, 38, 5)})
    out = SegmenterChain(settings, ["scene"], {"kinds": {}, "instances": ["car"]}).segment(np.zeros((H, W, 3), np.uint8))
    assert (out.masks["car 1"] == box(0, 10, 12, 20)).all() and (out.masks["car 2"] == box(25, 10, 38, 20)).all()
    assert (out.masks["car"] == (box(0, 10, 12, 20) | box(25, 10, 38, 20))).all()
    assert not any(n.startswith("wall ") for n in out.masks)


def test_the_whole_path_with_tiny_models_through_the_registry(settings, monkeypatch):
    half = {"mean": [0.5] * 3, "std": [0.5] * 3, "scale": 1 / 255}

    def tiny(name, labels, kind, vocabulary):
        spec = models.parse_spec(name, {
            "kind": kind, "head": "segformer", "title": name, "repo": f"test/{name}", "revision": "c" * 40,
            "files": [{"role": "model", "path": "onnx/model.onnx"}], "licence": "test",
            "input": {"size": [64, 64], **half}, "output": "logits", "labels": labels,
            "vocabulary": vocabulary, "min_share": 0.001,
        })  # fmt: skip
        monkeypatch.setitem(models.catalog(), name, spec)
        segformer_like(models.models_dir(settings) / name / "onnx" / "model.onnx", np.eye(3))

    tiny("segformer_ade20k", ["person", "human", "grass"], "semantic", {"human": "person"})  # red and green: person, blue: grass
    tiny("human_parsing", ["Upper-clothes", "Hair", "Background"], "parsing", {"Background": None})  # red: clothes, green: hair
    img = np.zeros((128, 128, 3), np.uint8)
    img[:, :] = (0, 0, 255)
    img[32:128, 32:96] = (255, 0, 0)  # the person, in red clothes ...
    img[32:48, 48:80] = (0, 255, 0)  # ... with green hair
    hair = np.zeros((128, 128), bool)
    hair[32:48, 48:80] = True
    chain = segment.build_segmenter(settings.update({"segmenters": "maskformer_coco,segformer_ade20k,human_parsing"}))
    out = chain.segment(img)
    notes = chain.take_notes()
    assert notes == [models.unavailable_sentence([models.missing_error("maskformer_coco", chain.settings)], chain.settings)]
    assert notes[0].startswith("Could not get MaskFormer Swin-T COCO panoptic (not downloaded, and downloads are off)")
    assert sorted(out.names) == ["background", "clothes", "grass", "hair", "person", "upper_clothes"]
    assert np.array_equal(out.masks["background"], ~out.masks["person"])
    assert out.masks["person"][32:128, 32:96].mean() > 0.95 and out.masks["grass"][:, :24].all()
    assert (out.masks["hair"] & hair).sum() > 0.8 * hair.sum() and (out.masks["hair"] & ~hair).sum() < 0.2 * hair.sum()
    assert not (out.masks["hair"] & ~out.masks["person"]).any()  # the parser's labels stay inside the person
    assert np.array_equal(out.masks["clothes"], out.masks["upper_clothes"])
    assert out.source == "segformer_ade20k+human_parsing"


def test_the_chain_lists_the_models_it_would_download_first(tmp_path, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    models.forget_failures()  # an earlier test's offline service may have tried these models in this process
    online = load_settings(tmp_path / "data", {"commercial_models_only": False}, env={})
    chain = segment.build_segmenter(online.update({"segmenters": "segformer_ade20k,human_parsing"}))
    pending = chain.pending_downloads()
    assert [p["name"] for p in pending] == ["segformer_ade20k", "human_parsing"]
    assert pending[0]["size_mb"] == 15.3 and "SegFormer" in pending[0]["title"] and pending[0]["licence"]
    offline = segment.build_segmenter(online.update({"segmenters": "segformer_ade20k", "models_offline": True}))
    assert offline.pending_downloads() == []


def test_by_default_the_chain_uses_only_models_that_allow_commercial_use(tmp_path):
    from lib_imgedit.segment.grounding import grounder

    default = load_settings(tmp_path / "data", env={})
    assert default.commercial_models_only
    assert segment.build_segmenter(default).order == ["mediapipe"]
    assert {n for n, s in models.catalog().items() if s.commercial} == {"clipseg", "lama"}
    ok, why = segment.create_segmenter("segformer_ade20k", default).available()
    assert not ok and why == ("SegFormer-B0 ADE20K is not known to allow commercial use (turn off Only models that "
                              "allow commercial use to use it)")
    assert grounder(default).spec.commercial
    full = default.update({"commercial_models_only": False})
    assert segment.build_segmenter(full).order == full.segmenter_order


def test_the_fast_members_answer_first_and_the_rest_gives_what_segment_gives(settings, fakes):
    """`segment_first`: the labels of the members listed under `fast` (MediaPipe's kind), then a function
    that reads the picture with the others, reusing the fast maps: the same labels as one `segment`.
    With nothing slower that can run, the first labels are all (no function)."""
    rules = load_combine_rules()
    img = np.zeros((H, W, 3), np.uint8)
    fakes["people"] = Fake({"person": box(10, 0, 20, 20)}, kind="people")
    fakes["scene"] = Fake({"person": box(10, 0, 20, 20), "sky": box(0, 0, 40, 5), "car": box(25, 10, 38, 20)})
    fakes["parser"] = Fake({"hair": np.ones((1, 1), bool)}, kind="parsing", labels=("hair",))
    chain = SegmenterChain(settings, ["scene", "parser", "people"], {**rules, "kinds": {"scene": "scene"}, "fast": ["people"]})
    first, rest = chain.segment_first(img)
    assert sorted(first.names) == ["background", "person"] and fakes["scene"].calls == [] and fakes["parser"].calls == []
    assert rest is not None
    full = rest()
    assert fakes["people"].calls == [(H, W)], "the fast maps are reused"
    assert fakes["parser"].calls == [(20, 12)], "parsed on the people's person"
    whole = chain.segment(img)
    assert sorted(full.names) == sorted(whole.names) == ["background", "car", "hair", "person", "sky"]
    assert all(np.array_equal(full.masks[n], whole.masks[n]) for n in whole.names)

    fakes["scene"].ok = False  # its model is not on disk: nothing slower can run (said at once)
    chain = SegmenterChain(settings, ["scene", "people"], {**rules, "kinds": {"scene": "scene"}, "fast": ["people"]})
    first, rest = chain.segment_first(img)
    assert rest is None and sorted(first.names) == ["background", "person"]
    assert chain.take_notes() == ["scene skipped: its model is not downloaded"]
    fakes["people"].error = RuntimeError("no camera")  # the fast member fails: the others answer in this call
    fakes["scene"].ok = True
    chain = SegmenterChain(settings, ["scene", "people"], {**rules, "kinds": {"scene": "scene"}, "fast": ["people"]})
    first, rest = chain.segment_first(img)
    assert rest is None and "sky" in first.names
