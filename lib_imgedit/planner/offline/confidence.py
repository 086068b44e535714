"""How sure the offline planner is of a plan, from what its stages really read.

Confidence is the share of a clause's words that a word table or the request's grammar accounted for (tokens
the stages consumed), times how sure the way the clause was read is (`_KIND_SURE`). It says: "every word of the
request was understood and went into this plan". So:
- a word copied into a generative prompt is not understood: "make the field sun-drenched" is unsure even though
  "sun-drenched" reaches the prompt; a number counts only when the plan uses it ("1200 by 800" as a size);
- a construction only half read lowers it: an exclusion ("everything except him") whose plan is not inverted,
  sizes whose plan is no picture operation, "add X on Y" whose plan does not touch Y.
`CONFIDENT` (planner/modes.py) is where a plan counts as sure: `offline-first` sends what is below it to the
model, `checked` lets only plans at or above it replace the model's, and the reply says what it understood
when it acts below it. Calibrated with `bench/planner.py` on held-out cases (sure plans right >= 98%).
"""

from __future__ import annotations

import re
from typing import Any

from .. import vocab as V
from .draft import Draft
from .exclude import EXCLUSION_WORDS, inverted
from .geometry import PIXEL_SIZE
from .labels import PERSON_PART_NORMS, norm_label, personal, resolve_thing
from .parse import EN_REMOVE, ZH_REMOVE
from .select import support_of
from .tokens import FUNCTION_WORDS, tokenize

# how sure a draft is by how it was found, before unread words count against it
_KIND_SURE = {"shade": 0.6, "part": 0.75, "ask": 0.1, "chat": 0.9, "history": 1.0, "reference": 0.85, "loose": 0.9, "picture": 1.0, "question": 0.5}
# words that carry the grammar of a request, not its content
_GRAMMAR_EN = set(V.EN_FILLERS) | FUNCTION_WORDS | {
    "make", "turn", "change", "remove", "erase", "delete", "get", "rid", "add", "put", "place", "replace", "swap",
    "give", "set", "do", "same", "it", "this", "that", "them", "her", "his", "him", "she", "he", "they", "their",
    "its", "my", "me", "i", "i'd", "we'd", "you", "your", "can", "could", "would", "will", "please", "want", "like", "let", "have",
    "be", "is", "are", "should", "look", "looks", "now", "then", "again", "also", "too", "just", "so", "instead", "actually",
    "rather", "even", "bit", "little", "lot", "slightly", "not", "no", "wait", "into", "crop", "rotate", "flip",
    "mirror", "resize", "upscale", "degrees", "degree", "times", "size", "twice", "half", "as", "big", "bigger",
    "smaller", "square", "left", "right", "leftmost", "rightmost", "middle", "center", "one", "first", "second", "third", "last", "both",
    "biggest", "smallest", "side", "wide", "tall", "by", "to", "colour", "color", "paint", "dye", "recolor",
    "recolour", "take", "out", "of", "off", "more", "less", "than", "before", "way", "much", "some", "new", "match", "hang", "scatter", "sprinkle",
    "ok", "okay", "thanks", "thank", "coming", "rising", "pouring", "except", "everyone", "everybody", "everything",
    "all", "sides", "two", "three", "few", "several", "mean", "meant", "rest", "remaining", "others", "else", "round",
    "around", "opposite", "reverse", "end", "against", "leaning", "propped", "st", "nd", "rd", "th", "wipe",  # 2nd; "the left end"
}
_GRAMMAR_EN |= {w for phrase in V.MORE_EN + V.LESS_EN + V.AGAIN_EN + V.ALSO_EN + V.OTHER_EN + V.UP_EN + V.DOWN_EN
                for w in phrase.split()} | {"use", "using", "apply"}
_GRAMMAR_ZH = {ch for phrase in V.MORE_ZH + V.LESS_ZH + V.AGAIN_ZH + V.ALSO_ZH + V.OTHER_ZH + V.UP_ZH + V.DOWN_ZH
               for ch in phrase}  # direction words (降低, 提高) are read by the amount, not the tables
