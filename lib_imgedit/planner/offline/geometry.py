"""Picture operations: crop, rotate, flip and resize, read from one clause (English and Chinese).

They act on the whole picture, so a clause that names a thing to change ("make the dog bigger", "放大眼睛")
is not one of them; only "crop to her face" takes a target (crop tight around it).
"""

from __future__ import annotations

import math
import re
from typing import Any

from .. import vocab as V
from .labels import pick_instances, resolve_thing
from .positions import zh_number
from .tokens import Tok, word_re

_WHOLE = r"(?:(?:it|this|that|the (?:image|picture|photo|pic|whole thing)|the whole (?:image|picture|photo)|everything)\s+)?"
_NUM = r"(\d+(?:\.\d+)?)"
_WORD_NUMS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10, "half": 0.5, "a half": 0.5,
              "a third": 1 / 3, "a quarter": 0.25, "double": 2, "twice": 2, "triple": 3, "thrice": 3, "quadruple": 4}
_ASPECTS_EN = (("square", "1:1"), ("widescreen", "16:9"), ("wide screen", "16:9"), ("cinematic", "21:9"),
               ("portrait", "4:5"), ("vertical", "9:16"), ("story", "9:16"), ("stories", "9:16"),
               ("landscape", "3:2"), ("horizontal", "3:2"), ("instagram", "1:1"))
_ASPECTS_ZH = (("正方形", "1:1"), ("方形", "1:1"), ("方图", "1:1"), ("宽屏", "16:9"), ("竖屏", "9:16"), ("竖版", "4:5"),
               ("竖图", "4:5"), ("竖的", "4:5"), ("横版", "3:2"), ("横屏", "16:9"), ("横图", "3:2"), ("人像", "4:5"))


_BARE_SHAPE = re.compile(r"^(?:(?:make it|go|do|in)\s+)?(?:a\s+|an\s+)?(?:(?:wide ?screen|square|portrait|landscape|vertical|"
                         r"horizontal|cinematic|story)\s*)?(?:[1-9]\d?\s*(?::|x|×|by)\s*[1-9]\d?)?(?:\s+(?:format|ratio|aspect(?: ratio)?|"
                         r"crop|shape|version|orientation))?(?:\s+(?:for|on) (?:instagram|insta|youtube|tiktok|facebook|"
                         r"twitter|a phone|my phone|stories|a story|print))?[.!]*$|^(?:正方形|宽屏|竖屏|横屏|竖版|横版|\d+\s*[:：比]\s*\d+)的?$")


# a size in pixels, width by height: "1200x800", "1920 by 1080 px", 1920乘1080像素
PIXEL_SIZE = re.compile(r"(\d{3,5})\s*(?:px|pixels?|像素)?\s*(?:[x×*乘]|by)\s*(\d{3,5})")


def picture_op(t: str, zh: bool, toks: list[Tok], labels: list[str]) -> dict[str, Any] | None:
    """A crop/rotate/flip/resize instruction for clause `t`, or None when it asks for none of them."""
    for read in (_crop, _flip, _rotate, _resize):
        ins = read(t, toks, labels)
        if ins:
            return ins
    return None


def other_way(t: str, last: dict[str, Any] | None) -> dict[str, Any] | None:
    """"oops, other way" right after a rotation: the picture turned the other way from where it started (so by
    twice the angle back from where it is now)."""
    if not last or last.get("operation") != "rotate" or not re.search(
            r"\b(?:(?:the )?other (?:way|direction)|(?:the )?opposite (?:way|direction)|wrong way|"
            r"(?:the )?other way round)\b|反方向|另一个方向|转反了|反了", t):
        return None
    angle = float(last.get("angle") or 90)
    return {"operation": "rotate", "targets": [], "angle": 180.0 if abs(angle) == 90 else -2 * angle}


