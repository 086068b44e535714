"""Scoring a plan against a sample case (the definition in the dev set's README).

A case holds `ops` (any one is right), `targets` (exact, order-free) or `targets_any` (any one of
those sets is right), and `keywords` (when the plan's operation is inpaint, recolor or restyle, at
least one must occur, case-insensitively, in its `prompt` or `color`; empty checks nothing); `adjust`
(an adjust plan sets one of these parameters); `width`, `height`, `aspect` (a picture operation's values,
exact); `steps` (several expected instructions, in order). The
same judge checks a conversation's turns (the dev set's `dialogues.jsonl`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..core.instruction import plan_steps
from ..core.labels import split_instance
from . import vocab as V
from .base import PlanContext, Planner, Turn
from .offline.followup import bare_followup

KEYWORD_OPS = ("inpaint", "recolor", "restyle")


def step_problems(case: dict[str, Any], instruction: Any) -> list[str]:
    """Why one instruction does not meet one expected step (empty: it does)."""
    if not isinstance(instruction, dict):
        return [f"not an instruction: {type(instruction).__name__}"]
    why = []
    op = instruction.get("operation")
    if op not in case.get("ops", []):
        why.append(f"op {op!r} not in {case.get('ops')}")
    got = set(instruction.get("targets") or [])
    allowed = [set(t) for t in case["targets_any"]] if case.get("targets_any") is not None else \
        [set(case.get("targets") or [])]
    inverted = set(case.get("targets_inverted") or [])
    if (instruction.get("mask") or {}).get("invert"):  # the rest of the picture: right only as the kept labels
        if not (inverted and _same_kept(got, inverted)) and got not in allowed:
            why.append(f"targets all but {sorted(got)}, expected all but {sorted(inverted)} or {[sorted(a) for a in allowed]}")
    elif got not in allowed or (inverted and got == inverted):  # the kept labels themselves, not inverted: the opposite
        why.append(f"targets {sorted(got)} not in {[sorted(a) for a in allowed]}")
    keywords = case.get("keywords") or []
    if op in KEYWORD_OPS and keywords:
        text = " ".join(str(instruction.get(k) or "") for k in ("prompt", "color")).lower()
        if not any(str(k).lower() in text for k in keywords):
            why.append(f"none of {keywords} in {text[:60]!r}")
    if case.get("adjust") and op == "adjust":
        keys = set((instruction.get("adjust") or {}).keys())
        if not keys & set(case["adjust"]):
            why.append(f"adjust keys {sorted(keys)} miss {case['adjust']}")
    for key in ("width", "height", "aspect"):
        if key in case and instruction.get(key) != case[key]:
            why.append(f"{key} {instruction.get(key)!r}, expected {case[key]!r}")
    return why


def _same_kept(got: set[str], kept: set[str]) -> bool:
    """Whether two sets of labels an inverted mask keeps keep the same things: they differ at most by parts of what
    both keep (the car's licence plate, the person's face), which lie inside it."""
    from .offline.labels import PERSON_PART_NORMS, norm_label, singular

    def base(label: str) -> str:  # `face 2` is a face
        return norm_label(split_instance(label)[0])

    both = got & kept
    parts = {norm_label(p) for x in both for p in V.PARTS.get(base(x), V.PARTS.get(singular(base(x)), ()))}
    if any(base(x) == "person" for x in both):
        parts |= PERSON_PART_NORMS
    return bool(both) and all(base(x) in parts for x in got ^ kept)


def turn_problems(case: dict[str, Any], plan: Any) -> list[str]:
    """Why a plan (a bare instruction or `{"steps": [...]}`) does not meet a case or a conversation turn; a case
    with `steps` expects one instruction per step, in order, and any other case exactly one instruction."""
    got = plan_steps(plan) if isinstance(plan, dict) else []
    if "steps" in case:
        if len(got) != len(case["steps"]):
            return [f"{len(got)} step(s) {[g.get('operation') for g in got]}, expected {len(case['steps'])}"]
        return [w for g, e in zip(got, case["steps"], strict=True) for w in step_problems(e, g)]
    if len(got) != 1:
        return [f"{len(got)} steps, expected one"]
    return step_problems(case, got[0])


def score_case(case: dict[str, Any], instruction: dict[str, Any]) -> bool:
    """True when `instruction` (or a plan with steps) is fully right for `case`."""
    return not turn_problems(case, instruction)


def load_cases(path: str | Path) -> list[dict[str, Any]]:
    """Cases from a JSONL file, skipping blank lines."""
    lines = Path(path).read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def score_all(cases: Iterable[dict[str, Any]], instructions: Iterable[dict[str, Any]]) -> float:
    """Share of cases planned fully right (0 when there are none)."""
    results = [score_case(c, i) for c, i in zip(cases, instructions, strict=True)]
    return sum(results) / len(results) if results else 0.0


class DialogueState:
    """A conversation at the planner level, kept the way the service keeps it: `history` (turns), `edits` (plans
    run on the current branch; undo pops, redo pushes back), `current` (the last of them), `asked` (the question
    of a clarify in the previous turn), and `user_mask` with the label `user_mask` on a turn with a drawn mask.
    Picture labels are split in equal shares, as the dev set's label maps are (one band per label)."""

    def __init__(self, labels: list[str]):
        self.labels = labels
        self.history: list[Turn] = []
        self.edits: list[dict[str, Any]] = []
        self.undone: list[dict[str, Any]] = []
        self.asked = ""

    def context(self, text: str, mask: bool = False) -> PlanContext:
        drawn = any("user_mask" in (step.get("targets") or []) for step in plan_steps(self.edits[-1])) if self.edits else False
        mask = mask or (drawn and bare_followup(text))  # "more" after a brush edit: the service hands the same mask again
        labels = self.labels + (["user_mask"] if mask and "user_mask" not in self.labels else [])
        shares = {x: round(1 / len(labels), 4) for x in labels}
        return PlanContext(text=text, labels=labels, shares=shares, history=list(self.history),
                           current=self.edits[-1] if self.edits else None, edits=list(self.edits), asked=self.asked,
                           user_mask=mask)

    def apply(self, text: str, plan: dict[str, Any]) -> None:
        """Record the turn as if it ran: an edit joins the branch, undo/redo move along it, clarify asks."""
        op = plan.get("operation")
        count = plan.get("count", 1) if isinstance(plan.get("count"), int) else 1
        if op == "undo":
            for _ in range(min(count, len(self.edits))):
                self.undone.append(self.edits.pop())
        elif op == "redo":
            for _ in range(min(count, len(self.undone))):
                self.edits.append(self.undone.pop())
        elif op != "clarify":
            if plan_steps(plan)[0].get("replace") and self.edits:  # in place of the last edit
                self.edits.pop()
            self.edits.append(plan)
            self.undone.clear()
        self.asked = str(plan.get("question") or "") if op == "clarify" else ""
        self.history += [Turn("user", text), Turn("assistant", str(plan.get("reply") or ""), plan)]


def run_dialogue(planner: Planner, dialogue: dict[str, Any]) -> list[tuple[dict[str, Any], Any, list[str]]]:
    """Each turn of `dialogue` planned in the context of the turns before it: (turn, plan, problems)."""
    state = DialogueState(list(dialogue["labels"]))
    out = []
    for turn in dialogue["turns"]:
        plan = planner.plan(state.context(turn["text"], bool(turn.get("mask")))).instruction
        out.append((turn, plan, turn_problems(turn, plan)))
        state.apply(turn["text"], plan)
    return out
