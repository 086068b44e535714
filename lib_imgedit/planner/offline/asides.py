"""Asides: what a message says around its request and is not part of it: chat noises, greetings, sign-offs,
compliments, reasons ("so they stand out"), what stays as it is ("the couple on the left stays as is"), a
comment on the result ("it is blown out already"); and where a named thing is, said only to say which ("the wall
behind the sofa": `where_it_is`). The ways of saying a request that the stages read in their plain form are in
`plain_forms.py`."""

from __future__ import annotations

import re

from ...core.colors import find_color
from .chat import EDIT_EN
from .labels import norm_label, resolve_thing
from .plain_forms import active, in_plain_form
from .tokens import tokenize


def where_it_is(t: str, labels: list[str]) -> str:
    """`t` without where a named thing of the picture is ("the wall behind the sofa", 摩托车后面那面砖墙): which wall,
    not a second thing to edit. Kept where the thing is not in the picture ("the logo on the bottle" is the bottle's
    part) and where new content goes ("put the hat on the dog")."""
    def known(phrase: str) -> bool:
        toks = tokenize(phrase, labels)
        thing = toks[0].cats.get("thing") if toks and toks[0].start <= 4 else None  # "graffiti" is a style too
        return thing is not None and bool(resolve_thing(thing, labels)[0])

    t = _SKY_THROUGH.sub(lambda m: "the sky" if known("the sky") else m.group(1), t)  # the window when no sky is seen
    t = _WHOLE_PLACE.sub(lambda m: m.group(0) if known(m.group(1)) else "the whole picture", t)  # "the whole classroom"
    if not _PLACING.match(t):
        out, pos = [], 0
        for m in _WHERE_IT_IS.finditer(t):
            end = m.end()
            more = re.match(r" ([a-z]+)\b", t[end:])  # the place may be a two-word label: "the guy on the diving board"
            if more and any(norm_label(x) == f"{m.group(0).rsplit(' ', 1)[1]} {more.group(1)}" for x in labels):
                end += more.end()
            out.append(t[pos:m.start()] + (m.group(1) if known(m.group(1)) else t[m.start():end]))
            pos = end
        t = "".join(out) + t[pos:]
    return _WHERE_IT_IS_ZH.sub(lambda m: m.group("pre") if known(t[m.end():m.end() + 6]) else m.group(0), t)


