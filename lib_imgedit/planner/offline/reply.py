"""The reply that says what is being done, and the question asked back."""

from __future__ import annotations

from typing import Any

from ...core.describe import area, describe
from ...core.instruction import PICTURE_OPERATIONS
from .labels import names_of


def reply_for(ins: dict[str, Any], zh: bool, before: list[dict[str, Any]]) -> str:
    """What the assistant says it is doing, in the words the tab and the infotext use (`core/describe.py`);
    `before`: the plans already applied to the picture (an adjustment made again says it stacks)."""
    return describe(ins, "reply", zh, before)


def clarify(labels: list[str], zh: bool, missing: str, ask_what: bool = False) -> dict[str, Any]:
    shown = list(dict.fromkeys(labels))
    names = names_of(shown, zh) if shown else ""
    if len(names) > 300:
        names = names[:297] + "..."
    if zh:
        if missing and not ask_what:
            q = f"图中没有找到“{missing[:40]}”。" + (f"图里有：{names}。你想修改哪一部分？" if names else "你能换个说法吗？")
        else:
            q = "你想怎么修改这张图？" + (f"图里有：{names}。" if names else "")
    else:
        if missing and not ask_what:
            q = f"I can't find “{missing[:40]}” in this picture." + (
                f" I can see: {names}. Which part do you mean?" if names else " Could you describe it another way?")
        else:
            q = "What would you like to change?" + (f" In this picture I can see: {names}." if names else "")
    return {"operation": "clarify", "targets": [], "question": q}




def understood(ins: dict[str, Any], zh: bool) -> str:
    """One short sentence for a plan the planner acts on without being sure: what it took the request to mean
    and how to say otherwise ("I took this to mean the whole picture; name a part, e.g. 'only the background',
    to change that")."""
    targets = ins.get("targets") or []
    if ins.get("operation") in PICTURE_OPERATIONS or ins.get("operation") in ("undo", "redo", "clarify"):
        return ""
    where = area(ins, zh)  # as the reply names it ("the sky", "everything except the hair", 整张图)
    if zh:
        return f"我理解为{where}；如果不是，请说“只改背景”之类。" if not targets else \
            f"我理解为{where}；如果是指整张图，请说“整张图”。"
    if not targets:
        return "I took this to mean the whole picture; name a part (e.g. 'only the background') to change that."
    return f"I took this to mean {where}; say 'the whole picture' or name another part to change that."


def other_readings(ins: dict[str, Any], labels: list[str], zh: bool) -> list[dict[str, Any]]:
    """The reading next to an unsure plan, as a one-click suggestion: the whole picture instead of a region, or
    the background instead of the whole picture (a tone or a filter: the same operation either way)."""
    if ins.get("operation") not in ("adjust", "recolor"):
        return []
    alt = {k: v for k, v in ins.items() if k not in ("targets", "mask", "reply")}
    if ins.get("targets"):
        if ins.get("operation") == "recolor":
            return []
        text = "整张图" if zh else "The whole picture instead"
        alt["targets"] = []
    elif "background" in labels:
        text = "只改背景" if zh else "Only the background"
        alt["targets"] = ["background"]
    else:
        return []
    alt["reply"] = reply_for(alt, zh, labels)
    return [{"text": text, "instruction": alt}]
