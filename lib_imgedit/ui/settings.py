"""The settings accordion: one widget per setting (saved to `<data dir>/config.json`, or inside the
WebUI to its own Settings), presets, the executors' readiness and the source face for face swaps."""

from __future__ import annotations

import html
from typing import Any, Callable

import gradio as gr

from ..core.config import Settings
from ..core.errors import ImgEditError
from ..core.presets import apply_preset
from .compat import client_of, image_bytes, js, on_user_change

OFFLINE = "offline"
# Settings in the accordion, row by row; the language only in the standalone app: inside the
# WebUI, its own localization setting decides.
SETTINGS_ROWS = (("llm_profile", "preset", "language"), ("executors",), ("strength", "steps", "sampler"),
                 ("controlnet_module", "controlnet_weight"))


def widget_value(name: str, value: Any) -> Any:
    return OFFLINE if name == "llm_profile" and not value else value


def _label(name: str) -> str:
    return next((m["label"] for n, _, m in Settings.field_meta() if n == name), name)


def status_html(text: str, error: bool = False) -> str:
    return f'<p class="imgedit-status{" imgedit-status-error" if error else ""}">{html.escape(text)}</p>'


class SettingsPart:
    c: dict[str, Any]

    def settings_panel(self) -> None:
        c = self.c
        meta = {name: m for name, _, m in Settings.field_meta()}
        c["settings"] = {}
        for row in SETTINGS_ROWS:
            with gr.Row():
                for name in row:
                    if name in meta and (self.standalone or name != "language"):
                        c["settings"][name] = self.setting_widget(name, meta[name])
                if row == ("executors",):
                    c["executor_status"] = gr.HTML(self.executor_status(), elem_id="imgedit_executor_status")
        with gr.Row():
            c["face"] = gr.Image(type="pil", label="Source face (for face swap)", height=150, elem_id="imgedit_source_face")
            c["settings_status"] = gr.HTML("", elem_id="imgedit_settings_status")

    def setting_widget(self, name: str, meta: dict[str, Any]) -> Any:
        value = getattr(self.service.settings, name)
        label, info = meta["label"], meta["help"] or None
        elem_id = f"imgedit_setting_{name}"
        if name == "llm_profile":
            names = [OFFLINE, *self.service.profile_names()]
            return gr.Dropdown(names, value=widget_value(name, value), label=label, info=info, elem_id=elem_id, allow_custom_value=True)
        choices = self.host.choices(name) or meta["choices"]
        if choices:
            return gr.Dropdown(list(choices), value=value, label=label, info=info, elem_id=elem_id,
                               allow_custom_value=not meta["choices"])
        if isinstance(value, bool):
            return gr.Checkbox(value=value, label=label, info=info, elem_id=elem_id)
        if isinstance(value, (int, float)) and meta["min"] is not None and meta["max"] is not None:
            step = 1 if isinstance(value, int) else 0.05
            return gr.Slider(meta["min"], meta["max"], value=value, step=step, label=label, info=info, elem_id=elem_id)
        return gr.Textbox(value=str(value), label=label, info=info, elem_id=elem_id)

    def executor_status(self) -> str:
        """Each executor in the configured order: ready, or why not (not installed here, not configured)."""
        known = {ex["name"]: ex for ex in self.service.executor_status()}
        rows = []
        for name in self.service.settings.executor_order:
            ex = known.get(name, {"available": False, "reason": "not available here"})
            why = f" <small>{html.escape(ex['reason'])}</small>" if ex["reason"] else ""
            state = "on" if ex["available"] else "off"
            rows.append(f'<span class="imgedit-ex-{state}">{"✓" if ex["available"] else "✗"} <b>{html.escape(name)}</b>{why}</span>')
        return f'<div class="imgedit-executors">{"".join(rows)}</div>'

    def on_setting(self, name: str) -> Callable[..., Any]:
        """Apply and save one setting (a no-op when a preset already set this value)."""

        def handler(value: Any, sid: str | None, request: gr.Request) -> dict[Any, Any]:
            if name == "llm_profile" and value == OFFLINE:
                value = ""
            status = self.c["settings_status"]
            try:
                updated = self.service.settings.update({name: value})
                if getattr(updated, name) == getattr(self.service.settings, name):
                    return self.unchanged("settings_status")
                if name == "llm_profile" and sid:
                    self.service.update_session(sid, client_of(request), profile=value)
                self.service.settings = updated
                self.host.save_settings(updated, [name])
            except (ValueError, ImgEditError) as exc:
                return {status: status_html(str(getattr(exc, "message", exc)), error=True)}
            return {status: status_html(f"Saved: {_label(name)} = {value if value != '' else OFFLINE}"),
                    self.c["executor_status"]: self.executor_status()}

        handler.__name__ = f"on_setting_{name}"
        return handler

    def on_preset(self, name: str) -> dict[Any, Any]:
        try:
            updated, values = apply_preset(self.service.settings, name)
        except ValueError as exc:
            return {self.c["settings_status"]: status_html(str(exc), error=True)}
        self.service.settings = updated
        self.host.save_settings(updated, list(values))
        widgets = {self.c["settings"][k]: v for k, v in values.items() if k in self.c["settings"] and k != "preset"}
        return {**widgets, self.c["settings_status"]: status_html(f"Preset {name}: " + ", ".join(f"{k} = {v}" for k, v in values.items() if k != "preset")),
                self.c["executor_status"]: self.executor_status()}

    def on_source_face(self, file: Any, sid: str | None, request: gr.Request) -> str:
        raw = image_bytes(file)
        if not raw:
            return ""
        if not sid:
            return status_html("upload a photo first, then the face to use", error=True)
        try:
            self.service.set_source_face(sid, client_of(request), raw)
        except ImgEditError as exc:
            return status_html(exc.message, error=True)
        return status_html("Source face saved for this session.")

    def wire_settings(self) -> None:
        c = self.c
        for name, widget in c["settings"].items():
            if name == "preset":
                widget.input(self.on_preset, [widget], [*c["settings"].values(), c["settings_status"], c["executor_status"]],
                             show_progress="hidden")
                continue
            kw = js("(v, ...a) => { if (window.imgedit) window.imgedit.setLanguage(v); return [v, ...a.slice(0, 1)]; }") if name == "language" else {}
            on_user_change(widget, self.on_setting(name), [widget, c["sid"]], [c["settings_status"], c["executor_status"]], **kw)
        c["face"].upload(self.on_source_face, [c["face"], c["sid"]], [c["settings_status"]], show_progress="hidden")
