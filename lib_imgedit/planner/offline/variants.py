"""The last edit done again another way, in its place or beside it: the thing it added in another colour ("a blue
one instead"), with more left out ("keep the lake in colour as well", 还是保留捧花的颜色吧), or on the rest of the
picture ("the other way round")."""

from __future__ import annotations

import re
from typing import Any

from ...core.colors import COLORS, find_color, parse_color
from ...core.instruction import plan_steps
from ...core.labels import split_instance
from ..base import PlanContext
from .history import last_instruction, referent
from .labels import resolve_thing
from .tokens import tokenize


def _painted(ctx: PlanContext) -> dict[str, Any] | None:
    """The edit the conversation points back to, when it painted something in (an inpaint with a prompt)."""
    cur = referent(ctx) or {}
    return cur if cur.get("operation") == "inpaint" and cur.get("prompt") else None


def _again(cur: dict[str, Any], *drop: str, **changes: Any) -> dict[str, Any]:
    """The edit `cur` once more, without its reply, its question and the keys `drop`, with `changes`."""
    return {**{k: v for k, v in cur.items() if k not in ("reply", "question", *drop)}, **changes}


def in_colour(added: dict[str, Any], color: str) -> dict[str, Any]:
    """An inpaint that added something, again with that thing in `color` ("add a red ball" -> "a blue one instead")."""
    pattern = r"\b(?:" + "|".join(map(re.escape, sorted(COLORS, key=len, reverse=True))) + r")\b\s*"
    thing = re.sub(r"^(?:an?|some|the)\s+", "", re.sub(pattern, "", str(added.get("prompt") or "")))
    return _again(added, "prompt", prompt=f"a {color} {thing}")


_ANOTHER_ONE = re.compile(r"^(?:(?:let us|let's|maybe|then)\s+)?(?:(?:try|use|do|make it|go with|how about)\s+)?(?:a|an)\s+(?P<c>[a-z ]+?)\s+one"
                          r"(?:\s+instead)?$")


_THEM_IN_COLOUR = re.compile(r"^(?:(?:make|turn|change|do|paint) )?(?:them|it|those|that|these|this)(?: into| to)? (?P<c>.+)$")


def added_in_colour(t: str, ctx: PlanContext) -> dict[str, Any] | None:
    """"make them white roses" right after adding roses: the roses again, white (not the roses of the picture)."""
    m = _THEM_IN_COLOUR.match(t)
    cur = _painted(ctx)
    if not m or cur is None:
        return None
    words = m.group("c").split()
    color = next((c for c in (" ".join(words[:2]), words[0]) if parse_color(c) is not None), None)
    nouns = [w for w in words[len(color.split()):] if w not in ("a", "an", "the", "ones", "one")] if color else []
    said = {w.rstrip("s") for w in re.findall(r"[a-z]{3,}", str(cur["prompt"]).lower())}
    if not nouns or not all(w.rstrip("s") in said for w in nouns):
        return None
    return in_colour(cur, color)


_ADDED_INSTEAD = re.compile(r"^(?:(?:actually|no|nah|hmm|maybe|then|ok)[\s,]+)*(?:make it|change it to|turn it into|swap it for|"
                            r"replace it with|do|try|go with) (?P<x>(?:a|an|some) [a-z][a-z -]*?) instead$")


def added_instead(t: str, ctx: PlanContext) -> dict[str, Any] | None:
    """"actually make it a succulent instead" right after putting a cactus there: a succulent in that place."""
    m = _ADDED_INSTEAD.match(t)
    cur = _painted(ctx)
    if not m or cur is None or any(x.cat in ("style", "scene", "adjust", "gray", "filter") for x in tokenize(m.group("x"), [])):
        return None
    return _again(cur, "prompt", prompt=m.group("x"), replace=True)


_ADDED_TOO = re.compile(r"^(?:(?:and|also|plus|oh|maybe|ok)[\s,]+)*(?P<x>(?:a|an|some|two|three|a few|a couple of) [a-z][a-z -]*?)"
                        r",?\s+(?:too|as well|also)$")