def without_asides(t: str) -> str:
    """Lower-cased, cleaned `t` with its asides taken out (the rest may be empty)."""
    bare = _TRAILING_CHAT.sub("", _LEADING_CHAT.sub("", _chat_sentences(t))).strip(" ,.!?~")
    bare = _LEADING_CHAT_ZH.sub("", bare) or bare  # 你好呀～麻烦把…
    told = _TOLD_THEN_ASKED.search(bare)
    if told and re.match(r"(?:my|our|we|i|this is|it is|it was)\b", bare) and not _ASKS.search(bare[:told.start()]) and \
            not re.search(r"\b(?:it|its|them|their|him|his|her|that|this|these|those|they|there|here)\b",
                          re.split(r"\b(?:so|because|since)\b|[,.;]", bare[told.end():])[0]):
        bare = bare[told.end():]  # "my sister just had surgery and we took this pic for her, could you brighten the balloons"
    story = _STORY_ZH.match(bare)
    if story and not re.search(r"把|将|换|改|变|调|去掉|删|加|模糊|虚化|打码|裁|转", story.group(0)) and bare[story.end():].strip():
        bare = bare[story.end():]  # 这是我爸爸牵我走红毯那天拍的，好感动。能帮我…: what the photo is, then the request
    who = _WHO_NOT_EN.match(bare)
    if who and re.search(r"\b(?:him|her|them|his|their)\b", who.group("rest")):  # "..., pls blur his face": theirs
        bare = re.sub(r"\b(?:him|her|them|his|their)\b", lambda m: who.group("who") + (
            "'s" if m.group(0) in ("his", "their") or m.string[m.end():].startswith(" ") and m.group(0) == "her" else ""),
            who.group("rest"), count=1)
    looks = _LOOKS_THEN.match(bare) or _TOPIC_THEN.match(bare)  # "ok now the grass, make it look more summery"
    if looks and _ITS.search(looks.group("rest")):  # "the goldfish looks dull now, boost its saturation": the goldfish's;
        bare = _ITS.sub(lambda m: looks.group("who") + ("'s" if m.group(0) in ("its", "their") else ""),  # "..., could it
                        looks.group("rest"), count=1)  # be white": the pot
    elif looks and find_color(looks.group("rest").split()[0]) and len(looks.group("rest").split()) <= 4:
        bare = f"make {looks.group('who')} {looks.group('rest')}"  # "the bike looks weird, orange instead": the bike
    said = _WHERE_HE_IS.search(bare)
    if said and said.end() < len(bare):  # where he is, said before the request ("..., he is 2nd from the right. can you
        # pixelate him out?") or inside it ("blur my gf's face (she is the one on the left), she is shy"): with the request
        before, after = bare[:said.start()], bare[said.end():]
        pos = said.group("pos")
        if _ASKS.search(before):
            bare = f"{before} {pos}. {after}"
        elif re.search(r"\b(?:her|him|them)\b", after):  # "..., can you brighten her (in the middle) up, she is in shadow"
            bare = f"{before}. " + re.sub(r"\b(her|him|them)\b", lambda m: f"{m.group(1)} {pos}", after, count=1)
        else:
            bare = f"{before}. {after} {pos}"
        bare = bare.strip(" ,.")
    why = _REASON.search(bare)  # "..., so they stand out": why, not what (but "the guy never agreed, blur him" asks after it)
    asked_after = why and not _ASKS.search(bare[:why.start()]) and any(
        _ASKS.match(bare, m.end()) for m in re.finditer(r"[,;.]\s*(?:(?:so|please|pls|just|can you|could you|can u)\s+)*",
                                                         bare[:why.end()]) if m.start() > why.start())
    if why and not asked_after:
        bare = (bare[:why.start()] + bare[why.end():]).strip(" ,.!?~")
    would = _WOULD_LOOK.search(bare)
    if would and (find_color(bare[:would.start()]) or _ASKS.search(bare[:would.start()])):
        bare = bare[:would.start()].strip(" ,.!?~")  # "her sweater in a mustard colour would look cozier": why
    too = _TOO_AFTER.search(bare)
    if too and find_color(bare[:too.start()]):
        bare = bare[:too.start()].strip(" ,.!?~")  # "more of a mustard yellow? thats way too bright": why the new colour
    vibe = _VIBE.search(bare)
    if vibe and _TONE_SAID.search(bare[:vibe.start()]):
        bare = bare[:vibe.start()].strip(" ,.!?~")  # "make it feel colder, more of a blue winter vibe": how, said again
    bare = _WHAT_FOR.sub("", bare).strip(" ,.!?~")  # "..., its going on a screen behind the bar"
    bare = _WHO_WANTS.sub("", bare).strip(" ,.!?~")  # "...? park owner wants it clean": who asked, not what
    bare = _WANTS_FIRST.sub("", bare)  # "customer wants to see this SUV in pearl white": the SUV
    bare = _STAYS.sub("", bare).strip(" ,.!?~")  # "..., the couple on the left stays as is": not what to change
    state = _STATE_AFTER.search(bare)
    if state and _ASKING.search(bare[:state.start()]):  # "get rid of the keyboard, desk looks cluttered": why
        bare = bare[:state.start()]
    stays = _STAYS_ZH.search(bare)
    if stays and re.search(r"左|右|中间|第", bare[:stays.start()]):  # 把左边那个人的脸打码，右边的不用: the one said, not both
        bare = bare[:stays.start()]
    where = _ZH_IS_WHERE.search(bare)
    if where and where.group("who") in bare[:where.start()]:  # "除新娘外都调成黑白，新娘是左边那位": which bride
        bare = bare[:where.start()].replace(where.group("who"), f"{where.group('pos')}的{where.group('who')}", 1)
    bare = _WHY_ZH.sub("", _FOR_WHOM_ZH.sub("", bare))  # 在水面上加几只小黄鸭，给孩子们玩: who it is for; ，想让水看起来像在发光: why
    mood = _MOOD_ZH.search(bare) or _MATCH_ZH.search(bare)  # 海也调暖一点，跟天空搭一点: why, not what
    if mood and re.search(r"调|暖|冷|亮|暗|饱和|对比", bare[:mood.start()]):
        bare = bare[:mood.start()]
    who = _WHO_NOT.match(bare)
    if who and re.search(r"[他她]们?", bare[who.end():]):
        bare = re.sub(r"[他她]们?", who.group("who"), bare[who.end():], count=1)
    elif who and re.match(r"^(?:帮忙|帮我|麻烦)?(?:打个?码|打马赛克|模糊|虚化|马赛克)", bare[who.end():]):  # 帮忙打个码: them
        bare = "给" + who.group("who") + re.sub(r"^(?:帮忙|帮我|麻烦)", "", bare[who.end():])
    bare = _TRAILING_CHAT.sub("", in_plain_form(bare)).strip(" ,.!?~")  # "..., pls" once what came after it is gone
    bare = active(bare)
    bare = re.sub(r"\b(colou?rs? (?:(?:a (?:bit|little|lot)|much|way|even|slightly) )?)(?:stronger|richer|deeper|more intense)\b",
                  r"\1more saturated", bare)  # "the colours a bit stronger"
    return bare


