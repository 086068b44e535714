"""Separate instances of a class as numbered labels: `person 1`, `person 2`, ... left to right.

The class label itself stays and means all of them. Instances are the connected components of the
class mask that have a real size; a component that holds several anchors (e.g. the centres of two faces
on one person blob) is split between them, each pixel going to the nearest anchor (horizontal distance
counts most: people stand side by side). Smaller pieces join the nearest instance, so the instances
cover the class mask exactly (up to MAX_INSTANCES of them). One instance gets no number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from ..core.labels import LabelMap, clean_label, split_instance

MAX_INSTANCES = 99  # LABEL_RE allows instance numbers 1..99
# Vertical distance to an anchor counts this much of the horizontal one when a blob is shared.
_Y_WEIGHT = 0.25


def instance_masks(mask: np.ndarray, min_pixels: int, anchors: Sequence[tuple[float, float]] = ()) -> list[np.ndarray]:
    """The instances of one class mask, ordered left to right by centroid x (then y), at most
    MAX_INSTANCES; [] when there are fewer than two. An instance is a component of at least `min_pixels`
    pixels or one holding an anchor; a component holding several anchors is split between them."""
    import cv2

    n, lab, stats, cents = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    h, w = mask.shape
    on = [(x, y, int(lab[int(y), int(x)])) for x, y in anchors if 0 <= x < w and 0 <= y < h and lab[int(y), int(x)] > 0]
    parts: list[np.ndarray] = []
    small: list[int] = []
    for i in range(1, n):
        mine = [(x, y) for x, y, c in on if c == i]
        if len(mine) >= 2:
            ys, xs = np.nonzero(lab == i)
            d = [np.hypot(xs - ax, _Y_WEIGHT * (ys - ay)) for ax, ay in mine]
            owner = np.argmin(d, axis=0)
            for j in range(len(mine)):
                if (owner == j).any():  # two anchors on one spot: the first takes it
                    m = np.zeros((h, w), bool)
                    m[ys[owner == j], xs[owner == j]] = True
                    parts.append(m)
        elif stats[i, cv2.CC_STAT_AREA] >= min_pixels or mine:
            parts.append(lab == i)
        else:
            small.append(i)
    if len(parts) < 2:
        return []
    centres = np.array([_centroid(p) for p in parts])
    for i in small:  # specks belong to the nearest instance
        parts[int(np.argmin(np.hypot(*(centres - cents[i]).T)))] |= lab == i
    order = np.lexsort((centres[:, 1], centres[:, 0]))
    return [parts[i] for i in order[:MAX_INSTANCES]]


def _centroid(mask: np.ndarray) -> tuple[float, float]:
    ys, xs = np.nonzero(mask)
    return float(xs.mean()), float(ys.mean())


def split_instances(
    label_map: LabelMap,
    classes: Iterable[str],
    min_share: float = 0.002,
    anchors: Mapping[str, Sequence[tuple[float, float]]] | None = None,
) -> LabelMap:
    """A copy of `label_map` where each class in `classes` with several instances also has `name 1`,
    `name 2`, ... (numbered left to right, inserted after the class label). An instance has at least
    `min_share` of the picture's pixels. Classes already numbered, or absent, are left as they are."""
    wanted = {clean_label(c) for c in classes}
    min_pixels = max(1, int(np.ceil(min_share * label_map.width * label_map.height)))
    masks: dict[str, np.ndarray] = {}
    for name, mask in label_map.masks.items():
        masks[name] = mask
        base, number = split_instance(name)
        if name not in wanted or number is not None or f"{name} 1" in label_map.masks:
            continue
        for i, part in enumerate(instance_masks(mask, min_pixels, (anchors or {}).get(name, ())), start=1):
            masks[clean_label(f"{base} {i}")] = part
    return LabelMap(label_map.width, label_map.height, masks, list(label_map.faces), label_map.source)