def added_too(t: str, ctx: PlanContext) -> dict[str, Any] | None:
    """"and a bottle of wine too" right after putting grapes on the table: the wine in that place as well."""
    m = _ADDED_TOO.match(t)
    cur = _painted(ctx)
    if not m or cur is None or (cur.get("mask") or {}).get("invert") or any(
            x.cat != "thing" or resolve_thing(x.value, ctx.labels)[0] for x in tokenize(m.group("x"), ctx.labels)):
        return None
    return _again(cur, "prompt", "replace", prompt=m.group("x"))


_MORE_THERE = re.compile(r"^(?:(?:and|also|now|ok|then)[\s,]+)*(?:add|put|paint|draw) (?:a few|some|a couple|one|another)(?: more)? "
                         r"(?:on|to|in|onto|into) (?:the |his |her )?(?P<where>[a-z][a-z ]*?)(?: too| as well)?$|"
                         r"^(?:在|给)?(?P<zh>[^，,。也]{1,8}?)(?:上|里|上面|里面)?也(?:画|加|放|添)上?(?:几|一些|一|点)[朵个只棵条片些点]?[吧啊]?$")


def added_there_too(t: str, ctx: PlanContext) -> dict[str, Any] | None:
    """"画布上也画几朵" / "add a few on the bench too" right after painting sunflowers in: the same thing, there too."""
    m = _MORE_THERE.match(t)
    cur = _painted(ctx)
    if not m or cur is None or (cur.get("mask") or {}).get("invert"):
        return None
    where = [y for x in tokenize(m.group("where") or m.group("zh"), ctx.labels) if x.cat == "thing"
             for y in resolve_thing(x.value, ctx.labels)[0]]
    what = re.sub(r",\s*(?:on|in|into|onto|next to|under|above|over|beside|near|by|at) .*$", "", str(cur["prompt"]))
    return {"operation": "inpaint", "targets": where, "prompt": what} if where else None  # (not where it went before)


_ADDED_SIZE = re.compile(r"^(?:(?:make it|make them|a bit|a little|much|way|even)\s+)*(?P<w>bigger|larger|smaller|tinier)"
                         r"(?:\s+(?:please|pls|plz))?(?:\s*,.*)?$|^(?:把)?(?:它|[^，,。\s]{1,4}?)?(?:再|更)?(?:弄|画|变|调)?得?(?P<zh>大|小)"
                         r"(?:一点|一些|点|些)?[吧啊]?$")


def added_size(t: str, ctx: PlanContext) -> dict[str, Any] | None:
    """"bigger pls, its tiny" right after adding a flamingo: the flamingo again, bigger (not the picture's size)."""
    m = _ADDED_SIZE.match(t)
    cur = _painted(ctx)
    if not m or cur is None:
        return None
    thing = re.sub(r"^(?:an?|some|the)\s+", "", str(cur["prompt"]))
    size = m.group("w") or {"大": "bigger", "小": "smaller"}[m.group("zh")]  # 月亮再大一点 right after adding a moon
    said = re.sub(r"^把|[再更弄画变调得大小一点些吧啊]", "", t)  # what the Chinese names besides the size: the thing added,
    if m.group("zh") and said and said != "它" and any(  # not a thing of the picture
            resolve_thing(x.value, ctx.labels)[0] for x in tokenize(said, ctx.labels) if x.cat == "thing"):
        return None
    return _again(cur, "prompt", prompt=f"a {size} {thing}", replace=True)


def another_one(t: str, ctx: PlanContext) -> dict[str, Any] | None:
    """"a blue one instead" after adding (or undoing) a red bow: the bow again, blue."""
    m = _ANOTHER_ONE.match(t)
    cur = _painted(ctx)
    if not m or cur is None or parse_color(m.group("c")) is None:
        return None
    return in_colour(cur, m.group("c"))


_KEEP_TOO_EN = re.compile(r"^(?:(?:and|also|oh and|please)\s+)*(?:keep|leave|don't change|do not change)\s+(?P<x>.+?)\s+"
                          r"(?:in colou?r|as (?:it |they )?(?:is|are)|alone|untouched|unchanged|the same|out of it)?\s*"
                          r"(?:too|as well|also)$")
