"""The built-in offline planner: English and Chinese requests to edit instructions, no model needed.

How a request is read:
1. history commands (undo/redo) and face swaps are recognised from fixed phrases;
2. the text is tokenised against the word tables in `vocab` (things in the picture, colours, styles,
   adjust words ...), longest match first;
3. its shape is found (remove X / replace X with Y / change X to Y / add Y to X / make X Y / X is Y);
4. the part that says *what becomes of it* picks the operation, the part that names the region
   gives the targets, resolved against the picture's own labels;
5. follow-ups ("more", "again", "also the lips", "the other one") reuse the current instruction.
A thing that is not in the picture, or a request with nothing to act on, becomes a question.
The plan is always checked with `validate_instruction`; one that fails falls back to a question.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from ..colors import CHINESE_COLORS, COLORS, parse_color
from ..errors import InvalidInstruction
from ..instruction import validate_instruction
from ..lang import CJK, is_zh
from . import vocab as V
from .base import PlanContext, Planner, PlanResult, Turn

_MAX_TEXT = 1000  # characters of a request that are read; the rest cannot change the plan much

# ------------------------------------------------------------------------------------------------
# tokens
# ------------------------------------------------------------------------------------------------
# Category priority when two tables claim the same words (lower wins); longer matches win first.
_PRIORITY = {"hairc": -1, "style": 0, "filter": 1, "gray": 2, "material": 3, "color": 4, "adjust": 5, "thing": 6,
             "scene": 7, "whole": 8, "pron": 9, "it": 10, "art": 11}


@dataclass
class Tok:
    start: int
    end: int
    text: str
    cats: dict[str, Any]

    @property
    def cat(self) -> str:
        """The reading that wins; "" for a blocker word that only stops shorter matches."""
        return min(self.cats, key=lambda c: _PRIORITY[c]) if self.cats else ""

    @property
    def value(self) -> Any:
        return self.cats.get(self.cat)


def _add(table: dict[str, dict[str, Any]], surface: str, cat: str, value: Any) -> None:
    surface = surface.strip().lower()
    if surface:
        table.setdefault(surface, {}).setdefault(cat, value)


def _plurals(word: str) -> list[str]:
    out = [word]
    if " " in word or not word.isalpha():
        return out + [word + "s"]
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        out.append(word[:-1] + "ies")
    elif word.endswith(("s", "x", "ch", "sh")):
        out.append(word + "es")
    else:
        out.append(word + "s")
    return out


_COMPARATIVE_COLORS = {"greener": "green", "redder": "red", "yellower": "yellow", "whiter": "white", "pinker": "pink",
                       "browner": "brown", "grayer": "gray", "greyer": "grey", "blacker": "black", "purpler": "purple"}


def _static_tables() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    en: dict[str, dict[str, Any]] = {}
    zh: dict[str, dict[str, Any]] = {}

    def put(words: tuple[str, ...] | list[str], cat: str, value: Any) -> None:
        for w in words:
            _add(zh if CJK.search(w) else en, w, cat, value)

    for concept, (en_words, zh_words, _alts) in V.CONCEPTS.items():
        for w in en_words:
            for form in _plurals(w):
                _add(en, form, "thing", concept)
        put(zh_words, "thing", concept)
    put(V.WHOLE_EN + V.WHOLE_ZH, "whole", True)
    put(V.PRONOUN_PERSON_EN + V.PRONOUN_PERSON_ZH, "pron", True)
    put(V.PRONOUN_IT_EN + V.PRONOUN_IT_ZH, "it", True)
    for key, (en_w, zh_w, _prompt) in V.STYLES.items():
        put(en_w + zh_w, "style", key)
    for key, (en_w, zh_w, _prompt) in V.SCENES.items():
        put(en_w + zh_w, "scene", key)
    for key, (en_w, zh_w) in V.FILTERS.items():
        put(en_w + zh_w, "filter", key)
    put(V.GRAYSCALE_EN + V.GRAYSCALE_ZH, "gray", True)
    put(V.ART_WORDS_EN + V.ART_WORDS_ZH, "art", True)
    for table in (V.ADJUST_EN, V.ADJUST_ZH):
        for param, (pos, neg, neutral) in table.items():
            put(pos, "adjust", (param, 1))
            put(neg, "adjust", (param, -1))
            put(neutral, "adjust", (param, 0))
    put(list(V.MATERIALS_EN), "material", None)
    put(list(V.MATERIALS_ZH), "material", None)
    for word, mat in {**V.MATERIALS_EN, **V.MATERIALS_ZH}.items():
        (zh if CJK.search(word) else en)[word]["material"] = mat
    for name in COLORS:
        _add(en, name, "color", name)
    for word, name in {**_COMPARATIVE_COLORS, **V.HAIR_COLOR_NOUNS}.items():
        _add(en, word, "color", name)
    for word, name in {**CHINESE_COLORS, **V.EXTRA_ZH_COLORS}.items():
        _add(zh, word, "color", name)
        for shade, tone in V.ZH_SHADES.items():  # "浅灰" -> light gray, "深紫色" -> purple
            toned = f"{tone} {name}" if f"{tone} {name}" in COLORS else name
            if not word.startswith(tuple(V.ZH_SHADES)):
                _add(zh, shade + word, "color", toned)
    for shade, name in V.ZH_HAIR_SHADES.items():
        _add(zh, shade + "发", "hairc", name)
    # Chinese words for new content are blockers: "马赛克" must not yield the thing "马", but "复古感" keeps the
    # style 复古 and "白衬衫" the colour 白
    kept = ("style", "scene", "adjust", "gray", "filter", "color")
    for word in (*V.ZH_EN, *V.ZH_MEASURES):
        if not any(c in zh.get(word[:i], {}) for i in range(1, len(word)) for c in kept):
            zh.setdefault(word.lower(), {})
    return en, zh


_EN_TABLE, _ZH_TABLE = _static_tables()
_ZH_MAXLEN = max(len(w) for w in _ZH_TABLE)


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_EN_RE = re.compile(r"(?<![a-z0-9])(?:" + _alternation([w for w in _EN_TABLE if w]) + r")(?![a-z0-9])")
_STOP_LABELS = {"a", "an", "the", "it", "is", "to", "of", "and", "or", "in", "on", "at", "me", "my", "i", "this",
                "that", "be", "as", "by", "with", "make", "more", "less", "all", "other", "other merged"}


def _norm_label(label: str) -> str:
    name = re.sub(r"[_\-]+", " ", str(label).lower()).strip()
    name = re.sub(r"(\s+(other|merged|stuff|things?))+$", "", name).strip()
    return re.sub(r"\s+", " ", name)


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


@functools.lru_cache(maxsize=128)
def _label_tables(labels: tuple[str, ...]) -> tuple[re.Pattern[str] | None, dict[str, Any], dict[str, Any]]:
    """Surface forms of the picture's labels: an English regex, its form -> thing map, Chinese forms.
    A full label name maps to ("@label", label); the last word of several-word labels ("left_shoe" ->
    "shoe") maps to ("@head", labels) and gives way to a known word."""
    en: dict[str, Any] = {}
    zh: dict[str, Any] = {}
    heads: dict[str, list[str]] = {}
    for label in labels:
        norm = _norm_label(label)
        if not norm or norm in _STOP_LABELS or len(norm) < 2:
            continue
        if CJK.search(norm):
            zh.setdefault(norm, ("@label", label))
            continue
        forms = set(_plurals(norm)) | {_singular(norm), str(label).lower(), norm.replace(" ", "")}
        for form in forms:
            if len(form) >= 2 and form not in _STOP_LABELS:
                en.setdefault(form, ("@label", label))
        if " " in norm:
            heads.setdefault(norm.rsplit(" ", 1)[1], []).append(label)
    # "dining table" answers to "table" when no label is called that
    for head, group in heads.items():
        if len(head) >= 3 and head not in _STOP_LABELS and head not in V.NON_THING_EN:
            for form in _plurals(head):
                en.setdefault(form, ("@head", tuple(group)))
    pattern = re.compile(r"(?<![a-z0-9])(?:" + _alternation(list(en)) + r")(?![a-z0-9])") if en else None
    return pattern, en, zh


def tokenize(text: str, labels: list[str]) -> list[Tok]:
    """Tokens of lower-cased `text`, non-overlapping, longest first, sorted by position."""
    cands: list[Tok] = []
    for m in _EN_RE.finditer(text):
        cands.append(Tok(m.start(), m.end(), m.group(0), dict(_EN_TABLE[m.group(0)])))
    pattern, en_labels, zh_labels = _label_tables(tuple(dict.fromkeys(str(x) for x in labels)))
    if pattern is not None:
        for m in pattern.finditer(text):
            cands.append(Tok(m.start(), m.end(), m.group(0), {"thing": en_labels[m.group(0)]}))
    if CJK.search(text):
        maxlen = max([_ZH_MAXLEN] + [len(w) for w in zh_labels])
        # forward maximum matching: the longest word at each place, then on after it ("模糊一点" is 模糊 + 一点)
        i = 0
        while i < len(text):
            step = 1
            if CJK.search(text[i]) or text[i] in "3tqpPl":
                for n in range(min(maxlen, len(text) - i), 0, -1):
                    piece = text[i:i + n]
                    if piece in zh_labels:
                        cands.append(Tok(i, i + n, piece, {"thing": zh_labels[piece]}))
                    elif piece in _ZH_TABLE:
                        cands.append(Tok(i, i + n, piece, dict(_ZH_TABLE[piece])))
                    else:
                        continue
                    step = n
                    break
            i += step
    # a label form that is also a known word keeps both readings, the label taking the thing slot
    cands.sort(key=lambda t: (-(t.end - t.start), _PRIORITY[t.cat] if t.cats else 99, t.start))
    taken: list[Tok] = []
    for tok in cands:
        clash = next((o for o in taken if tok.start < o.end and o.start < tok.end), None)
        if clash is None:
            taken.append(tok)
        elif clash.start == tok.start and clash.end == tok.end:
            for cat, value in tok.cats.items():
                known = clash.cats.get("thing")
                if cat == "thing" and isinstance(value, tuple) and (value[0] == "@label" or known is None):
                    clash.cats["thing"] = value
                else:
                    clash.cats.setdefault(cat, value)
    taken = [t for t in taken if t.cats]
    for tok in list(taken):
        if tok.cat == "hairc":  # "红发": the colour, then the hair
            taken.remove(tok)
            taken += [Tok(tok.start, tok.end - 1, tok.text[:-1], {"color": tok.cats["hairc"]}),
                      Tok(tok.end - 1, tok.end, tok.text[-1], {"thing": "hair"})]
        elif tok.text == "画" and text[tok.start - 1:tok.start] in ("的", "幅", "张") and \
                resolve_thing("painting", labels)[0]:
            tok.cats["thing"] = "painting"  # "墙上的画" in a picture with a painting; "梵高的画" is a style
    for tok in taken:
        if tok.cat == "adjust" and tok.cats["adjust"][0] in ("brightness", "saturation") and any(
                o.cat == "color" and 0 <= o.start - tok.end <= 1 for o in taken):
            del tok.cats["adjust"]
            tok.cats.setdefault("art", True)  # a modifier word, dropped from what is left over
        if tok.text in ("top", "tops", "bottom", "bottoms", "front", "back") and "thing" in tok.cats and (
                text[tok.end:].startswith((" of", " left", " right", " half", " part")) or
                re.search(r"(?:\bat|\bon|\bin|\bfrom|\bto|\bnear) (?:the )?(?:very )?$", text[:tok.start])):
            del tok.cats["thing"]
    return sorted((t for t in taken if t.cats), key=lambda t: t.start)


# ------------------------------------------------------------------------------------------------
# typos
# ------------------------------------------------------------------------------------------------
_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_AT = {c: (r, i) for r, row in enumerate(_KEY_ROWS) for i, c in enumerate(row)}


def _near_keys(a: str, b: str) -> bool:
    (r1, i1), (r2, i2) = _KEY_AT.get(a, (9, 99)), _KEY_AT.get(b, (-9, -99))
    return a != b and abs(r1 - r2) <= 1 and abs(i1 - i2) <= 1


def typo_readings(word: str) -> list[set[str]]:
    """What a mistyped `word` may have meant, likeliest slips first: two letters swapped ("hiar"), a doubled
    letter ("blurr"), a letter left out ("backround"), a neighbouring key hit or slipped in ("rwmove")."""
    n = len(word)
    if n < 4:
        return []
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(n - 1)}
    doubled = {word[:i] + word[i + 1:] for i in range(1, n) if word[i] == word[i - 1]}
    missing = {word[:i] + c + word[i:] for i in range(n + 1) for c in "abcdefghijklmnopqrstuvwxyz"}
    slipped: set[str] = set()
    if n >= 5:
        for i, ch in enumerate(word):
            if any(_near_keys(c, ch) for c in word[max(0, i - 1):i] + word[i + 1:i + 2]):
                slipped.add(word[:i] + word[i + 1:])
            slipped.update(word[:i] + c + word[i + 1:] for c in _KEY_AT if _near_keys(c, ch))
    return [tier - {word} for tier in (swapped, doubled, missing, slipped)]


@functools.lru_cache(maxsize=1)
def typo_vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """(words a typo may be corrected into, words that are never corrected)."""
    targets = {w for en, _zh, _alts in V.CONCEPTS.values() for w in en} | set(COLORS) | set(V.TYPO_TARGETS_EN)
    targets = {w for w in targets if w.isalpha() and len(w) >= 4}
    known = {w for key in _EN_TABLE for w in re.findall(r"[a-z]+", key)} | set(V.EN_FILLERS) | V.NON_THING_EN
    known |= _FUNCTION_WORDS | set(V.TYPO_SAFE_EN.split()) | set(V.INFORMAL_EN.split()) | targets
    return frozenset(targets), frozenset(known)


@functools.lru_cache(maxsize=4096)
def _corrected(word: str) -> str:
    targets, known = typo_vocabulary()
    if word in known:
        return word
    fixed = V.TYPOS_EN.get(word)
    if fixed:
        return fixed
    for tier in typo_readings(word):
        hits = tier & targets
        if hits:
            return hits.pop() if len(hits) == 1 else word
    return word


def _fix_typos(text: str, labels: list[str]) -> str:
    """`text` with its mistyped words spelt right; the picture's own label words stay as they are."""
    own = {w for lab in labels for w in re.findall(r"[a-z]+", str(lab).lower())}
    return re.sub(r"(?<![a-z'])[a-z]{3,}(?![a-z'])",
                  lambda m: m.group(0) if m.group(0) in own else _corrected(m.group(0)), text)


