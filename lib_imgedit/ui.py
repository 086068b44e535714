"""The Chat Edit tab (gradio 3.41 in A1111, gradio 4 in Forge). It only translates between widgets
and `EditService`; every decision is in the service.

Everything the tab shows is rebuilt from the session's stored nodes and messages (`ui_view`), so a
reload restores it: the browser keeps the session id in localStorage and hands it back on load.
The brush, the before/after view and Enter-to-send live in `javascript/imgedit.js`; it talks to the
tab through hidden components (`#imgedit_hidden`) and `js` hooks on events.
"""

from __future__ import annotations

import contextlib
import html
import json
import time
from pathlib import Path
from typing import Any, Callable

import gradio as gr
import numpy as np

from . import images
from .config import Settings
from .errors import BadRequest, ImgEditError, InvalidInstruction
from .instruction import FIELD_HELP, validate_instruction
from .presets import apply_preset
from .service import EditService, TurnOutcome
from .store import Node
from .ui_compat import add_script, blocks_kwargs, enable_queue, js, upload_path
from .ui_host import TabHost
from .ui_view import (
    FORM_FIELDS,
    ImageFiles,
    chat_pairs,
    errors_html,
    form_values,
    history_items,
    legend_html,
    png_infotext,
    state_html,
    with_form,
)

ROOT = Path(__file__).resolve().parents[1]
N_SUGGESTIONS = 3
# Settings in the tab's accordion, row by row (all saved to <data dir>/config.json); the language
# only in the standalone app: inside the WebUI, its own localization setting decides.
SETTINGS_ROWS = (("llm_profile", "preset", "language"), ("executors",), ("strength", "steps", "sampler"),
                 ("controlnet_module", "controlnet_weight"))
OFFLINE = "offline"
WELCOME = ("Upload a photo to start, then tell me what to change, e.g. 'blur the background' or 'make the hair "
           "blonde'. Each result appears here with the instruction that made it.")

STAGE_HTML = """
<div id="imgedit_stage" class="imgedit-stage" data-tool="none">
  <div class="imgedit-toolbar">
    <button type="button" class="imgedit-tool" data-tool="brush"><i class="imgedit-icon imgedit-icon-brush"></i><span>Brush</span></button>
    <button type="button" class="imgedit-tool" data-tool="eraser"><i class="imgedit-icon imgedit-icon-eraser"></i><span>Eraser</span></button>
    <label class="imgedit-size"><span>Size</span><input type="range" min="4" max="160" value="40"></label>
    <button type="button" class="imgedit-action" data-action="clear"><span>Clear mask</span></button>
    <span class="imgedit-spacer"></span>
    <button type="button" class="imgedit-action" data-action="compare" disabled><span>Before / after</span></button>
    <a class="imgedit-action imgedit-download" download="imgedit.png" aria-disabled="true"><span>Download</span></a>
  </div>
  <div class="imgedit-canvas-area">
    <div class="imgedit-frame">
      <img class="imgedit-before" alt="">
      <img class="imgedit-current" alt="">
      <canvas class="imgedit-mask"></canvas>
      <input type="range" class="imgedit-compare-slider" min="0" max="100" value="50" aria-label="before/after">
    </div>
    <div class="imgedit-empty"><span>Drop a photo here, or use Upload a photo.</span></div>
  </div>
  <div class="imgedit-hint"><span>Paint with the brush to limit the next edit to that area; click a label to select its region.</span></div>
</div>
"""

_STANDALONE_CSS = """
.gradio-container { max-width: 1680px !important; }
footer { display: none !important; }
"""


def _client(request: gr.Request | None) -> str:
    req = getattr(request, "request", None)
    state = getattr(req, "state", None)
    return getattr(state, "imgedit_user", None) or "anonymous"


def _args_js(n_inputs: int, **fill: int) -> str:
    """A front-end hook that replaces some of an event's inputs with values from the page (the mask
    painted, the session id kept in localStorage): `fill` maps a `window.imgedit` function to the
    index of the input it fills."""
    sets = "".join(f"r[{i}] = window.imgedit ? window.imgedit.{fn}() : r[{i}];" for fn, i in fill.items())
    return f"(...a) => {{ const r = a.slice(0, {n_inputs}); {sets} return r; }}"


