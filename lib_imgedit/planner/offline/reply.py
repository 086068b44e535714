"""The reply that says what is being done, and the question asked back."""

from __future__ import annotations

from typing import Any

from ...core.colors import CHINESE_COLORS
from ...core.instruction import PICTURE_OPERATIONS
from .amounts import SIGNED_PARAMS
from .labels import names_of

_ADJ_NAMES = {"brightness": "亮度", "contrast": "对比度", "saturation": "饱和度", "warmth": "色温", "blur": "模糊",
              "sharpen": "锐化", "pixelate": "马赛克"}


def _picture_reply(ins: dict[str, Any], zh: bool, where: str) -> str:
    op = ins["operation"]
    if op == "crop":
        if ins.get("aspect"):
            return f"裁剪为 {ins['aspect']}。" if zh else f"Cropping to {ins['aspect']}."
        return f"裁剪到{where}。" if zh else f"Cropping to {where}."
    if op == "rotate":
        angle = ins.get("angle", 0)
        if zh:
            return f"{'顺' if angle > 0 else '逆'}时针旋转 {abs(angle):g} 度。"
        return f"Rotating {abs(angle):g} degrees {'clockwise' if angle > 0 else 'counterclockwise'}."
    if op == "flip":
        vertical = ins.get("direction") == "vertical"
        return ("上下翻转。" if vertical else "水平翻转（镜像）。") if zh else \
            ("Flipping upside down." if vertical else "Mirroring left to right.")
    size = (f"{ins['scale']:g}x" if ins.get("scale") else
            " x ".join(f"{ins[k]} px {'宽' if zh else 'wide'}" if k == "width" else f"{ins[k]} px {'高' if zh else 'high'}"
                       for k in ("width", "height") if ins.get(k)))
    return f"缩放到 {size}。" if zh else f"Resizing to {size}."


def reply_for(ins: dict[str, Any], zh: bool, labels: list[str]) -> str:
    op = ins["operation"]
    targets = ins.get("targets", [])
    where = names_of(targets, zh)
    inverted = bool((ins.get("mask") or {}).get("invert"))
    if inverted:
        where = ("除" + where + "以外的部分") if zh else f"everything except the {where}"
    elif where and not zh:
        where = f"the {where}"
    prompt = ins.get("prompt", "")
    short = prompt if len(prompt) <= 80 else prompt[:77] + "..."
    count = ins.get("count", 1)
    if zh:
        whole = where or "整张图"
        if op == "inpaint":
            return f"把{whole}重绘为：{short}。"
        if op == "recolor":
            color = next((k for k, v in CHINESE_COLORS.items() if v == ins.get("color") and len(k) > 1),
                         ins.get("color", ""))
            return f"把{whole}的颜色改成{color}。"
        if op == "remove":
            return f"去掉{whole}。"
        if op == "restyle":
            return f"把整张图转换为这种风格：{short}。"
        if op == "adjust":
            return f"调整{whole}：{_adjust_desc(ins.get('adjust', {}), True)}。"
        if op == "face_swap":
            faces = ins.get("faces") or []
            return "把你的脸换到" + (f"第{'、'.join(str(f + 1) for f in faces)}张脸上。" if faces else "图中的脸上。")
        if op == "undo":
            return "撤销上一步。" if count == 1 else f"撤销最近{count}步。"
        if op in PICTURE_OPERATIONS:
            return _picture_reply(ins, True, where)
        if op == "redo":
            return "重做上一步。" if count == 1 else f"重做{count}步。"
        return ins.get("question", "")
    whole = where or "the whole image"
    if op == "inpaint":
        return f"Repainting {whole} as: {short}."
    if op == "recolor":
        return f"Recoloring {whole} {ins.get('color', '')}."
    if op == "remove":
        return f"Removing {whole}."
    if op == "restyle":
        return f"Restyling the whole image: {short}."
    if op == "adjust":
        return f"Applying {_adjust_desc(ins.get('adjust', {}), False)} to {whole}."
    if op == "face_swap":
        faces = ins.get("faces") or []
        if faces:
            return "Swapping your face onto face " + ", ".join(str(f + 1) for f in faces) + " (left to right)."
        return "Swapping your face into the picture."
    if op == "undo":
        return "Undoing the last step." if count == 1 else f"Undoing the last {count} steps."
    if op in PICTURE_OPERATIONS:
        return _picture_reply(ins, False, where)
    if op == "redo":
        return "Redoing the last undone step." if count == 1 else f"Redoing {count} steps."
    return ins.get("question", "")


def _adjust_desc(adj: dict[str, Any], zh: bool) -> str:
    parts = []
    for key, value in adj.items():
        if key == "grayscale":
            parts.append("黑白" if zh else "black and white")
        elif key == "stylize":
            parts.append(f"{value}滤镜" if zh else f"a {value} filter")
        elif isinstance(value, (int, float)):
            name = _ADJ_NAMES.get(key, key) if zh else key
            sign = "+" if key in SIGNED_PARAMS and value > 0 else ""
            parts.append(f"{name} {sign}{float(value):.0%}")
    return ("、" if zh else ", ").join(parts)


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
    where = names_of(targets, zh)
    if (ins.get("mask") or {}).get("invert"):
        where = f"除{where}以外的部分" if zh else f"everything except the {where}"
    elif where and not zh:
        where = f"the {where}"
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
