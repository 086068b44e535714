"""The edit instruction: the contract between the planner and everything after it.

The JSON schema is built from the rules (operations switched on, parameter ranges) and the labels
of the picture at hand, so the same schema validates a plan, goes into the LLM prompt and is served
at `/sdapi/v1/imgedit/schema`. Validation rejects; it never silently repairs.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

import jsonschema

from .colors import parse_color
from .errors import InvalidInstruction

OPERATIONS = ("inpaint", "recolor", "remove", "restyle", "adjust", "face_swap", "crop", "rotate", "flip", "resize",
              "undo", "redo", "clarify")
HISTORY_OPERATIONS = ("undo", "redo")
# Picture operations act on the whole picture (its size or orientation) and carry the label map along.
PICTURE_OPERATIONS = ("crop", "rotate", "flip", "resize")
# Operations that may not be a step of a several-step plan: they are a whole turn on their own.
SOLO_OPERATIONS = ("undo", "redo", "clarify")
MAX_STEPS = 8

FIELD_HELP: dict[str, str] = {
    "operation": "what to do: inpaint (regenerate the targets from prompt), recolor (targets to color), "
    "remove (erase targets, fill from surroundings), restyle (whole picture in a new style from prompt, "
    "structure kept), adjust (non-generative tone/filter changes), face_swap (put the user's source face "
    "on the faces), undo, redo, clarify (ask the user instead of guessing)",
    "targets": "labels from the picture's label list; empty means the whole image",
    "prompt": "what the regenerated region or the new style should look like (English works best)",
    "negative_prompt": "what to avoid in generated content",
    "color": "colour name or #rrggbb, for recolor",
    "adjust": "adjustment parameters, for adjust",
    "strength": "denoising strength for generative operations; how strongly recolor applies",
    "mask": "mask overrides in pixels: dilate, erode, feather, invert",
    "control": "ControlNet to keep the structure: auto, none or a preprocessor name",
    "faces": "which faces (0-based, numbered left to right) for face operations; empty means all",
    "count": "how many steps, for undo and redo",
    "aspect": "for crop: the aspect ratio to crop to as W:H ('1:1' square, '16:9', '4:5' portrait); with targets "
    "and no aspect, crop tight around the targets",
    "angle": "for rotate: degrees clockwise (90, 180, 270, or a small straightening angle such as -3)",
    "direction": "for flip: horizontal (mirror left-right) or vertical (upside down)",
    "scale": "for resize: the factor (2 twice as big, 0.5 half the size)",
    "width": "for resize: the new width in pixels (the height follows unless given); for crop, with height and the "
    "aspect they make: the size the crop is scaled to",
    "height": "for resize: the new height in pixels (the width follows unless given); for crop: see width",
    "question": "the question to ask, for clarify",
    "replace": "true: done in place of the last edit, on the picture before it (a weaker or changed version of "
    "that edit: 'less blur' after a blur); only on a plan's first step",
    "reply": "one short sentence for the user saying what is being done",
}


@dataclass
class MaskOptions:
    dilate: int | None = None
    erode: int | None = None
    feather: int | None = None
    invert: bool = False


@dataclass
class EditInstruction:
    """A validated instruction. Build it with `validate_instruction`, never by hand from model output."""

    operation: str
    targets: list[str] = field(default_factory=list)
    prompt: str = ""
    negative_prompt: str = ""
    color: str = ""
    adjust: dict[str, Any] = field(default_factory=dict)
    strength: float | None = None
    mask: MaskOptions = field(default_factory=MaskOptions)
    control: str = "auto"
    faces: list[int] = field(default_factory=list)
    count: int = 1
    aspect: str = ""
    angle: float = 0
    direction: str = ""
    scale: float | None = None
    width: int | None = None
    height: int | None = None
    question: str = ""
    replace: bool = False
    reply: str = ""

    def to_dict(self, compact: bool = True) -> dict[str, Any]:
        """The JSON form; `compact` drops keys that hold their default value."""
        data = asdict(self)
        if not compact:
            return data
        defaults = asdict(EditInstruction(operation=self.operation))
        out = {k: v for k, v in data.items() if k == "operation" or v != defaults[k]}
        if "mask" in out:
            out["mask"] = {k: v for k, v in out["mask"].items() if v is not None and v is not False}
        return out

    @property
    def is_history(self) -> bool:
        return self.operation in HISTORY_OPERATIONS

    @property
    def is_picture(self) -> bool:
        return self.operation in PICTURE_OPERATIONS


@dataclass
class EditPlan:
    """What one message asks for: one instruction, or several run in order as one turn.
    JSON: a bare instruction for one step, `{"steps": [instruction, ...]}` for several."""

    steps: list[EditInstruction]
    reply: str = ""

    @property
    def single(self) -> EditInstruction | None:
        return self.steps[0] if len(self.steps) == 1 else None

    def to_dict(self, compact: bool = True) -> dict[str, Any]:
        if len(self.steps) == 1:
            return self.steps[0].to_dict(compact)
        out: dict[str, Any] = {"steps": [s.to_dict(compact) for s in self.steps]}
        if self.reply:
            out["reply"] = self.reply
        return out


def is_steps(data: Any) -> bool:
    """Whether `data` is the several-step form `{"steps": [...]}`."""
    return isinstance(data, dict) and "steps" in data and "operation" not in data


def plan_steps(data: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The instructions of a plan in JSON form, bare or with steps (no validation)."""
    if not isinstance(data, dict):
        return []
    if is_steps(data):
        return [s for s in data.get("steps") or [] if isinstance(s, dict)]
    return [data]


