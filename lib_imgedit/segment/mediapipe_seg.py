"""Kept for the registry and older imports: the segmenter now lives in `segment/mediapipe/`."""

from .mediapipe import MediaPipeSegmenter

__all__ = ["MediaPipeSegmenter"]
