"""What a turn says: the description of an upload and the reply naming every step done."""

from __future__ import annotations

from typing import Any

from ..core.instruction import EditInstruction, EditPlan
from ..core.labels import LabelMap, percent, split_instance
from ..executors import EditResult
from ..planner.vocab import LABEL_ZH

USER_MASK = "user_mask"


def label_name(label: str, zh: bool) -> str:
    """A label as the user reads it, in English or Chinese ("person 2", "第2个人"); the chips, the
    replies and the history use the same names."""
    if label == USER_MASK:
        return "涂抹的区域" if zh else "painted area"
    base, number = split_instance(label)
    name = LABEL_ZH.get(base, LABEL_ZH.get(base.replace(" ", "_"), base)) if zh else base.replace("_", " ")
    if number is None:
        return name
    return f"第{number}个{name}" if zh else f"{name} {number}"


def describe_labels(labels: LabelMap, zh: bool) -> str:
    items = labels.summary()
    if not items:
        return "我没有识别出明确的区域，可以对整张图片进行编辑。" if zh else "I found no distinct regions; edits will apply to the whole picture."
    parts = ("、" if zh else ", ").join(f"{label_name(i['name'], zh)} ({percent(i['share'])})" for i in items)
    faces = len(labels.faces)
    if zh:
        extra = f"，共 {faces} 张脸（从左到右编号）" if faces > 1 else ""
        return f"我在图中看到：{parts}{extra}。告诉我想怎么改吧。"
    extra = f" I found {faces} faces, numbered left to right." if faces > 1 else ""
    return f"I can see: {parts}.{extra} Tell me what to change."


def _picture_reply(instr: EditInstruction, zh: bool, info: dict[str, Any]) -> str:
    op = instr.operation
    if op == "crop":
        how = instr.aspect or ""
        around = ", ".join(instr.targets)
        if zh:
            return f"已裁剪{'到' + around + '周围' if around else ''}{'，比例 ' + how if how else ''}。"
        return f"Cropped{' around ' + around if around else ''}{' to ' + how if how else ''}."
    if op == "rotate":
        a = instr.angle
        if zh:
            return f"已{'顺' if a >= 0 else '逆'}时针旋转 {abs(a):g}°。"
        return f"Rotated {abs(a):g}° {'clockwise' if a >= 0 else 'counter-clockwise'}."
    if op == "flip":
        if zh:
            return "已水平翻转。" if instr.direction == "horizontal" else "已上下翻转。"
        return "Mirrored left to right." if instr.direction == "horizontal" else "Flipped upside down."
    size = "x".join(str(v) for v in info.get("size", [])) or "the new size"
    return f"已调整尺寸为 {size}。" if zh else f"Resized to {size}."


def default_reply(instr: EditInstruction, zh: bool, info: dict[str, Any] | None = None) -> str:
    if instr.is_picture:
        return _picture_reply(instr, zh, info or {})
    where = ", ".join(instr.targets) if instr.targets else ("整张图" if zh else "the whole picture")
    if zh:
        return f"已完成：{instr.operation}（{where}）。"
    return f"Done: {instr.operation} on {where}."


def plan_reply(plan: EditPlan, results: list[EditResult], zh: bool) -> str:
    """One step: its reply. Several: every step, numbered, in the order they ran."""
    said = [(s.reply if s.reply and not s.is_picture else "") or default_reply(s, zh, r.info)
            for s, r in zip(plan.steps, results, strict=True)]
    if len(said) == 1:
        return said[0]
    listed = " ".join(f"{i}. {text}" for i, text in enumerate(said, 1))
    return f"分 {len(said)} 步完成：{listed}" if zh else f"Done in {len(said)} steps: {listed}"


def no_change_reply(plan: EditPlan, zh: bool) -> str:
    """A plan whose result is the picture as it was (no step is stored): what is already so."""
    step = plan.steps[0] if len(plan.steps) == 1 else None
    if step is not None and step.operation == "crop" and step.aspect and not step.targets:
        width, _, height = step.aspect.partition(":")
        square = width == height
        if zh:
            return f"图片已经是{'正方形' if square else step.aspect + ' 的比例'}了，没有改动，也没有新增步骤。"
        return f"The picture is already {'square' if square else step.aspect}, so nothing was changed and no step was added."
    if zh:
        return "这样做图片不会有任何变化，所以没有改动，也没有新增步骤。"
    return "That leaves the picture exactly as it was, so nothing was changed and no step was added."


def with_notes(reply: str, notes: list[str]) -> str:
    """The reply with the turn's notes (a model downloaded or skipped, an executor's warning) after it."""
    return reply + (" (" + "; ".join(notes) + ")" if notes else "")
