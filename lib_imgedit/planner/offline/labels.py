"""Label names: plural and singular forms, and which labels of the picture a thing word means."""

from __future__ import annotations

import re
from typing import Any

from .. import vocab as V


def plurals(word: str) -> list[str]:
    out = [word]
    if " " in word or not word.isalpha():
        return out + [word + "s"]
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        out.append(word[:-1] + "ies")
    elif word.endswith(("s", "x", "ch", "sh")):
        out.append(word + "es")
    else:
        out.append(word + "s")
    return out


def norm_label(label: str) -> str:
    name = re.sub(r"[_\-]+", " ", str(label).lower()).strip()
    name = re.sub(r"(\s+(other|merged|stuff|things?))+$", "", name).strip()
    return re.sub(r"\s+", " ", name)


def singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


PERSON_PART_NORMS = {norm_label(x) for x in V.PERSON_PART_LABELS}


def resolve_thing(value: Any, labels: list[str]) -> tuple[list[str], bool]:
    """Labels of the picture that a thing token means, and whether the mask must be inverted."""
    if isinstance(value, tuple) and value and value[0] == "@label":
        return [value[1]], False
    if isinstance(value, tuple) and value and value[0] == "@head":
        return [x for x in value[1] if x in labels], False
    concept = str(value)
    by_norm: dict[str, list[str]] = {}
    for lab in labels:
        by_norm.setdefault(norm_label(lab), []).append(lab)
    alts = V.CONCEPTS[concept][2] if concept in V.CONCEPTS else ((concept,),)
    for alt in alts:
        if alt == ("@person_parts",):
            parts = [lab for lab in labels if norm_label(lab) in PERSON_PART_NORMS]
            if parts:
                return list(dict.fromkeys(parts)), False
            continue
        hits: list[str] = []
        for name in alt:
            hits += by_norm.get(norm_label(name), [])
        if hits:
            return list(dict.fromkeys(hits)), False
    words = {concept} | (set(V.CONCEPTS[concept][0]) if concept in V.CONCEPTS else set())
    for lab in labels:
        norm = norm_label(lab)
        if norm in words or singular(norm) in words:
            return [lab], False
    if concept == "background":
        people = [lab for lab in labels if norm_label(lab) in ("person", "people", "human", "man", "woman")]
        if people:
            return people[:1], True
    return [], False


def _label_name(label: str, zh: bool) -> str:
    if zh:
        return V.LABEL_ZH.get(label, V.LABEL_ZH.get(norm_label(label).replace(" ", "_"), norm_label(label)))
    return norm_label(label) or str(label)


def names_of(labels: list[str], zh: bool) -> str:
    names = [_label_name(x, zh) for x in labels]
    if zh:
        return "、".join(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