_KEEP_TOO_ZH = re.compile(r"^(?P<x>.+?)也(?:保留颜色|保持原样|保留原色|不要变|不用变|别变|不变|保留)|"
                          r"^(?:还是|那就|但是?)?保留(?P<x2>.+?)的(?:颜色|原色)")
_KEEP_COLOUR_EN = re.compile(r"^(?:(?:actually|but|and|please|oh)\s+)*(?:keep|leave|bring back|restore)\s+(?:the\s+)?"
                             r"(?P<x>[a-z]+(?: [a-z]+)??)(?:'s)?\s+(?:colou?rs?|in colou?r)(?:\s+(?:after all|please))?$")


def also_excluded(t: str, zh: bool, labels: list[str], ctx: PlanContext) -> dict[str, Any] | None:
    """"keep the lake in colour as well" / 树也保留颜色 right after an edit of everything but something: that edit
    again, in its place, leaving this out too."""
    cur = last_instruction(ctx) or {}
    m = _KEEP_TOO_ZH.match(t) if zh else (_KEEP_TOO_EN.match(t) or _KEEP_COLOUR_EN.match(t))
    inverted = bool((cur.get("mask") or {}).get("invert")) and bool(cur.get("targets"))
    whole_colour = cur.get("operation") == "adjust" and not cur.get("targets") and \
        bool({"grayscale", "saturation", "stylize"} & set(cur.get("adjust") or {}))  # "还是保留捧花的颜色吧"
    if not m or not (inverted or whole_colour):
        return None
    said = m.group("x") or (m.groupdict().get("x2") or "")
    named = [x for tok in tokenize(said, labels) if tok.cat == "thing" for x in resolve_thing(tok.value, labels)[0]]
    if not named:
        return None
    return _again(cur, "mask", targets=list(dict.fromkeys([*(cur["targets"] if inverted else []), *named])),
                  mask={**(cur.get("mask") or {}), "invert": True}, replace=True)


_OTHER_WAY_ROUND = re.compile(r"^(?:(?:no|nope|oops|sorry|actually)[\s,]+)*(?:(?:do it|make it)\s+)?(?:the\s+)?"
                              r"(?:other way (?:round|around)|opposite|reverse(?: it)?)(?:\s+please)?$|^(?:反过来|反一下|弄反了)")


def other_way_round(t: str, ctx: PlanContext) -> dict[str, Any] | None:
    """"the other way round" right after an edit of a region (or of all but it): the same edit on the rest, in its
    place."""
    cur = last_instruction(ctx) or {}
    if not _OTHER_WAY_ROUND.match(t) or not cur.get("targets") or cur.get("operation") not in ("adjust", "recolor", "inpaint"):
        return None
    base = _again(cur, "mask")
    group = [x for x in ctx.labels if split_instance(x)[0] == split_instance(cur["targets"][0])[0] and split_instance(x)[1]]
    rest = [x for x in group if x not in cur["targets"]]
    if not (cur.get("mask") or {}).get("invert") and rest and set(cur["targets"]) < set(group):
        return {**base, "targets": rest, "replace": True}  # "blur everyone but the middle one" -> the middle one
    mask = {**(cur.get("mask") or {}), "invert": not (cur.get("mask") or {}).get("invert")}
    return {**base, **({"mask": mask} if mask["invert"] or len(mask) > 1 else {}), "replace": True}


_COLOUR_TO = re.compile(r"^(?:(?:hmm+|ok|actually|now|and|then|please|can you|could you)[\s,]+)*(?:change|turn|make|switch|swap)"
                        r" the (?P<was>[a-z]+(?: [a-z]+)?) (?:to|into|for) (?:a |an )?(?P<now>[a-z]+(?: [a-z]+)?)(?: instead)?$")


def colour_to(t: str, ctx: PlanContext) -> dict[str, Any] | None:
    """"change the purple to a deep blue": the region an earlier edit made purple, now deep blue (in place of that edit
    when it was the last one)."""
    m = _COLOUR_TO.match(t)
    if not m or parse_color(m.group("was")) is None or parse_color(m.group("now")) is None:
        return None
    was = m.group("was")
    for back, plan in enumerate(reversed(ctx.edits)):
        for step in reversed(plan_steps(plan)):
            said = f"{step.get('color') or ''} {step.get('prompt') or ''}".lower()
            if step.get("targets") and re.search(r"\b" + re.escape(was) + r"\b", said):
                out = {"operation": "recolor", "targets": [x for x in step["targets"] if x in ctx.labels], "color": m.group("now")}
                return {**out, "replace": True} if back == 0 else out
    return None


