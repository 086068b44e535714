"""Segmenter registry: name -> "module:Class", imported on first use so that listing is free.

`build_segmenter(settings)` is what the service uses: the `segmenters` setting's segmenters combined
into one (`combine.SegmenterChain`), each created by `create_segmenter` with the settings (downloaded
models need the models folder and the offline switch)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .. import models
from ..core.labels import LabelMap, clean_label
from .base import Segmenter

if TYPE_CHECKING:
    from ..core.config import Settings
    from ..core.progress import ProgressFn
    from .combine import SegmenterChain

SEGMENTERS: dict[str, str] = {
    "maskformer_coco": "lib_imgedit.segment.onnx_semantic:MaskformerCOCO",
    "segformer_ade20k": "lib_imgedit.segment.onnx_semantic:SegformerADE20K",
    "human_parsing": "lib_imgedit.segment.human_parsing:HumanParsingSegmenter",
    "remote_controlnet": "lib_imgedit.segment.remote_controlnet:RemoteControlNetSegmenter",
    "mediapipe": "lib_imgedit.segment.mediapipe_seg:MediaPipeSegmenter",
}


# Segmenters without a catalog entry whose models allow commercial use: MediaPipe's models (Apache-2.0).
# ControlNet's preprocessors run models of unknown licence, so they are left out with the setting on.
COMMERCIAL = {"mediapipe"}


def commercial_ok(name: str) -> bool:
    """Whether the segmenter's models are known to allow commercial use."""
    if name in COMMERCIAL:
        return True
    model = getattr(segmenter_class(name), "model", "") if name in SEGMENTERS else ""
    return bool(model) and model in models.catalog() and models.spec(model).commercial


def segmenter_order(settings: Settings) -> list[str]:
    """The `segmenters` setting's order; with `commercial_models_only`, only the segmenters whose models
    allow commercial use."""
    order = settings.segmenter_order
    return [n for n in order if commercial_ok(n)] if settings.commercial_models_only else order


def segmenter_class(name: str) -> type[Segmenter] | None:
    target = SEGMENTERS.get(name)
    if target is None:
        return None
    module, _, cls = target.partition(":")
    return getattr(importlib.import_module(module), cls)


def create_segmenter(name: str, settings: Settings | None = None, progress: ProgressFn | None = None) -> Segmenter | None:
    """A segmenter by name (None when unknown), given the settings when it takes them."""
    cls = segmenter_class(name)
    if cls is None:
        return None
    make = getattr(cls, "from_settings", None)
    return make(settings, progress) if make is not None and settings is not None else cls()


def build_segmenter(settings: Settings, progress: ProgressFn | None = None) -> SegmenterChain:
    """The configured segmenters combined into one, in the `segmenters` setting's order."""
    from .combine import SegmenterChain

    return SegmenterChain(settings, progress=progress)


def register(name: str, target: str) -> None:
    """Add a segmenter found at run time (the host adapter adds `controlnet` inside the WebUI)."""
    SEGMENTERS[name] = target


__all__ = ["COMMERCIAL", "LabelMap", "SEGMENTERS", "Segmenter", "build_segmenter", "clean_label", "commercial_ok",
           "create_segmenter", "register", "segmenter_class", "segmenter_order"]