def standalone_assets(lang: str) -> tuple[str, str]:
    """Styles and script the WebUI would load from the extension folder, for the standalone page."""
    strings = json.loads((ROOT / "localizations" / "zh_CN.json").read_text("utf-8"))
    config = json.dumps({"lang": lang or "auto", "strings": {"zh_CN": strings}}, ensure_ascii=False).replace("</", "<\\/")
    script = f"window.imgeditConfig = {config};\n" + (ROOT / "javascript" / "imgedit.js").read_text("utf-8")
    return (ROOT / "style.css").read_text("utf-8") + _STANDALONE_CSS, script


class ChatEditTab:
    """The components of one tab and their handlers."""

    def __init__(self, service: EditService, host: TabHost, standalone: bool, lang: str):
        self.service = service
        self.host = host
        self.standalone = standalone
        self.lang = lang
        self.files = ImageFiles(service.blobs.get)

    # ------------------------------------------------------------------ rendering
    def _overlay(self, sid: str, client: str, node: Node) -> str:
        # named after the picture it belongs to: the page script shows it only over that picture
        name = f"overlay-{node.image[:64]}-{(node.labelmap or '')[:16]}.png"
        return self.files.derived(name, lambda: self.service.node_png(sid, client, node.id, True))

    def _pictures(self, sid: str, client: str, node: Node, overlay: bool) -> dict[Any, Any]:
        """The picture for the stage, its overlay when the box is ticked, and for the host's send-to
        buttons the picture again with its infotext."""
        plain = self.files.full(node.image)
        out = {self.c["current"]: plain}
        if self.host.send_to:
            out.update({self.c["image"]: plain, self.c["infotext"]: png_infotext(self.service.blobs.get(node.image))})
        if overlay:
            out[self.c["overlay_file"]] = self._overlay(sid, client, node)
        return out

    def render(self, sid: str | None, client: str, overlay: bool, notes: list[dict[str, Any]],
               armed: dict[str, Any] | None = None, announce: dict[str, Any] | None = None) -> dict[Any, Any]:
        """Every view of the session, from storage. `armed` is a suggestion filled into the editor;
        `announce` goes to the page script with the state (after a reload: the session it asked
        for is loaded, or was not found, and the language to show)."""
        c = self.c
        state: dict[str, Any] = {"session": sid or "", **(announce or {})}
        out: dict[Any, Any] = {
            c["sid"]: sid or None, c["notes"]: notes, c["errors"]: "", c["armed"]: None, c["state"]: state_html(state),
            c["current"]: None, c["image"]: None, c["before"]: None, c["infotext"]: "", c["legend"]: "", c["code"]: "",
            c["chat"]: chat_pairs([], {}, self.files.thumb, notes) or [[None, WELCOME]], c["gallery"]: [], c["node_ids"]: [],
            **self._suggestions([], None),
        }
        if not sid:
            return out
        session = self.service.get_session(sid, client)
        nodes = self.service.store.nodes(sid)
        by_id = {n.id: n for n in nodes}
        out[c["chat"]] = chat_pairs(self.service.store.messages(sid), by_id, self.files.thumb, notes)
        out[c["gallery"]] = history_items(nodes, session.current, self.files.thumb)
        out[c["node_ids"]] = [n.id for n in nodes]
        node = by_id.get(session.current or "")
        if node is None:
            return out
        pending = session.data.get("pending") or {}
        if armed != {"node": node.id, "index": pending.get("index")} or pending.get("node") != node.id:
            armed = None
        instruction = pending["instruction"] if armed else node.instruction
        labels = self.service.node_labels(node)
        parent = by_id.get(node.parent or "")
        operation, targets, prompt, strength = form_values(instruction)
        return {
            **out,
            **self._pictures(sid, client, node, overlay),
            c["before"]: self.files.full(parent.image) if parent else None,
            c["legend"]: legend_html(labels.summary(), len(labels.faces)),
            c["code"]: json.dumps(instruction, indent=2, ensure_ascii=False) if instruction else "",
            c["operation"]: operation, c["prompt"]: prompt, c["strength"]: strength,
            c["targets"]: gr.update(choices=labels.names, value=[t for t in targets if t in labels.names]),
            c["armed"]: armed, c["state"]: state_html({**state, "node": node.id, "seq": node.seq}),
            **self._suggestions(node.suggestions, armed),
        }

    def _unchanged(self, key: str) -> dict[Any, Any]:
        """An answer that changes nothing (gradio needs at least one output in an update dict)."""
        return {self.c[key]: gr.update()}

    def _suggestions(self, suggestions: list[dict[str, Any]], armed: dict[str, Any] | None) -> dict[Any, Any]:
        out = {}
        for i, button in enumerate(self.c["sugg"]):
            if i < len(suggestions):
                on = bool(armed) and armed["index"] == i
                out[button] = gr.update(value=("▶ " if on else "") + suggestions[i]["text"], visible=True,
                                        variant="primary" if on else "secondary")
            else:
                out[button] = gr.update(value="", visible=False)
        return out

    def _failed(self, sid: str | None, client: str, overlay: bool, notes: list[dict[str, Any]], user: str | None,
                exc: ImgEditError) -> dict[Any, Any]:
        """A turn that changed nothing: its error joins the chat (not the store) where it happened."""
        after = len(self.service.store.messages(sid)) if sid else 0
        return self.render(sid, client, overlay, [*notes, {"after": after, "user": user, "text": exc.message}])

    # ------------------------------------------------------------------ turns
    def _turn(self, sid: str | None, request: gr.Request, overlay: bool, notes: list[dict[str, Any]], user: str | None,
              action: Callable[[str, Callable[[int, int, str], None] | None], Any], progress: Any = None) -> dict[Any, Any]:
        client = _client(request)
        if not sid:
            return self._failed(None, client, overlay, notes, user, BadRequest("upload a photo first: there is nothing to edit yet"))

        def bar(step: int, total: int, text: str) -> None:
            if progress is not None:
                progress((step, total), desc=text)

        try:
            with self.host.generating(bar) as report:
                action(client, report)
        except ImgEditError as exc:
            return self._failed(sid, client, overlay, notes, user, exc)
        return self.render(sid, client, overlay, notes)

    def _mask(self, data: str | None) -> bytes | None:
        return images.decode_base64(data, int(self.service.settings.max_upload_mb * 1e6)) if data else None

    def language(self, browser: str) -> str:
        """The tab's language: the --lang flag, else the saved setting, else the browser's."""
        saved = self.service.settings.language
        return self.lang or (saved if saved != "auto" else browser)

    def on_restore(self, sid: str, lang: str, overlay: bool, request: gr.Request) -> dict[Any, Any]:
        """On page load: this browser's last session, and the settings as saved now (the page was
        built with the values of the server's start)."""
        client = _client(request)
        announce = {"restored": True, "language": self.language("auto")}
        try:
            view = self.render(sid or None, client, overlay, [], announce=announce)
        except ImgEditError:  # expired, deleted or someone else's: start afresh
            view = self.render(None, client, overlay, [], announce=announce)
        settings = {w: _widget_value(name, getattr(self.service.settings, name)) for name, w in self.c["settings"].items()}
        return {**view, **settings, self.c["lang"]: lang}

    def on_upload(self, file: Any, sid: str | None, lang: str, overlay: bool, notes: list, request: gr.Request) -> dict[Any, Any]:
        path = upload_path(file)
        if not path:
            return self._unchanged("errors")
        client = _client(request)
        try:
            sid = sid or self.service.create_session(client).id
            self.service.upload(sid, client, Path(path).read_bytes(), lang=self.language(lang))
        except ImgEditError as exc:
            return self._failed(sid, client, overlay, notes, None, exc)
        return self.render(sid, client, overlay, notes)

    def on_message(self, mask: str, text: str, sid: str | None, overlay: bool, notes: list, request: gr.Request,
                   progress: gr.Progress = gr.Progress()) -> dict[Any, Any]:
        def act(client: str, report: Any) -> TurnOutcome:
            return self.service.message(sid, client, text, mask_png=self._mask(mask), progress=report)

        return {**self._turn(sid, request, overlay, notes, text, act, progress), self.c["text"]: ""}

    def on_history(self, op: str) -> Callable[..., dict[Any, Any]]:
        def handler(sid: str | None, overlay: bool, notes: list, request: gr.Request) -> dict[Any, Any]:
            return self._turn(sid, request, overlay, notes, None, lambda client, _r: getattr(self.service, op)(sid, client))

        return handler

    def on_jump(self, sid: str | None, node_ids: list[str], overlay: bool, notes: list, evt: gr.SelectData,
                request: gr.Request) -> dict[Any, Any]:
        index = evt.index if isinstance(evt.index, int) else -1
        if not 0 <= index < len(node_ids):
            return self._unchanged("errors")
        return self._turn(sid, request, overlay, notes, None, lambda client, _r: self.service.jump(sid, client, node_ids[index]))

    def on_suggestion(self, index: int) -> Callable[..., dict[Any, Any]]:
        """First click: fill the editor with the suggestion. Second click: run what the editor holds
        (the user may have changed it in between)."""

        def handler(mask: str, code: str, sid: str | None, armed: dict | None, overlay: bool, notes: list,
                    request: gr.Request, progress: gr.Progress = gr.Progress()) -> dict[Any, Any]:
            client = _client(request)
            if not sid:
                return self._unchanged("errors")
            try:
                session = self.service.get_session(sid, client)
                pending = session.data.get("pending") or {}
                if armed != {"node": session.current, "index": index} or pending.get("index") != index:
                    self.service.accept_suggestion(sid, client, index)
                    return self.render(sid, client, overlay, notes, {"node": session.current, "index": index})
            except ImgEditError as exc:
                return self._failed(sid, client, overlay, notes, None, exc)
            return self._run_editor(code, sid, request, overlay, notes, mask, progress, text=pending.get("text", ""))

        return handler

    @staticmethod
    def _parse(code: str) -> dict[str, Any]:
        try:
            data = json.loads(code or "")
        except json.JSONDecodeError as exc:
            raise ValueError(f"the instruction is not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        if not isinstance(data, dict):
            raise ValueError('the instruction must be a JSON object, like {"operation": "adjust", ...}')
        return data

    def _run_editor(self, code: str, sid: str | None, request: gr.Request, overlay: bool, notes: list, mask: str | None,
                    progress: Any, text: str = "", replace: bool = False) -> dict[Any, Any]:
        """Run the editor's instruction on the current picture or, with `replace`, in place of the
        current step (from its parent: a new branch). It is checked first, so a bad one changes
        nothing: its errors appear beside the editor, which keeps the user's text."""
        client = _client(request)
        try:
            if not sid:
                raise ValueError("upload a photo first: there is nothing to edit yet")
            instruction = self._parse(code)
            session = self.service.get_session(sid, client)
            target = self.service.store.get_node(sid, session.current) if session.current else None
            if replace:
                if target is None or not target.parent:
                    raise ValueError("this is the uploaded picture: there is no step to replace")
                target = self.service.store.get_node(sid, target.parent)
            if target is None:
                raise ValueError("upload a photo first: there is nothing to edit yet")
            validate_instruction(instruction, self.service.rules, self.service.node_labels(target).names)
        except ValueError as exc:
            return {self.c["errors"]: errors_html(str(exc))}
        except InvalidInstruction as exc:
            return {self.c["errors"]: errors_html(exc.message, exc.details)}
        except ImgEditError as exc:
            return self._failed(sid, client, overlay, notes, None, exc)

        def act(client: str, report: Any) -> TurnOutcome:
            if replace:
                self.service.jump(sid, client, target.id)
            return self.service.run_instruction(sid, client, instruction, text, mask_png=self._mask(mask), progress=report)

        return self._turn(sid, request, overlay, notes, None, act, progress)

    def on_run(self, replace: bool) -> Callable[..., dict[Any, Any]]:
        def handler(mask: str, code: str, sid: str | None, overlay: bool, notes: list, request: gr.Request,
                    progress: gr.Progress = gr.Progress()) -> dict[Any, Any]:
            return self._run_editor(code, sid, request, overlay, notes, mask, progress, replace=replace)

        return handler

    def on_interrupt(self, sid: str | None, request: gr.Request) -> None:
        if sid:
            with contextlib.suppress(ImgEditError):  # a session gone meanwhile has nothing to stop
                self.service.interrupt(sid, _client(request))
        self.host.interrupt()

    def on_overlay(self, sid: str | None, request: gr.Request) -> dict[Any, Any]:
        """The current picture's overlay, whichever way the box was ticked: the page script shows it
        or not by the box's state, so quick clicks whose answers arrive out of order do no harm."""
        client = _client(request)
        try:
            session = self.service.get_session(sid, client) if sid else None
        except ImgEditError:
            return self._unchanged("overlay_file")
        if session is None or not session.current:
            return self._unchanged("overlay_file")
        return {self.c["overlay_file"]: self._overlay(sid, client, self.service.store.get_node(sid, session.current))}

    def on_pick(self, label: str, sid: str | None, request: gr.Request) -> dict[Any, Any]:
        """A legend label's region as a mask for the brush canvas (RGBA: yellow where selected)."""
        try:
            session = self.service.get_session(sid, _client(request)) if sid else None
            if session is None or not session.current:
                return self._unchanged("pick")
            mask = self.service.node_labels(self.service.store.get_node(sid, session.current)).masks.get(label)
        except ImgEditError:
            return self._unchanged("pick")
        if mask is None:
            return self._unchanged("pick")
        rgba = np.zeros(mask.shape + (4,), np.uint8)
        rgba[mask] = (255, 214, 0, 255)
        data = "data:image/png;base64," + images.png_b64(images.encode_png(rgba))
        img = f'<img class="imgedit-pick" data-n="{time.time_ns()}" data-label="{html.escape(label)}" src="{data}">'
        return {self.c["pick"]: img}

    def on_form(self, code: str, operation: str, targets: list[str], prompt: str, strength: float) -> dict[Any, Any]:
        try:
            current = self._parse(code) if (code or "").strip() else {}
        except ValueError as exc:
            return {self.c["errors"]: errors_html(f"fix the JSON before using the form: {exc}")}
        updated = with_form(current, operation, targets, prompt, strength)
        return {self.c["code"]: json.dumps(updated, indent=2, ensure_ascii=False), self.c["errors"]: ""}

    def on_form_tab(self, code: str) -> dict[Any, Any]:
        try:
            instruction = self._parse(code) if (code or "").strip() else None
        except ValueError as exc:
            return {self.c["errors"]: errors_html(str(exc))}
        operation, targets, prompt, strength = form_values(instruction)
        return {self.c["operation"]: operation, self.c["targets"]: targets, self.c["prompt"]: prompt, self.c["strength"]: strength}

    # ------------------------------------------------------------------ settings
    def on_setting(self, name: str) -> Callable[..., Any]:
        """Apply and save one setting (a no-op when a preset already set this value)."""

        def handler(value: Any, sid: str | None, request: gr.Request) -> dict[Any, Any]:
            if name == "llm_profile" and value == OFFLINE:
                value = ""
            status = self.c["settings_status"]
            try:
                updated = self.service.settings.update({name: value})
                if getattr(updated, name) == getattr(self.service.settings, name):
                    return self._unchanged("settings_status")
                if name == "llm_profile" and sid:
                    self.service.update_session(sid, _client(request), profile=value)
                self.service.settings = updated
                self.host.save_settings(updated, [name])
            except (ValueError, ImgEditError) as exc:
                return {status: _status(str(getattr(exc, "message", exc)), error=True)}
            return {status: _status(f"Saved: {_label(name)} = {value if value != '' else OFFLINE}"),
                    self.c["executor_status"]: self._executor_status()}

        return handler

    def on_preset(self, name: str) -> dict[Any, Any]:
        try:
            updated, values = apply_preset(self.service.settings, name)
        except ValueError as exc:
            return {self.c["settings_status"]: _status(str(exc), error=True)}
        self.service.settings = updated
        self.host.save_settings(updated, list(values))
        widgets = {self.c["settings"][k]: v for k, v in values.items() if k in self.c["settings"] and k != "preset"}
        return {**widgets, self.c["settings_status"]: _status(f"Preset {name}: " + ", ".join(f"{k} = {v}" for k, v in values.items() if k != "preset")),
                self.c["executor_status"]: self._executor_status()}

    def on_source_face(self, file: Any, sid: str | None, request: gr.Request) -> str:
        path = upload_path(file)
        if not path:
            return ""
        if not sid:
            return _status("upload a photo first, then the face to use", error=True)
        try:
            self.service.set_source_face(sid, _client(request), Path(path).read_bytes())
        except ImgEditError as exc:
            return _status(exc.message, error=True)
        return _status("Source face saved for this session.")

    def _executor_status(self) -> str:
        """Each executor in the configured order: ready, or why not (not installed here, not configured)."""
        known = {ex["name"]: ex for ex in self.service.executor_status()}
        rows = []
        for name in self.service.settings.executor_order:
            ex = known.get(name, {"available": False, "reason": "not available here"})
            why = f" <small>{html.escape(ex['reason'])}</small>" if ex["reason"] else ""
            state = "on" if ex["available"] else "off"
            rows.append(f'<span class="imgedit-ex-{state}">{"✓" if ex["available"] else "✗"} <b>{html.escape(name)}</b>{why}</span>')
        return f'<div class="imgedit-executors">{"".join(rows)}</div>'

    def setting_widget(self, name: str, meta: dict[str, Any]) -> Any:
        value = getattr(self.service.settings, name)
        label, info = meta["label"], meta["help"] or None
        elem_id = f"imgedit_setting_{name}"
        if name == "llm_profile":
            names = [OFFLINE, *self.service.profile_names()]
            return gr.Dropdown(names, value=_widget_value(name, value), label=label, info=info, elem_id=elem_id, allow_custom_value=True)
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

    # ------------------------------------------------------------------ layout
    def build(self) -> gr.Blocks:
        c: dict[str, Any] = {}
        self.c = c
        extra: dict[str, Any] = {}
        script = ""
        if self.standalone:
            css, script = standalone_assets(self.lang or self.service.settings.language)
            extra = blocks_kwargs(css, script)
        with gr.Blocks(analytics_enabled=False, title="Chat Edit", **extra) as blocks:
            for key, default in (("sid", None), ("notes", []), ("armed", None), ("node_ids", []), ("lang", "")):
                c[key] = gr.State(default)
            with gr.Row(elem_id="imgedit_main", equal_height=False):
                with gr.Column(scale=5, min_width=380, elem_id="imgedit_left"):
                    self._chat_column(c)
                with gr.Column(scale=6, min_width=420, elem_id="imgedit_right"):
                    self._image_column(c)
            with gr.Accordion("Settings", open=False, elem_id="imgedit_settings"):
                self._settings_panel(c)
            with gr.Group(elem_id="imgedit_hidden", elem_classes=["imgedit-hidden"]):
                # Files, not images: gradio 3 sends an Image's value as base64, a File's as a URL.
                c["current"] = gr.File(elem_id="imgedit_current_file", label="current")
                c["before"] = gr.File(elem_id="imgedit_before_file", label="before")
                c["overlay_file"] = gr.File(elem_id="imgedit_overlay_file", label="overlay")
                # The WebUI's send-to buttons read an Image; only filled when the host has them.
                c["image"] = gr.Image(type="filepath", interactive=False, elem_id="imgedit_image", label="Current image")
                c["state"] = gr.HTML(state_html({"session": ""}), elem_id="imgedit_state")
                c["pick"] = gr.HTML("", elem_id="imgedit_pickmask")
                c["infotext"] = gr.Textbox(elem_id="imgedit_infotext", label="infotext")
                c["mask"] = gr.Textbox(elem_id="imgedit_mask", label="mask")
                c["restore_in"] = gr.Textbox(elem_id="imgedit_restore_in", label="session")
                c["lang_in"] = gr.Textbox(elem_id="imgedit_lang_in", label="lang")
                c["pick_in"] = gr.Textbox(elem_id="imgedit_pick_in", label="label")
                c["restore"] = gr.Button("restore", elem_id="imgedit_restore")
                c["pick_btn"] = gr.Button("pick", elem_id="imgedit_pick")
            self._wire(c)
            self.host.register_send_to(c["send_to"], c["image"], c["infotext"])
            if script:
                add_script(blocks, script)
        return blocks

    def _chat_column(self, c: dict[str, Any]) -> None:
        c["chat"] = gr.Chatbot(elem_id="imgedit_chat", height=540, label="Chat", show_label=False)
        with gr.Row(elem_id="imgedit_suggestions"):
            c["sugg"] = [gr.Button("", visible=False, size="sm", elem_id=f"imgedit_suggestion_{i}",
                                   elem_classes=["imgedit-suggestion"]) for i in range(N_SUGGESTIONS)]
        with gr.Row(elem_id="imgedit_input_row"):
            c["text"] = gr.Textbox(elem_id="imgedit_text", show_label=False, lines=2, max_lines=8, scale=7, container=False,
                                   placeholder="Describe the edit, e.g. 'blur the background' (Enter to send, Shift+Enter for a new line)")
            with gr.Column(scale=1, min_width=110, elem_id="imgedit_send_col"):
                c["send"] = gr.Button("Send", variant="primary", elem_id="imgedit_send")
                c["interrupt"] = gr.Button("Interrupt", size="sm", elem_id="imgedit_interrupt")
        with gr.Row(elem_id="imgedit_session_row"):
            c["upload"] = gr.UploadButton("Upload a photo", file_types=["image"], elem_id="imgedit_upload", size="sm")
            c["new"] = gr.Button("New session", size="sm", elem_id="imgedit_new")
        with gr.Accordion("Instruction", open=True, elem_id="imgedit_instruction_box"):
            with gr.Tabs():
                with gr.Tab("JSON", elem_id="imgedit_tab_json"):
                    c["code"] = gr.Code(language="json", label="Instruction (JSON, editable)", lines=8, elem_id="imgedit_instruction")
                with gr.Tab("Form", elem_id="imgedit_tab_form") as c["form_tab"]:
                    ops = [n for n, op in self.service.rules["operations"].items() if op.get("enabled", True)]
                    with gr.Row():
                        c["operation"] = gr.Dropdown(ops, value="adjust", label="Operation", elem_id="imgedit_form_operation")
                        c["targets"] = gr.Dropdown([], value=[], multiselect=True, label="Targets", info=FIELD_HELP["targets"],
                                                   elem_id="imgedit_form_targets")
                    with gr.Row():
                        c["prompt"] = gr.Textbox(label="Prompt", info=FIELD_HELP["prompt"], elem_id="imgedit_form_prompt", lines=1)
                        c["strength"] = gr.Slider(0, 1, value=0, step=0.05, label="Strength (0: default)", elem_id="imgedit_form_strength")
            c["errors"] = gr.HTML("", elem_id="imgedit_instruction_errors")
            with gr.Row():
                c["run"] = gr.Button("Run on current image", size="sm", elem_id="imgedit_run_json")
                c["rerun"] = gr.Button("Replace this step", size="sm", elem_id="imgedit_rerun_json")

    def _image_column(self, c: dict[str, Any]) -> None:
        gr.HTML(STAGE_HTML, elem_id="imgedit_stage_box")
        with gr.Row(elem_id="imgedit_labels_row"):
            c["overlay"] = gr.Checkbox(label="Show segmentation overlay", value=False, elem_id="imgedit_overlay", scale=0, min_width=260)
            c["legend"] = gr.HTML("", elem_id="imgedit_legend")
        with gr.Row(elem_id="imgedit_history_row"):
            c["undo"] = gr.Button("Undo", size="sm", elem_id="imgedit_undo", min_width=80)
            c["redo"] = gr.Button("Redo", size="sm", elem_id="imgedit_redo", min_width=80)
            c["send_to"] = {tab: gr.Button(f"Send to {tab}", size="sm", elem_id=f"imgedit_send_to_{tab}", min_width=120)
                            for tab in self.host.send_to}
        c["gallery"] = gr.Gallery(label="History (click a step to go back to it; the next edit branches from there)",
                                  columns=6, height=170, allow_preview=False, object_fit="cover", elem_id="imgedit_history")

    def _settings_panel(self, c: dict[str, Any]) -> None:
        meta = {name: m for name, _, m in Settings.field_meta()}
        c["settings"] = {}
        for row in SETTINGS_ROWS:
            with gr.Row():
                for name in row:
                    if name in meta and (self.standalone or name != "language"):
                        c["settings"][name] = self.setting_widget(name, meta[name])
                if row == ("executors",):
                    c["executor_status"] = gr.HTML(self._executor_status(), elem_id="imgedit_executor_status")
        with gr.Row():
            c["face"] = gr.Image(type="filepath", label="Source face (for face swap)", height=150, elem_id="imgedit_source_face")
            c["settings_status"] = gr.HTML("", elem_id="imgedit_settings_status")

    def _wire(self, c: dict[str, Any]) -> None:
        view = [c[k] for k in ("sid", "chat", "current", "image", "before", "overlay_file", "legend", "gallery", "node_ids", "code", "operation",
                                "targets", "prompt", "strength", "errors", "notes", "armed", "state", "infotext")] + c["sugg"]
        c["restore"].click(self.on_restore, [c["restore_in"], c["lang_in"], c["overlay"]],
                           [*view, c["lang"], *c["settings"].values()],
                           **js(_args_js(3, restoreSession=0, language=1)))
        c["upload"].upload(self.on_upload, [c["upload"], c["sid"], c["lang"], c["overlay"], c["notes"]], view)
        with_mask = js(_args_js(5, maskData=0))
        c["send"].click(self.on_message, [c["mask"], c["text"], c["sid"], c["overlay"], c["notes"]], [c["text"], *view], **with_mask)
        c["interrupt"].click(self.on_interrupt, [c["sid"]], None, queue=False)
        c["undo"].click(self.on_history("undo"), [c["sid"], c["overlay"], c["notes"]], view)
        c["redo"].click(self.on_history("redo"), [c["sid"], c["overlay"], c["notes"]], view)
        c["gallery"].select(self.on_jump, [c["sid"], c["node_ids"], c["overlay"], c["notes"]], view)
        for i, button in enumerate(c["sugg"]):
            button.click(self.on_suggestion(i), [c["mask"], c["code"], c["sid"], c["armed"], c["overlay"], c["notes"]], view,
                         **js(_args_js(6, maskData=0)))
        run_inputs = [c["mask"], c["code"], c["sid"], c["overlay"], c["notes"]]
        c["run"].click(self.on_run(False), run_inputs, view, **with_mask)
        c["rerun"].click(self.on_run(True), run_inputs, view, **with_mask)
        c["overlay"].change(self.on_overlay, [c["sid"]], [c["overlay_file"]])
        c["pick_btn"].click(self.on_pick, [c["pick_in"], c["sid"]], [c["pick"]], **js(_args_js(2, pickedLabel=0)))
        form = [c[k] for k in FORM_FIELDS]
        for widget in form:
            _on_user_change(widget, self.on_form, [c["code"], *form], [c["code"], c["errors"]])
        c["form_tab"].select(self.on_form_tab, [c["code"]], [*form, c["errors"]])
        c["new"].click(lambda: self.render(None, "", False, []), None, view)
        for name, widget in c["settings"].items():
            if name == "preset":
                widget.input(self.on_preset, [widget], [*c["settings"].values(), c["settings_status"], c["executor_status"]])
                continue
            kw = js("(v, ...a) => { if (window.imgedit) window.imgedit.setLanguage(v); return [v, ...a.slice(0, 1)]; }") if name == "language" else {}
            _on_user_change(widget, self.on_setting(name), [widget, c["sid"]], [c["settings_status"], c["executor_status"]], **kw)
        c["face"].upload(self.on_source_face, [c["face"], c["sid"]], [c["settings_status"]])


def _on_user_change(widget: Any, fn: Callable[..., Any], inputs: list[Any], outputs: list[Any], **kw: Any) -> None:
    """Listen to what the user changes, never to updates the tab makes itself (a preset filling the
    sliders), whose answers could arrive after the user's own change and undo it. Sliders report
    once released, text once left or submitted."""
    if isinstance(widget, gr.Slider):
        widget.release(fn, inputs, outputs, **kw)
    elif isinstance(widget, gr.Textbox):
        widget.blur(fn, inputs, outputs, **kw)
        widget.submit(fn, inputs, outputs, **kw)
    else:
        widget.input(fn, inputs, outputs, **kw)


def _widget_value(name: str, value: Any) -> Any:
    return OFFLINE if name == "llm_profile" and not value else value


def _label(name: str) -> str:
    return next((m["label"] for n, _, m in Settings.field_meta() if n == name), name)


def _status(text: str, error: bool = False) -> str:
    return f'<p class="imgedit-status{" imgedit-status-error" if error else ""}">{html.escape(text)}</p>'


def build_ui(service: EditService, standalone: bool = False, lang: str = "", host: TabHost | None = None) -> gr.Blocks:
    """The Chat Edit tab. `host` connects it to the WebUI (send-to, progress, Interrupt); see `ui_host`."""
    return ChatEditTab(service, host or TabHost(), standalone, lang).build()


def mount_tab(app: Any, service: EditService, lang: str = "", path: str = "/") -> Any:
    """The standalone app's page: the tab at `path` of the FastAPI `app`, with gradio's queue (which
    progress bars and Interrupt need)."""
    blocks = build_ui(service, standalone=True, lang=lang)
    enable_queue(blocks, 4)
    return gr.mount_gradio_app(app, blocks, path=path)