_MORE_COLOUR = re.compile(r"^(?:(?:hmm+|ok|actually|maybe|no)[\s,]+)*(?:(?:a bit|a little|a touch|slightly|even) )?more (?P<c>[a-z]+(?: [a-z]+)??)"
                          r"(?: (?:actually|instead|please|pls|then))?$")


def more_colour(t: str, ctx: PlanContext) -> dict[str, Any] | None:
    """"hmm more orange actually" right after a red recolour: that region orange (in place of the red)."""
    m = _MORE_COLOUR.match(t)
    cur = last_instruction(ctx) or {}
    said = str(cur.get("color") or "") if cur.get("operation") == "recolor" else \
        (find_color(str(cur.get("prompt") or "")) or "") if cur.get("operation") == "inpaint" else ""  # "glow red lantern"
    if not m or not said or not cur.get("targets") or parse_color(m.group("c")) is None or m.group("c") == said:
        return None
    return {"operation": "recolor", "targets": cur["targets"], "color": m.group("c"), "replace": True}


_MORE_OF = re.compile(r"^(?:(?:and|ok|now|can you|could you|please|pls)\s+)*(?:add\s+)?(?:more|some more|a few more|a couple more|extra)"
                      r" (?P<x>[a-z]+)(?:\s+(?:please|pls|too))?$")


def more_of(t: str, ctx: PlanContext) -> dict[str, Any] | None:
    """"more clouds" right after adding clouds: more of them, where they went (beside the last edit, not in its place)."""
    m = _MORE_OF.match(t)
    cur = referent(ctx) or {}
    said = str(cur.get("prompt") or "").lower()
    if not m or cur.get("operation") != "inpaint" or not said or not re.search(r"\b" + re.escape(m.group("x").rstrip("s")), said):
        return None
    return _again(cur, "prompt", "replace", prompt=f"more {m.group('x')}, {said}")


_MORE_LIKE = re.compile(r"^(?:(?:actually|hmm+|no|nah|maybe|ok|okay)[\s,]+)*(?:more of|more like|something more like) (?P<x>an? [a-z][a-z ]*?)"
                        r"(?: instead| please| pls)?$")


def more_like(t: str, ctx: PlanContext) -> dict[str, Any] | None:
    """"actually more of a light oak" right after painting the shelf dark walnut: the shelf as light oak instead."""
    m = _MORE_LIKE.match(t)
    cur = last_instruction(ctx) or {}
    if not m or cur.get("operation") != "inpaint" or not cur.get("targets") or find_color(m.group("x")):
        return None  # (a colour is a recolour's business: "more of a soft peach")
    return _again(cur, "prompt", "strength", prompt=m.group("x"), replace=True)


_PASTEL = re.compile(r"^(?:(?:a (?:bit|little|touch|tad)|slightly|more|much|way|and|but|,|softer|lighter|paler|\s)+)*"
                     r"(?:more )?(?:pastel|pastelly|muted)(?: (?:please|pls|tone|shade|colou?r))?[.!]*$|^(?:再)?(?:马卡龙色?|粉嫩|淡雅)一?点?[吧]?$")


def more_pastel(t: str, ctx: PlanContext) -> dict[str, Any] | None:
    """"a little softer, more pastel" right after a recolour: that colour again, as a pastel shade."""
    cur = last_instruction(ctx) or {}
    if not _PASTEL.match(t) or cur.get("operation") != "recolor" or not cur.get("color"):
        return None
    base = re.sub(r"^(?:dark|light|pale|pastel|deep|bright)\s+", "", str(cur["color"]))
    shade = next((c for c in (f"pastel {base}", f"light {base}") if parse_color(c) is not None), None)
    return _again(cur, color=shade, replace=True) if shade else None
