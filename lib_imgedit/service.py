"""EditService: one turn of the conversation, whichever front door it came through.

upload -> segment -> store; message -> plan -> validate -> mask -> execute -> store; undo, redo,
jump and suggestions are moves on the session's tree. Each turn reads the session, does its work
without holding the database, then commits everything in one transaction, so a crash leaves a
turn either complete or absent. Turns of one session are serialised by a per-session lock.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from . import images, model_offers, redact
from .blobs import BlobStore
from .config import Settings, load_rules, save_settings
from .conversation import HISTORY_TURNS, conversation_context, picture_context
from .errors import (
    BadRequest,
    Conflict,
    ImgEditError,
    Interrupted,
    InvalidInstruction,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    SessionNotFound,
)
from .execution import USER_MASK, PlanExecution, on_drawn_mask, with_user_mask, without_user_mask
from .executors import ALWAYS, EXECUTORS
from .executors.base import ProgressFn
from .infotext import make_infotext
from .instruction import EditPlan, build_plan_schema, build_schema, plan_steps, validate_plan
from .lang import is_zh
from .limits import Limits
from .masks import overlay
from .phrase_targets import PhraseTargets, phrase_targets
from .planner import PlanContext, Planner, PlanResult, plan_validated
from .planner.llm import LLMPlanner
from .planner.offline import OfflinePlanner
from .planner.registry import PlannerRegistry
from .planner.suggest import offline_suggestions
from .planner.suggest_llm import llm_suggestions
from .planner.templates import template_names
from .replies import describe_labels, plan_reply
from .segment import SEGMENTERS, LabelMap, build_segmenter, grounding
from .segment.base import LABEL_RE
from .segment.combine import SegmenterChain
from .store import Message, Node, NodeBrief, Session, SessionStore, open_store

log = logging.getLogger("imgedit")

API_VERSION = 1
BRANCH_WINDOW = 24  # edits on the current branch a turn looks back on (suggestions, the planner's context)
VIEW_MESSAGES, VIEW_NODES = (50, 200), (100, 1000)  # session view pages: (default, most)
_SESSION_ID = re.compile(r"[0-9a-f]{32}")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class TurnOutcome:
    """What a turn produced; front doors render it (the API as JSON with base64 images)."""

    session_id: str
    node_id: str | None
    reply: str
    image_png: bytes | None = None
    instruction: dict[str, Any] | None = None
    labels: list[dict[str, Any]] = field(default_factory=list)
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    executor: str = ""
    planner: str = ""
    notes: list[str] = field(default_factory=list)
    faces: int = 0

    def to_dict(self, with_image: bool = True) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "image_png"}
        if with_image:
            out["image"] = images.png_b64(self.image_png) if self.image_png else None
        return out


class EditService(PlanExecution):
    def __init__(self, settings: Settings, store: SessionStore | None = None, blobs: BlobStore | None = None):
        self.settings = settings
        data = Path(settings.data_dir)
        self.rules = load_rules(data)
        self.store = store or open_store(settings)
        self.limits = Limits(lambda: self.settings, self.store)
        self.blobs = blobs or BlobStore(data / "blobs")
        self.offline = OfflinePlanner(self.rules)
        redact.register(redact.secret_values(settings))
        self.planners = PlannerRegistry(lambda: self.settings, self.rules, self.offline)
        self._chain: tuple[tuple[Any, ...], SegmenterChain] | None = None
        self._chain_lock = threading.Lock()
        self._cancel: dict[str, threading.Event] = {}
        self.persist_settings: Callable[[Settings, list[str]], None] = save_settings  # the WebUI's adapter writes its Settings

    # ---------------------------------------------------------------- plumbing
    @contextmanager
    def _lock(self, session_id: str) -> Iterator[None]:
        """The session's turn lock (the store owns it, so with Redis it holds across replicas), then
        one of this machine's turn slots."""
        with self.store.lock(session_id), self.limits.running():
            yield

    def _admit(self, session_id: str) -> None:
        """Count a turn against the session's turns-per-minute limit (the front doors count the
        client's: `limits.client_turn`)."""
        self.limits.session_turn(_checked_id(session_id))

    def _owned(self, session_id: str, client: str) -> Session:
        session = self.store.get_session(_checked_id(session_id))
        if session.client != client:  # someone else's session looks exactly like a missing one
            raise SessionNotFound(f"no session {session_id!r}: it never existed, expired or belongs to someone else")
        return session

    def _current(self, session: Session) -> Node | None:
        return self.store.get_node(session.id, session.current) if session.current else None

    def _require_image(self, session: Session) -> Node:
        node = self._current(session)
        if node is None:
            raise Conflict("this session has no picture yet: upload one first")
        return node

    def node_image(self, node: Node) -> np.ndarray:
        return self._stored_image(node.image)

    def _stored_image(self, key: str) -> np.ndarray:
        """A picture this server stored itself (already checked on upload), so no size limits."""
        return images.to_array(images.load_image(self.blobs.get(key), 10**12, 10**9))

    def node_labels(self, node: Node) -> LabelMap:
        return LabelMap.from_bytes(self.blobs.get(node.labelmap)) if node.labelmap else LabelMap(1, 1)

    def _check_text(self, text: Any) -> str:
        if not isinstance(text, str):
            raise BadRequest("the message must be text")
        if len(text) > self.settings.max_message_chars:
            raise PayloadTooLarge(f"the message has {len(text)} characters; the limit is {self.settings.max_message_chars}")
        text = _CONTROL_CHARS.sub("", text).strip()
        if not text:
            raise BadRequest("the message is empty: say what to change, e.g. 'blur the background'")
        return text

    def decode_upload(self, raw: bytes) -> np.ndarray:
        s = self.settings
        img = images.load_image(raw, s.max_image_pixels, s.max_image_side, int(s.max_upload_mb * 1e6))
        return images.to_array(img)

    # ---------------------------------------------------------------- segmenters / planners / executors
    def segmenter(self) -> SegmenterChain:
        """The configured segmenters combined (`segment/combine.py`); made again when their settings change,
        so a model that failed is tried again only after a settings change or a restart."""
        s = self.settings
        key = (s.segmenters, s.models_dir, s.models_offline, s.data_dir, s.webui_api_url)
        with self._chain_lock:
            if self._chain is None or self._chain[0] != key:
                self._chain = (key, build_segmenter(s))
            return self._chain[1]

    def segment(self, image: np.ndarray, notes: list[str] | None = None, progress: ProgressFn | None = None,
                held: list[dict[str, Any]] | None = None) -> LabelMap:
        """The picture's label map. A large download the user has not agreed to is passed over and goes to
        `held` (`model_offers.py`); what was downloaded or skipped (a model that cannot be had) goes to
        `notes`, and a download's progress to `progress`."""
        chain = self.segmenter()
        pending = chain.pending_downloads()
        wait = model_offers.held_back(pending, self.settings)
        if held is not None:
            held += wait
        chain.progress = progress  # the chain is shared: a download reports to the turn that started it last
        try:
            return chain.segment(image, hold={p["name"] for p in wait})
        finally:
            chain.progress = None
            if notes is not None:
                notes += chain.take_notes() + model_offers.downloaded([p for p in pending if p not in wait], self.settings)

    def grounding_available(self) -> bool:
        """Whether a named thing that is not among the labels can be looked for (then the planner may
        target it, and `PhraseTargets` finds it or says it is not there)."""
        return grounding.grounding_available(self.settings)[0]

    def planner_for(self, session: Session | None) -> Planner:
        """The session's planner; the offline planner unless an LLM profile is configured."""
        return self.planners.get(session.profile if session else "")

    def executor_status(self) -> list[dict[str, Any]]:
        status = []
        order = self.settings.executor_order
        for name, cls in EXECUTORS.items():
            ok, why = cls(self.settings, self.rules).available()
            listed = name in order or name in ALWAYS
            status.append({
                "name": name, "available": ok and listed, "reason": why if ok is False else ("" if listed else "not in the executor order"),
                "operations": list(cls.operations), "generative": cls.generative, "needs_network": cls.needs_network,
                "description": cls.description,
            })
        return status

    # ---------------------------------------------------------------- sessions
    def create_session(self, client: str) -> Session:
        if self.store.count_sessions(client) >= self.settings.sessions_per_client:
            raise RateLimited(f"this client already has {self.settings.sessions_per_client} sessions, the limit: "
                              "delete old ones first")
        return self.store.create_session(client)

    def get_session(self, session_id: str, client: str) -> Session:
        return self._owned(session_id, client)

    def session_view(self, session_id: str, client: str, limit: int | None = None, before: int | None = None,
                     node_limit: int | None = None, node_before: int | None = None) -> dict[str, Any]:
        """The session with a page of its messages and a page of its tree, each the latest `limit`
        below seq `before`, oldest first. `messages_before` / `nodes_before` is the `before` of the
        previous page, None on the first one; the current node's suggestions come once, not per node."""
        limit, node_limit = _page(limit, VIEW_MESSAGES, "limit"), _page(node_limit, VIEW_NODES, "node_limit")
        before, node_before = _cursor(before, "before"), _cursor(node_before, "node_before")
        session = self._owned(session_id, client)
        current = self._current(session)
        messages = self.store.recent_messages(session.id, limit, before)
        nodes = self.store.tree(session.id, node_limit, node_before)
        return {
            "session_id": session.id,
            "created": session.created,
            "updated": session.updated,
            "current": session.current,
            "profile": session.profile,
            "title": session.title,
            "pending": session.data.get("pending"),
            "suggestions": current.suggestions if current else [],
            "nodes": [n.to_dict() for n in nodes],
            "nodes_before": nodes[0].seq if nodes and nodes[0].seq > 1 else None,
            "messages": [
                {"id": m.id, "seq": m.seq, "role": m.role, "text": m.text, "node": m.node, "data": m.data, "created": m.created}
                for m in messages
            ],
            "messages_before": messages[0].seq if messages and messages[0].seq > 1 else None,
        }

    def update_session(self, session_id: str, client: str, profile: str | None = None,
                       title: str | None = None) -> dict[str, Any]:
        """Switch the session's LLM profile (takes effect on the next message) or rename it."""
        with self._lock(session_id):
            self._owned(session_id, client)
            fields: dict[str, Any] = {}
            if profile is not None:
                fields["profile"] = self._check_profile(profile)
            if title is not None:
                fields["title"] = _CONTROL_CHARS.sub("", title)[:200]
            session = self.store.update_session(session_id, **fields) if fields else self.store.get_session(session_id)
            return {"session_id": session.id, "profile": session.profile, "title": session.title}

    def profile_names(self) -> list[str]:
        """Configured LLM profiles (none without an LLM configuration)."""
        return self.planners.names()

    def _check_profile(self, profile: str) -> str:
        if profile not in ("", "offline", *self.profile_names()):
            raise BadRequest(f"unknown profile {profile[:40]!r}; known: offline, {', '.join(self.profile_names()) or '(none)'}")
        return profile

    def delete_session(self, session_id: str, client: str) -> None:
        self._owned(session_id, client)
        self.store.delete_session(session_id)

    def node_png(self, session_id: str, client: str, node_id: str, with_overlay: bool = False) -> bytes:
        self._owned(session_id, client)
        node = self.store.get_node(session_id, node_id)
        if not with_overlay:
            return self.blobs.get(node.image)
        return images.encode_png(overlay(self.node_image(node), self.node_labels(node)))

    # ---------------------------------------------------------------- turns
    def upload(self, session_id: str, client: str, raw: bytes, label_map: LabelMap | None = None,
               lang: str = "", progress: ProgressFn | None = None) -> TurnOutcome:
        """Store a new picture as a root node (a session may hold several), segment it, describe it; a
        model downloaded first reports to `progress`, a large one waits to be asked for (the reply offers it)."""
        self._admit(session_id)
        with self._lock(session_id):
            session = self._owned(session_id, client)
            image = self.decode_upload(raw)
            h, w = image.shape[:2]
            if label_map is not None and (label_map.width, label_map.height) != (w, h):
                raise BadRequest(f"the label map is {label_map.width}x{label_map.height} but the image is {w}x{h}")
            notes: list[str] = []
            held: list[dict[str, Any]] = []
            labels = label_map if label_map is not None else self.segment(image, notes, progress, held)
            png = images.encode_png(image)
            node = self.store.new_node(session.id, parent=None, image=self.blobs.put(png, "png"),
                                       labelmap=self.blobs.put(labels.to_bytes(), "npz"), kind="upload")
            zh = lang.startswith("zh") or (lang == "" and self.settings.language == "zh_CN")
            node.suggestions = self._suggest(labels, [], zh, session, png)
            reply = _with_notes(describe_labels(labels, zh), notes)
            if held:
                reply += " " + model_offers.offer(held, labels.names, zh)
            offered = {"downloads": [{k: p[k] for k in ("name", "title", "size_mb", "licence")} for p in held]} if held else {}
            msgs = [
                self.store.new_message(session.id, "user", "[image]", node=node.id, data={"upload": True}),
                self.store.new_message(session.id, "assistant", reply, node=node.id, data={"labels": labels.summary(), **offered}),
            ]
            self.store.commit_turn(session.id, [node], msgs, node.id, expect_current=session.current)
            return TurnOutcome(session.id, node.id, reply, png, labels=labels.summary(), suggestions=node.suggestions,
                               notes=notes, faces=len(labels.faces))

    def message(self, session_id: str, client: str, text: str, mask_png: bytes | None = None,
                progress: Callable[[int, int, str], None] | None = None) -> TurnOutcome:
        """Plan the request with the session's planner, then run the plan as one turn."""
        text = self._check_text(text)
        self._admit(session_id)
        with self._lock(session_id):
            session = self._owned(session_id, client)
            if model_offers.agrees(text):
                return self._download_models(session, text, progress)
            node, labels = self._edit_base(session, mask_png)
            ctx = self._context(session, node, labels, text, user_mask=mask_png is not None)
            named = PhraseTargets(lambda: self.node_image(node), labels, self.settings, is_zh(text), progress)
            try:
                plan, result = plan_validated(self.planner_for(session), self.offline, ctx, self.rules, named)
            except ImgEditError as exc:  # the model failed: kept in the chat like a failed edit
                self._keep_failed(session, node, self.store.new_message(session.id, "user", text, node=node.id), exc)
                raise
            result.notes += named.notes
            return self._run_turn(session, node, named.labels, text, plan, result, mask_png, progress)

    def planning_context(self, session_id: str, client: str, text: str, mask_png: bytes | None = None) -> PlanContext:
        """What the planner would see for `text` as the session's next message (nothing is stored)."""
        session = self._owned(session_id, client)
        node, labels = self._edit_base(session, mask_png)
        return self._context(session, node, labels, self._check_text(text), user_mask=mask_png is not None)

    def run_instruction(self, session_id: str, client: str, instruction: dict[str, Any], text: str = "",
                        mask_png: bytes | None = None, progress: Callable[[int, int, str], None] | None = None) -> TurnOutcome:
        """Run a plan given as JSON (a bare instruction or {"steps": [...]}, edited by the user or an
        accepted suggestion) without planning."""
        if not isinstance(instruction, dict):
            raise InvalidInstruction("the instruction must be a JSON object")
        self._admit(session_id)
        with self._lock(session_id):
            session = self._owned(session_id, client)
            node, labels = self._edit_base(session, mask_png)
            plan = validate_plan(instruction, self.rules, labels.names)
            pending = session.data.get("pending") or {}
            accepted = pending.get("node") == node.id and pending.get("instruction") == plan.to_dict()
            result = PlanResult(plan.to_dict(), "suggestion" if accepted else "manual")  # accepted ones feed the export
            shown = self._check_text(text) if text else "[instruction] " + _short(plan)
            return self._run_turn(session, node, labels, shown, plan, result, mask_png, progress)

    def _edit_base(self, session: Session, mask_png: bytes | None) -> tuple[Node, LabelMap]:
        """The node an edit starts from and its labels, with the user's drawn mask as `user_mask`."""
        node = self._require_image(session)
        labels = self.node_labels(node)
        if mask_png is not None:
            labels = with_user_mask(labels, images.load_mask(mask_png, (labels.width, labels.height)))
        return node, labels

    def accept_suggestion(self, session_id: str, client: str, index: int) -> dict[str, Any]:
        """Make suggestion `index` of the current node the pending instruction (the user may edit it
        before running it with `run_instruction`)."""
        with self._lock(session_id):
            session = self._owned(session_id, client)
            node = self._require_image(session)
            if not 0 <= index < len(node.suggestions):
                raise NotFound(f"no suggestion {index}: this picture has {len(node.suggestions)}")
            chosen = node.suggestions[index]
            data = dict(session.data)
            data["pending"] = {"node": node.id, "index": index, **chosen}
            self.store.update_session(session.id, data=data)
            return data["pending"]

    def undo(self, session_id: str, client: str, count: int = 1) -> TurnOutcome:
        return self._history(session_id, client, "undo", count, text="undo" if count == 1 else f"undo {count}")

    def redo(self, session_id: str, client: str, count: int = 1) -> TurnOutcome:
        return self._history(session_id, client, "redo", count, text="redo" if count == 1 else f"redo {count}")

    def jump(self, session_id: str, client: str, node_id: str) -> TurnOutcome:
        """Make any node current; the next edit branches from it."""
        self._admit(session_id)
        with self._lock(session_id):
            session = self._owned(session_id, client)
            target = self.store.get_node(session.id, node_id)
            reply = f"Back at step {target.seq}. The next edit starts a new branch from here."
            msg = self.store.new_message(session.id, "assistant", reply, node=target.id, data={"jump": target.id})
            self.store.commit_turn(session.id, [], [msg], target.id, expect_current=session.current)
            return self._outcome_for(session.id, target, reply)

    def plan(self, text: str, labels: list[str], profile: str = "") -> PlanResult:
        """A dry run: the plan for `text` on a picture with `labels` (in `result.instruction`: a bare
        instruction for one step, {"steps": [...]} for several), nothing stored."""
        text = self._check_text(text)
        clean = []
        for name in labels:
            if not isinstance(name, str) or not LABEL_RE.fullmatch(name):
                raise BadRequest(f"label {str(name)[:40]!r} must be 1-40 lower-case letters, digits or _")
            clean.append(name)
        ctx = PlanContext(text=text, labels=clean, user_mask=USER_MASK in clean, grounding=self.grounding_available())
        session = Session("", "", 0, 0, profile=self._check_profile(profile))

        def named(plan: Any) -> tuple[Any, list[str]]:  # no picture to look in: a phrase target stands as named
            return plan, clean + phrase_targets(plan, clean)

        return plan_validated(self.planner_for(session), self.offline, ctx, self.rules, named if ctx.grounding else None)[1]

    def config(self) -> dict[str, Any]:
        return {
            "api_version": API_VERSION,
            "operations": {k: {kk: vv for kk, vv in v.items()} for k, v in self.rules["operations"].items() if v.get("enabled", True)},
            "adjust": self.rules["adjust"],
            "executors": self.executor_status(),
            "segmenters": list(SEGMENTERS),
            "profiles": self.planners.public(),
            "profile_errors": self.planners.errors,
            "templates": template_names(self.settings.data_dir),
            "settings": self.settings.public(),
        }

    def schema(self, plan: bool = False) -> dict[str, Any]:
        """The JSON schema of one instruction, or with `plan` of a plan (one instruction or {"steps": [...]})."""
        return build_plan_schema(self.rules) if plan else build_schema(self.rules)

    # ---------------------------------------------------------------- turn internals
    def _context(self, session: Session, node: Node, labels: LabelMap, text: str, user_mask: bool = False) -> PlanContext:
        """What the planner knows of this conversation: the latest messages (failed turns marked), the
        plans still applied on the current branch, a question it asked back, a drawn mask (bounded reads)."""
        return conversation_context(labels, text, self.store.recent_messages(session.id, HISTORY_TURNS),
                                    self._ancestors(session.id, node), user_mask=user_mask, grounding=self.grounding_available(),
                                    image_png=self.blobs.get(node.image))

    def _run_turn(self, session: Session, node: Node, labels: LabelMap, text: str, plan: EditPlan,
                  result: PlanResult, mask_png: bytes | None, progress: Callable[[int, int, str], None] | None) -> TurnOutcome:
        zh = is_zh(text)
        result.notes = [redact.redact(n) for n in result.notes]  # notes may quote a backend's error text
        first = plan.steps[0]
        user_msg = self.store.new_message(session.id, "user", text, node=node.id,
                                          data={"instruction": plan.to_dict(), "planner": result.planner,
                                                **({"mask": True} if mask_png is not None else {})})
        if first.is_history:
            return self._move(session, first.operation, first.count, user_msg, zh)
        if first.operation == "clarify":  # a question back is never an edit, drawn mask or not
            reply = first.question or first.reply
            msg = self.store.new_message(session.id, "assistant", reply, node=node.id, data={"clarify": True})
            self.store.commit_turn(session.id, [], [user_msg, msg], None, expect_current=session.current)
            return TurnOutcome(session.id, node.id, reply, instruction=plan.to_dict(), planner=result.planner,
                               notes=result.notes, suggestions=node.suggestions)
        if mask_png is not None:
            plan = EditPlan(on_drawn_mask(plan.steps), plan.reply)
        started = time.perf_counter()
        try:
            face = self._source_face(session) if any(s.operation == "face_swap" for s in plan.steps) else None
            done = self.run_steps(session.id, self.node_image(node), labels, plan.steps, face, progress)
        except ImgEditError as exc:  # the picture stays; a turn that failed for want of a backend stays in the chat
            self._keep_failed(session, node, user_msg, exc)
            raise
        seconds = time.perf_counter() - started
        results = done.results
        new_labels = without_user_mask(done.labels)
        executor = "+".join(dict.fromkeys(r.executor for r in results))
        generated = next((r.info for r in reversed(results) if r.info.get("parameters")), results[-1].info)
        infotext = redact.redact(make_infotext(plan, executor, generated, (done.image.shape[1], done.image.shape[0])))
        png = images.encode_png(done.image, infotext)
        keys = {"image": self.blobs.put(png, "png"), "labelmap": self.blobs.put(new_labels.to_bytes(), "npz")}
        if mask_png is not None:
            keys["mask"] = self.blobs.put(images.encode_png(labels.masks[USER_MASK].astype(np.uint8) * 255), "png")
        info = dict(results[0].info) if len(results) == 1 else {"steps": [r.info for r in results]}
        new = self.store.new_node(session.id, parent=node.id, instruction=plan.to_dict(), executor=executor,
                                  info=redact.redact_data({**info, "seconds": round(seconds, 3), "planner": result.planner}),
                                  **keys)
        did = [step for n in self._ancestors(session.id, node) for step in plan_steps(n.instruction)]
        did += [s.to_dict() for s in plan.steps]
        new.suggestions = self._suggest(new_labels, did, zh, session, png, plan.to_dict())
        notes = result.notes + [n for r in results for n in r.info.get("notes") or []]  # the executors': e.g. ControlNet missing
        reply = _with_notes(plan_reply(plan, results, zh), notes)
        msg = self.store.new_message(session.id, "assistant", reply, node=new.id,
                                     data={"instruction": plan.to_dict(), "executor": executor})
        self.store.commit_turn(session.id, [new], [user_msg, msg], new.id, expect_current=session.current)
        return TurnOutcome(session.id, new.id, reply, png, plan.to_dict(), new_labels.summary(), new.suggestions,
                           executor, result.planner, notes, len(new_labels.faces))

    def _keep_failed(self, session: Session, node: Node, user_msg: Message, exc: ImgEditError) -> None:
        """Store the user's message and the error as the assistant's answer (no node, `current` unchanged),
        so the chat shows it after a reload and the planner hears of it. Bad requests (4xx) are not kept;
        an interrupted turn is."""
        if exc.status < 500 and not isinstance(exc, Interrupted):
            return
        error = {"error": type(exc).__name__, "message": redact.redact(exc.message), "status": exc.status}
        user_msg.data["failed"] = True
        msg = self.store.new_message(session.id, "assistant", error["message"], node=node.id,
                                     data={"failed": True, "error": error})
        try:
            self.store.commit_turn(session.id, [], [user_msg, msg], None, expect_current=session.current)
        except ImgEditError as store_exc:  # the caller still gets the turn's own error
            log.warning("the failed turn was not stored: %s", store_exc.message)

    def _download_models(self, session: Session, text: str, progress: ProgressFn | None) -> TurnOutcome:
        """The user agreed to large downloads: remember it for the server (the setting), then read the
        current picture again with every model, downloading them: a new node with the same picture and
        the new labels (undo goes back to the old ones)."""
        zh = is_zh(text)
        if not self.settings.download_large_models:
            self.settings = self.settings.update({"download_large_models": True})
            self.persist_settings(self.settings, ["download_large_models"])
        node = self._current(session)
        user_msg = self.store.new_message(session.id, "user", text, node=node.id if node else None,
                                          data={"download_models": True})
        if node is None:
            reply = "好的，需要时会下载大模型。请上传一张图片。" if zh else "OK: large models will be downloaded when needed. Upload a picture."
            msg = self.store.new_message(session.id, "assistant", reply, data={"download_models": True})
            self.store.commit_turn(session.id, [], [user_msg, msg], None, expect_current=session.current)
            return TurnOutcome(session.id, None, reply)
        notes: list[str] = []
        fresh, old = self.segment(self.node_image(node), notes, progress), self.node_labels(node)
        # the new models' labels, and the old ones they do not give (provided by the API, found by name)
        labels = LabelMap(fresh.width, fresh.height, {**old.masks, **fresh.masks}, fresh.faces, fresh.source)
        new = self.store.new_node(session.id, parent=node.id, image=node.image, labelmap=self.blobs.put(labels.to_bytes(), "npz"),
                                  executor="segment", info={"relabelled": True}, suggestions=node.suggestions)
        reply = _with_notes(describe_labels(labels, zh), notes)
        msg = self.store.new_message(session.id, "assistant", reply, node=new.id,
                                     data={"labels": labels.summary(), "download_models": True})
        self.store.commit_turn(session.id, [new], [user_msg, msg], new.id, expect_current=session.current)
        return TurnOutcome(session.id, new.id, reply, self.blobs.get(new.image), labels=labels.summary(),
                           suggestions=new.suggestions, executor="segment", notes=notes, faces=len(labels.faces))

    def _source_face(self, session: Session) -> np.ndarray:
        key = session.data.get("source_face")
        if not key:
            raise BadRequest("face swap needs a source face: upload the face to use first")
        return self._stored_image(key)

    def set_source_face(self, session_id: str, client: str, raw: bytes) -> dict[str, Any]:
        with self._lock(session_id):
            session = self._owned(session_id, client)
            png = images.encode_png(self.decode_upload(raw))
            data = dict(session.data)
            data["source_face"] = self.blobs.put(png, "png")
            data["blobs"] = sorted({*data.get("blobs", []), data["source_face"]})
            self.store.update_session(session.id, data=data)
            return {"session_id": session.id, "source_face": True}

    def interrupt(self, session_id: str, client: str) -> None:
        self._owned(session_id, client)
        running = self._cancel.get(session_id)
        if running is not None:
            running.set()

    def _ancestors(self, session_id: str, node: Node) -> list[NodeBrief]:
        """The last BRANCH_WINDOW nodes of the branch ending at `node`, oldest first, as compact
        records (id, parent, instruction...): one bounded read."""
        return self.store.ancestors(session_id, node.id, BRANCH_WINDOW)

    def _suggest(self, labels: LabelMap, done: list[dict[str, Any]], zh: bool, session: Session,
                 png: bytes, current: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The session's model's suggestions when it has one, filled up from the offline ones. `done`:
        the steps already applied on this branch; `current`: the plan that made this picture."""
        if not self.settings.suggestions:
            return []

        def can_run(i: dict[str, Any]) -> bool:
            return self.can_run(i, labels)

        offline = offline_suggestions(labels.names, done, zh, can_run)
        planner = self.planner_for(session)
        if not isinstance(planner, LLMPlanner):
            return offline
        ctx = picture_context(labels, text="", current=current, image_png=png)
        picked = llm_suggestions(planner, ctx, done, can_run, zh=zh)
        return (picked + [s for s in offline if all(s["instruction"] != p["instruction"] for p in picked)])[:3]

    def _history(self, session_id: str, client: str, op: str, count: int, text: str) -> TurnOutcome:
        if not isinstance(count, int) or not 1 <= count <= 50:
            raise BadRequest("count must be a whole number from 1 to 50")
        self._admit(session_id)
        with self._lock(session_id):
            session = self._owned(session_id, client)
            self._require_image(session)
            user_msg = self.store.new_message(session.id, "user", text, node=session.current,
                                              data={"instruction": {"operation": op, "count": count}, "planner": "command"})
            return self._move(session, op, count, user_msg, False)

    def _move(self, session: Session, op: str, count: int, user_msg: Any, zh: bool) -> TurnOutcome:
        """Undo walks up the branch, redo down the most recently visited child: `count` bounded reads."""
        if op == "undo":
            chain = self.store.ancestors(session.id, session.current, count + 1)
            cur, moved = self.store.get_node(session.id, chain[0].id), len(chain) - 1
        else:
            cur, moved = self.store.get_node(session.id, session.current), 0
            for _ in range(count):
                children = self.store.children(session.id, cur.id)
                if not children:
                    break
                cur = max(children, key=lambda n: (n.visited, n.seq))
                moved += 1
        if moved == 0:
            reply = ("没有可以撤销的操作了" if zh else "Nothing to undo: this is the original picture.") if op == "undo" else (
                "没有可以重做的操作" if zh else "Nothing to redo.")
        elif op == "undo":
            reply = f"已撤销 {moved} 步" if zh else ("Undone." if moved == 1 else f"Undid {moved} steps.")
        else:
            reply = f"已重做 {moved} 步" if zh else ("Redone." if moved == 1 else f"Redid {moved} steps.")
        msg = self.store.new_message(session.id, "assistant", reply, node=cur.id, data={op: moved})
        self.store.commit_turn(session.id, [], [user_msg, msg], cur.id, expect_current=session.current)
        return self._outcome_for(session.id, cur, reply, {"operation": op, "count": count})

    def _outcome_for(self, session_id: str, node: Node, reply: str, instruction: dict[str, Any] | None = None) -> TurnOutcome:
        labels = self.node_labels(node)
        return TurnOutcome(session_id, node.id, reply, self.blobs.get(node.image), instruction, labels.summary(),
                           node.suggestions, node.executor, faces=len(labels.faces))


# -------------------------------------------------------------------- helpers
def _short(plan: EditPlan) -> str:
    """A hand-run plan as the chat shows it."""
    return " + ".join(", ".join(f"{k}={v}" for k, v in step.to_dict().items() if k != "reply") for step in plan.steps)


def _with_notes(reply: str, notes: list[str]) -> str:
    return reply + (" (" + "; ".join(notes) + ")" if notes else "")


def _checked_id(session_id: Any) -> str:
    """A session id of the right shape (so nothing else reaches the store or a rate-limit key)."""
    if not isinstance(session_id, str) or not _SESSION_ID.fullmatch(session_id):
        raise SessionNotFound(f"no session {str(session_id)[:40]!r}")
    return session_id


def _page(value: int | None, bounds: tuple[int, int], name: str) -> int:
    default, most = bounds
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise BadRequest(f"{name} must be a whole number from 1 to {most}")
    return value


def _cursor(value: int | None, name: str) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise BadRequest(f"{name} must be a message or node seq (1 or more), from the previous page's *_before")
    return value
