"""Segmenters that are not models: a drawn mask, an index image, a colour-coded map."""

from __future__ import annotations

import numpy as np
import pytest

from lib_imgedit.segment.provided import MaskSegmenter, labelmap_from_color, labelmap_from_index, mask_to_bool

IMG = np.zeros((3, 4, 3), np.uint8)


def test_mask_segmenter_from_bool_array():
    mask = np.zeros((3, 4), bool)
    mask[1, 2] = True
    lm = MaskSegmenter(mask).segment(IMG)
    assert (lm.width, lm.height) == (4, 3)
    assert lm.names == ["user_mask"]
    assert lm.masks["user_mask"].tolist() == mask.tolist()
    assert lm.source == "mask"
    mask[0, 0] = True  # the segmenter keeps its own copy
    assert not lm.masks["user_mask"][0, 0]


def test_mask_segmenter_keeps_a_single_pixel_and_drops_an_empty_mask():
    one = np.zeros((3, 4), bool)
    one[2, 3] = True
    assert MaskSegmenter(one).segment(IMG).masks["user_mask"].sum() == 1
    assert MaskSegmenter(np.zeros((3, 4), bool)).segment(IMG).names == []


def test_gray_mask_threshold_and_custom_label():
    gray = np.array([[0, 127, 128, 255], [0, 0, 0, 0], [255, 0, 0, 200]], np.uint8)
    lm = MaskSegmenter(gray, label="My Mask").segment(IMG)
    assert lm.names == ["my_mask"]
    assert np.argwhere(lm.masks["my_mask"]).tolist() == [[0, 2], [0, 3], [2, 0], [2, 3]]
    assert np.argwhere(mask_to_bool(gray, threshold=0)).tolist() == [[0, 1], [0, 2], [0, 3], [2, 0], [2, 3]]


def test_rgba_brush_layer_uses_alpha_and_opaque_rgba_uses_colour():
    layer = np.zeros((3, 4, 4), np.uint8)
    layer[..., :3] = 255  # white paint everywhere, but only one stroke is visible
    layer[1, 1, 3] = 255
    assert np.argwhere(mask_to_bool(layer)).tolist() == [[1, 1]]
    opaque = np.zeros((3, 4, 4), np.uint8)
    opaque[..., 3] = 255
    opaque[0, 3, 0] = 255  # a red pixel on black
    assert np.argwhere(mask_to_bool(opaque)).tolist() == [[0, 3]]
    rgb = np.zeros((3, 4, 3), np.uint8)
    rgb[2, 2, 1] = 200
    assert np.argwhere(mask_to_bool(rgb)).tolist() == [[2, 2]]


def test_float_and_pil_masks():
    from PIL import Image

    f = np.array([[0.0, 0.6], [0.5, 1.0]])
    assert mask_to_bool(f).tolist() == [[False, True], [False, True]]
    img = Image.fromarray(np.array([[0, 255], [255, 0]], np.uint8), mode="L")
    assert mask_to_bool(img).tolist() == [[False, True], [True, False]]


def test_mask_segmenter_errors():
    with pytest.raises(ValueError, match="4x3"):
        MaskSegmenter(np.ones((4, 3), bool)).segment(IMG)
    with pytest.raises(ValueError, match="shape"):
        MaskSegmenter(np.ones((2, 2, 5), np.uint8))
    with pytest.raises(ValueError, match="label"):
        MaskSegmenter(np.ones((3, 4), bool), label="9 lives")


def test_labelmap_from_index_exact_pixels():
    idx = np.array([[0, 0, 1, 1], [0, 2, 2, 1], [3, 3, 3, 3]], np.uint8)
    lm = labelmap_from_index(idx, {0: "Background", 1: "sky", 2: "Red Car", 3: "road", 7: "absent"})
    assert (lm.width, lm.height) == (4, 3)
    assert lm.names == ["background", "sky", "red_car", "road"]  # absent values give no label
    assert np.argwhere(lm.masks["red_car"]).tolist() == [[1, 1], [1, 2]]
    assert np.argwhere(lm.masks["sky"]).tolist() == [[0, 2], [0, 3], [1, 3]]
    assert lm.masks["road"][2].all() and not lm.masks["road"][:2].any()
    total = sum(m.astype(int) for m in lm.masks.values())
    assert (total == 1).all()


