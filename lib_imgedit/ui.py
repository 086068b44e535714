"""The Chat Edit tab (gradio 3.41 in A1111, gradio 4 in Forge). It only translates between widgets
and `EditService`; every decision is in the service."""

from __future__ import annotations

import html
import json
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from .errors import ImgEditError
from .masks import label_color
from .service import EditService, TurnOutcome

N_SUGGESTIONS = 3


def _client(request: gr.Request | None) -> str:
    req = getattr(request, "request", None)
    state = getattr(req, "state", None)
    return getattr(state, "imgedit_user", None) or "anonymous"


class _Files:
    """PNG files for gradio to serve (chat images, gallery): written once per content hash."""

    def __init__(self) -> None:
        self.root = Path(tempfile.gettempdir()) / "imgedit-ui"
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, service: EditService, key: str) -> str:
        target = self.root / key
        if not target.exists():
            target.write_bytes(service.blobs.get(key))
        return str(target)


def legend_html(labels: list[dict[str, Any]]) -> str:
    items = []
    for item in labels:
        r, g, b = label_color(item["name"])
        items.append(
            f'<span class="imgedit-legend-item" data-label="{html.escape(item["name"])}">'
            f'<span class="imgedit-swatch" style="background: rgb({r},{g},{b})"></span>'
            f'{html.escape(item["name"])} <small>{item["share"]:.0%}</small></span>'
        )
    return '<div class="imgedit-legend">' + "".join(items) + "</div>"


