"""Finding ControlNet at run time: A1111's extension (its public `external_code` module, imported the
documented way from the extension's folder) or Forge's built-in `lib_controlnet`."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import is_forge

log = logging.getLogger("imgedit")


@dataclass
class ControlNet:
    """What the edit needs from ControlNet, the same on both hosts."""

    kind: str  # "a1111" or "forge"
    api: Any  # A1111: scripts.external_code; Forge: lib_controlnet.global_state

    def modules(self) -> list[str]:
        """Preprocessor names the unit's `module` accepts (A1111: names and UI labels)."""
        if self.kind == "forge":
            return [m for m in self.api.get_all_preprocessor_names() if m != "None"]
        return list(dict.fromkeys(self.api.get_modules() + self.api.get_modules(alias_names=True)))

    def models(self) -> list[str]:
        """Installed models as the unit's `model` takes them ("name [hash]" on A1111)."""
        getter = self.api.get_all_controlnet_names if self.kind == "forge" else self.api.get_models
        return [m for m in getter() if m and m != "None"]

    def preprocess(self, module: str, image: np.ndarray, resolution: int = 512) -> np.ndarray:
        """Run a preprocessor on an RGB picture; its output (a detected map) at its own resolution."""
        if self.kind == "forge":
            pre = self.api.get_preprocessor(module)
            if pre is None:
                raise KeyError(module)
            return np.asarray(pre(image, resolution=resolution))
        pre = self.api.Preprocessor.get_preprocessor(module)
        if pre is None:
            raise KeyError(module)
        try:
            return np.asarray(pre.cached_call(image, resolution=resolution).value)
        finally:
            pre.unload()


def find_controlnet() -> ControlNet | None:
    """ControlNet as this host has it, or None when it is not installed (or fails to import)."""
    try:
        if is_forge():
            return ControlNet("forge", importlib.import_module("lib_controlnet.global_state"))
        from modules import extensions

        for ext in extensions.active():
            path = Path(ext.path)
            if "controlnet" in path.name.lower() and (path / "scripts" / "external_code.py").is_file():
                package = "extensions-builtin" if getattr(ext, "is_builtin", False) else "extensions"
                return ControlNet("a1111", importlib.import_module(f"{package}.{path.name}.scripts.external_code"))
    except Exception as exc:  # noqa: BLE001 - a broken ControlNet install means no ControlNet, not a broken edit
        log.warning("imgedit: ControlNet is installed but could not be used: %s", exc)
    return None
