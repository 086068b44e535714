"""The ONNX semantic segmenters with tiny stand-in models: pre-processing (resize, normalisation),
post-processing (argmax, upsampling, names, merged duplicates, tiny labels dropped), the MaskFormer head,
the real catalogue entries, and the rule that a segmenter built without settings never downloads."""

from __future__ import annotations

import numpy as np
import pytest
from tiny_onnx import maskformer_like, segformer_like

from lib_imgedit import models
from lib_imgedit.core.config import load_settings
from lib_imgedit.segment.human_parsing import HumanParsingSegmenter
from lib_imgedit.segment.onnx_semantic import OnnxSegmenter, SegformerADE20K, preprocess

HALF = {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "scale": 1 / 255}


def entry(name: str, labels: list[str], head: str = "segformer", **extra) -> models.ModelSpec:
    data = {
        "kind": "semantic", "head": head, "title": f"tiny {name}", "repo": f"test/{name}", "revision": "a" * 40,
        "files": [{"role": "model", "path": "onnx/model.onnx", "sha256": None, "size_mb": 0.001}],
        "licence": "test", "input": {"size": [64, 32], **HALF}, "output": "logits", "labels": labels, **extra,
    }  # fmt: skip
    return models.parse_spec(name, data)


@pytest.fixture
def offline(tmp_path):
    return load_settings(tmp_path / "data", {"models_offline": True, "commercial_models_only": False}, env={})


def stripes(w: int = 128, h: int = 64, cuts: tuple[int, int] = (40, 88)) -> np.ndarray:
    """Red, then green, then blue vertical stripes."""
    img = np.zeros((h, w, 3), np.uint8)
    img[:, : cuts[0], 0] = 255
    img[:, cuts[0] : cuts[1], 1] = 255
    img[:, cuts[1] :, 2] = 255
    return img


def test_preprocess_resizes_and_normalises_as_the_entry_says():
    spec = entry("pre", ["a"])
    img = stripes()
    x = preprocess(img, spec)
    assert x.shape == (1, 3, 32, 64) and x.dtype == np.float32
    # red (255, 0, 0) -> (1, -1, -1) with mean 0.5 and std 0.5; the first input column is red
    assert np.allclose(x[0, :, 0, 0], [1, -1, -1])
    assert np.allclose(x[0, :, 0, -1], [-1, -1, 1])


def test_segformer_head_names_classes_merges_duplicates_and_matches_the_regions(tmp_path, offline):
    spec = entry("tiny_seg", ["wall", "skyscraper", "building"], vocabulary={"skyscraper": "building"})
    segformer_like(models.models_dir(offline) / "tiny_seg" / "onnx" / "model.onnx", np.eye(3))
    seg = OnnxSegmenter(offline, spec)
    assert seg.available() == (True, "")
    labels = seg.segment(stripes())
    assert sorted(labels.names) == ["building", "wall"]  # skyscraper (green) and building (blue) merged
    expected_wall = np.zeros((64, 128), bool)
    expected_wall[:, :40] = True
    assert np.array_equal(labels.masks["wall"], expected_wall)
    assert np.array_equal(labels.masks["building"], ~expected_wall)
    assert labels.source == "" and labels.width == 128 and labels.height == 64


def test_tiny_regions_are_dropped_and_dropped_classes_never_named(offline):
    spec = entry("tiny_drop", ["Background", "hair", "hat"], vocabulary={"Background": None}, min_share=0.01)
    segformer_like(models.models_dir(offline) / "tiny_drop" / "onnx" / "model.onnx", np.eye(3))
    img = np.zeros((200, 200, 3), np.uint8)
    img[:, :, 0] = 255  # red everywhere: background, dropped
    img[:100, :100] = (0, 255, 0)  # green: hair, a quarter of the picture
    img[180:184, 180:184] = (0, 0, 255)  # blue: 16 pixels of hat, under 1%
    labels = OnnxSegmenter(offline, spec).segment(img)
    assert labels.names == ["hair"]
    assert abs(labels.share("hair") - 0.25) < 0.02


