"""An instruction or a plan in words, for whichever reader shows it, in English or Chinese.

Readers: "reply" (what the assistant says it is doing: "Applying blur 50% to the background."),
"caption" (the tab's words for a step, a history entry or a turn run from the Form: "Apply blur 50%
to the background"), "infotext" (the prompt line of a result PNG, always English: a step's own prompt
when it has one, so the WebUI's send-to buttons paste it, else its caption). Each reader has its own
sentence frame; the pieces are made once here, so an instruction reads the same wherever it is shown:
the same amounts (an adjustment as a percent of its range, signed where it goes both ways), the same
names of regions (`region_name`), the same colours.

`before`: the steps already applied to the picture (oldest first). Adjustments stack on the picture,
so a step that adjusts a region the same way again says so ("blur 25% more ... on top of the earlier
blur 50%"), never as if 25% were all the blur the region gets.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any, Iterable

from .colors import CHINESE_COLORS
from .config import DEFAULTS_DIR
from .instruction import plan_steps
from .labels import split_instance

READERS = ("reply", "caption", "infotext")
USER_MASK = "user_mask"
SIGNED = {"brightness", "contrast", "saturation", "warmth"}  # adjustments that go both ways (-1..1)
ADJUST_ZH = {"brightness": "亮度", "contrast": "对比度", "saturation": "饱和度", "warmth": "色温", "blur": "模糊",
             "sharpen": "锐化", "pixelate": "马赛克", "grayscale": "黑白", "stylize": "滤镜"}
_LEFTOVER = re.compile(r"(?:\s+(?:other|merged|stuff|things?))+$")  # COCO-style "wall other" is a wall


@cache
def _label_zh() -> dict[str, str]:
    """Label -> its Chinese name (`defaults/words/things.json`, checked when the planner loads it), else the first
    of the names of things (`objects.json`)."""
    words = DEFAULTS_DIR / "words"
    names = {k.replace(" ", "_"): v[0] for k, v in json.loads((words / "objects.json").read_text("utf-8"))["OBJECT_ZH"].items()}
    return {**names, **json.loads((words / "things.json").read_text("utf-8"))["LABEL_ZH"]}


def _is_zh(lang: str | bool) -> bool:
    return lang if isinstance(lang, bool) else str(lang).lower().replace("-", "_").startswith("zh")


def region_name(label: str, lang: str | bool = "en") -> str:
    """A label as people say it: `car_2` style names spaced, `wall_other` a wall, `person 2` the second person."""
    zh = _is_zh(lang)
    if label == USER_MASK:
        return "涂抹的区域" if zh else "painted area"
    base, number = split_instance(label)
    name = _LEFTOVER.sub("", re.sub(r"[_\-]+", " ", base).strip()) or base
    if zh:
        table = _label_zh()
        name = table.get(base, table.get(name.replace(" ", "_"), name))
    if number is None:
        return name
    return f"第{number}个{name}" if zh else f"{name} {number}"


def area(step: dict[str, Any], lang: str | bool = "en") -> str:
    """The part of the picture a step edits, as a phrase ("the sky and the sea", "everything except the hair")."""
    zh = _is_zh(lang)
    names = [region_name(t, zh) for t in step.get("targets") or [] if isinstance(t, str)]
    inverted = bool((step.get("mask") or {}).get("invert"))
    if zh:
        where = "、".join(names) or "整张图"
        return f"除{where}以外的部分" if names and inverted else where
    if not names:
        return "the whole image"
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"everything except the {joined}" if inverted else f"the {joined}"


def amounts(adjust: dict[str, Any], lang: str | bool = "en") -> str:
    """Adjustments as percents of their range: "brightness +30%, blur 50%" / "亮度 +30%、模糊 50%"."""
    zh = _is_zh(lang)
    parts = []
    for key, value in adjust.items():
        if key == "grayscale" and value:
            parts.append("黑白" if zh else "black and white")
        elif key == "stylize" and value:
            parts.append(f"{value}滤镜" if zh else f"a {value} filter")
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and value:
            sign = "+" if key in SIGNED and value > 0 else ""
            parts.append(f"{ADJUST_ZH.get(key, key) if zh else key} {sign}{float(value):.0%}")
    return ("、" if zh else ", ").join(parts) or ("无变化" if zh else "no change")


def colour_name(color: str, lang: str | bool = "en") -> str:
    if not _is_zh(lang):
        return color
    tone = color.split(" ", 1)
    if len(tone) == 2 and tone[0] in ("light", "dark"):  # "light ginger" -> 浅姜黄
        return ("浅" if tone[0] == "light" else "深") + colour_name(tone[1], True).removeprefix("浅").removeprefix("深")
    color = {"grey": "gray"}.get(color, color)
    named = next((k for k, v in CHINESE_COLORS.items() if v == color and len(k) > 1), None)
    return named or {"gold": "金色", "gunmetal": "枪灰色", "silver": "银色"}.get(color, color)


def _earlier(step: dict[str, Any], before: Iterable[dict[str, Any]], zh: bool) -> str:
    """What earlier adjust steps on the same region did with the keys this one adjusts again, in words
    ("blur 50% and blur 25%", or a count and the last one when there were many); "" when it adjusts the
    region afresh."""
    region = (sorted(step.get("targets") or []), bool((step.get("mask") or {}).get("invert")))
    keys = {k for k, v in (step.get("adjust") or {}).items() if v and k not in ("grayscale", "stylize")}
    done = []
    for s in before:
        same = {k: v for k, v in (s.get("adjust") or {}).items() if k in keys and v} if s.get("operation") == "adjust" else {}
        if same and (sorted(s.get("targets") or []), bool((s.get("mask") or {}).get("invert"))) == region:
            done.append(amounts(same, zh))
    if len(done) > 3:
        return f"{len(done)} 次调整（最近一次{done[-1]}）" if zh else f"{len(done)} adjustments, the last {done[-1]}"
    if len(done) < 2:
        return "".join(done)
    return "、".join(done) if zh else ", ".join(done[:-1]) + " and " + done[-1]


def _step(step: dict[str, Any], reader: str, zh: bool, before: list[dict[str, Any]]) -> str:
    """One step as a sentence without its full stop, in the reply's or the caption's frame."""
    op = str(step.get("operation", ""))
    reply = reader == "reply"
    where = area(step, zh)
    prompt = str(step.get("prompt", "")).replace("\n", " ")
    prompt = prompt if len(prompt) <= 80 else prompt[:77] + "..."
    color = colour_name(str(step.get("color", "")), zh)
    count = int(step.get("count") or 1)
    angle = float(step.get("angle") or 0)
    faces = ", ".join(str(int(f) + 1) for f in step.get("faces") or [])
    earlier = _earlier(step, before, zh) if op == "adjust" else ""
    if zh:
        size = (f"{float(step['scale']):g} 倍" if step.get("scale") else
                " × ".join(f"{step[k]} 像素{'宽' if k == 'width' else '高'}" for k in ("width", "height") if step.get(k)))
        more = f"在之前的{earlier} 之上再加" if earlier else ""
        texts = {
            "inpaint": f"把{where}重绘为：{prompt}", "recolor": f"把{where}的颜色改成{color}", "remove": f"去掉{where}",
            "restyle": f"把{where}转换为这种风格：{prompt}", "adjust": f"调整{where}：{more}{amounts(step.get('adjust') or {}, True)}",
            "face_swap": "把你的脸换到" + (f"第{faces.replace(', ', '、')}张脸上" if faces else f"{where}上" if step.get("targets")
                                        else "图中的脸上"),
            "crop": f"裁剪为 {_crop_size(step)}" if step.get("aspect") else f"裁剪到{where}",
            "rotate": f"{'顺' if angle >= 0 else '逆'}时针旋转 {abs(angle):g}°",
            "flip": "水平翻转（镜像）" if step.get("direction") == "horizontal" else "上下翻转", "resize": f"缩放到 {size}",
            "undo": "撤销上一步" if count == 1 else f"撤销最近 {count} 步", "redo": "重做上一步" if count == 1 else f"重做 {count} 步",
        }
        return texts.get(op, str(step.get("question") or op))
    size = (f"by {float(step['scale']):g}x" if step.get("scale") else
            "to " + " x ".join(f"{step[k]} px {'wide' if k == 'width' else 'high'}" for k in ("width", "height") if step.get(k)))
    on_top = f" more to {where} (on top of the earlier {earlier})" if earlier else f" to {where}"
    verbs = {  # (reply, caption)
        "inpaint": ("Repainting", "Repaint"), "recolor": ("Recolouring", "Recolour"), "remove": ("Removing", "Remove"),
        "restyle": ("Restyling", "Restyle"), "adjust": ("Applying", "Apply"), "face_swap": ("Swapping", "Swap"),
        "crop": ("Cropping", "Crop"), "rotate": ("Rotating", "Rotate"), "resize": ("Resizing", "Resize"),
        "undo": ("Undoing", "Undo"), "redo": ("Redoing", "Redo"),
    }
    rest = {
        "inpaint": f" {where} as: {prompt}", "recolor": f" {where} {color}".rstrip(), "remove": f" {where}",
        "restyle": f" {where}: {prompt}", "adjust": f" {amounts(step.get('adjust') or {})}{on_top}",
        "face_swap": f" your face onto face {faces} (left to right)" if faces else f" your face onto {where}" if step.get("targets")
        else " your face into the picture",
        "crop": f" to {_crop_size(step)}" if step.get("aspect") else f" around {where}",
        "rotate": f" {abs(angle):g}° {'clockwise' if angle >= 0 else 'counter-clockwise'}", "resize": f" {size}",
        "undo": " the last step" if count == 1 else f" the last {count} steps",
        "redo": " the last undone step" if count == 1 else f" {count} steps",
    }
    if op == "flip":
        vertical = step.get("direction") == "vertical"
        if reply:
            return "Flipping upside down" if vertical else "Mirroring left to right"
        return "Flip upside down" if vertical else "Mirror left to right"
    if op not in verbs:
        return str(step.get("question") or op)
    return verbs[op][0 if reply else 1] + rest[op]


def describe_step(step: dict[str, Any], reader: str = "reply", lang: str | bool = "en",
                  before: Iterable[dict[str, Any]] = ()) -> str:
    """One step (a JSON instruction) in the reader's words, with its full stop for a reply."""
    if reader not in READERS:
        raise ValueError(f"unknown reader {reader!r}; one of {', '.join(READERS)}")
    if step.get("operation") == "clarify":  # a question back is said as it was asked
        return str(step.get("question") or step.get("reply") or "")
    if reader == "infotext":
        return str(step.get("prompt") or "").replace("\n", " ") or _step(step, "caption", False, list(before))
    zh = _is_zh(lang)
    text = _step(step, reader, zh, list(before))
    if step.get("replace"):  # done on the picture before the last edit, in its place
        text += "（替换上一步）" if zh else " in place of the last edit"
    return text + ("。" if zh else ".") if reader == "reply" else text


