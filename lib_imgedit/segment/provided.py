"""Label maps that come from the user rather than a model: a drawn mask, an index image sent through
the API, or a colour-coded segmentation map (ControlNet's ADE20K/COCO preprocessors reuse
`labelmap_from_color`)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..core.labels import LabelMap, clean_label
from .base import Segmenter


def mask_to_bool(mask: Any, threshold: float | None = None) -> np.ndarray:
    """A drawn mask as an HxW bool array. Accepts a bool array, a grayscale image (uint8 > threshold,
    default 127; floats > 0.5), RGB (brightest channel counts) or RGBA (alpha counts, unless the layer
    is fully opaque: then the colour does), or a PIL image."""
    arr = np.asarray(mask)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim == 3 and arr.shape[2] == 4:
        alpha = arr[:, :, 3]
        # A brush layer marks strokes with alpha; an opaque RGBA file marks them with colour.
        arr = alpha if alpha.min() < alpha.max() or alpha.max() == 0 else arr[:, :, :3].max(axis=2)
    elif arr.ndim == 3 and arr.shape[2] in (2, 3):
        arr = arr.max(axis=2)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"a mask must be HxW, HxWx3 or HxWx4, got shape {arr.shape}")
    if arr.dtype == bool:
        return arr.copy()
    if np.issubdtype(arr.dtype, np.floating):
        return arr > (0.5 if threshold is None else threshold)
    if np.issubdtype(arr.dtype, np.integer):
        return arr > (127 if threshold is None else threshold)
    raise ValueError(f"a mask must hold numbers or booleans, got {arr.dtype}")


class MaskSegmenter(Segmenter):
    """Wraps a user-drawn mask: the LabelMap has one label (`user_mask` unless named otherwise)."""

    name: ClassVar[str] = "mask"
    labels: ClassVar[tuple[str, ...]] = ("user_mask",)

    def __init__(self, mask: Any, label: str = "user_mask", threshold: float | None = None) -> None:
        self.mask = mask_to_bool(mask, threshold)
        self.label = clean_label(label)

    def segment(self, image: np.ndarray) -> LabelMap:
        h, w = np.asarray(image).shape[:2]
        if self.mask.shape != (h, w):
            raise ValueError(f"mask is {self.mask.shape[1]}x{self.mask.shape[0]}, image is {w}x{h}")
        # A drawn mask is kept however small: the user meant it (no drop_empty), but an empty one is no label.
        masks = {self.label: self.mask.copy()} if self.mask.any() else {}
        return LabelMap(w, h, masks, source=self.name)


def _check_size(shape: tuple[int, ...], size: tuple[int, int] | None, what: str) -> tuple[int, int]:
    h, w = shape[:2]
    if h == 0 or w == 0:
        raise ValueError(f"{what} is empty")
    if size is not None and tuple(size) != (w, h):
        raise ValueError(f"{what} is {w}x{h}, expected {size[0]}x{size[1]}")
    return w, h


def _group(names: dict[Any, str]) -> dict[str, list[Any]]:
    """Clean label names; several keys may share one label (their pixels are unioned)."""
    groups: dict[str, list[Any]] = {}
    for key, name in names.items():
        groups.setdefault(clean_label(name), []).append(key)
    return groups


def labelmap_from_index(
    index_image: np.ndarray,
    names: dict[int, str],
    *,
    size: tuple[int, int] | None = None,
    source: str = "index",
) -> LabelMap:
    """A LabelMap from an index image (HxW integers; HxWx1, or HxWx3 with equal channels as saved by
    some PNG writers) and a value -> label-name table. Every value in the image must be named; values
    absent from the image give no label. `size` = (width, height) the image must have."""
    arr = np.asarray(index_image)
    if arr.ndim == 3 and arr.shape[2] in (1, 3, 4):
        chans = arr[:, :, :3] if arr.shape[2] >= 3 else arr
        if not (chans == chans[:, :, :1]).all():
            raise ValueError("index image has colour: send one channel, or use labelmap_from_color")
        arr = chans[:, :, 0]
    if arr.ndim != 2:
        raise ValueError(f"index image must be HxW, got shape {arr.shape}")
    if arr.dtype == bool:
        arr = arr.astype(np.uint8)
    if not np.issubdtype(arr.dtype, np.integer):
        if (
            not np.issubdtype(arr.dtype, np.floating)
            or not np.all(np.isfinite(arr))
            or not np.all(arr == np.round(arr))
        ):
            raise ValueError(f"index image must hold whole numbers, got {arr.dtype}")
        arr = arr.astype(np.int64)
    w, h = _check_size(arr.shape, size, "index image")
    table = {int(k): v for k, v in names.items()}
    values, inverse = np.unique(arr, return_inverse=True)
    inverse = inverse.reshape(arr.shape)
    unknown = [int(v) for v in values if int(v) not in table]
    if unknown:
        shown = ", ".join(map(str, unknown[:10])) + (" ..." if len(unknown) > 10 else "")
        raise ValueError(f"index image has values with no label name: {shown}")
    masks: dict[str, np.ndarray] = {}
    for label, keys in _group(table).items():
        present = [i for i, v in enumerate(values) if int(v) in keys]
        if present:
            masks[label] = np.isin(inverse, present)
    return LabelMap(w, h, masks, source=source)


def labelmap_from_color(
    rgb: np.ndarray,
    palette: dict[tuple[int, int, int], str],
    tolerance: int = 0,
    *,
    unknown_label: str | None = None,
    size: tuple[int, int] | None = None,
    source: str = "color",
) -> LabelMap:
    """A LabelMap from a colour-coded map (HxWx3 or HxWx4 uint8; alpha ignored) and a colour -> name
    palette. Each pixel takes the nearest palette colour within `tolerance` (largest per-channel
    difference; ties go to the earlier palette entry), which absorbs JPEG noise and anti-aliased edges.
    Pixels matching no colour raise ValueError, or get `unknown_label` when it is given."""
    arr = np.asarray(rgb)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4):
        raise ValueError(f"colour map must be HxWx3 (or HxWx4), got shape {arr.shape}")
    if arr.dtype != np.uint8:
        raise ValueError(f"colour map must be uint8, got {arr.dtype}")
    if not 0 <= int(tolerance) <= 255:
        raise ValueError(f"tolerance must be 0-255, got {tolerance}")
    w, h = _check_size(arr.shape, size, "colour map")
    if not palette:
        raise ValueError("palette is empty")
    colours = np.array([tuple(int(c) for c in key) for key in palette], np.int32)
    if colours.ndim != 2 or colours.shape[1] != 3 or colours.min() < 0 or colours.max() > 255:
        raise ValueError("palette keys must be (r, g, b) tuples of 0-255")
    names = [clean_label(n) for n in palette.values()]
    extra = clean_label(unknown_label) if unknown_label is not None else None
    # Work on the distinct colours only: a segmentation map has few, the image has many pixels.
    flat = arr[:, :, :3].reshape(-1, 3).astype(np.int32)
    codes = (flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]
    uniq, inverse = np.unique(codes, return_inverse=True)
    ucol = np.stack([(uniq >> 16) & 255, (uniq >> 8) & 255, uniq & 255], axis=1)
    dist = np.abs(ucol[:, None, :] - colours[None, :, :]).max(axis=2)  # (n_unique, n_palette)
    best = dist.argmin(axis=1)  # argmin takes the first of equal distances: palette order breaks ties
    matched = dist[np.arange(len(uniq)), best] <= int(tolerance)
    label_of = np.array(names, dtype=object)[best]
    if not matched.all():
        if extra is None:
            bad = [tuple(int(c) for c in ucol[i]) for i in np.flatnonzero(~matched)[:5]]
            more = " ..." if (~matched).sum() > 5 else ""
            raise ValueError(f"colour map has colours not in the palette (tolerance {tolerance}): {bad}{more}")
        label_of[~matched] = extra
    masks: dict[str, np.ndarray] = {}
    for label in dict.fromkeys(names + ([extra] if extra else [])):  # palette order
        hit = np.flatnonzero(label_of == label)
        if hit.size:
            masks[label] = np.isin(inverse, hit).reshape(h, w)
    return LabelMap(w, h, masks, source=source)
