"""The last checks: values clamped to the rules, a switched-off operation replaced, the plan validated."""

from __future__ import annotations

import re
from typing import Any

from ...core.colors import parse_color
from ...core.errors import InvalidInstruction
from ...core.instruction import PICTURE_OPERATIONS, validate_instruction
from ...core.labels import LABEL_RE
from ..base import PlanContext
from .labels import names_of, norm_label
from .prompts import clip
from .reply import clarify, reply_for
from .tokens import tokenize
from .words import first_color


def finish(rules: dict[str, Any], ins: dict[str, Any], ctx: PlanContext, labels: list[str], zh: bool,
           notes: list[str]) -> dict[str, Any]:
    if ctx.grounding:  # a named thing that is not a label yet: the grounding segmenter finds it
        labels = labels + [x for x in ins.get("targets") or [] if isinstance(x, str) and LABEL_RE.match(x)
                           and x not in labels]
    ins = sanitize(rules, ins, ctx, labels)
    ins = switch_if_disabled(rules, ins, labels, zh, notes)
    before = ctx.edits[:-1] if ins.get("replace") else ctx.edits  # a replaced edit no longer counts
    ins["reply"] = clip(reply_for(ins, zh, before), text_max(rules, "reply"))
    if ins["operation"] == "clarify" and not ins.get("reply"):
        ins["reply"] = ins.get("question", "")
    try:
        validate_instruction(ins, rules, labels)
        return ins
    except InvalidInstruction as exc:
        notes.append(f"offline plan rejected ({exc.message}); asking instead")
    for fallback in (clarify(labels, zh, "", ask_what=True), {"operation": "redo"}, {"operation": "undo"}):
        fb = sanitize(rules, fallback, ctx, labels)
        fb["reply"] = clip(reply_for(fb, zh, ctx.edits), text_max(rules, "reply"))
        try:
            validate_instruction(fb, rules, labels)
            return fb
        except InvalidInstruction:
            continue
    return {"operation": "clarify", "question": "?"}


def _picture_values(rules: dict[str, Any], ins: dict[str, Any]) -> dict[str, Any]:
    """aspect, angle, direction, scale, width and height of a picture operation, within the schema's ranges."""
    out: dict[str, Any] = {}
    aspect = str(ins.get("aspect") or "")
    if re.fullmatch(r"[1-9][0-9]?:[1-9][0-9]?", aspect):
        out["aspect"] = aspect
    angle = ins.get("angle")
    if isinstance(angle, (int, float)) and angle % 360:
        angle = float(angle) % 360
        angle = angle - 360 if angle > 180 else angle  # 270 clockwise is 90 the other way
        out["angle"] = int(angle) if angle == int(angle) else round(angle, 2)
    if ins.get("direction") in ("horizontal", "vertical"):
        out["direction"] = ins["direction"]
    max_side = int(rules.get("operations", {}).get("resize", {}).get("max_side", 8192))
    scale = ins.get("scale")
    if isinstance(scale, (int, float)) and scale > 0:
        out["scale"] = round(min(8.0, max(0.05, float(scale))), 3)
    for key in ("width", "height"):
        if isinstance(ins.get(key), int):
            out[key] = int(min(min(max_side, 16384), max(16, ins[key])))
    return out


def text_max(rules: dict[str, Any], key: str) -> int:
    return int(rules.get("text", {}).get(f"{key}_max_chars", 500))


