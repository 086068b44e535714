"""Targets: which labels a clause means, from its words, the person it talks about and the conversation."""

from __future__ import annotations

import re
from typing import Any

from ...core.colors import COLORS
from ...core.labels import clean_label, split_instance
from ...core.lang import CJK
from .. import vocab as V
from ..base import PlanContext
from .draft import Selection
from .exclude import EXCLUSION_WORDS
from .history import last_instruction, referent
from .labels import PERSON_PART_NORMS, instances, norm_label, pick_instances, resolve_thing, singular
from .parse import HELD_BY, ZH_POSITION, Parsed, toks_in
from .prompts import translate
from .tokens import EN_TABLE, FUNCTION_WORDS, Tok, tokenize, word_re
from .words import head_things, personal_labels


def placement_key(content: str) -> str:
    """The PLACEMENT key of new content: its head noun, which comes last in English ("a flower crown" is a crown)."""
    english = translate(content) if CJK.search(content) else content.lower()
    hits = [(m.end(), len(word), key) for word, key in V.CONTENT_WORDS.items()
            for m in word_re(word, "(?:s|es)?").finditer(english)]
    return max(hits)[2] if hits else ""


def placement(content: str, content_toks: list[Tok], labels: list[str], zh: bool,
              loc: Selection) -> list[str]:
    """Where new content goes when the request names no place."""
    found = personal_labels(content_toks, labels)
    if found:
        return found
    key = placement_key(content)
    if key:
        for concept in V.PLACEMENT.get(key, ()):
            found, inv = resolve_thing(concept, labels)
            if found and not inv:
                return found
    if loc.pronoun:
        found, _inv = resolve_thing("person", labels)
        if found:
            return found
    for concept in ("background", "ground", "grass", "floor"):
        found, inv = resolve_thing(concept, labels)
        if found and not inv:
            return found
    return []


# where new content stands, by the preposition: what is above a thing, under it, or around it on the ground
_ABOVE = ("sky", "wall", "ceiling")
_GROUND = ("floor", "grass", "lawn", "ground", "sand", "beach", "field", "snow", "earth", "rug", "carpet", "deck", "path",
           "road", "street", "pavement", "sidewalk", "driveway")
_ON_TABLES = ("cup", "glass", "plate", "bottle", "bowl", "vase", "book", "laptop", "mug", "wine_glass", "food", "cake", "scissors",
              "phone", "remote", "pen", "notebook", "keys", "candle", "teapot", "teacup", "trophy", "box", "lamp", "ribbon",
              "pitcher", "jug", "milk_jug", "kettle", "cookie", "bread", "croissant", "sandwich", "pizza", "fruit", "milkshake",
              "drink", "coffee", "juice", "beer", "wine", "tea_tray", "napkin", "menu", "salt_shaker", "ketchup", "tray", "jar",
              "basket", "saucer", "dish", "tin", "can")
_ON_ROADS = ("car", "bus", "truck", "van", "bicycle", "motorbike", "motorcycle", "taxi", "tram", "trolley", "streetcar")
_ON_WATER = ("boat", "ship", "kayak", "canoe", "yacht", "swan", "duck", "surfboard", "buoy")
_WATER = ("water", "sea", "lake", "river", "pond", "ocean")


# what comes out of a thing starts at it ("smoke out of the chimney", "flames coming off the ball")
OUT_OF = ("out of", "coming out of", "rising out of", "pouring out of", "coming from", "rising from", "coming off", "rising off",
          "shooting off", "flying off")


def support_of(near: list[str], prep: str, labels: list[str]) -> list[str]:
    """The region where something placed next to / above / under `near` goes ("a kite above the beach": the
    sky; "a rug under the table": the floor; "a croissant next to her cup": the table), or [] to paint around it."""
    if prep in OUT_OF:
        return []  # smoke out of the chimney starts at the chimney
    names = [norm_label(x).replace(" ", "_") for x in near]
    if names and all(n in ("ceiling", "sky", "cloud", "clouds") for n in names) and prep not in ("under", "below", "beneath"):
        return []  # "a pterodactyl flying near the ceiling": up there, not on the floor
    order = _ABOVE if prep in ("above", "over") else \
        (("table", "desk", "counter", "countertop") if any(n in _ON_TABLES for n in names) else ()) + \
        (("road", "street", "pavement", "sidewalk") if any(n in _ON_ROADS for n in names) else ()) + \
        (_WATER if any(n in _ON_WATER for n in names) else ()) + _GROUND  # a duck near the boat: on the water
    for concept in order:
        found = [x for x in labels if norm_label(x).replace(" ", "_") == concept and x not in near]
        if found:
            return found
    return []


