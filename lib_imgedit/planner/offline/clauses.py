"""Clauses: one message cut into the edits it asks for, in order, after its self-corrections.

"make her eyes... no wait, make her hair purple" is one edit (the hair); "blur the background and make her
hair blonde" is two; "make it black and white" and "the hair and the lips" stay one. A part is cut off only
where what follows starts a new request (an edit verb, an adjust word, or a follow-up such as "the lips
too"), so joined things and colours are never split apart. "not the face, the hair" stays whole: it is a
correction that the follow-up stage reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ...core.colors import COLORS

MAX_CLAUSES = 8

# what a corrected request restarts after ("no wait", "不对"); the words before it are dropped
_CORRECTION_EN = re.compile(r"(?:^|\.\.\.|…|[,;.!\-–—]|\s)\s*(?:no,? wait|wait,? no|oh wait|wait|no no|sorry|scratch that|"
                            r"i mean|i meant|let me rephrase|on second thought|actually no|no actually|hmm no|"
                            r"no)\s*[,.:;!…\-–—]+\s*|(?:\.\.\.|…)\s*(?:actually|rather|i mean|i meant|no)\b[\s,]*")
# "forget the hair, blur the background": a clause that takes something back before the request
_TAKEN_BACK_EN = re.compile(r"^\s*(?:forget|never ?mind|scrap|skip)(?: about)? (?:the|that|this|it)\b[^,;.!]*[,;.!]+\s*(?=\w)")
_CORRECTION_ZH = re.compile(r"(?:^|[，,。…；;\s])\s*(?:不对不对|不对|等等|等一下|算了|哦不(?![是要用])|不是不是|我是说|说错了|应该是)[，,。：:！!…\s]*")
_TRAILING = re.compile(r"[\s,.!]+(?:thx|thanks|thank you|ty|pls|please|plz|cheers)[\s!.]*$|[，,。！!\s]*(?:谢谢|谢啦|多谢)"
                       r"[你您啦了！!。]*$")
_LEADING_EN = re.compile(r"^(?:no|actually|ok|okay|oh|hmm|um|well|right|alright|yes|yeah|so|and)\s*[,.!:;]+\s*")

_EDIT_VERBS_EN = (
    "make|turn|change|remove|erase|delete|get rid of|take out|add|put|place|insert|replace|swap|switch|blur|brighten|"
    "darken|lighten|sharpen|pixelate|crop|rotate|flip|mirror|resize|upscale|downscale|scale|shrink|enlarge|recolou?r|"
    "paint|dye|colou?r|give|fix|convert|transform|increase|decrease|reduce|boost|raise|lower|desaturate|saturate|warm|"
    "cool|apply|restyle|set|clean up|fill|cover|straighten|tilt|mosaic|censor|hide|take|lose|ditch|also make|also|then|"
    "bump|crank|pump|knock|tone|push|pull|dial|lift|soften|smooth|bring|drop|hang|draw|write|dim|wipe"
)
_NEXT_EN = re.compile(r"^(?:(?:please|pls|can you|could you|also|then|now|and|just|maybe|next)\s+)*(?:" + _EDIT_VERBS_EN +
                      r")\b")
_EDIT_HEAD_EN = re.compile(r"\b(?:" + _EDIT_VERBS_EN + r")\b")
# "her hair black", "the shoes to white": a thing and what it becomes, the verb said once before
# what a thing becomes, said after it: a colour or a tone ("her hair black", "the background blurry")
_BECOMES = "|".join(sorted((c for c in COLORS if " " not in c), key=len, reverse=True)) + \
    "|blurry|blurred|brighter|darker|lighter|sharper|warmer|cooler|greener|redder|bluer|whiter|pinker|yellower|lusher|" \
    "richer|softer|pixelated|" \
    "black and white|grayscale|greyscale|more saturated|less saturated|more vivid"
# "her hair black", "the shoes to white": a thing and what it becomes, the verb said once before
_GAPPED = re.compile(r"^(?:the|his|her|their|its|my)\s+[a-z][a-z ]{1,30}?\s+(?:to\s+|into\s+)?(?:an?\s+)?(?:(?:light|dark|bright|"
                     r"pale|deep|a bit|a little|slightly|much)\s+)?(?:" + _BECOMES +
                     r"|the same colou?r|the same)(?:\s+too)?$")
_COLOURED = re.compile(r"\s(?:" + _BECOMES + r")(?:[ -]colou?red)?$")  # "brass coloured"
_FOLLOW_EN = re.compile(r"^(?:the |his |her |their |its |my )?[a-z][a-z ]{0,30}?\s+(?:too|as well)$|^(?:same|do the same|and "
                        r"the same)\b")
_SPLIT_EN = re.compile(r"\s*(?:[;]|\.(?=\s)|,)\s*(?:and\s+|plus\s+)?(?:(?:then|finally|lastly|next|after that)\s+)?|"
                       r"\s+(?:and then|and also|and finally|and lastly|and|then|after that|afterwards|plus)\s+")
_SPLIT_ZH = re.compile(r"\s*[，,；;。]?\s*(?:然后|并且|接着|同时|另外|顺便|之后|还要|再)\s*|\s*[，,；;。]\s*")
_ZH_WHOLE_TONE = r"^(?:整体|整张图?|全图|画面)(?:再)?(?:暖|冷|亮|暗|锐利|清晰|鲜艳)"  # 然后整体暖一点: a clause of its own
# 天空亮一点: a thing and a tone of its own after a comma (not 看起来温暖一些, what the edit is for)
_ZH_THING_TONE = r"^(?!颜色|色|再|更|有点|太|看|显得|感觉|让|使)[^，,；;。把将再更]{1,6}?(?:再|更)?(?:亮|暗|暖|冷|清晰|锐利|鲜艳|模糊|虚化)(?:一点|一些|点|些)[吧啊]?$"
_ZH_STARTS = re.compile(_ZH_WHOLE_TONE + r"|" + _ZH_THING_TONE + r"|"
                        r"^(?:也|还|请|帮我|给我)?(?:把|将|给|让|帮|加|去掉|删掉|删除|裁|旋转|翻转|镜像|缩小|放大|调|虚化|模糊|"
                        r"锐化|打码|提亮|变|换|改|[^，,；;。]{0,8}(?:也|换成|改成|变成|染成|涂成|刷成|漆成|喷成|去掉|调亮|调暗|提亮|压暗|虚化|模糊|"
                        r"打码|打个码|打上马赛克|涂|刷|染|变|换|改|调|删|转成)|"
                        r"[^，,；;。把将]{1,6}(?:上面|上|里面|里|旁边|下面)(?:再|也)?(?:加|放|添|插)(?:上|个|一|几|些|点))")  # 蛋糕上加几颗草莓
_EDIT_ZH = re.compile(r"把|将|换|改|变|染|涂|刷|去掉|删|加|调|虚化|模糊|锐化|打码|裁|旋转|翻转|镜像|缩小|放大|提亮|转成|弄|放|摆|挂|贴|"
                      r"(?:饱和度|对比度|亮度|色温|曝光)[^，,。]{0,3}(?:高|低|大|小)|"
                      r"再.+一点|" + _ZH_WHOLE_TONE + r"(?:一点|一些|点)")


def corrected(text: str, zh: bool) -> str:
    """The request after its last self-correction ("make her eyes... no wait, make her hair purple" -> the
    hair part), without a leading "no, " / "actually, ". Text that only says "no" is left as it is."""
    return _corrected(text, zh)[0]


def replaced(text: str, zh: bool) -> str:
    """What a self-correction took back ("make her hair pink" of "make her hair pink... no, make it purple"): the
    corrected part's "it" is what it was about. Empty when nothing was taken back."""
    return _corrected(text, zh)[1]