def build_ui(service: EditService, standalone: bool = False, lang: str = "") -> gr.Blocks:
    files = _Files()

    def session_for(sid: str | None, request: gr.Request | None) -> str:
        if sid:
            return sid
        return service.create_session(_client(request)).id

    def render(sid: str, outcome: TurnOutcome | None, chat: list, overlay_on: bool) -> list[Any]:
        session = service.store.get_session(sid)
        node = service.store.get_node(sid, session.current) if session.current else None
        image = None
        legend = ""
        if node is not None:
            labels = service.node_labels(node)
            legend = legend_html(labels.summary())
            if overlay_on:
                png = service.node_png(sid, session.client, node.id, with_overlay=True)
                key = service.blobs.put(png, "png")
                image = files.path(service, key)
            else:
                image = files.path(service, node.image)
        nodes = service.store.nodes(sid)
        gallery = [(files.path(service, n.image), f"{n.seq}: {(n.instruction or {}).get('operation', 'upload')}") for n in nodes]
        suggestions = (node.suggestions if node else [])[:N_SUGGESTIONS]
        buttons = [gr.update(value=s["text"], visible=True) for s in suggestions]
        buttons += [gr.update(value="", visible=False)] * (N_SUGGESTIONS - len(buttons))
        instr = json.dumps(outcome.instruction, indent=2, ensure_ascii=False) if outcome and outcome.instruction else ""
        return [sid, chat, image, legend, gallery, instr, *buttons]

    def add_chat(chat: list, user: str | None, outcome: TurnOutcome | None, sid: str) -> list:
        chat = list(chat or [])
        if user is not None:
            chat.append([html.escape(user), None])
        if outcome is not None:
            chat.append([None, html.escape(outcome.reply)])
            if outcome.image_png and outcome.instruction and outcome.instruction.get("operation") not in ("clarify",):
                key = service.blobs.put(outcome.image_png, "png")
                chat.append([None, (files.path(service, key),)])
        return chat

    def on_upload(path: str | None, sid: str | None, chat: list, overlay_on: bool, request: gr.Request):
        if not path:
            return [gr.update()] * 10
        sid = session_for(sid, request)
        try:
            outcome = service.upload(sid, _client(request), Path(path).read_bytes(), lang=lang)
        except ImgEditError as exc:
            return render(sid, None, add_chat(chat, None, None, sid) + [[None, f"⚠ {html.escape(exc.message)}"]], overlay_on)
        return render(sid, outcome, add_chat(chat, "[image]", outcome, sid), overlay_on)

    def on_message(text: str, sid: str | None, chat: list, overlay_on: bool, request: gr.Request):
        sid = session_for(sid, request)
        try:
            outcome = service.message(sid, _client(request), text)
        except ImgEditError as exc:
            return ["", *render(sid, None, add_chat(chat, text, None, sid) + [[None, f"⚠ {html.escape(exc.message)}"]], overlay_on)]
        return ["", *render(sid, outcome, add_chat(chat, text, outcome, sid), overlay_on)]

    def on_history(op: str):
        def handler(sid: str | None, chat: list, overlay_on: bool, request: gr.Request):
            if not sid:
                return [gr.update()] * 10
            try:
                outcome = getattr(service, op)(sid, _client(request))
            except ImgEditError as exc:
                return render(sid, None, add_chat(chat, op, None, sid) + [[None, f"⚠ {html.escape(exc.message)}"]], overlay_on)
            return render(sid, outcome, add_chat(chat, op, outcome, sid), overlay_on)

        return handler

    def on_suggestion(index: int):
        def handler(sid: str | None, chat: list, overlay_on: bool, request: gr.Request):
            if not sid:
                return [gr.update()] * 10
            try:
                pending = service.accept_suggestion(sid, _client(request), index)
                outcome = service.run_instruction(sid, _client(request), pending["instruction"], pending["text"])
            except ImgEditError as exc:
                return render(sid, None, add_chat(chat, None, None, sid) + [[None, f"⚠ {html.escape(exc.message)}"]], overlay_on)
            return render(sid, outcome, add_chat(chat, pending["text"], outcome, sid), overlay_on)

        return handler

    def on_run_json(text: str, sid: str | None, chat: list, overlay_on: bool, request: gr.Request):
        if not sid:
            return [gr.update()] * 10
        try:
            data = json.loads(text)
            outcome = service.run_instruction(sid, _client(request), data)
        except json.JSONDecodeError as exc:
            return render(sid, None, add_chat(chat, None, None, sid) + [[None, f"⚠ the instruction is not JSON: {exc}"]], overlay_on)
        except ImgEditError as exc:
            return render(sid, None, add_chat(chat, None, None, sid) + [[None, f"⚠ {html.escape(exc.message)}"]], overlay_on)
        return render(sid, outcome, add_chat(chat, "[instruction]", outcome, sid), overlay_on)

    def on_profile(name: str | None, sid: str | None, request: gr.Request):
        sid = session_for(sid, request)
        service.update_session(sid, _client(request), profile=name or "")
        return sid

    def on_toggle(sid: str | None, chat: list, overlay_on: bool):
        if not sid:
            return [gr.update()] * 10
        return render(sid, None, chat, overlay_on)

    with gr.Blocks(analytics_enabled=False, title="Chat Edit", css=_CSS if standalone else None) as blocks:
        sid = gr.State(None)
        with gr.Row(elem_id="imgedit_main"):
            with gr.Column(scale=5):
                chat = gr.Chatbot(elem_id="imgedit_chat", height=480, label="Chat")
                with gr.Row():
                    text = gr.Textbox(elem_id="imgedit_text", placeholder="Describe the edit, e.g. 'blur the background'",
                                      show_label=False, lines=2, scale=8)
                    send = gr.Button("Send", variant="primary", elem_id="imgedit_send", scale=1)
                with gr.Row(elem_id="imgedit_suggestions"):
                    sugg = [gr.Button("", visible=False, size="sm", elem_id=f"imgedit_suggestion_{i}") for i in range(N_SUGGESTIONS)]
                with gr.Row():
                    undo = gr.Button("Undo", elem_id="imgedit_undo", size="sm")
                    redo = gr.Button("Redo", elem_id="imgedit_redo", size="sm")
                    profile = gr.Dropdown(["", "offline", *service.profile_names()], value="", label="LLM profile",
                                          info="for this session, from the next message; empty: the default",
                                          elem_id="imgedit_profile")
            with gr.Column(scale=5):
                upload = gr.File(label="Upload a photo", file_types=["image"], elem_id="imgedit_upload", type="file")
                image = gr.Image(label="Current image", interactive=False, elem_id="imgedit_image", type="filepath")
                overlay_on = gr.Checkbox(label="Show segmentation overlay", value=False, elem_id="imgedit_overlay")
                legend = gr.HTML(elem_id="imgedit_legend")
                gallery = gr.Gallery(label="History", columns=6, height=140, elem_id="imgedit_history")
                instr = gr.Code(label="Instruction (JSON, editable)", language="json", elem_id="imgedit_instruction")
                run_json = gr.Button("Run instruction", elem_id="imgedit_run_json", size="sm")

        outputs = [sid, chat, image, legend, gallery, instr, *sugg]
        def on_file(f: Any, s: str | None, c: list, o: bool, request: gr.Request):
            return on_upload(getattr(f, "name", f), s, c, o, request)

        upload.upload(on_file, [upload, sid, chat, overlay_on], outputs)
        for trigger in (send.click, text.submit):
            trigger(on_message, [text, sid, chat, overlay_on], [text, *outputs])
        undo.click(on_history("undo"), [sid, chat, overlay_on], outputs)
        redo.click(on_history("redo"), [sid, chat, overlay_on], outputs)
        for i, b in enumerate(sugg):
            b.click(on_suggestion(i), [sid, chat, overlay_on], outputs)
        run_json.click(on_run_json, [instr, sid, chat, overlay_on], outputs)
        profile.change(on_profile, [profile, sid], [sid])
        overlay_on.change(on_toggle, [sid, chat, overlay_on], outputs)
    return blocks


_CSS = """
.imgedit-legend { display: flex; flex-wrap: wrap; gap: 6px; }
.imgedit-legend-item { display: inline-flex; align-items: center; gap: 4px; padding: 2px 6px; border-radius: 6px;
  background: var(--block-background-fill); cursor: pointer; }
.imgedit-swatch { width: 12px; height: 12px; border-radius: 3px; display: inline-block; }
"""
