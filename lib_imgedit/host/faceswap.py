"""Finding the face-swap extension: ReActor (script title "ReActor") or roop (title "roop") in the
WebUI's img2img runner, and what their arguments default to in its UI."""

from __future__ import annotations

from glob import glob
from pathlib import Path
from typing import Any

from ..executors.sd_request import choose_face_swap
from .runner import find_script, ui_defaults


def find_face_swap(runner: Any, preference: str = "auto") -> tuple[str, Any] | None:
    """("reactor" | "roop", its script) or None when neither is installed."""
    title = choose_face_swap([t for t in ("reactor", "roop") if find_script(runner, t) is not None], preference)
    return (title, find_script(runner, title)) if title else None


def roop_model(runner: Any, script: Any) -> str | None:
    """roop wants the path of its .onnx model: the UI's choice, else the first in models/roop."""
    defaults = ui_defaults(runner, script) or []
    if len(defaults) > 3 and defaults[3]:
        return str(defaults[3])
    from modules import paths

    found = sorted(glob(str(Path(paths.models_path) / "roop" / "*.onnx")))
    return found[0] if found else None
