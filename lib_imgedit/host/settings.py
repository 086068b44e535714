"""The "Chat Edit" section of the WebUI's Settings, generated from `Settings.field_meta()`.

Each setting becomes the option `imgedit_<name>` with the field's label and help text, a component
that fits its type and range, and `restrict_api=True` for secrets (the API cannot set them). The
service reads them back with `settings_from_opts` whenever one changes.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Optional

from ..core.config import Settings

log = logging.getLogger("imgedit")

SECTION = ("imgedit", "Chat Edit")
# What the server's admin sets (limits, trusted proxies, the session store), apart from a user's choices
ADMIN_SECTION = ("imgedit_server", "Chat Edit: server (admin)")
ADMIN_FIELDS = ("limits", "storage")  # the fields' `section` in core/config.py
CATEGORY = ("imgedit", "Chat Edit")  # the Settings page's heading over both sections (A1111 1.7+ and Forge)
PREFIX = "imgedit_"
NEEDS_RESTART = ("data_dir", "store", "redis_url")
HOST_CHOICES = ("sampler", "scheduler", "controlnet_module", "controlnet_model")


def host_choices(setting: str) -> list[str] | None:
    """The WebUI's own values for a setting (its samplers, schedule types, ControlNet preprocessors and
    models), or None when the host cannot list them (then the setting stays free text)."""
    try:
        if setting == "sampler":
            from modules import sd_samplers

            return [s.name for s in sd_samplers.visible_samplers()]
        if setting == "scheduler":
            from modules import sd_schedulers

            return [s.label for s in sd_schedulers.schedulers]
        if setting in ("controlnet_module", "controlnet_model"):
            from .controlnet import find_controlnet

            cn = find_controlnet()
            if cn is None:
                return None
            return ["auto", "none", *cn.modules()] if setting == "controlnet_module" else ["auto", *cn.models()]
    except (ImportError, AttributeError) as exc:  # an older or trimmed host
        log.debug("no choices for %s from the WebUI: %s", setting, exc)
    return None


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


def _choices_args(name: str, default: Any) -> Callable[[], dict[str, Any]]:
    """A dropdown's arguments read when the Settings page is built (as the WebUI's own sampler option):
    the host's values, with the current default kept. Only what gradio 3.41's `Dropdown.update` takes: the
    WebUI refreshes the component with these on each page load."""
    def args() -> dict[str, Any]:
        return {"choices": list(dict.fromkeys([default, *(host_choices(name) or [])])), "interactive": True}

    return args


def _category() -> str | None:
    """Our category id on the Settings page (not "Uncategorized"), registered once; None on a host
    without categories."""
    try:
        from modules.options import categories
    except ImportError:
        return None
    if CATEGORY[0] not in getattr(categories, "mapping", {}):
        categories.register_category(*CATEGORY)
    return CATEGORY[0]


def register_options(on_change: Callable[[], None] | None = None) -> None:
    """Add every setting to the WebUI's Settings page under the category "Chat Edit": the user's in the
    section "Chat Edit", the server's limits and store in their own (call from on_ui_settings)."""
    from modules import shared

    category = _category()
    for name, default, meta in Settings.field_meta():
        component, args = _component(default, meta)
        if name in HOST_CHOICES:
            import gradio as gr

            component, args = gr.Dropdown, _choices_args(name, default)
        section = ADMIN_SECTION if meta["section"] in ADMIN_FIELDS else SECTION
        kw = {"category_id": category} if category else {}
        info = shared.OptionInfo(default, meta["label"], component, args, onchange=on_change, section=section,
                                 restrict_api=bool(meta["secret"]), **kw)
        if meta["help"]:
            info = info.info(meta["help"])
        if name in NEEDS_RESTART:
            info = info.needs_restart()
        shared.opts.add_option(option_key(name), info)


def save_to_opts(settings: Settings, keys: list[str]) -> None:
    """Write chosen settings into the WebUI's Settings (EditService.persist_settings inside the WebUI:
    e.g. the user's agreement to large model downloads)."""
    from modules import shared

    for key in keys:
        shared.opts.set(option_key(key), getattr(settings, key))
    shared.opts.save(shared.config_filename)


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
            log.warning("ignoring the setting %s: %s", key, exc)
    return out


def list_in_options_api(app: Any) -> bool:
    """Make `GET /sdapi/v1/options` list the Chat Edit settings (call from on_app_started).

    The WebUI answers that route through `models.OptionsModel`, a response model built from the
    options declared when `modules/api/models.py` was first imported; ControlNet's `scripts/api.py`
    imports it while the scripts load, before on_ui_settings declares ours, so FastAPI filtered them
    out (POST takes any key, which is why setting them worked). The route is added again with that
    model extended by our options; secrets (restrict_api) stay out of it. False when the WebUI has no
    such route (no --api, or a host without it)."""
    from fastapi.routing import APIRoute
    from modules import shared
    from pydantic import Field, create_model

    route = next((r for r in app.router.routes if isinstance(r, APIRoute) and r.path == "/sdapi/v1/options"
                  and "GET" in r.methods and r.response_model is not None), None)
    if route is None:
        return False
    base = route.response_model
    known = set(getattr(base, "model_fields", None) or base.__fields__)
    typemap = getattr(shared.opts, "typemap", {int: float})  # as models.py: an int option may hold a float
    # typing.Optional, not "X | None": pydantic 1 (A1111) builds fields from it on every Python
    ours = {key: (Optional[typemap.get(type(info.default), type(info.default))], Field(default=info.default, description=info.label))  # noqa: UP045
            for key, info in shared.opts.data_labels.items()
            if key.startswith(PREFIX) and key not in known and not getattr(info, "restrict_api", False)}
    if not ours:
        return True
    model = create_model("Options", __base__=base, **ours)
    app.router.routes.remove(route)
    app.add_api_route(route.path, route.endpoint, methods=["GET"], response_model=model, dependencies=route.dependencies,
                      summary=route.summary, tags=route.tags)
    return True
