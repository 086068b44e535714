"""ControlNet's segmentation preprocessors as the `controlnet` segmenter.

OneFormer (ADE20K or COCO) or UniFormer draws a colour-coded map; `segment.colormap` turns it back
into named labels (wall, sky, car, tree...). It is a scene segmenter of the chain (`segment/combine.py`):
the people labels (person, face, hair...) and the numbered face boxes come from MediaPipe beside it.

ControlNet downloads a preprocessor's weights on its first call (OneFormer: over 1 GB). So a
preprocessor whose weights are not on disk is used only when the user turned on the setting
"Download ControlNet segmentation models"; and one that failed (offline, a broken file) is skipped
for the rest of the process after one note, never tried again on every upload.
"""

from __future__ import annotations

import logging
from typing import ClassVar

import numpy as np

from ..core.errors import ExecutorUnavailable
from ..core.labels import LabelMap
from ..segment.base import Segmenter
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

    kind: ClassVar[str] = "scene"
    failed: ClassVar[dict[str, str]] = {}  # preprocessor -> why it failed, for the life of the process

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
        if choice is None:
            raise ExecutorUnavailable(why)
        scene = self._scene(*choice, image)
        if scene is None:
            raise ExecutorUnavailable(f"ControlNet's {choice[1]} failed ({self.failed[choice[1]]})")
        return scene

    def _scene(self, cn: ControlNet, module: str, palette: str, image: np.ndarray) -> LabelMap | None:
        """The scene labels from `module`, or None when it fails (remembered: it is not tried again)."""
        from modules import call_queue

        h, w = image.shape[:2]
        try:
            with call_queue.queue_lock:  # the preprocessor runs on the same device as generations
                colour = cn.preprocess(module, np.ascontiguousarray(image), self.resolution)
            return labelmap_from_segmentation(colour, PALETTES[palette], (w, h), source=f"controlnet:{module}")
        except Exception as exc:  # noqa: BLE001 - e.g. its weights cannot be downloaded: the next scene segmenter serves
            self.failed[module] = f"{type(exc).__name__}: {str(exc)[:200]}"
            log.warning("ControlNet's %s failed (%s); it is skipped until the WebUI restarts",
                        module, self.failed[module])
            return None
