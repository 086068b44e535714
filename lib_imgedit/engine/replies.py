"""What a turn says: the description of an upload and the reply naming every step done."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..core.describe import describe_step, joined, region_name
from ..core.instruction import EditPlan
from ..core.labels import LabelMap, percent


def describe_labels(labels: LabelMap, zh: bool) -> str:
    items = labels.summary()
    if not items:
        return "我没有识别出明确的区域，可以对整张图片进行编辑。" if zh else "I found no distinct regions; edits will apply to the whole picture."
    parts = ("、" if zh else ", ").join(f"{region_name(i['name'], zh)} ({percent(i['share'])})" for i in items)
    faces = len(labels.faces)
    if zh:
        extra = f"，共 {faces} 张脸（从左到右编号）" if faces > 1 else ""
        return f"我在图中看到：{parts}{extra}。告诉我想怎么改吧。"
    extra = f" I found {faces} faces, numbered left to right." if faces > 1 else ""
    return f"I can see: {parts}.{extra} Tell me what to change."


def plan_reply(plan: EditPlan, zh: bool, before: list[dict[str, Any]]) -> str:
    """One step: its reply. Several: every step, numbered, in the order they ran. A step keeps the reply
    its planner wrote for it (one that may no longer fit is dropped where the step changes:
    `run_instruction`, `on_drawn_mask`); otherwise, and for picture operations, it is said from the step
    (`core/describe.py`), stacked on `before`: the steps already applied to the picture."""
    done, said = list(before), []
    for step in plan.steps:
        data = step.to_dict()
        said.append(step.reply if step.reply and not step.is_picture else describe_step(data, "reply", zh, done))
        done.append(data)
    return joined(said, "reply", zh)


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


def labels_to_follow(zh: bool) -> str:
    """Said after an upload's labels when slower segmenters are still reading the picture."""
    return "其他模型还在识别图片，找到的会随后补上。" if zh else "Other models are still reading the picture; what they find will follow."


def describe_added(labels: LabelMap, first: Collection[str], notes: list[str], zh: bool) -> str:
    """The message that ends a reading in the background: the labels it added to `first` (the upload's),
    with share, in the upload reply's words; what went wrong as notes; or that it found nothing more."""
    added = [i for i in labels.summary() if i["name"] not in first]
    if added:
        parts = ("、" if zh else ", ").join(f"{region_name(i['name'], zh)} ({percent(i['share'])})" for i in added)
        return with_notes(f"我还看到：{parts}。" if zh else f"I can also see: {parts}.", notes)
    if notes:  # what went wrong, in the words the upload reply uses for it
        return with_notes("其他模型没有补充标签。" if zh else "The other models added no labels.", notes)
    return "其他模型没有找到更多内容。" if zh else "The other models found nothing more."
