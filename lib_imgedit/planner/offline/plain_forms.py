"""Plain forms: ways of saying a request that the stages read in their plain form (a verb as a gerund after "would
you mind", "pop a hat on", "the guy on the right's face", a passive "the faces ... to be blurred") and what a
request says around it that is no part of it, applied in order by `asides.without_asides`."""

from __future__ import annotations

import re
from typing import Any

from ...core.colors import parse_color


def in_plain_form(bare: str) -> str:
    """`bare` with each plain form of `_PLAIN_FORMS` applied, in order."""
    for rx, plain in _PLAIN_FORMS:
        bare = rx.sub(plain, bare)
    return bare


def active(bare: str) -> str:
    """"the faces of the children to be blurred out" -> "blur the faces of the children": the verb first."""
    return _PASSIVE.sub(lambda m: f"{_PARTICIPLES[m.group('v')]} {m.group('x')} {m.group('a') or ''}".strip(), bare)


def _colour_only(said: str) -> bool:
    """Whether ", like a dark brown" names nothing but a colour."""
    bare = re.sub(r"^,\s*(?:\w+ )*?(?:like|as in|similar to|the way) (?:a |an |more |more of a )?|\s+(?:colou?r|shade|tone)$", "", said)
    return parse_color(bare) is not None or bool(re.search(r"\d+\s*[:x×]\s*\d+", said))  # (", like 4:5" says the shape)


_GERUND = re.compile(r"^((?:(?:would|do) you mind|how about|what about|consider|try) )([a-z]+ing)\b")
_VERBS = {"add", "put", "give", "make", "blur", "remove", "change", "turn", "paint", "crop", "rotate", "flip", "swap",
          "replace", "brighten", "darken", "erase", "delete", "get", "take", "sharpen", "pixelate", "recolor", "recolour",
          "colour", "color", "dye", "place", "insert", "mirror", "resize", "shrink", "enlarge", "fix", "clean", "warm", "cool",
          "lighten", "soften", "boost", "lower", "raise", "desaturate", "saturate", "tone", "hide", "censor", "move"}


def _verb(word: str) -> str:
    """'adding' -> 'add', 'making' -> 'make', 'putting' -> 'put' (the verb a table knows), else the word."""
    stem = word[:-3]
    for cand in (stem, stem + "e", stem[:-1]):
        if cand in _VERBS:
            return cand
    return word


# "(I'd like) the faces of the children to be blurred out", "all except the cat should be slightly blurred"
_PARTICIPLES = {"blurred": "blur", "pixelated": "pixelate", "removed": "remove", "erased": "erase", "deleted": "delete",
                "brightened": "brighten", "darkened": "darken", "sharpened": "sharpen", "cropped": "crop",
                "censored": "censor", "hidden": "hide", "recoloured": "recolour", "recolored": "recolor"}
_PASSIVE = re.compile(r"^(?:(?:i(?:'d| would) like|i want|please|can you have|could you have) )?"
                      r"(?P<x>(?:the |all |everything |every )[^,]*?) (?:to be|should be|must be|needs to be|be|get|gets) "
                      r"(?:(?P<a>[a-z]+ly|a bit|a little|a lot) )?(?P<v>" + "|".join(_PARTICIPLES) +
                      r")(?: out)?$")


# a thing named (one or two words, not "the log floating"), what is said of it, then what to do with "it"
_NAMED_THEN_IT = (r"(?P<x>[a-z]+(?: (?![a-z]+(?:ing|ed)\b)[a-z]+)?)\b[^,]*,\s*(?:(?:so |please |pls |can you |could you |can u "
                  r"|could u )+)?(?P<v>{verbs}) (?:it|them)\b")
