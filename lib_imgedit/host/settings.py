"""The "Chat Edit" section of the WebUI's Settings, generated from `Settings.field_meta()`.

Each setting becomes the option `imgedit_<name>` with the field's label and help text, a component
that fits its type and range, and `restrict_api=True` for secrets (the API cannot set them). The
service reads them back with `settings_from_opts` whenever one changes.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from ..config import Settings

log = logging.getLogger("imgedit")

SECTION = ("imgedit", "Chat Edit")
PREFIX = "imgedit_"
NEEDS_RESTART = ("data_dir", "store", "redis_url")


def option_key(name: str) -> str:
    return PREFIX + name


def _component(default: Any, meta: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    import gradio as gr

    if isinstance(default, bool):
        return gr.Checkbox, {"interactive": True}
    if meta["choices"]:
        return gr.Dropdown, {"choices": list(meta["choices"]), "interactive": True}
    if isinstance(default, (int, float)):
        if meta["min"] is not None and meta["max"] is not None and meta["max"] - meta["min"] <= 4096:
            step = 1 if isinstance(default, int) else 0.05
            return gr.Slider, {"minimum": meta["min"], "maximum": meta["max"], "step": step, "interactive": True}
        return gr.Number, {"interactive": True, "precision": 0 if isinstance(default, int) else None}
    return gr.Textbox, {"interactive": True, **({"type": "password"} if meta["secret"] else {})}


def register_options(on_change: Callable[[], None] | None = None) -> None:
    """Add every setting to the WebUI's Settings page, section "Chat Edit" (call from on_ui_settings)."""
    from modules import shared

    for name, default, meta in Settings.field_meta():
        component, args = _component(default, meta)
        info = shared.OptionInfo(default, meta["label"], component, args, onchange=on_change, section=SECTION,
                                 restrict_api=bool(meta["secret"]))
        if meta["help"]:
            info = info.info(meta["help"])
        if name in NEEDS_RESTART:
            info = info.needs_restart()
        shared.opts.add_option(option_key(name), info)


def settings_from_opts(base: Settings) -> Settings:
    """`base` with the values the user set in the WebUI's Settings; a value the settings refuse (out of
    range, unknown choice) is logged and left at its current value."""
    from modules import shared

    data = getattr(shared.opts, "data", {}) or {}
    out = base
    for name, _, _ in Settings.field_meta():
        key = option_key(name)
        if name == "data_dir" or key not in data or data[key] is None:
            continue
        try:
            out = out.update({name: data[key]})
        except ValueError as exc:
            log.warning("imgedit: ignoring the setting %s: %s", key, exc)
    return out