def joined(said: list[str], reader: str = "reply", lang: str | bool = "en") -> str:
    """Steps already in words as one text: a reply numbers them, a caption lists them, the infotext adds them up."""
    zh = _is_zh(lang)
    if reader == "infotext":
        return " + ".join(said)
    end = "" if reader == "reply" else ("。" if zh else ".")
    if len(said) == 1:
        return said[0] + ("" if said[0].endswith(("?", "？", ".", "。")) else end)
    if reader == "reply":
        listed = " ".join(f"{i}. {text}" for i, text in enumerate(said, 1))
        return f"分 {len(said)} 步完成：{listed}" if zh else f"Done in {len(said)} steps: {listed}"
    return ("；" if zh else "; ").join(f"{i}. {text}" for i, text in enumerate(said, 1)) + end


def describe(instruction: Any, reader: str = "reply", lang: str | bool = "en", before: Iterable[Any] = ()) -> str:
    """An instruction or plan (JSON, or a validated `EditInstruction` / `EditPlan`) in the reader's words;
    `before`: the instructions or plans already applied to the picture, oldest first."""
    steps = plan_steps(_as_dict(instruction))
    if not steps:
        return ""
    done = [s for b in before for s in plan_steps(_as_dict(b))]
    said = []
    for step in steps:  # a step also stacks on the plan's steps before it
        said.append(describe_step(step, reader, lang, done))
        done.append(step)
    return joined(said, reader, lang)


def _as_dict(instruction: Any) -> dict[str, Any] | None:
    return instruction.to_dict() if hasattr(instruction, "to_dict") else instruction


def _crop_size(step: dict[str, Any]) -> str:
    """'3:2', or '1200 x 800 px' for a crop to a size in pixels."""
    return f"{step['width']} x {step['height']} px" if step.get("width") and step.get("height") else str(step["aspect"])
