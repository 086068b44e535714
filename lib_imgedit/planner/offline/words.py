"""What the words of a clause say: its class (colour, style, content ...), what is left over, the head thing."""

from __future__ import annotations

import re
from typing import Any

from ...core.colors import find_color
from ...core.describe import colour_name
from ...core.instruction import plan_steps
from ...core.lang import CJK
from .. import vocab as V
from .amounts import FILTER_WORD
from .asides import without_asides
from .labels import PERSON_PART_NORMS, norm_label, resolve_thing
from .parse import ZH_POSITION
from .tokens import Tok

_PERSONAL = {"hair", "face", "eyes", "eyebrows", "lips", "nose", "ears", "teeth", "skin", "neck", "arms", "hands",
             "legs", "shoes", "clothes", "upper_clothes", "coat", "lower_clothes", "skirt", "dress", "hat", "glasses",
             "scarf", "tie", "belt", "beard", "head"}


_PERSONAL_NORMS = PERSON_PART_NORMS - {"person", "body"}


def personal_labels(toks: list[Tok], labels: list[str]) -> list[str]:
    """The labels of the first part of a person (hair, shirt ...) that `toks` name and the picture has."""
    for tok in toks:
        value = tok.cats.get("thing")
        if (isinstance(value, str) and value in _PERSONAL) or (
                isinstance(value, tuple) and value[0] == "@label" and norm_label(value[1]) in _PERSONAL_NORMS):
            found, _inv = resolve_thing(value, labels)
            if found:
                return found
    return []


def region_color(content: str, toks: list[Tok], zh: bool, labels: list[str], targets: list[str]) -> str | None:
    """The colour when `content` is only a colour and regions already among `targets` ("purple hair", "一头银发"),
    not something new ("a red scarf")."""
    color = first_color(toks)
    named = [x for x in toks if x.cat == "thing"]
    if not color or not named or leftover(content, toks, zh, ("color", "thing")):
        return None
    if all(_names_label(x.value, labels) and set(resolve_thing(x.value, labels)[0]) <= set(targets) for x in named):
        return color
    return None


def _names_label(value: Any, labels: list[str]) -> bool:
    """Whether a thing is a region of the picture by its own name: 'hair' is, 'a gown' on upper_clothes is not."""
    if isinstance(value, tuple):
        return value[0] == "@label"
    alts = V.CONCEPTS[value][2] if value in V.CONCEPTS else ((value,),)
    norms = {norm_label(x) for x in labels}
    return any(norm_label(name) in norms for name in alts[0] if not name.startswith("@"))


def clean_text(text: str, zh: bool) -> str:
    t = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').lower()
    t = re.sub(r"\b(it|that|this|everything|there|he|she)'s\b", r"\1 is", t)
    t = re.sub(r"\b(they|you)(?:'re|re)\b|\b(we)'re\b", lambda m: f"{m.group(1) or m.group(2)} are", t)  # "theyre" (not "were")
    t = re.sub(r"\btheres\b", "there is", t)
    t = t.replace("can't", "cannot").replace("won't", "will not") if not zh else t
    t = re.sub(r"\b(\w+)n't\b", r"\1 not", t) if not zh else t
    t = t.replace("do not want", "don't want").replace("does not", "doesn't")
    t = re.sub(r"(?<=[a-z]) & (?=[a-z])", " and ", t)  # "black & white"
    t = re.sub(r"\bblack n white\b", "black and white", t)
    t = re.sub(r"\s+", " ", t).strip(" \t\n.!?;:~。！？；：…")
    if zh:  # 在糊一点: the common slip for 再 (a place never starts "a bit blurrier")
        t = re.sub(r"(^|[，,。\s])在(?=(?:[亮暗糊大小深浅冷暖淡浓艳清]|模糊|明亮|鲜艳|清楚|清晰)(?:一点|一些|点|些))", r"\1再", t)
        t = re.sub(r"(?<=[都全])给我(?=[把将改换变调弄删去加放抹涂做打修])", "", t)  # 别的都给我改成…: "for me"
    bare = without_asides(t)
    return bare if re.search(r"[a-z\u3400-\u9fff]", bare) else t


_REF_WORDS_EN = {w for phrase in V.MORE_EN + V.LESS_EN + V.AGAIN_EN for w in phrase.split()} | {
    "it", "a", "bit", "little", "lot", "even", "please", "than", "that", "before", "way", "much", "slightly", "is",
    "not", "enough", "still", "so", "just", "make", "do", "the", "effect", "this", "now", "ok", "okay", "tad"}


def only_reference_words(text: str, zh: bool) -> bool:
    """'stronger', 'not enough', '再强一点': nothing but words about the previous edit."""
    if zh or CJK.search(text):
        rest = text
        for w in sorted(V.MORE_ZH + V.LESS_ZH + V.AGAIN_ZH, key=len, reverse=True):
            rest = rest.replace(w, "")
        found = rest != text
        for w in sorted(V.ZH_FILLERS, key=len, reverse=True):
            rest = rest.replace(w, "")
        return found and not re.sub(r"[\s,，。.!！?？~]+", "", rest)
    words = re.findall(r"[a-z']+", text.lower())
    return bool(words) and all(w in _REF_WORDS_EN for w in words) and any(
        w in ("more", "stronger", "less", "weaker", "again", "enough", "further", "harder", "softer", "subtler",
              "much", "repeat", "milder", "heavier", "bigger") for w in words)


