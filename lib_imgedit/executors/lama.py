"""Object removal with LaMa (large-mask inpainting) exported to ONNX, run with onnxruntime on the CPU.

The model (`defaults/models/lama.json`) is downloaded on first use through `lib_imgedit.models`; a
test or a benchmark passes the path of an .onnx file instead. LaMa runs at a fixed size (512x512), so
the picture is cropped around the mask with context, resized to the model, filled, resized back and
put in place; the caller composites through its mask, so pixels outside it stay bit for bit.

The model's inputs are told apart by their channels (3: the RGB picture in 0..1, 1: the mask, 1 =
fill), so exports that name them differently work the same; the output's scale (0..255 or 0..1)
comes from the catalogue entry.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import cv2
import numpy as np

from ..core.masks import dilate

MODEL = "lama"
DEFAULT_SIZE = 512
DEFAULT_MAX_SHARE = 0.5  # LaMa is trained on large masks; beyond half the picture there is little left to fill from
_sessions: dict[str, Any] = {}
_guard = threading.Lock()


@dataclass(frozen=True)
class InpaintModel:
    """A loaded model: the onnxruntime session, its input names and size, and the output's scale."""

    session: Any
    image_input: str
    mask_input: str
    size: tuple[int, int]  # (width, height)
    output_scale: float  # multiply the output by this to get 0..1


def _entry() -> dict[str, Any]:
    """The catalogue entry's `input` and `output` (empty when the models package is not there)."""
    try:
        from ..models import spec

        s = spec(MODEL)
        return {"input": dict(s.input), "output": s.output or {}}
    except (ImportError, KeyError):
        return {"input": {}, "output": {}}


def max_share() -> float:
    """The largest share of the picture LaMa is asked to fill (from the catalogue entry)."""
    return float(_entry()["input"].get("max_mask_share", DEFAULT_MAX_SHARE))


def load(path: str | Path) -> InpaintModel:
    """An onnxruntime session for this file, created once per process."""
    import onnxruntime as ort

    key = str(Path(path).resolve())
    with _guard:
        if key not in _sessions:
            options = ort.SessionOptions()
            options.log_severity_level = 3  # onnxruntime's own warnings go to fd 2; errors still raise
            _sessions[key] = ort.InferenceSession(key, options, providers=["CPUExecutionProvider"])
        session = _sessions[key]
    inputs = {i.name: i.shape for i in session.get_inputs()}
    image = next((n for n, s in inputs.items() if len(s) == 4 and s[1] == 3), None)
    mask = next((n for n, s in inputs.items() if len(s) == 4 and s[1] == 1), None)
    if image is None or mask is None:
        raise ValueError(f"{path}: not an inpainting model (inputs {inputs}; want an RGB picture and a 1-channel mask)")
    entry = _entry()
    h, w = inputs[image][2:]
    if not (isinstance(h, int) and isinstance(w, int)):  # a dynamic export: the catalogue's size
        w, h = entry["input"].get("size", (DEFAULT_SIZE, DEFAULT_SIZE))
    output = entry["output"] if isinstance(entry["output"], dict) else {}
    return InpaintModel(session, image, mask, (int(w), int(h)), 1.0 / float(output.get("range", [0, 255])[1]))


def model_path(settings: Any = None, progress: Callable[[int, int, str], None] | None = None) -> Path:
    """The downloaded model, fetched on first use (raises the models package's ModelUnavailable)."""
    from ..models import ensure

    return ensure(MODEL, progress=progress, settings=settings)


