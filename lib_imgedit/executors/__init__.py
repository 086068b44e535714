"""Executor registry: name -> class. A new backend is one module and one line here."""

from __future__ import annotations

from .base import EditRequest, EditResult, Executor
from .comfyui import ComfyUIExecutor
from .geometry import PictureExecutor
from .local import LocalExecutor
from .openai_images import OpenAIImagesExecutor
from .pool import PoolExecutor
from .webui_api import WebUIApiExecutor

EXECUTORS: dict[str, type[Executor]] = {
    LocalExecutor.name: LocalExecutor,
    WebUIApiExecutor.name: WebUIApiExecutor,
    ComfyUIExecutor.name: ComfyUIExecutor,
    PoolExecutor.name: PoolExecutor,
    OpenAIImagesExecutor.name: OpenAIImagesExecutor,
    PictureExecutor.name: PictureExecutor,
}
# Not a backend to choose: nothing else does picture operations, so it serves whatever the order says.
ALWAYS = (PictureExecutor.name,)


def register(cls: type[Executor]) -> type[Executor]:
    """Add an executor found at run time (the host adapter registers `host` inside the WebUI)."""
    EXECUTORS[cls.name] = cls
    return cls


__all__ = ["ALWAYS", "EXECUTORS", "EditRequest", "EditResult", "Executor", "register"]