_GRAMMAR_ZH |= set("把将给让请帮我你的了一点些下吧呢啊呀再也都很更太成为变换改去掉加调弄个张只辆位条是在上里中边这那它他她们度倍"
                   "左右间第最删除移抹擦拿掉清消两所有全部棵朵块头匹要想能可以"
                   "染涂刷裁剪转旋翻镜缩放变不对说颜色旁面附近周围方顶副轮保留持原样几数打三四五六稍微略呗嘛哈其余地吗种片颗根粒串束就行堆")  # verbs the planner reads (染黑, 裁剪), 不对/我是说, 颜色, 其他地方

_GENERATIVE = ("inpaint", "restyle")
# new content a table knows (placement's nouns, the Chinese words the prompt translator knows) is understood
_CONTENT_EN = {w for key in V.CONTENT_WORDS for w in key.split()} | {w + "s" for w in V.CONTENT_WORDS if " " not in w}
_ZH_CONTENT = re.compile("|".join(re.escape(w) for w in sorted(V.ZH_EN, key=len, reverse=True))) if V.ZH_EN else None
_CJK = re.compile(r"[\u3400-\u9fff]")
UNREAD_CAP = 0.75  # below CONFIDENT (0.8): a plan with a word no stage read is acted on, not trusted
_PLACE_ZH = re.compile(r"在(?P<where>[^，,。在]{1,8}?)的?(?:上面|上方|上|旁边|边上|旁|下面|下方|下|里面|里|前面|前|后面|后|周围|附近|中间)"
                       r"[^，,。]{0,4}?(?:加|放|添|画|插|摆)")
_PLACE = re.compile(r"^(?:add|put|place|insert|draw|scatter|sprinkle)\b.*?\b(?P<prep>on|onto|above|over|next to|beside|near|by|out of|from|"
                    r"under|below|in|into)\s+(?:the )?(?:(?:top|side|edge|corner|front|back|middle) of )?(?:the |his |her |their |its )?"
                    r"(?P<where>[a-z]+)(?:'s? (?P<part>[a-z]+))?")  # the first place said is where ("on top of the dryer":
# the dryer; "on the baby's head": the baby's part)


def confidence(draft: Draft, ins: dict[str, Any], labels: list[str], zh: bool) -> float:
    """How sure: by how the draft was found, times the share of the clause's words that were read, capped
    where a construction was only half read."""
    base = _KIND_SURE.get(draft.kind, 1.0)
    if ins.get("operation") == "clarify" and draft.kind not in ("chat", "ask"):
        # Asked back. With every word read, the request names something the picture lacks ("make the horse
        # white" with no horse): as sure of that as of an edit. With words it could not read, it is sure only
        # that it could not act, and a model may read more.
        read = read_share(draft.text, ins, labels, content=False) if draft.text else 0.0  # 气球 is known as content
        return base * read if read >= 0.9 else min(base, 0.5)  # to paint, not as a thing to look for
    if draft.kind in ("ask", "chat", "history", "picture", "question") or not draft.text:
        return base
    share = read_share(draft.text, ins, labels, draft.read)
    if share < 1.0 or unused(draft.text, ins, labels) or compound(draft.text, labels):  # a word not understood, or
        share = min(share, UNREAD_CAP)  # understood and left out of the plan, or a word made of two: never sure
    return min(base * share, half_read(draft.text, ins, draft.read, labels)[0])


def compound(text: str, labels: list[str]) -> bool:
    """A Chinese word the tables read as two things side by side (花盆, a flower pot, read as 花 + 盆; 婴儿床, a
    crib, as 婴儿 + 床), or a thing followed by a character no table reads (路牌): what the word means is a guess."""
    toks = tokenize(text, labels)
    covered = {k for x in toks for k in range(x.start, x.end)}
    for a, b in zip(toks, toks[1:], strict=False):
        if a.cat == b.cat == "thing" and a.end == b.start and _CJK.match(text[a.start]):
            return True
    return any(x.cat == "thing" and _CJK.match(text[x.start]) and x.end < len(text) and x.end not in covered and
               _CJK.match(text[x.end]) and text[x.end] not in _GRAMMAR_ZH for x in toks)


_SHADES = ("black", "white", "gray", "grey")


