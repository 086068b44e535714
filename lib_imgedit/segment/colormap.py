"""Colour-coded segmentation maps (ControlNet's ADE20K/COCO preprocessors) back to named labels.

The preprocessors draw each class in its palette colour at their own resolution, with outlines and
anti-aliased edges in colours that belong to no class. The map is scaled to the picture with nearest
neighbour, every pixel within `tolerance` of a palette colour takes that class, and the rest (the
outlines) take the class of the nearest classified pixel.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..core.labels import LabelMap
from .provided import labelmap_from_color

_UNKNOWN = "zz_unmatched"


def fill_from_nearest(masks: dict[str, np.ndarray], unknown: np.ndarray) -> dict[str, np.ndarray]:
    """Give each `unknown` pixel the label of the nearest pixel that has one."""
    if not unknown.any() or not masks:
        return masks
    index = np.zeros(unknown.shape, np.int32)
    for i, mask in enumerate(masks.values(), start=1):
        index[mask] = i
    # distanceTransformWithLabels numbers the zero (known) pixels 1..N in raster order
    _, nearest = cv2.distanceTransformWithLabels(unknown.astype(np.uint8), cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL)
    known_index = index[~unknown]
    filled = np.where(unknown, known_index[nearest - 1], index)
    return {name: filled == i for i, name in enumerate(masks, start=1)}


def labelmap_from_segmentation(colour_map: np.ndarray, palette: dict[tuple[int, int, int], str],
                               size: tuple[int, int] | None = None, tolerance: int = 8,
                               source: str = "controlnet") -> LabelMap:
    """A LabelMap of `size` (w, h; default the map's own) from a preprocessor's colour map."""
    rgb = np.ascontiguousarray(np.asarray(colour_map)[..., :3], dtype=np.uint8)
    if size is not None and rgb.shape[1::-1] != tuple(size):
        rgb = cv2.resize(rgb, tuple(size), interpolation=cv2.INTER_NEAREST)
    found = labelmap_from_color(rgb, palette, tolerance, unknown_label=_UNKNOWN, source=source)
    unknown = found.masks.pop(_UNKNOWN, np.zeros((found.height, found.width), bool))
    masks = fill_from_nearest(found.masks, unknown)
    return LabelMap(found.width, found.height, masks, source=source).drop_empty()
