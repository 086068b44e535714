"""Picture operations on the CPU: crop, rotate, flip, resize. They change the picture's size or
orientation, so the label map goes through the same transform (nearest neighbour) and comes back
with the image: the next "blur the background" still knows where the background is.

Rotations by multiples of 90 degrees and flips are exact (no resampling). A small straightening angle
rotates and crops to the largest upright rectangle inside the turned picture, so no empty corners
appear. Resizing uses Lanczos; inside the WebUI the host may set `upscaler` to use its own upscalers
(ESRGAN...) for enlarging.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import cv2
import numpy as np

from ..core.errors import InvalidInstruction
from ..core.instruction import PICTURE_OPERATIONS, EditInstruction
from ..core.labels import LabelMap
from ..core.masks import select_faces
from .base import EditRequest, EditResult, Executor

# (image RGB uint8, width, height) -> the image enlarged to width x height, or None when it cannot
# (no model): then Lanczos. Set by the host adapter with `set_upscaler`.
Upscaler = Callable[[np.ndarray, int, int], "np.ndarray | None"]
upscaler: Upscaler | None = None

CROP_MARGIN = 0.06  # around the targets of a tight crop, as a share of the targets' box
MIN_SIDE = 16


def set_upscaler(fn: Upscaler | None) -> None:
    """Use `fn` to enlarge pictures (the WebUI's upscalers); None: Lanczos."""
    global upscaler
    upscaler = fn


def _aspect(text: str) -> float:
    w, _, h = text.partition(":")
    return int(w) / int(h)


def _fit_aspect(box: tuple[int, int, int, int], ratio: float, width: int, height: int) -> tuple[int, int, int, int]:
    """The smallest box of aspect `ratio` that holds `box`, centred on it and moved inside the picture
    (cut down to the largest such box the picture holds when it does not fit)."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    if bw / bh < ratio:
        bw = bh * ratio
    else:
        bh = bw / ratio
    scale = min(1.0, width / bw, height / bh)
    bw, bh = max(1, int(round(bw * scale))), max(1, int(round(bh * scale)))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    nx0 = int(round(min(max(cx - bw / 2, 0), width - bw)))
    ny0 = int(round(min(max(cy - bh / 2, 0), height - bh)))
    return nx0, ny0, nx0 + bw, ny0 + bh


def crop_box(instr: EditInstruction, width: int, height: int, region: np.ndarray | None) -> tuple[int, int, int, int]:
    """Where a crop cuts: tight around `region` (the targets) with a small margin, or the largest centred
    box of the aspect; with both, a box of that aspect around the targets."""
    box = (0, 0, width, height)
    if instr.targets:
        if region is None or not region.any():
            raise InvalidInstruction("there is nothing to crop around: the targets have no pixels",
                                     [{"path": "targets", "message": "empty"}])
        xs, ys = np.flatnonzero(region.any(axis=0)), np.flatnonzero(region.any(axis=1))
        x0, x1, y0, y1 = int(xs[0]), int(xs[-1]) + 1, int(ys[0]), int(ys[-1]) + 1
        mx, my = math.ceil((x1 - x0) * CROP_MARGIN), math.ceil((y1 - y0) * CROP_MARGIN)
        box = (max(0, x0 - mx), max(0, y0 - my), min(width, x1 + mx), min(height, y1 + my))
    if instr.aspect:
        box = _fit_aspect(box, _aspect(instr.aspect), width, height)
    return box


def inner_size(width: int, height: int, degrees: float) -> tuple[int, int]:
    """The largest upright rectangle (its area) inside a width x height picture turned by `degrees`."""
    a = math.radians(abs(degrees))
    sin, cos = abs(math.sin(a)), abs(math.cos(a))
    long_side, short_side = max(width, height), min(width, height)
    if short_side <= 2 * sin * cos * long_side or abs(sin - cos) < 1e-10:
        x = 0.5 * short_side
        w, h = (x / sin, x / cos) if width >= height else (x / cos, x / sin)
    else:
        cos2 = cos * cos - sin * sin
        w, h = (width * cos - height * sin) / cos2, (height * cos - width * sin) / cos2
    return max(1, int(w)), max(1, int(h))


def resize_size(instr: EditInstruction, width: int, height: int) -> tuple[int, int]:
    if instr.width and instr.height:
        return instr.width, instr.height
    if instr.width:
        return instr.width, max(1, round(height * instr.width / width))
    if instr.height:
        return max(1, round(width * instr.height / height)), instr.height
    scale = float(instr.scale or 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


@dataclass
class Move:
    """One picture operation resolved for a picture: what it does to the pixels and to the labels."""

    image: Callable[[np.ndarray], np.ndarray]
    labels: Callable[[LabelMap], LabelMap]
    info: dict[str, Any] = field(default_factory=dict)


class PictureExecutor(Executor):
    name = "picture"
    operations = PICTURE_OPERATIONS
    description = "crop, rotate, flip and resize on the CPU; the labels follow the picture"

    def _caps(self) -> tuple[int, int]:
        """(longest side, most pixels) a resize may reach: the rules' and the settings' limits."""
        side = int(self.rules["operations"].get("resize", {}).get("max_side", 8192))
        return min(side, int(self.settings.max_image_side)), int(self.settings.max_image_pixels)

    def target_size(self, instr: EditInstruction, width: int, height: int) -> tuple[tuple[int, int], str]:
        """The size a resize makes, capped by the limits; and a note when it was capped."""
        w, h = resize_size(instr, width, height)
        max_side, max_pixels = self._caps()
        scale = min(1.0, max_side / max(w, h), math.sqrt(max_pixels / (w * h)))
        note = ""
        if scale < 1.0:
            w, h = max(1, int(w * scale + 1e-6)), max(1, int(h * scale + 1e-6))
            note = f"capped at {w}x{h}: the largest picture allowed here"
        if min(w, h) < MIN_SIDE:
            raise InvalidInstruction(f"resizing to {w}x{h} is too small: each side needs at least {MIN_SIDE} px",
                                     [{"path": "scale", "message": "too small"}])
        return (w, h), note

    @staticmethod
    def _labels(request: EditRequest) -> LabelMap:
        h, w = request.image.shape[:2]
        labels = request.label_map or LabelMap(w, h)
        return labels if (labels.width, labels.height) == (w, h) else labels.resized(w, h)

    def move(self, request: EditRequest) -> Move:
        instr = request.instruction
        h, w = request.image.shape[:2]
        if instr.operation == "flip":
            axis = 1 if instr.direction == "horizontal" else 0
            return Move(lambda im: np.flip(im, axis), lambda lm: lm.flipped(instr.direction))
        if instr.operation == "crop":
            region = None
            if instr.targets:
                labels = self._labels(request)
                region = np.zeros((h, w), bool)
                for t in instr.targets:
                    if t == "face" and instr.faces and labels.faces:  # around the chosen faces only
                        region |= select_faces(labels, instr.faces)
                    else:
                        region |= labels.masks[t] if t in labels.masks else request.mask > 0
            x0, y0, x1, y1 = crop_box(instr, w, h, region)
            if instr.aspect and instr.width and instr.height:  # "crop to 1200 by 800": that aspect, then that size
                sw, sh = instr.width, instr.height
                return Move(lambda im: _resample(im[y0:y1, x0:x1], sw, sh)[0],
                            lambda lm: lm.cropped(x0, y0, x1, y1).resized(sw, sh), {"box": [x0, y0, x1, y1]})
            return Move(lambda im: im[y0:y1, x0:x1], lambda lm: lm.cropped(x0, y0, x1, y1), {"box": [x0, y0, x1, y1]})
        if instr.operation == "rotate":
            return self._rotation(float(instr.angle), w, h)
        (nw, nh), note = self.target_size(instr, w, h)
        info: dict[str, Any] = {"notes": [note]} if note else {}

        def image(im: np.ndarray) -> np.ndarray:
            out, info["resampler"] = _resample(im, nw, nh)
            return out

        return Move(image, lambda lm: lm.resized(nw, nh), info)

    @staticmethod
    def _rotation(degrees: float, w: int, h: int) -> Move:
        angle = degrees % 360.0
        quarters = int(round(angle / 90.0)) % 4
        rest = angle - 90.0 * round(angle / 90.0)  # in [-45, 45]
        if abs(rest) < 1e-6:
            return Move(lambda im: np.rot90(im, -quarters), lambda lm: lm.rotated90(quarters))
        tw, th = (w, h) if quarters % 2 == 0 else (h, w)
        cw, ch = inner_size(tw, th, rest)
        matrix = cv2.getRotationMatrix2D((tw / 2.0, th / 2.0), -rest, 1.0)  # OpenCV turns counter-clockwise
        matrix[0, 2] -= (tw - cw) / 2.0
        matrix[1, 2] -= (th - ch) / 2.0

        def image(im: np.ndarray) -> np.ndarray:
            return cv2.warpAffine(np.ascontiguousarray(np.rot90(im, -quarters)), matrix, (cw, ch),
                                  flags=cv2.INTER_LANCZOS4, borderMode=cv2.BORDER_REPLICATE)

        return Move(image, lambda lm: lm.rotated90(quarters).warped(matrix, cw, ch), {"inner": [cw, ch]})

    def labels_after(self, request: EditRequest) -> LabelMap:
        """The labels after this operation, without touching the pixels (to check a plan's next steps)."""
        return self.move(request).labels(self._labels(request))

    def run(self, request: EditRequest) -> EditResult:
        instr = request.instruction
        if request.progress:
            request.progress(0, 1, instr.operation)
        move = self.move(request)
        out = np.ascontiguousarray(move.image(request.image))
        labels = move.labels(self._labels(request))
        if request.progress:
            request.progress(1, 1, instr.operation)
        info = {"operation": instr.operation, "size": [out.shape[1], out.shape[0]], **move.info}
        return EditResult(out, self.name, info, labels)


def _resample(im: np.ndarray, width: int, height: int) -> tuple[np.ndarray, str]:
    """(the picture at width x height, what resized it): the host's upscaler when one is set, the
    picture grows and it answers (None: it has no model), else Lanczos."""
    if upscaler is not None and width * height > im.shape[0] * im.shape[1]:
        out = upscaler(im, width, height)
        if out is not None:
            out = np.ascontiguousarray(np.asarray(out, np.uint8)[..., :3])
            if out.shape[:2] != (height, width):
                out = cv2.resize(out, (width, height), interpolation=cv2.INTER_LANCZOS4)
            return out, "upscaler"
    return cv2.resize(im, (width, height), interpolation=cv2.INTER_LANCZOS4), "lanczos"
