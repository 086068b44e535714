"""Picture operations (crop, rotate, flip, resize) and the label map following the picture; labels
kept outside a generative edit."""

import numpy as np
import pytest

from lib_imgedit.core.errors import InvalidInstruction
from lib_imgedit.core.instruction import validate_instruction
from lib_imgedit.core.labels import LabelMap
from lib_imgedit.executors import geometry
from lib_imgedit.executors.base import EditRequest
from lib_imgedit.executors.geometry import PictureExecutor, inner_size


def picture(h: int = 60, w: int = 90) -> np.ndarray:
    rng = np.random.default_rng(1)
    return rng.integers(0, 255, (h, w, 3)).astype(np.uint8)


def labels(h: int = 60, w: int = 90) -> LabelMap:
    """`thing` a box left of centre, `background` the rest; one face box inside the thing."""
    thing = np.zeros((h, w), bool)
    thing[10:30, 15:40] = True
    return LabelMap(w, h, {"thing": thing, "background": ~thing}, [(18, 12, 30, 24)], "test")


def run(settings, rules, instr, img=None, lm=None):
    img = picture() if img is None else img
    lm = labels(*img.shape[:2]) if lm is None else lm
    step = validate_instruction(instr, rules, lm.names)
    req = EditRequest(img, np.ones(img.shape[:2], np.float32), step, settings, rules, lm)
    return PictureExecutor(settings, rules).run(req)


@pytest.mark.parametrize("angle,k", [(90, -1), (180, 2), (270, 1), (-90, 1), (-270, -1)])
def test_quarter_turns_are_exact_and_move_the_labels(settings, rules, angle, k):
    img, lm = picture(), labels()
    out = run(settings, rules, {"operation": "rotate", "angle": angle}, img, lm)
    assert (out.image == np.rot90(img, k)).all()
    for name in lm.names:
        assert (out.label_map.masks[name] == np.rot90(lm.masks[name], k)).all()
    box = out.label_map.faces[0]
    face = np.zeros(img.shape[:2], bool)
    x0, y0, x1, y1 = lm.faces[0]
    face[y0:y1, x0:x1] = True
    ys, xs = np.nonzero(np.rot90(face, k))
    assert box == (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)


def test_small_angle_straightens_and_crops_to_the_inner_rectangle(settings, rules):
    img = picture(120, 180)
    everywhere = LabelMap(180, 120, {"all": np.ones((120, 180), bool)})
    out = run(settings, rules, {"operation": "rotate", "angle": -4}, img, everywhere)
    h, w = out.image.shape[:2]
    assert (w, h) == inner_size(180, 120, 4) and w < 180 and h < 120 and w > 150
    # the labels are warped with an empty border: a label that covered the whole picture still covers
    # the whole result, so no corner of the result lies outside the turned picture
    assert out.label_map.masks["all"].all()


def test_flip_mirrors_the_picture_labels_and_faces(settings, rules):
    img, lm = picture(), labels()
    out = run(settings, rules, {"operation": "flip", "direction": "horizontal"}, img, lm)
    assert (out.image == img[:, ::-1]).all()
    assert (out.label_map.masks["thing"] == lm.masks["thing"][:, ::-1]).all()
    assert out.label_map.faces == [(90 - 30, 12, 90 - 18, 24)]
    up = run(settings, rules, {"operation": "flip", "direction": "vertical"}, img, lm)
    assert (up.image == img[::-1]).all() and up.label_map.faces == [(18, 60 - 24, 30, 60 - 12)]


def test_crop_to_an_aspect_is_centred(settings, rules):
    img, lm = picture(), labels()
    out = run(settings, rules, {"operation": "crop", "aspect": "1:1"}, img, lm)
    assert out.image.shape[:2] == (60, 60) and (out.image == img[:, 15:75]).all()
    assert (out.label_map.masks["background"] == lm.masks["background"][:, 15:75]).all()
    wide = run(settings, rules, {"operation": "crop", "aspect": "16:9"}, img, lm)
    assert wide.image.shape[:2] == (51, 90)


def test_crop_to_a_size_in_pixels_cuts_its_aspect_then_scales_to_it(settings, rules):
    img, lm = picture(), labels()  # 90 x 60: "crop to 1200 by 800" is the 3:2 centre, brought to exactly 1200 x 800
    out = run(settings, rules, {"operation": "crop", "aspect": "1:1", "width": 120, "height": 120}, img, lm)
    assert out.image.shape[:2] == (120, 120) and out.info["box"] == [15, 0, 75, 60]
    assert out.label_map.masks["background"].shape == (120, 120)


def test_crop_around_targets_keeps_a_small_margin(settings, rules):
    img, lm = picture(), labels()
    out = run(settings, rules, {"operation": "crop", "targets": ["thing"]}, img, lm)
    x0, y0, x1, y1 = out.info["box"]
    assert (x0, y0) == (15 - 2, 10 - 2) and (x1, y1) == (40 + 2, 30 + 2)
    assert (out.image == img[y0:y1, x0:x1]).all()
    assert (out.label_map.masks["thing"] == lm.masks["thing"][y0:y1, x0:x1]).all()
    square = run(settings, rules, {"operation": "crop", "targets": ["thing"], "aspect": "1:1"}, img, lm)
    sx0, sy0, sx1, sy1 = square.info["box"]
    assert sx1 - sx0 == sy1 - sy0 and sx0 <= 15 and sx1 >= 40 and sy0 <= 10 and sy1 >= 30