_OWNER = re.compile(r"\s+of\s+(?:the |his |her |their |my |our |that |this )?(?P<x>[a-z])")
_OWNED = re.compile(r"(?P<x>\b[a-z]+)'s?\s+$")
_THE_REST = re.compile(r"\b(?:the rest|everything else|all the rest|the remaining|the others|the other parts)\b|"
                       r"其他部分|其它部分|其余部分|其他地方|其它地方|其他东西|别的地方|剩下的|其他的|其余的")


def select_targets(t: str, toks: list[Tok], labels: list[str], zh: bool, forced: list[str] | None, p: Parsed,
                   scene: PlanContext | None = None) -> Selection:
    """The labels the thing words `toks` of clause `t` mean: one instance of several when a position is named
    ("the dog on the left"), a phrase of its own when a grounding segmenter can find what is not a label."""
    sel = _select(t, toks, labels, zh, forced, p)
    shares = scene.shares if scene else None
    cur = referent(scene) if scene is not None else None
    if cur and cur.get("targets") and not forced and _THE_REST.search(t) and not any(x.cat == "thing" for x in toks) \
            and not EXCLUSION_WORDS.search(t):  # 除了两个人之外，其他地方都…: the rest of what it names
        # "其他部分再加点模糊" after an edit of all but the car: that rest again; "now everything else darker" after the
        # lanterns: all but the lanterns
        return Selection(labels=[x for x in cur.get("targets") or [] if x in labels], invert=True)
    whose = _whose(sel.labels, t, labels, cur) if len(sel.labels) > 1 and not forced else []
    if whose:  # "他的伞也去掉" right after removing the person on the right: that person's umbrella
        sel.labels = whose
    elif len(sel.labels) > 1 and not forced:
        sel.labels = pick_instances(sel.labels, t, labels, shares)
    elif len(sel.labels) == 1 and not forced:  # "person" is all of them, "the person on the right" one
        group = [x for x in labels if split_instance(x)[0] == sel.labels[0] and split_instance(x)[1] is not None]
        picked = pick_instances(group, t, labels, shares) if len(group) > 1 else group
        if picked != group:
            sel.labels = picked
    if not sel.labels and not forced and scene is not None and not any(x.cat == "thing" for x in toks):
        # "remove the one on the right" / "右边那辆也删掉" right after an edit of one of several instances
        done = (referent(scene) or {}).get("targets") or []  # (or the one just undone: "ok try the rightmost one")
        group = instances(done[0], labels) if len(done) == 1 else []
        picked = pick_instances(group, t, labels, shares) if len(group) > 1 else group
        if picked != group:
            sel.labels, sel.unresolved, sel.whole = picked, "", False
    if not sel.labels and not forced and not any(x.cat == "thing" for x in toks) and \
            re.search(r"\bthe (?:one|guy|girl|kid|lady|man|woman) (?:on|in|at) the (?:far )?(?:left|right|middle|cent(?:er|re))\b", t):
        people = resolve_thing("person", labels)[0]  # "blur the one on the right" in a picture of two people: that one
        picked = pick_instances(people, t, labels, shares) if len(people) > 1 else []
        if len(picked) == 1:
            sel.labels, sel.unresolved, sel.whole = picked, "", False
    if scene is not None and not forced and re.search(r"\bother\b|另(?:外)?一", t):
        # "remove the other cat too", "the other car", "and the other one green": the instances not just edited
        done = set((last_instruction(scene) or {}).get("targets") or [])
        pool = sel.labels
        if len(pool) == 1 and split_instance(pool[0])[1] is None:
            pool = [x for x in labels if split_instance(x)[0] == pool[0] and split_instance(x)[1] is not None] or pool
        elif not pool and len(done) == 1:
            pool = instances(next(iter(done)), labels)
        rest = [x for x in pool if x not in done]
        if done & set(pool) and rest:
            sel.labels, sel.unresolved, sel.whole = rest, "", False
    made = (referent(scene) or {}) if scene is not None and sel.unresolved and not sel.labels and p.kind != "remove" else {}
    said = str(made.get("prompt") or "").lower() if made.get("operation") == "inpaint" else ""
    if said and (sel.unresolved in said if zh else word_re(singular(sel.unresolved)).search(said)):
        # "make the bow pink" right after adding a bow to the rabbit: where it was painted
        sel.labels, sel.unresolved = [x for x in made.get("targets") or [] if x in labels], ""
    if sel.unresolved and not sel.labels and scene is not None and scene.grounding and \
            sel.unresolved not in V.VAGUE_EN:
        phrase = grounded_label(sel.unresolved, t)
        if phrase:
            sel.labels, sel.unresolved = [phrase], ""
    return sel


