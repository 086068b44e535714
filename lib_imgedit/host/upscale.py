"""Enlarging a picture with the WebUI's upscalers (ESRGAN, R-ESRGAN, SwinIR, DAT... from
`shared.sd_upscalers`), as its Extras tab does: `upscaler.scaler.upscale(image, scale, data_path)`.

Only an upscaler whose model is already on disk is chosen (one given by URL would be downloaded on
its first call); without one, `upscale` raises ExecutorUnavailable and the caller resizes with
Lanczos itself. Shrinking needs no model: it is Lanczos here too.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from ..core import images
from ..core.errors import ExecutorUnavailable, InvalidInstruction

log = logging.getLogger("imgedit")

NO_MODEL = ("none", "lanczos", "nearest")
PREFERRED = ("R-ESRGAN 4x+", "ESRGAN_4x", "4x-UltraSharp", "SwinIR 4x", "DAT x4")  # general photo models first


def _model_on_disk(data: Any) -> bool:
    """The upscaler's model file exists: its path, or where the WebUI downloads its URL to."""
    path = str(getattr(data, "local_data_path", None) or getattr(data, "data_path", None) or "")
    if not path:
        return False
    if not path.startswith(("http://", "https://")):
        return Path(path).is_file()
    scaler = getattr(data, "scaler", None)
    folder = getattr(scaler, "model_download_path", None) or getattr(scaler, "model_path", None)
    return bool(folder) and (Path(folder) / Path(urlparse(path).path).name).is_file()


def pick_upscaler(name: str = "") -> Any | None:
    """The upscaler to use: `name` if given, else the Settings' "Upscaler for img2img", else the
    first of PREFERRED, else any; only model upscalers whose model is on disk."""
    from modules import shared

    usable = [u for u in getattr(shared, "sd_upscalers", None) or []
              if str(u.name).lower() not in NO_MODEL and _model_on_disk(u)]
    by_name = {str(u.name).lower(): u for u in usable}
    if name:
        return by_name.get(name.lower())
    chosen = (getattr(shared.opts, "data", None) or {}).get("upscaler_for_img2img") or ""
    for wanted in (chosen, *PREFERRED):
        if wanted and wanted.lower() in by_name:
            return by_name[wanted.lower()]
    return usable[0] if usable else None


def target_size(w: int, h: int, scale: float | None = None, width: int | None = None,
                height: int | None = None) -> tuple[int, int]:
    """The size asked for: `scale`, or `width` and/or `height` (one alone keeps the aspect)."""
    if scale:
        return max(1, round(w * scale)), max(1, round(h * scale))
    if width and height:
        return int(width), int(height)
    if width:
        return int(width), max(1, round(h * width / w))
    if height:
        return max(1, round(w * height / h)), int(height)
    raise InvalidInstruction("resize needs a scale, a width or a height", [{"path": "scale", "message": "missing"}])


def upscale(image: np.ndarray, scale: float | None = None, width: int | None = None, height: int | None = None,
            upscaler: str = "") -> tuple[np.ndarray, str]:
    """(`image` resized to the size asked for, the upscaler that did it). Enlarging runs the WebUI's
    upscaler under its queue_lock (it uses the same device as generations), then Lanczos to the exact
    size (the WebUI's upscalers round to multiples of 8)."""
    from PIL import Image

    h, w = image.shape[:2]
    tw, th = target_size(w, h, scale, width, height)
    picture = images.to_image(image)
    if tw <= w and th <= h:
        return images.to_array(picture.resize((tw, th), Image.LANCZOS)), "Lanczos"
    data = pick_upscaler(upscaler)
    if data is None:
        raise ExecutorUnavailable(f"the WebUI has no upscaler {upscaler!r} with its model on disk" if upscaler
                                  else "the WebUI has no ESRGAN-type upscaler with its model on disk")
    from modules import call_queue

    factor = max(tw / w, th / h)
    with call_queue.queue_lock:
        out = data.scaler.upscale(picture, factor, data.data_path)
    if out.size != (tw, th):
        out = out.resize((tw, th), Image.LANCZOS)
    log.info("upscaled %dx%d to %dx%d with %s", w, h, tw, th, data.name)
    return images.to_array(out), str(data.name)


def upscale_or_none(image: np.ndarray, width: int, height: int) -> np.ndarray | None:
    """The picture executor's hook (`executors.geometry.set_upscaler`): the WebUI's upscaler, or None
    (Lanczos) when no upscaler model is on disk."""
    try:
        return upscale(image, width=width, height=height)[0]
    except ExecutorUnavailable as exc:
        log.info("resizing with Lanczos: %s", exc.message)
        return None
