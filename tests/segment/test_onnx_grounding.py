"""Grounding with a tiny CLIPSeg stand-in (same inputs and output as the real export) and a tiny
tokenizer.json: a named colour is found where it is, an unknown word is not found, the threshold
decides, the module-level `ground` uses the catalogue entry, and offline without the model it says so."""

from __future__ import annotations

import numpy as np
import pytest
from tiny_onnx import clipseg_like, tokenizer_json

from lib_imgedit import models
from lib_imgedit.core.config import load_settings
from lib_imgedit.segment import grounding

WORDS = ["red", "green", "blue", "cup"]
# one row per token id: start, end, red, green, blue, cup, [UNK]
EMB = np.array([[0, 0, 0], [0, 0, 0], [6, 0, 0], [0, 6, 0], [0, 0, 6], [0, 0, 0], [0, 0, 0]], np.float32)


def tiny_entry(name: str = "tiny_clipseg") -> models.ModelSpec:
    return models.parse_spec(name, {
        "kind": "grounding", "head": "clipseg", "title": "tiny CLIPSeg", "repo": f"test/{name}", "revision": "b" * 40,
        "files": [{"role": "model", "path": "onnx/model_quantized.onnx"}, {"role": "tokenizer", "path": "tokenizer.json"}],
        "licence": "test", "input": {"size": [352, 352], "mean": [0.5] * 3, "std": [0.5] * 3, "scale": 1 / 255},
    })  # fmt: skip


@pytest.fixture
def offline(tmp_path):
    return load_settings(tmp_path / "data", {"models_offline": True, "grounding_threshold": 0.5, "commercial_models_only": False}, env={})


def install(settings, name: str = "tiny_clipseg") -> models.ModelSpec:
    folder = models.models_dir(settings) / name
    clipseg_like(folder / "onnx" / "model_quantized.onnx", EMB)
    tokenizer_json(folder / "tokenizer.json", WORDS)
    return tiny_entry(name)


def picture() -> np.ndarray:
    img = np.zeros((120, 200, 3), np.uint8)  # black
    img[20:70, 30:90] = (255, 0, 0)  # a red block
    img[60:110, 120:180] = (0, 0, 255)  # a blue block
    return img


def test_a_named_colour_is_found_where_it_is(offline):
    g = grounding.ClipSegGrounder(offline, install(offline))
    mask, score = g.ground(picture(), "the Red  thing")
    assert score > 0.9
    red = np.zeros((120, 200), bool)
    red[20:70, 30:90] = True
    assert mask[red].all() and abs(int(mask.sum()) - int(red.sum())) < 0.1 * red.sum()
    mask, score = g.ground(picture(), "blue")
    assert mask[70:100, 130:170].all() and not mask[30:60, 40:80].any()


def test_an_unknown_phrase_is_not_found_and_scores_low(offline):
    g = grounding.ClipSegGrounder(offline, install(offline))
    mask, score = g.ground(picture(), "a cup")
    assert mask is None and score < 0.1


def test_the_threshold_decides(offline):
    spec = install(offline)
    img = np.full((64, 64, 3), 128, np.uint8)  # grey: red channel ~0 after normalising -> logit -3 + small
    assert grounding.ClipSegGrounder(offline, spec, threshold=0.5).ground(img, "red")[0] is None
    mask, score = grounding.ClipSegGrounder(offline, spec, threshold=0.04).ground(img, "red")
    assert mask is not None and 0.04 <= score < 0.5


def test_an_empty_phrase_is_refused(offline):
    g = grounding.ClipSegGrounder(offline, install(offline))
    with pytest.raises(ValueError, match="what to look for"):
        g.ground(picture(), "   ")


def test_module_ground_uses_the_catalogue_entry_and_the_settings_threshold(offline, monkeypatch):
    monkeypatch.setitem(models.catalog(), "clipseg", install(offline, "clipseg"))
    monkeypatch.setattr(grounding, "_grounders", {})
    assert grounding.grounding_available(offline) == (True, "")
    mask, score = grounding.ground(picture(), "green", offline)
    assert mask is None and score < 0.5  # nothing green in the picture
    monkeypatch.setattr(grounding, "_grounders", {})
    low = offline.update({"grounding_threshold": 0.05})
    assert grounding.ground(np.full((64, 64, 3), 140, np.uint8), "red", low)[0] is not None  # p ~ 0.08
    mask, score = grounding.ground(picture(), "blue", offline)
    assert mask is not None and score > 0.9


def test_offline_without_the_model_grounding_is_unavailable(offline, monkeypatch):
    monkeypatch.setattr(grounding, "_grounders", {})
    ok, why = grounding.grounding_available(offline)
    assert not ok and "not downloaded" in why
    with pytest.raises(models.ModelUnavailable, match="downloads are off"):
        grounding.ground(picture(), "cup", offline)


@pytest.mark.parametrize("phrase, label", [
    ("the red car", "red_car"), ("Cup", "cup"), ("a coffee-cup!", "coffee_cup"), ("the", "the"),
    ("3 apples", "thing_3_apples"), ("das Auto", "das_auto"), ("the café", "cafe"), ("杯子", "thing"),
])  # fmt: skip
def test_a_found_phrase_becomes_a_usable_label(phrase, label):
    assert grounding.label_for(phrase) == label


def test_the_heatmap_is_the_output_the_entry_names_not_the_first_one(offline, monkeypatch):
    g = grounding.ClipSegGrounder(offline, install(offline))
    real = g.run

    def reordered(feeds):  # an export that puts another output first
        out = real(feeds)
        return {"image_embeds": np.full((1, 352, 352), 9.0, np.float32), **out}

    monkeypatch.setattr(g, "run", reordered)
    mask, score = g.ground(picture(), "blue")
    assert mask is not None and mask[70:100, 130:170].all() and not mask[30:60, 40:80].any()
    monkeypatch.setattr(g, "run", lambda feeds: {"image_embeds": np.zeros((1, 352, 352), np.float32)})
    with pytest.raises(ValueError, match="no output 'logits'"):
        g.ground(picture(), "blue")
