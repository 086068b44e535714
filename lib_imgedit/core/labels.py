"""The label map every segmenter returns, and label names (`car 2`)."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# A class name (`car`, `upper_clothes`), optionally followed by an instance number: separate
# instances of one class are `car 1`, `car 2`, ... numbered left to right.
LABEL_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}( [1-9][0-9]?)?$")
_INSTANCE_RE = re.compile(r"^(.*) ([1-9][0-9]?)$")
# A label with fewer pixels than this is too small to edit: segmenters drop it (LabelMap.drop_empty).
MIN_LABEL_PIXELS = 25


def clean_label(name: str) -> str:
    """Normalise a label name: lower case, words joined by `_`, an instance number kept apart
    (`Red Car 2` -> `red_car 2`); raise ValueError if unusable."""
    text = str(name).strip().lower()
    m = _INSTANCE_RE.match(text)
    base, number = (m.group(1), m.group(2)) if m else (text, "")
    label = re.sub(r"[\s\-]+", "_", base.strip()) + (f" {number}" if number else "")
    if not LABEL_RE.match(label):
        raise ValueError(f"label {name!r} must be 1-40 letters, digits or _, start with a letter and may end "
                         "with an instance number ('car 2')")
    return label


def split_instance(label: str) -> tuple[str, int | None]:
    """`car 2` -> (`car`, 2); `car` -> (`car`, None)."""
    m = _INSTANCE_RE.match(label)
    return (m.group(1), int(m.group(2))) if m else (label, None)


def percent(share: float) -> str:
    """A label's share for people: whole percents, "<1%" for a small part that is there (eyes, lips)."""
    text = f"{share:.0%}"
    return "<1%" if text == "0%" else text