_SENTENCE = re.compile(r"(?<=[.!?])\s+|\s*(?::\)|:d|:p|;\)|\^_\^|[\U0001F300-\U0001FAFF\u2600-\u27BF])+\s*")
# what makes a sentence a request (or a complaint that a request answers), and what makes it chat: a first sentence
# with chat words and none of these is left out when a later one has them
_ASKING = re.compile(EDIT_EN.pattern + r"|\b(?:lighten|take|bump|boost|increase|raise|lower|reduce|crank|pump|(?:can|could|would) (?:you|u|the|his|her|their|it|this|that|my)|i'?d like|i would like|"
                     r"i want|please|pls|too|as well)\b|\b(?:dark|bright|dull|blurry|cold|flat|washed|faded|grey|gray|yellow|orange)\b")
# (the edit verbs of chat.py's EDIT_EN, a few more asking words, and the words of a complaint)
_CHAT_WORDS = re.compile(r"\b(?:hi|hello|hey|evening|morning|afternoon|lovely|cute|adorable|gorgeous|haha+|lol|omg|wow|thanks?|cool|"
                         r"first time|new here|"
                         r"thank you|hope|love|amazing|awesome|tool|app)\b")


def _chat_sentences(t: str) -> str:
    """`t` without the sentences before its request that only chat ("Good evening! Lovely tool. I'd like ...", "omg
    this is so cute already haha, thank you!! ...", "hope ur having a good day :) could you ..."), and without a
    sign-off after it ("..., thank you kindly 🙏")."""
    parts = [p for p in _SENTENCE.split(t) if p and p.strip(" ,.!?~")]
    while len(parts) > 1 and _CHAT_WORDS.search(parts[0]) and not _ASKING.search(parts[0]) and \
            _ASKING.search(" ".join(parts[1:])):
        parts = parts[1:]
    while len(parts) > 1 and not _ASKS.search(parts[-1]) and re.match(
            r"^(?:tbh|honestly|ngl|lol|haha|btw|fyi|imo)\b|^(?:it|this|that) (?:is|was) (?:a|an|my|our|his|her) [a-z ]+[.!]*$|"
            r"^(?:it|they) (?:looks?|seems?|is|are) (?:kinda |a bit |so |really |too |pretty )?[a-z]+[.!]*$|"
            r"^the [a-z]+(?: [a-z]+)? (?:in there |in here |there |here )?"
            r"(?:looks?|is|are|seems?) (?:kinda |a bit |so |really |too |pretty )?[a-z]+(?: [a-z]+)?[.!]*$", parts[-1]):
        parts = parts[:-1]  # "... ? tbh the green is the only cheerful thing in here lol", "? the lighting in there looks really blue"
    out = " ".join(parts).strip()
    return re.sub(r"(?:[\s,]+(?:if (?:that'?s|that is|it'?s|it is) (?:alright|ok|okay|fine|possible)|thank you kindly|"
                  r"thanks kindly|many thanks|maybe)[\s,.!?]*)+$", "", out) or t


