"""The chat column: the conversation (its latest page, older pages on request), the message being
sent, suggestions, Send and Interrupt.

The user's message shows in the chat the moment it is sent (a quick event without the queue), then
the turn runs. A message sent while a turn runs is queued by the page script and sent after it."""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path
from typing import Any

import gradio as gr

from ..core.errors import ImgEditError
from ..engine.service import TurnOutcome
from ..engine.session_views import offered
from ..store import Message
from .compat import args_js, client_of, upload_path
from .pages import NodeLookup, chat_messages, has_older, last_seq, older_page
from .view import chat_pairs
from .words import suggestion_text

N_SUGGESTIONS = 3
MAX_PREVIOUS = 10  # sessions listed under "Previous sessions"
SHOWN_ID = 8  # characters of a session id that name it in that list
WELCOME = ("Upload a photo to start, then tell me what to change, e.g. 'blur the background' or 'make the hair "
           "blonde'. Each result appears here with the instruction that made it.")


class ChatPart:
    c: dict[str, Any]

    def chat_column(self) -> None:
        c = self.c
        # Shown only when there are older messages; the page script clicks it when the chat is
        # scrolled to the top.
        c["older"] = gr.Button("Load older messages", size="sm", visible=False, elem_id="imgedit_older")
        c["chat"] = gr.Chatbot(elem_id="imgedit_chat", height=540, label="Chat", show_label=False)
        c["queue"] = gr.HTML('<div class="imgedit-queue"></div>', elem_id="imgedit_queue")
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
            # this browser's earlier sessions (the page keeps their ids), to go back to after New session
            c["previous"] = gr.Dropdown([], label="Previous sessions", elem_id="imgedit_previous", visible=False, scale=2)

    def suggestion_buttons(self, suggestions: list[dict[str, Any]], armed: dict[str, Any] | None,
                           labels: list[str] | None = None, zh: bool = False) -> dict[Any, Any]:
        """The suggestion buttons, in the tab's language whichever language they were made in."""
        out = {}
        for i, button in enumerate(self.c["sugg"]):
            if i < len(suggestions):
                on = bool(armed) and armed["index"] == i
                text = suggestion_text(suggestions[i], labels or [], zh)
                out[button] = gr.update(value=("▶ " if on else "") + text, visible=True,
                                        variant="primary" if on else "secondary")
            else:
                out[button] = gr.update(value="", visible=False)
        return out

    def chat_view(self, sid: str, since: int | None, lookup: NodeLookup, notes: list, zh: bool,
                  pending: str | None = None, messages: list[Message] | None = None) -> dict[Any, Any]:
        """The chat from the latest page of messages (or from `since`, the oldest one the user
        loaded), the cursor, and the "Load older messages" button when there are older ones."""
        messages = chat_messages(self.service.store, sid, since) if messages is None else messages
        return {self.c["chat"]: chat_pairs(messages, lookup, self.files.thumb, notes, zh, pending=pending),
                self.c["since"]: messages[0].seq if since is not None and messages else None,
                self.c["older"]: gr.update(visible=has_older(messages))}

    # ------------------------------------------------------------------ handlers
    def on_send(self, text: str, sid: str | None, notes: list, lang: str, request: gr.Request,
                since: int | None = None) -> dict[Any, Any]:
        """The moment the user sends: their message in the chat, the box emptied, the text kept for the turn."""
        c = self.c
        out = {c["text"]: "", c["sent"]: text, c["chat"]: chat_pairs([], {}, str, notes, pending=text)}
        try:
            if sid:
                self.service.get_session(sid, client_of(request))
                out.update(self.chat_view(sid, since, NodeLookup(self.service.store, sid), notes, self.zh(lang), pending=text))
        except ImgEditError:
            pass
        return out

    def on_older(self, sid: str | None, since: int | None, notes: list, lang: str, request: gr.Request) -> dict[Any, Any]:
        """"Load older messages": the page before the oldest one shown, put in front of the chat."""
        hide = {self.c["older"]: gr.update(visible=False)}
        store = self.service.store
        if not sid:
            return hide
        try:
            self.service.get_session(sid, client_of(request))
        except ImgEditError:  # gone meanwhile: nothing older to show
            return hide
        shown = chat_messages(store, sid, since)
        older = older_page(store, sid, shown)
        if not older:
            return hide
        messages = older + shown
        return self.chat_view(sid, messages[0].seq, NodeLookup(store, sid), notes, self.zh(lang), messages=messages)

    def on_message(self, mask: str, text: str, sid: str | None, task: str, notes: list, request: gr.Request,
                   progress: gr.Progress = gr.Progress()) -> dict[Any, Any]:
        def act(client: str, report: Any) -> TurnOutcome:
            return self.service.message(sid, client, text, mask_png=self.mask_png(mask), progress=report)

        if not (text or "").strip():
            return {self.c["progress"]: "", self.c["result"]: {"sid": sid, "notes": notes, "turn": task}}
        return {self.c["progress"]: "", self.c["result"]: self.work(sid, request, notes, text, act, progress, task)}

    def on_suggestion(self, index: int) -> Any:
        """First click: fill the editor with the suggestion. Second click: run what the editor holds
        (the user may have changed it in between)."""
        def handler(mask: str, code: str, sid: str | None, armed: dict | None, task: str, notes: list,
                    request: gr.Request, progress: gr.Progress = gr.Progress()) -> dict[Any, Any]:
            client = client_of(request)
            result = {"sid": sid, "notes": notes, "turn": task}
            if sid:
                try:
                    session = self.service.get_session(sid, client)
                    pending = session.data.get("pending") or {}
                    chosen = offered(session, self.service.store.get_node(sid, session.current)) if session.current else []
                    answer = chosen[index] if index < len(chosen) and chosen[index].get("answer") else None
                    if answer and answer.get("message"):  # an answer to a question back: one click says it
                        result = self.on_message(mask, answer["message"], sid, task, notes, request, progress)[self.c["result"]]
                    elif answer:  # one click runs the plan it offers
                        self.service.accept_suggestion(sid, client, index)
                        result = self.run_editor(json.dumps(answer["instruction"]), sid, request, notes, mask, progress, task,
                                                 text=answer.get("text", ""))
                    elif armed != {"node": session.current, "index": index} or pending.get("index") != index:
                        self.service.accept_suggestion(sid, client, index)
                        result["armed"] = {"node": session.current, "index": index}
                    else:
                        result = self.run_editor(code, sid, request, notes, mask, progress, task, text=pending.get("text", ""))
                except ImgEditError as exc:
                    result = self.note(result, last_seq(self.service.store, sid), None, exc)
            return {self.c["progress"]: "", self.c["result"]: result}

        handler.__name__ = f"on_suggestion_{index}"
        return handler

    def on_upload(self, file: Any, sid: str | None, lang: str, notes: list, request: gr.Request) -> dict[Any, Any]:
        path = upload_path(file)
        result: dict[str, Any] = {"sid": sid, "notes": notes}
        if path:
            client = client_of(request)
            try:
                result["sid"] = sid = sid or self.service.create_session(client).id
                self.service.upload(sid, client, Path(path).read_bytes(), lang=self.language(lang))
            except ImgEditError as exc:
                result = self.note(result, last_seq(self.service.store, sid) if sid else 0, None, exc)
        return {self.c["progress"]: "", self.c["result"]: result}

    def previous_sessions(self, known: str, client: str, current: str | None) -> dict[Any, Any]:
        """The choices of "Previous sessions": this browser's sessions (ids the page kept, most recent
        first) that still exist and hold a picture, less the one shown."""
        choices = []
        for sid in [s for s in (known or "").split(",") if s and s != current][:MAX_PREVIOUS]:
            try:
                session = self.service.get_session(sid, client)
            except ImgEditError:  # expired, deleted or someone else's
                continue
            if session.current:
                when = time.strftime("%d %b %H:%M", time.localtime(session.updated))
                choices.append(f"{session.title or 'Session'} · {when} · {sid[:SHOWN_ID]}")
        return {self.c["previous"]: gr.update(choices=choices, value=None, visible=bool(choices))}

    def on_new(self, lang: str, known: str, request: gr.Request) -> dict[Any, Any]:
        return {**self.render(None, "", False, lang, []), **self.previous_sessions(known, client_of(request), None)}

    def on_previous(self, choice: str, known: str, overlay: bool, lang: str, request: gr.Request) -> dict[Any, Any]:
        """Back to a session picked from "Previous sessions"."""
        client = client_of(request)
        sid = next((s for s in (known or "").split(",") if s and (choice or "").endswith(" · " + s[:SHOWN_ID])), None)
        if sid is None:
            return self.unchanged("previous")
        try:
            view = self.render(sid, client, overlay, lang, [])
        except ImgEditError as exc:  # gone meanwhile
            view = self.render(None, client, overlay, lang, [{"after": 0, "user": None, "text": exc.message}])
        return {**view, **self.previous_sessions(known, client, sid)}

    def on_interrupt(self, sid: str | None, request: gr.Request) -> None:
        if sid:
            with contextlib.suppress(ImgEditError):  # a session gone meanwhile has nothing to stop
                self.service.interrupt(sid, client_of(request))
        self.host.interrupt()

    def wire_chat(self) -> None:
        c = self.c
        sent = c["send"].click(self.on_send, [c["text"], c["sid"], c["notes"], c["lang"], c["since"]],
                               [c["text"], c["sent"], c["chat"], c["since"], c["older"]], queue=False, show_progress="hidden")
        c["older"].click(self.safe(self.on_older, "errors"), [c["sid"], c["since"], c["notes"], c["lang"]],
                         [c["chat"], c["since"], c["older"], c["errors"]], queue=False, show_progress="hidden")
        self.turn_event(sent.then, self.on_message, [c["mask"], c["sent"], c["sid"], c["task"], c["notes"]],
                        args_js(5, maskData=0, beginTurn=3))
        self.turn_event(c["upload"].upload, self.on_upload, [c["upload"], c["sid"], c["lang"], c["notes"]])
        c["interrupt"].click(self.on_interrupt, [c["sid"]], None, queue=False)
        c["new"].click(self.safe(self.on_new, "view"), [c["lang"], c["known_in"]], [*self.view, c["previous"]],
                       show_progress="hidden", **args_js(2, knownSessions=1))
        c["previous"].input(self.safe(self.on_previous, "view"), [c["previous"], c["known_in"], c["overlay"], c["lang"]],
                            [*self.view, c["previous"]], show_progress="hidden", **args_js(4, knownSessions=1))
        for i, button in enumerate(c["sugg"]):
            self.turn_event(button.click, self.on_suggestion(i), [c["mask"], c["code"], c["sid"], c["armed"], c["task"], c["notes"]],
                            args_js(6, maskData=0, beginTurn=4))
