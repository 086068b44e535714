"""What in a finished plan goes against its request or the conversation: checks on the plan itself, after
the stages read it. Each one is a way a plan read in full was still wrong on requests written by people who
had not seen the rules (the held-out rounds' first looks): a doubt keeps the plan from counting as sure (`build.py`
caps its confidence below `CONFIDENT`), so `offline-first` hands it to the model, told why, and the reply says what
was understood.
"""

from __future__ import annotations

import re
from typing import Any

from ...core.instruction import plan_steps
from ...core.labels import split_instance
from .. import vocab as V
from ..base import PlanContext
from .confidence import _CONTENT_EN, _GRAMMAR_EN, named_labels
from .exclude import EXCLUSION_WORDS
from .labels import norm_label, resolve_thing, with_parts
from .positions import zh_number
from .select import OUT_OF
from .tokens import FUNCTION_WORDS, tokenize

_REGION_OPS = ("adjust", "recolor", "inpaint", "remove")
_PICTURE_NUMBERS = ("crop", "resize", "rotate")
_EDIT_CATS = ("color", "adjust", "style", "scene", "gray", "filter")
_KEEP = re.compile(r"\b(?:keep|leave|leaving|preserve|spare)\b|保留|保持|留着|不要动|别动|不动")
_BOTH = re.compile(r"\bboth\b|两个|两位|两人|俩|他们俩|她们俩|两张")
_SIDE = re.compile(r"\b(?:left|right|middle|centre|center|first|second|third|fourth|fifth|last|\d(?:st|nd|rd|th))\b|"
                   r"左边|右边|左侧|右侧|中间|最左|最右|第[一二三四五六七八九十\d]")  # which one of several
_POSITION = re.compile(_SIDE.pattern + r"|\b(?:far|front|back)\b")  # where, also in a picture of one
_ONLY = re.compile(r"\b(?:just|only)\s+(?:the|them|him|her|his|their|those|these|on)\b|只(?:把|给|对|有|要)|仅")
_SWAP = re.compile(r"\b(?:swap|replace|switch|exchange|trade)\b.+\b(?:for|with)\b")
_TURNED = re.compile(r"\b(?:rotate|rotation|clockwise|anticlockwise|counterclockwise|degrees?|upside|sideways|left|right|"
                     r"quarter|tilt|tilted|straighten|level|crooked|landscape|portrait|\d+)\b|°|旋转|转|倒|歪|正|横|竖|度")
_ASKING = re.compile(r"(?:^|[,.;] )(?:please |pls |can you |could you )?(?:take|make|remove|put|add|change|turn|get|give|"
                     r"crop|blur|erase|delete|rotate|flip|resize|tone|dial|knock|bump|boost)\b")  # a prompt that is still a request
_OTHER = re.compile(r"\b(?:other|another|others|rest)\b|另|其他|其它|其余|别的")
_ADD = re.compile(r"^(?:please |pls |can you |could you )*(?:add|put|place|give|insert|draw|scatter|sprinkle)\b|添加|加上?[一个只点些朵]|放上?[一个只]|画上?[一个只]|摆上")
# words a prompt may hold that say nothing about what to paint ("put it back", 再加一个, 同样的颜色)
_EMPTY_PROMPT = FUNCTION_WORDS | set(V.EN_FILLERS) | set("一个只条朵张棵几根颗片粒的了吧同样相原颜色这那它些点再也都多") | {
    "a", "an", "the", "it", "this", "that", "them", "these", "those", "back", "then", "same", "similar", "again", "one",
    "ones", "thing", "things", "some", "another", "other", "just", "only", "now", "please", "instead", "colour", "color"}
_UNDO_SAID = re.compile(r"\b(?:undo|revert|back|cancel|reverse|oops|nope|no|restore|original|previous|before|scrap|"
                        r"reset|start over|nvm|never ?mind)\b|撤|回|还原|恢复|取消|算了|上一步|原|不要了")
_PLURAL = re.compile(r"\b(?:both|all|every|everyone|everybody|each|them|they|their|theirs|two|three|four|and|"
                     r"people|folks|family|couple|group|team)\b|们|都|所有|全部|每|两|俩|三|四|几|和|跟|与|一家|全家|家人|情侣|夫妻")