# chat noises around a request ("hmm a touch less blurry", "pop a hat on the dog lol"): not part of it
_LEADING_CHAT = re.compile(r"^(?:(?:hmm+|umm*|uh+|erm|lol|haha+|meh|welp|nah|oh|ok so|okay so|good (?:morning|afternoon|evening)|"
                           r"hey(?: there)?|hiya|hii+|dear|if (?:it is|it's|its) not too much (?:trouble|bother)|quick one|"
                           r"hope (?:this|it) (?:is not|isn't|isnt) too much (?:to ask|trouble)(?:,? but)?|"
                           r"thanks?(?: you| u)?(?: so much)? in advance|(?:ok |okay )?anyway|(?:he|she|it|they) (?:is|are) so \w+(?: right)?|(?:good )?morning(?: :\))?|perfect thx|oh and|"
                           r"my \w+ (?:drew|made|painted|took|drawn) (?:this|it)|(?:so )?this is (?:from|of|at) [^,.!?]*(?=[,.!])|omg|nvm|never ?mind|(?:and )?then|eh|on second thoughts?|sorry to (?:bother|ask)(?: you)?(?: again)?(?: but)?|sorry if this is a (?:dumb|stupid|silly|weird) (?:ask|question|request)(?: but)?|"
                           r"(?:this|the) (?:tool|app|extension) is (?:so |really |super )?(?:cool|great|amazing|awesome|nice)|quick q(?:uestion)?(?=\s*[-,:])|(?:ok |okay )?whatever|(?:i )?love it|"
                           r"(?:actually |oh )?i (?:liked|preferred|prefer) [^,]*? (?:better|more)(?=,)|"
                           r"for (?:privacy|safety|privacy reasons|my \w+)|just to be safe|"
                           r"hello(?: there)?|hi there|dear \w+|oh dear|ugh|(?:cool|nice|great|perfect|awesome|lovely|sweet|neat|wow|amazing)"
                           r"(?=\s*[,.!]|\s+(?:then|so|now|and|can|could|please|pls)\b)|"
                           r"you(?:'ve| have) been (?:so |super |really |very )?(?:helpful|great|amazing|awesome)(?: today)?|"
                           r"(?:one )?(?:last|more|final) thing(?:,? i promise)?|(?:i )?love (?:this|the|your) (?:tool|app|thing|feature|"
                           r"extension)(?: so much)?(?: btw)?|(?:ok|okay|oh|ah|yeah|yes)[ ,]+(?:cool|nice|great|"
                           r"perfect|good|lovely|sweet|awesome|neat)(?=[,.!]|\s+(?:then|so|now|and|can|could|please|pls)\b)|(?:that|this|it)(?: is|'s| looks)? (?:so |really |very )?"
                           r"(?:lovely|nice|great|good|perfect|beautiful|better|amazing|awesome|wonderful|cool)(?: thanks?| thank you)?)"
                           r"\b[\s,.!:-]*)+")


_WOULD_LOOK = re.compile(r"\s+(?:(?:it|that|this|she|he|they) )?(?:would|will|might|could|'d) (?:look|feel|seem|be) (?:so |much |way |"
                         r"a lot |so+ |really |super )?(?:\w+er|better|nicer|cute|nice|good|great|amazing|cool|pretty|lovely|more \w+)"
                         r"(?: (?:that way|then|tbh|imo|i think|i guess))?$")
_TONE_SAID = re.compile(r"\b(?:colder|cooler|warmer|darker|brighter|moodier|softer|dimmer|more saturated|less saturated)\b")
_VIBE = re.compile(r"[,;]\s*(?:(?:more|kinda|kind|sort)(?: of)? )?(?:a |an |that |some )?[a-z ]{0,30}?(?:vibe|feel|feeling|mood|look|atmosphere)s?$|"
                   r"[,;]\s*(?:kinda|kind of|sort of|a bit|slightly|more|like) [a-z]+ish$")  # ", kinda bluish"
_TOLD_THEN_ASKED = re.compile(r"[,;]\s*(?:so |but |and )?(?=(?:could|can|would) (?:you|u)\b)")
_STORY_ZH = re.compile(r"^(?:这是|这张(?:照片|图片|图)?是)[^。！!？?]{1,40}[。！!？?]+\s*")
_LEADING_CHAT_ZH = re.compile(r"^(?:(?:你好|您好|哈喽|嗨|辛苦啦|辛苦了)[呀啊哈]?[～~！!，,。\s]*|(?:麻烦|劳驾)(?:你|您)?(?:了)?[，,\s]*)+")
_STAYS = re.compile(r"[,;]\s*(?:(?:but|and|while)\s+)?[a-z' ]+?\s+(?:stays?|remains?|should stay|should remain|can stay|is fine|are fine)"
                    r"(?:\s+(?:as (?:it |they )?(?:is|are)|the same|untouched|unchanged|alone|that [a-z ]{1,30}))?\s*$")
_STATE_AFTER = re.compile(r"[,;.?!]\s*(?:the |my |this |that |it |its )?(?:[a-z]+)?(?: (?:looks?|seems?|is|feels?)|'s) (?:already |so |too |"
                          r"kinda |a bit |very |really |super |way too |all |pretty )*[a-z]+(?: out| off| up)?[.!]*$")
