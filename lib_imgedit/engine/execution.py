"""Running a plan: its steps in order on the picture each step before made, as one turn.

Before anything runs, every step is checked against the labels it will find (a crop may leave a
label out) and against the executors (one must serve it): a step that cannot run stops the turn and
says which step needs what. A step's executor is the first in the order that can serve it; one that
fails hands over to the next (the fallback chain). The labels follow the picture: picture operations
move them, a generative edit re-reads only the area it changed. PlanExecution holds the cancel event
of each session's running turn (`interrupt` sets it); it is given the `ServiceCore` and the function
that reads a picture's labels again (`Labelling.segment`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np

from ..core.config import Settings
from ..core.describe import region_name
from ..core.errors import (
    BadRequest,
    ExecutorUnavailable,
    ImgEditError,
    Interrupted,
    InvalidInstruction,
    UpstreamError,
)
from ..core.instruction import EditInstruction, EditPlan, validate_plan
from ..core.labels import LabelMap
from ..core.masks import build_mask, dilate
from ..core.progress import ProgressFn
from ..executors import ALWAYS, EXECUTORS, EditRequest, EditResult, Executor
from ..executors.geometry import PictureExecutor
from ..segment.combine import WHOLE_PICTURE_SOURCE
from .service_core import ServiceCore

log = logging.getLogger("imgedit")

USER_MASK = "user_mask"
# Operations on a region: with a drawn mask they act on what was drawn. Picture operations act on the
# whole picture, whatever was drawn.
REGION_OPERATIONS = ("inpaint", "recolor", "remove", "adjust", "face_swap")
_SETTING = {name: meta["label"] for name, _, meta in Settings.field_meta()}
# What a refused generative edit needs, in one sentence naming the Settings fields as the tab shows
# them; which executors were tried and why goes to the error's details (the API), not to the user.
_NEEDS_SD = (f"Stable Diffusion, which is not set up here: use the tab inside the WebUI, or set "
             f"“{_SETTING['webui_api_url']}”, “{_SETTING['comfyui_url']}” or “{_SETTING['openai_api_key']}” in Settings")


@dataclass
class StepsDone:
    image: np.ndarray
    labels: LabelMap  # with the drawn mask, when there was one, moved along with the picture
    results: list[EditResult]


def on_drawn_mask(steps: list[EditInstruction]) -> list[EditInstruction]:
    """With a drawn mask, region steps act on the drawn area. A plan that already targets `user_mask`
    placed the mask itself and is left alone; in a plan of several steps, a step that names its own
    targets ("and blur the background") keeps them. Picture operations are never limited to the mask."""
    if any(USER_MASK in s.targets for s in steps):
        return steps
    for step in steps:
        if step.operation in REGION_OPERATIONS and (len(steps) == 1 or not step.targets):
            step.targets, step.faces, step.reply = [USER_MASK], [], ""  # its reply named the old region
    return steps


def step_name(i: int, n: int, step: EditInstruction) -> str:
    where = f" on {', '.join(step.targets)}" if step.targets else ""
    return (f"step {i + 1} ('{step.operation}'{where})" if n > 1 else f"'{step.operation}'")


class PlanExecution:
    """A part of EditService: checks and runs a plan's steps on the executors."""

    def __init__(self, core: ServiceCore, segment: Callable[[np.ndarray], LabelMap]):
        self.core = core
        self.segment = segment
        self._cancel: dict[str, threading.Event] = {}

    def interrupt(self, session_id: str) -> None:
        """Stop the session's running turn before its next step (nothing of it is kept)."""
        running = self._cancel.get(session_id)
        if running is not None:
            running.set()

    def executors(self) -> list[Executor]:
        names = self.core.settings.executor_order + [n for n in ALWAYS if n not in self.core.settings.executor_order]
        return [EXECUTORS[n](self.core.settings, self.core.rules) for n in names if n in EXECUTORS]

    def generative_available(self) -> bool:
        """Whether a backend that regenerates regions is set up here (what the planner offers depends on it)."""
        return any(ex.generative and ex.available()[0] for ex in self.executors())

    def _serving(self, request: EditRequest, reasons: list[str]) -> Iterator[Executor]:
        """The executors that can serve `request`, in order; why each other one cannot goes to `reasons`."""
        for ex in self.executors():
            ok, why = ex.available()
            if ok:
                ok, why = ex.can_serve(request)
            if ok:
                yield ex
            elif ex.name not in ALWAYS:
                reasons.append(f"{ex.name}: {why}")

    def can_run(self, instruction: dict[str, Any], label_map: LabelMap | None = None) -> bool:
        """Whether every step of this plan would find an executor (used to filter suggestions)."""
        try:
            plan = validate_plan(instruction, self.core.rules, label_map.names if label_map else None)
            if plan.steps[0].operation in ("undo", "redo", "clarify"):
                return True
            labels = label_map if label_map is not None and label_map.masks else LabelMap(8, 8)
            blank = np.broadcast_to(np.zeros(3, np.uint8), (labels.height, labels.width, 3))
            self.check_steps(blank, labels, plan.steps)
        except ImgEditError:
            return False
        return True

    def check_steps(self, image: np.ndarray, labels: LabelMap, steps: list[EditInstruction],
                    source_face: np.ndarray | None = None) -> None:
        """Raise, naming the step, if any step of the plan cannot run: a target gone after an earlier
        picture operation, an empty mask, no executor for it. Runs nothing."""
        n = len(steps)
        for i, step in enumerate(steps):
            gone = [t for t in step.targets if t not in labels.masks]
            if gone:
                raise InvalidInstruction(f"{step_name(i, n, step)} targets {', '.join(gone)}, which the picture no longer "
                                         "has after the steps before it", [{"path": f"steps.{i}.targets", "message": "gone"}])
            mask = self._mask(labels, step, i, n)
            req = EditRequest(image, mask, step, self.core.settings, self.core.rules, labels, source_face)
            reasons: list[str] = []
            ex = next(self._serving(req, reasons), None)
            if ex is None:
                raise ExecutorUnavailable(f"{step_name(i, n, step)} {self._needs(step.operation, reasons)}; nothing was changed.",
                                          [{"step": i, "operation": step.operation, "tried": reasons}])
            if isinstance(ex, PictureExecutor):
                labels = ex.labels_after(req)
                image = np.broadcast_to(np.zeros(3, np.uint8), (labels.height, labels.width, 3))

    def _mask(self, labels: LabelMap, step: EditInstruction, i: int, n: int) -> np.ndarray:
        mask = build_mask(labels, step, self.core.rules)
        if not mask.any():
            raise InvalidInstruction(f"the mask for {step_name(i, n, step)} is empty: the chosen region has no pixels left "
                                     "after the mask rules", [{"path": f"steps.{i}.targets" if n > 1 else "targets",
                                                               "message": "empty mask"}])
        return mask

    def run_steps(self, session_id: str, image: np.ndarray, labels: LabelMap, steps: list[EditInstruction],
                  source_face: np.ndarray | None = None, progress: ProgressFn | None = None, said: str = "") -> StepsDone:
        """Check the whole plan, then run its steps in order, each on the picture the step before made.
        Raises (and nothing is kept) when a step cannot run or fails. `said`: the user's words, given to
        an instruction-edit backend when the plan is one step (several steps each say only their part)."""
        self.check_steps(image, labels, steps, source_face)
        cancel = self._cancel[session_id] = threading.Event()
        results: list[EditResult] = []
        try:
            for i, step in enumerate(steps):
                if cancel.is_set():  # between steps: stop, and keep nothing of the turn
                    raise Interrupted(f"the edit was interrupted before {step_name(i, len(steps), step)}; nothing was changed")
                mask = self._mask(labels, step, i, len(steps))
                req = EditRequest(image, mask, step, self.core.settings, self.core.rules, labels, source_face,
                                  _step_progress(progress, i, len(steps)), cancel, said if len(steps) == 1 else "")
                result = self.execute(req)
                image, labels = result.image, self._labels_after(labels, req, result)
                results.append(result)
        finally:
            self._cancel.pop(session_id, None)  # idle sessions keep nothing in memory
        return StepsDone(image, labels, results)

    def _labels_after(self, labels: LabelMap, request: EditRequest, result: EditResult) -> LabelMap:
        """Picture operations moved the labels; a generative edit re-reads the area it changed (the mask,
        grown a little) and keeps every label as it was elsewhere; CPU filters move no edges."""
        if result.label_map is not None:
            return result.label_map
        cls = EXECUTORS.get(result.executor)
        if not (cls and cls.generative):
            return labels
        drawn = labels.masks.get(USER_MASK)
        own = without_user_mask(labels)
        h, w = result.image.shape[:2]
        region = dilate(request.mask > 0, max(2, round(0.01 * float(np.hypot(h, w)))))
        try:
            fresh = self.segment(result.image)
        except ExecutorUnavailable as exc:  # no segmenter here: the old labels are still right outside the edit
            log.warning("labels not re-read after the edit: %s", exc.message)
            return labels
        if fresh.source == WHOLE_PICTURE_SOURCE:  # nothing could segment: the old labels stay
            return labels
        merged = own.merged(fresh, region)
        return merged if drawn is None else with_user_mask(merged, drawn)

    def execute(self, request: EditRequest) -> EditResult:
        """Run on the first executor that can serve; the next one is tried when one fails with an
        upstream error, crashes or returns a broken image (the fallback chain). All of them failed:
        UpstreamError; none could serve: ExecutorUnavailable naming what is needed."""
        reasons: list[str] = []
        tried = False
        for ex in self._serving(request, reasons):
            tried = True
            try:
                result = ex.run(request)
            except ImgEditError as exc:
                if exc.status < 500:
                    raise
                log.warning("executor %s failed, trying the next: %s", ex.name, exc.message)
                reasons.append(f"{ex.name} failed: {exc.message}")
                continue
            except Exception as exc:  # a crashing backend is one more failed backend, not a server error
                log.exception("executor %s crashed, trying the next", ex.name)
                reasons.append(f"{ex.name} crashed ({type(exc).__name__})")
                continue
            problem = result_problem(request, result)
            if problem is None:
                return result
            log.warning("executor %s returned %s, trying the next", ex.name, problem)
            reasons.append(f"{ex.name} returned {problem}")
        op = request.instruction.operation
        if tried:
            raise UpstreamError(f"every executor that could run '{op}' failed; nothing was changed. Tried: "
                                + "; ".join(reasons), [{"operation": op, "tried": reasons}])
        raise ExecutorUnavailable(f"'{op}' {self._needs(op, reasons)}; nothing was changed.", [{"operation": op, "tried": reasons}])

    def _needs(self, op: str, reasons: list[str]) -> str:
        """Why nothing here can run `op`, as the user can act on it: what a ready generative backend
        lacks for it (e.g. a face swap extension), else Stable Diffusion when a generative backend
        would do it (also a removal too large for the built-in fill), else that nothing here does it."""
        for ex in self.executors():
            if ex.generative and op in ex.operations and ex.available()[0]:
                why = next((r.partition(": ")[2] for r in reasons if r.startswith(f"{ex.name}: ")), "")
                if why:
                    return f"cannot run here: {why}"
        if self.core.rules["operations"].get(op, {}).get("generative") or any(
                cls.generative and op in cls.operations for cls in EXECUTORS.values()):
            return f"needs {_NEEDS_SD}"
        return "cannot be done by any backend set up here"