@dataclass
class LabelMap:
    """Boolean masks by label name (labels may overlap: `face` lies inside `person`), plus the
    detected faces as (x0, y0, x1, y1) boxes numbered left to right."""

    width: int
    height: int
    masks: dict[str, np.ndarray] = field(default_factory=dict)
    faces: list[tuple[int, int, int, int]] = field(default_factory=list)
    source: str = ""

    def __post_init__(self) -> None:
        for name, mask in list(self.masks.items()):
            if mask.shape != (self.height, self.width):
                raise ValueError(f"mask {name!r} is {mask.shape[::-1]}, expected {(self.width, self.height)}")
            self.masks[name] = mask.astype(bool, copy=False)
        self.faces = sorted((tuple(int(v) for v in f) for f in self.faces), key=lambda b: (b[0], b[1]))

    @property
    def names(self) -> list[str]:
        return list(self.masks)

    def share(self, name: str) -> float:
        return float(self.masks[name].mean()) if name in self.masks else 0.0

    def summary(self, min_share: float = 0.0) -> list[dict[str, Any]]:
        """Labels with their share of the picture (rounded to 4 places), largest first. A label is listed
        only when its rounded share exceeds `min_share`: never one with no pixels or a share of 0."""
        items = [{"name": n, "share": round(self.share(n), 4)} for n in self.masks]
        return sorted((d for d in items if d["share"] > max(0.0, min_share)), key=lambda d: -d["share"])

    def drop_empty(self, min_share: float = 0.0005, min_pixels: int = MIN_LABEL_PIXELS) -> LabelMap:
        """Drop labels too small to edit, so the planner never targets a handful of pixels: fewer than
        `min_share` of the picture or fewer than `min_pixels` pixels (a label covering a picture smaller
        than that is kept). Empty labels always go."""
        total = self.width * self.height
        need = max(1.0, min_share * total, min(min_pixels, total))
        self.masks = {n: m for n, m in self.masks.items() if int(np.count_nonzero(m)) >= need}
        return self

    def to_bytes(self) -> bytes:
        """Compact, deterministic serialisation (bit-packed masks in an .npz plus JSON metadata)."""
        meta = {"width": self.width, "height": self.height, "names": self.names, "faces": self.faces, "source": self.source}
        arrays = {f"m{i}": np.packbits(m, axis=None) for i, m in enumerate(self.masks.values())}
        buf = io.BytesIO()
        np.savez_compressed(buf, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), **arrays)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> LabelMap:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            meta = json.loads(npz["meta"].tobytes().decode())
            w, h = meta["width"], meta["height"]
            masks = {
                name: np.unpackbits(npz[f"m{i}"], count=w * h).reshape(h, w).astype(bool)
                for i, name in enumerate(meta["names"])
            }
        return cls(w, h, masks, [tuple(f) for f in meta["faces"]], meta.get("source", ""))

    # Transforms: the labels follow the picture through a picture operation (nearest neighbour, so a
    # mask stays a mask), the face boxes too.
    def _mapped(self, fn: Any, width: int, height: int, box: Any) -> LabelMap:
        masks = {n: np.ascontiguousarray(fn(m)) for n, m in self.masks.items()}
        faces = [b for b in (box(f) for f in self.faces) if b[2] > b[0] and b[3] > b[1]]
        moved = LabelMap(width, height, {n: m for n, m in masks.items() if m.any()}, faces, self.source)
        return moved.renumbered()

    def renumbered(self) -> LabelMap:
        """Instances numbered left to right again (by their centre), as segmentation numbers them: after
        a flip `car 1` is still the car on the left, and one cropped away leaves no gap."""
        groups: dict[str, list[str]] = {}
        for name in self.masks:
            base, number = split_instance(name)
            if number is not None:
                groups.setdefault(base, []).append(name)
        rename: dict[str, str] = {}
        for base, names in groups.items():
            centres = {n: _centre(self.masks[n]) for n in names}
            for i, name in enumerate(sorted(names, key=lambda n: centres[n]), 1):
                rename[name] = f"{base} {i}"
        if all(rename.get(n, n) == n for n in self.masks):
            return self
        return LabelMap(self.width, self.height, {rename.get(n, n): m for n, m in self.masks.items()}, self.faces, self.source)

    def resized(self, width: int, height: int) -> LabelMap:
        """The same labels at another size (nearest neighbour), e.g. after an executor changed the size."""
        if (width, height) == (self.width, self.height):
            return self
        import cv2

        sx, sy = width / self.width, height / self.height
        return self._mapped(
            lambda m: cv2.resize(m.astype(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST).astype(bool),
            width, height, lambda f: (int(f[0] * sx), int(f[1] * sy), int(f[2] * sx), int(f[3] * sy)))

    def cropped(self, x0: int, y0: int, x1: int, y1: int) -> LabelMap:
        """The labels inside the box [x0, x1) x [y0, y1); labels left with no pixels are dropped."""
        if not (0 <= x0 < x1 <= self.width and 0 <= y0 < y1 <= self.height):
            raise ValueError(f"crop box {(x0, y0, x1, y1)} is not inside {self.width}x{self.height}")
        w, h = x1 - x0, y1 - y0
        return self._mapped(lambda m: m[y0:y1, x0:x1], w, h, lambda f: (
            max(0, f[0] - x0), max(0, f[1] - y0), min(w, f[2] - x0), min(h, f[3] - y0)))

    def flipped(self, direction: str) -> LabelMap:
        """Mirrored left-right (`horizontal`) or upside down (`vertical`); face numbers follow the new order."""
        w, h = self.width, self.height
        if direction == "horizontal":
            return self._mapped(lambda m: m[:, ::-1], w, h, lambda f: (w - f[2], f[1], w - f[0], f[3]))
        return self._mapped(lambda m: m[::-1], w, h, lambda f: (f[0], h - f[3], f[2], h - f[1]))

    def rotated90(self, quarters: int) -> LabelMap:
        """Turned by `quarters` x 90 degrees clockwise, exactly."""
        k = quarters % 4
        w, h = self.width, self.height
        boxes = {
            0: lambda f: f,
            1: lambda f: (h - f[3], f[0], h - f[1], f[2]),
            2: lambda f: (w - f[2], h - f[3], w - f[0], h - f[1]),
            3: lambda f: (f[1], w - f[2], f[3], w - f[0]),
        }
        size = (w, h) if k % 2 == 0 else (h, w)
        return self._mapped(lambda m: np.rot90(m, -k), size[0], size[1], boxes[k])

    def warped(self, matrix: np.ndarray, width: int, height: int) -> LabelMap:
        """Through a 2x3 affine `matrix` (as cv2.warpAffine takes it) onto a width x height canvas; a face
        box becomes the bounding box of its moved corners."""
        import cv2

        def box(f: tuple[int, ...]) -> tuple[int, int, int, int]:
            pts = np.array([[f[0], f[1], 1], [f[2], f[1], 1], [f[0], f[3], 1], [f[2], f[3], 1]], np.float64) @ matrix.T
            x0, y0 = np.clip(pts.min(axis=0), 0, [width, height])
            x1, y1 = np.clip(pts.max(axis=0), 0, [width, height])
            return int(x0), int(y0), int(round(x1)), int(round(y1))

        return self._mapped(lambda m: cv2.warpAffine(m.astype(np.uint8), matrix, (width, height), flags=cv2.INTER_NEAREST,
                                                     borderValue=0).astype(bool), width, height, box)

    def merged(self, fresh: LabelMap, region: np.ndarray) -> LabelMap:
        """These labels after an edit that changed the pixels in `region`, re-read by `fresh` (a new
        segmentation of the edited picture). Outside `region` every label stays exactly as it was. Inside,
        a label both maps know takes the fresh mask; when `fresh` comes from the same segmenter, a label it
        no longer finds leaves the region and a new one it finds there is added; a label the fresh segmenter
        cannot read at all (a provided map's `sea`) keeps its region. Faces: the old ones outside, the fresh
        ones inside."""
        if fresh.masks and (fresh.width, fresh.height) != (self.width, self.height):
            raise ValueError("the fresh label map must be the picture's size")
        same = fresh.source == self.source
        masks: dict[str, np.ndarray] = {}
        for name, old in self.masks.items():
            if name in fresh.masks:
                masks[name] = (old & ~region) | (fresh.masks[name] & region)
            else:
                masks[name] = old & ~region if same else old.copy()
        if same:
            for name, new in fresh.masks.items():
                if name not in masks:
                    masks[name] = new & region
        def touches(f: tuple[int, ...]) -> bool:
            return bool(region[f[1]:f[3], f[0]:f[2]].any())

        faces = [f for f in self.faces if not touches(f)] + [f for f in fresh.faces if touches(f)]
        return LabelMap(self.width, self.height, {n: m for n, m in masks.items() if m.any()}, faces, self.source)


def _centre(mask: np.ndarray) -> tuple[float, float]:
    """(x, y) of a mask's centre of mass, from its column and row counts (no per-pixel coordinates)."""
    total = max(1, int(mask.sum()))
    cols, rows = mask.sum(axis=0), mask.sum(axis=1)
    return float(cols @ np.arange(cols.size)) / total, float(rows @ np.arange(rows.size)) / total
