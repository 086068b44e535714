"""ControlNet's segmentation preprocessors as the `controlnet` segmenter.

OneFormer (ADE20K or COCO) or UniFormer draws a colour-coded map; `segment.colormap` turns it back
into named labels (wall, sky, car, tree...). MediaPipe's labels (person, face, hair, clothes...) and
its numbered face boxes are laid over them when MediaPipe is installed, so face operations and the
overlay's face numbers work the same as with the offline segmenter.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

import numpy as np

from ..errors import ExecutorUnavailable
from ..segment.base import LabelMap, Segmenter
from ..segment.colormap import labelmap_from_segmentation
from ..segment.palettes import PALETTES
from .controlnet import ControlNet, find_controlnet

log = logging.getLogger("imgedit")

# Best first: (preprocessor, palette). A1111 also knows them as oneformer_ade20k, oneformer_coco, segmentation.
SEG_PREPROCESSORS = (("seg_ofade20k", "ade20k"), ("seg_ofcoco", "coco"), ("seg_ufade20k", "ade20k"))


class ControlNetSegmenter(Segmenter):
    name: ClassVar[str] = "controlnet"
    resolution: ClassVar[int] = 512

    def __init__(self) -> None:
        self._people: Any = None  # MediaPipe, created on first use

    def _choice(self) -> tuple[ControlNet | None, str, str]:
        cn = find_controlnet()
        if cn is None:
            return None, "", "ControlNet is not installed"
        present = {m.lower() for m in cn.modules()}
        for module, palette in SEG_PREPROCESSORS:
            if module in present:
                return cn, module, palette
        return None, "", "ControlNet has no segmentation preprocessor (seg_ofade20k, seg_ofcoco, seg_ufade20k)"

    def available(self) -> tuple[bool, str]:
        cn, _, why = self._choice()
        return cn is not None, why

    def segment(self, image: np.ndarray) -> LabelMap:
        from modules import call_queue

        cn, module, palette = self._choice()
        if cn is None:
            raise RuntimeError("ControlNet segmentation is not available")
        h, w = image.shape[:2]
        scene = None
        try:
            with call_queue.queue_lock:  # the preprocessor runs on the same device as generations
                colour = cn.preprocess(module, np.ascontiguousarray(image), self.resolution)
            scene = labelmap_from_segmentation(colour, PALETTES[palette], (w, h), source=f"controlnet:{module}")
        except Exception as exc:  # noqa: BLE001 - e.g. its weights cannot be downloaded: keep the person labels
            log.warning("imgedit: ControlNet's %s failed, using the person labels only: %s", module, exc)
        people = self._people_labels(image)
        if scene is None and people is None:
            raise ExecutorUnavailable(f"ControlNet's {module} failed and MediaPipe is not available to segment the picture")
        if people is None:
            return scene
        if scene is None:
            return people
        return LabelMap(w, h, {**scene.masks, **people.masks}, people.faces, scene.source)

    def _people_labels(self, image: np.ndarray) -> LabelMap | None:
        if self._people is None:
            from ..segment.mediapipe_seg import MediaPipeSegmenter

            self._people = MediaPipeSegmenter()
        ok, why = self._people.available()
        if not ok:
            log.info("imgedit: ControlNet segmentation without person parts: %s", why)
            return None
        return self._people.segment(image)
