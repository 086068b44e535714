"""The tab's own words, in English or Chinese: the names the history strip gives its steps, whether a
plan touched the painted area, the tab's language. Instructions themselves are put into words by
`core/describe.py` (reader "caption"), as the replies and the infotext are. No gradio here."""

from __future__ import annotations

import re
from typing import Any

from ..core.describe import USER_MASK, describe
from ..core.instruction import plan_steps
from ..core.lang import translated
from ..planner.suggest import offline_suggestions

# Operation names as the history strip and the replies say them.
OPERATION_NAMES: dict[str, tuple[str, str]] = {
    "upload": ("upload", "上传"), "inpaint": ("repaint", "重绘"), "recolor": ("recolour", "改色"),
    "remove": ("remove", "移除"), "restyle": ("restyle", "换风格"), "adjust": ("adjust", "调整"),
    "face_swap": ("face swap", "换脸"), "crop": ("crop", "裁剪"), "rotate": ("rotate", "旋转"),
    "flip": ("flip", "翻转"), "resize": ("resize", "缩放"), "undo": ("undo", "撤销"), "redo": ("redo", "重做"),
    "clarify": ("question", "提问"), "plan": ("steps", "多步"), "edit": ("edit", "编辑"),
}


def operation_name(operation: str, zh: bool) -> str:
    en, cn = OPERATION_NAMES.get(operation, (operation, operation))
    return cn if zh else en


def touches_painted_area(instruction: dict[str, Any] | None) -> bool:
    return any(USER_MASK in (s.get("targets") or []) for s in plan_steps(instruction))


def ui_text(text: str, zh: bool, **values: Any) -> str:
    """A text of the tab in its language (the dictionary the page translates the tab with,
    `localizations/zh_CN.json`), with `values` filled in."""
    said = translated(text, zh)
    return said.format(**values) if values else said  # a text without values may hold braces


def suggestion_text(suggestion: dict[str, Any], labels: list[str], zh: bool) -> str:
    """A suggestion's button text in the tab's language: as stored when it is in that language, else
    the offline suggestion for the same instruction, else the instruction in words."""
    text, instruction = str(suggestion.get("text", "")), suggestion.get("instruction")
    if bool(re.search(r"[\u3400-\u9fff]", text)) == zh or not isinstance(instruction, dict):
        return text
    same = offline_suggestions(labels, [], zh, lambda candidate: candidate == instruction, n=1)
    return same[0]["text"] if same else describe(instruction, "caption", zh).rstrip("。.")


def is_zh(lang: str | None) -> bool:
    return str(lang or "").lower().replace("-", "_").startswith("zh")
