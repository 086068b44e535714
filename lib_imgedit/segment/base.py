"""The segmenter interface and the label map every segmenter returns."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

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

    def resized(self, width: int, height: int) -> LabelMap:
        """The same labels at another size (nearest neighbour), e.g. after an executor changed the size."""
        if (width, height) == (self.width, self.height):
            return self
        import cv2

        sx, sy = width / self.width, height / self.height
        masks = {
            n: cv2.resize(m.astype(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST).astype(bool)
            for n, m in self.masks.items()
        }
        faces = [(int(a * sx), int(b * sy), int(c * sx), int(d * sy)) for a, b, c, d in self.faces]
        return LabelMap(width, height, masks, faces, self.source)


class Segmenter:
    """Turns an RGB image (HxWx3 uint8) into a LabelMap. Subclasses set `name` and flags, and
    import their heavy libraries in `load()`, so listing segmenters costs nothing."""

    name: ClassVar[str] = ""
    labels: ClassVar[tuple[str, ...]] = ()
    needs_network: ClassVar[bool] = False

    def available(self) -> tuple[bool, str]:
        """(usable now, why not)."""
        return True, ""

    def segment(self, image: np.ndarray) -> LabelMap:
        raise NotImplementedError