_VAGUE_CONTENT = {"better", "nicer", "prettier", "good", "great", "beautiful", "more beautiful", "perfect", "cool",
                  "cooler looking", "awesome", "amazing", "interesting", "more interesting", "different", "fancy",
                  "fancier", "pop more", "look better", "look good", "look nice", "look great", "好看", "更好看",
                  "漂亮", "更漂亮", "好一点", "更好", "美一点", "高级", "高级一点", "有感觉"}


def vague(content: str) -> bool:
    text = re.sub(r"^(?:look|looks|a bit|a little|much|way|more|even|it|more)\s+", "", content.strip().lower())
    text = re.sub(r"(?:一点|一些|些|点)$", "", text)
    return text in _VAGUE_CONTENT or content.strip().lower() in _VAGUE_CONTENT


def place_phrase(t: str, toks: list[Tok], labels: list[str]) -> list[str]:
    """Labels named after 'in/on/to the' or '在…上' ("more clouds in the sky" -> sky)."""
    for tok in toks:
        if tok.cat != "thing":
            continue
        before = t[:tok.start]
        if re.search(r"\b(?:in|on|onto|into|to|across|over|inside|at)\s+(?:the\s+|his\s+|her\s+)?$", before) or \
                re.match(r"(?:上面|里面|中间|上|里|中)(?!的)", t[tok.end:]):
            found, inv = resolve_thing(tok.value, labels)
            if found and not inv:
                return found
    return []


SAME_AS_BEFORE = re.compile(r"^(?:the |that |this )?(?:same|that|this|matching) (?:colou?r|one|thing|style|look|shade)$|"
                             r"^(?:一下[，,\s]*)?(?:这个|那个|同样的?|一样的?|相同的?)(?:颜色|色|样子|效果|风格)$|^同色$")


def mentions_it(t: str) -> bool:
    return bool(re.search(r"\b(?:it|them|that|this)\b|它", t))


def head_things(t: str, things: list[Tok], zh: bool, labels: list[str] | None = None) -> list[Tok]:
    """The things a phrase is about: the head noun and those joined to it by 'and'."""
    if not things:
        return []
    conj = r"\s*(?:,|&|and|or|plus|as well as|和|与|跟|及|以及|还有|、|/)\s*(?:the|his|her|their|its|my|both|" \
           r"他的|她的|的)?\s*"
    if zh:
        # Chinese: the head comes last ("桌子上的杯子" -> 杯子), joined ones before it; of a compound only the first
        # in the picture, it is that (胡萝卜鼻子 with a carrot and no nose: the carrot)
        last = things[-1]
        measured = re.search(r"[那这一]$", t[:things[-2].start]) if len(things) > 1 else None  # 那头牛: 头 measures 牛
        if len(things) > 1 and things[-2].end == last.start and not measured and labels is not None and \
                not resolve_thing(last.value, labels)[0] and resolve_thing(things[-2].value, labels)[0]:
            last = things[-2]
        chosen = [last]
        for prev in reversed(things[:things.index(last)]):
            if re.fullmatch(conj, t[prev.end:chosen[0].start]):
                chosen.insert(0, prev)
            else:
                break
        return chosen
    head = things[0]
    rest = things[1:]
    def found(tok: Tok) -> bool:
        return labels is None or bool(resolve_thing(tok.value, labels)[0])

    # "the man's shirt" -> shirt; a compound names its last noun ("the mountain background", "the car window")
    # unless only the first is in the picture ("the sign text")
    while rest and (re.fullmatch(r"\s*(?:'s|s'|')\s*", t[head.end:rest[0].start]) or (
            re.fullmatch(r"\s+", t[head.end:rest[0].start]) and (found(rest[0]) or not found(head)))):
        head, rest = rest[0], rest[1:]
    chosen = [head]
    for nxt in rest:
        if re.fullmatch(conj, t[chosen[-1].end:nxt.start]):
            chosen.append(nxt)
        else:
            break
    return chosen


def swap_sides(targets: list[str], labels: list[str]) -> list[str]:
    out = []
    for lab in targets:
        for a, b in (("left", "right"), ("right", "left"), ("l_", "r_"), ("r_", "l_")):
            if a in lab:
                other = lab.replace(a, b)
                if other in labels:
                    lab = other
                    break
        out.append(lab)
    return out


def first_color(toks: list[Tok]) -> str | None:
    for tok in toks:
        if "color" in tok.cats and tok.cat in ("color", "material", "adjust", "thing", "scene") and \
                tok.cat != "gray":
            return str(tok.cats["color"])
    hexes = [t for t in toks if t.cat == "color"]
    return str(hexes[0].value) if hexes else None


