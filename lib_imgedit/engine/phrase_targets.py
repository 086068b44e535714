"""Targets the user named that are not among the picture's labels ("remove the cup"): the planner
writes them in label form (`cup`, `red_car`) when grounding is available; here each one is looked for
on the picture with the grounding model (`segment/grounding.py`) before the plan is validated.

Found: its mask joins the turn's label map under `grounding.label_for(phrase)`, so the mask builds and
the result's label map keeps it for the rest of the conversation (the upload's labels stay as they
were), with a note naming the score. Not found, or no grounding model: the turn becomes a question back
that says so and lists what the picture has; nothing is edited.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

import numpy as np

from .. import models
from ..core.config import Settings
from ..core.instruction import is_steps, plan_steps
from ..core.labels import LABEL_RE, LabelMap, split_instance
from ..core.lang import setting_name
from ..core.progress import ProgressFn
from ..models import offers as model_offers
from ..segment import grounding
from .execution import USER_MASK

log = logging.getLogger("imgedit")
SEEN_LISTED = 12  # labels a "not found" answer lists
QUESTION_CHARS = 480  # within the rules' question_max_chars (500)
SUBJECT_SHARE = 0.15  # a `subject` this large may stand for a named thing when objects cannot be told apart


def subject_share(labels: LabelMap) -> float:
    """The share of the one `subject` (0 when there is none, or several)."""
    several = any(split_instance(n)[0] == "subject" and split_instance(n)[1] is not None for n in labels.names)
    return 0.0 if several else labels.share("subject")


def phrase_targets(plan: Any, labels: list[str]) -> list[str]:
    """The targets of a plan (JSON form, unvalidated) that are not labels but could name a thing:
    label-shaped words without an instance number, in order, each once."""
    found: list[str] = []
    for step in plan_steps(plan if isinstance(plan, dict) else None):
        targets = step.get("targets")
        for t in targets if isinstance(targets, list) else []:
            if (isinstance(t, str) and t not in labels and t not in found and t != USER_MASK
                    and LABEL_RE.fullmatch(t) and split_instance(t)[1] is None):
                found.append(t)
    return found


class PhraseTargets:
    """The `resolve` hook of `planner.plan_validated` for one turn: called with a plan, returns the
    plan to validate (its phrase targets renamed to their labels, or a clarify) and the labels to
    validate it against. `labels` grows with what was found; `notes` say how sure the finds were;
    `choices` are the one-click answers to a question back (suggestions: `{"text", "instruction"}` runs
    a plan, `{"text", "message"}` sends a chat message)."""

    def __init__(self, image: Callable[[], np.ndarray], labels: LabelMap, settings: Settings, zh: bool = False,
                 progress: ProgressFn | None = None):
        self._image, self.labels, self.settings, self.zh, self.progress = image, labels, settings, zh, progress
        self.notes: list[str] = []
        self.choices: list[dict[str, Any]] = []
        self._subject_offered = False

    def __call__(self, plan: Any) -> tuple[Any, list[str]]:
        renames: dict[str, str] = {}
        for target in phrase_targets(plan, self.labels.names):
            phrase = target.replace("_", " ")
            name = grounding.label_for(phrase)
            if name not in self.labels.masks:
                question = self._look_for(phrase, name)
                if question:
                    self.choices = self._choices(plan, target, phrase) if self._subject_offered else []
                    return {"operation": "clarify", "question": _fit(question)}, self.labels.names
            renames[target] = name
        return _renamed(plan, renames) if renames else plan, self.labels.names

    def _look_for(self, phrase: str, name: str) -> str:
        """Ground `phrase`; found: add it as `name` and return "", else the question back. When the
        grounding model cannot be used now and one large `subject` is there, the question offers it."""
        ok, why = grounding.grounding_available(self.settings)
        spec = grounding.grounder(self.settings).spec
        asking = ok and model_offers.must_ask(spec, self.settings)
        if ok and not asking:
            try:
                mask, score = grounding.ground(self._image(), phrase, self.settings, self.progress)
            except Exception as exc:  # a model that cannot be had or crashes: say so, never a server error
                log.log(logging.INFO if isinstance(exc, models.ModelUnavailable) else logging.WARNING,
                        "grounding %r failed: %s", phrase, getattr(exc, "message", None) or exc)
                ok, why = False, getattr(exc, "message", None) or f"the grounding model failed ({type(exc).__name__})"
            else:
                return self._found(phrase, name, mask, score)
        self._subject_offered = self._subject_share() >= SUBJECT_SHARE
        if self._subject_offered:
            return self._subject_question(phrase) + self._download_clause(spec, ok, why)
        if asking:
            size = f"{spec.size_mb:.0f} MB"
            if self.zh:
                return (f"我可以用 {spec.title}（下载 {size}，{spec.licence}）查找 {phrase}：说“下载模型”，或在设置里打开"
                        f"“{setting_name('download_large_models', True)}”。{self._seen()}")
            return (f"I can look for {_a(phrase)} with {spec.title} ({size} download, {spec.licence}): say 'download the "
                    f"models' or turn on “{setting_name('download_large_models')}” in Settings. {self._seen()}")
        return self._cannot_look(phrase, why)

    def _found(self, phrase: str, name: str, mask: np.ndarray | None, score: float) -> str:
        need = float(self.settings.grounding_threshold)
        if mask is None:
            if self.zh:
                return f"我在图中找不到 {phrase}（最佳匹配 {score:.2f}，需要 {need:.2f}）。{self._seen()}"
            return f"I can't find {_a(phrase)} in this picture (best match {score:.2f}, needs {need:.2f}). {self._seen()}"
        self.labels = LabelMap(self.labels.width, self.labels.height, {**self.labels.masks, name: mask},
                               self.labels.faces, self.labels.source)
        self.notes.append(f"已按名称找到 {name}（匹配 {score:.2f}）" if self.zh else f"found '{name}' by its name (match {score:.2f})")
        return ""

    def _subject_share(self) -> float:
        return subject_share(self.labels)

    def _subject_question(self, phrase: str) -> str:
        share = f"{self._subject_share():.0%}"
        if self.zh:
            return f"没有物体模型我分不清物体；把主体（{share}）当作{phrase}来修改吗？"
        return f"I can't tell objects apart without the object model; edit the subject ({share}) as the {phrase}?"

    def _download_clause(self, spec: models.ModelSpec, ok: bool, why: str) -> str:
        """The second choice: downloading the grounding model (not offered with downloads off)."""
        if models.is_offline(self.settings):
            return ""
        licence = spec.licence.split(" (")[0]
        error = None if ok else models.failed_error(spec, self.settings)
        if self.zh:
            failed = f"（刚才下载失败：{error.reason}；可设置 HF_ENDPOINT 使用镜像）" if error else ""
            return f" 或者说“下载模型”，下载 {models.short_title(spec)}（{spec.size_mb:.0f} MB，{licence}）按名称查找{failed}。"
        failed = f" (it could not be downloaded just now: {error.reason}; HF_ENDPOINT can name a mirror)" if error else ""
        return (f" Or say 'download the models' to get {models.short_title(spec)} ({spec.size_mb:.0f} MB, {licence}), "
                f"which finds things by name{failed}.")

    def _choices(self, plan: Any, target: str, phrase: str) -> list[dict[str, Any]]:
        """Edit the subject as the named thing; download the models (unless downloads are off)."""
        edit = {"text": f"把主体当作{phrase}" if self.zh else f"Edit the subject as the {phrase}",
                "instruction": _renamed(plan, {target: "subject"})}
        if models.is_offline(self.settings):
            return [edit]
        return [edit, {"text": "下载模型" if self.zh else "Download the models",
                       "message": "下载模型" if self.zh else "download the models"}]

    def _cannot_look(self, phrase: str, why: str) -> str:
        why = why.strip().rstrip(".") + "."  # a whole sentence (models.unavailable_sentence), never cut
        if self.zh:
            return f"无法查找 {phrase}：按名称查找不在标签里的东西需要定位模型。{why} {self._seen()}"
        return f"I can't look for {_a(phrase)}: finding things that are not among the labels needs the grounding model. {why} {self._seen()}"

    def _seen(self) -> str:
        names = [d["name"] for d in self.labels.summary() if d["name"] != USER_MASK][:SEEN_LISTED]
        if self.zh:
            return f"我能看到：{'、'.join(names)}。" if names else "我没有识别出明确的区域。"
        return f"I can see: {', '.join(names)}." if names else "I found no distinct regions."


def _fit(question: str) -> str:
    """The question within QUESTION_CHARS, cut after a whole sentence (the list of labels goes first)."""
    if len(question) <= QUESTION_CHARS:
        return question
    head = question[:QUESTION_CHARS]
    end = max(head.rfind(". "), head.rfind("。"), head.rfind("? "))
    return head[: end + 1] if end > 0 else head[: head.rfind(" ")] + "..."


def _a(phrase: str) -> str:
    return f"{'an' if phrase[:1] in 'aeiou' else 'a'} {phrase}"


def _renamed(plan: dict[str, Any], renames: dict[str, str]) -> dict[str, Any]:
    def step(s: dict[str, Any]) -> dict[str, Any]:
        targets = s.get("targets")
        return {**s, "targets": [renames.get(t, t) if isinstance(t, str) else t for t in targets]} if isinstance(targets, list) else s

    if is_steps(plan):
        return {**plan, "steps": [step(s) if isinstance(s, dict) else s for s in plan["steps"]]}
    return step(plan)