def unused(text: str, ins: dict[str, Any], labels: list[str]) -> list[str]:
    """The words a table read as what to do (a colour, black and white, an adjustment) that the plan does not do:
    the planner read them and then planned something else. (Things named but not edited are not counted: most
    say where, "the people on the beach", and counting them made fewer plans sure without catching a mistake.)"""
    op, adjust = ins.get("operation"), ins.get("adjust") or {}
    said = f"{ins.get('color') or ''} {ins.get('prompt') or ''} {adjust.get('stylize') or ''}".lower()
    out = []
    for tok in tokenize(text, labels):
        if re.search(r"\b(?:instead of|rather than|not)\s+(?:the\s+)?$", text[:tok.start]):
            continue  # "pixelate instead of blur": said not to be done
        if tok.cat == "color":
            name = str(tok.value).lower()
            done = name in said or (name == "blonde" and "gold" in said) or (name == "gold" and "blonde" in said) or \
                (op == "adjust" and (adjust.get("grayscale") or "saturation" in adjust)
                                    and any(w in name for w in _SHADES))
        elif tok.cat == "gray":
            done = bool(adjust.get("grayscale")) or op == "recolor" or any(
                w in said for w in ("black and white", "monochrome", "grayscale", "greyscale", "noir", "黑白"))
        elif tok.cat == "adjust" and op == "adjust":
            param = tok.cats["adjust"][0]
            done = param in adjust or {param, *adjust} <= {"blur", "sharpen"} or "stylize" in adjust
        else:
            continue
        if not done and op not in ("clarify", "undo", "redo"):
            out.append(tok.text)
    return out


def half_read(text: str, ins: dict[str, Any], read: list[tuple[int, int]], labels: list[str]) -> tuple[float, dict[str, Any] | None]:
    """1.0, or lower when the text holds a construction that no stage consumed; with the reading that
    construction asks for, when it can be made (`readings.py` offers it next to the plan)."""
    excl = EXCLUSION_WORDS.search(text)
    if excl and not any(a <= excl.start() < b for a, b in read) and ins.get("operation") not in ("undo", "redo"):
        # "turn everything except him gray" planned without the exception: the opposite region is as likely
        if ins.get("targets") and ins.get("operation") in ("adjust", "recolor", "inpaint") and \
                not (ins.get("mask") or {}).get("invert"):
            return 0.5, {**ins, "mask": {**(ins.get("mask") or {}), "invert": True}}
        after = named_labels(text[excl.end():], labels)
        return 0.5, (inverted(ins, after[:1]) if after and not ins.get("targets") else None)
    size = PIXEL_SIZE.search(text)
    if size and not ins.get("width"):  # a size in pixels that became no resize
        return 0.5, {"operation": "resize", "width": int(size.group(1)), "height": int(size.group(2))}
    place = _PLACE.search(text) or _PLACE_ZH.search(text)
    if place and ins.get("operation") == "inpaint" and not (ins.get("mask") or {}).get("invert"):
        said = place.group("where")
        if norm_label(place.groupdict().get("part") or "") in PERSON_PART_NORMS and \
                all(personal(x) for x in named_labels(said, labels)):
            return 1.0, None  # "a witch hat on the baby's head" painted on her hair (a bow on the dog's head: the dog)
        things = [x for x in tokenize(said, labels) if x.cat == "thing"]
        named = named_labels(said, labels) or [y for x in things for y in resolve_thing(x.value, labels)[0]]
        if not named and (place.groupdict().get("prep") or "") in ("in", "into"):
            return 1.0, None  # "add a hat in red": no place
        where = set(named) | {x for prep in ("above", "next to") for x in support_of(named, prep, labels) if named}
        parts = {norm_label(x) for x in named + list(ins.get("targets") or [])} <= PERSON_PART_NORMS  # a hat on her head
        if not where & set(ins.get("targets") or []) and not (named and parts):  # "add smoke coming out of the chimney" painted elsewhere
            return 0.5, ({**ins, "targets": named[:1]} if named else None)
    return 1.0, None