# ------------------------------------------------------------------------------------------------
# labels
# ------------------------------------------------------------------------------------------------
_PERSON_PART_NORMS = {_norm_label(x) for x in V.PERSON_PART_LABELS}


def resolve_thing(value: Any, labels: list[str]) -> tuple[list[str], bool]:
    """Labels of the picture that a thing token means, and whether the mask must be inverted."""
    if isinstance(value, tuple) and value and value[0] == "@label":
        return [value[1]], False
    if isinstance(value, tuple) and value and value[0] == "@head":
        return [x for x in value[1] if x in labels], False
    concept = str(value)
    by_norm: dict[str, list[str]] = {}
    for lab in labels:
        by_norm.setdefault(_norm_label(lab), []).append(lab)
    alts = V.CONCEPTS[concept][2] if concept in V.CONCEPTS else ((concept,),)
    for alt in alts:
        if alt == ("@person_parts",):
            parts = [lab for lab in labels if _norm_label(lab) in _PERSON_PART_NORMS]
            if parts:
                return list(dict.fromkeys(parts)), False
            continue
        hits: list[str] = []
        for name in alt:
            hits += by_norm.get(_norm_label(name), [])
        if hits:
            return list(dict.fromkeys(hits)), False
    words = {concept} | (set(V.CONCEPTS[concept][0]) if concept in V.CONCEPTS else set())
    for lab in labels:
        norm = _norm_label(lab)
        if norm in words or _singular(norm) in words:
            return [lab], False
    if concept == "background":
        people = [lab for lab in labels if _norm_label(lab) in ("person", "people", "human", "man", "woman")]
        if people:
            return people[:1], True
    return [], False



def _label_name(label: str, zh: bool) -> str:
    if zh:
        return V.LABEL_ZH.get(label, V.LABEL_ZH.get(_norm_label(label).replace(" ", "_"), _norm_label(label)))
    return _norm_label(label) or str(label)


def _names(labels: list[str], zh: bool) -> str:
    names = [_label_name(x, zh) for x in labels]
    if zh:
        return "、".join(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# ------------------------------------------------------------------------------------------------
# parsing
# ------------------------------------------------------------------------------------------------
@dataclass
class Parsed:
    kind: str = "none"  # remove, replace, change, look, styleof, add, give, make, be, none
    target: list[tuple[int, int]] = field(default_factory=list)
    content: tuple[int, int] | None = None
    loc: tuple[int, int] | None = None
    loc_inside: bool = True
    unknown: str = ""  # a named thing that no table knows ("the gazebo")
    prep: str = ""  # the preposition before `loc`


_PREFIX_EN = re.compile(
    r"^(?:(?:please|pls|plz|kindly|hey|hi|ok|okay|so|now|then|and|also|just|next|alright|right|well|oh|um|hmm|"
    r"can you|could you|would you|will you|can u|could u|would you mind|i want you to|i'd like you to|"
    r"i would like you to|i want to|i'd like to|i would like to|i wanna|i need you to|i need to|let's|lets|let us|"
    r"try to|try and|go ahead and|help me|help me to|you should|maybe|perhaps|quickly|simply|"
    r"i want|i'd like|i would like|i need)[\s,:;!]+)+"
)
_PREFIX_ZH = re.compile(r"^(?:请你|请|麻烦你|麻烦|帮我|帮忙|给我|我想要|我想|我要|我希望|希望|你能不能|能不能|能否|可以|可不可以|"
                        r"你帮我|你给我|再帮我|然后|现在|接着|那就|那|好的|好|嗯|把图片里的|把图里的|把照片里的|图片中|图中)+")

_EN_REMOVE = re.compile(r"\b(?:remove|erase|delete|get rid of|take out|take away|take off|eliminate|rub out|"
                        r"wipe (?:out|away|off)|clean up|clear away|cut out|crop out|edit out|photoshop out|clear out|"
                        r"scrub out|do away with|airbrush out|paint out)\b\s*")
_EN_REMOVE_START = re.compile(r"^(?:lose|drop|hide|kill|ditch|wipe|scrub|strip|nuke|zap|banish)\s+")
_EN_DISAPPEAR = re.compile(r"\b(?:make|let|have)\s+(.+?)\s+(?:disappear|vanish|go away|be gone|gone)\b")
_EN_OUT = re.compile(r"\b(?:take|cut|get|edit|crop|photoshop|paint|clone|airbrush|rub|wipe|leave)\s+(.+?)\s+out\b")
_EN_WITHOUT = re.compile(r"^(?:without|no more|no)\s+(.+)$")
_EN_DONT_WANT = re.compile(r"^i (?:don't|do not|dont) (?:want|like|need)\s+(.+?)(?:\s+(?:in|on) (?:the|this) "
                           r"(?:picture|image|photo|pic|shot))?$")
_EN_MUST_GO = re.compile(r"^(.+?)\s+(?:has to|needs to|need to|should|must|can|have to) go(?: away)?\b")
_EN_REPLACE = re.compile(r"\b(?:replace|swap out|swap|substitute|exchange|switch out|trade)\s+")
_EN_WITH = re.compile(r"\s+(?:with|by|for|to|into)\s+")
_EN_LOOK = re.compile(r"\b(?:to look|look|looks|looking|appear|appears|seem|seems)\s+(?:more |a bit |a little )?"
                      r"(?:like|as if|as though)\s+")
_EN_STYLEOF = re.compile(r"\b(?:in|into|with)\s+(?:the\s+|a\s+)?(?:style|manner|vein|fashion|spirit)\s+of\s+")
_EN_ADD = re.compile(r"\b(?:add|put|place|insert|include|attach|stick|plant|hang|throw in|drop in|bring in|"
                     r"generate|create|spawn|draw|paint|sketch in)\s+")
_EN_PUT_PERSON = re.compile(
    r"^(?:put|place|move|take|send|transport|teleport|bring|show|set|photoshop)\s+(?P<who>her|him|them|me|us|it|the "
    r"(?:man|woman|person|people|girl|boy|guy|kids?|child|couple|family|subject|lady|car|dog|cat))\s+"
    r"(?:in front of|in|into|at|on|onto|to|inside|under|near|by|beside|next to|somewhere in|somewhere on)\s+(?P<c>.+)$")
_EN_QUANT = re.compile(r"^(?:a|an|some|\d+|few|a few|several|two|three|four|many|more|lots of|a lot of|another)\b")
_EN_PREP = re.compile(r"\s+(on top of|in front of|next to|to|on|onto|in|into|inside|at|over|across|around|behind|"
                      r"above|below|under|beneath|beside|near|along|by)\s+")
_INSIDE_PREPS = {"to", "on", "onto", "in", "into", "inside", "at", "over", "across", "around", "on top of", "along"}
_EN_GIVE = re.compile(r"^(?:give|gift|dress|get|buy|grant|fit|equip)\s+")
_EN_WEAR = re.compile(r"\b(?:wear|wearing|wears|put on|puts on|don|hold|holding)\s+")
_EN_CHANGE = re.compile(r"\b(?:change|turn|transform|convert|switch|alter|make|paint|dye|colou?r|tint|recolou?r|set|"
                        r"redo|redraw|repaint|modify|edit|update|morph|render|restyle|re-?imagine|shift|swap)\s+")
_EN_TO = re.compile(r"\s*\b(?:to look like|to become|become|to be|in to|into|to)\s+")
_EN_MAKE = re.compile(r"^(?:make|get|render|let|have|keep|turn|paint|dye|colou?r|tint|recolou?r|shade|leave|go)\s+")
_EN_BE = re.compile(r"\s+(?:should be|should look|must be|needs to be|need to be|has to be|have to be|ought to be|"
                    r"could be|would be|is|are|was|were|looks|look|seems|seem|appears|to be|be)\s+")
_DETS = r"(?:the|this|that|these|those|his|her|its|their|my|your|our|a|an)"
_HELD_BY = re.compile(r"\b" + _DETS + r"\s+([a-z][a-z'\-]*)\s+(?:on|in|from|at|of|near|under|behind|inside|over|off)"
                      r"\s+(?:(?:the|this|that|his|her|its|their|my|your)\s+)?$")
_EN_UNKNOWN_NP = re.compile(r"\b" + _DETS + r"\s+([a-z][a-z'\-]*)(?:\s+([a-z][a-z'\-]*))?")

_ZH_REMOVE = re.compile("|".join(re.escape(w) for w in sorted(V.REMOVE_ZH, key=len, reverse=True)))
_ZH_WEAK_REMOVE = {"不要", "消失", "隐藏", "扔掉"}
_ZH_CHANGE = re.compile(r"(?:替换成|替换为|转换成|转变成|改变成|变成|换成|改成|弄成|改为|变为|换为|换做|换作|染成|涂成|刷成|调成|"
                        r"漆成|画成|做成|转成|变作|修成|p成|搞成|整成|变得|改做|改作|替换|转为|化为|化成)")
_ZH_BA_VERB = re.compile(r"^(?P<ba>把|将|让|使)?(?P<t>.+?)(?P<v>变|换|改|染|涂|刷|弄|调|画|修|p|漆|整|剪|烫|剃|拉|留|要)"
                         r"(?P<c>.+)$")
# "给她换个发型", "给他剃个光头", "给她一头红发": something for a person, placed by what it is
_ZH_GIVE = re.compile(r"^(?:给|帮|替|为)(?P<who>他们|她们|他|她|它|这个人|那个人)(?P<v>换|剃|剪|烫|染|留|弄|整|做|来|搞)?"
                      r"(?:上|成|了)?(?:一下)?(?:一(?:个|头|顶|副|件|条|双|款|种|套)|个|顶|副|件|条|双|款|种|套)?(?P<c>(?!的).+)$")
_ZH_ADD = re.compile(r"(?:加上|添加|添上|加入|加个|加(?!强|大|深|重|亮|快|粗|高|速|剧|宽|长|暗|点亮度)|添|画上|画个|画(?=一)|"
                     r"放上|放个|放(?!大|小)|插入|戴上|戴|穿上|配上|p上|补上|多加|来一个|来个|装上|挂上|挂|种上|种|"
                     r"盖上|铺上|铺满|盖满|撒上|洒上|覆盖)")
_ZH_CHANGE_ONE = re.compile(r"^(?:换|改)(?:一个|一下|个|掉)(?P<t>.+)$")
_ZH_LOC_TRIM = re.compile(r"(?:上面|里面|中间|旁边|附近|下面|上方|下方|前面|后面|周围|之上|之中|上|里|中|内|边|处|旁)$")
_ZH_LOC_OUTSIDE = ("旁边", "附近", "下面", "下方", "前面", "后面", "周围", "旁", "边")
_ZH_POSITION = re.compile(r"(?:最左边|最右边|左边|右边|左侧|右侧|中间|上面|下面|前面|后面|这个|那个|这些|那些|这辆|那辆|这只|那只|"
                          r"这张|那张|这位|那位|这条|那条|这棵|那棵|这朵|这块|那块|这|那|的|个|辆|只|条|张|位|棵|朵|块|匹|头|"
                          r"第[一二三四五六七八九十\d]+|一下|掉|了|吧|给|把|将|所有|全部|一|里|上|中|图|它|他|她|们)")


def _strip_prefix(t: str, zh: bool) -> tuple[str, int]:
    m = (_PREFIX_ZH if zh else _PREFIX_EN).match(t)
    return (t[m.end():], m.end()) if m else (t, 0)


def _toks_in(toks: list[Tok], span: tuple[int, int] | None) -> list[Tok]:
    if span is None:
        return []
    return [t for t in toks if t.start >= span[0] and t.end <= span[1]]


def _has(toks: list[Tok], *cats: str) -> bool:
    return any(c in t.cats for t in toks for c in cats)


_FUNCTION_WORDS = {"on", "off", "in", "up", "down", "out", "over", "at", "to", "into", "onto", "from", "by", "for",
                   "with", "without", "about", "around", "behind", "near", "under", "above", "below", "and", "or",
                   "but", "if", "then", "than", "as", "much", "bit", "lot", "way", "less", "more", "too", "very"}


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
            if word in V.NON_THING_EN or word in V.EN_FILLERS or word in COLORS or word in _EN_TABLE or \
                    word in _FUNCTION_WORDS:
                continue
            if word in V.VAGUE_EN:
                return offset + m.end(), word
            return offset + m.end(1 if word == m.group(1) else 2), word
    return start, ""


_CLOTHING_KEYS = {"jacket", "shirt", "clothes", "dress", "pants", "shoes", "hat", "cap", "scarf"}


def _wears(text: str) -> bool:
    """Whether `text` ("a tuxedo", "a red gown") names something worn."""
    return any(key in _CLOTHING_KEYS and re.search(r"(?<![a-z])" + re.escape(word) + r"(?:s|es)?(?![a-z])", text)
               for word, key in V.CONTENT_WORDS.items())


def _parse_en(t: str, toks: list[Tok]) -> Parsed:
    n = len(t)
    # remove
    def signal(m: re.Match[str] | None) -> re.Match[str] | None:
        """Drop a verb that is part of an adjust phrase ("remove the noise", "turn the lights on")."""
        if m and any(x.start <= m.start() < x.end and x.cat in ("adjust", "gray", "filter") for x in toks):
            return None
        return m

    m = signal(_EN_REMOVE.search(t) or _EN_REMOVE_START.match(t))
    if m and not _EN_REPLACE.search(t[:m.start()]):
        tail = (m.end(), n)
        w = re.search(r"\b(?:and )?(?:replace|swap|fill)\b.*?\s(?:with|by)\s+", t[m.end():])
        if w:
            return Parsed("replace", [(m.end(), m.end() + w.start())], (m.end() + w.end(), n))
        before = (0, m.start()) if re.search(r"\b(?:the|that|this)\s+\w+", t[:m.start()]) and m.end() >= n else None
        return Parsed("remove", [tail] + ([before] if before else []))
    for rx in (_EN_DISAPPEAR, _EN_WITHOUT, _EN_DONT_WANT, _EN_MUST_GO, _EN_OUT):
        m = rx.search(t)
        if m and _has(_toks_in(toks, (m.start(1), m.end(1))), "thing"):
            return Parsed("remove", [(m.start(1), m.end(1))])
    # fill the sky with stars / cover the mountains in snow
    m = re.search(r"\b(?:fill|cover|decorate|sprinkle|blanket|coat|surround)\s+", t)
    if m:
        w = re.search(r"\s+(?:with|in)\s+", t[m.end():])
        if w and _has(_toks_in(toks, (m.end(), m.end() + w.start())), "thing"):
            return Parsed("replace", [(m.end(), m.end() + w.start())], (m.end() + w.end(), n))
    # replace X with Y
    m = _EN_REPLACE.search(t)
    if m:
        w = _EN_WITH.search(t, m.end())
        if w:
            return Parsed("replace", [(m.end(), w.start())], (w.end(), n))
        return Parsed("replace", [(m.end(), n)], None)
    # ... look like Y / in the style of Y
    m = _EN_LOOK.search(t)
    if m:
        return Parsed("look", [(0, m.start())], (m.end(), n))
    m = _EN_STYLEOF.search(t)
    if m:
        return Parsed("styleof", [(0, m.start())], (m.end(), n))
    # put her in Paris -> a new background
    m = _EN_PUT_PERSON.match(t)
    if m and _wears(t[m.start("c"):]):  # "put him in a tuxedo": clothes, not a place
        return Parsed("give", [(m.start("who"), m.end("who"))], (m.start("c"), n))
    if m:
        return Parsed("background", [], (m.start("c"), n))
    # add Y (to X); "a red scarf around her neck" (after "i'd like") is the same
    m = signal(_EN_ADD.search(t)) or re.match(r"^(?=(?:a|an|some)\s)", t)
    if m and (not t[m.start():].startswith(("paint", "draw")) or _EN_QUANT.match(t[m.end():])):
        tail_start = m.end()
        for p in reversed(list(_EN_PREP.finditer(t, tail_start))):
            loc_toks = _toks_in(toks, (p.end(), n))
            if any(x.cat in ("thing", "pron", "whole") or "thing" in x.cats for x in loc_toks):
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
        things = [x for x in _toks_in(toks, (m.end(), end)) if x.cat == "thing"]
        if end >= n and len(things) >= 2 and not t[things[-2].end:things[-1].start].strip():
            end = things[-2].end  # "make the path gravel": the last noun is what it becomes
        return Parsed("make", [(m.end(), end)], (end, n), unknown=unknown)
    m2 = signal(_EN_CHANGE.match(t))
    if m2 is not None:
        end, unknown = _first_np_end(t, toks, m2.end())
        return Parsed("change", [(m2.end(), end)], (end, n) if end < n else None, unknown=unknown)
    # X should be Y
    m = _EN_BE.search(t)
    if m and _has(_toks_in(toks, (0, m.start())), "thing", "whole", "it", "pron"):
        return Parsed("be", [(0, m.start())], (m.end(), n), prep=m.group(0).strip())
    return Parsed("none", [(0, n)], None)


def _parse_zh(t: str, toks: list[Tok]) -> Parsed:
    n = len(t)
    gray = [x for x in toks if x.cat in ("gray", "adjust", "filter")]

    def free(a: int, b: int) -> bool:
        return not any(a < x.end and x.start < b for x in gray)

    def free_of(a: int, b: int, cats: tuple[str, ...]) -> bool:
        return not any(a < x.end and x.start < b and x.cat in cats for x in toks)

    for m in _ZH_REMOVE.finditer(t):
        if not free(m.start(), m.end()) or not free_of(m.start(), m.end(), ("thing", "style", "scene", "color")):
            continue
        spans = [(0, m.start()), (m.end(), n)]
        if m.group(0) in _ZH_WEAK_REMOVE and not any(_has(_toks_in(toks, s), "thing") for s in spans):
            continue
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
            m.group("ba") or _has(_toks_in(toks, (m.start("t"), m.end("t"))), "thing")) and \
            t[m.start("v"):m.end("v") + 1] not in V.ZH_EN and t[m.start("v") - 1:m.end("v")] not in V.ZH_EN:
        # "头发弄长一点" and "路面变湿" need no 把; the verb must not sit inside a word ("渐变")
        return Parsed("change", [(m.start("t"), m.end("t"))], (m.start("c"), n))
    m = _ZH_CHANGE_ONE.match(t)
    if m:
        things = [x for x in _toks_in(toks, (m.start("t"), n)) if x.cat == "thing"]
        if things:
            return Parsed("change", [(m.start("t"), things[0].end)], (things[0].end, n))
    for m in _ZH_ADD.finditer(t):
        if not free_of(m.start(), m.end(), ("thing", "style", "scene", "color", "adjust", "gray", "filter", "art",
                                            "whole")):
            continue
        before = t[:m.start()]
        lead = re.match(r"^(?:在|给|往|向|为|帮|替|把|对)", before)
        loc_start = lead.end() if lead else 0
        trimmed = _ZH_LOC_TRIM.search(before)
        loc_end = trimmed.start() if trimmed and trimmed.start() >= loc_start else len(before)
        inside = not (trimmed and trimmed.group(0) in _ZH_LOC_OUTSIDE)
        loc = (loc_start, loc_end) if loc_end > loc_start else None
        tail = re.search(r"(?:在|到|于|放在|放到)(?P<l>[^在到于]+?)(?P<trim>上面|里面|中间|旁边|附近|下面|上方|前面|后面|上|里|中|内|边|旁)?$",
                         t[m.end():])
        if loc is None and tail and _has(_toks_in(toks, (m.end() + tail.start("l"), m.end() + tail.end("l"))), "thing"):
            inside = (tail.group("trim") or "") not in _ZH_LOC_OUTSIDE
            return Parsed("add", [], (m.end(), m.end() + tail.start()),
                          (m.end() + tail.start("l"), m.end() + tail.end("l")), inside)
        return Parsed("add", [], (m.end(), n), loc, inside)
    if give:
        return Parsed("give", [(give.start("who"), give.end("who"))], (give.start("c"), n))
    return Parsed("none", [(0, n)], None)


