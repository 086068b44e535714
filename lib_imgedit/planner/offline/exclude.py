"""Exclusions: "everything except him", "all but the sky", "apart from the car, ...", "除了他以外都…", "除车都…".

The clause is read without the exclusion (on the whole picture), and the plan then acts on the rest of the
picture: the excluded labels with the mask inverted. The exclusion's words are the construction's own: they
count as read only when the plan came out inverted (see confidence.py).
"""

from __future__ import annotations

import re
from typing import Any

from ...core.labels import split_instance
from .labels import pick_instances, resolve_thing, ridden, with_parts
from .tokens import Tok, tokenize

_EN = re.compile(r"(?:\b(?:everything|everyone|everybody|anything|all|the whole (?:thing|picture|photo|image))\s+"
                 r"(?:else\s+)?(?P<but>but|that (?:is not|isn'?t|isnt|are not|aren'?t|arent))\b|\b(?:except(?:\s+for)?|"
                 r"other than|apart from|aside from|besides|excluding|save for|not including|leaving out))\s+")
_EN_BUT_NOT = re.compile(r"\b(?:everything|everyone|everybody|all)\b[^,.;]*?\b(?P<but>but)\s+not\s+")  # "all gray but not him"
_ZH = re.compile(r"除(?:了|开|去)?(?P<x>[^，,。都\s]{1,12}?)(?:以外|之外|外)?(?=[，,\s]|其他|其它|其余|别的|剩下|都|全|整[个张体幅])[，,\s]*(?:把|将)?"
                 r"(?:其他|其它|其余|别的|剩下)?(?:的|部分|地方|东西)?(?=[^，,。都\s]{0,5}?(?:都|全|统统|一律)|整[个张体幅])")  # 整个画面: the rest  # 其他人的脸都…: faces stay
# 狗狗以外的地方都虚化掉: no 除, the thing and 以外 before what is changed
_ZH_OUTSIDE = re.compile(r"^(?:把|将)?(?P<x>[^，,。都\s]{1,12}?)(?:(?:以外|之外)的(?:地方|部分|区域)|(?:以外|之外)的?(?:地方|部分|东西|区域)?"
                         r"(?=[，,\s]*[^，,。都\s]{0,3}?(?:都|全|统统|一律)))[，,\s]*")  # 把猫以外的地方调暖: the place said, no 都
_JOIN = re.compile(r"^(?:\s*(?:,|and|or|&|和|跟|与|、)?\s*(?:the|his|her|their|my|its|this|that)?\s*"
                   r"(?:(?:far )?(?:left|right|middle|first|second|third|last)(?:most)?\s+)?"
                   r"(?:(?:two|three|four|five|both|all|each)(?: of)?\s*)?(?:[我你他她它](?:们)?的)?"
                   r"(?:中间|左边|右边|最左边|最右边)?的?(?:[\u3400-\u9fff]{1,4}的)?"  # 中间跳舞的: a short modifier
                   r"(?:[那这]?(?:第[一二三四五六七八九十\d]{1,2}|[一两二三四五几])?[个只位辆条头匹棵张台把件些名]?)?"
                   r"(?:小|大|老|新|旧)?)$")  # 那只, 中间那位, 两个, 第三个, 小火车
EXCLUSION_WORDS = re.compile(r"\b(?:except|other than|apart from|aside from|besides|excluding|save for|not including|"
                             r"leaving out)\b|\b(?:everything|everyone|everybody|all) (?:else )?(?:but|that (?:is not|isn'?t|isnt|"
                             r"are not|aren'?t|arent))\b|除了|" +
                             _EN_BUT_NOT.pattern + "|"
                             r"(?<![删去消清移解排扫])除(?=[^，,。]{1,12}?(?:以外|之外|外|都))|除开|(?<![删])除去(?!掉)|"  # not 删除
                             r"(?:以外|之外)的(?:地方|部分|区域)|(?:以外|之外)的?(?:地方|部分|东西|区域)?[，,\s]*(?=[^，,。都\s]{0,3}?(?:都|全))")


def exclusion(t: str, toks: list[Tok], labels: list[str], zh: bool) -> tuple[list[str], str, tuple[int, int]] | None:
    """(the excluded labels, the clause without the exclusion, the exclusion's span in `t`), or None when the
    clause excludes nothing it can name."""
    for pattern in (_ZH, _ZH_OUTSIDE) if zh else (_EN, _EN_BUT_NOT, _EN_LEAVE, _EN_LEAVE_AFTER):
        m = pattern.search(t)
        found = _excluded(t, m, toks, labels, zh) if m else None
        if found:
            return found
    return None


