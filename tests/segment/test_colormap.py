"""ControlNet's colour-coded segmentation maps back to named labels, and the bundled palettes."""

import numpy as np

from lib_imgedit.core.labels import clean_label
from lib_imgedit.segment.colormap import fill_from_nearest, labelmap_from_segmentation
from lib_imgedit.segment.palettes import ADE20K, COCO

SKY, TREE, PERSON = (6, 230, 230), (4, 200, 3), (150, 5, 61)


def test_palettes_hold_the_data_sets_classes_with_usable_names():
    assert len(ADE20K) == 149 and len(COCO) == 133  # ADE20K-150 has one colour twice (road, skyscraper)
    assert ADE20K[(120, 120, 120)] == "wall" and ADE20K[SKY] == "sky" and ADE20K[PERSON] == "person"
    assert COCO[(220, 20, 60)] == "person" and COCO[(102, 102, 156)] == "wall" and COCO[(0, 0, 142)] == "car"
    for name in list(ADE20K.values()) + list(COCO.values()):
        assert clean_label(name) == name


def test_colour_map_to_labels_with_outlines_and_scaling():
    small = np.zeros((8, 16, 3), np.uint8)
    small[:4] = SKY
    small[4:] = TREE
    small[:, :4] = PERSON
    small[4, 4:] = (255, 255, 240)  # an off-white outline the visualiser draws
    small[2, 10] = (8, 228, 231)  # anti-aliasing noise within tolerance of sky
    lm = labelmap_from_segmentation(small, ADE20K, size=(32, 16))
    assert (lm.width, lm.height) == (32, 16) and set(lm.names) == {"sky", "tree", "person"}
    assert lm.masks["person"][:, :8].all() and not lm.masks["person"][:8, 8:].any() and not lm.masks["person"][10:, 8:].any()
    assert lm.masks["sky"][:8, 8:].all() and lm.masks["tree"][10:, 8:].all()
    # every pixel has exactly one label: the outline (rows 8-9) went to its nearest neighbours
    total = sum(m.astype(int) for m in lm.masks.values())
    assert (total == 1).all()
    assert lm.masks["sky"][8, 12:].all() and lm.masks["tree"][9, 12:].all()


def test_fill_from_nearest_takes_the_closest_label():
    a = np.zeros((1, 6), bool)
    b = np.zeros((1, 6), bool)
    a[0, 0] = True
    b[0, 5] = True
    unknown = ~(a | b)
    out = fill_from_nearest({"a": a, "b": b}, unknown)
    assert out["a"].tolist() == [[True, True, True, False, False, False]]
    assert out["b"].tolist() == [[False, False, False, True, True, True]]