def _whose(found: list[str], t: str, labels: list[str], cur: dict[str, Any] | None) -> list[str]:
    """The instance of `found` that belongs to the one person the last edit was about, when the request says "his",
    "her" or 他的 (numbered alike: `person 2`'s umbrella is `umbrella 2`)."""
    done = [x for x in (cur or {}).get("targets") or [] if split_instance(x)[1] is not None]
    if len(done) != 1 or not re.search(r"\b(?:his|her|their)\b|[他她]的", t):
        return []
    number = split_instance(done[0])[1]
    return [x for x in found if split_instance(x)[1] == number][:1]


def grounded_label(word: str, t: str) -> str:
    """A label for a thing that is not among the labels, for a grounding segmenter to find: the word with the
    colour said before it ("the red car" -> red_car), in English."""
    if CJK.search(word):
        word = translate(word).split(",")[0]
    m = re.search(r"(?:([a-z]+)\s+)?" + re.escape(word), t)
    before = m.group(1) if m else None
    phrase = f"{before} {singular(word)}" if before in COLORS else singular(word)
    try:
        return clean_label(phrase)
    except ValueError:
        return ""


def _determiner(x: Tok, toks: list[Tok], t: str) -> bool:
    """'that' in "swap that grey sky for a sunset": which thing, not the whole picture."""
    after = next((y for y in toks if y.start >= x.end), None)
    return x.text in ("this", "that") and after is not None and after.cat in ("thing", "color") and \
        bool(re.fullmatch(r"\s+(?:[a-z]+\s+)?", t[x.end:after.start])) and \
        (after.cat == "thing" or any(y.cat == "thing" and y.start >= after.end for y in toks))