def _step_progress(progress: ProgressFn | None, i: int, n: int) -> ProgressFn | None:
    if progress is None or n == 1:
        return progress
    return lambda done, total, text: progress(done, total, f"step {i + 1}/{n}: {text}")


def with_user_mask(labels: LabelMap, mask: np.ndarray) -> LabelMap:
    if not mask.any():
        raise BadRequest("the drawn mask is empty: paint over the region to edit")
    return LabelMap(labels.width, labels.height, {**labels.masks, USER_MASK: mask}, labels.faces, labels.source)


def picked_labels(labels: LabelMap) -> list[str]:
    """The labels the drawn mask is exactly made of (regions picked from the legend, not painted),
    else none: the largest labels inside the mask whose union is the mask, pixel for pixel."""
    drawn = labels.masks.get(USER_MASK)
    if drawn is None:
        return []
    inside = [n for n, m in labels.masks.items() if n != USER_MASK and m.any() and not (m & ~drawn).any()]
    inside.sort(key=lambda n: -int(labels.masks[n].sum()))
    picked: list[str] = []
    union = np.zeros_like(drawn)
    for name in inside:
        if (labels.masks[name] & ~union).any():
            picked.append(name)
            union |= labels.masks[name]
    return picked if np.array_equal(union, drawn) else []


