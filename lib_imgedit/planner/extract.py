"""Finding the instruction in whatever a model wrote.

Models wrap JSON in code fences or prose, use single quotes, leave trailing commas, write Chinese
punctuation (，：“”｛｝), think aloud in <think> blocks, nest the object ({"instruction": {...}}), or put
it in a tool call's arguments. This module repairs only the *syntax* (with `json-repair`); whether the
instruction makes sense is for `validate_instruction`, whose errors go back to the model.
"""

from __future__ import annotations

import json
import re
from typing import Any

import json_repair


class NoInstruction(ValueError):
    """The reply holds no instruction or plan; the message is sent back to the model."""


_THINK = re.compile(r"<think>.*?(?:</think>|$)", re.S | re.I)
_FENCE = re.compile(r"```[a-zA-Z]*\s*(.*?)(?:```|$)", re.S)
_FULLWIDTH = str.maketrans({"｛": "{", "｝": "}", "［": "[", "］": "]", "：": ":", "，": ",", "“": '"', "”": '"',
                            "‘": "'", "’": "'", "【": "[", "】": "]"})
_OPENING_QUOTES = '"“'
_CLOSING = {'"': '"', "“": "”"}


def normalize_punctuation(text: str) -> str:
    """Fullwidth JSON punctuation outside strings becomes ASCII; text inside strings is kept as written
    ("好的，把头发变红" keeps its comma)."""
    out: list[str] = []
    quote = ""
    escaped = False
    for ch in text:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote or (quote == "”" and ch == '"') or (quote == '"' and ch == "”"):
                quote = ""
                out.append('"')
                continue
            out.append(ch)
            continue
        if ch in _OPENING_QUOTES:
            quote = _CLOSING[ch]
            out.append('"')
            continue
        out.append(ch.translate(_FULLWIDTH))
    return "".join(out)


def json_candidates(text: str) -> list[Any]:
    """Every JSON value the reply seems to hold, most explicit first: fenced blocks, then objects found
    by a strict decoder at each '{' or '[', then json-repair on the rest."""
    text = _THINK.sub("", text or "").strip()
    if not text:
        return []
    found: list[Any] = []
    sources = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    for source in sources:
        for variant in dict.fromkeys((source, normalize_punctuation(source))):
            found += _strict_values(variant)
            repaired = _repair(variant)
            if repaired not in (None, "", [], {}):
                found.append(repaired)
    return found


def _strict_values(text: str) -> list[Any]:
    decoder = json.JSONDecoder()
    values: list[Any] = []
    pos = 0
    while True:
        starts = [i for i in (text.find("{", pos), text.find("[", pos)) if i >= 0]
        if not starts:
            return values
        start = min(starts)
        try:
            value, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            pos = start + 1
            continue
        values.append(value)
        pos = end


def _repair(text: str) -> Any:
    start = min([i for i in (text.find("{"), text.find("[")) if i >= 0], default=-1)
    if start < 0:
        return None
    try:
        return json_repair.loads(text[start:])
    except Exception:  # json-repair is lenient, but a reply is untrusted input
        return None


def find_instruction(value: Any, depth: int = 0) -> dict[str, Any] | None:
    """The first object with an "operation" key, or a plan `{"steps": [...]}`, looking into wrappers
    ({"instruction": {...}}, [{...}], {"function": {"arguments": "{...}"}}) a few levels deep. A bare
    list of several instructions is read as the steps of a plan."""
    if depth > 4:
        return None
    if isinstance(value, dict):
        if "operation" in value or isinstance(value.get("steps"), list):
            return value
        children = list(value.values())
    elif isinstance(value, list):
        if len(value) > 1 and all(isinstance(v, dict) and "operation" in v for v in value):
            return {"steps": value}
        children = value
    elif isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        children = json_candidates(value)
    else:
        return None
    for child in children:
        hit = find_instruction(child, depth + 1)
        if hit is not None:
            return hit
    return None


def extract_instruction(text: str) -> dict[str, Any]:
    """The instruction in a model's reply; NoInstruction says what was wrong with the reply."""
    candidates = json_candidates(text)
    for value in candidates:
        hit = find_instruction(value)
        if hit is not None:
            return hit
    if not (text or "").strip():
        raise NoInstruction("the reply was empty")
    if not candidates:
        raise NoInstruction("the reply holds no JSON object: answer with the instruction as one JSON object")
    raise NoInstruction('the JSON in the reply has no "operation" field: answer with an instruction object '
                        '(or {"steps": [...]} for several edits)')


def extract_list(text: str, key: str) -> list[Any]:
    """A list from a reply: `{key: [...]}` or a bare `[...]` (for suggestions)."""
    for value in json_candidates(text):
        if isinstance(value, dict) and isinstance(value.get(key), list):
            return value[key]
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return value
    return []
