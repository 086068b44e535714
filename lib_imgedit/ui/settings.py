"""The settings accordion: one widget per setting (saved to `<data dir>/config.json`, or inside the
WebUI to its own Settings), presets, the executors' readiness and the source face for face swaps."""

from __future__ import annotations

import html
import re
from typing import Any, Callable

import gradio as gr

from ..core.config import Settings
from ..core.errors import ImgEditError
from ..core.presets import apply_preset
from .compat import client_of, image_bytes, js, on_user_change
from .words import ui_text

OFFLINE = "offline"
# The settings the accordion shows, row by row, each a widget made from its `Settings` metadata (a
# new field shows once named here; one `Settings` does not have is skipped). Every setting a reply
# names is here (tests/test_ui.py checks). The language only in the standalone app: inside the
# WebUI, its own localization setting decides. Inside the WebUI its Settings page lists them all.
SETTINGS_ROWS = (("llm_profile", "preset", "language"), ("executors",), ("strength", "steps", "sampler"),
                 ("controlnet_module", "controlnet_weight"), ("webui_api_url", "openai_api_key", "comfyui_url"),
                 ("download_large_models", "models_offline", "hf_endpoint"),
                 ("commercial_models_only", "export_finetune"))
SECRET_SET, SECRET_UNSET = "set", "not set"
_SETTING_KEY = re.compile(r"\(setting (\w+)(.*?)\)")  # an executor's reason naming a setting by its key


def is_secret(name: str) -> bool:
    return bool(_meta(name).get("secret"))


def _meta(name: str) -> dict[str, Any]:
    return next((m for n, _, m in Settings.field_meta() if n == name), {})


def secret_update(value: Any) -> Any:
    """A write-only field: always empty, its placeholder saying whether a value is stored."""
    return gr.update(value="", placeholder=SECRET_SET if value else SECRET_UNSET)


def widget_value(name: str, value: Any) -> Any:
    if is_secret(name):
        return secret_update(value)
    return OFFLINE if name == "llm_profile" and not value else value


def _label(name: str) -> str:
    return _meta(name).get("label", name)


def shown_labels() -> set[str]:
    """The labels of the settings the accordion shows (the names replies may send the user to)."""
    meta = {name: m for name, _, m in Settings.field_meta()}
    return {meta[n]["label"] for row in SETTINGS_ROWS for n in row if n in meta}


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
        if meta.get("secret"):  # write-only: the stored value never reaches the page
            return gr.Textbox(value="", type="password", label=label, info=info, elem_id=elem_id,
                              placeholder=SECRET_SET if value else SECRET_UNSET)
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

    def executor_status(self, zh: bool = False) -> str:
        """Each executor in the configured order: ready, or why not (not installed here, not configured),
        a setting named by its label as the tab shows it."""
        known = {ex["name"]: ex for ex in self.service.executor_status()}
        rows = []
        for name in self.service.settings.executor_order:
            ex = known.get(name, {"available": False, "reason": "not available here"})
            reason = _SETTING_KEY.sub(lambda m: f"(“{_label(m[1])}”{m[2]})", ex["reason"])
            why = f" <small>{html.escape(ui_text(reason, zh))}</small>" if reason else ""
            state = "on" if ex["available"] else "off"
            rows.append(f'<span class="imgedit-ex-{state}">{"✓" if ex["available"] else "✗"} <b>{html.escape(name)}</b>{why}</span>')
        return f'<div class="imgedit-executors">{"".join(rows)}</div>'

    def on_setting(self, name: str) -> Callable[..., Any]:
        """Apply and save one setting (a no-op when a preset already set this value)."""

        def handler(value: Any, sid: str | None, request: gr.Request, lang: str = "") -> dict[Any, Any]:
            zh = self.zh(lang)
            if name == "llm_profile" and value == OFFLINE:
                value = ""
            status = self.c["settings_status"]
            secret = is_secret(name)
            if secret and not value:  # an empty secret field keeps the stored value
                return self.unchanged("settings_status")
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
            shown = ui_text(SECRET_SET if secret else str(value) if value != "" else OFFLINE, zh)
            out = {status: status_html(ui_text("Saved: {label} = {value}", zh, label=ui_text(_label(name), zh), value=shown)),
                   self.c["executor_status"]: self.executor_status(zh)}
            return {**out, self.c["settings"][name]: secret_update(True)} if secret else out

        handler.__name__ = f"on_setting_{name}"
        return handler

    def on_preset(self, name: str, lang: str = "") -> dict[Any, Any]:
        zh = self.zh(lang)
        try:
            updated, values = apply_preset(self.service.settings, name)
        except ValueError as exc:
            return {self.c["settings_status"]: status_html(str(exc), error=True)}
        self.service.settings = updated
        self.host.save_settings(updated, list(values))
        widgets = {self.c["settings"][k]: v for k, v in values.items() if k in self.c["settings"] and k != "preset"}
        said = ", ".join(f"{ui_text(_label(k), zh)} = {v}" for k, v in values.items() if k != "preset")
        return {**widgets, self.c["settings_status"]: status_html(ui_text("Preset {name}: {values}", zh, name=name, values=said)),
                self.c["executor_status"]: self.executor_status(zh)}

    def on_language(self, lang: str, sid: str | None, overlay: bool, notes: list, since: int | None,
                    request: gr.Request) -> dict[Any, Any]:
        """This browser's language (the page keeps it in localStorage; never saved for the server):
        the whole view again in it, suggestions and the executors' status included."""
        view = self.render(sid, client_of(request), overlay, lang, notes or [], since=since)
        return {**view, self.c["lang"]: lang, self.c["executor_status"]: self.executor_status(self.zh(lang)),
                self.c["settings_status"]: ""}

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
                widget.input(self.on_preset, [widget, c["lang"]], [*c["settings"].values(), c["settings_status"], c["executor_status"]],
                             show_progress="hidden")
            elif name == "language":  # the page keeps the choice and answers with the language it resolves to
                widget.input(self.safe(self.on_language, "view"), [widget, c["sid"], c["overlay"], c["notes"], c["since"]],
                             [*self.view, c["lang"], c["executor_status"], c["settings_status"]], show_progress="hidden",
                             **js("(v, ...a) => [window.imgedit ? window.imgedit.setLanguage(v) : v, ...a]"))
            else:
                outputs = [c["settings_status"], c["executor_status"]] + ([widget] if is_secret(name) else [])
                on_user_change(widget, self.on_setting(name), [widget, c["sid"], c["lang"]], outputs)
        c["face"].upload(self.on_source_face, [c["face"], c["sid"]], [c["settings_status"]], show_progress="hidden")
