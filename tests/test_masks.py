import numpy as np
import pytest

from lib_imgedit.core.instruction import validate_instruction
from lib_imgedit.core.labels import LabelMap
from lib_imgedit.core.masks import build_mask, composite, dilate, erode, feather, invert, overlay, select_faces, union
from tests.helpers import square_labels


def square(size=10, lo=3, hi=7):
    m = np.zeros((size, size), bool)
    m[lo:hi, lo:hi] = True
    return m


def test_dilate_and_erode_exact_pixels():
    m = square()
    grown = dilate(m, 1)
    # a radius-1 ellipse is a cross: the square grows by one pixel on each side, corners excluded
    assert grown.sum() == 16 + 4 * 4
    assert grown[2, 3] and not grown[2, 2]
    assert erode(m, 1).sum() == 4 and erode(m, 1)[4:6, 4:6].all()
    assert (dilate(m, 0) == m).all() and (erode(m, 0) == m).all()


def test_erode_does_not_eat_from_the_frame_edge():
    m = np.ones((6, 6), bool)
    m[:, 4:] = False
    e = erode(m, 1)
    assert e[:, 0].all() and not e[:, 3].any()


def test_union_and_invert():
    a, b = square(lo=0, hi=2), square(lo=8, hi=10)
    u = union([a, b], (10, 10))
    assert u.sum() == 8 and (invert(u) == ~u).all()


def test_feather_stays_inside_the_mask_and_reaches_one():
    m = square(size=20, lo=4, hi=16)
    f = feather(m, 3)
    assert f.dtype == np.float32
    assert (f[~m] == 0).all()
    assert f[10, 10] == 1.0
    assert 0 < f[4, 10] < 1
    assert (feather(m, 0) == m).all()


def test_feather_ignores_the_frame_edge():
    m = np.ones((8, 8), bool)
    m[:, 6:] = False
    f = feather(m, 2)
    assert f[0, 0] == 1.0 and f[3, 5] < 1.0


def test_build_mask_applies_label_rules_then_overrides(rules):
    lm = square_labels(20)
    lm = LabelMap(20, 20, {"thing": square(20, 5, 15), "background": ~square(20, 5, 15)})
    rules["labels"]["thing"] = {"dilate": 2, "erode": 0, "feather": 0}
    instr = validate_instruction({"operation": "adjust", "targets": ["thing"], "adjust": {"blur": 0.5}}, rules, lm.names)
    m = build_mask(lm, instr, rules)
    assert m[3, 10] == 1.0 and m[2, 10] == 0.0  # grown by 2 on each side
    instr = validate_instruction({"operation": "adjust", "targets": ["thing"], "adjust": {"blur": 0.5},
                                  "mask": {"invert": True, "feather": 0}}, rules, lm.names)
    inv = build_mask(lm, instr, rules)
    assert inv[10, 10] == 0.0 and inv[0, 0] == 1.0


def test_no_targets_is_the_whole_image(rules):
    lm = square_labels()
    instr = validate_instruction({"operation": "adjust", "adjust": {"brightness": 0.3}}, rules, lm.names)
    assert (build_mask(lm, instr, rules) == 1.0).all()


def test_select_faces_keeps_only_chosen_faces():
    face = np.zeros((20, 40), bool)
    face[5:15, 2:10] = True
    face[5:15, 25:35] = True
    lm = LabelMap(40, 20, {"face": face}, faces=[(25, 5, 35, 15), (2, 5, 10, 15)])
    assert lm.faces[0][0] == 2  # numbered left to right
    right = select_faces(lm, [1])
    assert right[:, 25:35].any() and not right[:, :20].any()


def test_composite_copies_outside_pixels_exactly():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (10, 10, 3), dtype=np.uint8)
    b = rng.integers(0, 256, (10, 10, 3), dtype=np.uint8)
    alpha = np.zeros((10, 10), np.float32)
    alpha[2:5, 2:5] = 1.0
    alpha[6, 6] = 0.5
    out = composite(a, b, alpha)
    outside = alpha == 0
    assert (out[outside] == a[outside]).all()
    assert (out[2:5, 2:5] == b[2:5, 2:5]).all()
    assert (np.abs(out[6, 6].astype(int) - (a[6, 6].astype(int) + b[6, 6].astype(int)) / 2) <= 1).all()
    with pytest.raises(ValueError):
        composite(a, b[:5], alpha)


def test_overlay_tints_labels_and_keeps_size():
    lm = square_labels(30)
    img = np.full((30, 30, 3), 100, np.uint8)
    out = overlay(img, lm)
    assert out.shape == img.shape and (out != img).any()
    assert (overlay(img, lm, labels=[]) == img).all()


def test_an_operation_can_cap_the_label_growth(rules):
    lm = LabelMap(20, 20, {"hair": square(20, 5, 15)})
    rules["labels"]["hair"] = {"dilate": 4, "erode": 0, "feather": 0}
    rules["operations"]["recolor"]["max_dilate"] = 1
    grown = build_mask(lm, validate_instruction({"operation": "inpaint", "targets": ["hair"], "prompt": "x"}, rules, lm.names), rules)
    tinted = build_mask(lm, validate_instruction({"operation": "recolor", "targets": ["hair"], "color": "red"}, rules, lm.names), rules)
    assert grown[1, 10] == 1.0 and tinted[1, 10] == 0.0
    assert tinted[4, 10] == 1.0 and tinted[3, 10] == 0.0