_STAYS_ZH = re.compile(r"[，,]\s*(?:但是?|不过)?[^，,。把将]{1,8}?(?:就)?(?:不用管|不用弄|不用处理|不要动|别动|不动|不用|不变|保持不变|保持原样)"
                       r"[了吧啊呀的。！!～~]*$")
# what is wrong with the colour now, said after the colour asked for instead
_TOO_AFTER = re.compile(r"[?.!,;]\s*(?:thats|that is|its|it is|this is|the \w+ is)\s+(?:way |much |a bit |kinda |just |a little |still )?"
                        r"too (?:bright|loud|much|strong|dark|saturated|harsh|neon|flashy|\w+ish)[.!]*$")
# a reason after the request ("so they stand out", "so I can send it to my sister", "because ..."): not an edit
_REASON = re.compile(r"[\s,.;]+(?:so (?:that )?(?:i|we|they|he|she|it|you|people|nobody|no one|everyone)\b|because\b|"
                     r"so (?:that )?the (?:eye|eyes|viewer|focus|attention)\b|to match(?: (?:it|that|this))?$|"
                     r"i (?:want|need) (?:only|just) (?:them|it|him|her|those|the \w+)\b|"  # "..., i want just the cat in color"
                     r"i can ?(?:barely|hardly|not|'t) (?:see|read|make out)\b|"
                     r"(?:i )?want (?:it|them) to (?:really |just )?(?:pop|stand out|shine|sparkle|glow)\b|"
                     r"since (?:i|we|they)\b|as (?:i|we) (?:want|need)\b|"
                     r"(?:he|she|they|we|the \w+|my \w+) (?:does ?n[o']?t|do ?n[o']?t|did ?n[o']?t|does not|do not|did not|"
                     r"wants?|needs?|hates?|"
                     r"would(?:n't)?|asked|never|can ?not|can't|won't)\b|"
                     r"(?:his|her|their|my|our) \w+ (?:said|says|asked|wants?|does ?n[o']?t want|hates?)\b|"
                     r"(?:it|that|this|the \w+)(?: (?!and\b|then\b|also\b)\w+){0,2} makes? (?:it|them|everything|me|the \w+) (?:look|feel|seem)\b|"
                     r"(?:it|that|this|the \w+)(?: \w+){0,2} made (?:it|them|everything|the \w+) (?:look |seem )?(?:too|so|really|kinda|a bit|way) \w+$|"
                     r"(?:this|it)(?: one)?(?: is|'s) for\b|there (?:is|are|was|were) \b|"
                     r"(?:the \w+|it|they|he|she) (?:should|must|needs? to|has to) (?:really |just )?(?:pop|stand out|shine)\b|"
                     r"i (?:look|seem|am) (?:so |really |kinda |a bit )?\w+$|"  # "..., i look tired"
                     r"just (?:blurring|blur|pixelating|pixelation|a blur|mosaic) (?:is|would be) (?:fine|ok|okay|enough)\b|"
                     r"it (?:still )?looks? (?:pretty |so |kinda |really |a bit )?(?:empty|bare|plain|boring|flat|dull|sparse)\b|"
                     r"(?:i|you|u|people|they|someone|anyone) (?:can|could) still (?:kinda |sort of |kind of )?(?:tell|see|recogni[sz]e|read)\b|"
                     r"(?:they|it|he|she) (?:are|is|have|has) (?:kinda |a bit |so |too |got )?(?:in (?:the )?shadows?|lost in|backlit|"
                     r"\w+ (?:names?|numbers?|addresses|info) on (?:it|them))\b|"
                     r"(?:it|its|it is|that|that is|they|they are) (?:is |are )?(?:blocking|covering|hiding|ruining|distracting|"
                     r"in the way|in my way|spoiling)\b|"
                     r"(?:i )?(?:want|need) the \w+ \w+ to be the (?:only|star|focus|main)\b|"
                     r"(?:i )?(?:want|need|'d like|would like) (?:just |only )?(?:it|the \w+|them|him|her) to (?:really |just )?"
                     r"(?:pop|stand out|shine|glow|look|be the only|be the star|be the focus|be the main)\b|so (?:that )?the \w+ (?:ends? up|is|are|looks?|faces?|sits?|stands? out|pops?|shines?)\b)"
                     r"[^.!?]*(?=[.!?]|$)|[，,]\s*(?:要|想|准备|打算)?(?:发|用来|拿去|用于|做)[^，,。]{0,8}$|"  # 要发网上, 发朋友圈用
                     r"[，,]\s*(?:因为|要|准备|打算|太|有点|挡住|挡着|遮住|遮着|影响)[^，,。把将给]{1,8}了[。！!]?$|"  # ，要卖车了
                     r"[，,]\s*(?:[他她]们?|人家)?(?:不想|不愿意|不愿|怕|免得|突出|为了|好让|没经过|没有经过|没征得)[^，,。把将给]{1,10}[。！!]?$|"  # ，不想露脸
                     r"[，,]\s*(?:有点|有些|太)[^，,。把将给再]{1,5}[了啊呀]?[。！!]?$|"  # ，有点模糊: how it is now
                     r"[，,]\s*(?:不要|别|不用)(?:彩色|原色|[^，,。]{0,3}色)[了的吧啊]?[。！!]?$|"  # ，不要彩色: said again as what not
                     r"[，,][^，,。把将给]{0,6}(?:拍得|拍的|显得|看着|看起来)太[^，,。把将给]{1,4}了[。！!]?$|"  # ，画廊里拍得太暗了
                     r"[，,]\s*想(?:让|要)?[^，,。把将给]{0,8}(?:突出|显眼|醒目|明显)[^，,。]{0,4}$|"  # ，想让灯塔更突出
                     r"[，,]\s*(?:上面|里面|里头|屏幕上|那里)有[^，,。]{1,8}$|"  # ，上面有聊天记录
                     r"[，,]\s*(?:人家|他|她|他们|她们|对方|家长|父母|本人|[^，,。把将给]{1,3}的家长)?(?:没|没有|不)(?:同意|答应|授权)[^，,。]{0,6}$|"  # ，人家没同意我拍
                     r"[，,]\s*我?(?:只想|只要|就想)(?:要|留)?[^，,。把将给]{1,10}$|"  # ，我只想要我跟狗狗
                     r"[，,]\s*(?:想|要)?(?:拿来|用来|拿去)[^，,。]{1,10}$|"  # ，想拿来做电脑壁纸
                     r"[，,][^，,。把将给]{0,6}(?:看不清|看不见|不明显|不好看|太丑|显脏)[了啊呀]?$|"  # ，蓝的晚上看不清
                     r"[，,]\s*(?:看着|看起来|感觉)(?:有点|有些|挺|太)?[^，,。把将给]{1,4}[了啊呀的]?$|"  # ，看着有点吓人
                     r"[，,]\s*(?:这个|那个)?[^，,。把将给]{0,5}太[^，,。把将给]{1,3}了[。！!]?$|"  # ，这个红太艳了, ，头发红的太怪了
                     r"[，,][^，,。把将给]{1,8}(?:露出来|露出|看得见|看得到|拍到|拍进来)了?[。！!]?$|"  # ，车牌露出来了
                     r"[，,][^，,。把将给]{1,5}(?:怕|害怕|不喜欢|讨厌|嫌弃?)[他她它]们?[^，,。]{0,4}$")  # ，小朋友怕他哈哈
