"""The instruction editor's Form view, as data: one field per leaf of the instruction schema
(`build_schema`: adjust and mask options one by one), which fields an operation uses, and the
round trip between the JSON in the editor and the form's values, one step of a plan at a time.
No gradio here: `editor.py` turns each field into a widget."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..core.instruction import MAX_STEPS, build_schema, is_steps, plan_steps

# Which operations use a field (by its top-level name); absent: every operation.
REGION_OPS = ("inpaint", "recolor", "remove", "adjust")
FIELD_OPS: dict[str, tuple[str, ...]] = {
    "targets": ("inpaint", "recolor", "remove", "adjust", "face_swap", "crop"),
    "prompt": ("inpaint", "restyle"), "negative_prompt": ("inpaint", "restyle"), "color": ("recolor",),
    "adjust": ("adjust",), "strength": ("inpaint", "restyle", "recolor", "remove", "face_swap"),
    "mask": REGION_OPS, "control": ("inpaint", "restyle", "remove"), "faces": ("face_swap",),
    "count": ("undo", "redo"), "aspect": ("crop",), "angle": ("rotate",), "direction": ("flip",),
    "scale": ("resize",), "width": ("resize",), "height": ("resize",), "question": ("clarify",),
    "replace": ("inpaint", "recolor", "remove", "restyle", "adjust", "face_swap", "crop", "rotate", "flip", "resize"),
}
ASPECTS = ("1:1", "4:3", "3:4", "3:2", "2:3", "16:9", "9:16", "4:5")
LABELS = {
    "operation": "Operation", "targets": "Targets", "prompt": "Prompt", "negative_prompt": "Negative prompt",
    "color": "Colour", "strength": "Strength (0: default)", "control": "ControlNet (auto, none or a preprocessor)",
    "faces": "Faces (numbers from 0, left to right)", "count": "Steps to undo or redo", "aspect": "Aspect ratio (W:H)",
    "angle": "Angle (degrees clockwise)", "direction": "Direction", "scale": "Scale (0: not set)",
    "width": "Width (0: not set)", "height": "Height (0: not set)", "question": "Question", "reply": "Reply (shown in the chat)",
    "replace": "In place of the last step (from the picture before it)",
    "mask.dilate": "Grow the mask (px)", "mask.erode": "Shrink the mask (px)", "mask.feather": "Feather (px)",
    "mask.invert": "Invert the mask (edit everything else)", "adjust.grayscale": "Black and white",
    "adjust.stylize": "Filter",
}
# The form's own help, for a person (the schema's descriptions are written for a language model);
# a field whose label says enough has none.
FORM_HELP = {
    "operation": "what to do to the picture", "targets": "the parts to edit; none: the whole picture",
    "prompt": "what the new content should look like", "negative_prompt": "what to keep out of it",
    "color": "a colour name or #rrggbb", "strength": "how much may change", "aspect": "none: crop around the targets",
    "direction": "horizontal mirrors left to right", "adjust.brightness": "-1 much darker, +1 much brighter",
    "adjust.contrast": "-1 flat, +1 punchy", "adjust.saturation": "-1 grey, +1 vivid",
    "adjust.warmth": "-1 cooler (blue), +1 warmer (orange)", "adjust.blur": "1 is very strong",
    "adjust.sharpen": "1 is very strong", "adjust.pixelate": "1 is very coarse",
}
# The value a field has when it is not set; such values are left out of the JSON.
UNSET: dict[str, Any] = {"count": 1, "control": "auto"}


@dataclass(frozen=True)
class FormField:
    path: str  # "prompt", "adjust.blur", "mask.invert"
    kind: str  # choice, multi, text, color, slider, number, check
    label: str
    help: str = ""
    choices: tuple[str, ...] = ()
    lo: float | None = None
    hi: float | None = None
    step: float | None = None

    @property
    def group(self) -> str:
        return self.path.split(".")[0]

    @property
    def empty(self) -> Any:
        if self.path in UNSET:
            return UNSET[self.path]
        if self.kind == "multi":
            return []
        if self.kind in ("slider", "number"):
            return 0
        if self.kind == "check":
            return False
        return ""


def schema_paths(schema: dict[str, Any]) -> set[str]:
    """Every field an instruction can have, adjust and mask options one by one."""
    paths = set()
    for name, prop in schema["properties"].items():
        if prop.get("type") == "object" and prop.get("properties"):
            paths |= {f"{name}.{sub}" for sub in prop["properties"]}
        else:
            paths.add(name)
    return paths


def form_fields(rules: dict[str, Any]) -> list[FormField]:
    """The form's fields in display order, built from the instruction schema under `rules`."""
    props = build_schema(rules)["properties"]
    fields: list[FormField] = []
    for name, prop in props.items():
        help_text = FORM_HELP.get(name, "")
        if name in ("adjust", "mask"):
            for sub, spec in prop["properties"].items():
                fields.append(_sub_field(f"{name}.{sub}", spec, rules))
        elif name == "operation":
            fields.append(FormField(name, "choice", LABELS[name], help_text, tuple(prop["enum"])))
        elif name == "direction":
            fields.append(FormField(name, "choice", LABELS[name], help_text, ("", *prop["enum"])))
        elif name == "aspect":
            fields.append(FormField(name, "choice", LABELS[name], help_text, ("", *ASPECTS)))
        elif name in ("targets", "faces"):
            fields.append(FormField(name, "multi", LABELS[name], help_text))
        elif name == "color":
            fields.append(FormField(name, "color", LABELS[name], help_text))
        elif name == "strength":
            fields.append(FormField(name, "slider", LABELS[name], help_text, lo=0, hi=1, step=0.05))
        elif "number" in _types(prop) or "integer" in _types(prop):
            step = 1 if "integer" in _types(prop) else 0.05
            fields.append(FormField(name, "number", LABELS[name], help_text, lo=prop.get("minimum"), hi=prop.get("maximum"), step=step))
        else:
            fields.append(FormField(name, "text", LABELS.get(name, name), help_text))
    return fields