def name_picked_area(plan: EditPlan, labels: LabelMap) -> EditPlan:
    """A drawn mask that is exactly regions picked from the legend is those regions: the steps
    target them by name, and the reply says "the background", not "the painted area"."""
    picked = picked_labels(labels)
    if not picked:
        return plan
    names = {zh: ("、" if zh else " and ").join(region_name(p, zh) for p in picked) for zh in (False, True)}

    def said(text: str) -> str:
        return text.replace(region_name(USER_MASK, False), names[False]).replace(region_name(USER_MASK, True), names[True])

    for step in plan.steps:
        if USER_MASK in step.targets:
            step.targets = list(dict.fromkeys(picked + [t for t in step.targets if t != USER_MASK]))
            step.reply = said(step.reply)
    return EditPlan(plan.steps, said(plan.reply))


def without_user_mask(labels: LabelMap) -> LabelMap:
    if USER_MASK not in labels.masks:
        return labels
    return LabelMap(labels.width, labels.height, {k: v for k, v in labels.masks.items() if k != USER_MASK},
                    labels.faces, labels.source)


def result_problem(request: EditRequest, result: Any) -> str | None:
    """What is wrong with an executor's result, or None: RGB uint8, the input's size (a picture operation
    may change the size, and then brings the labels at the new size)."""
    image = getattr(result, "image", None)
    if not isinstance(result, EditResult) or not isinstance(image, np.ndarray):
        return f"no image ({type(result).__name__})"
    if request.instruction.is_picture:
        moved = result.label_map
        if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3 or min(image.shape[:2]) < 1:
            return f"an image of shape {image.shape} and type {image.dtype}, not HxWx3 uint8"
        if moved is None or (moved.width, moved.height) != (image.shape[1], image.shape[0]):
            return "a picture without its labels at the picture's size"
        return None
    want = request.image.shape[:2] + (3,)
    if image.dtype != np.uint8 or image.shape != want:
        return f"an image of shape {image.shape} and type {image.dtype}, not {want} uint8"
    return None
