"""The tab: its layout, the rendering of every view from storage, and the shape of a turn.

Everything the tab shows is rebuilt from the session's stored nodes and messages (`view`), so a
reload restores it: the browser keeps the session id in localStorage and hands it back on load.
A turn is two events: the work, whose progress shows on one component over the picture (gradio's
bar, or the WebUI's `requestProgress` for the task id the page made), then the view rendered from
storage with no progress overlay. Labels read in the background after an upload arrive the same way:
while the state says `labels_pending`, the page clicks a hidden refresh every second (`on_refresh`).
The brush, the pending and queued messages, the history strip's scrolling and Enter-to-send live in
the script `javascript/imgedit*.js` (one file a concern, `script_files`); it talks to the tab through
hidden components (`#imgedit_hidden`) and `js` hooks on events.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from pathlib import Path
from typing import Any, Callable

import gradio as gr

from ..core.errors import BadRequest, ImgEditError, Interrupted
from ..engine.service import EditService
from ..engine.session_views import offered
from ..store import Node
from .chat import WELCOME, ChatPart
from .compat import add_script, args_js, blocks_kwargs, client_of
from .editor import EditorPart
from .history import HistoryPart
from .pages import NodeLookup, last_seq
from .settings import SettingsPart, widget_value
from .stage import StagePart
from .tabhost import TabHost
from .view import ImageFiles, chat_pairs, error_html, generative_prompt, send_to_text, state_html
from .words import is_zh

log = logging.getLogger("imgedit")
ROOT = Path(__file__).resolve().parents[2]
BRANCH_PROMPT_DEPTH = 50  # how far up the branch a send-to looks for the last generative prompt
_STANDALONE_CSS = """
.gradio-container { max-width: 1680px !important; }
footer { display: none !important; }
"""


def script_files() -> list[Path]:
    """The tab's script, `javascript/*.js`, in the order the WebUI loads them (sorted by file name:
    `imgedit.js`, which makes the namespace the others attach to, first)."""
    return sorted((ROOT / "javascript").glob("*.js"), key=lambda path: path.name)


def standalone_assets(lang: str) -> tuple[str, str]:
    """Styles and script the WebUI would load from the extension folder, for the standalone page."""
    strings = json.loads((ROOT / "localizations" / "zh_CN.json").read_text("utf-8"))
    config = json.dumps({"lang": lang or "auto", "strings": {"zh_CN": strings}}, ensure_ascii=False).replace("</", "<\\/")
    script = f"window.imgeditConfig = {config};\n" + "\n".join(path.read_text("utf-8") for path in script_files())
    return (ROOT / "style.css").read_text("utf-8") + _STANDALONE_CSS, script


def progress_bar(progress: Any) -> Callable[[int, int, str], None]:
    """The service's progress callback for gradio's bar, with the steps and the ETA of this turn,
    measured from its own first report (gradio's own estimate averages earlier events)."""
    first: list[tuple[float, int]] = []

    def bar(step: int, total: int, text: str) -> None:
        if progress is None:
            return
        now = time.monotonic()
        first[:] = first or [(now, step)]
        (t0, s0), desc = first[0], text
        if total and s0 < step < total:
            eta = (now - t0) / (step - s0) * (total - step)
            desc = f"{text} · {step}/{total} · ETA {eta:.0f} s"
        progress((step, total), desc=desc)

    return bar


class ChatEditTab(ChatPart, StagePart, EditorPart, HistoryPart, SettingsPart):
    """The components of one tab (`self.c`) and their handlers, one part per mixin."""

    def __init__(self, service: EditService, host: TabHost, standalone: bool, lang: str):
        self.service = service
        self.host = host
        self.standalone = standalone
        self.lang = lang
        self.files = ImageFiles(service.blobs.get)
        self.c: dict[str, Any] = {}

    # ------------------------------------------------------------------ rendering
    def language(self, browser: str) -> str:
        """The tab's language: the one the page reports for this browser (standalone: the user's choice
        kept in its localStorage, else the --lang flag or the configured default, else the browser's
        own; inside the WebUI: its localization), else the --lang flag or the configured default."""
        saved = self.service.settings.language
        return browser or self.lang or (saved if saved != "auto" else "")

    def zh(self, lang: str | None) -> bool:
        return is_zh(self.language(lang or ""))

    def _state(self, sid: str | None, node: Node | None, labels_pending: bool = False, **extra: Any) -> str:
        """`labels_pending`: the page asks for the view again until the labels read in the background are in."""
        state: dict[str, Any] = {"session": sid or "", **extra}
        if node is not None:
            state.update(node=node.id, seq=node.seq)
        if labels_pending:
            state["labels_pending"] = True
        return state_html(state)

    def _branch_prompt(self, node: Node, lookup: NodeLookup) -> str:
        """The prompt of the last generative step on the branch up to `node` ("" when there is none):
        what describes the picture for a send-to from a CPU step."""
        seen = 0
        while node is not None and seen < BRANCH_PROMPT_DEPTH:
            prompt = generative_prompt(self.service.blobs.get(node.image))
            if prompt is not None:
                return prompt
            node, seen = lookup.get(node.parent), seen + 1
        return ""

    def _pictures(self, sid: str, client: str, node: Node, overlay: bool, lookup: NodeLookup) -> dict[Any, Any]:
        """The picture for the stage, its overlay when the box is ticked, and for the host's send-to
        buttons the picture again with the text they paste."""
        plain = self.files.full(node.image)
        out = {self.c["current"]: plain}
        if self.host.send_to:
            png = self.service.blobs.get(node.image)
            prompt = "" if generative_prompt(png) is not None else self._branch_prompt(lookup.get(node.parent), lookup)
            out.update({self.c["image"]: plain, self.c["infotext"]: send_to_text(png, prompt)})
        if overlay:
            out[self.c["overlay_file"]] = self.overlay_file(sid, client, node)
        return out

    def render(self, sid: str | None, client: str, overlay: bool, lang: str, notes: list[dict[str, Any]],
               armed: dict[str, Any] | None = None, announce: dict[str, Any] | None = None, turn: str = "",
               since: int | None = None) -> dict[Any, Any]:
        """Every view of the session, from storage, in reads that do not grow with the session (see
        `pages`). `armed` is a suggestion filled into the editor; `announce` goes to the page script
        with the state (after a reload: the session it asked for is loaded, or was not found, and the
        language to show); `turn` is the task id of the turn that just ended (the page then sends the
        next queued message); `since` is the oldest message seq the user loaded (None: the latest page)."""
        c = self.c
        zh = self.zh(lang)
        extra = {**(announce or {}), **({"turn": turn} if turn else {})}
        out: dict[Any, Any] = {
            c["sid"]: sid or None, c["notes"]: notes, c["errors"]: "", c["armed"]: None, c["state"]: self._state(sid, None, **extra),
            c["current"]: None, c["image"]: None, c["before"]: None, c["infotext"]: "", c["legend"]: "",
            c["chat"]: chat_pairs([], {}, self.files.thumb, notes, zh) or [[None, self.welcome()]], c["since"]: None,
            c["older"]: gr.update(visible=False), c["gallery"]: [], c["node_ids"]: [],
            **self.form_update(None, []), **self.suggestion_buttons([], None),
        }
        if not sid:
            return out
        session = self.service.get_session(sid, client)
        labels_pending = self.service.labels_pending(session)  # before the reads: once False, the labels are stored
        lookup = NodeLookup(self.service.store, sid)
        out.update(self.history_view(sid, session.current, lookup, zh))
        out.update(self.chat_view(sid, since, lookup, notes, zh))
        node = lookup.get(session.current)
        if node is None:
            return out
        pending = session.data.get("pending") or {}
        if armed != {"node": node.id, "index": pending.get("index")} or pending.get("node") != node.id:
            armed = None
        labels = self.service.node_labels(node)
        parent = lookup.get(node.parent)
        return {
            **out,
            **self._pictures(sid, client, node, overlay, lookup),
            **self.stage_view(labels),
            **self.form_update(pending["instruction"] if armed else node.instruction, labels.names),
            c["before"]: self.files.full(parent.image) if parent else None,
            c["armed"]: armed, c["state"]: self._state(sid, node, labels_pending, **extra),
            **self.suggestion_buttons(offered(session, node), armed, labels.names, zh),
        }

    def welcome(self) -> str:
        notice = self.host.notice()
        return f"{WELCOME}\n\n{notice}" if notice else WELCOME

    def unchanged(self, key: str) -> dict[Any, Any]:
        """An answer that changes nothing (gradio needs at least one output in an update dict)."""
        return {self.c[key]: gr.update()}

    # ------------------------------------------------------------------ turns
    def work(self, sid: str | None, request: gr.Request, notes: list[dict[str, Any]], user: str | None,
             action: Callable[[str, Any], Any], progress: Any = None, task: str = "") -> dict[str, Any]:
        """Run one turn's `action(client, progress_callback)`; the result the view is rendered from.
        A failed turn the service kept (a 5xx) shows from storage; a bad request only as a note."""
        client = client_of(request)
        result: dict[str, Any] = {"sid": sid, "notes": list(notes or []), "turn": task}
        if not sid:
            return self.note(result, 0, user, BadRequest("upload a photo first: there is nothing to edit yet"))
        before = last_seq(self.service.store, sid)

        bar = progress_bar(progress)
        try:
            with self.host.generating(bar, task) as report:
                action(client, report)
        except Interrupted as exc:  # the user's own Interrupt: not a failure; the turn ends when the host is free
            log.info("turn interrupted: %s", exc.message)
            self.host.settle()
            if last_seq(self.service.store, sid) > before:
                return result
            return self.note(result, before, user, exc)
        except ImgEditError as exc:
            log.warning("turn failed (%s): %s", type(exc).__name__, exc.message)
            if last_seq(self.service.store, sid) > before:  # the service kept the failed turn (a 5xx)
                return result
            return self.note(result, before, user, exc)  # a bad request changes nothing: shown, not stored
        return result

    @staticmethod
    def note(result: dict[str, Any], after: int, user: str | None, exc: ImgEditError) -> dict[str, Any]:
        """An error that joins the chat where it happened (after the message seq `after`) without
        being stored (no session yet, or the session is gone)."""
        return {**result, "notes": [*result["notes"], {"after": after, "user": user, "text": exc.message}]}

    def on_turn_end(self, sid: str | None, overlay: bool, lang: str, result: dict[str, Any] | None,
                    request: gr.Request, since: int | None = None) -> dict[Any, Any]:
        """After a turn's work: the view from storage, with the older messages the user loaded kept
        (`since`) when the session is the same. An instruction that was not run only shows its
        errors beside the editor, which keeps the user's text."""
        result = result or {}
        since = since if result.get("sid", sid) == sid else None
        sid = result.get("sid", sid)
        client = client_of(request)
        turn = result.get("turn") or ""
        if result.get("errors"):
            node = None
            if sid:
                session = self.service.get_session(sid, client)
                node = self.service.store.get_node(sid, session.current) if session.current else None
            return {self.c["errors"]: result["errors"], self.c["state"]: self._state(sid, node, turn=turn)}
        try:
            return self.render(sid, client, overlay, lang, result.get("notes", []), armed=result.get("armed"), turn=turn,
                               since=since)
        except ImgEditError as exc:  # expired or deleted meanwhile
            return self.render(None, client, overlay, lang, [{"after": 0, "user": None, "text": exc.message}], turn=turn)

    def safe(self, fn: Callable[..., dict[Any, Any]], key: str) -> Callable[..., dict[Any, Any]]:
        """`fn` as an event handler that never fails in the browser: an unexpected error goes to
        the server log with its traceback and to the tab as a message (on `key`: the turn's
        result, the editor's error line, or with "view" also the end of every turn the page waits
        for), so no component is left with gradio's error badge and no message stays queued."""

        @functools.wraps(fn)
        def handler(*args: Any, **kw: Any) -> dict[Any, Any]:
            try:
                return fn(*args, **kw)
            except Exception as exc:  # noqa: BLE001 - every failure must reach the log and the user
                log.exception("the tab's %s failed", getattr(fn, "__name__", "handler"))
                text = f"something went wrong ({type(exc).__name__}: {exc}); the details are in the server log"
                ended = f"*{time.time_ns()}"  # "*": the page ends every turn it waits for
                if key == "result":
                    return {self.c["progress"]: "", self.c["result"]: {"notes": [{"after": 1e9, "user": None, "text": text}], "turn": ended}}
                out = {self.c["errors"]: f'<div class="imgedit-errors" role="alert">{error_html(text)}</div>'}
                return {**out, self.c["state"]: state_html({"turn": ended})} if key == "view" else out

        return handler

    def turn_event(self, listener: Callable[..., Any], fn: Callable[..., dict[Any, Any]], inputs: list[Any],
                   hook: dict[str, str] | None = None, **kw: Any) -> Any:
        """Wire a turn: `fn` does the work (progress on one component, over the picture), then the
        view is rendered from storage, with no progress overlay on the components it updates."""
        c = self.c
        show = "hidden" if self.host.page_progress else "full"
        work = listener(self.safe(fn, "result"), inputs, [c["progress"], c["result"]], show_progress=show, **(hook or {}), **kw)
        return work.then(self.safe(self.on_turn_end, "view"), [c["sid"], c["overlay"], c["lang"], c["result"], c["since"]], self.view,
                         show_progress="hidden")

    def on_restore(self, sid: str, lang: str, overlay: bool, request: gr.Request, known: str = "") -> dict[Any, Any]:
        """On page load: this browser's last session, and the settings as saved now (the page was
        built with the values of the server's start)."""
        client = client_of(request)
        announce = {"restored": True}
        try:
            view = self.render(sid or None, client, overlay, lang, [], announce=announce)
        except ImgEditError:  # expired, deleted or someone else's: start afresh
            view = self.render(None, client, overlay, lang, [], announce=announce)
        settings = {w: widget_value(name, getattr(self.service.settings, name)) for name, w in self.c["settings"].items()}
        if "language" in self.c["settings"]:  # this browser's, not the server's
            settings[self.c["settings"]["language"]] = lang or "auto"
        return {**view, **settings, self.c["lang"]: lang, self.c["executor_status"]: self.executor_status(self.zh(lang)),
                **self.previous_sessions(known, client, view[self.c["sid"]])}

    def on_refresh(self, sid: str | None, overlay: bool, lang: str, notes: list[dict[str, Any]], armed: dict[str, Any] | None,
                   since: int | None, request: gr.Request) -> dict[Any, Any]:
        """Asked by the page every second or so while the state says `labels_pending` (and no turn runs):
        nothing changes until the labels read in the background are in, then the whole view does (the
        chips, the overlay, the message that names them), as after a turn."""
        client = client_of(request)
        try:
            session = self.service.get_session(sid, client) if sid else None
        except ImgEditError:  # gone meanwhile: the next turn says so
            return self.unchanged("state")
        if session is None or self.service.labels_pending(session):
            return self.unchanged("state")
        return self.render(sid, client, overlay, lang, notes or [], armed=armed, since=since)

    # ------------------------------------------------------------------ layout
    def build(self) -> gr.Blocks:
        c = self.c
        extra: dict[str, Any] = {}
        script = ""
        if self.standalone:
            css, script = standalone_assets(self.lang or self.service.settings.language)
            extra = blocks_kwargs(css, script)
        with gr.Blocks(analytics_enabled=False, title="Chat Edit", **extra) as blocks:
            for key, default in (("sid", None), ("notes", []), ("armed", None), ("node_ids", []), ("lang", ""),
                                 ("result", None), ("sent", ""), ("since", None)):
                c[key] = gr.State(default)
            with gr.Row(elem_id="imgedit_main", equal_height=False):
                with gr.Column(scale=5, min_width=380, elem_id="imgedit_left"):
                    self.chat_column()
                    self.editor_box()
                with gr.Column(scale=6, min_width=420, elem_id="imgedit_right"):
                    self.stage_column()
                    self.history_column()
            with gr.Accordion("Settings", open=False, elem_id="imgedit_settings"):
                self.settings_panel()
            with gr.Group(elem_id="imgedit_hidden", elem_classes=["imgedit-hidden"]):
                # Files, not images: gradio 3 sends an Image's value as base64, a File's as a URL.
                c["current"] = gr.File(elem_id="imgedit_current_file", label="current")
                c["before"] = gr.File(elem_id="imgedit_before_file", label="before")
                c["overlay_file"] = gr.File(elem_id="imgedit_overlay_file", label="overlay")
                # The WebUI's send-to buttons read an Image; only filled when the host has them. PIL, which
                # the WebUI's paste code (and Forge's canvas) takes: a filepath Image's preprocess calls gradio's
                # save_pil_to_cache(name=...), which Forge replaces with a function that has no `name`.
                c["image"] = gr.Image(type="pil", interactive=False, elem_id="imgedit_image", label="Current image")
                c["state"] = gr.HTML(state_html({"session": ""}), elem_id="imgedit_state")
                c["pick"] = gr.HTML("", elem_id="imgedit_pickmask")
                for key in ("infotext", "mask", "restore_in", "lang_in", "pick_in", "task", "step_in", "known_in"):
                    c[key] = gr.Textbox(elem_id=f"imgedit_{key}", label=key)
                c["restore"] = gr.Button("restore", elem_id="imgedit_restore")
                c["refresh"] = gr.Button("refresh", elem_id="imgedit_refresh")
                c["pick_btn"] = gr.Button("pick", elem_id="imgedit_pick")
            self.view = [c[k] for k in ("sid", "notes", "chat", "since", "older", "current", "image", "before", "overlay_file",
                                        "legend", "gallery", "node_ids", "code", "errors", "armed", "state", "infotext")]
            self.view += self.form_outputs() + c["sugg"]
            self.wire()
            self.host.register_send_to(c["send_to"], c["image"], c["infotext"])
            if script:
                add_script(blocks, script)
        return blocks

    def wire(self) -> None:
        c = self.c
        c["restore"].click(self.safe(self.on_restore, "view"), [c["restore_in"], c["lang_in"], c["overlay"], c["known_in"]],
                           [*self.view, c["lang"], *c["settings"].values(), c["executor_status"], c["previous"]],
                           show_progress="hidden", **args_js(4, restoreSession=0, language=1, knownSessions=3))
        # not queued: answered at once, also while the host's queue runs a long job
        c["refresh"].click(self.safe(self.on_refresh, "errors"), [c["sid"], c["overlay"], c["lang"], c["notes"], c["armed"], c["since"]],
                           self.view, show_progress="hidden", queue=False)
        self.wire_chat()
        self.wire_stage()
        self.wire_editor()
        self.wire_history()
        self.wire_settings()