def test_resize_uses_lanczos_and_is_capped_by_the_limits(settings, rules):
    img, lm = picture(), labels()
    out = run(settings, rules, {"operation": "resize", "scale": 2}, img, lm)
    assert out.image.shape == (120, 180, 3) and out.info["resampler"] == "lanczos"
    assert out.label_map.masks["thing"][20:60, 30:80].all() and out.label_map.faces == [(36, 24, 60, 48)]
    wide = run(settings, rules, {"operation": "resize", "width": 45}, img, lm)
    assert wide.image.shape == (30, 45, 3)
    small = settings.update({"max_image_side": 100})
    capped = run(small, rules, {"operation": "resize", "scale": 4}, img, lm)
    assert capped.image.shape == (66, 100, 3) and "capped" in capped.info["notes"][0]
    rules["operations"]["resize"]["max_side"] = 80
    assert run(settings, rules, {"operation": "resize", "scale": 4}, img, lm).image.shape[1] == 80
    with pytest.raises(InvalidInstruction, match="too small"):
        run(settings, rules, {"operation": "resize", "scale": 0.1}, img, lm)


def test_the_host_upscaler_enlarges_when_set(settings, rules, monkeypatch):
    calls = []

    def upscale(im, w, h):
        calls.append((w, h))
        return np.full((h, w, 3), 7, np.uint8)

    monkeypatch.setattr(geometry, "upscaler", None)
    geometry.set_upscaler(upscale)
    out = run(settings, rules, {"operation": "resize", "scale": 2})
    assert calls == [(180, 120)] and (out.image == 7).all() and out.info["resampler"] == "upscaler"
    assert run(settings, rules, {"operation": "resize", "scale": 0.5}).info["resampler"] == "lanczos"
    assert len(calls) == 1, "shrinking never calls the upscaler"
    geometry.set_upscaler(lambda im, w, h: None)  # the host has no upscaler model
    out = run(settings, rules, {"operation": "resize", "scale": 2})
    assert out.info["resampler"] == "lanczos" and out.image.shape == (120, 180, 3)


def test_merge_keeps_labels_outside_the_edit_exactly():
    h, w = 40, 60
    old_thing = np.zeros((h, w), bool)
    old_thing[5:20, 5:25] = True
    sea = np.zeros((h, w), bool)
    sea[25:, :] = True
    old = LabelMap(w, h, {"thing": old_thing, "sea": sea, "background": ~old_thing & ~sea}, [(6, 6, 12, 12)], "seg")
    region = np.zeros((h, w), bool)
    region[0:22, 0:30] = True
    fresh_thing = np.zeros((h, w), bool)
    fresh_thing[8:14, 8:14] = True
    fresh = LabelMap(w, h, {"thing": fresh_thing, "background": ~fresh_thing, "hat": fresh_thing}, [(9, 9, 13, 13)], "seg")
    merged = old.merged(fresh, region)
    for name in old.names:
        assert (merged.masks[name][~region] == old.masks[name][~region]).all()
    assert (merged.masks["thing"] == fresh_thing).all() and "hat" in merged.names
    assert merged.faces == [(9, 9, 13, 13)]
    # another segmenter cannot read `sea` nor add its own words: they keep / stay out
    other = old.merged(LabelMap(w, h, {"thing": fresh_thing, "hat": fresh_thing}, [], "other"), region)
    assert (other.masks["sea"] == sea).all() and "hat" not in other.names
    assert (other.masks["background"] == old.masks["background"]).all()


def test_instances_are_numbered_left_to_right_again_after_a_flip_or_crop(settings, rules):
    h, w = 40, 90
    left, right = np.zeros((h, w), bool), np.zeros((h, w), bool)
    left[10:30, 5:25], right[10:30, 60:85] = True, True
    lm = LabelMap(w, h, {"car 1": left, "car 2": right, "car": left | right, "road": ~(left | right)})
    img = picture(h, w)
    flipped = run(settings, rules, {"operation": "flip", "direction": "horizontal"}, img, lm).label_map
    assert (flipped.masks["car 1"] == right[:, ::-1]).all() and (flipped.masks["car 2"] == left[:, ::-1]).all()
    assert (flipped.masks["car"] == (left | right)[:, ::-1]).all()
    cropped = run(settings, rules, {"operation": "crop", "targets": ["car 2"]}, img, lm).label_map
    assert "car 1" in cropped.names and "car 2" not in cropped.names, "the only car left is car 1"


def test_only_picture_operations_may_change_the_size_and_they_bring_the_labels(settings, rules):
    from lib_imgedit.engine.execution import result_problem
    from lib_imgedit.executors.base import EditResult

    img, lm = picture(), labels()
    small = np.zeros((30, 30, 3), np.uint8)

    def request(instr):
        return EditRequest(img, np.ones(img.shape[:2], np.float32), validate_instruction(instr, rules, lm.names),
                           settings, rules, lm)

    crop = request({"operation": "crop", "aspect": "1:1"})
    assert result_problem(crop, EditResult(small, "picture", {}, LabelMap(30, 30))) is None
    assert "labels" in result_problem(crop, EditResult(small, "picture", {}, None))
    assert "labels" in result_problem(crop, EditResult(small, "picture", {}, LabelMap(20, 30)))
    adjust = request({"operation": "adjust", "adjust": {"blur": 0.5}})
    assert "shape" in result_problem(adjust, EditResult(small, "local"))
    assert result_problem(adjust, EditResult(img.copy(), "local")) is None