def build_schema(rules: dict[str, Any], labels: Iterable[str] | None = None) -> dict[str, Any]:
    """JSON Schema of an instruction under `rules`; with `labels`, targets must come from them."""
    ops = [name for name, op in rules["operations"].items() if op.get("enabled", True) and name in OPERATIONS]
    text = rules.get("text", {})
    adjust_props: dict[str, Any] = {}
    for name, spec in rules["adjust"].items():
        if "range" in spec:
            lo, hi = spec["range"]
            adjust_props[name] = {"type": "number", "minimum": lo, "maximum": hi, "description": spec.get("help", "")}
        elif "choices" in spec:
            adjust_props[name] = {"enum": list(spec["choices"]), "description": spec.get("help", "")}
        else:
            adjust_props[name] = {"type": spec.get("type", "boolean"), "description": spec.get("help", "")}
    mask_props: dict[str, Any] = {
        name: {"type": "integer", "minimum": spec["range"][0], "maximum": spec["range"][1]}
        for name, spec in rules["mask"].items()
    }
    mask_props["invert"] = {"type": "boolean"}
    target_item: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 64}
    if labels is not None:
        target_item = {"enum": sorted(set(labels))} if labels else {"not": {}}

    def text_field(key: str, default_max: int = 500) -> dict[str, Any]:
        return {"type": "string", "maxLength": int(text.get(f"{key}_max_chars", default_max)), "description": FIELD_HELP[key]}

    props: dict[str, Any] = {
        "operation": {"enum": ops, "description": FIELD_HELP["operation"]},
        "targets": {"type": "array", "items": target_item, "uniqueItems": True, "maxItems": 16, "description": FIELD_HELP["targets"]},
        "prompt": text_field("prompt"),
        "negative_prompt": text_field("prompt") | {"description": FIELD_HELP["negative_prompt"]},
        "color": {"type": "string", "maxLength": 40, "description": FIELD_HELP["color"]},
        "adjust": {"type": "object", "properties": adjust_props, "additionalProperties": False, "description": FIELD_HELP["adjust"]},
        "strength": {"type": ["number", "null"], "minimum": 0, "maximum": 1, "description": FIELD_HELP["strength"]},
        "mask": {"type": "object", "properties": mask_props, "additionalProperties": False, "description": FIELD_HELP["mask"]},
        "control": {"type": "string", "maxLength": 64, "pattern": r"^[A-Za-z0-9_.+\- ]*$", "description": FIELD_HELP["control"]},
        "faces": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 31}, "uniqueItems": True, "maxItems": 32, "description": FIELD_HELP["faces"]},
        "count": {"type": "integer", "minimum": 1, "maximum": 50, "description": FIELD_HELP["count"]},
        "aspect": {"type": "string", "pattern": r"^[1-9][0-9]?:[1-9][0-9]?$", "description": FIELD_HELP["aspect"]},
        "angle": {"type": "number", "minimum": -360, "maximum": 360, "description": FIELD_HELP["angle"]},
        "direction": {"enum": ["horizontal", "vertical"], "description": FIELD_HELP["direction"]},
        "scale": {"type": ["number", "null"], "minimum": 0.05, "maximum": 8, "description": FIELD_HELP["scale"]},
        "width": {"type": ["integer", "null"], "minimum": 16, "maximum": 16384, "description": FIELD_HELP["width"]},
        "height": {"type": ["integer", "null"], "minimum": 16, "maximum": 16384, "description": FIELD_HELP["height"]},
        "question": text_field("question"),
        "replace": {"type": "boolean", "description": FIELD_HELP["replace"]},
        "reply": text_field("reply"),
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "EditInstruction",
        "type": "object",
        "properties": props,
        "required": ["operation"],
        "additionalProperties": False,
    }


