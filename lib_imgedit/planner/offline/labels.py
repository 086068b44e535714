"""Label names: plural and singular forms, and which labels of the picture a thing word means."""

from __future__ import annotations

import functools
import re
from typing import Any

from ...core.describe import region_name
from ...core.labels import split_instance
from .. import vocab as V
from .positions import pick_faces


def plurals(word: str) -> list[str]:
    out = [word]
    if " " in word or not word.isalpha():
        return out + [word + "s"]
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        out.append(word[:-1] + "ies")
    elif word.endswith(("s", "x", "ch", "sh")):
        out.append(word + "es")
    elif word.endswith("o") and len(word) > 2 and word[-2] not in "aeiou":  # tomatoes, pianos
        out += [word + "es", word + "s"]
    elif word.endswith(("af", "lf", "fe")) and len(word) > 3:  # loaves, shelves, knives (and roofs, cafes)
        out += [word[:-2 if word.endswith("fe") else -1] + "ves", word + "s"]
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
PEOPLE_NORMS = {norm_label(x) for x in V.CONCEPTS["person"][0]} | PERSON_PART_NORMS  # a person and what is theirs


def personal(label: str) -> bool:
    """Whether a label is a person or a part of one (`baby`, `person 2`, `hair`), not an animal or a thing."""
    return norm_label(split_instance(label)[0]) in PEOPLE_NORMS


def with_parts(found: list[str], labels: list[str]) -> list[str]:
    """`found` and the picture's labels that are parts of them (`PARTS`: a car's wheels and windshield), for what
    an exclusion keeps; numbered instances keep only themselves (whose wheel is it?)."""
    parts = {norm_label(p) for x in found if split_instance(x)[1] is None
             for p in V.PARTS.get(norm_label(x), V.PARTS.get(singular(norm_label(x)), ()))}
    return list(dict.fromkeys(found + [x for x in labels if norm_label(x) in parts and x not in found]))


def resolve_thing(value: Any, labels: list[str]) -> tuple[list[str], bool]:
    """Labels of the picture that a thing token means, and whether the mask must be inverted."""
    if isinstance(value, tuple) and value and value[0] == "@label":
        return [value[1]], False
    if isinstance(value, tuple) and value and value[0] == "@head":
        return [x for x in value[1] if x in labels], False
    concept = str(value)
    by_norm = _by_norm(tuple(labels))
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
    kinds = [lab for lab in labels if split_instance(lab)[1] is not None and norm_label(split_instance(lab)[0]) in words]
    if kinds:  # the people of a picture of `baby 1` and `baby 2`
        return kinds, False
    stems = {lab: norm_label(split_instance(lab)[0]) for lab in labels}  # `food truck 2` is a food truck
    heads = [lab for lab in labels if " " in stems[lab] and stems[lab].rsplit(" ", 1)[1] in words]
    if len(heads) == 1 or (heads and len({stems[x] for x in heads}) == 1):  # "the umbrella" for `beach umbrella`: the
        return heads, False  # one label (or class of numbered ones) whose head noun it is
    if concept == "background":  # no such label: everything but the picture's subjects (people and animals: the
        # rider and her horse)
        kinds = ("person", "people", "human", "man", "woman", "child", "kid", "boy", "girl", "baby", "toddler", "player", *ANIMALS)
        subjects = [lab for lab in labels if norm_label(split_instance(lab)[0]) in kinds]
        if subjects:  # with what they ride (the skater's board, the cyclist's bike)
            return subjects + [lab for lab in labels if ridden(lab)], True
    return [], False


def ridden(label: str) -> bool:
    """Whether `label` is something a person rides (kept with them when the background is replaced)."""
    return norm_label(split_instance(label)[0]) in _RIDDEN


_RIDDEN = ("skateboard", "surfboard", "snowboard", "bicycle", "bike", "scooter", "skis", "kayak", "canoe", "paddleboard",
           "wheelchair", "motorcycle", "motorbike", "tandem bicycle", "unicycle", "sled", "roller skates")
ANIMALS = ("dog", "cat", "horse", "bird", "cow", "sheep", "animal", "puppy", "kitten", "rabbit", "pet", "goat", "pig", "duck",
            "chicken", "deer", "camel", "pony", "donkey", "lamb", "calf", "parrot", "hamster", "fox", "bear", "elephant",
            "giraffe", "zebra", "lion", "tiger", "monkey", "swan", "goose", "llama", "alpaca", "hedgehog", "tortoise", "turtle",
            "lizard", "snake", "frog", "squirrel", "mouse", "guinea pig", "ferret", "owl", "penguin", "seal",
            "kangaroo", "koala", "panda", "wolf", "raccoon", "otter", "hen", "rooster", "bull", "ox", "buffalo", "reindeer",
            "peacock", "flamingo", "chick")


@functools.lru_cache(maxsize=128)
def _by_norm(labels: tuple[str, ...]) -> dict[str, list[str]]:
    """Labels by normalised name; a class seen only as instances (`dog 1`, `dog 2`) answers to its name too."""
    out: dict[str, list[str]] = {}
    for lab in labels:
        out.setdefault(norm_label(lab), []).append(lab)
    classes = set(out)
    for lab in labels:
        base, number = split_instance(lab)
        if number is not None and norm_label(base) not in classes:
            out.setdefault(norm_label(base), []).append(lab)
    return out


def instances(label: str, labels: list[str]) -> list[str]:
    """The numbered instances of `label`'s class among `labels`, left to right (`dog 1`, `dog 2` ...)."""
    base = split_instance(label)[0]
    found = [(n, x) for x in labels for b, n in [split_instance(x)] if n is not None and b == base]
    return [x for _n, x in sorted(found)]


def pick_instances(found: list[str], text: str, labels: list[str], shares: dict[str, float] | None) -> list[str]:
    """Which of several instances of one class `text` means: by position ("on the left", "the second one",
    "左边的"), by size ("the biggest") or all of them ("both", or nothing said)."""
    group = instances(found[0], labels) if found else []
    if len(found) < 2 or set(found) != set(group):
        return found
    t = text.lower()
    if shares and re.search(r"\b(?:biggest|largest|bigger|larger|closest|nearest|main)\b|最大|大的|最近", t):
        return [max(group, key=lambda x: shares.get(x, 0.0))]
    if shares and re.search(r"\b(?:smallest|smaller|tiniest|farthest|furthest)\b|最小|小的|最远", t):
        return [min(group, key=lambda x: shares.get(x, 0.0))]
    if re.search(r"\b(?:on (?:the|both|either) sides?|at (?:the|both) ends|outer|outside ones)\b|两边|两侧", t):
        return [group[0], group[-1]]
    picked = pick_faces(text, len(group))
    count = re.search(r"\b(two|three|four)\b|([两二三四])(?:个|位|只|辆|张)", t)
    n = {"two": 2, "three": 3, "four": 4, "两": 2, "二": 2, "三": 3, "四": 4}[count.group(1) or count.group(2)] if count else 1
    if n == len(group) and not re.search(r"\b(?:left|right)\b|左|右|第", t):
        return list(group)  # 除了两个人之外 with two people: both (中间跳舞的两个人: both are in the middle)
    if len(picked) == 1 and 1 < n < len(group) and picked[0] in (0, len(group) - 1):  # "the two on the right"
        picked = list(range(len(group) - n, len(group))) if picked[0] else list(range(n))
    return [group[i] for i in picked] if picked else found



def names_of(labels: list[str], zh: bool) -> str:
    names = [region_name(x, zh) for x in labels]  # as the replies and the tab name them
    if zh:
        return "、".join(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