def leftover(text: str, toks: list[Tok], zh: bool, drop: tuple[str, ...]) -> str:
    """What is left of `text` after the tokens of the `drop` categories and filler words."""
    pieces = []
    pos = 0
    for tok in toks:
        if any(c in drop for c in tok.cats):
            pieces.append(text[pos:tok.start] if tok.start >= pos else "")
            pos = max(pos, tok.end)
    pieces.append(text[pos:])
    rest = " ".join(pieces)
    rest = re.sub(r"\d+(?:\.\d+)?\s*(?:%|％|percent)?", " ", rest)
    if zh or CJK.search(rest):
        for w in sorted(V.ZH_FILLERS + V.ZH_MEASURES, key=len, reverse=True):
            rest = rest.replace(w, " ")
        rest = ZH_POSITION.sub(" ", rest)
    words = re.findall(r"[a-z][a-z'\-]*|[\u3400-\u9fff]+", rest)
    amount_words = {w for phrase in V.AMOUNT_EN for w in phrase.split()}
    positional = {"left", "right", "top", "bottom", "middle", "center", "side", "on", "in", "at", "up", "down",
                  "around", "whole", "entire", "overall", "everything", "thing", "than", "before", "there",
                  "here", "now", "something", "little", "bit", "tiny", "tad", "touch", "effect", "filter"}
    out = [w for w in words if w not in V.EN_FILLERS and w not in amount_words and w not in positional
           and w not in V.UP_EN and w not in V.DOWN_EN and w not in V.NON_THING_EN and w not in _AMOUNT_ADJ]
    return " ".join(out)


_AMOUNT_ADJ = {"slight", "small", "little", "some", "strong", "heavy", "light", "gentle", "subtle", "big", "huge",
               "massive", "tiny", "mild", "moderate", "extra", "serious", "major", "minor", "noticeable", "visible",
               "nice", "good", "proper", "decent", "overall", "general", "global", "natural", "realistic", "soft"}


def classify(content: str, toks: list[Tok], zh: bool) -> str:
    """What the 'becomes' part asks for: gray, filter, adjust, color, style, scene, material or content."""
    cats = {t.cat for t in toks}
    local = toks
    w = ("whole", "it")
    if "filter" in cats and not leftover(content, local, zh, ("filter", "art", "style") + w):
        return "filter"
    if "style" in cats and FILTER_WORD.search(content) and any(
            t.cat == "style" and t.value in V.STYLE_FILTER for t in toks):
        return "filter"
    if "gray" in cats and not leftover(content, local, zh, ("gray", "adjust", "art") + w):
        return "gray"
    if "adjust" in cats and not leftover(content, local, zh, ("adjust", "gray", "filter") + w):
        return "adjust"
    if "color" in cats and not leftover(content, local, zh, ("color", "adjust") + w):
        return "color"
    if "style" in cats and not leftover(content, local, zh, ("style", "art", "scene") + w):
        return "style"
    if "scene" in cats and not leftover(content, local, zh, ("scene", "art", "style") + w):
        return "scene"
    if "art" in cats and not leftover(content, local, zh, ("art",) + w):
        return "style"
    if "material" in cats:
        return "material"
    if "style" in cats:
        return "style_content"
    return "content"


_SAME_COLOUR = re.compile(r"\b(?:(?:in |to )?(?:the )?same colou?r(?: as (?:the |his |her |their |that |this )?[a-z]+)?|to match|"
                          r"matching)\b|(?:同样|一样|相同)的?颜色|同一个?颜色|同色")


_CAN_IT_MATCH = re.compile(r"(?:^|(?<=[,.;] ))(?:(?:can|could) (?:you make )?|make |have |let )?((?:the|his|her|their) [a-z]+(?: [a-z]+)?) "
                           r"(?:should )?match(?: it| that| too| them| those| the [a-z]+)?\b\??")


def same_colour(t: str, zh: bool, edits: list[dict[str, Any]]) -> str:
    """"and the lips to match", 窗户也改成同样的颜色: the colour of the last recolour, said as a colour."""
    said = t
    t = _CAN_IT_MATCH.sub(r"make \1 the same colour", t)  # "love it. can the hat match?", "make the gowns match and ..."
    m = _SAME_COLOUR.search(t)
    if not m:
        return t
    if not zh and find_color(t[:m.start()]):  # "now make the balloons light blue to match": the colour is said
        return (t[:m.start()] + t[m.end():]).strip()
    color = next((s.get("color") or find_color(str(s.get("prompt") or "")) for e in reversed(edits) for s in reversed(plan_steps(e))
                  if (s.get("operation") == "recolor" and s.get("color")) or
                  (s.get("operation") == "inpaint" and find_color(str(s.get("prompt") or "")))), None)  # "dark green velvet sofa"
    if not color:
        return said
    name = colour_name(str(color), True) if zh else str(color)
    return (t[:m.start()] + name + t[m.end():]).strip()