def build_plan_schema(rules: dict[str, Any], labels: Iterable[str] | None = None) -> dict[str, Any]:
    """JSON Schema of a plan: one instruction, or `{"steps": [instruction, ...]}` for several edits."""
    one = build_schema(rules, labels)
    step = copy.deepcopy({k: v for k, v in one.items() if k not in ("$schema", "title")})
    solo = [op for op in step["properties"]["operation"]["enum"] if op not in SOLO_OPERATIONS]
    step["properties"]["operation"] = {**step["properties"]["operation"], "enum": solo}
    steps = {
        "type": "object",
        "properties": {
            "steps": {"type": "array", "items": step, "minItems": 2, "maxItems": MAX_STEPS,
                      "description": "several edits asked for in one message, in the order to run them"},
            "reply": one["properties"]["reply"],
        },
        "required": ["steps"],
        "additionalProperties": False,
    }
    return {"$schema": one["$schema"], "title": "EditPlan", "oneOf": [{k: v for k, v in one.items() if k != "$schema"}, steps]}


def _path(error: jsonschema.ValidationError) -> str:
    return ".".join(str(p) for p in error.absolute_path) or "(root)"


def _schema_message(error: jsonschema.ValidationError, labels: Iterable[str] | None) -> str:
    path = list(error.absolute_path)
    if path[:1] == ["targets"] and len(path) == 2 and error.validator in ("enum", "not"):
        known = ", ".join(sorted(labels or [])) or "none"
        return f"label {error.instance!r} is not in the picture; labels present: {known}"
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown field(s)")
    if error.validator == "enum" and path == ["operation"]:
        return f"operation {error.instance!r} is not allowed; allowed: {', '.join(error.validator_value)}"
    return error.message