# ways of saying a request the stages read in their plain form, and what a request says around it that is no part
# of it, applied in order
_PLAIN_FORMS: tuple[tuple[re.Pattern[str], Any], ...] = (
    # "the lamp is way too bright tbh, tone it down": chat words inside the message
    (re.compile(r"\s+(?:tbh|ngl|imo|lol|haha)(?=\s*[,.!?])"), ""),
    (re.compile(r"\s+(?:tbh|ngl|imo|lol|haha)(?=\s)"), ","),  # "thats creepy lol revert": two sentences
    # "the sky too, make it snowy": the sky
    (re.compile(r"^((?:the|his|her|their) [a-z]+(?: [a-z]+)?) (?:too|as well),? (make|turn|paint|change) (?:it|them) "), r"\2 \1 "),
    # "replace whatever's behind the stall with ...": the background
    (re.compile(r"\b(?:whatever|everything|anything|what)(?:'s| is) behind (?:the|him|her|them|us|me)(?: [a-z]+)?\b"), "the background"),
    # "..., tone that bit down": it
    (re.compile(r"\b(tone|dial|knock|turn) (?:that|this|those|these)(?: bit| part| area)? (down|back|up)\b"), r"\1 it \2"),
    # "just do the sky then": the last edit, there
    (re.compile(r"^((?:just|ok|then|maybe|now) )*do (?:it |that |the same )?(?:(?:to|on|for) )?(?=(?:the|his|her|their) [a-z]+(?: then| instead| only)?$)"),
     r"just "),
    # "make it feel colder": colder
    (re.compile(r"\b(?:feel|seem) (?=(?:a (?:bit|little|lot|touch|tad) |much |way |slightly )?(?:colder|cooler|warmer|darker|brighter|softer)\b)"), ""),
    # "a bit less on the trees" after an edit of them: less of it for the trees (not something put on them)
    (re.compile(r"^((?:(?:a )?(?:bit|little|touch|tad|lot) )?(?:less|more)) on (the|his|her|their) (?!left|right|top|bottom|side|edge)"),
     r"\1 for \2 "),
    # "make everything darker like it's late at night": how dark, said as a likeness (as after a comma)
    (re.compile(r"\b((?:darker|brighter|lighter|dimmer|warmer|cooler|moodier)(?: and (?:darker|brighter|lighter|dimmer|warmer|cooler))?)"
                r" (like (?:it is|it was) )"), r"\1, \2"),
    # 把右边那个人的脸打码，或者模糊掉也行: the other way that would do as well
    (re.compile(r"[，,]\s*(?:或者|或)[^，,。]{1,8}也(?:行|可以|ok|OK|没问题)[吧啊]?$"), ""),
    # "the face on the poster", 大屏幕上那个人的脸: the picture on it is the thing to edit
    (re.compile(r"\bthe (?:person|persons|people|man|woman|guy|girl|face|faces|kid)(?:'s face)? (?:on|in) the "
                r"(poster|screen|tv|monitor|billboard|painting|photo|picture frame|magazine|sign|pumpkin|jack-o-lantern|cake|balloon)\b"),
     r"the \1"),
    (re.compile(r"(大屏幕|屏幕|海报|电视|广告牌|照片|画|杂志|南瓜|蛋糕|气球)上(?:那个|的)?(?:人|人物)?的?脸"), r"\1"),
    # "the people in the crowd behind us", "everybody in the crowd": the crowd
    (re.compile(r"\b(?:the (?:people|faces?|guys|folks|ones|persons?|fans|spectators|heads)|everybody|everyone|all the people) "
                r"in the crowd\b"), "the crowd"),
    # "repaint it a nice navy blue": paint it
    (re.compile(r"\brepaint (?=it|them|the|his|her|their)"), "paint "),
    # "also the face of the lady on the left": that too
    (re.compile(r"^(?:and |ok |now )?also (the [a-z][a-z' ]*|his [a-z]+|her [a-z]+|their [a-z]+)$"), r"\1 too"),
    # "bye bye umbrella, just erase it": erase the umbrella
    (re.compile(r"^bye(?: bye)? (?:the )?([a-z]+(?: [a-z]+)?)[,.!]*\s*(?:just )?(erase|remove|delete) it$"), r"\2 the \1"),
    # "need this at 1920x1080 for my zoom background": what it is for
    (re.compile(r"\s+for (?:my|our|a|the) (?:[a-z]+ )?(?:background|wallpaper|backdrop|banner|header|cover photo|profile pic(?:ture)?|"
                r"avatar|thumbnail|lock ?screen|home ?screen|screensaver)\b"), ""),
    # "the light coming through the window": the window
    (re.compile(r"\bthe (?:light|glow|sunlight|sun) (?:coming |shining |pouring |falling )?(?:through|from|in|out of) (the [a-z]+)"), r"\1"),
    # "the dogs fur": the dog
    (re.compile(r"\b(the [a-z]+?)(?:'s|s'?) (?:fur|coat|feathers|mane)\b"), r"\1"),
    # "the noon sun totally blew it out": it is blown out (the sun is the cause, not the thing to edit)
    (re.compile(r"^(?:the )?(?:[a-z]+ )?(?:sun|sunlight|light|flash|glare|lamp|window) (?:totally |completely |kinda |really )?"
                r"(?:blew|washed) (it|everything|the [a-z]+) out\b"), r"\1 is blown out"),
    # "its super washed out from the snow glare": what caused it, not where
    (re.compile(r"\s+(?:from|because of|due to) (?:the |all the )?[a-z]+(?: glare| light| reflection| sun| haze)(?=\s*[,.;]|$)"), ""),
    # "would love the snow to look a bit whiter": make it so
    (re.compile(r"^(?:i )?(?:would|'d) love (the [a-z ]+?) to (?:look|get) "), r"make \1 look "),
    # ", like portrait mode on my phone"
    (re.compile(r",\s*(?:(?:yeah|yea|ya) )?(?:(?:kinda|kind of|sort of|something) )?(?:like|as in|similar to|the way) [^,]*$"),
     lambda m: m.group(0) if _colour_only(m.group(0)) else ""),  # not ", like a dark brown": the colour meant
    # "hide the groom's face, he is the one on the right": where he is
    # ("..., she is on the left and kinda in shadow": where, then why)
    (re.compile(r",\s*(?:he|she|it|they) (?:is|are) (?:the (?:one|ones) )?((?:on|in|at) the (?:far )?(?:left|right|middle))"
                r"(?:\s*(?:,|and)\s.*)?$"),
     r" \1"),
    # ", it is blown out", ", the old colour looked better", ", the gym lighting is awful"
    (re.compile(r"[,;]\s*(?:it|that|this|they|(?:the|my|our|his|her|their) (?:[a-z]+ ){0,2}[a-z]+) (?:just |really |kinda |"
                r"kind of |so |too |all |still )?(?:is|are|was|were|looks?|looked|seems?|seemed|feels?|felt)\b[^,.!?\d]*$"),
     ""),
    # "skateboard in neon yellow would be sick"
    (re.compile(r"\s+(?:would|will|'d) (?:be|look) (?:so |really |super )?(?:sick|cool|nice|great|awesome|dope|lit|amazing|"
                r"perfect|fun|cute|epic|fire)$"),
     ""),
    # ", shop lights were cold that day": how it was, not what to do
    (re.compile(r"[,;]\s*(?:[a-z]+ ){0,2}[a-z]+ (?:was|were|came out|turned out)\b[^,.!?\d]*$"),
     ""),
    # ", classic selective colour look"
    (re.compile(r",\s*(?:a |the )?(?:[a-z]+ ){0,3}(?:look|vibe|feel|aesthetic)$"),
     ""),
    # "lawn's patchy, ..."
    (re.compile(r"^((?:the |my |our )?[a-z]+)'s (?=[a-z]+(?: [a-z]+)?\s*[,.;])"),
     r"\1 is "),
    # right's face
    (re.compile(r"\b(left|right)s (?=(?:face|hair|head|eyes|shirt|clothes|dress|hat)\b)"),
     r"\1's "),
    # "the guy on the left's hat": the hat of the guy on the left
    (re.compile(r"\b(the (?:[a-z]+ ){1,2}(?:on|in) the (?:left|right|middle))'s ([a-z]+)"),
     r"the \2 of \1"),
    # "pop a hat on him"
    (re.compile(r"^((?:(?:can|could|would) (?:you|u) |please |pls |just )*)(?:pop|slap|plonk|chuck|stick|park|plop) (?=(?:a|an|some|the) )"),
     r"\1put "),
    # "that bucket on the floor, delete it": the bucket
    (re.compile(r"^(?:that|the|this) " + _NAMED_THEN_IT.format(verbs="delete|remove|erase|get rid of|blur|hide|pixelate")),
     r"\g<v> the \g<x>"),
    # "theres a sign ..., can u remove it"
    (re.compile(r"^there(?: is|s| are) (?:a |an |some |this |that |these |those )?" +
                _NAMED_THEN_IT.format(verbs="remove|delete|erase|blur|hide|pixelate|get rid of|crop out")),
     r"\g<v> the \g<x>"),
    # "the wall is kind of a dingy beige, could it be a soft sage green instead"
    (re.compile(r"^(?P<x>(?:the |his |her |my |their )?[a-z]+(?: [a-z]+)?) (?:is|are|looks?) [^,]*,\s*(?:could|can|should|would) "
                r"(?:it|they|that|those) be (?P<c>[a-z][^,]*?)(?: instead)?$"),
     r"make \g<x> \g<c>"),
    # "go for a deep wine red"
    (re.compile(r"^(?:maybe |let's |lets |then |ok )?go (?:for|with) (?=[a-z])"),
     "make it "),
    # "make the slide bright red again like before it faded": how it was
    (re.compile(r"\s+like (?:before|it was before|it used to be)\b.*$"),
     ""),
    # "mirror the whole photo": flip it
    (re.compile(r"\bmirror (?=(?:it|this|the (?:whole |entire )?(?:photo|picture|image|pic|shot))\b)"),
     "flip "),
    # "would it be possible to paint the wall a pale green"
    (re.compile(r"^(?:would|will) it be possible (?:for you )?to "),
     ""),
    # "wrap some christmas lights around the streetlight": add them there
    (re.compile(r"^(?:wrap|drape|string|hang) (?=(?:a|an|some|the) [a-z ]+ (?:around|over|on|from|across) )"),
     "put "),
    # "can they be purple instead": make them purple
    (re.compile(r"^(?:hmm )?(?:can|could) (?:it|they|this|that|those|these) be (?P<c>[a-z][^,?]*?)(?: instead)?$"),
     r"make them \g<c> instead"),
    # "the backpack would look better in orange"
    (re.compile(r"^(?P<x>(?:the |his |her |my |their )?[a-z]+(?: [a-z]+)?) would look (?:better|nicer|great|good|cool|best) "
                r"(?:in|as) (?P<c>[a-z].*)$"),
     r"make \g<x> \g<c>"),
    # "cut it down to 1080x1080"
    (re.compile(r"\bcut (?:it|this|the (?:image|photo|picture|pic)) down to\b"),
     "resize it to"),
    # "need this as a 16 by 9 banner"
    (re.compile(r"^(?:i )?(?:need|want) (?:this|it) as an? (\d{1,2}) ?(?:by|x|:) ?(\d{1,2})\b.*$"),
     r"crop to \1:\2"),
    # "would you mind adding": add
    (_GERUND,
     lambda m: m.group(1) + _verb(m.group(2))),
    # "give me cat ears": the person in the photo
    (re.compile(r"^(give|get) me (?=[a-z])"),
     r"\1 them "),
    # "make the wall behind them a pale mint": which wall, not what to paint
    (re.compile(r"\b(the [a-z]+) (?:behind|around|next to|beside) (?:them|him|her|me|us)\b(?= [a-z]|$)"),
     r"\1"),
    # "blur the text on the sign": the sign (not "the house number on the gate", a thing of its own)
    (re.compile(r"\b(blur|pixelate|pixelize|hide|censor|mosaic|obscure|cover)\b(.*?)\b(?:the |all the )(?:text|writing|words|letters|"
                r"names?|(?:phone |plate )?numbers?|address|logo|info|details|lettering)(?: written)? (?:on|of) (the [a-z]+)"),
     r"\1\2\3"),
    # 招牌上的字帮我打个码: the sign
    (re.compile(r"([\u3400-\u9fff]{1,5}?)上(?:面)?(?:的|写的|有)(?:字|文字|名字|号码|地址|标志|信息|地名|电话)(?=[^，,。]{0,6}?"
                r"(?:打个?码|打个|马[赛塞]克|模[糊湖]|糊|虚化|遮|挡))"),
     r"\1"),
    # "make the view out the window a snowy night"
    (re.compile(r"\bthe (?:view|scene|scenery|outside|world|landscape|street) (?:out(?: of)?|through|outside|beyond|"
                r"from) the (windows?)\b"),
     r"the \1"),
    # "drop the saturation": lower it, not a removal
    (re.compile(r"\b(?:drop|cut|kill|take down|knock down|tone down|turn down|bring down|dial down|pull down)\s+(?:the\s+)?"
                r"(saturation|brightness|contrast|exposure|warmth|vibrance)\b"),
     r"lower the \1"),
    # "sepia-fy the whole thing"
    (re.compile(r"\b([a-z]+)-(?:i?fy|ize|ise)\b"),
     r"\1"),
    # "a couple of degrees"
    (re.compile(r"\ba (couple|few)(?: of)? (?=degrees?\b)"),
     lambda m: "2 " if m.group(1) == "couple" else "3 "),
)