_WHERE_HE_IS = re.compile(r"(?:^|[,.;!?(]\s*)(?:he|she|they|it) (?:is|are) (?:the (?:one|ones|guy|girl|kid|person) )?"
                          r"(?P<pos>(?:on|in|at) the (?:far )?(?:left|right|middle|back|front)|(?:the )?(?:\d(?:st|nd|rd|th)|"
                          r"first|second|third|fourth|fifth|last)(?: one)? from the (?:left|right))\s*\)?\s*(?:[,.;!?]\s*|$)")
_WHAT_FOR = re.compile(r"[,.;!?(]\s*(?:my (?:phone|camera|app|computer|laptop)\b|(?:tryna|trying to|i'm trying to) make it\b|looks? (?:so |kinda |really |too |a bit )?[a-z]+$|"
                       r"(?:it )?looked (?:better|nicer|good|great) (?:with|before|without)\b|"
                       r"(?:the )?[a-z]+(?:'s| is) (?:fine|ok|okay|good|perfect)(?: as (?:it )?is)?$|"
                       r"(?:my|his|her|their|our) [a-z']+ (?:name|names|address|number|face)s? (?:is|are) (?:written|on|in|visible)\b|it(?:'d| would| will) look\b|"
                       r"i (?:just )?(?:uploaded|sent|added|attached) (?:his|her|their|my|the|a)\b|"
                       r"(?:i )?want (?:it|this|the \w+) (?:to (?:feel|look|be) )?(?:moody|dreamy|cozy|cosy|cinematic|dramatic|soft|"
                       r"clean|natural|vintage|romantic|mysterious|calm)\b|(?:he|she|they) (?:is|are|was|were) (?!on |in |at |the (?:one|guy|girl|kid|person)\b)|"
                       r"(?:i )?(?:liked|preferred|prefer|like) (?:it|that|the \w+) (?:better |more )?(?:before|earlier)|"
                       r"(?:i )?(?:liked|preferred) (?:the (?:[a-z]+ ){0,2}[a-z]+) (?:better|more)\b|"
                       r"(?!(?:i|we|you|u) )(?:the )?[a-z]+(?: [a-z]+)? (?:will|is going to|gonna) (?:hate|love|kill|freak)|"
                       r"only (?:the |my )?[a-z ]+? (?:can|should|may|could) be (?:shown|seen|visible|online|posted)|"
                       r"(?:i )?want(?:ed)? (?:a|an|that|the) [a-z ]+ (?:look|vibe|feel|effect|mood)|i can still (?:kinda |kind of |sort of |totally )?(?:tell|see|recogni[sz]e|read|make out)|(?:it|its|it is|this|this is|that is|they are|they're) (?:going|gonna go|headed) (?:on|to|in|into|up)|"
                       r"(?:its|it is|this is|that is|it's) (?:for|meant for) (?:a|an|my|our|the|his|her)\b|"
                       r"(?:i'm |i am |im )?going for (?:a |an |that |some )?[a-z]+(?: [a-z]+){0,3}$|"
                       r"(?:i )?(?:want|need|'d like|would like) (?:just |only )?(?:it|the \w+|them|him|her) to be "
                       r"(?:the only|the main|in focus|the focus|the star|the hero))\b[^.!?]*$")
