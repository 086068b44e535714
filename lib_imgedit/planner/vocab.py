"""Word tables for the offline planner (English and Chinese).

The tables are data: `defaults/words/*.json`, one file per concern, each with an `_about` key that says
what its tables mean. This module loads them once at import, checks every entry's shape (a clear error
names the file and the entry) and exposes each table under its key, with the same Python types as ever:
lists become tuples (order kept: matching order matters), sets become sets, texts are their pieces
joined. All English entries are lower case; Chinese entries are matched as plain substrings (longest first).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# concept -> (English words, Chinese words, label alternatives in preference order); see things.json.
Concept = tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, ...], ...]]

_DIR = Path(__file__).resolve().parents[1] / "defaults" / "words"

# Shapes: "str", "int", "float", "text" (a list of strings joined with nothing), ("tuple", item),
# ("set", item), ("dict", value) with string keys, ("record", first, second, ...) a fixed-length tuple.
_W = ("tuple", "str")
_SW = ("set", "str")
_STR = ("dict", "str")
_TRIGGERS_PROMPT = ("dict", ("record", _W, _W, "str"))
_ADJUST = ("dict", ("record", _W, _W, _W))
_SHAPES: dict[str, dict[str, Any]] = {
    "things.json": {
        "CONCEPTS": ("dict", ("record", _W, _W, ("tuple", _W))), "PERSON_PART_LABELS": _SW,
        "PLACEMENT": ("dict", _W), "CONTENT_WORDS": _STR, "WHOLE_EN": _W, "WHOLE_ZH": _W, "PRONOUN_IT_EN": _W,
        "PRONOUN_PERSON_EN": _W, "PRONOUN_PERSON_ZH": _W, "PRONOUN_IT_ZH": _W, "NON_THING_EN": _SW,
        "VAGUE_EN": _SW, "EN_FILLERS": _SW, "MATERIALS_EN": _STR, "MATERIALS_ZH": _STR, "LABEL_ZH": _STR,
        "PARTS": ("dict", _SW),
    },
    "colours.json": {
        "HAIR_COLORS": _SW, "HAIR_COLOR_NOUNS": _STR, "ZH_HAIR_SHADES": _STR, "EXTRA_ZH_COLORS": _STR,
        "ZH_SHADES": _STR,
    },
    "operations.json": {
        "STYLES": _TRIGGERS_PROMPT, "SCENES": _TRIGGERS_PROMPT, "ART_WORDS_EN": _W, "ART_WORDS_ZH": _W,
        "FILTERS": ("dict", ("record", _W, _W)), "STYLE_FILTER": _STR, "FILTER_WORDS_EN": _W,
        "FILTER_WORDS_ZH": _W, "ADJUST_EN": _ADJUST, "ADJUST_ZH": _ADJUST, "GRAYSCALE_EN": _W,
        "GRAYSCALE_ZH": _W, "GENTLE_BLUR": _SW, "UP_EN": _W, "DOWN_EN": _W, "UP_ZH": _W, "DOWN_ZH": _W,
        "REMOVE_ZH": _W,
    },
    "amounts.json": {
        "ORDINALS_EN": ("dict", "int"), "NUMBERS_EN": ("dict", "int"), "NUMBERS_ZH": ("dict", "int"),
        "AMOUNT_EN": ("dict", "float"), "AMOUNT_ZH": ("dict", "float"),
    },
    "conversation.json": {
        "REDO_ZH": _W, "RESET_ZH": _W, "AGAIN_EN": _W, "AGAIN_ZH": _W, "MORE_EN": _W, "LESS_EN": _W,
        "MORE_ZH": _W, "LESS_ZH": _W, "ALSO_EN": _W, "ALSO_ZH": _W, "OTHER_EN": _W, "OTHER_ZH": _W,
    },
    "chinese.json": {"ZH_FILLERS": _W, "ZH_MEASURES": _W, "ZH_EN": _STR},
    "objects.json": {"OBJECT_ZH": ("dict", _W)},
    "typos.json": {"TYPO_TARGETS_EN": _W, "INFORMAL_EN": "text", "TYPOS_EN": _STR, "TYPO_SAFE_EN": "text",
                   "CHAT_EN": _STR},
}


class WordsError(ValueError):
    """A word file that is missing, not JSON, or has an entry of the wrong shape."""


def _build(value: Any, shape: Any, where: str) -> Any:
    """`value` (from JSON) as the Python value `shape` says; WordsError naming `where` when it does not fit."""

    def bad(expected: str) -> WordsError:
        return WordsError(f"{where}: expected {expected}, got {json.dumps(value, ensure_ascii=False)[:80]}")

    if shape == "str":
        if not isinstance(value, str):
            raise bad("a string")
        return value
    if shape in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, int if shape == "int" else (int, float)):
            raise bad("a whole number" if shape == "int" else "a number")
        return value if shape == "int" else float(value)
    if shape == "text":
        return "".join(_build(_list(value, where, bad), ("tuple", "str"), where))
    kind, *inner = shape
    if kind == "dict":
        if not isinstance(value, dict):
            raise bad("an object")
        return {k: _build(v, inner[0], f"{where}[{k!r}]") for k, v in value.items()}
    items = _list(value, where, bad)
    if kind == "record":
        if len(items) != len(inner):
            raise bad(f"a list of {len(inner)} entries")
        return tuple(_build(v, s, f"{where}[{i}]") for i, (v, s) in enumerate(zip(items, inner, strict=True)))
    built = [_build(v, inner[0], f"{where}[{i}]") for i, v in enumerate(items)]
    return set(built) if kind == "set" else tuple(built)


def _list(value: Any, where: str, bad: Any) -> list[Any]:
    if not isinstance(value, list):
        raise bad("a list")
    return value


def load_words(folder: Path = _DIR) -> dict[str, Any]:
    """Every table of the word files in `folder`, checked and converted: {name: value}."""
    tables: dict[str, Any] = {}
    for file, shapes in _SHAPES.items():
        path = folder / file
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise WordsError(f"word file {path}: {e}") from e
        if not isinstance(data, dict):
            raise WordsError(f"word file {path}: expected an object of tables")
        extra, missing = set(data) - set(shapes) - {"_about"}, set(shapes) - set(data)
        if extra or missing:
            raise WordsError(f"word file {path}: unknown tables {sorted(extra)}, missing tables {sorted(missing)}")
        tables.update({name: _build(data[name], shape, f"{file}: {name}") for name, shape in shapes.items()})
    return tables


# The tables as module-level names (CONCEPTS, PLACEMENT, STYLES, ZH_EN, ADJUST_EN, TYPOS_EN...): see _SHAPES.
globals().update(load_words())