def _select(t: str, toks: list[Tok], labels: list[str], zh: bool, forced: list[str] | None,
            p: Parsed) -> Selection:
    sel = Selection()
    # "everything behind her": the background
    behind = [x for x in toks if (x.cat == "pron" or x.cats.get("thing") == "person")
              and re.search(r"\b(?:behind|around|surrounding)\s+(?:the\s+)?$", t[:x.start])
              and not any(y.cat == "thing" and 0 <= y.start - x.end <= 1 for y in toks)
              and not any(y.cat == "thing" and y.end <= x.start and resolve_thing(y.value, labels)[0] for y in toks)]
    # (not "the sea and sky behind them": those)
    if behind and not forced:
        sel.labels, sel.invert = resolve_thing("background", labels)
        if sel.labels:
            return sel
    sel.whole = any(x.cat == "whole" or (x.cat == "it" and t[x.start - 1:x.start] != "给" and not _determiner(x, toks, t))
                    for x in toks)  # 给它换一顶帽子: to it
    sel.pronoun = any(x.cat == "pron" for x in toks)
    things = [x for x in toks if x.cat == "thing"]
    if forced:
        sel.labels = list(forced)
        return sel
    owned = next((_owned_unknown(t, x, zh) for x in toks if x.cat == "pron"), "") if p.kind in ("remove", "change") else ""
    if not things and owned:  # "remove her earrings" with no earrings: the earrings are asked for, not her
        sel.unresolved = owned
        return sel
    if not things:
        sel.pronoun_only = sel.pronoun
        if p.unknown and not sel.whole:
            if p.unknown in V.VAGUE_EN:
                sel.unresolved = p.unknown
            elif p.kind in ("remove", "make", "change", "give", "replace"):
                sel.unresolved = p.unknown
        elif zh and p.kind in ("remove", "change") and p.target and not sel.whole and not sel.pronoun:
            for span in p.target:
                rest = ZH_POSITION.sub("", t[span[0]:span[1]])
                rest = re.sub(r"[\s,，。.!！?？、;；:：a-z0-9\"'“”‘’]+", "", rest)
                if any(x.cat in ("color", "adjust", "gray", "style", "scene", "filter", "art", "material")
                       for x in toks_in(toks, span)):
                    rest = ""
                if len(rest) >= 1 and not any(f == rest for f in V.ZH_FILLERS):
                    sel.unresolved = rest
                    break
        return sel
    # "everything except the person" / "除了人以外": the mask is the rest of the picture
    excepted = [x for x in things if re.search(r"(?:\bexcept(?: for)?|\bbut|\bother than|\bapart from|\baside from|"
                                              r"\bbesides|\bexcluding|\bnot including|除了)\s*(?:the |his |her |their )?$",
                                              t[:x.start])]
    if excepted:
        for tok in excepted:
            found, _inv = resolve_thing(tok.value, labels)
            if len(found) > 1:  # "everyone except the person in the middle"
                found = pick_instances(found, t[tok.start:], labels, None)
            sel.labels += [x for x in found if x not in sel.labels]
        if sel.labels:
            sel.invert = True
            sel.whole = False
            return sel
    # "the clutter on the table": the thing asked about is the unknown word, not the table
    held = None if zh or p.kind not in ("remove", "make", "change", "replace", "be") else \
        HELD_BY.search(t[:things[0].start])
    if held and held.group(1) not in EN_TABLE and held.group(1) not in V.NON_THING_EN | V.EN_FILLERS:
        sel.unresolved = held.group(1)
        return sel
    if zh:  # "把电视从墙上去掉": what comes 从 (from) is where it is, not what it is
        things = [x for x in things if not re.search(r"从(?:这|那)?$", t[:x.start])] or things
    if "user_mask" in labels and any(x.cats.get("thing") == ("@label", "user_mask") for x in toks) and \
            re.search(r"这(?:里|块|儿|片|边)的|\bthe [a-z]+ (?:right )?here\b", t):
        sel.labels = ["user_mask"]  # 把这里的雪去掉 with a painted area: the painted part of the snow
        return sel
    chosen = head_things(t, things, zh, labels)
    owned = _owned_unknown(t, chosen[0], zh) if chosen and p.kind == "remove" else ""
    if owned:  # "remove the bride's veil", 把新娘的头纱去掉 with no veil: the veil is asked for, not the bride
        sel.unresolved = owned
        return sel
    for tok in chosen:
        found, inv = resolve_thing(tok.value, labels)
        carrier = [y for x in things if x is not tok for y in resolve_thing(x.value, labels)[0]] \
            if not found and tok.value == "logo" and tok is chosen[0] else []
        if carrier:  # "remove the text on the sign", 招牌上的字: what is written is part of what it is on
            sel.labels, p.part = carrier, "text"
            continue
        whole = _whole_of(t, tok, labels) if not found and tok is chosen[0] and not sel.labels and p.kind != "remove" \
            else []  # (removing the wheels is not removing the carriage)
        if whole:  # (the part's English name in the prompt: 墙 is "wall")
            sel.labels, p.part = whole, str(tok.value) if zh and isinstance(tok.value, str) else tok.text
            continue
        if not found and tok is chosen[0] and not sel.labels and \
                any(x.cats.get("thing") == ("@label", "user_mask") for x in toks if x is not tok):
            sel.labels = ["user_mask"]  # "这里有个垃圾袋，帮我去掉" with a painted area: what is painted
            continue
        if not found:
            if tok is chosen[0] and not sel.labels:
                sel.unresolved = tok.text
                return sel
            continue
        found = _owner_not_a_person(t, tok, found, labels) or found
        sel.labels += [x for x in found if x not in sel.labels]
        sel.invert = sel.invert or inv
    return sel


