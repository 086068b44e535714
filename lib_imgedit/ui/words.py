"""Instructions and plans said in plain words, in English or Chinese: what the chat shows for a
turn run from JSON, the area an edit touched (a painted one is "the painted area", never "the whole
image"), and the names the history strip gives its steps. No gradio here."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from ..core.instruction import plan_steps
from ..engine.replies import USER_MASK, label_name
from ..planner.suggest import offline_suggestions

# Operation names as the history strip and the replies say them.
OPERATION_NAMES: dict[str, tuple[str, str]] = {
    "upload": ("upload", "上传"), "inpaint": ("repaint", "重绘"), "recolor": ("recolour", "改色"),
    "remove": ("remove", "移除"), "restyle": ("restyle", "换风格"), "adjust": ("adjust", "调整"),
    "face_swap": ("face swap", "换脸"), "crop": ("crop", "裁剪"), "rotate": ("rotate", "旋转"),
    "flip": ("flip", "翻转"), "resize": ("resize", "缩放"), "undo": ("undo", "撤销"), "redo": ("redo", "重做"),
    "clarify": ("question", "提问"), "plan": ("steps", "多步"), "edit": ("edit", "编辑"),
}
ADJUST_NAMES = {"brightness": "亮度", "contrast": "对比度", "saturation": "饱和度", "warmth": "色温", "blur": "模糊",
                "sharpen": "锐化", "pixelate": "马赛克", "grayscale": "黑白", "stylize": "滤镜"}
_SIGNED = {"brightness", "contrast", "saturation", "warmth"}


def operation_name(operation: str, zh: bool) -> str:
    en, cn = OPERATION_NAMES.get(operation, (operation, operation))
    return cn if zh else en


def area(instruction: dict[str, Any], zh: bool) -> str:
    """The part of the picture an instruction edits, as a phrase."""
    targets = [t for t in instruction.get("targets") or [] if isinstance(t, str)]
    names = [label_name(t, zh) for t in targets]
    if zh:
        where = "、".join(names) or "整张图"
        return f"除{where}以外的部分" if names and (instruction.get("mask") or {}).get("invert") else where
    if not names:
        return "the whole image"
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    if (instruction.get("mask") or {}).get("invert"):
        return f"everything except the {joined}"
    return f"the {joined}"


def _adjust(values: dict[str, Any], zh: bool) -> str:
    parts = []
    for key, value in values.items():
        if key == "grayscale" and value:
            parts.append("黑白" if zh else "black and white")
        elif key == "stylize" and value:
            parts.append(f"{value}滤镜" if zh else f"a {value} filter")
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and value:
            sign = "+" if key in _SIGNED and value > 0 else ""
            parts.append(f"{ADJUST_NAMES.get(key, key) if zh else key} {sign}{float(value):.0%}")
    return ("、" if zh else ", ").join(parts) or ("无变化" if zh else "no change")


def describe_step(ins: dict[str, Any], zh: bool) -> str:
    """One instruction as a short sentence (without the final full stop)."""
    op = str(ins.get("operation", ""))
    where = area(ins, zh)
    prompt = str(ins.get("prompt", ""))[:80]
    if zh:
        texts = {
            "inpaint": f"把{where}重绘为：{prompt}", "recolor": f"把{where}的颜色改成{ins.get('color', '')}",
            "remove": f"去掉{where}", "restyle": f"把{where}转换为这种风格：{prompt}",
            "adjust": f"调整{where}：{_adjust(ins.get('adjust') or {}, True)}", "face_swap": "换脸",
            "crop": f"裁剪为 {ins['aspect']}" if ins.get("aspect") else f"裁剪到{where}",
            "rotate": f"顺时针旋转 {ins.get('angle', 0):g}°",
            "flip": "水平翻转" if ins.get("direction") == "horizontal" else "垂直翻转",
            "resize": _resize(ins, True), "undo": f"撤销 {ins.get('count', 1)} 步", "redo": f"重做 {ins.get('count', 1)} 步",
            "clarify": str(ins.get("question", "")),
        }
    else:
        texts = {
            "inpaint": f"Repaint {where} as: {prompt}", "recolor": f"Recolour {where} {ins.get('color', '')}".rstrip(),
            "remove": f"Remove {where}", "restyle": f"Restyle {where}: {prompt}",
            "adjust": f"Apply {_adjust(ins.get('adjust') or {}, False)} to {where}", "face_swap": "Swap the face",
            "crop": f"Crop to {ins['aspect']}" if ins.get("aspect") else f"Crop around {where}",
            "rotate": f"Rotate {ins.get('angle', 0):g}° clockwise",
            "flip": "Mirror left to right" if ins.get("direction") == "horizontal" else "Flip upside down",
            "resize": _resize(ins, False), "undo": f"Undo {ins.get('count', 1)} step(s)", "redo": f"Redo {ins.get('count', 1)} step(s)",
            "clarify": str(ins.get("question", "")),
        }
    return texts.get(op, op)


def _resize(ins: dict[str, Any], zh: bool) -> str:
    if ins.get("scale"):
        return f"缩放到 {float(ins['scale']):g} 倍" if zh else f"Resize by {float(ins['scale']):g}x"
    size = "×".join(str(ins.get(k) or "auto") for k in ("width", "height"))
    return f"缩放到 {size}" if zh else f"Resize to {size}"


def describe(instruction: dict[str, Any] | None, zh: bool) -> str:
    """A plan or instruction in words: one sentence, or the steps numbered."""
    steps = plan_steps(instruction)
    if not steps:
        return ""
    end = "。" if zh else "."
    if len(steps) == 1:
        return describe_step(steps[0], zh) + end
    return ("；" if zh else "; ").join(f"{i}. {describe_step(s, zh)}" for i, s in enumerate(steps, 1)) + end


def touches_painted_area(instruction: dict[str, Any] | None) -> bool:
    return any(USER_MASK in (s.get("targets") or []) for s in plan_steps(instruction))


@functools.cache
def _zh_strings() -> dict[str, str]:
    return json.loads((Path(__file__).parents[2] / "localizations" / "zh_CN.json").read_text("utf-8"))


def ui_text(text: str, zh: bool, **values: Any) -> str:
    """A text of the tab in its language (the dictionary the page translates the tab with,
    `localizations/zh_CN.json`), with `values` filled in."""
    said = _zh_strings().get(text, text) if zh else text
    return said.format(**values) if values else said  # a text without values may hold braces


def suggestion_text(suggestion: dict[str, Any], labels: list[str], zh: bool) -> str:
    """A suggestion's button text in the tab's language: as stored when it is in that language, else
    the offline suggestion for the same instruction, else the instruction in words."""
    text, instruction = str(suggestion.get("text", "")), suggestion.get("instruction")
    if bool(re.search(r"[\u3400-\u9fff]", text)) == zh or not isinstance(instruction, dict):
        return text
    same = offline_suggestions(labels, [], zh, lambda candidate: candidate == instruction, n=1)
    return same[0]["text"] if same else describe(instruction, zh).rstrip("。.")


def is_zh(lang: str | None) -> bool:
    return str(lang or "").lower().replace("-", "_").startswith("zh")
