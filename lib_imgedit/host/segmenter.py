"""ControlNet's segmentation preprocessors as the `controlnet` segmenter.

OneFormer (ADE20K or COCO) or UniFormer draws a colour-coded map; `segment.colormap` turns it back
into named labels (wall, sky, car, tree...). MediaPipe's labels (person, face, hair, clothes...) and
its numbered face boxes are laid over them when MediaPipe is installed, so face operations and the
overlay's face numbers work the same as with the offline segmenter.

ControlNet downloads a preprocessor's weights on its first call (OneFormer: over 1 GB). So a
preprocessor whose weights are not on disk is used only when the user turned on the setting
"Download ControlNet segmentation models"; and one that failed (offline, a broken file) is skipped
for the rest of the process after one note, never tried again on every upload.
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

# Best first: (preprocessor, palette, its weights under ControlNet's annotator folder). A1111 also knows
# them as oneformer_ade20k, oneformer_coco, segmentation.
SEG_PREPROCESSORS = (
    ("seg_ofade20k", "ade20k", "oneformer/250_16_swin_l_oneformer_ade20k_160k.pth"),
    ("seg_ofcoco", "coco", "oneformer/150_16_swin_l_oneformer_coco_100ep.pth"),
    ("seg_ufade20k", "ade20k", "uniformer/upernet_global_small.pth"),
)
DOWNLOAD_SETTING = "controlnet_seg_download"


def downloads_allowed() -> bool:
    """The user's answer to "download ControlNet segmentation models" (Settings > Chat Edit; off by default)."""
    from modules import shared

    from .settings import option_key

    return bool((getattr(shared.opts, "data", None) or {}).get(option_key(DOWNLOAD_SETTING), False))


class ControlNetSegmenter(Segmenter):
    name: ClassVar[str] = "controlnet"
    resolution: ClassVar[int] = 512

    failed: ClassVar[dict[str, str]] = {}  # preprocessor -> why it failed, for the life of the process

    def __init__(self) -> None:
        self._people: Any = None  # MediaPipe, created on first use
        self._people_missing_noted = False

    def _choice(self) -> tuple[tuple[ControlNet, str, str] | None, str]:
        """((ControlNet, preprocessor, palette) or None, why not)."""
        cn = find_controlnet()
        if cn is None:
            return None, "ControlNet is not installed"
        present = {m.lower() for m in cn.modules()}
        found = [(m, p, w) for m, p, w in SEG_PREPROCESSORS if m in present]
        if not found:
            return None, "ControlNet has no segmentation preprocessor (seg_ofade20k, seg_ofcoco, seg_ufade20k)"
        allowed = downloads_allowed()
        usable = [(m, p) for m, p, w in found if m not in self.failed and (allowed or cn.has_weights(w))]
        if usable:
            return (cn, *usable[0]), ""
        failed = [f"{m} failed earlier ({self.failed[m]})" for m, _, _ in found if m in self.failed]
        missing = [m for m, _, _ in found if m not in self.failed]
        if missing:
            failed.append(f"the models of {', '.join(missing)} are not downloaded (over 1 GB); turn on "
                          "\"Download ControlNet segmentation models\" in Settings > Chat Edit to fetch them")
        return None, "ControlNet cannot segment: " + "; ".join(failed)

    def available(self) -> tuple[bool, str]:
        choice, why = self._choice()
        return choice is not None, why

    def segment(self, image: np.ndarray) -> LabelMap:
        choice, why = self._choice()
        scene = self._scene(*choice, image) if choice is not None else None
        people = self._people_labels(image)
        if scene is None and people is None:
            why = self.failed.get(choice[1], why) if choice else why
            raise ExecutorUnavailable(f"ControlNet could not segment the picture ({why}) and MediaPipe is not available")
        if people is None:
            return scene
        if scene is None:
            return people
        return LabelMap(people.width, people.height, {**scene.masks, **people.masks}, people.faces, scene.source)

    def _scene(self, cn: ControlNet, module: str, palette: str, image: np.ndarray) -> LabelMap | None:
        """The scene labels from `module`, or None when it fails (remembered: it is not tried again)."""
        from modules import call_queue

        h, w = image.shape[:2]
        try:
            with call_queue.queue_lock:  # the preprocessor runs on the same device as generations
                colour = cn.preprocess(module, np.ascontiguousarray(image), self.resolution)
            return labelmap_from_segmentation(colour, PALETTES[palette], (w, h), source=f"controlnet:{module}")
        except Exception as exc:  # noqa: BLE001 - e.g. its weights cannot be downloaded: keep the person labels
            self.failed[module] = f"{type(exc).__name__}: {str(exc)[:200]}"
            log.warning("imgedit: ControlNet's %s failed (%s); it is skipped until the WebUI restarts, "
                        "the person labels stand alone", module, self.failed[module])
            return None

    def _people_labels(self, image: np.ndarray) -> LabelMap | None:
        if self._people is None:
            from ..segment.mediapipe_seg import MediaPipeSegmenter

            self._people = MediaPipeSegmenter()
        ok, why = self._people.available()
        if not ok:
            if not self._people_missing_noted:
                log.info("imgedit: ControlNet segmentation without person parts: %s", why)
                self._people_missing_noted = True
            return None
        return self._people.segment(image)