def _corrected(text: str, zh: bool) -> tuple[str, str]:
    rx = _CORRECTION_ZH if zh else _CORRECTION_EN
    out, dropped = text, ""
    taken = None if zh else _TAKEN_BACK_EN.match(text)
    if taken:
        out, dropped = text[taken.end():], text[:taken.end()].strip(" ,.;!")
    for m in rx.finditer(text):
        rest = text[m.end():].strip(" ,，.。")
        if len(rest) >= 2:
            out, dropped = rest, text[:m.start()].strip(" ,，.。…")
    out = _TRAILING.sub("", out) or out  # "make the pic brighter thx"
    if not zh:
        stripped = _LEADING_EN.sub("", out)
        if re.search(r"[a-z]{2,}", stripped):
            out = stripped
    return out, dropped


def split_clauses(text: str, zh: bool, droppable: Callable[[str, str], bool] | None = None) -> list[str]:
    """The edit clauses of `text` in order (at least one; at most MAX_CLAUSES). A first part that only says what is
    wrong or why is left out when it is `droppable` before the rest (it names nothing of the picture, or the rest names
    its own region: "my phone saved it sideways, rotate 90°", "theres a note on the monitor, blur the monitor") and the
    rest does not point back to it; otherwise it stays with the request ("the sky looks dull, boost the saturation")."""
    rx = _SPLIT_ZH if zh else _SPLIT_EN
    parts: list[str] = []
    start = 0
    for m in rx.finditer(text):
        if m.start() <= start or m.end() >= len(text):
            continue
        head = text[start:m.start()].strip(" ,，")
        rest = text[m.end():].strip()
        starts = _starts_request(rest, text[m.start():m.end()], zh) or (
            not zh and bool(_GAPPED.match(re.split(r",\s*|\s+(?:and|then)\s+", rest)[0])) and bool(_COLOURED.search(head))) or (
            not zh and bool(_GEOMETRY_EN.search(head) or _COMPLAINT_EN.search(head)) and bool(_BARE_TONE_EN.match(rest)))
        # "1200 px tall and a touch brighter", "the lane looks washed out, more contrast on the lane only"
        said = _NOT_BUT_ZH.match(head) if zh and starts and not parts else None
        if said and said.group("y") in rest:  # 哦不是狗，是山羊，把山羊删掉: the request names what the correction says
            start = m.end()
            continue
        if head and starts and not parts and droppable is not None and _only_says_what(head, zh) and \
                (_PICTURE_IT.match(rest) or (droppable(head, rest) and not _POINTS_BACK.search(rest))):
            start = m.end()
            continue
        if not head or not starts or _is_correction(head, rest, zh) or _only_says_what(head, zh):
            continue
        if zh and "再" in text[m.start():m.end()] and not re.search(r"[，,；;。]", text[m.start():m.end()]) and \
                not _EDIT_ZH.search(head):
            continue  # 串灯再调亮一些: 再 inside one request, after the thing it is about
        if zh and re.fullmatch(r"(?:帮我|给我|直接)?(?:删掉|去掉|删了|删除|去除|[pP]掉|拿掉)(?:它|吧|了)*[。！!]?", rest) and \
                re.search(r"去掉|删|不要|拿掉|移除|[pP]掉", head):
            continue  # 左边那个木偶不要了，删掉: one removal, said twice
        if zh and re.match(r"^除了?.{1,12}$", head) and (re.search(r"(?:以外|之外|外)$", head) or
                                                       re.match(r"^(?:把|将)?(?:其他|其它|其余|别的|剩下|都|全|整|所有)", rest)):
            continue  # "除了那只狗之外，其他的都…": the exclusion belongs to the clause after it
        parts.append(head)
        start = m.end()
    parts.append(text[start:].strip(" ,，"))
    if not zh:
        parts = _gapped(parts)
    parts = [p for p in parts if re.search(r"[a-z0-9\u3400-\u9fff]", p)]
    return parts[:MAX_CLAUSES] or [text]


