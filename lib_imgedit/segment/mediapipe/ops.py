"""Small mask and colour helpers shared by the MediaPipe segmenter's modules (OpenCV + NumPy)."""

from __future__ import annotations

import numpy as np


def as_rgb(image: np.ndarray) -> np.ndarray:
    """An HxWx3 uint8 copy of a grey, RGB or RGBA image; ValueError for anything else."""
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        raise ValueError(f"expected a uint8 image, got {arr.dtype}")
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4) or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"expected an HxWx3 RGB image, got shape {arr.shape}")
    return np.ascontiguousarray(arr[:, :, :3])


def odd(n: float) -> int:
    return max(3, int(round(n)) | 1)


def kernel(size: int) -> np.ndarray:
    import cv2

    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


def opened(mask: np.ndarray, size: int) -> np.ndarray:
    import cv2

    return cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, kernel(size)).astype(bool)


def keep_components(mask: np.ndarray, min_area: float, rel: float = 0.0, keep: np.ndarray | None = None) -> np.ndarray:
    """Drop connected components smaller than `min_area` pixels or `rel` x the largest one, unless
    they touch `keep`."""
    import cv2

    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return mask.astype(bool)
    areas = stats[1:, cv2.CC_STAT_AREA]
    limit = max(min_area, rel * float(areas.max()))
    good = np.zeros(n, bool)
    good[1:] = areas >= limit
    if keep is not None and keep.any():
        good[np.unique(lab[keep & (lab > 0)])] = True
    good[0] = False
    return good[lab]


def touching(mask: np.ndarray, seed: np.ndarray) -> np.ndarray:
    """The connected components of `mask` (8-connected) that share a pixel with `seed`."""
    import cv2

    _, lab = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    ids = np.unique(lab[seed & mask])
    return np.isin(lab, ids[ids > 0])


def fill_holes(mask: np.ndarray, max_area: float) -> np.ndarray:
    """Fill enclosed background components smaller than `max_area` pixels."""
    import cv2

    n, lab, stats, _ = cv2.connectedComponentsWithStats((~mask).astype(np.uint8), connectivity=4)
    if n <= 1:
        return mask
    border = np.unique(np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]]))
    fill = np.zeros(n, bool)
    fill[1:] = stats[1:, cv2.CC_STAT_AREA] < max_area
    fill[border] = False
    fill[0] = False
    return mask | fill[lab]


def polygon(shape: tuple[int, int], pts: np.ndarray) -> np.ndarray:
    """Fill a polygon given in float pixel coordinates (sub-pixel precise via cv2's shift)."""
    import cv2

    out = np.zeros(shape, np.uint8)
    cv2.fillPoly(out, [np.round(pts * 16).astype(np.int32)], 1, lineType=cv2.LINE_8, shift=4)
    return out.astype(bool)


def disc_mask(shape: tuple[int, int], centres: list[tuple[float, float]], radius: float) -> np.ndarray:
    import cv2

    out = np.zeros(shape, np.uint8)
    r = max(1, int(round(radius)))
    for x, y in centres:
        cv2.circle(out, (int(round(x)), int(round(y))), r, 1, -1)
    return out.astype(bool)


def resize_mask(mask: np.ndarray, width: int, height: int) -> np.ndarray:
    """Upscale a boolean mask with linear interpolation + threshold, smoother than nearest."""
    import cv2

    if mask.shape == (height, width):
        return mask
    up = cv2.resize(mask.astype(np.uint8) * 255, (width, height), interpolation=cv2.INTER_LINEAR)
    return up >= 128


def nearest(mask: np.ndarray, width: int, height: int) -> np.ndarray:
    """A boolean mask at another size, nearest neighbour (for downscaling)."""
    import cv2

    if mask.shape == (height, width):
        return mask
    return cv2.resize(mask.astype(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST).astype(bool)


def to_lab(rgb: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)


class Gauss:
    """A LAB colour model: mean and regularised covariance; `dist` is the Mahalanobis distance."""

    def __init__(self, samples: np.ndarray, min_std: tuple[float, float, float]) -> None:
        samples = np.asarray(samples, np.float64)
        self.mean = samples.mean(axis=0)
        cov = np.cov(samples.T) if len(samples) > 3 else np.zeros((3, 3))
        cov = cov + np.diag(np.square(min_std))
        self.inv = np.linalg.inv(cov)

    def dist(self, lab: np.ndarray) -> np.ndarray:
        # float32 throughout: this runs over whole pictures, and distances need no more precision.
        d = lab.reshape(-1, 3).astype(np.float32, copy=False) - self.mean.astype(np.float32)
        m = ((d @ self.inv.astype(np.float32)) * d).sum(axis=1)
        return np.sqrt(np.maximum(m, 0)).reshape(lab.shape[:-1])


def robust(samples: np.ndarray) -> np.ndarray:
    """Drop highlights and deep shadows (outer 10% of lightness) before fitting a colour model."""
    if len(samples) < 20:
        return samples
    lo, hi = np.percentile(samples[:, 0], [10, 90])
    kept = samples[(samples[:, 0] >= lo) & (samples[:, 0] <= hi)]
    return kept if len(kept) >= 10 else samples