# ------------------------------------------------------------------------------------------------
# amounts
# ------------------------------------------------------------------------------------------------
_PCT = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*(?:%|％|percent|per cent)")
_ZH_PCT = re.compile(r"百分之([零一二两三四五六七八九十百\d]+)")
_BY_NUM = re.compile(r"\b(?:by|to|at|of|amount|level|strength)\s+([+-]?(?:\d*\.\d+|[01]))(?![\d%])")
_FILTER_WORD = re.compile(r"\b(?:" + "|".join(V.FILTER_WORDS_EN) + r")\b|" + "|".join(V.FILTER_WORDS_ZH))
_SIGNED_PARAMS = {"brightness", "contrast", "saturation", "warmth"}
_BASE = {"brightness": 0.3, "contrast": 0.3, "saturation": 0.3, "warmth": 0.3, "blur": 0.5, "sharpen": 0.5,
         "pixelate": 0.5}


def _zh_number(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    digits = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    if not s or any(c not in digits and c not in "十百" for c in s):
        return None
    total, cur = 0, 0
    for c in s:
        if c in digits:
            cur = digits[c]
        elif c == "十":
            total += (cur or 1) * 10
            cur = 0
        elif c == "百":
            total += (cur or 1) * 100
            cur = 0
    return total + cur


def _explicit_amount(text: str) -> float | None:
    m = _PCT.search(text)
    if m:
        return float(m.group(1)) / 100
    m = _ZH_PCT.search(text)
    if m:
        v = _zh_number(m.group(1))
        return v / 100 if v is not None else None
    m = _BY_NUM.search(text)
    if m:
        return float(m.group(1))
    m = re.search(r"(?<![\w.])([+-]\d{1,3})(?![\d%.])", text)
    if m:
        return float(m.group(1)) / 100
    return None


def _factor(text: str, zh: bool) -> float:
    """The strongest amount word in `text` as a factor on the default amount (1 when none)."""
    found: list[tuple[int, float]] = []
    if zh or CJK.search(text):
        for word, f in V.AMOUNT_ZH.items():
            pos = text.find(word)
            if pos >= 0:
                found.append((pos, f))
    for word, f in V.AMOUNT_EN.items():
        m = re.search(r"(?<![a-z])" + re.escape(word) + r"(?![a-z])", text)
        if m:
            found.append((m.start(), f))
    if not found:
        return 1.0
    # longest phrase at the earliest place; "a little bit" beats "a little"
    found.sort(key=lambda x: (x[0], -abs(x[1] - 1)))
    return found[0][1]


def _direction(text: str, pos: int, end: int) -> int:
    """+1 or -1 from the direction word nearest the parameter name at text[pos:end]; 0 when none."""
    best: tuple[int, int] | None = None
    for words, sign in ((V.UP_EN, 1), (V.DOWN_EN, -1)):
        for w in words:
            for m in re.finditer(r"(?<![a-z])" + re.escape(w) + r"(?![a-z])", text):
                d = pos - m.end() if m.end() <= pos else (m.start() - end) * 2 if m.start() >= end else 10**6
                if 0 <= d < 60 and (best is None or d < best[0]):
                    best = (d, sign)
    for words, sign in ((V.UP_ZH, 1), (V.DOWN_ZH, -1)):
        for w in sorted(words, key=len, reverse=True):
            for m in re.finditer(re.escape(w), text):
                d = pos - m.end() if m.end() <= pos else (m.start() - end) if m.start() >= end else 10**6
                if 0 <= d < 12 and (best is None or d < best[0] or (d == best[0] and len(w) > 1)):
                    best = (d, sign)
    return best[1] if best else 0


def _adjust_from(toks: list[Tok], text: str, zh: bool) -> dict[str, Any]:
    """Adjust parameters named by `toks` (already restricted to the part that says what to do)."""
    out: dict[str, Any] = {}
    explicit = _explicit_amount(text)
    adjust_toks = [t for t in toks if t.cat == "adjust" or "adjust" in t.cats]
    for tok in toks:
        if tok.cat == "gray" or ("gray" in tok.cats and tok.cat not in ("color",)):
            out["grayscale"] = True
            continue
        if tok.cat == "filter":
            out["stylize"] = tok.value
            continue
        if tok.cat == "style" and tok.value in V.STYLE_FILTER and _FILTER_WORD.search(text):
            out.setdefault("stylize", V.STYLE_FILTER[tok.value])
            continue
        if tok.cat != "adjust" and "adjust" not in tok.cats:
            continue
        param, sign = tok.cats["adjust"]
        idx = adjust_toks.index(tok)
        lo = adjust_toks[idx - 1].end if idx > 0 else max(0, tok.start - 30)
        hi = adjust_toks[idx + 1].start if idx + 1 < len(adjust_toks) else tok.end + 40
        window = text[lo:hi]
        if sign == 0 or param in ("blur", "pixelate", "sharpen"):
            d = _direction(text, tok.start, tok.end)
            if sign == 0:
                sign = d or 1
            elif d < 0 and param == "blur":
                param, sign = "sharpen", 1
            elif d < 0 and param == "sharpen":
                param, sign = "blur", 1
        base = 0.2 if tok.text in V.GENTLE_BLUR else _BASE[param]
        amount = explicit if explicit is not None else base * _factor(window, zh)
        if amount < 0 and sign == 1 and tok.cats["adjust"][1] == 0:
            sign = -1
        amount = min(abs(amount), 1.0)
        if param in ("blur", "pixelate", "sharpen"):
            value = amount
        else:
            value = amount * (1 if sign >= 0 else -1)
        if param not in out:
            out[param] = round(value, 2)
    return out


# ------------------------------------------------------------------------------------------------
# history
# ------------------------------------------------------------------------------------------------
_COUNT_EN = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a couple(?: of)?|couple of|a few|"
                       r"few|several|twice|thrice)\b(?:\s+(?:times|steps?|edits?|changes?|things?|ones?|actions?|"
                       r"operations?|moves?))?")