def usable(settings: Any = None) -> tuple[bool, str]:
    """Cheap, no network: LaMa is on disk, or can be downloaded (not offline, no failure this run, and
    the user agreed to large downloads: `model_offers`)."""
    try:
        import onnxruntime  # noqa: F401

        from ..models import failure, is_offline, is_present
    except ImportError as exc:
        return False, f"LaMa needs {exc.name}"
    if is_present(MODEL, settings):
        return True, ""
    if is_offline(settings):
        return False, "the LaMa model is not downloaded and downloads are off"
    why = failure(MODEL, settings)
    if why:
        return False, why
    from ..core.lang import setting_name
    from ..models import spec
    from ..models.offers import must_ask

    model = spec(MODEL)
    if settings is not None and must_ask(model, settings):
        return False, (f"{model.title} ({model.size_mb:.0f} MB download) is asked for first: say 'download the models' "
                       f"or turn on “{setting_name('download_large_models')}” in Settings")
    return True, ""


def crop_box(region: np.ndarray, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """(x0, y0, side_x, side_y): a square around the mask with as much context again as the mask's own
    size (at least the model's size, so a small hole is not upscaled), shifted to stay inside the
    picture; on a picture narrower than the square the side is the picture's."""
    h, w = region.shape
    ys, xs = np.nonzero(region)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    side = max(2 * max(y1 - y0, x1 - x0), min(size))
    sx, sy = min(side, w), min(side, h)
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    left = int(np.clip(cx - sx // 2, 0, w - sx))
    top = int(np.clip(cy - sy // 2, 0, h - sy))
    return left, top, sx, sy


def preprocess(image: np.ndarray, hole: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """A crop and its hole as the model's tensors: NCHW float32, RGB in 0..1, mask 1 = fill."""
    w, h = size
    shrink = image.shape[0] * image.shape[1] > w * h
    pic = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)
    # any pixel of the hole stays a hole at the model's size (a thin object must not vanish)
    small = cv2.resize(hole.astype(np.float32), (w, h), interpolation=cv2.INTER_AREA) > 0
    return (np.transpose(pic.astype(np.float32) / 255.0, (2, 0, 1))[None],
            small.astype(np.float32)[None, None])


def postprocess(output: np.ndarray, scale: float, shape: tuple[int, int]) -> np.ndarray:
    """The model's NCHW output as an RGB uint8 crop of `shape` (h, w)."""
    rgb = np.transpose(np.asarray(output, np.float32)[0], (1, 2, 0)) * (255.0 * scale)
    rgb = np.clip(rgb + 0.5, 0, 255).astype(np.uint8)
    h, w = shape
    grow = h * w > rgb.shape[0] * rgb.shape[1]
    return cv2.resize(rgb, (w, h), interpolation=cv2.INTER_CUBIC if grow else cv2.INTER_AREA)


def fill(image: np.ndarray, region: np.ndarray, model: InpaintModel) -> np.ndarray:
    """The picture with `region` filled by the model (the whole picture; the caller composites)."""
    if not region.any():
        return image.copy()
    # a little beyond the mask: the object's outline and shadow must not be copied into the fill
    hole = dilate(region, max(2, int(np.hypot(*region.shape) / 400)))
    x, y, sx, sy = crop_box(hole, model.size)
    crop, crop_hole = image[y:y + sy, x:x + sx], hole[y:y + sy, x:x + sx].astype(np.uint8)
    # a picture narrower than the square: mirrored out to a square rather than stretched (the hole
    # mirrored too, so the model does not take the object's reflection for context)
    pad_y, pad_x = max(sx, sy) - sy, max(sx, sy) - sx
    if pad_x or pad_y:
        crop = cv2.copyMakeBorder(crop, 0, pad_y, 0, pad_x, cv2.BORDER_REFLECT_101)
        crop_hole = cv2.copyMakeBorder(crop_hole, 0, pad_y, 0, pad_x, cv2.BORDER_REFLECT_101)
    pic, mask = preprocess(crop, crop_hole > 0, model.size)
    (out,) = model.session.run(None, {model.image_input: pic, model.mask_input: mask})[:1]
    result = image.copy()
    result[y:y + sy, x:x + sx] = postprocess(out, model.output_scale, crop.shape[:2])[:sy, :sx]
    return result
