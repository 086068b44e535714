"""The shape of one clause: remove X / replace X with Y / change X to Y / add Y to X / make X Y / X is Y."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...core.colors import COLORS
from .. import vocab as V
from .tokens import EN_TABLE, FUNCTION_WORDS, Tok, word_re


@dataclass
class Parsed:
    kind: str = "none"  # remove, replace, change, look, styleof, add, give, make, be, none
    target: list[tuple[int, int]] = field(default_factory=list)
    content: tuple[int, int] | None = None
    loc: tuple[int, int] | None = None
    loc_inside: bool = True
    unknown: str = ""  # a named thing that no table knows ("the gazebo")
    prep: str = ""  # the preposition before `loc`
    part: str = ""  # a part no label is, of a thing that is, which selection took instead ("the roof of the building")


_PREFIX_EN = re.compile(
    r"^(?:(?:please|pls|plz|kindly|hey|hi|ok|okay|so|now|then|and|also|just|next|alright|right|well|oh|um|hmm|actually|"
    r"can you|could you|would you|will you|can u|could u|would you mind|i want you to|i'd like you to|"
    r"i would like you to|i want to|i'd like to|i would like to|i wanna|i need you to|i need to|let's|lets|let us|"
    r"try to|try and|go ahead and|help me|help me to|you should|maybe|perhaps|quickly|simply|"
    r"i want|i'd like|i would like|i need|how about|what about|can we|could we|shall we|let us try|let's try|"
    r"let us|try|go with|go for)[\s,:;!]+)+"
)
_PREFIX_ZH = re.compile(r"^(?:是(?=换|改|变|把|要|弄)|还是|算了|顺便|厉害[！!]?|太棒了[！!]?|(?:你好|哈喽|嗨)[呀啊]?[，,！!～~\s]*|请你|请|麻烦你|麻烦|帮我|帮忙|给我|我想要|我想|我要|我希望|希望|你能不能|能不能|能否|可以|可不可以|"
                        r"你帮我|你给我|再帮我|然后|现在|接着|那就|那|好的|好|嗯|把图片里的|把图里的|把照片里的|图片中|图中)+")

EN_REMOVE = re.compile(r"\b(?:remove|erase|delete|get rid of|take out|take away|take off|eliminate|rub out|"
                        r"wipe (?:out|away|off)|clean up|clear away|cut out|crop out|edit out|photoshop out|clear out|"
                        r"scrub out|do away with|airbrush out|paint out)\b\s*")
_EN_REMOVE_START = re.compile(r"^(?:lose|drop|kill|ditch|wipe|scrub|strip|nuke|zap|banish)\s+")
_EN_DISAPPEAR = re.compile(r"\b(?:make|let|have)\s+(.+?)\s+(?:disappear|vanish|go away|be gone|gone)\b")
_EN_OUT = re.compile(r"\b(?:take|cut|get|edit|crop|photoshop|paint|clone|airbrush|rub|wipe|leave)\s+(.+?)\s+out\b")
_EN_OFF = re.compile(r"\b(?:take|clear|wipe|scrub|strip)\s+(?!the edge\b)(.+?)\s+(?:off|away)\b")  # "take the sign off", "clear the road sign off"
_EN_WITHOUT = re.compile(r"^(?:without|no more|no)\s+(.+)$")
_EN_DONT_WANT = re.compile(r"^i (?:don't|do not|dont) (?:want|like|need)\s+(.+?)(?:\s+(?:in|on) (?:the|this) "
                           r"(?:picture|image|photo|pic|shot))?$")
_EN_MUST_GO = re.compile(r"^(.+?)\s+(?:has to|needs to|need to|should|must|can|have to) go(?: away)?\b")
_EN_REPLACE = re.compile(r"\b(?:replace|swap out|swap|substitute|exchange|switch out|trade)\s+")
_EN_WITH = re.compile(r"\s+(?:with|by|for|to|into)\s+")
_EN_LOOK = re.compile(r"\b(?:to look|look|looks|looking|appear|appears|seem|seems)\s+(?:more |a bit |a little )?"
                      r"(?:like|as if|as though)\s+")
_EN_LOOK_PLACE = re.compile(r"\blooks? (?:like|as if|as though) (?:i'?m|i am|we'?re|we are|he'?s|he is|she'?s|she is|they are) "
                            r"(?:[a-z]+ing )?(?:on|in|at|inside) (?P<c>[a-z].*)$")
_EN_STYLEOF = re.compile(r"\b(?:in|into|with)\s+(?:the\s+|a\s+)?(?:style|manner|vein|fashion|spirit)\s+of\s+")
_EN_ADD = re.compile(r"(?<!the )(?<!a )(?<!this )(?<!that )(?<!his )(?<!her )(?<!my )\b(?:add|put|place|insert|include|attach|stick|plant|hang|scatter|sprinkle|throw in|drop in|bring in|"
                     r"generate|create|spawn|draw|paint|sketch in)\s+")
_EN_PUT_PERSON = re.compile(
    r"^(?:put|place|move|take|send|transport|teleport|bring|show|set|photoshop)\s+(?P<who>her|him|them|me|us|it|the "
    r"(?:man|woman|person|people|girl|boy|guy|kids?|child|couple|family|subject|lady|car|dog|cat))\s+"
    r"(?:in front of|in|into|at|on|onto|to|inside|under|near|by|beside|next to|somewhere in|somewhere on)\s+(?P<c>.+)$")
_EN_PUT_THING = re.compile(r"^(?:put|place|set)\s+(?P<who>the (?P<what>[a-z]+))\s+(?:in|into|on|onto|at|inside|somewhere in)\s+"
                           r"(?P<c>(?:a|an)\s.+)$")  # "put the hedgehog in a snowy winter garden": a new place around it
_EN_QUANT = re.compile(r"^(?:a|an|some|\d+|few|a few|several|two|three|four|many|more|lots of|a lot of|another)\b")
_EN_PREP = re.compile(r"\s+(on top of|in front of|next to|(?:coming |rising |pouring )?out of|coming from|rising from|(?:coming|rising|shooting|flying) off|(?:hanging|hung|dangling) (?:from|in|on|off)|(?:leaning |propped |resting )?against|to|on|onto|in|into|inside|at|over|across|around|behind|"
                      r"above|below|under|beneath|beside|near|along|by)\s+")
_INSIDE_PREPS = {"to", "on", "onto", "in", "into", "inside", "at", "over", "across", "around", "on top of", "along",
                 "hanging from", "hanging in", "hanging on", "hung from", "hung in", "hung on", "dangling from", "hanging off",
                 "against", "leaning against", "propped against", "resting against"}
_EN_GIVE = re.compile(r"^(?:give|gift|dress|get|buy|grant|fit|equip)\s+")
_EN_WEAR = re.compile(r"\b(?:wear|wearing|wears|put on|puts on|don|hold|holding)\s+")
_EN_CHANGE = re.compile(r"\b(?:change|turn|transform|convert|switch|alter|make|paint|dye|colou?r|tint|recolou?r|set|"
                        r"redo|redraw|repaint|modify|edit|update|morph|render|restyle|re-?imagine|shift|swap)\s+")
_EN_TO = re.compile(r"\s*\b(?:to look like|to become|become|to be|in to|into|to)\s+")
_EN_MAKE = re.compile(r"^(?:make|get|render|let|have|keep|turn|paint|dye|colou?r|tint|recolou?r|shade|leave|go)\s+")
_EN_BE = re.compile(r"\s+(?:should be|should look|must be|needs to be|need to be|has to be|have to be|ought to be|"
                    r"could be|would be|is|are|was|were|looks|look|seems|seem|appears|to be|be)\s+")
_DETS = r"(?:the|this|that|these|those|his|her|its|their|my|your|our|a|an)"
HELD_BY = re.compile(r"\b" + _DETS + r"\s+([a-z][a-z'\-]*)\s+(?:on|in|from|at|of|near|under|behind|inside|over|off|next to|beside|by)"
                      r"\s+(?:(?:the|this|that|his|her|its|their|my|your)\s+)?$")
_EN_UNKNOWN_NP = re.compile(r"\b" + _DETS + r"\s+([a-z][a-z'\-]*)(?:\s+([a-z][a-z'\-]*))?")

ZH_REMOVE = re.compile("|".join(re.escape(w) for w in sorted(V.REMOVE_ZH, key=len, reverse=True)))
_ZH_WEAK_REMOVE = {"不要", "消失", "隐藏", "扔掉"}
_ZH_CHANGE = re.compile(r"(?:替换成|替换为|转换成|转变成|改变成|变成|换成|改成|弄成|改为|变为|换为|换做|换作|染成|涂成|刷成|调成|"
                        r"漆成|画成|做成|转成|变作|修成|p成|搞成|整成|变得|改做|改作|替换|转为|化为|化成)")
_ZH_BA_VERB = re.compile(r"^(?P<ba>把|将|让|使)?(?P<t>.+?)(?P<v>变|换|改|染|涂|刷|弄|调|画|修|p|漆|整(?!体|张|个|幅)|剪|烫|剃|拉|留|要)"
                         r"(?P<c>.+)$")
# "给她换个发型", "给他剃个光头", "给她一头红发": something for a person, placed by what it is
_ZH_GIVE = re.compile(r"^(?:给|帮|替|为)(?P<who>他们|她们|他|她|它|这个人|那个人)(?P<v>换|剃|剪|烫|染|留|弄|整|做|来|搞)?"
                      r"(?:上|成|了)?(?:一下)?(?:一(?:个|头|顶|副|件|条|双|款|种|套)|个|顶|副|件|条|双|款|种|套)?(?P<c>(?!的).+)$")
_ZH_ADD = re.compile(r"(?:加上|添加|添上|加入|加个|堆(?=一|个|几)|加(?!强|大|深|重|亮|快|粗|高|速|剧|宽|长|暗|点亮度|(?:一)?[点些]儿?(?:[吧了啊呀。！!，,]|$))|添|画上|画个|画(?=一)|"
                     r"放上|放个|放(?!大|小)|插入|戴上|戴|穿上|配上|p上|补上|多加|来一个|来个|装上|挂上|挂|种上|种|"
                     r"盖上|铺上|铺满|盖满|撒上|洒上|覆盖|垫上|垫个|垫|摆上|摆个|摆)")
_ZH_CHANGE_ONE = re.compile(r"^(?:换|改)(?:一个|一下|个|掉)(?P<t>.+)$")
_ZH_LOC_TRIM = re.compile(r"(?:上面|里面|中间|旁边|附近|下面|上方|下方|前面|后面|周围|之上|之中|上|里|中|内|边|处|旁)$")
_ZH_LOC_OUTSIDE = ("旁边", "附近", "下面", "下方", "上方", "前面", "后面", "周围", "旁", "边")
ZH_POSITION = re.compile(r"(?:最左边|最右边|左边|右边|左侧|右侧|中间|上面|下面|前面|后面|这个|那个|这些|那些|这辆|那辆|这只|那只|"
                          r"这张|那张|这位|那位|这条|那条|这棵|那棵|这朵|这块|那块|这|那|的|个|辆|只|条|张|位|棵|朵|块|匹|头|"
                          r"第[一二三四五六七八九十\d]+|一下|掉|了|吧|给|把|将|所有|全部|一|里|上|中|图|它|他|她|们)")


def strip_prefix(t: str, zh: bool) -> tuple[str, int]:
    m = (_PREFIX_ZH if zh else _PREFIX_EN).match(t)
    return (t[m.end():], m.end()) if m else (t, 0)


def toks_in(toks: list[Tok], span: tuple[int, int] | None) -> list[Tok]:
    if span is None:
        return []
    return [t for t in toks if t.start >= span[0] and t.end <= span[1]]


def has_cat(toks: list[Tok], *cats: str) -> bool:
    return any(c in t.cats for t in toks for c in cats)


def _first_np_end(t: str, toks: list[Tok], start: int, after_pron: bool = True) -> tuple[int, str]:
    """End of the noun phrase that opens t[start:], and an unknown head word if no table knows it.
    `after_pron=False` stops after a pronoun ("give her sunglasses": her is the receiver)."""
    def bare(a: int, b: int) -> str:
        """t[a:b] without its colour and material words ("the blue car", "her black hair")."""
        out = t[a:b]
        for x in toks:
            if a <= x.start and x.end <= b and x.cat in ("color", "material"):
                out = out.replace(x.text, " ", 1)
        return out

    for i, tok in enumerate(toks):
        if tok.start < start:
            continue
        if tok.cat in ("color", "material") and any(
                x.cat == "thing" and not bare(tok.start, x.start).strip() for x in toks[i + 1:]):
            continue
        if tok.cat in ("thing", "whole", "it", "pron") or "thing" in tok.cats:
            gap = t[start:tok.start].strip()
            if len(gap.split()) > 4:
                break
            end = tok.end
            if tok.cat == "pron" and not after_pron:
                return end, ""
            # "her hair", "the man's shirt", "hair and lips": extend over joined things (not "make it snow")
            for nxt in toks if tok.text != "it" else ():
                if nxt.start < end or nxt.cat not in ("thing",):
                    continue
                between = bare(end, nxt.start) if tok.cat == "pron" else t[end:nxt.start]
                if re.fullmatch(r"\s*(?:'s|’s|s'|')?\s*(?:(?:and|&|,|or|plus|the|his|her|their|its|my|your|our)\s*)*",
                                between):
                    end = nxt.end
                else:
                    break
            # "the sky in the background", "the car on the left": modifiers belong to the phrase
            while True:
                m = re.match(r"\s+(?:in|on|at|of|near|behind|from|by|next to|in front of|beside|under|above)\s+"
                             r"(?:the\s+|his\s+|her\s+|their\s+|this\s+|that\s+)?", t[end:])
                if not m:
                    break
                after = end + m.end()
                nxt_tok = next((x for x in toks if x.start == after and (x.cat in ("thing", "whole") or
                                                                          "thing" in x.cats)), None)
                pos = re.match(r"(?:far |very )?(?:left|right|middle|center|centre|top|bottom|corner|distance|front|"
                               r"back|foreground)(?:[- ](?:hand|side|corner|edge))?\b(?:\s+(?:side|corner))?", t[after:])
                if nxt_tok is not None:
                    end = nxt_tok.end
                elif pos:
                    end = after + pos.end()
                else:
                    break
            return end, ""
        break
    m = _EN_UNKNOWN_NP.match(t[start:].lstrip())
    if m:
        offset = start + (len(t[start:]) - len(t[start:].lstrip()))
        for word in (m.group(1), m.group(2)):
            if not word:
                continue
            if word in V.NON_THING_EN or word in V.EN_FILLERS or word in COLORS or word in EN_TABLE or \
                    word in FUNCTION_WORDS:
                continue
            if word in V.VAGUE_EN:
                return offset + m.end(), word
            return offset + m.end(1 if word == m.group(1) else 2), word
    return start, ""


_CLOTHING_KEYS = {"jacket", "shirt", "clothes", "dress", "pants", "shoes", "hat", "cap", "scarf"}


def _wears(text: str) -> bool:
    """Whether `text` ("a tuxedo", "a red gown") names something worn."""
    return any(key in _CLOTHING_KEYS and word_re(word, "(?:s|es)?").search(text)
               for word, key in V.CONTENT_WORDS.items())


def parse_en(t: str, toks: list[Tok]) -> Parsed:
    n = len(t)
    # remove
    def signal(m: re.Match[str] | None) -> re.Match[str] | None:
        """Drop a verb that is part of an adjust phrase ("remove the noise", "turn the lights on")."""
        if m and any(x.start <= m.start() < x.end and x.cat in ("adjust", "gray", "filter") for x in toks):
            return None
        return m

    m = signal(EN_REMOVE.search(t) or _EN_REMOVE_START.match(t))
    if m and not _EN_REPLACE.search(t[:m.start()]):
        tail = (m.end(), n)
        w = re.search(r"\b(?:and )?(?:replace|swap|fill)\b.*?\s(?:with|by)\s+", t[m.end():])
        if w:
            return Parsed("replace", [(m.end(), m.end() + w.start())], (m.end() + w.end(), n))
        before = (0, m.start()) if re.search(r"\b(?:the|that|this)\s+\w+", t[:m.start()]) and m.end() >= n else None
        return Parsed("remove", [tail] + ([before] if before else []))
    for rx in (_EN_DISAPPEAR, _EN_WITHOUT, _EN_DONT_WANT, _EN_MUST_GO, _EN_OUT, _EN_OFF):
        m = rx.search(t)
        if m and has_cat(toks_in(toks, (m.start(1), m.end(1))), "thing"):
            on = re.match(r"\s*(?:of|from)?\s*(?:the|his|her|their|that|this)\s+[a-z][a-z ]*", t[m.end():])
            if rx is _EN_OFF and on and any(x.value == "logo" for x in toks_in(toks, (m.start(1), m.end(1)))):
                return Parsed("remove", [(m.start(1), m.end(1)), (m.end(), m.end() + on.end())])  # "clear the writing off the sign"
            return Parsed("remove", [(m.start(1), m.end(1))])
    # fill the sky with stars / cover the mountains in snow
    m = re.search(r"\b(?:fill|cover|decorate|sprinkle|blanket|coat|surround)\s+", t)
    if m:
        w = re.search(r"\s+(?:with|in)\s+", t[m.end():])
        if w and has_cat(toks_in(toks, (m.end(), m.end() + w.start())), "thing"):
            return Parsed("replace", [(m.end(), m.end() + w.start())], (m.end() + w.end(), n))
    # replace X with Y
    m = _EN_REPLACE.search(t)
    if m:
        w = _EN_WITH.search(t, m.end())
        if w:
            return Parsed("replace", [(m.end(), w.start())], (w.end(), n))
        return Parsed("replace", [(m.end(), n)], None)
    m = _EN_LOOK_PLACE.search(t)  # "make it look like im hiking on mars": a new place around them
    if m:
        return Parsed("background", [], (m.start("c"), n))
    # ... look like Y / in the style of Y
    m = _EN_LOOK.search(t)
    if m:
        return Parsed("look", [(0, m.start())], (m.end(), n))
    m = _EN_STYLEOF.search(t)
    if m:
        return Parsed("styleof", [(0, m.start())], (m.end(), n))
    # put her in Paris -> a new background
    m = _EN_PUT_PERSON.match(t) or _EN_PUT_THING.match(t)
    if m and m.re is _EN_PUT_THING and not any(x.start == m.start("what") and x.cat == "thing" and isinstance(x.value, tuple)
                                               for x in toks):
        m = None  # "put the vase in a corner": the vase is not the picture's own subject
    if m and _wears(t[m.start("c"):]):  # "put him in a tuxedo": clothes, not a place
        return Parsed("give", [(m.start("who"), m.end("who"))], (m.start("c"), n))
    if m:
        return Parsed("background", [(m.start("who"), m.end("who"))] if m.re is _EN_PUT_THING else [], (m.start("c"), n))
    # add Y (to X); "a red scarf around her neck" (after "i'd like") is the same
    m = signal(_EN_ADD.search(t)) or re.match(r"^(?=(?:a|an|some)\s)", t)
    if m and (not t[m.start():].startswith(("paint", "draw")) or _EN_QUANT.match(t[m.end():])):
        tail_start = m.end()
        preps = list(_EN_PREP.finditer(t, tail_start))
        adjusting = bool(preps) and has_cat(toks_in(toks, (tail_start, preps[0].start())), "adjust", "gray", "filter")
        for p in preps if adjusting else reversed(preps):  # "add some blur to the trees behind the cabin": the trees
            loc_toks = toks_in(toks, (p.end(), n))
            if any(x.cat in ("thing", "pron", "whole") or "thing" in x.cats for x in loc_toks):
                on = next((q for q in preps if q.end() <= p.start() and q.group(1) in ("on", "onto", "on top of") and
                           p.group(1) in ("next to", "beside", "near", "by", "in front of", "behind") and
                           has_cat(toks_in(toks, (q.end(), p.start())), "thing")), None)
                if on:  # "a vase on top of the piano next to the cat": on the piano
                    return Parsed("add", [], (tail_start, on.start()), (on.end(), p.start()), True, prep=on.group(1))
                return Parsed("add", [], (tail_start, p.start()), (p.end(), n), p.group(1) in _INSIDE_PREPS,
                              prep=p.group(1))
        if m.end() > m.start():
            return Parsed("add", [], (tail_start, n))
    # give X Y
    m = _EN_GIVE.match(t)
    if m:
        end, unknown = _first_np_end(t, toks, m.end(), after_pron=False)
        if end > m.end():
            rest = re.match(r"\s*(?:in|with)?\s*", t[end:])
            cstart = end + (rest.end() if rest else 0)
            return Parsed("give", [(m.end(), end)], (cstart, n), unknown=unknown)
    # X wear Y
    m = _EN_WEAR.search(t)
    if m and m.start() > 0:
        return Parsed("give", [(0, m.start())], (m.end(), n))
    # change X to Y
    m = signal(_EN_CHANGE.search(t))
    if m:
        to = _EN_TO.search(t, m.end())
        if to and to.start() >= m.end():
            return Parsed("change", [(m.end(), to.start())], (to.end(), n))
    # make X Y
    m = signal(_EN_MAKE.match(t))
    if m:
        end, unknown = _first_np_end(t, toks, m.end())
        things = [x for x in toks_in(toks, (m.end(), end)) if x.cat == "thing"]
        if end >= n and len(things) >= 2 and not t[things[-2].end:things[-1].start].strip():
            end = things[-2].end  # "make the path gravel": the last noun is what it becomes
        return Parsed("make", [(m.end(), end)], (end, n), unknown=unknown)
    m2 = signal(_EN_CHANGE.match(t))
    if m2 is not None:
        end, unknown = _first_np_end(t, toks, m2.end())
        return Parsed("change", [(m2.end(), end)], (end, n) if end < n else None, unknown=unknown)
    # X should be Y
    m = _EN_BE.search(t)
    if m and has_cat(toks_in(toks, (0, m.start())), "thing", "whole", "it", "pron"):
        return Parsed("be", [(0, m.start())], (m.end(), n), prep=m.group(0).strip())
    return Parsed("none", [(0, n)], None)


def parse_zh(t: str, toks: list[Tok]) -> Parsed:
    n = len(t)
    gray = [x for x in toks if x.cat in ("gray", "adjust", "filter")]

    def free(a: int, b: int) -> bool:
        return not any(a < x.end and x.start < b for x in gray)

    def free_of(a: int, b: int, cats: tuple[str, ...]) -> bool:
        return not any(a < x.end and x.start < b and x.cat in cats for x in toks)

    for m in ZH_REMOVE.finditer(t):
        if not free(m.start(), m.end()) or not free_of(m.start(), m.end(), ("thing", "style", "scene", "color")):
            continue
        spans = [(0, m.start()), (m.end(), n)]
        if m.group(0) in _ZH_WEAK_REMOVE and not any(has_cat(toks_in(toks, s), "thing") for s in spans):
            continue
        if m.group(0) == "不要" and (re.match(r"彩色|颜色|原色|动|改|变|碰", t[m.end():]) or
                                     any(x.start == m.end() and x.cat in ("color", "gray", "style") for x in toks)):
            continue  # "…，不要彩色": not in colour, not a removal
        return Parsed("remove", spans)
    m = _ZH_CHANGE.search(t)
    if m and free_of(m.start(), m.end(), ("thing", "style", "scene", "color", "adjust", "gray")):
        return Parsed("change", [(0, m.start())], (m.end(), n))
    give = _ZH_GIVE.match(t)
    if give and give.group("v"):
        return Parsed("give", [(give.start("who"), give.end("who"))], (give.start("c"), n))
    m = re.match(r"^(?:让|使|叫|帮)(?P<t>他们|她们|他|她|它|这个人|那个人)(?P<c>(?!的).+)$", t)
    if m and not _ZH_CHANGE.search(t):
        return Parsed("make", [(m.start("t"), m.end("t"))], (m.start("c"), n))
    m = _ZH_BA_VERB.match(t)
    if m and free_of(m.start("v"), m.end("v"), ("adjust", "gray", "filter", "thing", "style", "color")) and (
            m.group("ba") or has_cat(toks_in(toks, (m.start("t"), m.end("t"))), "thing")) and \
            t[m.start("v"):m.end("v") + 1] not in V.ZH_EN and t[m.start("v") - 1:m.end("v")] not in V.ZH_EN and \
            not (m.group("v") == "要" and re.search(r"[，,。；;]|加", m.group("t"))):  # 天上加一些烟花，要热闹一点: how it looks
        # "头发弄长一点" and "路面变湿" need no 把; the verb must not sit inside a word ("渐变")
        return Parsed("change", [(m.start("t"), m.end("t"))], (m.start("c"), n))
    m = _ZH_CHANGE_ONE.match(t)
    if m:
        things = [x for x in toks_in(toks, (m.start("t"), n)) if x.cat == "thing"]
        if things:
            return Parsed("change", [(m.start("t"), things[0].end)], (things[0].end, n))
    for m in _ZH_ADD.finditer(t):
        if not free_of(m.start(), m.end(), ("thing", "style", "scene", "color", "adjust", "gray", "filter", "art",
                                            "whole")):
            continue
        before = t[:m.start()]
        lead = re.match(r"^(?:再|还|又|也)?(?:在|给|往|向|为|帮|替|把|对)?", before)  # 再加一个…在柜台上: no place before
        loc_start = lead.end() if lead else 0
        trimmed = _ZH_LOC_TRIM.search(before)
        if trimmed and any(x.start < trimmed.start() < x.end for x in toks):
            trimmed = None  # 天上 is the sky, not 天 + 上
        loc_end = trimmed.start() if trimmed and trimmed.start() >= loc_start else len(before)
        inside = not (trimmed and trimmed.group(0) in _ZH_LOC_OUTSIDE)
        of = t.rfind("的", loc_start, loc_end)
        if of > loc_start and has_cat(toks_in(toks, (of + 1, loc_end)), "thing"):
            loc_start = of + 1  # 在电话亭旁边的雪地上: on the snow (beside the phone box says which)
        loc = (loc_start, loc_end) if loc_end > loc_start else None
        tail = re.search(r"(?:在|到|于|放在|放到)(?P<l>[^在到于]+?)(?P<trim>上面|里面|中间|旁边|附近|下面|上方|前面|后面|上|里|中|内|边|旁)?$",
                         t[m.end():])
        if loc is None and tail and has_cat(toks_in(toks, (m.end() + tail.start("l"), m.end() + tail.end("l"))), "thing"):
            inside = (tail.group("trim") or "") not in _ZH_LOC_OUTSIDE
            return Parsed("add", [], (m.end(), m.end() + tail.start()),
                          (m.end() + tail.start("l"), m.end() + tail.end("l")), inside)
        return Parsed("add", [], (m.end(), n), loc, inside)
    if give:
        return Parsed("give", [(give.start("who"), give.end("who"))], (give.start("c"), n))
    return Parsed("none", [(0, n)], None)