_NUMBER_WORDS = {w: str(i) for i, w in enumerate(("one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                                                   "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"), 1)}
_WORD_RATIO = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\s+(?:by|to|x)\s+(" + "|".join(_NUMBER_WORDS) + r")\b")


def _digit_ratios(t: str) -> str:
    """`t` with a ratio said in words written in digits: "three by four" -> 3:4, 九比十六 -> 9比16."""
    t = _WORD_RATIO.sub(lambda m: f"{_NUMBER_WORDS[m.group(1)]}:{_NUMBER_WORDS[m.group(2)]}", t)
    return re.sub(r"([一二三四五六七八九十]+)比([一二三四五六七八九十]+)",
                  lambda m: f"{zh_number(m.group(1))}比{zh_number(m.group(2))}", t)


def _ratio(t: str) -> str | None:
    t = _digit_ratios(t)
    m = re.search(r"(?<![\d.])([1-9]\d?)\s*(?::|x|×|by|比|：)\s*([1-9]\d?)(?![\d.])", t)
    if m:
        return f"{m.group(1)}:{m.group(2)}"
    for word, aspect in _ASPECTS_EN:
        if word_re(word).search(t):
            return aspect
    for word, aspect in _ASPECTS_ZH:
        if word in t:
            return aspect
    return None


def _crop(t: str, toks: list[Tok], labels: list[str]) -> dict[str, Any] | None:
    shape = re.match(r"^(?:make|turn|change|convert|set|format|reformat)\s+(?:it|this|the (?:image|picture|photo))\s+"
                     r"(?:(?:in)?to\s+)?(?:a\s+|an\s+)?(\w+(?::\w+)?)(?:\s+(?:format|ratio|aspect(?: ratio)?|shape|"
                     r"orientation|crop|image|picture|photo))?$", t)
    if shape and _ratio(shape.group(1)):  # "make it square", "make it 16:9"
        return {"operation": "crop", "targets": [], "aspect": _ratio(shape.group(1))}
    if _BARE_SHAPE.match(t) and _ratio(t):  # "widescreen please", "portrait 4:5 for instagram", "16:9"
        return {"operation": "crop", "targets": [], "aspect": _ratio(t)}
    stated = re.search(r"\b(?:aspect(?: ratio)?|ratio|format|orientation)\b", t) or re.search(r"(?:改|变|换|弄|调|做)成|比例|画幅", t)
    t = _digit_ratios(t)
    numeric = re.search(r"(?<![\d.:])([1-9]\d?)\s*(?::|：|比|by|x|×)\s*([1-9]\d?)(?![\d.:%])", t)  # 4:5, 16 by 9, 九比十六
    numeric = numeric if numeric and max(int(numeric.group(1)), int(numeric.group(2))) <= 32 else None
    shaped = re.search(r"\b(?:square|widescreen|wide screen|vertical|horizontal|landscape)\b", t) and re.search(
        r"\b(?:it|this|that|the (?:image|picture|photo|pic))\b|^(?:need|want|make|go|get)\b", t)  # "need this square"
    if ((numeric or shaped) and not any(x.cat in ("thing", "color") for x in toks)) or \
            (stated and _ratio(t) and not any(x.cat in ("thing", "color", "style", "scene") for x in toks)):
        return {"operation": "crop", "targets": [], "aspect": _ratio(t)}  # "change the aspect ratio to 9:16", 改成正方形
    zoom = re.search(r"\bzoom (?:in )?(?:on|to|into)\b", t)
    size = PIXEL_SIZE.search(t)
    en = zoom or re.search(r"\b(?:crop|recrop)\b(?!\s+(?:out|off|away)\b)", t) or (
        re.search(r"\b(?:cut|trim)\b", t) and re.search(r"\b(?:image|picture|photo|it)\b", t) and (_ratio(t) or size))
    zh = re.search(r"裁剪|裁切|剪裁|裁成|裁到|裁掉|裁一下|裁(?!缝)", t)
    if not en and not zh:
        return None
    if re.search(r"\b(?:crop|cut) (?:out|off|away)\b|裁掉", t):
        return None  # "crop out the car" takes the car away (the remove stage)
    if size:  # "crop to 1200 by 800": the aspect they make, scaled to that size
        w, h = int(size.group(1)), int(size.group(2))
        return {"operation": "crop", "targets": [], "aspect": f"{w // math.gcd(w, h)}:{h // math.gcd(w, h)}", "width": w, "height": h}
    aspect = _ratio(t)
    targets: list[str] = []
    for tok in toks:
        if tok.cat == "thing" and tok.text not in ("top", "bottom", "side", "edge", "corner"):  # "crop the top"
            found, inv = resolve_thing(tok.value, labels)
            if found and not inv and (not aspect or re.search(r"\b(?:on|around|of|to)\s+(?:the\s+|his\s+|her\s+)?$",
                                                              t[:tok.start])):
                targets += [x for x in found if x not in targets]  # (with a shape, only "square crop on the guitarist")
    if aspect:
        return {"operation": "crop", "targets": pick_instances(targets, t, labels, None) if targets else [], "aspect": aspect}
    if targets:  # "crop to the person on the left": one of several
        return {"operation": "crop", "targets": pick_instances(targets, t, labels, None)}
    # a crop with no shape and nothing to crop around: ask which, never a prompt made of the words
    question = "裁成什么比例或裁到哪里？比如“裁成正方形”“裁成16:9”或“裁到脸部”。" if zh else \
        "Crop to what? For example “crop to a square”, “crop to 16:9” or “crop to the face”."
    return {"operation": "clarify", "targets": [], "question": question}


def _flip(t: str, toks: list[Tok], labels: list[str]) -> dict[str, Any] | None:
    if re.search(r"\bflip\b.*\b(?:vertical(?:ly)?|upside down|top to bottom|up ?side down)\b|\bflip (?:it )?(?:over|up)\b",
                 t) or re.search(r"垂直翻转|上下翻转|上下颠倒翻转|竖直翻转|上下镜像", t):
        return {"operation": "flip", "targets": [], "direction": "vertical"}
    if re.search(r"^(?:(?:ok|okay|now|then|and|so|lol|alright|cool|great|nice|perfect|next)[\s,!.]+)*(?:\w+ )?(?:flip|mirror)\b(?!\s+(?:the|her|his|their)\s+(?!image|picture|photo|pic|whole|entire|shot|frame))", t) or re.search(
            r"\b(?:flip|mirror) " + _WHOLE + r"(?:horizontal(?:ly)?|left to right|sideways|around)?$", t) or re.search(
            r"\bmirror (?:image|it|the (?:image|picture|photo))\b|\bhorizontal(?:ly)? flip", t) or re.search(
            r"水平翻转|左右翻转|镜像|翻转|水平镜像|左右颠倒", t):
        return {"operation": "flip", "targets": [], "direction": "horizontal"}
    return None


def _rotate(t: str, toks: list[Tok], labels: list[str]) -> dict[str, Any] | None:
    en = re.search(r"\b(?:rotate|turn|spin|straighten|tilt|level)\b", t)
    zh = re.search(r"旋转|转(?:\d|[一二三四五六七八九十百]|个|过来)|倒过来|颠倒|拉直|摆正|扶正|向左转|向右转|左转|右转", t)
    upside = re.search(r"\bupside down\b|倒过来|颠倒", t)
    if not en and not zh and not upside:
        return None
    if en and en.group(0) in ("turn", "spin") and not zh and not upside and (
            re.search(r"\b(?:turn|spin)\b.*\binto\b", t) or not re.search(
                r"\b(?:degrees?|°|upside|left|right|clockwise|counter[- ]?clockwise|anti[- ]?clockwise|sideways)\b", t)):
        return None  # "turn the sky red" is a recolour, "... to turn the whole thing into an oil painting" a restyle
    why = re.search(r"\bto (?:straighten|level|fix)\b", t)  # "rotate it a tiny bit to straighten the buildings"
    if any(x.cat == "thing" and not t[x.end:].startswith(("-clockwise", "clockwise", " clockwise")) and not (why and x.start > why.start())
           for x in toks) and not re.search(r"\b(?:image|picture|photo)\b|图|照片", t):
        return None  # "turn her head to the left" (but "counter-clockwise" names no counter)
    m = re.search(r"(-?\d+(?:\.\d+)?)\s*(?:°|degrees?|deg\b|度)", t) or re.search(r"(?:by|to)\s+(-?\d+(?:\.\d+)?)\b", t)
    angle: float | None = float(m.group(1)) if m else None
    if angle is None:
        zm = re.search(r"([一二三四五六七八九十百两]+)\s*度", t)
        angle = float(zh_number(zm.group(1)) or 0) if zm else None
    left = re.search(r"\b(?:left|counter[- ]?clockwise|anti[- ]?clockwise|ccw)\b|逆时针|向左|左转", t)
    if angle is None:
        if upside or re.search(r"\b(?:half a turn|half turn)\b|180", t):
            angle = 180.0
        elif re.search(r"\b(?:slightly|a (?:tiny |little |wee )?(?:bit|touch|tad|smidge)|a little)\b|稍微|一点点|一点|一些", t):
            angle = 3.0  # "rotate it slightly": a few degrees, as "a few degrees" is read (words.py)
        elif re.search(r"\b(?:straighten|level|tilt)\b|拉直|摆正|扶正", t):
            return None  # straightening needs an angle; the clause is asked about instead
        else:
            angle = 90.0
    if left and angle > 0:
        angle = -angle
    if not angle % 360:
        return None
    return {"operation": "rotate", "targets": [], "angle": angle}


_SIZE_WORD = re.compile(r"\b(?:resize|rescale|scale|upscale|downscale|upsample|downsample|enlarge|shrink|bigger|smaller|"
                        r"larger|size|resolution)\b|缩小|放大|缩放|尺寸|分辨率|缩到|压缩到|缩成")


def _resize(t: str, toks: list[Tok], labels: list[str]) -> dict[str, Any] | None:
    if any(x.cat in ("thing", "adjust", "gray", "filter", "color", "style", "scene") and not _SIZE_WORD.search(x.text)
           for x in toks):
        return None  # "make the dog bigger", "double the saturation" change something else, not the picture's size
    w = re.search(r"(\d{2,5})\s*(?:px|pixels?)?\s*(?:wide|width|w\b|across)|width (?:of |to )?(\d{2,5})|"
                  r"宽(?:度)?(?:为|到|改成|改为|设为|调到|调成|变成|压缩到|缩到)?\s*(\d{2,5})|(?<![宽高度\d])(\d{2,5})\s*(?:像素|px)?\s*宽", t)
    h = re.search(r"(\d{2,5})\s*(?:px|pixels?)?\s*(?:tall|high|height|h\b)|height (?:of |to )?(\d{2,5})|"
                  r"高(?:度)?(?:为|到|改成|改为|设为|调到|调成|变成|压缩到|缩到)?\s*(\d{2,5})|(?<![宽高度\d])(\d{2,5})\s*(?:像素|px)?\s*高", t)
    wh = re.search(r"(\d{2,5})\s*(?:px|pixels?)?\s*(?:[x×*乘]|by)\s*(\d{2,5})(?:\s*(?:px|pixels?|像素))?", t)
    resize_word = _SIZE_WORD.search(t) or re.search(r"\b(?:double|halve|twice|half)\b|大小|一半|两倍|二倍", t)
    said = re.match(r"^(?:(?:and|then|now|ok|okay|also|so|pls|plz) )*(?:(?:can|could|would) (?:you|u|we) |please )?(?:(?:give me|gimme) (?:it|this)|(?:i )?(?:need|want) (?:it|this|the (?:image|picture|photo))|"
                    r"make|set|change|do|go|get|export|save|output)\b|^(?:尺寸)?(?:改成|改为|调成|变成|设为)", t) or \
        re.search(r"(?:改成|改为|调成|变成|设为)\s*\d", t) or \
        re.search(r"\d\s*(?:px|pixels?|像素)", t)
    bare_size = re.fullmatch(r"(?:(?:now|then|and|ok|please)\s+)*\d{2,5}\s*(?:px|pixels?)?\s*(?:[x×*]|by)\s*\d{2,5}"
                             r"(?:\s*(?:px|pixels?))?(?:\s+(?:for|on) [a-z ]+)?", t)  # "now 1280x720 for youtube"
    if wh and min(int(wh.group(1)), int(wh.group(2))) >= 16 and (resize_word or said or bare_size):
        return {"operation": "resize", "targets": [], "width": int(wh.group(1)), "height": int(wh.group(2))}
    if re.search(r"\b4k\b", t) and re.match(r"^(?:make|upscale|resize|scale|convert|turn)\b", t):
        return {"operation": "resize", "targets": [], "width": 3840}
    bare = re.search(r"\b(?:resize|rescale|scale)\b.*\bto (\d{2,5})\s*(?:px|pixels)?$", t)
    if bare:  # "resize to 512": the width
        return {"operation": "resize", "targets": [], "width": int(bare.group(1))}
    if not resize_word and not w and not h:
        return None
    if wh:
        return {"operation": "resize", "targets": [], "width": int(wh.group(1)), "height": int(wh.group(2))}
    if w or h:
        ins: dict[str, Any] = {"operation": "resize", "targets": []}
        if w:
            ins["width"] = int(next(g for g in w.groups() if g))
        if h:
            ins["height"] = int(next(g for g in h.groups() if g))
        return ins
    named = _NAMED_BIGGER.search(t)
    if (named and named.group(1) not in V.WHOLE_EN) or _NAMED_BIGGER_ZH.search(t):
        return None  # "make the chickens bigger", 把那只蜜蜂放大一点: a thing the tables do not know, not the picture
    scale = _scale(t)
    if scale is None or scale == 1:
        return None
    return {"operation": "resize", "targets": [], "scale": round(scale, 3)}


_NAMED_BIGGER = re.compile(r"\b(?:make|get)\s+(?:the|his|her|their|its|my|our|those|these|that|this)\s+([a-z][a-z ]*?)\s+"
                           r"(?:(?:a bit|a little|a lot|much|way|slightly|even|abit)\s+)?(?:bigger|larger|smaller|tinier)\b")


_NAMED_BIGGER_ZH = re.compile(r"把(?!图|照片|相片|整张|整个|画面|它|尺寸|分辨率)[^，,。]{1,8}?(?:放大|缩小|变大|变小|弄大|弄小)")


def _scale(t: str) -> float | None:
    down = re.search(r"\b(?:smaller|shrink|downscale|downsample|reduce|halve|decrease|down)\b|缩小|变小|缩", t)
    m = re.search(r"(\d+(?:\.\d+)?)\s*(?:x|×|times|倍)", t) or re.search(r"\bx\s*(\d+(?:\.\d+)?)\b", t)
    if m:
        f = float(m.group(1))
        return (1 / f if f > 1 else f) if down else f
    m = re.search(r"(\d+(?:\.\d+)?)\s*(?:%|percent)", t)
    if m:
        f = float(m.group(1)) / 100
        return 1 - f if down and f < 1 and re.search(r"\bby\b", t) else f
    m = re.search(r"([一二两三四五六七八九十])\s*倍", t)
    if m:
        f = float(zh_number(m.group(1)) or 2)
        f = 2.0 if f == 1 else f  # "放大一倍" is twice the size, "缩小一倍" half
        return 1 / f if down else f
    if re.search(r"\bhalf\b|\bhalve\b|一半|二分之一|50%", t):
        return 0.5
    for word, f in _WORD_NUMS.items():
        if word_re(word).search(t):
            return 1 / f if down and f > 1 else f
    if down:
        return 0.5
    if re.search(r"\b(?:bigger|larger|upscale|enlarge|upsample|higher resolution|increase the resolution)\b|放大|变大|"
                 r"提高分辨率", t):
        return 2.0
    return None