def test_labelmap_from_index_merges_values_with_one_name_and_accepts_png_layouts():
    idx = np.array([[1, 2], [3, 1]], np.int32)
    lm = labelmap_from_index(idx, {1: "a", 2: "b", 3: "a"})
    assert lm.masks["a"].tolist() == [[True, False], [True, True]]
    rgb = np.repeat(idx.astype(np.uint8)[:, :, None], 3, axis=2)
    assert labelmap_from_index(rgb, {1: "a", 2: "b", 3: "a"}).to_bytes() == lm.to_bytes()
    assert labelmap_from_index(idx.astype(np.float32), {1: "a", 2: "b", 3: "a"}).to_bytes() == lm.to_bytes()
    assert labelmap_from_index(idx, {1: "a", 2: "b", 3: "a"}, size=(2, 2)).names == ["a", "b"]


def test_labelmap_from_index_errors():
    idx = np.array([[0, 5], [6, 0]], np.uint8)
    with pytest.raises(ValueError, match="5, 6"):
        labelmap_from_index(idx, {0: "background"})
    with pytest.raises(ValueError, match="expected 3x2"):
        labelmap_from_index(idx, {0: "a", 5: "b", 6: "c"}, size=(3, 2))
    with pytest.raises(ValueError, match="whole numbers"):
        labelmap_from_index(np.array([[0.5]]), {0: "a"})
    with pytest.raises(ValueError, match="colour"):
        labelmap_from_index(np.array([[[1, 2, 3]]], np.uint8), {1: "a"})
    with pytest.raises(ValueError, match="HxW"):
        labelmap_from_index(np.zeros(4, np.uint8), {0: "a"})
    with pytest.raises(ValueError, match="label"):
        labelmap_from_index(np.zeros((2, 2), np.uint8), {0: "-bad-"})


PALETTE = {(120, 120, 120): "wall", (6, 230, 230): "sky", (150, 5, 61): "person"}


def _colour_map() -> np.ndarray:
    rgb = np.zeros((2, 3, 3), np.uint8)
    rgb[0, :] = (6, 230, 230)
    rgb[1, 0] = (120, 120, 120)
    rgb[1, 1] = (150, 5, 61)
    rgb[1, 2] = (148, 7, 60)  # JPEG-ish noise on a person pixel
    return rgb


def test_labelmap_from_color_exact_and_tolerance():
    rgb = _colour_map()
    with pytest.raises(ValueError, match=r"\(148, 7, 60\)"):
        labelmap_from_color(rgb, PALETTE)
    lm = labelmap_from_color(rgb, PALETTE, tolerance=2)
    assert lm.names == ["wall", "sky", "person"]  # palette order
    assert np.argwhere(lm.masks["person"]).tolist() == [[1, 1], [1, 2]]
    assert lm.masks["sky"].tolist() == [[True, True, True], [False, False, False]]
    assert np.argwhere(lm.masks["wall"]).tolist() == [[1, 0]]
    rgba = np.dstack([rgb, np.zeros((2, 3), np.uint8)])  # alpha is ignored
    assert labelmap_from_color(rgba, PALETTE, tolerance=2).to_bytes() == lm.to_bytes()


def test_labelmap_from_color_unknown_label_and_nearest_wins():
    rgb = _colour_map()
    lm = labelmap_from_color(rgb, PALETTE, unknown_label="Other")
    assert np.argwhere(lm.masks["other"]).tolist() == [[1, 2]]
    # Within tolerance of two entries: the nearer one wins, then palette order.
    pal = {(0, 0, 0): "dark", (10, 10, 10): "grey"}
    px = np.array([[[4, 4, 4], [6, 6, 6], [5, 5, 5]]], np.uint8)
    lm = labelmap_from_color(px, pal, tolerance=10)
    assert lm.masks["dark"].tolist() == [[True, False, True]]
    assert lm.masks["grey"].tolist() == [[False, True, False]]


def test_labelmap_from_color_errors():
    with pytest.raises(ValueError, match="HxWx3"):
        labelmap_from_color(np.zeros((2, 2), np.uint8), PALETTE)
    with pytest.raises(ValueError, match="uint8"):
        labelmap_from_color(np.zeros((2, 2, 3), np.float32), PALETTE)
    with pytest.raises(ValueError, match="expected 2x2"):
        labelmap_from_color(_colour_map(), PALETTE, tolerance=2, size=(2, 2))
    with pytest.raises(ValueError, match="palette"):
        labelmap_from_color(_colour_map(), {})
    with pytest.raises(ValueError, match="0-255"):
        labelmap_from_color(_colour_map(), {(300, 0, 0): "x"})
    with pytest.raises(ValueError, match="tolerance"):
        labelmap_from_color(_colour_map(), PALETTE, tolerance=-1)