def _gapped(parts: list[str]) -> list[str]:
    """'make her lips red and her hair black': the second part borrows the first one's verb."""
    out = parts[:1]
    for part in parts[1:]:
        verb = re.match(r"^(?:(?:please|now|also)\s+)*(make|turn|paint|dye|colou?r|change|recolou?r)\b", out[-1])
        out.append(f"{verb.group(1)} {part}" if verb and _GAPPED.match(part) else part)
    return out


_DESCRIBES_ZH = re.compile(r"^要?(?:有|带|带着|是)[^，,。把将]{1,12}?的?(?:那种|那样|感觉|样子)[吧啊的]?$")


def _starts_request(rest: str, sep: str, zh: bool) -> bool:
    if zh:
        if _DESCRIBES_ZH.match(rest):  # "背景换成街头球场，要有涂鸦墙的那种": what the new content is like
            return False
        if re.search(r"然后|并且|接着|同时|另外|顺便|之后|再|还要", sep):
            return bool(_EDIT_ZH.search(rest))
        return bool(_ZH_STARTS.match(rest))
    return bool(_NEXT_EN.match(rest) or _FOLLOW_EN.match(rest))


def _only_says_what(head: str, zh: bool) -> bool:
    """'too dark, brighten it up' / '天空太灰了，换成蓝天' / '帮我P一下背景，换成纯黑': the first part only says
    what is wrong or where; the rest is the one request."""
    if zh:
        return bool(re.search(r"太|有点|不够|一下\S{0,4}$|^(?:帮我|请)?(?:p|P|修|弄|改|处理)一下|(?:能|可以)?看(?:到|得到|得见|见)|拍到|"
                              r"^[^，,把将给]{0,8}?(?<!没)有(?:个|一个|只|一只|些|一些|块|一块|条|一条|根|张)|"  # 这里有个垃圾袋，…
                              r"^(?:其他|其它|其余|别的|剩下的?)(?:部分|地方)?的?$|^[^把将改换调变弄整给]{1,8}的$|"  # 其他部分再…, 天空灰蒙蒙的，…
                              r"^[^把将改换调变弄整给加删去]{2,10}(?:闭眼|眨眼|没笑|走光|歪)了$|"  # 右边那哥们闭眼了，…
                              r"^[\u3400-\u9fff]{1,3}(?:上|里|中|边)$", head))  # 天上再加一轮满月: where, then what
    said = not re.search(r"\b(?:is|are|was|were|looks?|seems?|too)\b", head)  # not "the sky is too blue"
    return not _EDIT_HEAD_EN.search(head) and not (  # "warmer tones overall and also add some fog": an edit of its own
        _COMPARATIVE_EN.search(head) and said) and not (_COLOURED.search(head) and said)  # "her outfit in pastel yellow"