# "leave the sky alone and make the rest warmer": the sky excluded, "make the rest warmer" read on the whole picture
_EN_LEAVE = re.compile(r"^(?:(?:please|just|can you|could you)\s+)*(?:leave|keep|don't touch|do not touch|"
                       r"don't change|do not change)\s+(?P<but>)")
# "make the whole picture softer, but please leave the dog as it is": the exclusion after the request
_EN_LEAVE_AFTER = re.compile(r"[,;]?\s*(?:but |and |while )?(?:please )?(?:leave|keep|don't touch|do not touch)\s+(?P<but>)")
_WHERE_THEY_ARE = re.compile(r"\s*(?:in|on|at|by|near|under|inside|beside|next to|in front of)\s+(?:the|a|his|her|their)\s+")
_THE_ONE = re.compile(r"\s*(?:the )?(?:one|guy|girl|person|kid|grad)\s+(?:on|in|at) the (?:far )?(?:left|right|middle|centre|center)")
_LEFT_AT_END = re.compile(r"\s*(?:alone|as (?:it |they )?(?:is|are)|untouched|unchanged|the same|out of it|realistic|real|photo-?real|"
                          r"normal|natural|the way (?:it is|they are)|sharp|in focus|crisp|clear)?\s*$")
_LEFT_ALONE = re.compile(r"\s*(?:alone|as (?:it )?is|untouched|unchanged|the same|out of it|sharp|in focus|crisp|clear)?\s*(?:,|;|and|but)+\s*")


def _excluded(t: str, m: re.Match[str], toks: list[Tok], labels: list[str], zh: bool
              ) -> tuple[list[str], str, tuple[int, int]] | None:
    start = m.end() if not zh else m.start("x")
    said = m.group("x") if zh else ""
    if "的" in said[:-1] and not re.search(r"以外|之外|外的|[和跟与、]|左|右|中间|第|那位|那个|这位|这个", said):  # 卖水果的人: which one
        start += said.rfind("的")  # (的人 is a word of its own)
    named: list[Tok] = []
    pos = start
    for i, tok in enumerate(toks):
        if tok.start < start or tok.cat not in ("thing", "pron"):
            continue
        gap = t[pos:tok.start]
        if not _JOIN.match(gap) and (named or not re.fullmatch(r"\s*(?:the|his|her|their|my|its|this|that)\s+[a-z0-9]+\s+|"
                                                              r"[\u3400-\u9fff]{1,4}", gap)):
            break  # a word no table knows may stand before the first thing: "other than the coffee cup", 柠檬水壶
        if named and tok.cat == "pron" and re.match(r"\s+(?:is|are|was|were)\s+[a-z]+ing\b", t[tok.end:]):
            break  # "except the vase he is holding": who holds it, not a second thing kept
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if tok.cat == "thing" and nxt is not None and nxt.cats.get("thing") == "person" and t[tok.end:nxt.start] == " ":
            pos = tok.end  # "the accordion guy": which guy, not the accordion too
            continue
        if tok.cat == "pron" and nxt is not None and nxt.cat == "thing" and not t[tok.end:nxt.start].strip():
            pos = tok.end  # "her dress": whose, not who
            continue
        owned = next((x for x in toks[i + 1:] if x.cat == "thing"), None)
        if tok.cat == "thing" and owned is not None and re.fullmatch(r"'s?\s+(?:[a-z]+\s+)?", t[tok.end:owned.start]):
            pos = owned.start  # "the bellhop's red hat": whose, not who
            continue
        named.append(tok)
        pos = tok.end
    found: list[str] = []
    one = None if zh or named else _THE_ONE.match(t, start)
    if one:  # "blur everyone apart from the one in the middle": that one of what the clause names before
        before = [x for x in toks if x.end <= m.start() and x.cat in ("thing", "pron")]
        group = resolve_thing(before[0].value if before and before[0].cat == "thing" else "person", labels)[0]
        picked = pick_instances(group, one.group(0), labels, None) if len(group) > 1 else []
        if len(picked) != 1:
            return None
        found, pos = picked, one.end()
    elif not named:
        me = re.match(r"(?:我|我自己|本人)(?=以外|之外|外|[，,])", t[start:]) if zh else \
            re.match(r"\s*(?:me|myself)\b", t[start:])  # "blur everything except me", 除了我以外: the person
        if not me:
            return None
        found, pos = resolve_thing("person", labels)[0], start + me.end()
    for tok in named:
        got, _inv = resolve_thing("person" if tok.cat == "pron" else tok.value, labels)
        if len(got) > 1:  # "everyone except the person on the left", "apart from the middle grad"
            around = t[start:tok.end] if zh else t[start:] if len(named) == 1 else t[tok.start:]  # (其他 is not "the other")
            got = pick_instances(got, around, labels, None)
        found += [x for x in got if x not in found]
    if not found:
        return None
    found = with_parts(found, labels)  # "everything except the car" keeps its wheels
    if zh:
        rest, span = t[:m.start()] + t[m.end():], (m.start(), m.end())
    else:
        end = pos
        tail = re.match(r"\s*(?:(?:on|at) the (?:far )?(?:left|right)|in the (?:middle|center|centre)|from the (?:left|right)|"
                        r"(?:that |which )?(?:he|she|they|i|we) (?:is|are|am|was|were) (?:holding|carrying|wearing|riding|using))",
                        t[end:])  # "except the vase he's holding"
        end += tail.end() if tail else 0
        where = _WHERE_THEY_ARE.match(t, end)
        thing = next((x for x in toks if where and x.start == where.end() and x.cat == "thing"), None)
        end = thing.end if thing else end  # "except the two people in the water": which ones, not the water
        cut_from = m.start("but") if m.group("but") else m.start()
        if m.re is _EN_LEAVE:  # the rest of the message is the request; "the rest" in it is the whole picture
            left = _LEFT_ALONE.match(t, end)
            if not left:
                return None
            end, cut_from = left.end(), 0
        elif m.re is _EN_LEAVE_AFTER:  # the message before it is the request
            if m.start() == 0 or not _LEFT_AT_END.match(t, end):
                return None
            end, cut_from = len(t), m.start()
        rest = (t[:cut_from] + t[end:]).strip(" ,")
        rest = re.sub(r"\s+,", ",", re.sub(r"\s{2,}", " ", rest))
        span = (m.start(), end)
    rest = rest.strip(" ,，")
    return (found, rest, span) if rest and rest != t else None  # "except hair" alone asks for nothing