_PLACED = re.compile(r"\b(?:under|underneath|below|beneath|over|above|behind|in front of)\s+"
                     r"(?:the |his |her |their |its |my )?([a-z]+(?: [a-z]+)?)|在(.{1,6}?)的?(?:下面|下方|上方|上空|后面|前面)")
_ANOTHER_EDIT = re.compile(r"[，,;；]\s*(?:[^，,;；a-z]{0,8}?(?:换成|改成|变成|染成|涂成|刷成|去掉|删掉|调亮|调暗|打码)|"
                           r"(?:then |and |also )?(?:make|turn|change|paint|remove|blur|brighten|darken) )")
_HIM_AND_HIS = re.compile(r"\b(?:him|her|them) and (?:his|her|their) [a-z]+")
_BEHIND = re.compile(r"\bbehind (?:me|us|him|her|them)\b|后面|后边|背后|后排|远处")
_ZH_NUMBER = re.compile(r"[一二两三四五六七八九十百]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_BACKGROUND = re.compile(r"\b(?:backg?r?o?u?n?d|bakground|backdrop|bg|scenery)\b|背景")  # "backround" as typed
_GROUND = {"snow", "floor", "ground", "grass", "sand", "road", "street", "pavement", "sidewalk", "halfpipe", "field", "lawn",
           "dance floor", "stage", "track", "court", "ice", "water", "sea", "stairs", "platform", "dirt", "earth", "rug", "carpet"}
_NOUN_EDGE = set("把将给让请帮我你的了吧呢啊呀那这个只条张辆位匹朵棵块删除去掉换改变成染涂刷调弄加放移擦抹拿清消和与跟")
_ANYONE = {"person", "persons", "people", "man", "men", "woman", "women", "guy", "guys", "girl", "girls", "boy", "boys", "lady",
           "ladies", "kid", "kids", "child", "children", "someone", "somebody", "human", "figure", "ppl", "gentleman",
           "gentlemen", "dude", "dudes", "fella", "chap", "bloke"}  # no role said
_WORD = re.compile(r"[a-z][a-z']*|\d+|[\u3400-\u9fff]")


def doubts(text: str, ins: dict[str, Any], ctx: PlanContext, labels: list[str], asks: str = "") -> list[str]:
    """Why `ins` (one instruction) may not be what `text` asks for, in the conversation `ctx`; empty when
    nothing goes against it. `asks`: why a clarify asks back, "missing" (a named thing is not in the picture)
    or "among" (which of several readings)."""
    t = text.lower()
    op = ins.get("operation")
    out: list[str] = []
    if op == "clarify":
        asked = re.search(r"“(.+?)”", str(ins.get("question") or ""))  # the thing the question names
        name = asked.group(1) if asked else ""
        if asks == "missing" and (_missing_doubtful(t, ctx) or _part_of_word(t, name) or
                                  _asked_about_an_aside(t, name, labels) or _unnamed_in(t, labels) or
                                  _names_a_label(name, labels)):
            out.append("asked back about a thing in a follow-up or a construction it may have misread")
        if not asks and str(ins.get("question") or "").startswith(("What would you like to change?", "你想怎么修改")) and \
                named_labels(t, labels):  # "remove the suitcase and make the road look wet" cut down to "remove"
            out.append("asked what to change though the request names a part of the picture")
        if asks == "among" and (_POSITION.search(t) or _OTHER.search(t)):
            out.append("asked which one though a position was said")  # "same for the other kid"
        if asks == "among" and any(x.cat == "thing" and x.text.isascii() and x.text not in _ANYONE and isinstance(x.value, str)
                                   and x.value == "person" for x in tokenize(t, labels)):
            out.append("asked which one though a role may say who")  # "now do the customer too": one of them is
        return out
    targets = set(ins.get("targets") or [])
    toks = tokenize(t, labels)
    named = any(x.cat == "thing" for x in toks) or _POSITION.search(t) or _OTHER.search(t)
    whole = any(x.cat == "whole" for x in toks) or re.search(r"\ball\b", t)
    before = [set(s.get("targets") or []) for s in plan_steps(ctx.current) if s.get("operation") in _REGION_OPS]
    if op in _REGION_OPS and before and not named and not whole and not ctx.user_mask and targets not in before:
        out.append("the region differs from the last edit's though the request names none")  # "a touch less
        # saturated" after recolouring the wall: the wall again, or the whole picture
    if (op == "recolor" and not targets or op == "restyle" and _colour_only(str(ins.get("prompt") or ""), labels)) \
            and not whole:
        out.append("a colour for the whole picture that was not asked for")
    if op == "restyle" and _adjustment_only(str(ins.get("prompt") or ""), labels):
        out.append("a style whose prompt is an adjustment")  # 把图片整体调暖一点 read as the style 体调暖一点
    if op == "restyle" and _SWAP.search(t):
        out.append("a part to replace was named and the whole picture is restyled")
    if op in ("inpaint", "restyle") and not prompt_says(str(ins.get("prompt") or ""), targets):
        out.append("the prompt holds nothing to paint")
    if op in ("inpaint", "restyle") and _ASKING.search(str(ins.get("prompt") or "").lower()):
        out.append("the prompt is the request itself")  # "take the cake knife off the table" as what to paint
    if op in ("inpaint", "restyle") and _ANOTHER_EDIT.search(str(ins.get("prompt") or "").lower()):
        out.append("the prompt holds another request")  # 地板换成木地板，墙刷成白色 read as one prompt
    if _BOTH.search(t) and op in _REGION_OPS and len(targets) == 1:
        out.append("two were said and one is edited")
    if op in _REGION_OPS and targets:
        kept = _kept(t, labels)
        if not (ins.get("mask") or {}).get("invert"):
            edited = targets & kept
        else:  # what the plan keeps is what was said, with what the last edit kept ("keep the lake too")
            edited = (kept - targets) | (targets - kept - _kept_before(ctx))
        if kept and edited:
            out.append("a thing the request keeps is edited")
    picked = any(split_instance(x)[1] is not None for x in targets)
    if op in (*_REGION_OPS, "face_swap") and _SIDE.search(t) and not picked and \
            any(split_instance(x)[1] is not None for x in labels):
        out.append("a position was said and no one of several is picked")
    if op == "inpaint" and not targets and _PLACED.search(t):
        out.append("new content has no region though a place was said")  # "a crowd behind the fence": where?
    if op in _REGION_OPS and len(targets) == 1 and _HIM_AND_HIS.search(t):
        out.append("a person and a thing of theirs were said and one is edited")  # "erase him and his bike"
    if op == "remove" and "person" in targets and "person 1" not in labels and _BEHIND.search(t):
        out.append("a place was said of the only person")  # 把后面那个同事去掉: someone the segmenter did not find
    if op == "face_swap" and not targets and not _PLURAL.search(re.sub(r"^(?:and|also|then|now)\b", "", t)) and \
            sum(split_instance(x)[1] is not None and split_instance(x)[0] == "face" for x in labels) > 1:
        out.append("several faces and none is picked")
    if op in _REGION_OPS and not targets and re.search(r"\bthe other (?:one|side|guy|girl|kid|person)\b|另一[个位只边]", t):
        out.append("another one was said and the whole picture is edited")  # "do the other one too" after both
    if op in _REGION_OPS and re.search(r"\bview outside\b(?! (?:of )?the window)", t):
        out.append("the view outside was named: which parts are outside is a guess")  # the window, or the sky and trees
    if op in _REGION_OPS and not targets and _ONLY.search(t):
        out.append("only a part was said and the whole picture is edited")
    if op in ("remove", "adjust") and _compound_en(t, toks, targets, labels):
        out.append("a thing named as part of a longer name")  # "the cake knife": a knife, not the cake
    if op in _REGION_OPS and _one_said_all_edited(t, toks, targets):
        out.append("one was named and several of its kind are edited")
    if op == "inpaint" and targets & _placed_by(t, labels):
        out.append("new content is painted over the thing it should go under, over or beside")
    also = {split_instance(x)[0] for x in _named_also(t, labels)}
    if also and op in _REGION_OPS and not also & {split_instance(x)[0] for x in targets} and \
            not (ins.get("mask") or {}).get("invert"):
        out.append("a thing said to be edited too is not in the region")
    if op in (*_PICTURE_NUMBERS, "flip") and any(x.cat in ("color", "adjust", "gray", "style", "filter") for x in toks):
        out.append("an edit is asked for besides the picture operation")  # "crop to 16:9 and pull the saturation down"
    if op == "inpaint" and _copied_prompt(ins, ctx, toks, labels):
        out.append("the last edit's prompt was reused though the request names something new")
    if op == "inpaint" and (ins.get("mask") or {}).get("invert") and _BACKGROUND.search(t) and \
            not any(norm_label(x) == "background" for x in labels) and any(norm_label(x) in _GROUND for x in labels):
        out.append("the background is all but the subjects, and the ground they stand on may stay")  # "swap the
        # background for a sunset": the sky, or everything behind the snowboarder but the snow?
    if op == "inpaint" and (ins.get("mask") or {}).get("dilate") and not any(w in t for w in OUT_OF) and \
            any(norm_label(x) in _GROUND | {"table", "desk", "counter", "shelf"} for x in labels):
        out.append("new content is painted around a thing though a surface it may stand on is in the picture")
    if op == "rotate" and not _TURNED.search(t):
        out.append("a rotation from words that say none")  # "turn the whole pic into a christmas card"
    if op == "crop" and targets and ins.get("aspect") and re.search(r"\bcent(?:er|re)(?:e?d)? (?:on|around)\b|(?:为|作为)中心|居中", t):
        out.append("a crop centred on a thing: around it, or the largest of that shape with it in the middle")
    if op in _PICTURE_NUMBERS and not _numbers_used(t, ins):
        out.append("a number said is not in the plan")
    if op in ("undo", "redo") and _other_edit(toks, ctx):
        out.append("an edit is asked for besides the undo")
    if op == "undo" and (not _UNDO_SAID.search(t) or any(w in t for w in V.MORE_EN + V.LESS_EN + V.MORE_ZH + V.LESS_ZH)):
        out.append("an undo from words that may ask for more or less of the edit instead")  # "less intense"
    return out


def steps_doubts(steps: list[dict[str, Any]]) -> list[str]:
    """Why a several-step plan may not be what was asked: the same edit twice ("flip it upside down lol jk, just
    mirror it": one flip, taken back in the same message)."""
    seen = [(s.get("operation"), sorted(s.get("targets") or [])) for s in steps]
    out = ["the same operation twice on the same region"] if len(seen) != len({str(x) for x in seen}) else []
    said: dict[str, set[str]] = {}
    for s in steps:
        if s.get("operation") == "adjust":
            said.setdefault(str(sorted(s.get("targets") or [])), set()).update(s.get("adjust") or {})
    if any({"blur", "sharpen"} <= keys for keys in said.values()):  # "把猫弄清楚一点，有点模糊": how it is now,
        out.append("opposite adjustments on one region")  # read as a second edit
    return out


def _missing_doubtful(t: str, ctx: PlanContext) -> bool:
    """Asking back "X is not in the picture" is sure on a fresh request that names X plainly; after an edit the
    words may point at it ("still, dark grey"), and exclusions, positions and things to add are read wrongly
    more often than a thing is missing."""
    return bool(ctx.current) or bool(EXCLUSION_WORDS.search(t) or _POSITION.search(t) or _ADD.search(t)
                                     or "background" in t or "背景" in t)


def _names_a_label(name: str, labels: list[str]) -> bool:
    """The thing asked about is a label of the picture after all (“the graffiti” with a `graffiti` label)."""
    name = re.sub(r"^(?:the|a|an) ", "", name)
    return bool(name) and norm_label(name) in {norm_label(split_instance(x)[0]) for x in labels}


def _unnamed_in(t: str, labels: list[str]) -> bool:
    """A Chinese request asks about a thing while some of the picture's labels have no Chinese name (咖啡杯 for
    `coffee cup`): it may be one of them."""
    return bool(_CJK.search(t)) and any(
        x != "user_mask" and not _CJK.search(x) and split_instance(x)[0].replace(" ", "_") not in V.LABEL_ZH
        and norm_label(split_instance(x)[0]) not in _ZH_NAMED and norm_label(split_instance(x)[0]) not in V.OBJECT_ZH
        for x in labels)


# what a concept with Chinese words names in English (its words and its labels): a label Chinese can name
_ZH_NAMED = {norm_label(w) for en, zh, alts in V.CONCEPTS.values() if zh for w in (*en, *(y for alt in alts for y in alt))}


def _part_of_word(t: str, name: str) -> bool:
    """The thing asked about is one character of a longer Chinese word, or not a piece of the request at all (围裙
    read as 裙, 床头柜 as 头, 学位服 as 学服): what the word means was not read."""
    if not _CJK.match(name):
        return False
    at = t.find(name)
    if at < 0:
        return True
    if len(name) > 1:
        return False
    around = t[at - 1:at] + t[at + 1:at + 2]  # a one-character word (猫, 船) stands between verbs and measure words
    return any(_CJK.match(ch) and ch not in _NOUN_EDGE for ch in around)


def _asked_about_an_aside(t: str, name: str, labels: list[str]) -> bool:
    """The missing thing is named in a later part of a message whose first part names a thing in the picture
    ("把招牌调亮一点，看不清上面的字": the text is why, not what)."""
    parts = re.split(r"[,，;；.。!！]", t)
    at = next((i for i, part in enumerate(parts) if name and name in part), 0)
    return at > 0 and bool(named_labels(parts[0], labels))


def _colour_only(prompt: str, labels: list[str]) -> bool:
    """A restyle whose prompt says a colour and no style, scene or thing ("red, 红色试试"): a colour meant for a part."""
    cats = {x.cat for x in tokenize(prompt.lower(), labels)}
    return "color" in cats and not cats & {"style", "scene", "filter", "thing", "material"}


def _adjustment_only(prompt: str, labels: list[str]) -> bool:
    """A restyle whose prompt says an adjustment and no style, scene or thing ("体调暖一点")."""
    cats = {x.cat for x in tokenize(prompt.lower(), labels)}
    return "adjust" in cats and not cats & {"style", "scene", "filter", "thing", "material", "art"}


def prompt_says(prompt: str, targets: set[str] | list[str]) -> bool:
    """Whether a prompt names anything to paint besides the region it paints ("the background then": no)."""
    names = {w for x in targets for w in _WORD.findall(x.lower())}
    return any(w not in _EMPTY_PROMPT and w not in names and not w.isdigit() for w in _WORD.findall(prompt.lower()))


def _kept(t: str, labels: list[str]) -> set[str]:
    """The labels named right after an exclusion or a keep word ("except the boat", "keep the lake in colour",
    保留捧花的颜色)."""
    out: set[str] = set()
    for m in list(EXCLUSION_WORDS.finditer(t)) + list(_KEEP.finditer(t)):
        piece = re.split(r"[,，。;；]|\bbut\b", t[m.end():])[0]
        out |= set(with_parts(named_labels(piece[:40], labels)[:3], labels))
    return out


def _one_said_all_edited(t: str, toks: list[Any], targets: set[str]) -> bool:
    """Several instances of one kind edited (`person 1`, `person 2`) where the request names one, in the singular
    ("get rid of that guy", 把她的头发改成金色)."""
    kinds = [split_instance(x)[0] for x in targets if split_instance(x)[1] is not None]
    said = {split_instance(y)[0] for x in toks if x.cat == "thing" for y in resolve_thing(x.value, list(targets))[0]}
    several = any(kinds.count(k) > 1 and k in said for k in kinds)
    plural = _PLURAL.search(t) or any(x.cat == "thing" and x.text.endswith("s") and not x.text.endswith("ss")
                                      for x in toks)
    return several and not plural


def _compound_en(t: str, toks: list[Any], targets: set[str], labels: list[str]) -> bool:
    """A thing the plan edits followed by a noun no table reads, or by another thing ("remove the cake knife", "the
    dog bed"): the last word is what is meant, the first only says which."""
    for i, x in enumerate(toks):
        if x.cat != "thing" or _CJK.match(t[x.start]) or not set(resolve_thing(x.value, labels)[0]) & targets:
            continue
        nxt = re.match(r" ([a-z]+)\b", t[x.end:])
        if not nxt:
            continue
        word = nxt.group(1)
        after = toks[i + 1] if i + 1 < len(toks) else None
        if after is not None and after.start == x.end + 1:
            if after.cat == "thing" and not re.match(r"\s*(?:and|or|,)", t[after.end:]):
                return True
            continue
        if word not in _GRAMMAR_EN and word not in FUNCTION_WORDS and word not in V.EN_FILLERS and len(word) > 2 and \
                word not in ("pls", "plz", "thx", "lol", "asap") and \
                not word.endswith(("ed", "ing", "ly")) and word not in _CONTENT_EN:
            return True
    return False


def _placed_by(t: str, labels: list[str]) -> set[str]:
    """The labels new content is said to go under, over, behind or in front of ("a rug under the table": the table;
    beside a thing is painted around it)."""
    return {x for m in _PLACED.finditer(t) for x in named_labels(m.group(1) or m.group(2), labels)}


def _named_also(t: str, labels: list[str]) -> list[str]:
    """The labels a follow-up says to edit as well ("the background too", 背景也一起), or none."""
    if not any(re.search(rf"\b{re.escape(w)}\b", t) for w in ("also", "too", "as well")) and \
            not any(w in t for w in ("也", "一起", "还有")):
        return []
    return named_labels(t, labels)


def _kept_before(ctx: PlanContext) -> set[str]:
    return {x for s in plan_steps(ctx.current) if (s.get("mask") or {}).get("invert") for x in s.get("targets") or []}


def _said_numbers(t: str) -> set[int]:
    out = {int(x) for x in re.findall(r"\d+", t)}
    out |= {v for w, v in V.NUMBERS_EN.items() if " " not in w and w not in ("one", "both", "few", "several")
            and re.search(rf"\b{w}\b", t)}
    for m in _ZH_NUMBER.finditer(t):
        if m.group(0) != "一":  # 一下, 一半, 一点: "a", not one
            out.add(zh_number(m.group(0)) or 0)
    return {n for n in out if n > 0}


def _numbers_used(t: str, ins: dict[str, Any]) -> bool:
    """Every number the request says is one the picture operation uses (a size, a ratio, an angle)."""
    used = {int(float(ins[k])) for k in ("width", "height", "angle") if isinstance(ins.get(k), int | float)}
    used |= {int(x) for x in re.findall(r"\d+", str(ins.get("aspect") or ""))}
    if isinstance(ins.get("scale"), int | float):
        used |= {int(ins["scale"]), round(ins["scale"] * 100)}
    return _said_numbers(t) <= used | {abs(x) for x in used}


def _copied_prompt(ins: dict[str, Any], ctx: PlanContext, toks: list[Any], labels: list[str]) -> bool:
    """An inpaint that repaints with the last edit's prompt while the request names a thing it neither paints nor
    edits ("and give the doggy sunglasses" after a pizza; 把窗帘拉上 after a rug)."""
    last = [s.get("prompt") for s in plan_steps(ctx.current) if s.get("operation") == "inpaint"]
    if not last or ins.get("prompt") not in last:
        return False
    targets = set(ins.get("targets") or [])
    return any(x.cat in ("thing", "material") and x.text not in str(ins.get("prompt")).lower() and
               not set(resolve_thing(x.cats.get("thing"), labels)[0]) & targets for x in toks if x.cats.get("thing"))


def _other_edit(toks: list[Any], ctx: PlanContext) -> bool:
    """An undo or redo whose request also names an edit the session has not made ("undo that and try oil painting
    instead"; "I liked the green better, put it back" names one it made)."""
    ref = str([ctx.current, ctx.edits] + [h.instruction for h in ctx.history]).lower()  # what the session did
    for x in toks:
        if x.cat in _EDIT_CATS:
            value = x.value[0] if isinstance(x.value, tuple) else x.value
            if str(value).lower() not in ref and x.text not in ref and not (value == "saturation" and "grayscale" in ref):
                return True  # ("bring the colour back" after black and white: that edit, taken back)
    return False