def _types(prop: dict[str, Any]) -> list[str]:
    t = prop.get("type", [])
    return [t] if isinstance(t, str) else list(t)


def _sub_field(path: str, spec: dict[str, Any], rules: dict[str, Any]) -> FormField:
    name = path.split(".", 1)[1]
    label = LABELS.get(path, name.replace("_", " ").capitalize())
    help_text = FORM_HELP.get(path, "")
    if "enum" in spec:
        return FormField(path, "choice", label, help_text, ("", *spec["enum"]))
    if spec.get("type") == "boolean":
        return FormField(path, "check", label, help_text)
    step = 1 if spec.get("type") == "integer" else 0.05
    return FormField(path, "slider", label, help_text, lo=spec.get("minimum", 0), hi=spec.get("maximum", 1), step=step)


def visible(fields: list[FormField], instruction: dict[str, Any]) -> list[bool]:
    """Which fields to show: those the operation uses, and any the instruction sets (so it can be
    seen and cleared); the others are hidden, not cleared."""
    operation = str(instruction.get("operation", "adjust"))
    values = form_values(fields, instruction)
    return [operation in FIELD_OPS.get(f.group, (operation,)) or value not in (f.empty, None, [], "")
            for f, value in zip(fields, values, strict=True)]


def _get(instruction: dict[str, Any], path: str) -> Any:
    head, _, sub = path.partition(".")
    value = instruction.get(head)
    return (value or {}).get(sub) if sub else value


def form_values(fields: list[FormField], instruction: dict[str, Any] | None) -> list[Any]:
    """The form's widget values for one instruction (fields it lacks show as empty)."""
    instr = instruction or {}
    out = []
    for f in fields:
        value = _get(instr, f.path)
        if value is None:
            value = "adjust" if f.path == "operation" else f.empty
        if f.path == "faces":
            value = [str(v) for v in value]
        out.append(value)
    return out


def with_form(instruction: dict[str, Any], fields: list[FormField], values: list[Any]) -> dict[str, Any]:
    """`instruction` with the form's values applied; fields left empty are dropped, the others kept."""
    out = copy.deepcopy(instruction)
    for f, value in zip(fields, values, strict=True):
        value = _clean(f, value)
        head, _, sub = f.path.partition(".")
        if sub:
            group = dict(out.get(head) or {})
            if value == f.empty or value is None:
                group.pop(sub, None)
            else:
                group[sub] = value
            if group:
                out[head] = group
            else:
                out.pop(head, None)
        elif value == f.empty or value is None:
            out.pop(head, None)
        else:
            out[head] = value
    return out


def _clean(f: FormField, value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
    if f.path == "faces":
        return sorted({int(v) for v in value or [] if str(v).strip().isdigit()})
    if f.kind == "multi":
        return list(value or [])
    if f.kind in ("slider", "number") and value not in (None, ""):
        number = float(value)
        return int(number) if f.step == 1 else round(number, 4)
    return value


# ---------------------------------------------------------------- steps of a plan
def step_at(data: dict[str, Any] | None, index: int) -> dict[str, Any]:
    steps = plan_steps(data)
    return steps[index] if 0 <= index < len(steps) else (steps[-1] if steps else {})


def with_step(data: dict[str, Any] | None, index: int, step: dict[str, Any]) -> dict[str, Any]:
    """The plan (or bare instruction) with step `index` replaced."""
    if not is_steps(data):
        return step
    steps = list(plan_steps(data))
    steps[min(index, len(steps) - 1)] = step
    return {**(data or {}), "steps": steps}


def change_steps(data: dict[str, Any] | None, index: int, action: str) -> tuple[dict[str, Any], int]:
    """Add a step after `index`, remove it, or move it up or down; returns the plan and the index of
    the step to show. One step left is written as a bare instruction."""
    steps = list(plan_steps(data)) or [{"operation": "adjust"}]
    index = max(0, min(index, len(steps) - 1))
    if action == "add" and len(steps) < MAX_STEPS:
        steps.insert(index + 1, {"operation": "adjust"})
        index += 1
    elif action == "remove" and len(steps) > 1:
        steps.pop(index)
        index = min(index, len(steps) - 1)
    elif action in ("up", "down"):
        other = index - 1 if action == "up" else index + 1
        if 0 <= other < len(steps):
            steps[index], steps[other] = steps[other], steps[index]
            index = other
    if len(steps) == 1:
        return steps[0], 0
    reply = (data or {}).get("reply") if is_steps(data) else None
    return ({"steps": steps, "reply": reply} if reply else {"steps": steps}), index


def step_choices(data: dict[str, Any] | None) -> list[str]:
    return [str(i) for i in range(1, max(1, len(plan_steps(data))) + 1)]