# "make the taxi pop - everything else black and white", "keep the dress in colour, the rest grey", 只保留出租车的颜色，其他都变黑白:
# the second half acts on everything but the thing the first half keeps
_KEPT_THEN_REST = re.compile(
    r"^(?:(?:please|pls|can you|could you|can u|i want to|i'd like to)\s+)*(?:(?:make|let|have|keep|leave|only|just)\s+)*"
    r"(?P<x>(?:the |his |her |their |my |our )?[a-z][a-z ()]{1,40}?)\s+(?:(?:really |just )?(?:pop|stand out|shine)|"
    r"(?:stays?|remains?|to stay|to remain|in)\s+(?:in )?(?:full )?colou?r(?:ed|ful)?|(?:stays?|remains?|as is|as it is)|"
    r"(?:red|orange|yellow|green|blue|purple|pink|gold|golden|silver|brown|bright|vivid))"
    r"\s*(?:,|;|-+|—|–|\band\b|\bbut\b|\bwith\b|\s)+\s*(?:make\s+|turn\s+|have\s+)?"
    r"(?P<rest>everything else|everyone else|all else|the rest(?: of (?:it|the (?:picture|photo|image|shot|pic)))?)"
    r"\s+(?:(?:is|in|to be|should be|goes?|going|gone|turned?)\s+)?(?P<b>[a-z&].*)$")
_KEPT_THEN_REST_ZH = re.compile(r"^(?:只|就)?(?:保留|留着?|留下)?(?P<x>[^，,。\s]{1,8}?)(?:保留|留着?|保持|还是)?(?:的)?(?:彩色|颜色|原色|原来的颜色)"
                                r"[，,\s]*(?:其他|其它|其余|别的|剩下)的?(?:部分|地方)?(?P<b>(?:都|全|统统|全部)[^，,。]+)$")