def read_share(text: str, ins: dict[str, Any], labels: list[str], read: list[tuple[int, int]] = (),
               content: bool = True) -> float:
    """Share of the words of `text` that a table token, a construction (`read` spans) or the grammar accounts
    for. Words that only reached the plan's prompt are not read unless a table knows them as content ("a hat",
    咖啡); a number is read when the plan holds it."""
    words = _words(text)
    return 1.0 - len(_unread(text, ins, labels, read, content)) / len(words) if words else 1.0


def unread_words(text: str, ins: dict[str, Any], labels: list[str], read: list[tuple[int, int]] = ()) -> list[str]:
    """The words of `text` no stage read (what `read_share` counts against the plan), in order, Chinese characters
    side by side as one word (正方形): what a model is pointed to when it checks an unsure reading."""
    out: list[str] = []
    end = -1
    for start, word in _unread(text, ins, labels, read):
        if start == end and _CJK.match(word) and out and _CJK.match(out[-1][-1]):
            out[-1] += word
        else:
            out.append(word)
        end = start + len(word)
    return out


def _unread(text: str, ins: dict[str, Any], labels: list[str], read: list[tuple[int, int]],
            content: bool = True) -> list[tuple[int, str]]:
    toks = tokenize(text, labels)
    covered = [False] * len(text)
    for a, b in [(tok.start, tok.end) for tok in toks] + list(read):
        covered[a:b] = [True] * (b - a)
    for m in _ZH_CONTENT.finditer(text) if _ZH_CONTENT and content else ():
        covered[m.start():m.end()] = [True] * (m.end() - m.start())
    numbers = {str(v) for k in ("width", "height", "angle", "scale", "count") if ins.get(k) is not None
               for v in (ins[k], int(ins[k]) if isinstance(ins[k], float) and ins[k].is_integer() else ins[k])}
    numbers |= set(re.findall(r"\d+", str(ins.get("aspect") or "")))
    if ins.get("operation") not in _GENERATIVE:
        numbers |= set(re.findall(r"\d+", str(ins.get("adjust") or "")))
    return [(start, word) for start, word in _words(text) if not (
        covered[start] or word in _GRAMMAR_EN or word in _GRAMMAR_ZH or (content and word in _CONTENT_EN)
        or (word.isdigit() and (word in numbers or ins.get("operation") in ("adjust", "undo", "redo"))))]


def prompt_unread(ins: dict[str, Any], unread: list[str]) -> bool:
    """Whether a generative plan's prompt is nothing but words no stage read ("改成正方形" -> a restyle with the
    prompt 正方形): the operation was a guess, not a reading of those words."""
    if ins.get("operation") not in _GENERATIVE or not unread:
        return False
    said = {w for _, w in _words(str(ins.get("prompt") or "").lower()) if w not in _GRAMMAR_EN and w not in _GRAMMAR_ZH}
    return bool(said) and said <= {w for _, w in _words(" ".join(unread))}


def named_labels(text: str, labels: list[str]) -> list[str]:
    """The picture's labels that words of `text` name ("the person", 草地 for `grass`): what the request says
    explicitly, whatever else in it was not read."""
    out: list[str] = []
    for tok in tokenize(text, labels):
        value = tok.cats.get("thing")
        names = value[1] if isinstance(value, tuple) and len(value) == 2 else value
        for name in [names] if isinstance(names, str) else list(names or []):
            if name in labels and name not in out:
                out.append(name)
    return out


def _words(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in re.finditer(r"[a-z][a-z']*|\d+|[\u3400-\u9fff]", text)]


def named_operations(text: str, labels: list[str]) -> list[str]:
    """What the request says to do in words a table knows: "adjust:<parameter>" for an adjustment ("knock the
    brightness down": adjust:brightness), "adjust:grayscale", "remove", "recolor" (a colour named). A model plan
    that does none of what an unsure reading does of these goes against the request (`modes.against_reading`)."""
    out: list[str] = []
    for tok in tokenize(text, labels):
        if tok.cat == "adjust":
            out.append(f"adjust:{tok.cats['adjust'][0]}")
        elif tok.cat == "gray":
            out.append("adjust:grayscale")
        elif tok.cat == "color":
            out.append("recolor")
    if EN_REMOVE.search(text) or ZH_REMOVE.search(text):
        out.append("remove")
    return list(dict.fromkeys(out))
