"""The offline segmenter from MediaPipe's shipped models, one module per job: faces (mesh, detector,
face parts), person (selfie mask confirmed by a detection), hair, clothes (and skin)."""

from .segmenter import MediaPipeSegmenter

__all__ = ["MediaPipeSegmenter"]