_GEOMETRY_EN = re.compile(r"\b(?:\d+\s*(?:px|pixels?)|crop|rotate|flip|mirror|resize|square|\d+:\d+|\d+ ?x ?\d+)\b|\d+\s*(?:px|pixels?)? (?:tall|wide)")
_COMPLAINT_EN = re.compile(r"\b(?:looks?|seems?|is|are)\s+(?:\w+\s+)?(?:washed out|flat|dull|dark|too \w+|faded|muddy|grey|gray)\b")
_BARE_TONE_EN = re.compile(r"^(?:(?:a (?:bit|touch|little|tad)|slightly|much|way|also)\s+)*(?:brighter|darker|warmer|cooler|sharper|"
                           r"softer|more saturated|less saturated|more contrast|less contrast|punchier|more vivid)\b")
# "rotate it 180", "flip it": the picture, whatever the message said before
_PICTURE_IT = re.compile(r"^(?:(?:please|pls|can you|could you|just|then|so|now)\s+)*(?:rotate|flip|mirror)"
                         r" (?:it|this|that)\b")
_POINTS_BACK = re.compile(r"\b(?:it|its|them|they|him|his|her|she|he|that|this|those|these)\b|它|他|她")
_COMPARATIVE_EN = re.compile(r"\b(?:warmer|cooler|brighter|darker|sharper|softer|punchier|moodier|more saturated|"
                             r"less saturated|more contrast|less contrast)\b")


_NOT_BUT_ZH = re.compile(r"^(?:[哦噢啊呃额]\s*)?不是(?:那只|那个|这只|这个)?[^，,。]{1,8}?[，,\s]*(?:而)?是(?P<y>[^，,。]{1,8}?)[吧啊呀]?$")


def _is_correction(head: str, rest: str, zh: bool) -> bool:
    """'not the face, the hair' / '不是脸，是头发': one clause for the follow-up stage."""
    if zh:
        return bool(re.match(r"^(?:[哦噢啊呃额]\s*)?(?:不是|不要|别)", head)) and (bool(re.match(r"^(?:是|而是|要)", rest)) or (  # 不要红的了，换成蓝色
            bool(re.match(r"^(?:换成|改成|用)", rest)) and not re.match(r"^(?:不是|不要|别)(?:这个|那个|这样|那样|了)", head)))
    return bool(re.match(r"^(?:not|no,? not)\s", head))