_COUNT_ZH = re.compile(r"(\d+|[一两二三四五六七八九十几俩])\s*(?:步|次|个|下|回|项|处)")
_UNDO_EN = re.compile(r"^(?:undo|revert|go back|step back|roll back|rollback|take (?:that|it) back|back up|back|"
                      r"cancel(?: that| it| the last(?: one| edit| change| step)?)?|reverse(?: that| it)?|"
                      r"oops|nope|ugh|no)\b")
_HISTORY_FILLER_EN = re.compile(
    r"\b(?:please|that|it|this|the|last|previous|recent|latest|most|change|changes|edit|edits|step|steps|one|ones|"
    r"action|actions|times|time|again|just|now|a|an|of|to|before|how|was|were|it was|version|back|go|undo|revert|"
    r"redo|those|these|what|you|did|i|did|made|make|by|thing|things|operations?|moves?|please|ok|okay|thanks|sorry|"
    r"mistake|no|wrong|bad|ugly|hate|don't|like|dont|didn't|better|worse|earlier|state|last|more|\d+|one|two|three|"
    r"four|five|six|seven|eight|nine|ten|couple|few|several|twice|thrice|all|everything|the original|original)\b")


def _count(text: str, zh: bool) -> int:
    if zh:
        m = _COUNT_ZH.search(text)
        if m:
            v = m.group(1)
            n = int(v) if v.isdigit() else V.NUMBERS_ZH.get(v, 1)
            return max(1, min(50, n))
    m = _COUNT_EN.search(text)
    if m:
        v = m.group(1)
        n = int(v) if v.isdigit() else V.NUMBERS_EN.get(v, 1)
        return max(1, min(50, n))
    return 1


def _edits_in_history(ctx: PlanContext) -> int:
    n = sum(1 for t in ctx.history if t.role == "assistant" and t.instruction
            and t.instruction.get("operation") not in ("undo", "redo", "clarify"))
    return max(1, min(50, n))


def _history_op(t: str, zh: bool, ctx: PlanContext, toks: list[Tok]) -> dict[str, Any] | None:
    has_content = any(x.cat in ("thing", "color", "adjust", "style", "scene", "gray", "filter") for x in toks)
    if zh:
        t = _strip_prefix(t, True)[0] or t  # "帮我恢复上一步"
        if any(w in t for w in V.RESET_ZH):
            return {"operation": "undo", "count": _edits_in_history(ctx)}
        if (any(w in t for w in V.REDO_ZH) and not has_content) or re.search(r"(?:撤销|撤回)\s*(?:撤销|撤回)", t):
            return {"operation": "redo", "count": _count(t, zh)}
        if re.search(r"撤销|撤回|回退|退回|回滚|返回上一步|回到上一步|退一步|后退", t):
            return {"operation": "undo", "count": _count(t, zh)}
        if re.fullmatch(r"(?:还原|上一步|恢复|算了|取消)[\s\S]{0,8}", t) and not has_content:
            return {"operation": "undo", "count": _count(t, zh)}
        return None
    if re.search(r"\b(?:start over|start again from scratch|reset(?: it| everything| the image)?|"
                 r"(?:go |get )?back to (?:the )?original|undo (?:everything|all(?: of it| the edits| changes)?)|"
                 r"revert (?:everything|all)|restore the original)\b", t) and not has_content:
        return {"operation": "undo", "count": _edits_in_history(ctx)}
    if re.search(r"\b(?:undo (?:the|that|my|your) undo|redo|re-do|reapply|re-apply)\b", t) or re.fullmatch(
            r"(?:bring (?:it|that) back|put (?:it|that) back|restore (?:it|that)|go forward|step forward|"
            r"forward)(?: please)?", t):
        if not has_content or re.search(r"\bundo (?:the|that|my|your) undo\b", t):
            return {"operation": "redo", "count": _count(t, zh)}
    if re.search(r"\bundo\b", t):
        return {"operation": "undo", "count": _count(t, zh)}
    m = _UNDO_EN.match(t)
    if m and not has_content:
        rest = _HISTORY_FILLER_EN.sub(" ", t[m.end():])
        if not re.sub(r"[\s,.!?;:'\"-]+", "", rest):
            return {"operation": "undo", "count": _count(t, zh)}
    if re.fullmatch(r"(?:i liked it better before|i preferred (?:it|the) (?:before|previous(?: one)?)|"
                    r"that(?:'s| is| was| looks)? (?:bad|wrong|worse|terrible|awful)[,.!]*(?: go back| undo)?|"
                    r"(?:the )?previous (?:one|version) (?:was|is) better)", t):
        return {"operation": "undo", "count": 1}
    return None


def _last_instruction(ctx: PlanContext) -> dict[str, Any] | None:
    """The instruction that made the current image, or the last edit in the history."""
    if ctx.current and ctx.current.get("operation") not in (None, "undo", "redo", "clarify"):
        return ctx.current
    for turn in reversed(ctx.history):
        ins = turn.instruction
        if turn.role == "assistant" and ins and ins.get("operation") not in (None, "undo", "redo", "clarify"):
            return ins
    return None


def _pending_clarify(ctx: PlanContext) -> str | None:
    """The user request that the last assistant turn answered with a question, if that is where we are."""
    hist: list[Turn] = list(ctx.history)
    if hist and hist[-1].role == "user" and hist[-1].text.strip() == ctx.text.strip():
        hist = hist[:-1]
    for i in range(len(hist) - 1, -1, -1):
        if hist[i].role != "assistant":
            continue
        ins = hist[i].instruction or {}
        if ins.get("operation") != "clarify":
            return None
        for j in range(i - 1, -1, -1):
            if hist[j].role == "user":
                return hist[j].text
        return None
    return None