def validate_instruction(
    data: Any, rules: dict[str, Any], labels: Iterable[str] | None = None
) -> EditInstruction:
    """Check `data` against the schema and the cross-field rules; raise `InvalidInstruction` listing
    every problem as `{path, message}`, or return the typed instruction."""
    labels = list(labels) if labels is not None else None
    if not isinstance(data, dict):
        raise InvalidInstruction("the instruction must be a JSON object", [{"path": "(root)", "message": f"got {type(data).__name__}"}])
    schema = build_schema(rules, labels)
    errors = [
        {"path": _path(e), "message": _schema_message(e, labels)}
        for e in sorted(jsonschema.Draft7Validator(schema).iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    ]
    if not errors:
        errors = _cross_field_errors(data, rules)
    if errors:
        summary = "; ".join(f"{e['path']}: {e['message']}" for e in errors)
        raise InvalidInstruction(f"invalid instruction: {summary}", errors)
    raw = copy.deepcopy(data)
    mask = MaskOptions(**raw.pop("mask", {}))
    instr = EditInstruction(**raw, mask=mask)
    instr.prompt = instr.prompt.strip()
    instr.color = instr.color.strip()
    return instr


def validate_plan(data: Any, rules: dict[str, Any], labels: Iterable[str] | None = None) -> EditPlan:
    """Validate a bare instruction or `{"steps": [...]}`; every problem is reported with its path
    (`steps.1.targets.0`). undo, redo and clarify are a turn on their own, never a step."""
    labels = list(labels) if labels is not None else None
    if not is_steps(data):
        return EditPlan([validate_instruction(data, rules, labels)])
    extra = sorted(set(data) - {"steps", "reply"})
    raw = data.get("steps")
    errors: list[dict[str, str]] = []
    if extra:
        errors.append({"path": "(root)", "message": f"unknown field(s) {', '.join(map(repr, extra))}"})
    if not isinstance(raw, list) or not raw:
        errors.append({"path": "steps", "message": "steps must be a non-empty list of instructions"})
        raw = []
    elif len(raw) > MAX_STEPS:
        errors.append({"path": "steps", "message": f"{len(raw)} steps; at most {MAX_STEPS} in one message"})
    reply = data.get("reply", "")
    if not isinstance(reply, str):
        errors.append({"path": "reply", "message": "reply must be text"})
        reply = ""
    steps: list[EditInstruction] = []
    for i, item in enumerate(raw if len(raw) <= MAX_STEPS else []):
        if len(raw) > 1 and isinstance(item, dict) and item.get("operation") in SOLO_OPERATIONS:
            errors.append({"path": f"steps.{i}.operation",
                           "message": f"{item['operation']} is a turn of its own, not a step of a plan"})
            continue
        if i and isinstance(item, dict) and item.get("replace"):
            errors.append({"path": f"steps.{i}.replace", "message": "only a plan's first step can replace the last edit"})
        try:
            steps.append(validate_instruction(item, rules, labels))
        except InvalidInstruction as exc:
            errors += [{"path": f"steps.{i}" + ("" if e["path"] == "(root)" else "." + e["path"]), "message": e["message"]}
                       for e in exc.details]
    if errors:
        summary = "; ".join(f"{e['path']}: {e['message']}" for e in errors)
        raise InvalidInstruction(f"invalid plan: {summary}", errors)
    return EditPlan(steps, reply.strip()[: int(rules.get("text", {}).get("reply_max_chars", 500))])


def _cross_field_errors(data: dict[str, Any], rules: dict[str, Any]) -> list[dict[str, str]]:
    op_name = data["operation"]
    op = rules["operations"][op_name]
    errors: list[dict[str, str]] = []
    if data.get("replace") and op_name in SOLO_OPERATIONS:
        errors.append({"path": "replace", "message": f"{op_name} cannot replace the last edit"})
    for need in op.get("needs", []):
        value = data.get(need)
        if not value or (isinstance(value, str) and not value.strip()):
            errors.append({"path": need, "message": f"{op_name} needs a non-empty {need}"})
    if data.get("color") and parse_color(data["color"]) is None:
        errors.append({"path": "color", "message": f"unknown colour {data['color']!r}; use a colour name or #rrggbb"})
    strength = data.get("strength")
    if strength is not None and "strength" in op:
        lo, hi = op["strength"]
        if not lo <= strength <= hi:
            errors.append({"path": "strength", "message": f"{strength} is outside the range [{lo}, {hi}] allowed for {op_name}"})
    if op_name == "adjust" and data.get("adjust") and not any(
        v not in (None, False, 0) for v in data["adjust"].values()
    ):
        errors.append({"path": "adjust", "message": "adjust changes nothing: give at least one non-zero parameter"})
    if op_name == "crop" and not data.get("aspect") and not data.get("targets"):
        errors.append({"path": "aspect", "message": "crop needs an aspect (W:H) or targets to crop around"})
    if op_name == "rotate" and not float(data.get("angle") or 0) % 360:
        errors.append({"path": "angle", "message": "rotate needs an angle that is not a whole turn"})
    if op_name == "flip" and not data.get("direction"):
        errors.append({"path": "direction", "message": "flip needs a direction: horizontal or vertical"})
    if op_name == "resize" and not any(data.get(k) for k in ("scale", "width", "height")):
        errors.append({"path": "scale", "message": "resize needs a scale, a width or a height"})
    return errors