_ZH_IS_WHERE = re.compile(r"[，,]\s*(?P<who>[\u3400-\u9fff]{1,4}?)(?:是|在)(?P<pos>最?[左右]边(?:第[一二三四五六1-6]个?)?|中间)"
                          r"(?:那位|那个|那只|那辆|的那个|的那位|的)?[。！!]?$")
# "the guy on the left didnt want to be posted online, pls blur his face out": who, then the request about them
_ASKS = re.compile(r"\b(?:blur|pixelate|mosaic|hide|censor|remove|erase|delete|make|turn|change|swap|replace|put|add|crop|brighten|"
                   r"darken|paint|colou?r|recolou?r)\b")
_WHO_NOT_EN = re.compile(r"^(?P<who>(?:the|that|this) [a-z]+(?: [a-z]+)?(?: (?:on|in|at) the (?:far )?(?:left|right|middle|back|front|background|corner))?) "
                         r"(?:didn'?t|doesn'?t|did not|does not|don'?t|do not|never) (?:want|like|agree)[^,]*,\s*"
                         r"(?:(?:so |please |pls |can you |could you )+)?(?P<rest>.+)$")
# how a thing looks, then a request about what is its: "the goldfish looks dull now, boost its saturation"
_LOOKS_THEN = re.compile(r"^(?P<who>(?:the|that|this|these|those|my|our|his|her|their) [a-z]+(?: [a-z]+)?) (?:looks?|seems?|is|are|got|"
                         r"went|feels?) [^,;.]*[,;.]\s*(?:(?:so |please |pls |can you |could you |can u |can we |could we |just )+)?"
                         r"(?P<rest>.+)$")
_TOPIC_THEN = re.compile(r"^(?:(?:ok|okay|now|and|next|then|alright)[\s,]+)*(?P<who>(?:the|his|her|their|my) [a-z]+(?: [a-z]+)?)"
                         r"\s*[,:]\s*(?:(?:so |please |pls |can you |could you |can u |just |now )+)?"
                         r"(?P<rest>(?:make|turn|paint|colou?r|dye|give|brighten|darken|blur|sharpen|warm|cool) .+)$")
_ITS = re.compile(r"\b(?:its|their)\b(?= (?:saturation|brightness|contrast|exposure|warmth|sharpness|tone|tones|shadows|highlights))|"
                  r"\b(?:it|them|those|these)\b(?! (?:down|up|out|off|over)\b| back\b(?! to\b))")  # (the verb of "tone it down" reads "it")