def sanitize(rules: dict[str, Any], ins: dict[str, Any], ctx: PlanContext, labels: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"operation": ins.get("operation", "clarify")}
    op = out["operation"]
    out["targets"] = [x for x in dict.fromkeys(ins.get("targets") or []) if x in labels][:16]
    if op in ("undo", "redo", "clarify"):
        out["targets"] = []
    for key in ("prompt", "negative_prompt", "question"):
        if ins.get(key):
            out[key] = clip(str(ins[key]), text_max(rules, "prompt" if key == "negative_prompt" else key))
    color = ins.get("color")
    if color and parse_color(str(color)) is not None and len(str(color)) <= 40:
        out["color"] = str(color)
        if color == "blonde" and "金" in (ctx.text or "") and out["targets"] and \
                not {norm_label(x) for x in out["targets"]} & {"hair", "wig"}:
            out["color"] = "gold"  # 金色 is blonde on hair, gold on a wheel or a frame
    if op == "adjust":
        out["adjust"] = clean_adjust(rules, ins.get("adjust") or {})
    spec = rules.get("operations", {}).get(op, {})
    strength = ins.get("strength")
    if isinstance(strength, (int, float)) and "strength" in spec:
        lo, hi = spec["strength"]
        out["strength"] = round(min(hi, max(lo, float(strength))), 3)
    mask = ins.get("mask") or {}
    clean_mask: dict[str, Any] = {}
    for key, rng in ((k, v.get("range")) for k, v in rules.get("mask", {}).items()):
        if isinstance(mask.get(key), int) and rng:
            clean_mask[key] = int(min(rng[1], max(rng[0], mask[key])))
    if mask.get("invert") and out["targets"]:
        clean_mask["invert"] = True
    if clean_mask:
        out["mask"] = clean_mask
    if ins.get("replace") is True and op not in ("undo", "redo", "clarify") and ctx.edits:
        out["replace"] = True
    faces = [f for f in (ins.get("faces") or []) if isinstance(f, int) and 0 <= f < min(max(ctx.faces, 0), 32)]
    if faces:
        out["faces"] = sorted(set(faces))
    if op in PICTURE_OPERATIONS:
        out.update(_picture_values(rules, ins))
    if op in ("undo", "redo"):
        count = ins.get("count", 1)
        out["count"] = int(min(50, max(1, count))) if isinstance(count, int) else 1
        if out["count"] == 1:
            out.pop("count")
    return out


def clean_adjust(rules: dict[str, Any], adj: dict[str, Any]) -> dict[str, Any]:
    spec = rules.get("adjust", {})
    out: dict[str, Any] = {}
    for key, value in adj.items():
        rule = spec.get(key)
        if rule is None:
            continue
        if "range" in rule and isinstance(value, (int, float)) and not isinstance(value, bool):
            lo, hi = rule["range"]
            v = round(min(hi, max(lo, float(value))), 3)
            if v:
                out[key] = v
        elif "choices" in rule and value in rule["choices"]:
            out[key] = value
        elif rule.get("type", "boolean") == "boolean" and "range" not in rule and "choices" not in rule \
                and value is True:
            out[key] = True
    return out


def switch_if_disabled(rules: dict[str, Any], ins: dict[str, Any], labels: list[str], zh: bool, notes: list[str]) -> dict[str, Any]:
    """Switch to a close operation when the rules turned this one off or it lacks what it needs."""
    ops = rules.get("operations", {})

    def ok(i: dict[str, Any]) -> bool:
        spec = ops.get(i["operation"])
        if not spec or not spec.get("enabled", True):
            return False
        return all(i.get(need) for need in spec.get("needs", []))

    if ok(ins):
        return ins
    op = ins["operation"]
    alt: dict[str, Any] | None = None
    if op == "recolor" and ins.get("color"):
        where = names_of(ins.get("targets", []), False) or "image"
        alt = {"operation": "inpaint", "targets": ins.get("targets", []),
               "prompt": f"{ins['color']} {where}"}
    elif op == "inpaint" and ins.get("prompt"):
        color = first_color(tokenize(ins["prompt"].lower(), []))
        alt = {"operation": "recolor", "targets": ins.get("targets", []), "color": color} if color else None
        if alt is None or not ok(alt):
            alt = {"operation": "restyle", "targets": [], "prompt": ins["prompt"]} if not ins.get("targets") \
                else None
    elif op == "restyle" and ins.get("prompt"):
        alt = {"operation": "inpaint", "targets": [], "prompt": ins["prompt"]}
    if alt and ok(alt):
        notes.append(f"operation {op} is not available; using {alt['operation']}")
        return alt
    notes.append(f"operation {op} is not available here; asking instead")
    return clarify(labels, zh, "", ask_what=True)


