"""split_instances on small synthetic masks: exact pixels."""

from __future__ import annotations

import numpy as np
import pytest

from lib_imgedit.core.labels import LabelMap, split_instance
from lib_imgedit.segment.instances import instance_masks, split_instances

pytest.importorskip("cv2")


def _rect(shape, x0, y0, x1, y1):
    m = np.zeros(shape, bool)
    m[y0:y1, x0:x1] = True
    return m


def test_components_numbered_left_to_right_by_centroid():
    shape = (10, 20)
    right = _rect(shape, 14, 0, 18, 4)
    left = _rect(shape, 1, 5, 5, 10)
    middle = _rect(shape, 7, 2, 12, 6)
    lm = LabelMap(20, 10, {"car": right | left | middle, "road": _rect(shape, 0, 8, 20, 10)})
    out = split_instances(lm, ["car"], min_share=0.05)
    assert out.names == ["car", "car 1", "car 2", "car 3", "road"]
    assert (out.masks["car 1"] == left).all() and (out.masks["car 2"] == middle).all()
    assert (out.masks["car 3"] == right).all()
    assert split_instance(out.names[2]) == ("car", 2)
    assert "car 1" not in lm.masks  # the input is left as it was


def test_specks_join_the_nearest_instance_and_one_instance_gets_no_number():
    shape = (10, 20)
    a, b = _rect(shape, 0, 0, 5, 5), _rect(shape, 12, 0, 17, 5)
    speck = _rect(shape, 18, 8, 19, 9)  # 1 pixel, under min_share: part of the nearest instance (b)
    out = split_instances(LabelMap(20, 10, {"dog": a | b | speck}), ["dog"], min_share=0.1)
    assert out.names == ["dog", "dog 1", "dog 2"]
    assert (out.masks["dog 1"] == a).all() and (out.masks["dog 2"] == (b | speck)).all()
    # Only one component of real size: no numbers at all.
    single = split_instances(LabelMap(20, 10, {"dog": a | speck}), ["dog"], min_share=0.1)
    assert single.names == ["dog"]


def test_anchors_split_one_blob_between_two_faces():
    shape = (10, 20)
    blob = _rect(shape, 2, 2, 18, 9)  # two people touching: one component
    parts = instance_masks(blob, min_pixels=5, anchors=[(14.0, 4.0), (5.0, 4.0)])
    assert len(parts) == 2
    left, right = parts
    # Each pixel goes to the nearer face (x 5 vs x 14): the border falls between columns 9 and 10.
    assert (left == (blob & (np.arange(20) <= 9))).all() and (right == (blob & (np.arange(20) >= 10))).all()
    # An anchor off the mask is ignored.
    assert instance_masks(blob, min_pixels=5, anchors=[(5.0, 4.0), (0.0, 0.0)]) == []


def test_classes_not_asked_numbered_or_absent_are_left_alone():
    shape = (10, 20)
    two = _rect(shape, 0, 0, 4, 4) | _rect(shape, 10, 0, 14, 4)
    lm = LabelMap(20, 10, {"tree": two, "car": two, "car 1": _rect(shape, 0, 0, 4, 4)})
    out = split_instances(lm, ["car", "cat"], min_share=0.01)
    assert out.names == ["tree", "car", "car 1"]  # car already numbered; tree not asked; cat absent
    with pytest.raises(ValueError):
        split_instances(lm, ["Not a label!"])


def test_roundtrip_keeps_instances():
    shape = (10, 20)
    lm = split_instances(LabelMap(20, 10, {"person": _rect(shape, 0, 0, 4, 4) | _rect(shape, 10, 0, 14, 4)}), ["person"])
    back = LabelMap.from_bytes(lm.to_bytes())
    assert back.names == ["person", "person 1", "person 2"]
    assert all((back.masks[n] == lm.masks[n]).all() for n in lm.names)


def test_two_anchors_on_one_spot_make_one_instance():
    blob = _rect((10, 20), 2, 2, 18, 9)
    assert instance_masks(blob, min_pixels=5, anchors=[(5.0, 4.0), (5.0, 4.0)]) == []
    other = _rect((10, 20), 0, 0, 1, 1)  # a speck: joins the one instance, still no numbers
    assert instance_masks(blob | other, min_pixels=5, anchors=[(5.0, 4.0), (5.0, 4.0)]) == []


def test_shares_read_as_whole_percents_and_small_parts_as_under_one():
    from lib_imgedit.core.labels import percent

    assert (percent(0.4649), percent(0.006), percent(0.0008)) == ("46%", "1%", "<1%")
