"""The reply that says what is being done, and the question asked back."""

from __future__ import annotations

from typing import Any

from ...core.describe import describe
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


