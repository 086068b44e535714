"""Requests with several readings about as likely, asked back with each one click away instead of guessing:
- when the planner is unsure and another reading is close (the opposite region, another operation): "brighter"
  right after a mid-tone recolour (the picture, or a lighter shade of the new colour), an exclusion it could not
  apply ("everything except him": him, or the rest), "add smoke out of the chimney" painted elsewhere, a size in
  pixels it did not use;
- when one thing is named with several of it in the picture ("remove the person" with two people): which one.
"""

from __future__ import annotations

import re
from typing import Any

from ...core.describe import describe, region_name
from ...core.instruction import PICTURE_OPERATIONS
from ...core.labels import split_instance
from ..base import PlanContext
from .confidence import half_read
from .draft import Draft
from .finish import finish
from .labels import instances, resolve_thing, singular
from .tokens import tokenize

_ALL_OF_THEM = re.compile(r"\b(?:both|all|every|each|them|those|these|they|people|everyone|everybody|crowd)\b|"
                          r"两|都|所有|全部|每|他们|她们|它们|们")
_PLURALS = {"children", "people", "men", "women", "kids", "folks", "feet", "teeth", "geese", "mice"}
_ONE_EN = re.compile(r"\b(?:the|that|this|his|her)\s+(?:[a-z]+\s+)?$")  # "the person", "that tall guy", "her hair"
_ONE_ZH = re.compile(r"(?:(?:那|这)(?:一)?(?:个|只|位|辆|条|头|匹|棵|张|台|把|件)|[他她]的)$")  # 那个人, 这辆车, 她的头发


def close_reading(draft: Draft, ins: dict[str, Any], labels: list[str]) -> dict[str, Any] | None:
    """The other reading of `draft` (finished as `ins`) that is about as likely, or None."""
    if draft.alt is not None:
        return draft.alt
    if not draft.text or draft.kind in ("ask", "chat", "history", "picture", "question"):
        return None
    return half_read(draft.text, ins, draft.read, labels)[1] if ins.get("operation") != "clarify" else None


def one_of_several(text: str, ins: dict[str, Any], labels: list[str]) -> list[dict[str, Any]]:
    """"remove the person" / 把那个人去掉 with `person 1` and `person 2`: the plan on each, left to right;
    [] when the request names them all ("both", "the people") or picks one itself."""
    targets = list(ins.get("targets") or [])
    if len(targets) < 2 or ins.get("operation") in PICTURE_OPERATIONS or (ins.get("mask") or {}).get("invert"):
        return []
    group = instances(targets[0], labels)
    if set(targets) != set(group) or _ALL_OF_THEM.search(text):
        return []
    for tok in tokenize(text, labels):
        if tok.cat != "thing" or singular(tok.text) != tok.text or tok.text in _PLURALS:
            continue
        value = tok.cats["thing"]
        named = [value[1]] if isinstance(value, tuple) and value[0] == "@label" else \
            list(value[1]) if isinstance(value, tuple) else resolve_thing(value, labels)[0]
        if not set(named) & set(group):  # "the faces of the children": the word for another class
            continue
        if _ONE_EN.search(text[:tok.start]) or _ONE_ZH.search(text[:tok.start]) or _ONE_ZH.search(tok.text[:2]):
            return [{**ins, "targets": [x]} for x in group[:4]]
    return []


def ask_among(rules: dict[str, Any], readings: list[dict[str, Any]], ctx: PlanContext, labels: list[str], zh: bool,
              notes: list[str]) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """A question naming the readings, and each as a one-click answer; None when fewer than two differ."""
    plans = [finish(rules, dict(r), ctx, labels, zh, []) for r in readings]
    plans = [p for i, p in enumerate(plans) if p.get("operation") != "clarify" and _bare(p) not in map(_bare, plans[:i])]
    if len(plans) < 2:
        return None
    notes.append(f"{len(plans)} readings are about as likely; asking which one")
    said = [_said(p, plans, zh, ctx) for p in plans]
    if zh:
        question = f"你是想{'，还是'.join(said)}？点一个即可。"
    else:
        listed = ", ".join(_lower(s) for s in said[:-1]) + ", or " + _lower(said[-1])
        question = f"Did you mean: {listed}? Click one."
    clarify = {"operation": "clarify", "targets": [], "question": question, "reply": question}
    return clarify, [{"text": s, "instruction": p} for s, p in zip(said, plans, strict=True)]


def _said(plan: dict[str, Any], plans: list[dict[str, Any]], zh: bool, ctx: PlanContext) -> str:
    """A reading in a few words; where the readings differ only in which instance, that instance by where it
    is ("Remove the person on the left")."""
    targets = plan.get("targets") or []
    if len(targets) != 1 or split_instance(targets[0])[1] is None or \
            any(_bare({**p, "targets": targets}) != _bare(plan) for p in plans):
        return describe(plan, "caption", zh, ctx.edits).rstrip("。.")
    base = region_name(split_instance(targets[0])[0], zh)
    where = _where(targets[0], plans, zh)
    named = f"{where}的{base}" if zh else f"{base} {where}"  # "the hair on the left", 左边的头发
    return describe({**plan, "targets": [named]}, "caption", zh, ctx.edits).rstrip("。.")


def _where(target: str, plans: list[dict[str, Any]], zh: bool) -> str:
    i, n = [p["targets"][0] for p in plans].index(target), len(plans)
    names = (["左边", "右边"] if n == 2 else ["左边", "中间", "右边"] if n == 3 else []) if zh else \
        (["on the left", "on the right"] if n == 2 else ["on the left", "in the middle", "on the right"] if n == 3 else [])
    if not names:
        return f"左起第 {i + 1} 个" if zh else f"{_ordinal(i + 1)} from the left"
    return names[i]


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def _bare(ins: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in ins.items() if k != "reply"}


def _lower(said: str) -> str:
    return said[:1].lower() + said[1:]
