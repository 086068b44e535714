"""Skin and clothes, from colour models seeded by the face mesh.

``skin``: pixels of the person close in LAB to the skin sampled on the cheeks, forehead and chin, plus
the face oval, minus hair and the facial features. Skin-coloured clothes or wooden props are skin too.
Black-and-white photos: skin is only the face's own skin (a grey skin model would match all greys).

``clothes``: the person below the chins minus face, hair and skin, connected to the chest (below each
chin; all of it when the picture ends above the chest). When the chest is not dark, large very dark
pieces (a held black helmet, a dark neck ring, with their highlights) are not the garment, nor are small
pieces of a clearly different colour on it (a mission patch, a name tag, a helmet's rim, a glove: so
"make her suit blue" leaves them). Larger things worn (a metal neck ring) still count as clothes.
"""

from __future__ import annotations

import numpy as np

from .faces import Face
from .ops import Gauss, fill_holes, keep_components, kernel, odd, opened, robust, touching

# A garment whose chest is this dark (LAB lightness) is dark clothing: its dark pieces are the garment.
DARK_GARMENT = 30.0
# Otherwise pieces darker than this covering more than MIN_DARK_SHARE of the picture are not the garment
# (a black helmet, a dark neck ring): shadows and seams on a light garment are smaller.
VERY_DARK = 22.0
MIN_DARK_SHARE = 0.01
# Patches: colour distance from the garment's median in LAB units per (L, a, b); farther than PATCH_DIST
# is another colour; a blob of it under PATCH_SHARE of the picture whose median distance exceeds
# PATCH_CONTRAST is a patch, tag or held thing, not the garment.
PATCH_SCALE = (25.0, 8.0, 8.0)
PATCH_DIST = 2.5
PATCH_CONTRAST = 3.0
PATCH_SHARE = 0.03


def skin_model(lab: np.ndarray, samples: np.ndarray, face: np.ndarray, features: np.ndarray) -> Gauss | None:
    """The face's skin colour from its `samples` (faces.skin_samples) inside the oval (None: too few pixels)."""
    patches = samples & face & ~features
    if patches.sum() < 10:
        return None
    return Gauss(robust(lab[patches]), (12.0, 2.5, 2.5))


def skin_mask(skin_like: np.ndarray, person: np.ndarray, face: np.ndarray, hair: np.ndarray, features: np.ndarray) -> np.ndarray:
    """Clean the skin-coloured pixels: open, keep sizeable blobs (and the face), fill wrinkles and shadows."""
    h, w = person.shape
    skin = opened(skin_like & ~hair & ~features, odd(0.004 * np.hypot(h, w)))
    skin = keep_components(skin, 0.0005 * h * w, keep=face)
    return fill_holes(skin, 0.0005 * h * w) & person & ~hair & ~features


def chest(shape: tuple[int, int], faces: list[Face], sx: float, sy: float) -> np.ndarray:
    """The chest below each meshed face (work resolution): where the garment's colours are sampled."""
    h, w = shape
    out = np.zeros(shape, bool)
    for f in faces:
        if f.pts is None:
            continue
        x0, y0, x1, y1 = f.box[0] * sx, f.box[1] * sy, f.box[2] * sx, f.box[3] * sy
        fw, fh = x1 - x0, y1 - y0
        cx = (x0 + x1) / 2
        out[int(max(0, y1 + 0.6 * fh)) : int(min(h, y1 + 2.0 * fh)), int(max(0, cx - fw)) : int(min(w, cx + fw))] = True
    return out


def clothes_mask(lab: np.ndarray, candidate: np.ndarray, chest_zone: np.ndarray) -> np.ndarray:
    """The garment: the candidate minus large very dark pieces (when the garment itself is not dark) and
    the highlights they enclose, kept where connected to the chest."""
    h, w = candidate.shape
    sample = candidate & chest_zone
    if sample.sum() < 50:  # the picture ends above the chest: judge by all of the candidate
        sample = candidate
    if not sample.any():
        return sample
    lightness = lab[..., 0]
    clothes = candidate
    if float(np.median(lightness[sample])) >= DARK_GARMENT:
        dark = opened(candidate & (lightness < VERY_DARK), odd(0.006 * np.hypot(h, w)))
        dark = keep_components(dark, MIN_DARK_SHARE * h * w)
        # Highlights on a glossy dark thing (a helmet's reflections) lie inside it.
        clothes = candidate & ~fill_holes(dark, 0.02 * h * w)
    clothes = opened(clothes, odd(0.006 * np.hypot(h, w)))
    clothes = touching(clothes, sample)
    clothes = keep_components(clothes, 0.002 * h * w, rel=0.02)
    return clothes & ~patches(lab, clothes, sample & clothes)


def patches(lab: np.ndarray, clothes: np.ndarray, sample: np.ndarray) -> np.ndarray:
    """Small pieces of another colour on the garment (a mission patch, a name tag, a held helmet's rim, a
    glove): blobs far in colour from the garment's median (lightness counts a third as much as hue),
    opened so that thin seams and straps do not join them, each under PATCH_SHARE of the picture."""
    import cv2

    h, w = clothes.shape
    out = np.zeros_like(clothes)
    if sample.sum() < 50:
        return out
    diag = np.hypot(h, w)
    ys, xs = np.nonzero(clothes.any(axis=1))[0], np.nonzero(clothes.any(axis=0))[0]
    box = (slice(ys[0], ys[-1] + 1), slice(xs[0], xs[-1] + 1))  # the work stays inside the garment's box
    lab_b, clothes_b = lab[box], clothes[box]
    scale = np.asarray(PATCH_SCALE, np.float32)
    far = np.sqrt((np.square((lab_b - np.median(lab[sample], axis=0)) / scale)).sum(axis=-1))
    off = clothes_b & (far > PATCH_DIST)
    blobs = fill_holes(opened(off, odd(0.02 * diag)), 0.002 * h * w)
    n, cc, stats, _ = cv2.connectedComponentsWithStats(blobs.astype(np.uint8), connectivity=8)
    area = stats[:, cv2.CC_STAT_AREA]
    contrast = np.bincount(cc.ravel(), weights=far.ravel(), minlength=n) / np.maximum(area, 1)
    ids = [i for i in range(1, n) if area[i] < PATCH_SHARE * h * w and contrast[i] > PATCH_CONTRAST]
    if not ids:
        return out
    found = np.isin(cc, ids)
    # Back to the patch's own edge (the opening rounded it), with the text and stitching inside it.
    grown = cv2.dilate(found.astype(np.uint8), kernel(odd(0.012 * diag))).astype(bool)
    out[box] = grown & (off | fill_holes(found, 0.01 * h * w))
    return out
