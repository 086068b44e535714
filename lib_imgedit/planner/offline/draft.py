"""What reading a clause gives: the labels it selects and the instruction drafted from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Draft:
    ins: dict[str, Any]
    kind: str = ""  # how it was found: "ask" (nothing to act on), "chat" (not an edit), "reference", "loose" ...
    text: str = ""  # the clause it was read from
    read: list[tuple[int, int]] = field(default_factory=list)  # spans of `text` a construction consumed (confidence.py)
    alt: dict[str, Any] | None = None  # another reading about as likely as `ins` (readings.py asks between them)


@dataclass
class Selection:
    labels: list[str] = field(default_factory=list)
    invert: bool = False
    whole: bool = False
    pronoun: bool = False
    pronoun_only: bool = False
    unresolved: str = ""


def recolor_ins(color: str, sel: Selection) -> dict[str, Any]:
    if color == "gold" and sel.labels and all(x.split()[0] in ("hair", "beard") for x in sel.labels):
        color = "blonde"  # 金色 hair is blonde; a 金色 balloon is gold
    return {"operation": "recolor", "targets": list(sel.labels), "color": color}


def adjust_ins(adj: dict[str, Any], sel: Selection, labels: list[str]) -> dict[str, Any]:
    ins: dict[str, Any] = {"operation": "adjust", "targets": list(sel.labels), "adjust": adj}
    return with_mask(ins, sel)


def with_mask(ins: dict[str, Any], sel: Selection) -> dict[str, Any]:
    if sel.invert and ins.get("targets"):
        ins["mask"] = {"invert": True}
    return ins


