"""Presets: named sets of settings ("keep structure", "creative", "fast") that the tab applies at once."""

from __future__ import annotations

import json
from typing import Any

from .config import DEFAULTS_DIR, Settings


def load_presets() -> dict[str, dict[str, Any]]:
    data = json.loads((DEFAULTS_DIR / "presets.json").read_text("utf-8"))
    data.pop("_comment", None)
    return data


def apply_preset(settings: Settings, name: str) -> tuple[Settings, dict[str, Any]]:
    """The settings with preset `name` applied, and the values it set (the preset name included)."""
    presets = load_presets()
    if name not in presets:
        raise ValueError(f"unknown preset {name!r}; known: {', '.join(presets)}")
    values = {"preset": name, **presets[name]}
    return settings.update(values), values