def test_large_pictures_are_labelled_at_full_size(offline):
    spec = entry("tiny_big", ["wall", "floor", "sky"])
    segformer_like(models.models_dir(offline) / "tiny_big" / "onnx" / "model.onnx", np.eye(3))
    img = stripes(2400, 1200, (800, 1600))
    labels = OnnxSegmenter(offline, spec).segment(img)
    assert (labels.width, labels.height) == (2400, 1200)
    for name, x in (("wall", 400), ("floor", 1200), ("sky", 2000)):
        assert labels.masks[name][600, x]
        assert abs(labels.share(name) - 1 / 3) < 1 / 16  # one logit cell is 1/16 of the width


def test_maskformer_head_combines_query_classes_and_masks(offline):
    # query 0 says "cat", query 1 says "cup", query 2 says "no object" (the last class)
    cls = np.array([[8.0, -8, -8], [-8, 8, -8], [-8, -8, 8]])
    spec = entry("tiny_mf", ["cat", "cup"], head="maskformer", output=["class_queries_logits", "masks_queries_logits"])
    maskformer_like(models.models_dir(offline) / "tiny_mf" / "onnx" / "model.onnx", cls)
    img = stripes(128, 64, (64, 128))  # red left half (query 0), green right half (query 1)
    labels = OnnxSegmenter(offline, spec).segment(img)
    assert sorted(labels.names) == ["cat", "cup"]
    assert labels.masks["cat"][:, :64].all() and not labels.masks["cat"][:, 64:].any()


def test_offline_without_the_model_is_unavailable_with_a_reason(offline):
    seg = SegformerADE20K(offline)
    ok, why = seg.available()
    assert not ok and "not downloaded" in why
    with pytest.raises(models.ModelUnavailable, match="downloads are off"):
        seg.segment(stripes())


def test_built_without_settings_a_model_segmenter_never_downloads(tmp_path, monkeypatch):
    monkeypatch.setenv("IMGEDIT_DATA_DIR", str(tmp_path))
    called = []
    monkeypatch.setattr("huggingface_hub.hf_hub_download", lambda *a, **k: called.append(a))
    seg = HumanParsingSegmenter()
    assert seg.available()[0] is False
    with pytest.raises(models.ModelUnavailable):
        seg.load()
    assert called == []


def test_the_real_entries_name_every_class_in_our_vocabulary():
    ade = models.spec("segformer_ade20k").label_names()
    assert len(ade) == 150 and ade[2] == "sky" and ade[12] == "person" and ade[8] == "window"
    assert ade[48] == "building" and ade[1] == "building"  # skyscraper joins building
    coco = models.spec("maskformer_coco").label_names()
    assert len(coco) == 133 and coco[15] == "cat" and coco[16] == "dog" and coco[41] == "cup" and coco[57] == "sofa"
    assert coco[119] == "sky" and coco[109:113] == ["wall"] * 4
    parsing = models.spec("human_parsing").label_names()
    assert parsing[0] is None and parsing[2] == "hair" and parsing[9] == parsing[10] == "shoes"
    assert set(HumanParsingSegmenter.labels) == {n for n in parsing if n}


def test_preprocess_shrinks_with_anti_aliasing():
    """A one-pixel checkerboard at about twice the input size averages to grey, as the reference processors'
    anti-aliased resize gives, instead of aliasing into black and white."""
    spec = models.spec("segformer_ade20k")
    board = ((np.indices((1000, 1000)).sum(0) % 2) * 255).astype(np.uint8)
    x = preprocess(np.repeat(board[..., None], 3, axis=2), spec)[0, 0]
    grey = (0.5 - spec.input["mean"][0]) / spec.input["std"][0]
    assert np.abs(x - grey).max() < 0.05


def test_install_and_requirements_ask_for_the_same_onnxruntime():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    req = re.search(r"^onnxruntime(>=[\d.]+)", (root / "requirements.txt").read_text(), re.M).group(1)
    inst = re.search(r'"onnxruntime(>=[\d.]+)', (root / "install.py").read_text()).group(1)
    assert req == inst
