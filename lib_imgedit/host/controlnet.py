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
    root: Path | None = None  # A1111: the extension's folder

    def annotator_dir(self) -> Path | None:
        """Where the preprocessors keep their downloaded weights (`annotator/annotator_path.py`):
        A1111: the setting control_net_modules_path, else --controlnet-annotator-models-path, else
        `<extension>/annotator/downloads` (relative paths under the data path); Forge: its
        `preprocessor_dir` (models/ControlNetPreprocessor)."""
        from modules import shared

        if self.kind == "forge":
            try:
                return Path(importlib.import_module("modules_forge.shared").preprocessor_dir)
            except (ImportError, AttributeError):
                return None
        chosen = (getattr(shared.opts, "data", None) or {}).get("control_net_modules_path") \
            or getattr(shared.cmd_opts, "controlnet_annotator_models_path", None)
        if not chosen:
            return self.root / "annotator" / "downloads" if self.root else None
        path = Path(chosen)
        return path if path.is_absolute() else Path(getattr(shared, "data_path", "") or ".") / path

    def has_weights(self, relative: str) -> bool:
        """The preprocessor's weight file (`oneformer/...pth`, relative to the annotator folder) is on disk."""
        base = self.annotator_dir()
        if base is not None and (base / relative).is_file():
            return True
        # UniFormer's older place, inside the annotator's own folder
        return bool(self.root and (self.root / "annotator" / relative).is_file())

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
                return ControlNet("a1111", importlib.import_module(f"{package}.{path.name}.scripts.external_code"), path)
    except Exception as exc:  # noqa: BLE001 - a broken ControlNet install means no ControlNet, not a broken edit
        log.warning("ControlNet is installed but could not be used: %s", exc)
    return None
