"""Segmenter registry: name -> "module:Class", imported on first use so that listing is free."""

from __future__ import annotations

import importlib

from .base import LabelMap, Segmenter, clean_label

SEGMENTERS: dict[str, str] = {
    "mediapipe": "lib_imgedit.segment.mediapipe_seg:MediaPipeSegmenter",
}


def segmenter_class(name: str) -> type[Segmenter] | None:
    target = SEGMENTERS.get(name)
    if target is None:
        return None
    module, _, cls = target.partition(":")
    return getattr(importlib.import_module(module), cls)


def register(name: str, target: str) -> None:
    """Add a segmenter found at run time (the host adapter adds `controlnet` inside the WebUI)."""
    SEGMENTERS[name] = target


__all__ = ["LabelMap", "SEGMENTERS", "Segmenter", "clean_label", "register", "segmenter_class"]