# ------------------------------------------------------------------------------------------------
# faces
# ------------------------------------------------------------------------------------------------
def pick_faces(text: str, n: int) -> list[int]:
    """Face indices (0-based, left to right) that `text` selects among `n` faces; [] when it names none."""
    if n <= 1:
        return []
    t = text.lower()
    last = min(n, 32) - 1
    if re.search(r"\b(?:all|every|each|both|everyone|everybody|all of them)\b", t) or re.search(
            r"所有|全部|每个|每张|大家|两个人都|都换|两张脸|全都", t):
        return list(range(last + 1))
    picks: list[int] = []
    for m in re.finditer(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|1st|2nd|3rd|4th|5th|6th|7th|8th|"
                         r"last|middle|center|centre)\b(?:\s+(?:one|face|person|man|woman|guy|girl|from the "
                         r"(left|right)))?", t):
        word, side = m.group(1), m.group(2)
        if word == "last":
            idx = last
        elif word in ("middle", "center", "centre"):
            idx = n // 2
        else:
            idx = V.ORDINALS_EN[word]
            if side == "right":
                idx = last - idx
        picks.append(idx)
    for m in re.finditer(r"\b(?:face|person|number|no\.?|#)\s*#?(\d+)\b", t):
        picks.append(int(m.group(1)) - 1)
    for m in re.finditer(r"(左边|右边|左起|右起|从左|从右)?第\s*([一二三四五六七八九十\d]+)\s*(?:个|张|位|人)?", text):
        v = _zh_number(m.group(2))
        if v:
            picks.append(last - (v - 1) if m.group(1) and "右" in m.group(1) else v - 1)
    if not picks:
        if re.search(r"\b(?:leftmost|left one|left face|left side|on the left|at the left|to the left|left)\b", t) \
                or re.search(r"最左|左边|左侧|左面", text):
            picks.append(0)
        if re.search(r"\b(?:rightmost|right one|right face|right side|on the right|at the right|to the right|right)\b",
                     t) or re.search(r"最右|右边|右侧|右面", text):
            picks.append(last)
        if re.search(r"中间", text):
            picks.append(n // 2)
        if re.search(r"最后", text):
            picks.append(last)
    return sorted({p for p in picks if 0 <= p <= last})


# ------------------------------------------------------------------------------------------------
# the planner
# ------------------------------------------------------------------------------------------------
@dataclass
class _Draft:
    ins: dict[str, Any]
    kind: str = ""  # how it was found ("ask": nothing to act on was found)


class OfflinePlanner(Planner):
    """Rule-based planner for English and Chinese; deterministic, no network."""

    name = "offline"

    def __init__(self, rules: dict[str, Any]):
        self.rules = rules

    # -- public ------------------------------------------------------------------------------------
    def plan(self, ctx: PlanContext) -> PlanResult:
        notes: list[str] = []
        labels = [str(x) for x in (ctx.labels or [])]
        zh = is_zh(ctx.text)
        try:
            draft = self._plan(ctx, labels, zh)
        except Exception as exc:  # a bug here must never reach the user as a crash
            notes.append(f"offline planner error: {type(exc).__name__}: {exc}")
            draft = _Draft(self._clarify(labels, zh, ""))
        ins = self._finish(draft.ins, ctx, labels, zh, notes)
        return PlanResult(instruction=ins, planner=self.name, attempts=1, notes=notes)

    # -- steps -----------------------------------------------------------------------------------
    def _plan(self, ctx: PlanContext, labels: list[str], zh: bool) -> _Draft:
        raw = (ctx.text or "")[:_MAX_TEXT]
        t = _fix_typos(_clean(raw, zh), labels)
        if not re.search(r"[a-z0-9\u3400-\u9fff]", t):
            return _Draft(self._clarify(labels, zh, ""), "ask")
        wish = _SEE_IT_WITH.match(t)
        if wish:  # "can i see what it looks like with blue walls": the walls
            draft = self._plan(_ctx_with(ctx, wish.group("c") or wish.group("c2")), labels, zh)
            if draft.ins.get("operation") != "clarify":
                return draft
        said = _COMPLAINT_THEN_ASK.match(t)
        if said:  # "the road looks boring, make it cobblestone": the ask, about the road
            subject = said.group("s")
            ask = said.group("ask") if subject in ("it", "this", "that") else \
                re.sub(r"\b(?:it|this|that)\b", subject, said.group("ask"), count=1)
            draft = self._plan(_ctx_with(ctx, ask), labels, zh)
            if draft.ins.get("operation") != "clarify":
                return draft
        first = _first_clause(t)
        if first != t:
            draft = self._plan(_ctx_with(ctx, first), labels, zh)
            if not (draft.ins.get("operation") == "clarify" and draft.kind == "ask"):
                return draft
        toks = tokenize(t, labels)
        hist = _history_op(t, zh, ctx, toks)
        if hist:
            return _Draft(hist)
        if _is_question(t, zh, toks):
            return _Draft(self._clarify(labels, zh, "", ask_what=True))
        swap = self._face_swap(t, zh, toks, labels, ctx)
        if swap:
            return _Draft(swap)
        pending = _pending_clarify(ctx)
        if pending:
            answer = self._answer_to_question(t, toks, labels, zh, ctx, pending)
            if answer:
                return answer
        return self._plan_text(t, toks, labels, zh, ctx)

    def _plan_text(self, t: str, toks: list[Tok], labels: list[str], zh: bool, ctx: PlanContext,
                   forced: list[str] | None = None) -> _Draft:
        body, offset = _strip_prefix(t, zh)
        toks_b = [Tok(x.start - offset, x.end - offset, x.text, x.cats) for x in toks if x.start >= offset]
        parsed = _parse_zh(body, toks_b) if zh else _parse_en(body, toks_b)
        if zh and parsed.kind == "none" and re.search(r"[a-z]{3,}", body):
            alt = _parse_en(body, toks_b)
            if alt.kind != "none":
                parsed = alt
        draft = self._decide(body, toks_b, parsed, labels, zh, ctx, forced)
        if draft is None:
            draft = self._reference(body, toks_b, labels, zh, ctx)
        if draft is None:
            draft = self._loose(body, toks_b, labels, zh, ctx, forced)
        return draft

    # -- face swap -----------------------------------------------------------------------------------
    def _face_swap(self, t: str, zh: bool, toks: list[Tok], labels: list[str], ctx: PlanContext) -> dict | None:
        strong = re.search(r"\bface[- ]?swap|\bswap (?:the |his |her |their |our |both |all )?faces?\b|"
                           r"\bswap (?:in )?my face|\bswitch faces\b|\bface replace", t) or re.search(
            r"换脸|人脸替换|替换人脸|换成我的脸|换上我的脸|用我的脸|换成我的|换上我|把我的脸", t)
        weak = re.search(r"\b(?:my (?:own )?face|mine|my photo|my selfie|myself|(?:with|to|into|by|for) me|"
                         r"me instead|put me|(?:be|is|become) me)\b", t) or re.search(
            r"我的脸|我自己|我的照片|我本人|(?:换成|换上|用|变成|改成|贴上|放上)我(?!们)", t)
        verbs = re.search(r"\b(?:use|put|swap|replace|change|switch|instead|paste|stick|give|with|make|place|insert|"
                          r"transplant|look like|turn|be)\b", t) or re.search(r"换|用|替换|变成|放|贴|改成", t)
        other = any(x.cat in ("adjust", "gray", "filter", "color", "style") for x in toks)
        if not (strong or (weak and verbs and not other)):
            return None
        if not strong and _EN_REMOVE.search(t):
            return None
        ins: dict[str, Any] = {"operation": "face_swap", "targets": [x for x in labels if _norm_label(x) == "face"][:1]}
        faces = pick_faces(t, ctx.faces)
        if faces:
            ins["faces"] = faces
        return ins

    # -- a reply to our own question -------------------------------------------------------------------
    def _answer_to_question(self, t: str, toks: list[Tok], labels: list[str], zh: bool, ctx: PlanContext,
                            pending: str) -> _Draft | None:
        if any(x.cat in ("color", "adjust", "style", "scene", "gray", "filter") for x in toks):
            return None
        things = [x for x in toks if x.cat == "thing"]
        if not things or _EN_REMOVE.search(t) or _ZH_REMOVE.search(t):
            return None
        targets: list[str] = []
        for x in things:
            found, _inv = resolve_thing(x.value, labels)
            targets += found
        if not targets:
            return None
        ptext = _fix_typos(_clean(pending[:_MAX_TEXT], is_zh(pending)), labels)
        pzh = is_zh(pending)
        draft = self._plan_text(ptext, tokenize(ptext, labels), labels, pzh, ctx, forced=list(dict.fromkeys(targets)))
        if draft.ins.get("operation") == "clarify":
            return None
        return draft

    # -- the main decision ---------------------------------------------------------------------------
    def _decide(self, t: str, toks: list[Tok], p: Parsed, labels: list[str], zh: bool, ctx: PlanContext,
                forced: list[str] | None) -> _Draft | None:
        if p.kind == "none":
            return None
        target_toks = [x for s in p.target for x in _toks_in(toks, s)]
        if p.content and p.kind in ("make", "change", "be", "give", "replace"):
            cut = re.search(r"\s*(?:,|;|\band\b|\bthen\b|\bbut\b|，|。|；|然后|并且|再把|同时|但)\s*(?:then\s+)?"
                            r"(?:also\s+)?(?:the|his|her|their|its|make|turn|change|remove|add|put|keep|leave|把|将|保留)\b",
                            t[p.content[0]:p.content[1]])
            if cut:
                p.content = (p.content[0], p.content[0] + cut.start())
        content, content_toks = _sub(t, p.content, toks)
        sel = self._targets(t, target_toks, labels, zh, forced, p)
        if sel.unresolved:
            return _Draft(self._clarify(labels, zh, sel.unresolved))

        if p.kind == "remove":
            if _has(target_toks, "gray") or re.search(r"\b(?:colou?rs?|colou?ring)\b|颜色|色彩", t[p.target[0][0]:]):
                return _Draft(self._adjust({"grayscale": True}, sel, labels))
            if any(x.cat == "adjust" and x.cats["adjust"][0] == "blur" for x in target_toks):
                return _Draft(self._adjust({"sharpen": 0.5}, sel, labels))
            if not sel.labels and sel.pronoun_only:
                sel.labels, _ = resolve_thing("person", labels)
            if not sel.labels:
                if sel.whole or not target_toks:
                    return _Draft(self._clarify(labels, zh, "", ask_what=True))
                return _Draft(self._clarify(labels, zh, t[p.target[0][0]:p.target[0][1]].strip()))
            return _Draft(self._with_mask({"operation": "remove", "targets": sel.labels}, sel))

        if p.kind == "background":
            bg, inv = resolve_thing("background", labels)
            if not bg:
                return _Draft(self._clarify(labels, zh, "background" if not zh else "背景"))
            sel = _Selection(labels=bg, invert=inv)
            prompt = _content_prompt(content, zh, None, "add", content_toks)
            return _Draft(self._with_mask({"operation": "inpaint", "targets": bg, "prompt": prompt}, sel))
        cls = _classify(content, content_toks, zh) if content else "empty"
        if p.kind in ("look", "styleof") and cls in ("content", "empty") and content:
            cls = "style_free"
        if p.kind == "add":
            return self._add(t, p, content, content_toks, cls, toks, labels, zh, ctx, forced)
        if p.kind == "give" and (cls in ("content", "material") or (cls == "color" and sel.pronoun_only)):
            if sel.whole and not sel.labels:  # "give the photo a warm sunset glow"
                return _Draft({"operation": "restyle", "targets": [],
                               "prompt": _style_prompt(content, content_toks, zh, free=False)})
            if sel.labels and all(x.cats.get("thing") == "person" for x in target_toks if x.cat == "thing"):
                sel = _Selection(pronoun=True, pronoun_only=True)  # "give the girl a hat": placed by what it is
            return self._add(t, p, content, content_toks, cls, toks, labels, zh, ctx, forced, give=sel)

        if cls in ("content", "empty") and not sel.labels and (
                _only_reference_words(content or t, zh) or _SAME_AS_BEFORE.search(content)):
            return None
        if cls == "content" and _vague(content):
            return _Draft(self._clarify(labels, zh, "", ask_what=True), "ask")
        if cls == "content" and not _residual(content, content_toks, zh, ()) and not content_toks:
            return None
        if cls == "empty":
            if p.kind in ("replace", "change") and sel.labels:
                noun = _names(sel.labels, zh)
                prompt = f"一个不同的{noun}（a different {_names(sel.labels, False)}）" if zh else f"a different {noun}"
                return _Draft(self._with_mask({"operation": "inpaint", "targets": sel.labels, "prompt": prompt}, sel))
            return None

        sel = self._pronoun_target(sel, cls, content, content_toks, labels, ctx, t)
        sel = self._current_region(sel, cls, target_toks, labels, ctx, t)
        color = _region_color(content, content_toks, zh, labels, sel.labels) if cls == "content" else None
        if color and not sel.invert:
            return _Draft(_recolor(color, sel))
        if cls in ("gray", "filter", "adjust"):
            adj = _adjust_from(content_toks, content, zh)
            if p.kind == "be" and p.prep in _COMPLAINT_COPULAS:
                adj = _complaint(adj, content_toks)
            if not adj:
                return None
            sel = self._comparative(sel, t, zh, ctx, adj)
            return _Draft(self._adjust(adj, sel, labels))
        if cls == "color":
            color = _first_color(content_toks)
            if color is None:
                return None
            return _Draft(self._with_mask(_recolor(color, sel), sel))
        if cls in ("style", "scene", "style_free", "style_content"):
            if cls == "style_free" and p.kind != "styleof":
                prompt = _content_prompt(content, zh, None, "look", content_toks)
            else:
                prompt = _style_prompt(content, content_toks, zh, free=(cls == "style_free" or p.kind == "styleof"))
            if sel.labels and not sel.whole:
                return _Draft(self._with_mask({"operation": "inpaint", "targets": sel.labels, "prompt": prompt}, sel))
            ins: dict[str, Any] = {"operation": "restyle", "targets": [], "prompt": prompt}
            strength = self._strength("restyle", t, zh)
            if strength is not None:
                ins["strength"] = strength
            return _Draft(ins)
        # new content for the region
        prompt = _content_prompt(content, zh, sel, p.kind, content_toks)
        if not sel.labels:
            if sel.whole or not target_toks:
                ins = {"operation": "restyle", "targets": [], "prompt": prompt}
                return _Draft(ins)
            return None
        return _Draft(self._with_mask({"operation": "inpaint", "targets": sel.labels, "prompt": prompt}, sel))

    def _add(self, t: str, p: Parsed, content: str, content_toks: list[Tok], cls: str, toks: list[Tok],
             labels: list[str], zh: bool, ctx: PlanContext, forced: list[str] | None,
             give: _Selection | None = None) -> _Draft | None:
        loc_toks = _toks_in(toks, p.loc) if p.loc else []
        loc = self._targets(t, loc_toks, labels, zh, forced, p) if p.kind == "add" else give
        assert loc is not None
        if cls in ("gray", "filter", "adjust"):
            adj = _adjust_from(content_toks, content, zh)
            if adj:
                return _Draft(self._adjust(adj, loc, labels))
        if cls in ("style", "scene") and not loc.labels:
            prompt = _style_prompt(content, content_toks, zh, free=False)
            return _Draft({"operation": "restyle", "targets": [], "prompt": prompt})
        if not content:
            return None
        targets: list[str] = []
        invert = False
        if loc.labels and p.loc_inside and not loc.pronoun_only:
            targets, invert = loc.labels, loc.invert
        elif p.prep in ("behind", "in front of") or (zh and p.loc and not p.loc_inside and "后" in t):
            person_like = loc.pronoun or any(
                x.cat == "thing" and x.value in ("person", "@person_parts") for x in loc_toks)
            if person_like or (loc.labels and all(_norm_label(x) in _PERSON_PART_NORMS or _norm_label(x) == "person"
                                                  for x in loc.labels)):
                targets, invert = resolve_thing("background", labels)
        if not targets and forced:
            targets = forced
        if not targets:
            targets = self._placement(content, content_toks, labels, zh, loc)
        if loc.unresolved and not targets:
            return _Draft(self._clarify(labels, zh, loc.unresolved))
        color = _region_color(content, content_toks, zh, labels, targets) if targets and not invert else None
        if color:
            return _Draft(_recolor(color, _Selection(labels=targets)))
        prompt = _content_prompt(content, zh, None, "add", content_toks)
        if p.kind == "add" and targets and not zh and loc.labels and p.loc_inside and not invert:
            on = p.prep in ("on", "onto", "on top of", "over", "across")
            prompt = f"{prompt}, {'on' if on else 'in'} the {_names(targets, False)}"
        ins: dict[str, Any] = {"operation": "inpaint", "targets": targets, "prompt": prompt}
        if invert:
            ins["mask"] = {"invert": True}
        return _Draft(ins, "add")

    def _placement(self, content: str, content_toks: list[Tok], labels: list[str], zh: bool,
                   loc: _Selection) -> list[str]:
        """Where new content goes when the request names no place."""
        found = _personal_labels(content_toks, labels)
        if found:
            return found
        english = _translate(content) if CJK.search(content) else content.lower()
        # the head noun, which comes last in English ("a flower crown" is a crown)
        hits = [(m.end(), len(word), key) for word, key in V.CONTENT_WORDS.items()
                for m in re.finditer(r"(?<![a-z])" + re.escape(word) + r"(?:s|es)?(?![a-z])", english)]
        if hits:
            for concept in V.PLACEMENT.get(max(hits)[2], ()):
                found, inv = resolve_thing(concept, labels)
                if found and not inv:
                    return found
        if loc.pronoun:
            found, _inv = resolve_thing("person", labels)
            if found:
                return found
        for concept in ("background", "ground", "grass", "floor"):
            found, inv = resolve_thing(concept, labels)
            if found and not inv:
                return found
        return []

    # -- targets ------------------------------------------------------------------------------------
    def _targets(self, t: str, toks: list[Tok], labels: list[str], zh: bool, forced: list[str] | None,
                 p: Parsed) -> _Selection:
        sel = _Selection()
        # "everything behind her": the background
        behind = [x for x in toks if (x.cat == "pron" or x.cats.get("thing") == "person")
                  and re.search(r"\b(?:behind|around|surrounding)\s+(?:the\s+)?$", t[:x.start])
                  and not any(y.cat == "thing" and 0 <= y.start - x.end <= 1 for y in toks)]
        if behind and not forced:
            sel.labels, sel.invert = resolve_thing("background", labels)
            if sel.labels:
                return sel
        sel.whole = any(x.cat in ("whole", "it") for x in toks)
        sel.pronoun = any(x.cat == "pron" for x in toks)
        things = [x for x in toks if x.cat == "thing"]
        if forced:
            sel.labels = list(forced)
            return sel
        if not things:
            sel.pronoun_only = sel.pronoun
            if p.unknown and not sel.whole:
                if p.unknown in V.VAGUE_EN:
                    sel.unresolved = p.unknown
                elif p.kind in ("remove", "make", "change", "give", "replace"):
                    sel.unresolved = p.unknown
            elif zh and p.kind in ("remove", "change") and p.target and not sel.whole and not sel.pronoun:
                for span in p.target:
                    rest = _ZH_POSITION.sub("", t[span[0]:span[1]])
                    rest = re.sub(r"[\s,，。.!！?？、;；:：a-z0-9\"'“”‘’]+", "", rest)
                    if any(x.cat in ("color", "adjust", "gray", "style", "scene", "filter", "art", "material")
                           for x in _toks_in(toks, span)):
                        rest = ""
                    if len(rest) >= 1 and not any(f == rest for f in V.ZH_FILLERS):
                        sel.unresolved = rest
                        break
            return sel
        # "everything except the person" / "除了人以外": the mask is the rest of the picture
        excepted = [x for x in things if re.search(r"(?:\bexcept(?: for)?|\bbut|\bother than|\bapart from|\baside from|"
                                                  r"\bbesides|\bexcluding|\bnot including|除了)\s*(?:the |his |her |their )?$",
                                                  t[:x.start])]
        if excepted:
            for tok in excepted:
                found, _inv = resolve_thing(tok.value, labels)
                sel.labels += [x for x in found if x not in sel.labels]
            if sel.labels:
                sel.invert = True
                sel.whole = False
                return sel
        # "the clutter on the table": the thing asked about is the unknown word, not the table
        held = None if zh or p.kind not in ("remove", "make", "change", "replace", "be") else \
            _HELD_BY.search(t[:things[0].start])
        if held and held.group(1) not in _EN_TABLE and held.group(1) not in V.NON_THING_EN | V.EN_FILLERS:
            sel.unresolved = held.group(1)
            return sel
        if zh:  # "把电视从墙上去掉": what comes 从 (from) is where it is, not what it is
            things = [x for x in things if not re.search(r"从(?:这|那)?$", t[:x.start])] or things
        chosen = _head_things(t, things, zh, labels)
        for tok in chosen:
            found, inv = resolve_thing(tok.value, labels)
            if not found:
                if tok is chosen[0] and not sel.labels:
                    sel.unresolved = tok.text
                    return sel
                continue
            sel.labels += [x for x in found if x not in sel.labels]
            sel.invert = sel.invert or inv
        return sel

    def _pronoun_target(self, sel: _Selection, cls: str, content: str, content_toks: list[Tok], labels: list[str],
                        ctx: PlanContext, t: str) -> _Selection:
        """'make her blonde' -> hair; 'make him smile' -> face; 'make her brighter' -> the person; with nothing
        named, '换成黑发' and 'blonde please' -> hair."""
        nothing_named = not (sel.whole or sel.pronoun)
        if sel.labels or sel.unresolved or not (
                sel.pronoun_only or nothing_named or (sel.whole and cls == "color" and _mentions_it(t))):
            return sel
        if cls in ("content", "color") and not sel.whole:
            sel.labels = _personal_labels(content_toks, labels)
            if sel.labels:
                return sel
        if cls == "color":
            color = _first_color(content_toks) or ""
            if color in V.HAIR_COLORS or any(x.text in V.HAIR_COLOR_NOUNS for x in content_toks):
                found, _ = resolve_thing("hair", labels)
                if found:
                    sel.labels = found
                    return sel
            cur = _last_instruction(ctx)
            if sel.whole and cur and cur.get("operation") == "recolor" and cur.get("targets"):
                sel.labels = [x for x in cur["targets"] if x in labels]
                sel.whole = not sel.labels
                return sel
            if sel.whole:
                return sel
        if nothing_named:
            return sel
        if cls in ("content", "style_free"):
            placed = self._placement(content, content_toks, labels, False, _Selection(pronoun=sel.pronoun_only))
            if placed:
                sel.labels = placed
                return sel
        if sel.pronoun_only:
            found, _ = resolve_thing("person", labels)
            sel.labels = found
        return sel

    def _current_region(self, sel: _Selection, cls: str, target_toks: list[Tok], labels: list[str],
                        ctx: PlanContext, t: str) -> _Selection:
        """'make it blue instead' / '换成蓝色' after an edit of the hair: the hair again."""
        if sel.labels or cls not in ("color", "content", "material"):
            return sel
        explicit_whole = any(x.cat == "whole" for x in target_toks)
        if explicit_whole or (target_toks and not all(x.cat == "it" for x in target_toks)):
            return sel
        cur = _last_instruction(ctx)
        if not cur or not cur.get("targets"):
            return sel
        family = {"color": ("recolor", "inpaint"), "content": ("inpaint",), "material": ("inpaint", "recolor")}[cls]
        if cur.get("operation") in family:
            sel.labels = [x for x in cur["targets"] if x in labels]
            sel.invert = bool((cur.get("mask") or {}).get("invert"))
            sel.whole = not sel.labels
        return sel

    def _comparative(self, sel: _Selection, t: str, zh: bool, ctx: PlanContext, adj: dict[str, Any]) -> _Selection:
        """'a bit darker than that' keeps the current adjust's region when no new one is named."""
        if sel.labels:
            return sel
        cur = _last_instruction(ctx)
        if not cur or cur.get("operation") != "adjust" or not cur.get("targets"):
            return sel
        comparative = re.search(r"\b(?:than (?:that|before|now|this)|even|still|more|again|further|too)\b", t) or \
            re.search(r"再|更|还|又", t)
        if comparative and (set(adj) & set(cur.get("adjust", {})) or not sel.whole):
            sel.labels = [x for x in cur["targets"] if x in ctx.labels]
            sel.invert = bool((cur.get("mask") or {}).get("invert"))
        return sel

    # -- follow-ups --------------------------------------------------------------------------------
    def _reference(self, t: str, toks: list[Tok], labels: list[str], zh: bool, ctx: PlanContext) -> _Draft | None:
        cur = _last_instruction(ctx)
        if cur is None:
            return None
        lt = t.lower()

        def has(words: tuple[str, ...]) -> bool:
            if zh:
                return any(w in t for w in words if CJK.search(w)) or any(
                    re.search(r"(?<![a-z])" + re.escape(w) + r"(?![a-z])", lt) for w in words if not CJK.search(w))
            return any(re.search(r"(?<![a-z])" + re.escape(w) + r"(?![a-z])", lt) for w in words)

        things = [x for x in toks if x.cat == "thing"]
        negated = [x for x in things if re.search(r"(?:\bnot|n't|不是|不要|别)\s*(?:the |his |her |their |只)?$",
                                                  t[:x.start])]
        correction = bool(negated) or bool(re.search(r"\b(?:i meant|i mean|meant|instead|rather|actually)\b|我是说|而是|应该是|"
                                                     r"我指的是", t))
        things = [x for x in things if x not in negated]
        new_targets: list[str] = []
        for tok in _head_things(t, things, zh, labels) if things else []:
            found, _inv = resolve_thing(tok.value, labels)
            new_targets += [x for x in found if x not in new_targets]
        if things and not new_targets:
            return _Draft(self._clarify(labels, zh, things[0].text))
        base = copy.deepcopy(cur)
        base.pop("reply", None)
        base.pop("question", None)
        base["targets"] = [x for x in base.get("targets", []) if x in labels]
        if base.get("operation") == "face_swap" and not things and pick_faces(t, ctx.faces):
            base["faces"] = pick_faces(t, ctx.faces)
            return _Draft(base, "reference")
        if has(V.OTHER_EN + V.OTHER_ZH):
            if new_targets:
                base["targets"] = new_targets
            else:
                base["targets"] = _swap_sides(base["targets"], labels)
                faces = base.get("faces") or []
                if len(faces) == 1 and ctx.faces > 1:
                    base["faces"] = [(faces[0] + 1) % min(ctx.faces, 32)]
            return _Draft(base, "reference")
        if new_targets and (has(V.ALSO_EN + V.ALSO_ZH) or correction or len(t.split()) <= 4 or zh):
            base["targets"] = new_targets
            base.pop("mask", None)
            base.pop("faces", None)
            faces = pick_faces(t, ctx.faces)
            if faces:
                base["faces"] = faces
            return _Draft(base, "reference")
        less = has(V.LESS_EN + V.LESS_ZH)
        more = has(V.MORE_EN + V.MORE_ZH)
        again = has(V.AGAIN_EN + V.AGAIN_ZH)
        if not (less or more or again):
            return None
        if less and not re.search(r"\b(?:no less|not less)\b", lt):
            return _Draft(self._weaker(base, ctx))
        factor = _factor(lt if not zh else t, zh)
        if base.get("operation") == "adjust":
            adj = {}
            for k, v in (base.get("adjust") or {}).items():
                if isinstance(v, bool) or isinstance(v, str):
                    adj[k] = v
                elif isinstance(v, (int, float)):
                    adj[k] = round(max(-1.0, min(1.0, v * (factor if more else 1.0))), 2)
            base["adjust"] = adj
        elif more and base.get("operation") in ("inpaint", "restyle", "recolor", "remove"):
            op = self.rules["operations"].get(base["operation"], {})
            lo, hi = op.get("strength", [0.0, 1.0])
            cur_s = base.get("strength") or op.get("default_strength", (lo + hi) / 2)
            base["strength"] = round(min(hi, max(lo, cur_s + 0.15)), 2)
        return _Draft(base, "reference")

    def _weaker(self, base: dict[str, Any], ctx: PlanContext) -> dict[str, Any]:
        """'less' / 'too much': counter a signed adjust, else step back."""
        if base.get("operation") == "adjust":
            adj: dict[str, Any] = {}
            for k, v in (base.get("adjust") or {}).items():
                if k in _SIGNED_PARAMS and isinstance(v, (int, float)) and v:
                    adj[k] = round(-v / 2, 2)
                elif k == "blur" and v:
                    adj["sharpen"] = round(min(1.0, float(v) / 2), 2)
                elif k == "sharpen" and v:
                    adj["blur"] = round(min(1.0, float(v) / 3), 2)
            if adj:
                base["adjust"] = adj
                return base
        return {"operation": "undo", "count": 1}

    # -- when no shape was found ---------------------------------------------------------------------
    def _loose(self, t: str, toks: list[Tok], labels: list[str], zh: bool, ctx: PlanContext,
               forced: list[str] | None) -> _Draft:
        p = Parsed("none", [(0, len(t))])
        work = [x for x in toks]
        sel = self._targets(t, [x for x in work if x.cat in ("thing", "whole", "it", "pron")], labels, zh, forced, p)
        cats = {x.cat for x in work}
        filter_style = _FILTER_WORD.search(t) and any(x.cat == "style" and x.value in V.STYLE_FILTER for x in work)
        if cats & {"gray", "filter", "adjust"} or filter_style:
            if sel.unresolved:
                return _Draft(self._clarify(labels, zh, sel.unresolved))
            adj = _adjust_from(work, t, zh)
            if adj:
                if sel.pronoun_only and not sel.labels:
                    sel.labels, _ = resolve_thing("person", labels)
                sel = self._comparative(sel, t, zh, ctx, adj)
                return _Draft(self._adjust(adj, sel, labels))
        if cats & {"style", "scene"} and not (cats & {"color"} and sel.labels):
            if sel.unresolved:
                return _Draft(self._clarify(labels, zh, sel.unresolved))
            prompt = _style_prompt(t, work, zh, free=False)
            if sel.labels and not sel.whole:
                return _Draft(self._with_mask({"operation": "inpaint", "targets": sel.labels, "prompt": prompt}, sel))
            if "style" in cats or re.search(r"\b(?:make|turn|look|into|as)\b", t) or re.search(r"变|成|改|弄|像", t) \
                    or not _residual(t, work, zh, ("scene", "style", "art", "whole", "it")):
                ins: dict[str, Any] = {"operation": "restyle", "targets": [], "prompt": prompt}
                strength = self._strength("restyle", t, zh)
                if strength is not None:
                    ins["strength"] = strength
                return _Draft(ins)
        if "color" in cats:
            if sel.unresolved:
                return _Draft(self._clarify(labels, zh, sel.unresolved))
            color = _first_color(work)
            if color:
                sel = self._pronoun_target(sel, "color", t, work, labels, ctx, t)
                if not sel.labels:
                    cur = _last_instruction(ctx)
                    if cur and cur.get("operation") == "recolor" and not sel.whole:
                        sel.labels = [x for x in cur.get("targets", []) if x in labels]
                if "material" in cats and sel.labels:
                    prompt = _content_prompt(t, zh, sel, "make", work)
                    return _Draft(self._with_mask({"operation": "inpaint", "targets": sel.labels, "prompt": prompt},
                                                  sel))
                return _Draft(self._with_mask(_recolor(color, sel), sel))
        ref = self._reference(t, toks, labels, zh, ctx)
        if ref is not None:
            return ref
        if sel.unresolved:
            place = _place_phrase(t, work, labels)
            if place:
                prompt = _content_prompt(t, zh, None, "add", work)
                return _Draft({"operation": "inpaint", "targets": place, "prompt": prompt}, "add")
            return _Draft(self._clarify(labels, zh, sel.unresolved))
        if sel.labels:
            residual = _residual(t, work, zh, drop=("thing", "whole", "it", "pron", "material", "art"))
            if residual:
                prompt = _content_prompt(t, zh, sel, "loose", work)
                return _Draft(self._with_mask({"operation": "inpaint", "targets": sel.labels, "prompt": prompt}, sel))
        return _Draft(self._clarify(labels, zh, "", ask_what=True), "ask")

    # -- builders ------------------------------------------------------------------------------------
    def _adjust(self, adj: dict[str, Any], sel: _Selection, labels: list[str]) -> dict[str, Any]:
        ins: dict[str, Any] = {"operation": "adjust", "targets": list(sel.labels), "adjust": adj}
        return self._with_mask(ins, sel)

    @staticmethod
    def _with_mask(ins: dict[str, Any], sel: _Selection) -> dict[str, Any]:
        if sel.invert and ins.get("targets"):
            ins["mask"] = {"invert": True}
        return ins

    def _strength(self, op: str, t: str, zh: bool) -> float | None:
        spec = self.rules.get("operations", {}).get(op, {})
        if "strength" not in spec:
            return None
        lo, hi = spec["strength"]
        f = _factor(t, zh)
        if f == 1.0:
            return None
        base = spec.get("default_strength", (lo + hi) / 2)
        value = base * (0.65 if f < 1 else 1.3)
        return round(min(hi, max(lo, value)), 2)

    def _clarify(self, labels: list[str], zh: bool, missing: str, ask_what: bool = False) -> dict[str, Any]:
        shown = list(dict.fromkeys(labels))
        names = _names(shown, zh) if shown else ""
        if len(names) > 300:
            names = names[:297] + "..."
        if zh:
            if missing and not ask_what:
                q = f"图中没有找到“{missing[:40]}”。" + (f"图里有：{names}。你想修改哪一部分？" if names else "你能换个说法吗？")
            else:
                q = "你想怎么修改这张图？" + (f"图里有：{names}。" if names else "")
        else:
            if missing and not ask_what:
                q = f"I can't find “{missing[:40]}” in this picture." + (
                    f" I can see: {names}. Which part do you mean?" if names else " Could you describe it another way?")
            else:
                q = "What would you like to change?" + (f" In this picture I can see: {names}." if names else "")
        return {"operation": "clarify", "targets": [], "question": q}

    # -- final checks ---------------------------------------------------------------------------------
    def _finish(self, ins: dict[str, Any], ctx: PlanContext, labels: list[str], zh: bool,
                notes: list[str]) -> dict[str, Any]:
        ins = self._sanitize(ins, ctx, labels)
        ins = self._enabled(ins, labels, zh, notes)
        ins["reply"] = _clip(_reply(ins, zh, labels), self._max("reply"))
        if ins["operation"] == "clarify" and not ins.get("reply"):
            ins["reply"] = ins.get("question", "")
        try:
            validate_instruction(ins, self.rules, labels)
            return ins
        except InvalidInstruction as exc:
            notes.append(f"offline plan rejected ({exc.message}); asking instead")
        for fallback in (self._clarify(labels, zh, "", ask_what=True), {"operation": "redo"}, {"operation": "undo"}):
            fb = self._sanitize(fallback, ctx, labels)
            fb["reply"] = _clip(_reply(fb, zh, labels), self._max("reply"))
            try:
                validate_instruction(fb, self.rules, labels)
                return fb
            except InvalidInstruction:
                continue
        return {"operation": "clarify", "question": "?"}

    def _max(self, key: str) -> int:
        return int(self.rules.get("text", {}).get(f"{key}_max_chars", 500))

    def _sanitize(self, ins: dict[str, Any], ctx: PlanContext, labels: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"operation": ins.get("operation", "clarify")}
        op = out["operation"]
        out["targets"] = [x for x in dict.fromkeys(ins.get("targets") or []) if x in labels][:16]
        if op in ("undo", "redo", "clarify"):
            out["targets"] = []
        for key in ("prompt", "negative_prompt", "question"):
            if ins.get(key):
                out[key] = _clip(str(ins[key]), self._max("prompt" if key == "negative_prompt" else key))
        color = ins.get("color")
        if color and parse_color(str(color)) is not None and len(str(color)) <= 40:
            out["color"] = str(color)
        if op == "adjust":
            out["adjust"] = self._clean_adjust(ins.get("adjust") or {})
        spec = self.rules.get("operations", {}).get(op, {})
        strength = ins.get("strength")
        if isinstance(strength, (int, float)) and "strength" in spec:
            lo, hi = spec["strength"]
            out["strength"] = round(min(hi, max(lo, float(strength))), 3)
        mask = ins.get("mask") or {}
        clean_mask: dict[str, Any] = {}
        for key, rng in ((k, v.get("range")) for k, v in self.rules.get("mask", {}).items()):
            if isinstance(mask.get(key), int) and rng:
                clean_mask[key] = int(min(rng[1], max(rng[0], mask[key])))
        if mask.get("invert") and out["targets"]:
            clean_mask["invert"] = True
        if clean_mask:
            out["mask"] = clean_mask
        faces = [f for f in (ins.get("faces") or []) if isinstance(f, int) and 0 <= f < min(max(ctx.faces, 0), 32)]
        if faces:
            out["faces"] = sorted(set(faces))
        if op in ("undo", "redo"):
            count = ins.get("count", 1)
            out["count"] = int(min(50, max(1, count))) if isinstance(count, int) else 1
            if out["count"] == 1:
                out.pop("count")
        return out

    def _clean_adjust(self, adj: dict[str, Any]) -> dict[str, Any]:
        spec = self.rules.get("adjust", {})
        out: dict[str, Any] = {}
        for key, value in adj.items():
            rule = spec.get(key)
            if rule is None:
                continue
            if "range" in rule and isinstance(value, (int, float)) and not isinstance(value, bool):
                lo, hi = rule["range"]
                v = round(min(hi, max(lo, float(value))), 3)
                if v:
                    out[key] = v
            elif "choices" in rule and value in rule["choices"]:
                out[key] = value
            elif rule.get("type", "boolean") == "boolean" and "range" not in rule and "choices" not in rule \
                    and value is True:
                out[key] = True
        return out

    def _enabled(self, ins: dict[str, Any], labels: list[str], zh: bool, notes: list[str]) -> dict[str, Any]:
        """Switch to a close operation when the rules turned this one off or it lacks what it needs."""
        ops = self.rules.get("operations", {})

        def ok(i: dict[str, Any]) -> bool:
            spec = ops.get(i["operation"])
            if not spec or not spec.get("enabled", True):
                return False
            return all(i.get(need) for need in spec.get("needs", []))

        if ok(ins):
            return ins
        op = ins["operation"]
        alt: dict[str, Any] | None = None
        if op == "recolor" and ins.get("color"):
            where = _names(ins.get("targets", []), False) or "image"
            alt = {"operation": "inpaint", "targets": ins.get("targets", []),
                   "prompt": f"{ins['color']} {where}"}
        elif op == "inpaint" and ins.get("prompt"):
            color = _first_color(tokenize(ins["prompt"].lower(), []))
            alt = {"operation": "recolor", "targets": ins.get("targets", []), "color": color} if color else None
            if alt is None or not ok(alt):
                alt = {"operation": "restyle", "targets": [], "prompt": ins["prompt"]} if not ins.get("targets") \
                    else None
        elif op == "restyle" and ins.get("prompt"):
            alt = {"operation": "inpaint", "targets": [], "prompt": ins["prompt"]}
        if alt and ok(alt):
            notes.append(f"operation {op} is not available; using {alt['operation']}")
            return alt
        notes.append(f"operation {op} is not available here; asking instead")
        return self._clarify(labels, zh, "", ask_what=True)


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------
_PERSONAL = {"hair", "face", "eyes", "eyebrows", "lips", "nose", "ears", "teeth", "skin", "neck", "arms", "hands",
             "legs", "shoes", "clothes", "upper_clothes", "coat", "lower_clothes", "skirt", "dress", "hat", "glasses",
             "scarf", "tie", "belt", "beard", "head"}


_PERSONAL_NORMS = _PERSON_PART_NORMS - {"person", "body"}


def _personal_labels(toks: list[Tok], labels: list[str]) -> list[str]:
    """The labels of the first part of a person (hair, shirt ...) that `toks` name and the picture has."""
    for tok in toks:
        value = tok.cats.get("thing")
        if (isinstance(value, str) and value in _PERSONAL) or (
                isinstance(value, tuple) and value[0] == "@label" and _norm_label(value[1]) in _PERSONAL_NORMS):
            found, _inv = resolve_thing(value, labels)
            if found:
                return found
    return []


def _region_color(content: str, toks: list[Tok], zh: bool, labels: list[str], targets: list[str]) -> str | None:
    """The colour when `content` is only a colour and regions already among `targets` ("purple hair", "一头银发"),
    not something new ("a red scarf")."""
    color = _first_color(toks)
    named = [x for x in toks if x.cat == "thing"]
    if not color or not named or _residual(content, toks, zh, ("color", "thing")):
        return None
    if all(_names_label(x.value, labels) and set(resolve_thing(x.value, labels)[0]) <= set(targets) for x in named):
        return color
    return None


def _names_label(value: Any, labels: list[str]) -> bool:
    """Whether a thing is a region of the picture by its own name: 'hair' is, 'a gown' on upper_clothes is not."""
    if isinstance(value, tuple):
        return value[0] == "@label"
    alts = V.CONCEPTS[value][2] if value in V.CONCEPTS else ((value,),)
    norms = {_norm_label(x) for x in labels}
    return any(_norm_label(name) in norms for name in alts[0] if not name.startswith("@"))


@dataclass
class _Selection:
    labels: list[str] = field(default_factory=list)
    invert: bool = False
    whole: bool = False
    pronoun: bool = False
    pronoun_only: bool = False
    unresolved: str = ""


def _clean(text: str, zh: bool) -> str:
    t = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').lower()
    t = re.sub(r"\b(it|that|this|everything|there|he|she)'s\b", r"\1 is", t)
    t = re.sub(r"\b(\w+)n't\b", r"\1 not", t) if not zh else t
    t = t.replace("do not want", "don't want").replace("does not", "doesn't")
    t = re.sub(r"\s+", " ", t).strip(" \t\n.!?;:~。！？；：…")
    return t


_REF_WORDS_EN = {w for phrase in V.MORE_EN + V.LESS_EN + V.AGAIN_EN for w in phrase.split()} | {
    "it", "a", "bit", "little", "lot", "even", "please", "than", "that", "before", "way", "much", "slightly", "is",
    "not", "enough", "still", "so", "just", "make", "do", "the", "effect", "this", "now", "ok", "okay", "tad"}


def _only_reference_words(text: str, zh: bool) -> bool:
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


_COMPLAINT_COPULAS = {"is", "are", "was", "were", "looks", "look", "seems", "seem", "appears"}


def _complaint(adj: dict[str, Any], toks: list[Tok]) -> dict[str, Any]:
    """'the photo is dark' asks for the opposite of what the words name (unless said as 'too dark')."""
    if any(t.text.startswith(("too ", "not ", "too", "太")) for t in toks if t.cat == "adjust"):
        return adj
    out: dict[str, Any] = {}
    for key, value in adj.items():
        if key in _SIGNED_PARAMS and isinstance(value, (int, float)):
            out[key] = -value
        elif key == "blur":
            out["sharpen"] = value
        else:
            out[key] = value
    return out


_CLAUSE = re.compile(r"[,;.]\s*(?:and then|then|after that|afterwards|and also|also|next)\s+|"
                     r"\s+(?:and then|then|after that|afterwards)\s+(?=[a-z])|[;]\s+|\.\s+(?=[a-z])|"
                     r"[，,；;。]\s*(?:然后|再|并且|并|接着|还有|同时|另外|顺便)|然后|接着|顺便再|[；;。]")


_QUESTION_EN = re.compile(r"^(?!what if|what about|how about|what would|how would|what will|what'd)"
                          r"(?:what|what's|whats|which|who|who's|whose|where|why|how many|how much|how old|is there|"
                          r"are there|is this|is that|is it|is she|is he|are they|are these|does|do you see|"
                          r"can you see|could you tell|can you tell|tell me|describe|explain|identify)\b")
_EDIT_WORDS_EN = re.compile(r"\b(?:make|change|turn|remove|erase|delete|add|put|replace|swap|blur|brighten|darken|"
                            r"paint|dye|give|recolou?r|edit|fix|convert|transform|undo|redo|crop|sharpen|pixelate|"
                            r"apply|get rid)\b")
_QUESTION_ZH = re.compile(r"什么|几个|几只|几辆|几位|多少|哪里|哪儿|哪个|哪些|是谁|谁|是不是|有没有|描述|介绍|识别|"
                          r"看到|看见|[吗嘛][?？]?$")
_EDIT_WORDS_ZH = re.compile(r"[把将改换变删加调弄修抠擦染涂刷画放戴穿让p]|去掉|去除|虚化|模糊|撤销|美白|磨皮|打码")


def _is_question(t: str, zh: bool, toks: list[Tok]) -> bool:
    """'what's in this picture?', '图里有几个人': a question about the picture, not an edit."""
    if any(x.cat in ("adjust", "style", "filter", "gray", "scene") for x in toks):
        return False
    if zh:
        return bool(_QUESTION_ZH.search(t)) and not _EDIT_WORDS_ZH.search(t)
    return bool(_QUESTION_EN.match(t)) and not _EDIT_WORDS_EN.search(t)


_COMPLAINT_THEN_ASK = re.compile(
    r"^(?P<s>(?:(?:the|this|that|her|his|my|their) )?[a-z' ]+?) (?:is|are|looks?|seems?|feels?) [a-z' ]+?\s*[,;.!]\s*"
    r"(?:(?:so|please|pls|can you|could you|just|maybe|then) )*(?P<ask>(?:make|turn|change|give|add|remove|replace|fix|"
    r"use|try|put|paint|colou?r|blur|brighten|darken|swap|switch)\b.+)$")


_SEE_IT_WITH = re.compile(r"^.*?\b(?:what|how) (?:it|this|that|the (?:picture|photo|image|room|scene)) (?:would |will )?"
                          r"(?:looks?|look|be) (?:like )?with (?P<c>.+)$|^(?:can you |could you )?show me (?:it |this )?"
                          r"with (?P<c2>.+)$")


def _first_clause(t: str) -> str:
    """The first of several requests ("remove the car, then blur the sky" -> "remove the car")."""
    m = _CLAUSE.search(t)
    if not m or m.start() == 0:
        return t
    head = t[:m.start()].strip(" ,，")
    return head if re.search(r"[a-z\u3400-\u9fff]{2,}", head) else t


def _ctx_with(ctx: PlanContext, text: str) -> PlanContext:
    return PlanContext(text=text, labels=ctx.labels, shares=ctx.shares, history=ctx.history, current=ctx.current,
                       faces=ctx.faces, image_png=ctx.image_png)


_VAGUE_CONTENT = {"better", "nicer", "prettier", "good", "great", "beautiful", "more beautiful", "perfect", "cool",
                  "cooler looking", "awesome", "amazing", "interesting", "more interesting", "different", "fancy",
                  "fancier", "pop more", "look better", "look good", "look nice", "look great", "好看", "更好看",
                  "漂亮", "更漂亮", "好一点", "更好", "美一点", "高级", "高级一点", "有感觉"}


def _vague(content: str) -> bool:
    text = re.sub(r"^(?:look|looks|a bit|a little|much|way|more|even|it|more)\s+", "", content.strip().lower())
    text = re.sub(r"(?:一点|一些|些|点)$", "", text)
    return text in _VAGUE_CONTENT or content.strip().lower() in _VAGUE_CONTENT


def _place_phrase(t: str, toks: list[Tok], labels: list[str]) -> list[str]:
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


def _recolor(color: str, sel: _Selection) -> dict[str, Any]:
    return {"operation": "recolor", "targets": list(sel.labels), "color": color}


_SAME_AS_BEFORE = re.compile(r"^(?:the |that |this )?(?:same|that|this|matching) (?:colou?r|one|thing|style|look|shade)$|"
                             r"^(?:这个|那个|同样的?|一样的?|相同的?)(?:颜色|色|样子|效果)$|^同色$")


def _mentions_it(t: str) -> bool:
    return bool(re.search(r"\b(?:it|them|that|this)\b|它", t))


def _head_things(t: str, things: list[Tok], zh: bool, labels: list[str] | None = None) -> list[Tok]:
    """The things a phrase is about: the head noun and those joined to it by 'and'."""
    if not things:
        return []
    conj = r"\s*(?:,|&|and|or|plus|as well as|和|与|跟|及|以及|还有|、|/)\s*(?:the|his|her|their|its|my|both|" \
           r"他的|她的|的)?\s*"
    if zh:
        # Chinese: the head comes last ("桌子上的杯子" -> 杯子), joined ones before it
        chosen = [things[-1]]
        for prev in reversed(things[:-1]):
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


def _swap_sides(targets: list[str], labels: list[str]) -> list[str]:
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


def _first_color(toks: list[Tok]) -> str | None:
    for tok in toks:
        if "color" in tok.cats and tok.cat in ("color", "material", "adjust", "thing", "scene") and \
                tok.cat != "gray":
            return str(tok.cats["color"])
    hexes = [t for t in toks if t.cat == "color"]
    return str(hexes[0].value) if hexes else None


def _residual(text: str, toks: list[Tok], zh: bool, drop: tuple[str, ...]) -> str:
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
        rest = _ZH_POSITION.sub(" ", rest)
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


def _classify(content: str, toks: list[Tok], zh: bool) -> str:
    """What the 'becomes' part asks for: gray, filter, adjust, color, style, scene, material or content."""
    cats = {t.cat for t in toks}
    local = toks
    w = ("whole", "it")
    if "filter" in cats and not _residual(content, local, zh, ("filter", "art", "style") + w):
        return "filter"
    if "style" in cats and _FILTER_WORD.search(content) and any(
            t.cat == "style" and t.value in V.STYLE_FILTER for t in toks):
        return "filter"
    if "gray" in cats and not _residual(content, local, zh, ("gray", "adjust", "art") + w):
        return "gray"
    if "adjust" in cats and not _residual(content, local, zh, ("adjust", "gray", "filter") + w):
        return "adjust"
    if "color" in cats and not _residual(content, local, zh, ("color", "adjust") + w):
        return "color"
    if "style" in cats and not _residual(content, local, zh, ("style", "art", "scene") + w):
        return "style"
    if "scene" in cats and not _residual(content, local, zh, ("scene", "art", "style") + w):
        return "scene"
    if "art" in cats and not _residual(content, local, zh, ("art",) + w):
        return "style"
    if "material" in cats:
        return "material"
    if "style" in cats:
        return "style_content"
    return "content"


def _zh_to_en() -> dict[str, str]:
    """Chinese words -> English: things by their concept's first English word, materials, colours, then `ZH_EN`."""
    out = {w: (en[0] if en else concept) for concept, (en, zh, _alts) in V.CONCEPTS.items() for w in zh}
    out.update(V.MATERIALS_ZH)
    out.update(V.EXTRA_ZH_COLORS)
    out.update(V.ZH_EN)
    return out


_ZH_TO_EN = _zh_to_en()
_ZH_TO_EN_MAXLEN = max(len(k) for k in _ZH_TO_EN)


def _translate(text: str) -> str:
    """English words for the Chinese content words in `text` (greedy longest match), space-joined."""
    words: list[str] = []
    i = 0
    keys = _ZH_TO_EN
    maxlen = _ZH_TO_EN_MAXLEN
    while i < len(text):
        for n in range(min(maxlen, len(text) - i), 0, -1):
            piece = text[i:i + n]
            if piece in keys:
                words.append(keys[piece])
                i += n
                break
            if piece in CHINESE_COLORS and n >= 1 and (n > 1 or piece in "红黄蓝绿紫粉黑白灰橙棕"):
                words.append(CHINESE_COLORS[piece])
                i += n
                break
            style = next((k for k, (_e, z, _p) in V.STYLES.items() if piece in z), None)
            if style:
                words.append(style)
                i += n
                break
        else:
            m = re.match(r"[a-z][a-z\s'\-]*", text[i:])
            if m:
                words.append(m.group(0).strip())
                i += m.end()
            else:
                i += 1
    return " ".join(dict.fromkeys(w for w in words if w))


# "成短发", "一盆绿植", "艘帆船": what a request names, without the verb's tail and the count
_ZH_COUNTED = re.compile(r"^(?:成|为|作)?(?:(?:[一两几三四五六七八九十这那]|好几)(?:个|只|些|片|轮|朵|架|条|顶|副|件|张|座|艘|道|"
                         r"头|幅|辆|棵|双|套|身|点|块|串|束|群|盆|盘|瓶|杯|层|匹|位|对)|(?:个|只|些|点|艘|顶|幅|辆|棵|朵|匹|副|"
                         r"件|双|串|束|轮)(?=.))?")


def _zh_prompt(content: str) -> str:
    english = _translate(content)
    core = _ZH_COUNTED.sub("", content.strip(" ，,。.的"))
    if english and core:
        return f"{english}, {core}"
    return english or core or content


def _content_prompt(content: str, zh: bool, sel: _Selection | None, kind: str, toks: list[Tok]) -> str:
    text = content.strip(" ,.;:!?，。；：！？")
    text = re.sub(r"^(?:please|instead|now)\s+|\s+(?:please|instead|now|too|as well)$", "", text)
    if zh or CJK.search(text):
        prompt = _zh_prompt(text)
    else:
        prompt = text
        mats = [t for t in toks if t.cat == "material"]
        if mats:
            prompt = f"{text}, {mats[0].value} texture" if mats[0].value not in text else text
    if sel is not None and sel.labels and kind in ("make", "change", "be", "give", "loose") and not zh:
        noun = _names(sel.labels, False)
        prompt = re.sub(r"^(?:look|looks|looking|appear|seem)\s+", "", prompt)
        if noun not in prompt and len(prompt.split()) <= 3 and not re.match(r"(?:a|an|the|some)\b", prompt):
            prompt = f"{prompt} {noun}"
    elif sel is not None and sel.labels and kind in ("make", "be", "loose") and zh:
        noun_en = _names(sel.labels, False)
        if noun_en not in prompt and len(prompt) <= 40:
            prompt = f"{prompt}, {noun_en}"
    return prompt or "detailed, natural"


def _style_prompt(text: str, toks: list[Tok], zh: bool, free: bool) -> str:
    parts: list[str] = []
    for tok in toks:
        if tok.cat == "style":
            parts.append(V.STYLES[tok.value][2])
        elif tok.cat == "scene":
            parts.append(V.SCENES[tok.value][2])
        elif tok.cat == "filter":
            parts.append(f"{tok.value} style")
    base = text.strip(" ,.;:!?，。；：！？")
    if zh or CJK.search(base):
        extra = _zh_prompt(base)
    else:
        extra = re.sub(r"^(?:(?:make|turn|it|into|look|looks|like|a|an|the|this|photo|image|picture)\b\s*)+", "",
                       base).strip()
    if free and not parts:
        parts.append(f"in the style of {extra}" if extra else "artistic style")
    elif extra and extra not in " ".join(parts):
        parts.append(extra)
    return ", ".join(dict.fromkeys(p for p in parts if p)) or "artistic painting"


_STRIP = " ,.;:!?，。；：！？、"


def _sub(t: str, span: tuple[int, int] | None, toks: list[Tok]) -> tuple[str, list[Tok]]:
    """The stripped text of `span` and its tokens re-based onto that text."""
    if span is None:
        return "", []
    seg = t[span[0]:span[1]]
    start = span[0] + len(seg) - len(seg.lstrip(_STRIP))
    seg = seg.strip(_STRIP)
    end = start + len(seg)
    rel = [Tok(x.start - start, x.end - start, x.text, x.cats) for x in toks if x.start >= start and x.end <= end]
    return seg, rel


def _clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "…"


_ADJ_NAMES = {"brightness": "亮度", "contrast": "对比度", "saturation": "饱和度", "warmth": "色温", "blur": "模糊",
              "sharpen": "锐化", "pixelate": "马赛克"}


def _reply(ins: dict[str, Any], zh: bool, labels: list[str]) -> str:
    op = ins["operation"]
    targets = ins.get("targets", [])
    where = _names(targets, zh)
    inverted = bool((ins.get("mask") or {}).get("invert"))
    if inverted:
        where = ("除" + where + "以外的部分") if zh else f"everything except the {where}"
    elif where and not zh:
        where = f"the {where}"
    prompt = ins.get("prompt", "")
    short = prompt if len(prompt) <= 80 else prompt[:77] + "..."
    count = ins.get("count", 1)
    if zh:
        whole = where or "整张图"
        if op == "inpaint":
            return f"把{whole}重绘为：{short}。"
        if op == "recolor":
            color = next((k for k, v in CHINESE_COLORS.items() if v == ins.get("color") and len(k) > 1),
                         ins.get("color", ""))
            return f"把{whole}的颜色改成{color}。"
        if op == "remove":
            return f"去掉{whole}。"
        if op == "restyle":
            return f"把整张图转换为这种风格：{short}。"
        if op == "adjust":
            return f"调整{whole}：{_adjust_desc(ins.get('adjust', {}), True)}。"
        if op == "face_swap":
            faces = ins.get("faces") or []
            return "把你的脸换到" + (f"第{'、'.join(str(f + 1) for f in faces)}张脸上。" if faces else "图中的脸上。")
        if op == "undo":
            return "撤销上一步。" if count == 1 else f"撤销最近{count}步。"
        if op == "redo":
            return "重做上一步。" if count == 1 else f"重做{count}步。"
        return ins.get("question", "")
    whole = where or "the whole image"
    if op == "inpaint":
        return f"Repainting {whole} as: {short}."
    if op == "recolor":
        return f"Recoloring {whole} {ins.get('color', '')}."
    if op == "remove":
        return f"Removing {whole}."
    if op == "restyle":
        return f"Restyling the whole image: {short}."
    if op == "adjust":
        return f"Applying {_adjust_desc(ins.get('adjust', {}), False)} to {whole}."
    if op == "face_swap":
        faces = ins.get("faces") or []
        if faces:
            return "Swapping your face onto face " + ", ".join(str(f + 1) for f in faces) + " (left to right)."
        return "Swapping your face into the picture."
    if op == "undo":
        return "Undoing the last step." if count == 1 else f"Undoing the last {count} steps."
    if op == "redo":
        return "Redoing the last undone step." if count == 1 else f"Redoing {count} steps."
    return ins.get("question", "")


def _adjust_desc(adj: dict[str, Any], zh: bool) -> str:
    parts = []
    for key, value in adj.items():
        if key == "grayscale":
            parts.append("黑白" if zh else "black and white")
        elif key == "stylize":
            parts.append(f"{value}滤镜" if zh else f"a {value} filter")
        elif isinstance(value, (int, float)):
            name = _ADJ_NAMES.get(key, key) if zh else key
            sign = "+" if key in _SIGNED_PARAMS and value > 0 else ""
            parts.append(f"{name} {sign}{float(value):.0%}")
    return ("、" if zh else ", ").join(parts)