# 全部变黑白，只留蛋糕是彩色的: the rest first, then the one thing kept
_REST_THEN_KEPT_ZH = re.compile(r"^(?:把)?(?:全部|全图|整张图?|整体|其他|其它|别的)?(?:都|全)?(?P<b>[^，,。]*?(?:变|弄|调|改|换|转)[^，,。]+?)"
                                r"[，,\s]+(?:只|就)(?:保留|留着?|留下)(?P<x>[^，,。\s]{1,8}?)(?:是|为)?(?:的)?"
                                r"(?:彩色|颜色|原色|原来的颜色|原样)的?[吧啊。！!]*$")


def kept_then_rest(t: str, zh: bool) -> str | None:
    """The request of a message that keeps one thing and changes the rest, said as an exclusion, or None."""
    m = (_KEPT_THEN_REST_ZH if zh else _KEPT_THEN_REST).match(t)
    if not m and zh:
        m = _REST_THEN_KEPT_ZH.match(t)
        return f"除了{m.group('x')}，其他都{m.group('b')}" if m else None
    if not m:
        return None
    kept = re.sub(r"\s*[()]\s*", " ", m.group("x")).strip()  # "the toddler (on the right)"
    return f"除了{kept}，其他{m.group('b')}" if zh else f"make everything except {kept} {m.group('b')}"


def inverted(ins: dict[str, Any], excluded: list[str], style: bool = False) -> dict[str, Any]:
    """`ins` (read on the whole picture) acting on everything but `excluded`; other operations stay as read. A
    restyle in an art `style` stays one (on the rest); new content for the rest ("a beach") is an inpaint."""
    op, targets = ins.get("operation"), list(ins.get("targets") or [])
    if op not in ("adjust", "recolor", "inpaint", "restyle", "remove"):
        return ins
    if targets:  # "pixelate everyone but the person on the left": those named less the excluded
        numbers = {split_instance(x)[1] for x in excluded if split_instance(x)[1] is not None}
        rest = [x for x in targets if x not in excluded and split_instance(x)[1] not in numbers]  # person 2 -> face 2
        return {**ins, "targets": rest} if rest and len(rest) < len(targets) else ins
    if op == "remove":
        return ins
    out = {**ins, "targets": list(excluded), "mask": {**(ins.get("mask") or {}), "invert": True}}
    if op == "recolor" and ins.get("color") in ("gray", "grey"):  # "turn everything else grey": black and white
        out = {"operation": "adjust", "targets": list(excluded), "adjust": {"grayscale": True}, "mask": out["mask"]}
    if op == "restyle" and not style:
        out["operation"] = "inpaint"
    return out


# "put him in paris, keep him and the cello exactly as they are", 把背景换成海边，人和吉他留着: what else the rest leaves out
_KEPT_TOO = re.compile(r"\b(?:keep|leave|don't touch|do not touch)\s+(?P<x>[^,.;]+?)(?=\s+(?:exactly|just|as|alone|untouched|unchanged|"
                       r"the same|in place|sharp|in focus|crisp|clear)\b|\s+(?:and|but|then|while)\s+(?:make|turn|change|blur|darken|"
                       r"brighten|replace|swap|put|add|remove)\b|\s*[,.;!]|\s*$)")
_KEPT_TOO_ZH = re.compile(r"[，,](?P<x>[^，,。]{1,12}?)(?:都|也)?(?:留着|保留|不变|别动|不要动|不动|保持不变|保持原样)[吧啊]?(?:[，,。]|$)")


def kept_too(ins: dict[str, Any], t: str, labels: list[str], zh: bool) -> dict[str, Any]:
    """An edit of all but some labels (`ins`, inverted) that also leaves out what the message says to keep; what
    it keeps is then what it names, with the people and animals it kept (not what it took them to ride)."""
    if not (ins.get("mask") or {}).get("invert") or not ins.get("targets"):
        return ins
    m = (_KEPT_TOO_ZH if zh else _KEPT_TOO).search(t)
    if not m:
        return ins
    named = [y for x in tokenize(m.group("x"), labels) if x.cat in ("thing", "pron")
             for y in pick_instances(resolve_thing("person" if x.cat == "pron" else x.value, labels)[0], m.group("x"), labels, None)]
    if not named or set(named) <= set(ins["targets"]):
        return ins
    kept = list(dict.fromkeys([*named, *(x for x in ins["targets"] if not ridden(x))]))
    return {**ins, "targets": kept}
