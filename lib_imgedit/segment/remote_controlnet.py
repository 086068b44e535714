"""A remote WebUI's ControlNet segmentation (`POST /controlnet/detect`) as the `remote_controlnet` segmenter.

For the standalone app with a remote WebUI configured (the `webui_api_*` settings, the same URL, credentials
and HTTP client as the `webui_api` executor). The remote runs OneFormer (ADE20K or COCO) or UniFormer on
the picture, scaled down to the processor resolution, and answers with a colour-coded map; `colormap` reads
it back into named labels with the data set's palette at the picture's size.

It is available once the remote's `/controlnet/module_list` has listed a segmentation preprocessor (asked
once, then remembered). A failure (unreachable, timeout, an error reply, no image, the preprocessor gone)
raises the typed error and is remembered for `retry_after` seconds, during which `available()` says why and
the remote is not asked again, so the next segmenter serves the uploads instead of each waiting for a dead
remote.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from ..core import images
from ..core.errors import ExecutorUnavailable, ImgEditError, UpstreamError
from ..core.labels import LabelMap
from ..executors.base import decode_result
from ..executors.webui_api import WebUIApiExecutor
from .base import Segmenter
from .colormap import labelmap_from_segmentation
from .palettes import ADE20K, COCO, PALETTES

if TYPE_CHECKING:
    from ..core.config import Settings
    from ..core.progress import ProgressFn

# Best first: (UI label, registered name, palette). `/controlnet/module_list` lists the labels with
# `alias_names=true` and the registered names without; `/controlnet/detect` accepts either.
SEG_MODULES = (
    ("seg_ofade20k", "oneformer_ade20k", "ade20k"),
    ("seg_ofcoco", "oneformer_coco", "coco"),
    ("seg_ufade20k", "segmentation", "ade20k"),
)


class RemoteControlNetSegmenter(Segmenter):
    name: ClassVar[str] = "remote_controlnet"
    kind: ClassVar[str] = "scene"  # its part when segmenters are combined
    labels: ClassVar[tuple[str, ...]] = tuple(sorted(set(ADE20K.values()) | set(COCO.values())))
    needs_network: ClassVar[bool] = True
    resolution: ClassVar[int] = 512  # the preprocessor's working size (short side); more is sent for nothing
    list_timeout: ClassVar[float] = 10.0  # asking which preprocessors exist is quick
    max_wait: ClassVar[float] = 120.0  # a detect call waits at most this (or the shorter webui_api_timeout)
    retry_after: ClassVar[float] = 120.0  # seconds a failed remote is left alone

    def __init__(self, settings: Settings | None = None) -> None:
        from ..core.config import Settings

        # Built without settings (the old registry path) it has no URL, so it is never available.
        self.remote = WebUIApiExecutor(settings or Settings(), {})
        self.module = ""  # the preprocessor chosen from the remote's list; "" = not asked yet
        self.palette = ""
        self._failed_at = float("-inf")
        self._failure = ""

    @classmethod
    def from_settings(cls, settings: Settings, progress: ProgressFn | None = None) -> RemoteControlNetSegmenter:
        return cls(settings)

    # ------------------------------------------------------------ availability
    def available(self) -> tuple[bool, str]:
        ok, why = self.remote.available()
        if not ok:
            return False, why
        if time.monotonic() - self._failed_at < self.retry_after:
            return False, self._failure
        if not self.module:
            try:
                self._choose_module()
            except ImgEditError as exc:
                self._fail(exc)
                return False, exc.message
        return True, ""

    def _choose_module(self) -> None:
        with self.remote._client(timeout=self.list_timeout) as client:
            found = self.remote._call(client, "GET", "/controlnet/module_list", optional=True,
                                      params={"alias_names": "true"})
        if found is None:
            raise ExecutorUnavailable(f"the remote WebUI at {self.remote.url} has no ControlNet extension")
        listed = {str(m).lower() for m in (found.get("module_list") if isinstance(found, dict) else None) or []}
        for label, registered, palette in SEG_MODULES:
            if label in listed or registered in listed:
                self.module, self.palette = (label if label in listed else registered), palette
                return
        raise ExecutorUnavailable(f"the remote WebUI's ControlNet at {self.remote.url} has no segmentation "
                                  f"preprocessor ({', '.join(m[0] for m in SEG_MODULES)})")

    def _fail(self, exc: ImgEditError) -> None:
        """Remember a failure; the preprocessor is chosen again when the remote is next asked."""
        self._failed_at, self._failure = time.monotonic(), exc.message
        self.module = ""

    # ------------------------------------------------------------ segmenting
    def segment(self, image: np.ndarray) -> LabelMap:
        ok, why = self.available()
        if not ok:
            raise ExecutorUnavailable(f"remote segmentation is not available: {why}")
        rgb = np.ascontiguousarray(np.asarray(image)[..., :3], dtype=np.uint8)
        h, w = rgb.shape[:2]
        module, palette = self.module, self.palette
        body = {
            "controlnet_module": module,
            "controlnet_input_images": [images.png_b64(images.encode_png(_downscaled(rgb, self.resolution)))],
            "controlnet_processor_res": self.resolution,
            "controlnet_threshold_a": -1,  # -1: the preprocessor's defaults
            "controlnet_threshold_b": -1,
        }
        try:
            with self.remote._client(timeout=min(self.remote.settings.webui_api_timeout, self.max_wait)) as client:
                reply = self.remote._call(client, "POST", "/controlnet/detect", json=body)
            found = reply.get("images") if isinstance(reply, dict) else None
            if not found or not isinstance(found[0], str):
                raise UpstreamError(f"the remote WebUI's ControlNet answered {module} without a map: "
                                          f"{str(reply)[:200]!r}")
            colour = decode_result(found[0], f"the remote WebUI's ControlNet ({module})")
        except ImgEditError as exc:
            self._fail(exc)
            raise
        return labelmap_from_segmentation(colour, PALETTES[palette], (w, h), source=f"remote_controlnet:{module}")


def _downscaled(rgb: np.ndarray, short_side: int) -> np.ndarray:
    """The picture with its short side at most `short_side`, as the preprocessor would work on it."""
    h, w = rgb.shape[:2]
    scale = short_side / min(h, w)
    if scale >= 1:
        return rgb
    import cv2

    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


__all__ = ["SEG_MODULES", "RemoteControlNetSegmenter"]

