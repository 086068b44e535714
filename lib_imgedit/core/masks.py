"""Masks from a label map and an instruction: small pure functions on arrays.

Order, per target label: erode, then dilate (the label's rule from `rules.json`). Then the union of
all targets, the instruction's own `mask` overrides (erode, then dilate), `invert`, and last the
feather. The feather ramps from 0 at the mask's edge to 1 `feather` pixels inside, so a pixel outside
the hard mask is never touched.
"""

from __future__ import annotations

import colorsys
import hashlib
from typing import Any, Iterable

import cv2
import numpy as np

from .config import label_rule
from .labels import LabelMap


def _kernel(px: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * px + 1, 2 * px + 1))


def dilate(mask: np.ndarray, px: int) -> np.ndarray:
    if px <= 0:
        return mask.copy()
    return cv2.dilate(mask.astype(np.uint8), _kernel(px)).astype(bool)


def erode(mask: np.ndarray, px: int) -> np.ndarray:
    if px <= 0:
        return mask.copy()
    # Pad with "inside" so a mask touching the border is not eaten away from the frame edge.
    return cv2.erode(mask.astype(np.uint8), _kernel(px), borderType=cv2.BORDER_CONSTANT, borderValue=1).astype(bool)


def invert(mask: np.ndarray) -> np.ndarray:
    return ~mask


def union(masks: Iterable[np.ndarray], shape: tuple[int, int]) -> np.ndarray:
    out = np.zeros(shape, dtype=bool)
    for m in masks:
        out |= m
    return out


def feather(mask: np.ndarray, px: int) -> np.ndarray:
    """Soft alpha in [0, 1]: 0 outside `mask`, rising to 1 at `px` pixels inside its edge."""
    if px <= 0 or not mask.any():
        return mask.astype(np.float32)
    if mask.all():
        return np.ones(mask.shape, np.float32)
    padded = np.pad(mask.astype(np.uint8), 1, constant_values=1)  # the frame edge is not an edge
    dist = cv2.distanceTransform(padded, cv2.DIST_L2, 5)[1:-1, 1:-1]
    return np.clip(dist / float(px), 0.0, 1.0).astype(np.float32) * mask


def select_faces(label_map: LabelMap, indices: list[int]) -> np.ndarray:
    """The `face` label limited to the chosen faces (numbered left to right from 0)."""
    face = label_map.masks.get("face", np.zeros((label_map.height, label_map.width), bool))
    keep = np.zeros_like(face)
    for i in indices:
        if 0 <= i < len(label_map.faces):
            x0, y0, x1, y1 = label_map.faces[i]
            pad_x, pad_y = (x1 - x0) // 6, (y1 - y0) // 6
            keep[max(0, y0 - pad_y): y1 + pad_y, max(0, x0 - pad_x): x1 + pad_x] = True
    return face & keep


def label_mask(label_map: LabelMap, label: str, rules: dict[str, Any], max_dilate: int | None = None) -> np.ndarray:
    rule = label_rule(rules, label)
    grow = int(rule.get("dilate", 0))
    if max_dilate is not None:
        grow = min(grow, max_dilate)
    return dilate(erode(label_map.masks[label], int(rule.get("erode", 0))), grow)


def build_mask(label_map: LabelMap, instruction: Any, rules: dict[str, Any]) -> np.ndarray:
    """The soft mask (float32, HxW, 0..1) an executor applies for `instruction`.

    No targets means the whole image. Unknown labels raise KeyError: validation ran before this.
    """
    shape = (label_map.height, label_map.width)
    targets = list(instruction.targets)
    opts = instruction.mask
    if not targets:
        hard = np.ones(shape, dtype=bool)
        feather_px = 0
    else:
        # A label's growth gives a generative edit room to blend; an operation may cap it (recolor:
        # grown hair would tint the wall behind it).
        max_dilate = rules["operations"].get(instruction.operation, {}).get("max_dilate")
        parts = []
        for t in targets:
            if t == "face" and instruction.faces and label_map.faces:
                masked = LabelMap(label_map.width, label_map.height, {"face": select_faces(label_map, instruction.faces)})
                parts.append(label_mask(masked, "face", rules, max_dilate))
            else:
                parts.append(label_mask(label_map, t, rules, max_dilate))
        hard = union(parts, shape)
        feather_px = max(int(label_rule(rules, t).get("feather", 0)) for t in targets)
    if opts.erode:
        hard = erode(hard, opts.erode)
    if opts.dilate:
        hard = dilate(hard, opts.dilate)
    if opts.invert:
        hard = invert(hard)
    if opts.feather is not None:
        feather_px = opts.feather
    return feather(hard, feather_px)


def composite(original: np.ndarray, edited: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """`edited` inside the mask, `original` outside; pixels where alpha == 0 are copied bit for bit."""
    if edited.shape != original.shape:
        raise ValueError(f"edited image is {edited.shape}, original {original.shape}")
    a = alpha[..., None].astype(np.float32)
    out = original.astype(np.float32) * (1.0 - a) + edited.astype(np.float32) * a
    out = np.clip(np.rint(out), 0, 255).astype(np.uint8)
    outside = alpha <= 0
    out[outside] = original[outside]
    return out


def label_color(name: str) -> tuple[int, int, int]:
    """A stable, distinct-looking colour per label name (the same in the overlay and the legend)."""
    fixed = {
        "person": (255, 196, 0), "background": (70, 130, 255), "face": (255, 80, 80), "hair": (170, 80, 255),
        "eyes": (0, 230, 230), "lips": (255, 0, 150), "skin": (255, 160, 120), "clothes": (60, 200, 90),
        "sky": (120, 200, 255), "user_mask": (255, 255, 0),
    }
    if name in fixed:
        return fixed[name]
    h = int(hashlib.md5(name.encode()).hexdigest()[:6], 16) / 0xFFFFFF
    r, g, b = colorsys.hsv_to_rgb(h, 0.75, 1.0)
    return int(r * 255), int(g * 255), int(b * 255)


def overlay(image: np.ndarray, label_map: LabelMap, alpha: float = 0.45, labels: list[str] | None = None) -> np.ndarray:
    """The picture with each label tinted in its colour (smaller labels on top), outlines, and the
    face numbers used by face operations."""
    out = image.astype(np.float32)
    names = labels if labels is not None else label_map.names
    for name in sorted(names, key=lambda n: -label_map.share(n)):
        m = label_map.masks.get(name)
        if m is None or not m.any():
            continue
        color = np.array(label_color(name), np.float32)
        out[m] = out[m] * (1 - alpha) + color * alpha
        edge = m & ~erode(m, 1)
        out[edge] = color
    out = np.clip(out, 0, 255).astype(np.uint8)
    scale = max(0.5, min(label_map.width, label_map.height) / 600)
    for i, (x0, y0, x1, y1) in enumerate(label_map.faces):
        cv2.rectangle(out, (x0, y0), (x1, y1), (255, 255, 255), max(1, int(2 * scale)))
        org = (x0 + 4, max(int(22 * scale), y0 - 6))
        cv2.putText(out, str(i + 1), org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), int(4 * scale) + 1, cv2.LINE_AA)
        cv2.putText(out, str(i + 1), org, cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), max(1, int(2 * scale)), cv2.LINE_AA)
    return out