def _owner_not_a_person(t: str, tok: Tok, found: list[str], labels: list[str]) -> list[str]:
    """The thing whose face (hair, ...) is said when that is not the person the part's label belongs to: the crowd
    for 观众的脸 or "the crowd's faces", the bull for "the bull's face" (the `face` label is the person's)."""
    if not found or not {norm_label(split_instance(x)[0]) for x in found} <= PERSON_PART_NORMS or \
            not any(norm_label(split_instance(x)[0]) == "person" for x in labels):
        return []
    whose = _owner(t, tok, labels)
    kinds = {norm_label(split_instance(x)[0]) for x in whose}
    return whose if whose and not kinds & (PERSON_PART_NORMS | {"person"}) else []


def _whole_of(t: str, tok: Tok, labels: list[str]) -> list[str]:
    """The labels of the thing a part that is no label belongs to: "the coat of the lady on the right" (the lady;
    the coat goes in the prompt), "the roofs of the buildings", "the building's roof"; [] when it is not said whose."""
    whole = _owner(t, tok, labels)
    if whole or norm_label(str(tok.value)) not in PERSON_PART_NORMS:
        return whole
    people = [y for x in tokenize(t, labels) if x.start != tok.start and x.cat in ("thing", "pron")
              for y in resolve_thing("person" if x.cat == "pron" else x.value, labels)[0]
              if norm_label(split_instance(y)[0]) == "person"]
    picked = pick_instances(people, t, labels, None) if len(people) > 1 else people
    every = re.search(r"\b(?:their|both|all|everyone'?s?|everybody'?s?|the (?:two|three|four) (?:people|of them|guys|kids))\b", t)
    return picked if len(picked) == 1 or picked != people or every else []  # "her cardigan" among four people: whose?


def _owner(t: str, tok: Tok, labels: list[str]) -> list[str]:
    """The labels of whose `tok` is said to be: "the coat of the lady", "the building's roof", 房子的墙 (the house)."""
    toks = tokenize(t, labels)
    owner = _OWNER.match(t, tok.end) or _OWNED.search(t, 0, tok.start)
    whole = [y for x in toks if owner and x.start == owner.start("x") for y in resolve_thing(x.value, labels)[0]]
    if not whole and t[tok.start - 1:tok.start] == "的":
        whole = [y for x in toks if x.end == tok.start - 1 and x.cat == "thing" for y in resolve_thing(x.value, labels)[0]]
    return whole


def _owned_unknown(t: str, tok: Tok, zh: bool) -> str:
    """The word after a possessive that no table reads ("the bride's veil", "her earrings", 新娘的头纱), or ""."""
    after = t[tok.end:]
    if zh:
        m = re.match(r"(?:的|里的?|上的?|中的?)(?:那|这)?[条只个头辆张棵位件]?([^\s，,。也都再还换改变调弄一下点个些了去删移抹擦拿]{2,4}?)"
                     r"(?=去掉|删掉|删了|删除|移除|抹掉|擦掉|拿掉|[pP]掉|[换改变染涂]成|[，,。]|$)", after)
    elif re.fullmatch(r"his|her|their|its|my|your|our", tok.text):
        m = re.match(r" ([a-z][a-z\-]{2,})\b", after)
    else:
        m = re.match(r"'s? ([a-z][a-z\-]{2,})\b", after)
    if not m:
        return ""
    word = m.group(1)
    if zh:
        return "" if tokenize(word, []) or word in V.ZH_FILLERS else word
    start = tok.end + m.start(1)
    return "" if any(x.start == start for x in tokenize(t, [])) or word in EN_TABLE or word in FUNCTION_WORDS or \
        word in V.EN_FILLERS or word in V.NON_THING_EN else word
