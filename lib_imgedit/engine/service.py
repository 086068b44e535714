"""EditService: one turn of the conversation, whichever front door it came through.

upload -> segment -> store; message -> plan -> validate -> mask -> execute -> store. Each turn reads
the session, does its work without holding the database, then commits everything in one transaction,
so a crash leaves a turn either complete or absent. Turns of one session are serialised by a
per-session lock. EditService holds the turns' entry points and the parts that do the rest, each an
object with its own state, built with what it needs: `core` (`service_core.py`: settings, store,
blobs, limits, planners and the reads every turn shares), `views` (`session_views.py`: session records
and their pages), `tree` (`session_tree.py`: undo, redo, jump), `labelling` (`labelling.py`:
segmenters, grounding, model downloads), `background` (`background_labels.py`: the slower segmenters'
labels of an upload, read after it answered; an edit waits for them) and `execution` (`execution.py`:
checking and running a plan's steps). The front doors call only EditService: the parts' public state and methods are its attributes
too (`_Part`), read and written where they live.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Any, Callable

import numpy as np

from ..core import images, redact
from ..core.blobs import BlobStore
from ..core.config import Settings
from ..core.errors import BadRequest, ImgEditError, Interrupted, InvalidInstruction, NotFound
from ..core.infotext import make_infotext
from ..core.instruction import EditPlan, build_plan_schema, build_schema, plan_steps, validate_plan
from ..core.labels import LABEL_RE
from ..core.lang import is_zh
from ..core.progress import ProgressFn
from ..executors import ALWAYS, EXECUTORS
from ..models import offers as model_offers
from ..planner import PlanContext, PlanResult, plan_validated
from ..planner.llm import LLMPlanner
from ..planner.offline import bare_followup
from ..planner.suggest import offline_suggestions
from ..planner.suggest_llm import llm_suggestions
from ..planner.templates import template_names
from ..segment import SEGMENTERS, LabelMap
from ..store import Message, Node, NodeBrief, Session, SessionStore
from .background_labels import BackgroundLabels
from .conversation import HISTORY_TURNS, conversation_context, picture_context
from .execution import USER_MASK, PlanExecution, name_picked_area, on_drawn_mask, with_user_mask, without_user_mask
from .labelling import Labelling
from .phrase_targets import PhraseTargets, phrase_targets
from .replies import describe_labels, labels_to_follow, no_change_reply, plan_reply, with_notes
from .service_core import ServiceCore
from .session_tree import SessionTree
from .session_views import SessionViews, offer_choices, offered
from .turn_outcome import TurnOutcome

__all__ = ["API_VERSION", "EditService", "TurnOutcome"]

log = logging.getLogger("imgedit")

API_VERSION = 1
BRANCH_WINDOW = 24  # edits on the current branch a turn looks back on (suggestions, the planner's context)


class _Part:
    """An attribute of EditService that lives in one of its parts (`settings = _Part("core")`): read
    and written there, so a setting changed or a method replaced (tests) is what every part sees."""

    def __init__(self, part: str):
        self.part = part

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return self if obj is None else getattr(getattr(obj, self.part), self.name)

    def __set__(self, obj: Any, value: Any) -> None:
        setattr(getattr(obj, self.part), self.name, value)


class EditService:
    """The turns' entry points (upload, message, a given plan, a dry-run plan) and what they share;
    the other moves and views are done by the parts it holds (see the module docstring)."""

    def __init__(self, settings: Settings, store: SessionStore | None = None, blobs: BlobStore | None = None):
        self.core = ServiceCore(settings, store, blobs)
        self.labelling = Labelling(self.core)
        self.background = BackgroundLabels(self.core, self.labelling.read_all)
        self.views = SessionViews(self.core, self.background.labels_pending)
        self.tree = SessionTree(self.core)
        self.execution = PlanExecution(self.core, self.labelling.segment)

    # the core's state and shared reads
    settings = _Part("core")
    persist_settings = _Part("core")  # how a setting the service changes itself is kept (the WebUI's adapter sets it)
    rules = _Part("core")
    store = _Part("core")
    blobs = _Part("core")
    limits = _Part("core")
    offline = _Part("core")
    planners = _Part("core")
    node_image = _Part("core")
    node_labels = _Part("core")
    decode_upload = _Part("core")
    planner_for = _Part("core")
    profile_names = _Part("core")
    # the parts' moves and views
    create_session = _Part("views")
    get_session = _Part("views")
    session_view = _Part("views")
    update_session = _Part("views")
    delete_session = _Part("views")
    node_png = _Part("views")
    undo = _Part("tree")
    redo = _Part("tree")
    jump = _Part("tree")
    segmenter = _Part("labelling")
    segment = _Part("labelling")
    labels_pending = _Part("background")
    wait_for_labels = _Part("background")
    grounding_available = _Part("labelling")
    executors = _Part("execution")
    can_run = _Part("execution")
    check_steps = _Part("execution")
    run_steps = _Part("execution")
    execute = _Part("execution")

    # ---------------------------------------------------------------- turns
    def upload(self, session_id: str, client: str, raw: bytes, label_map: LabelMap | None = None,
               lang: str = "", progress: ProgressFn | None = None) -> TurnOutcome:
        """Store a new picture as a root node (a session may hold several), segment it, describe it; a
        model downloaded first reports to `progress`, a large one waits to be asked for (the reply offers it).
        With `labels_in_background`, the answer comes with the fast segmenters' labels and the others are
        read in the background (`background_labels.py`): their labels follow as a message."""
        self.core.admit(session_id)
        with self.core.lock(session_id):
            session = self.core.owned(session_id, client)
            image = self.decode_upload(raw)
            h, w = image.shape[:2]
            if label_map is not None and (label_map.width, label_map.height) != (w, h):
                raise BadRequest(f"the label map is {label_map.width}x{label_map.height} but the image is {w}x{h}")
            notes: list[str] = []
            held: list[dict[str, Any]] = []
            rest = None  # with labels in the background: reads the others' labels
            if label_map is not None:
                labels = label_map
            else:
                labels, rest = self.labelling.segment_first(image, notes, progress, held)
            png = images.encode_png(image)
            node = self.store.new_node(session.id, parent=None, image=self.blobs.put(png, "png"),
                                       labelmap=self.blobs.put(labels.to_bytes(), "npz"), kind="upload")
            zh = lang.startswith("zh") or (lang == "" and self.settings.language == "zh_CN")
            node.suggestions = self._suggest(labels, [], zh, session, png)
            reply = with_notes(describe_labels(labels, zh) + (" " + labels_to_follow(zh) if rest else ""), notes)
            if held:
                reply += " " + model_offers.offer(held, labels.names, zh)
            offered = {"downloads": [{k: p[k] for k in ("name", "title", "size_mb", "licence")} for p in held]} if held else {}
            msgs = [
                self.store.new_message(session.id, "user", "[image]", node=node.id, data={"upload": True}),
                self.store.new_message(session.id, "assistant", reply, node=node.id, data={"labels": labels.summary(), **offered}),
            ]
            self.store.commit_turn(session.id, [node], msgs, node.id, expect_current=session.current)
            session.current = node.id
            self.background.after_upload(session, node, labels, zh, rest)
            return TurnOutcome(session.id, node.id, reply, png, labels=labels.summary(), suggestions=node.suggestions,
                               notes=notes, faces=len(labels.faces), labels_pending=rest is not None)

    def message(self, session_id: str, client: str, text: str, mask_png: bytes | None = None,
                progress: Callable[[int, int, str], None] | None = None) -> TurnOutcome:
        """Plan the request with the session's planner, then run the plan as one turn."""
        text = self.core.check_text(text)
        self.core.admit(session_id)
        labelled = self.wait_for_labels(session_id, client)  # "remove the cat" waits for the model that sees cats
        with self.core.lock(session_id):
            session = self.core.owned(session_id, client)
            if model_offers.agrees(text):
                return self.labelling.download_models(session, text, progress)
            node, labels = self._edit_base(session, mask_png)
            if mask_png is None and node.mask and bare_followup(text):  # "more" after a brush edit: the same area
                mask_png = self.blobs.get(node.mask)
                node, labels = self._edit_base(session, mask_png)
            ctx = self._context(session, node, labels, text, user_mask=mask_png is not None)
            named = PhraseTargets(lambda: self.node_image(node), labels, self.settings, is_zh(text), progress)
            named.notes += [] if labelled else [_labels_late(is_zh(text))]  # said with the turn's other notes
            try:
                plan, result = plan_validated(self.planner_for(session), self.offline, ctx, self.rules, named)
            except ImgEditError as exc:  # the model failed: kept in the chat like a failed edit
                self._keep_failed(session, node, self.store.new_message(session.id, "user", text, node=node.id), exc)
                raise
            result.notes += named.notes
            if any(s.operation == "face_swap" for s in plan.steps) and not session.data.get("source_face"):
                return self._awaiting_face(session, node, text, plan, result)
            choices = named.choices or result.options  # a question back names its answers (two close readings)
            return self._run_turn(session, node, named.labels, text, plan, result, mask_png, progress, choices)

    def _awaiting_face(self, session: Session, node: Node, text: str, plan: EditPlan, result: PlanResult) -> TurnOutcome:
        """A face swap asked for in the chat before a face to put in was given: said as the answer, not as an error,
        and kept as the pending instruction, which runs as it is once the face is uploaded (`run_instruction`)."""
        zh = is_zh(text)
        reply = ("换脸需要先有要换上的脸：请在“Source face”里上传那张脸，然后再发一次（或点运行）。" if zh else
                 "To swap a face in I need the face first: upload it under *Source face*, then send this again "
                 "(or run the pending instruction).")
        user_msg = self.store.new_message(session.id, "user", text, node=node.id,
                                          data={"instruction": plan.to_dict(), "planner": result.planner})
        self.store.update_session(session.id, data={**session.data, "pending": {"node": node.id, "instruction": plan.to_dict()}})
        self._answer(session, node, user_msg, reply, {"awaiting_face": True})
        return TurnOutcome(session.id, node.id, reply, instruction=plan.to_dict(), planner=result.planner,
                           notes=result.notes, suggestions=node.suggestions)

    def planning_context(self, session_id: str, client: str, text: str, mask_png: bytes | None = None) -> PlanContext:
        """What the planner would see for `text` as the session's next message (nothing is stored)."""
        session = self.core.owned(session_id, client)
        node, labels = self._edit_base(session, mask_png)
        return self._context(session, node, labels, self.core.check_text(text), user_mask=mask_png is not None)

    def run_instruction(self, session_id: str, client: str, instruction: dict[str, Any], text: str = "",
                        mask_png: bytes | None = None, progress: Callable[[int, int, str], None] | None = None) -> TurnOutcome:
        """Run a plan given as JSON (a bare instruction or {"steps": [...]}, edited by the user or an
        accepted suggestion) without planning."""
        if not isinstance(instruction, dict):
            raise InvalidInstruction("the instruction must be a JSON object")
        self.core.admit(session_id)
        labelled = self.wait_for_labels(session_id, client)
        with self.core.lock(session_id):
            session = self.core.owned(session_id, client)
            node, labels = self._edit_base(session, mask_png)
            plan = validate_plan(instruction, self.rules, labels.names)
            pending = session.data.get("pending") or {}
            accepted = pending.get("node") == node.id and pending.get("instruction") == plan.to_dict()
            if not accepted:  # written by hand or edited: a reply it carries may be for other values
                plan = EditPlan([replace(step, reply="") for step in plan.steps])
            result = PlanResult(plan.to_dict(), "suggestion" if accepted else "manual")  # accepted ones feed the export
            result.notes += [] if labelled else [_labels_late(is_zh(text))]
            shown = self.core.check_text(text) if text else "[instruction] " + _short(plan)
            return self._run_turn(session, node, labels, shown, plan, result, mask_png, progress)

    def accept_suggestion(self, session_id: str, client: str, index: int) -> dict[str, Any]:
        """Make suggestion `index` of the current node the pending instruction (the user may edit it
        before running it with `run_instruction`)."""
        with self.core.lock(session_id):
            session = self.core.owned(session_id, client)
            node = self.core.require_image(session)
            shown = offered(session, node)
            if not 0 <= index < len(shown):
                raise NotFound(f"no suggestion {index}: this picture has {len(shown)}")
            chosen = shown[index]
            data = dict(session.data)
            data["pending"] = {"node": node.id, "index": index, **chosen}
            self.store.update_session(session.id, data=data)
            return data["pending"]

    def set_source_face(self, session_id: str, client: str, raw: bytes) -> dict[str, Any]:
        with self.core.lock(session_id):
            session = self.core.owned(session_id, client)
            png = images.encode_png(self.decode_upload(raw))
            data = dict(session.data)
            data["source_face"] = self.blobs.put(png, "png")
            data["blobs"] = sorted({*data.get("blobs", []), data["source_face"]})
            self.store.update_session(session.id, data=data)
            return {"session_id": session.id, "source_face": True}

    def interrupt(self, session_id: str, client: str) -> None:
        self.core.owned(session_id, client)
        self.execution.interrupt(session_id)

    def plan(self, text: str, labels: list[str], profile: str = "") -> PlanResult:
        """A dry run: the plan for `text` on a picture with `labels` (in `result.instruction`: a bare
        instruction for one step, {"steps": [...]} for several), nothing stored."""
        text = self.core.check_text(text)
        clean = []
        for name in labels:
            if not isinstance(name, str) or not LABEL_RE.fullmatch(name):
                raise BadRequest(f"label {str(name)[:40]!r} must be 1-40 lower-case letters, digits or _")
            clean.append(name)
        ctx = PlanContext(text=text, labels=clean, user_mask=USER_MASK in clean, grounding=self.grounding_available())
        session = Session("", "", 0, 0, profile=self.core.check_profile(profile))

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

    # ---------------------------------------------------------------- turn internals
    def _edit_base(self, session: Session, mask_png: bytes | None) -> tuple[Node, LabelMap]:
        """The node an edit starts from and its labels, with the user's drawn mask as `user_mask`."""
        node = self.core.require_image(session)
        labels = self.node_labels(node)
        if mask_png is not None:
            labels = with_user_mask(labels, images.load_mask(mask_png, (labels.width, labels.height)))
        return node, labels

    def _context(self, session: Session, node: Node, labels: LabelMap, text: str, user_mask: bool = False) -> PlanContext:
        """What the planner knows of this conversation: the latest messages (failed turns marked), the
        plans still applied on the current branch, a question it asked back, a drawn mask (bounded reads)."""
        return conversation_context(labels, text, self.store.recent_messages(session.id, HISTORY_TURNS),
                                    self._ancestors(session.id, node), user_mask=user_mask, grounding=self.grounding_available(labels),
                                    generative=self.execution.generative_available(),
                                    image_png=self.blobs.get(node.image))

    def _run_turn(self, session: Session, node: Node, labels: LabelMap, text: str, plan: EditPlan,
                  result: PlanResult, mask_png: bytes | None, progress: Callable[[int, int, str], None] | None,
                  choices: list[dict[str, Any]] | None = None) -> TurnOutcome:
        zh = is_zh(text)
        result.notes = [redact.redact(n) for n in result.notes]  # notes may quote a backend's error text
        first = plan.steps[0]
        user_msg = self.store.new_message(session.id, "user", text, node=node.id,
                                          data={"instruction": plan.to_dict(), "planner": result.planner,
                                                **({"mask": True} if mask_png is not None else {})})
        if first.is_history:
            return self.tree.move(session, first.operation, first.count, user_msg, zh)
        choices = offer_choices(self.store, session, node, choices if first.operation == "clarify" else None)
        if first.operation == "clarify":  # a question back is never an edit, drawn mask or not
            reply = first.question or first.reply
            self._answer(session, node, user_msg, reply, {"clarify": True, **({"choices": choices} if choices else {})})
            return TurnOutcome(session.id, node.id, reply, instruction=plan.to_dict(), planner=result.planner,
                               notes=result.notes, suggestions=choices or node.suggestions)
        if plan.steps[0].replace and node.kind == "edit" and node.parent:  # "less blur" after a blur, *Replace this
            node = self.store.get_node(session.id, node.parent)  # step*: in its place, from the picture before it
            labels = self.node_labels(node)
            if mask_png is not None:
                labels = with_user_mask(labels, images.load_mask(mask_png, (labels.width, labels.height)))
        if mask_png is not None:
            plan = name_picked_area(EditPlan(on_drawn_mask(plan.steps), plan.reply), labels)
        started = time.perf_counter()
        try:
            face = self._source_face(session) if any(s.operation == "face_swap" for s in plan.steps) else None
            base = self.node_image(node)
            done = self.run_steps(session.id, base, labels, plan.steps, face, progress, text)
        except ImgEditError as exc:  # the picture stays; a turn that failed for want of a backend stays in the chat
            self._keep_failed(session, node, user_msg, exc)
            raise
        if done.image.shape == base.shape and np.array_equal(done.image, base):  # a no-op adds no step
            reply = no_change_reply(plan, zh)
            self._answer(session, node, user_msg, reply, {"unchanged": True})
            return TurnOutcome(session.id, node.id, reply, self.blobs.get(node.image), plan.to_dict(), planner=result.planner,
                               notes=result.notes, suggestions=node.suggestions)  # the picture as it stays
        seconds = time.perf_counter() - started
        results = done.results
        new_labels = without_user_mask(done.labels)
        executor = "+".join(dict.fromkeys(r.executor for r in results))
        generated = next((r.info for r in reversed(results) if r.info.get("parameters")), results[-1].info)
        before = [step for n in self._ancestors(session.id, node) for step in plan_steps(n.instruction)]  # still applied
        infotext = redact.redact(make_infotext(plan, executor, generated, (done.image.shape[1], done.image.shape[0]), before))
        png = images.encode_png(done.image, infotext)
        keys = {"image": self.blobs.put(png, "png"), "labelmap": self.blobs.put(new_labels.to_bytes(), "npz")}
        if mask_png is not None:
            keys["mask"] = self.blobs.put(images.encode_png(labels.masks[USER_MASK].astype(np.uint8) * 255), "png")
        info = dict(results[0].info) if len(results) == 1 else {"steps": [r.info for r in results]}
        new = self.store.new_node(session.id, parent=node.id, instruction=plan.to_dict(), executor=executor,
                                  info=redact.redact_data({**info, "seconds": round(seconds, 3), "planner": result.planner}),
                                  **keys)
        did = before + [s.to_dict() for s in plan.steps]
        new.suggestions = (result.options + self._suggest(new_labels, did, zh, session, png, plan.to_dict()))[:3]  # an unsure reading's other one first
        notes = result.notes + [n for r in results for n in r.info.get("notes") or []]  # the executors': e.g. ControlNet missing
        reply = with_notes(plan_reply(plan, zh, before), notes)
        msg = self.store.new_message(session.id, "assistant", reply, node=new.id,
                                     data={"instruction": plan.to_dict(), "executor": executor})
        self.store.commit_turn(session.id, [new], [user_msg, msg], new.id, expect_current=session.current)
        return TurnOutcome(session.id, new.id, reply, png, plan.to_dict(), new_labels.summary(), new.suggestions,
                           executor, result.planner, notes, len(new_labels.faces))

    def _answer(self, session: Session, node: Node, user_msg: Message, reply: str, data: dict[str, Any]) -> None:
        """Store a turn that answers without a new picture (a question back, nothing to change, a face still to
        give): the user's message and the reply, `current` unchanged."""
        msg = self.store.new_message(session.id, "assistant", reply, node=node.id, data=data)
        self.store.commit_turn(session.id, [], [user_msg, msg], None, expect_current=session.current)

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

    def _source_face(self, session: Session) -> np.ndarray:
        key = session.data.get("source_face")
        if not key:
            raise BadRequest("face swap needs a source face: upload the face to use first")
        return self.core.stored_image(key)

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


# -------------------------------------------------------------------- helpers
def _labels_late(zh: bool) -> str:
    """The note of an edit that stopped waiting for the labels still being read."""
    return "其他模型还没识别完，这次按已找到的标签处理" if zh else "the other models had not finished: planned with the labels found so far"


def _short(plan: EditPlan) -> str:
    """A hand-run plan as the chat shows it."""
    return " + ".join(", ".join(f"{k}={v}" for k, v in step.to_dict().items() if k != "reply") for step in plan.steps)