_WHY_ZH = re.compile(r"[，,]\s*(?:我)?(?:(?:想|想要|希望|好)(?:让|使)[^，,。把将]{1,8}?(?:看起来|显得|感觉|更)|(?:想|好|为了)看清)[^，,。]*$")
_FOR_WHOM_ZH = re.compile(r"[，,]\s*(?:给|让)[^，,。把将]{1,6}?(?:玩|看看?|瞧瞧)[的吧啊呀～~]*$")
_MATCH_ZH = re.compile(r"[，,]\s*(?:让它|要|好)?(?:跟|和|与)[^，,。]{1,8}?(?:搭|配|呼应|统一|一致|协调|匹配)[^，,。]{0,4}$")
_MOOD_ZH = re.compile(r"[，,]\s*(?:要|想要|我要|有|像)?(?:那种|一种|点)?[^，,。]{0,10}?(?:的|那种|这种)?(?:感觉|氛围感?|味道|调调|光线|feel|vibe)"
                      r"[吧啊呀]?[。！!]?$")
_WHO_WANTS = re.compile(r"[?.!,;]\s*(?!(?:i|we|you|u)\b)(?:the |my |our |his |her |their )?[a-z]+(?: [a-z]+)? (?:wants?|said|says|asked|needs?|"
                        r"prefers?) (?:it|them|this|that|the|me|us|to)\b[^.!?]*$")
_WANTS_FIRST = re.compile(r"^(?:the |my |our |a )?[a-z]+ (?:wants|wanted|would like|needs|asked for|prefers) (?:to see |to have |me to make )?"
                          r"(?=(?:this|the|that|his|her|their|its) )")
# "最右边那个同学不想露脸，给他脸打码": who does not want it, then the request about them
_WHO_NOT = re.compile(r"^(?P<who>[^，,。]{1,12}?)(?:不想|不愿意|不愿|不喜欢|讨厌|怕|不要)[^，,。]{0,6}[，,]\s*")
# "the wall behind the sofa", "the cup on the table": which wall, which cup (a side, a corner or an edge says which
# instance, and stays)
_WHERE_IT_IS = re.compile(r"\b(the [a-z]+(?: [a-z]+)?) (?:on|behind|in front of|next to|beside|under|above|near|by|on top of|through|outside|past|beyond)"
                          r" (?:the |his |her |my |our |their |(?=grandma|grandpa|mom|mum|dad|him|her\b|them\b))"
                          r"(?!left|right|middle|far|top|bottom|side|front|back|centre|center|corner|edge|end)[a-z]+\b")
_WHOLE_PLACE = re.compile(r"\bthe (?:whole|entire) ([a-z]+)\b(?<!picture)(?<!photo)(?<!image)(?<!thing)(?<!pic)(?<!shot)")
_SKY_THROUGH = re.compile(r"\bthe sky (?:out(?: of)?|through|outside|beyond|from) (the windows?)\b")
_PLACING = re.compile(r"^(?:(?:please|pls|can you|could you|can u|would you) )*(?:add|put|place|move|give|draw|insert|stick|"
                      r"paste|hang)\b")
# 桌子上的杯子, 摩托车后面那面砖墙: the thing after the place is the one meant
_WHERE_IT_IS_ZH = re.compile(r"(?P<pre>^(?:去掉|删掉|删除|移除|抹掉|擦掉|拿掉|清除|消除|模糊|虚化)?|[把将给帮请，,\s])(?!除)(?:(?![这那](?:里|儿|块|边))[\u3400-\u9fff]){1,6}?(?:上面|上|后面|前面|旁边|里面|里|下面|下)"
                             r"(?:的|那个|那只|那面|那张|那条|那块|那棵|那辆|那盆|这个|这只|这面)(?=[\u3400-\u9fff])")
_TRAILING_CHAT = re.compile(r"(?:[\s,.!?]+(?:lol|lmao|haha+|xd|tbh|imo|ngl|:\)|:d|please|pls|plz|if you (?:would|could|can|don't mind)|"
                            r"if possible|if (?:that|it) is possible|for me)|"
                            r"[\s,.!?]+(?:thx|ty|thanks?(?: you)?|thnak(?:s| you)|tha?nk ?u|many thanks|cheers|regards|best wishes|appreciate it|much appreciated)"
                            r"(?: (?:so+|very) much| a (?:ton|lot|bunch|million))?(?:,? [a-z]+)?|(?<!\bthan) then)+$")  # "thanks, joan"
