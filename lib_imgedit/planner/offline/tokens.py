"""Tokens: a request cut into known words (things, colours, styles, adjust words ...), longest match first."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from ...core.colors import CHINESE_COLORS, COLORS
from ...core.labels import split_instance
from ...core.lang import CJK
from .. import vocab as V
from .labels import norm_label, plurals, resolve_thing, singular

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


_COMPARATIVE_COLORS = {"greener": "green", "lusher": "green", "redder": "red", "yellower": "yellow", "whiter": "white", "pinker": "pink",
                       "browner": "brown", "grayer": "gray", "greyer": "grey", "blacker": "black", "purpler": "purple"}


def _static_tables() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    en: dict[str, dict[str, Any]] = {}
    zh: dict[str, dict[str, Any]] = {}

    def put(words: tuple[str, ...] | list[str], cat: str, value: Any) -> None:
        for w in words:
            _add(zh if CJK.search(w) else en, w, cat, value)

    for concept, (en_words, zh_words, _alts) in V.CONCEPTS.items():
        for w in en_words:
            for form in plurals(w):
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
    for word in (*V.ZH_EN, *V.ZH_MEASURES, "其他", "其它", "其余", "碍眼", "显眼", "今天", "明天", "昨天", "每天", "聊天"):
        # 其他 is "the rest", not 他 (him); 碍眼 has no eye, 今天 no sky
        if not any(c in zh.get(word[:i], {}) for i in range(1, len(word)) for c in kept):
            zh.setdefault(word.lower(), {})
    return en, zh


EN_TABLE, _ZH_TABLE = _static_tables()
ZH_WORDS = frozenset(_ZH_TABLE)  # the Chinese words the tables know
ZH_OPERATION_WORDS = frozenset(w for w, cats in _ZH_TABLE.items() if set(cats) & {"adjust", "gray", "filter"})
_ZH_MAXLEN = max(len(w) for w in _ZH_TABLE)


@functools.lru_cache(maxsize=8192)
def word_re(word: str, tail: str = "") -> re.Pattern[str]:
    """`word` as a whole English word (optionally followed by `tail`, e.g. a plural ending), compiled once: the
    tables hold far more words than `re`'s own cache keeps."""
    return re.compile(r"(?<![a-z])" + re.escape(word) + tail + r"(?![a-z])")


@functools.lru_cache(maxsize=4096)
def literal_re(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text))


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_EN_RE = re.compile(r"(?<![a-z0-9])(?<![a-z]-)(?:" + _alternation([w for w in EN_TABLE if w]) + r")(?![a-z0-9])(?!-[a-z])")
_STOP_LABELS = {"a", "an", "the", "it", "is", "to", "of", "and", "or", "in", "on", "at", "me", "my", "i", "this",
                "that", "be", "as", "by", "with", "make", "more", "less", "all", "other", "other merged"}


FUNCTION_WORDS = {"on", "off", "in", "up", "down", "out", "over", "at", "to", "into", "onto", "from", "by", "for",
                   "with", "without", "about", "around", "behind", "near", "under", "above", "below", "and", "or",
                   "but", "if", "then", "than", "as", "much", "bit", "lot", "way", "less", "more", "too", "very"}


USER_MASK_EN = ("this", "it", "that", "here", "there", "this area", "this part", "this spot", "this region", "this bit",
                "that area", "that part", "that spot", "the painted area", "the painted part", "the marked area",
                "the marked part", "the selected area", "the selection", "the brushed area", "what i painted",
                "the area i painted", "the part i painted", "what i marked", "the masked area", "the mask")
USER_MASK_ZH = ("这里", "这儿", "这块", "这个地方", "这部分", "这个区域", "这片", "涂的地方", "涂抹的地方", "选中的地方", "选中的",
                "画的地方", "标记的地方", "它", "这个", "那里", "那块")


# nouns that end compound label names (camp|fire, chess|board, book|shelf); the names of things, and more
_COMPOUND_ENDS = frozenset(w for w in V.OBJECT_ZH if w.isalpha() and len(w) >= 4) | {"board", "stand", "case"}


_PLACE_CHARS_ZH = re.compile(r"[上下里外面边前后中间内旁顶底]")  # 窗户外面 is where, not a thing's name


@functools.lru_cache(maxsize=1)
def _synonyms() -> dict[str, tuple[str, ...]]:
    """English names of things that share their first Chinese name (kid and child: 小孩; fish tank and aquarium)."""
    by_zh: dict[str, list[str]] = {}
    for thing, names in V.OBJECT_ZH.items():
        by_zh.setdefault(names[0], []).append(thing)
    return {w: tuple(x for x in group if x != w) for group in by_zh.values() if len(group) > 1 for w in group}


@functools.lru_cache(maxsize=1)
def _zh_label_names() -> dict[str, list[str]]:
    """English label name -> the Chinese words for it: the replies' name (LABEL_ZH), the names of things
    (OBJECT_ZH), then the prompt translator's."""
    out: dict[str, list[str]] = {}
    for label, name in V.LABEL_ZH.items():
        out.setdefault(label.replace("_", " "), []).append(name)
    for thing, names in V.OBJECT_ZH.items():
        out.setdefault(thing, []).extend(names)
    for word, en in V.ZH_EN.items():
        out.setdefault(en.lower(), []).append(word)
    return out


def _zh_names(norm: str) -> list[str]:
    names = _zh_label_names()
    return names.get(norm, []) + names.get(singular(norm), []) + (names.get(norm[:-2], []) if norm.endswith("oes") else [])


@functools.lru_cache(maxsize=128)
def _label_tables(labels: tuple[str, ...]) -> tuple[re.Pattern[str] | None, dict[str, Any], dict[str, Any]]:
    """Surface forms of the picture's labels: an English regex, its form -> thing map, Chinese forms.
    A full label name maps to ("@label", label); the last word of several-word labels ("left_shoe" ->
    "shoe") maps to ("@head", labels) and gives way to a known word."""
    en: dict[str, Any] = {}
    zh: dict[str, Any] = {}
    heads: dict[str, list[str]] = {}
    firsts: dict[str, list[str]] = {}
    for label in labels:
        norm = norm_label(label)
        if not norm or norm in _STOP_LABELS or len(norm) < 2:
            continue
        if CJK.search(norm):
            zh.setdefault(norm, ("@label", label))
            continue
        for name in _zh_names(norm):  # 烟囱 for `chimney`
            zh.setdefault(name, ("@label", label))
        forms = set(plurals(norm)) | {singular(norm), str(label).lower(), norm.replace(" ", "")}
        for other in _synonyms().get(norm, _synonyms().get(singular(norm), ())):  # "the kid" for `child`
            forms.update(plurals(other))
        for form in forms:
            if len(form) >= 2 and form not in _STOP_LABELS:
                en.setdefault(form, ("@label", label))
        stem = norm_label(split_instance(label)[0])  # `food truck 2` is a food truck: "the truck", not "the 2"
        if stem.isalpha():  # "the board" for `chessboard`, "the boats" for `sailboat 1`, `sailboat 2`: a compound's end
            for cut in range(3, len(stem) - 3):
                if stem[cut:] in _COMPOUND_ENDS:
                    heads.setdefault(stem[cut:], []).append(label)
        if " " in stem:
            heads.setdefault(stem.rsplit(" ", 1)[1], []).append(label)
        if " " in norm:
            first = norm.split(" ", 1)[0]  # "the price sticker" for `price tag`: a modifier no table knows
            if len(first) >= 4 and first not in EN_TABLE and first not in _STOP_LABELS and first not in ("left", "right"):
                firsts.setdefault(first, []).append(label)
    # a class seen only as instances ("dog 1", "dog 2") answers to its name: all of them until a position picks one
    norms = {norm_label(x) for x in labels}
    for label in labels:
        base, number = split_instance(label)
        base = norm_label(base)
        if number is not None and base not in norms and len(base) >= 2 and not CJK.search(base):
            group = tuple(x for x in labels if split_instance(x)[0] == split_instance(label)[0])
            for form in [f for w in (base, *_synonyms().get(base, ())) for f in plurals(w)]:  # "the loaves": `bread 1`...
                en.setdefault(form, ("@head", group))
            for name in _zh_names(base):  # 气球 for `balloon 1`, `balloon 2` (not 画, the start of 画廊)
                if len(name) >= 2:
                    zh.setdefault(name, ("@head", group))
    # the end of a Chinese name (two characters or more) answers to its label when no word and no other label claims
    # it (水壶 for 洒水壶)
    ends: dict[str, set[str]] = {}
    for name, (kind, label) in list(zh.items()):
        for end in (name[cut:] for cut in range(1, len(name) - 1)) if kind == "@label" else ():
            if CJK.fullmatch(end[0]) and not _PLACE_CHARS_ZH.search(end):
                ends.setdefault(end, set()).add(label)
        if kind == "@label" and len(name) == 2 and name[1] == "子":  # 帽 of 帽子 ends 牛仔帽, 罐 of 罐子 ends 果酱罐
            ends.setdefault(name[0], set()).add(label)
    for end, owners in ends.items():
        if len(owners) == 1 and end not in zh and end not in _ZH_TABLE:
            zh[end] = ("@label", owners.pop())
    # the Chinese name of a kind of a label's thing names it (牛仔帽, a cowboy hat, for `hat`), as "the cowboy hat" does
    for thing, names in V.OBJECT_ZH.items():
        owners = tuple(x for x in labels if " " in thing and norm_label(split_instance(x)[0]) == thing.rsplit(" ", 1)[1])
        for name in names if owners and thing not in norms else ():
            zh.setdefault(name, ("@head", owners))  # (a kind, not the label's own name: 换成红色跑车 is a new car)
    # a Chinese word for a kind of thing the picture has none of names the labels whose Chinese name ends with it
    # (船 for `sailboat 1`, `sailboat 2`: 帆船)
    for concept, (_en, zh_words, _alts) in V.CONCEPTS.items():
        for word in (w for w in zh_words if len(w) <= 2 and w not in zh):
            owners = tuple(x for x in labels if not CJK.search(x) and any(
                n.endswith(word) and n != word for n in _zh_names(norm_label(split_instance(x)[0]))))
            if owners and not resolve_thing(concept, list(labels))[0]:
                zh[word] = ("@head", owners)
    # with a painted mask, "this", "here" and "it" are the painted area
    if "user_mask" in labels:
        for form in USER_MASK_EN:
            en[form] = ("@label", "user_mask")
        for form in USER_MASK_ZH:
            zh[form] = ("@label", "user_mask")
    for first, group in firsts.items():
        en.setdefault(first, ("@head", tuple(group)))
    # "dining table" answers to "table" when no label is called that
    for head, group in heads.items():
        if len(head) >= 3 and head not in _STOP_LABELS and head not in V.NON_THING_EN:
            for form in plurals(head):
                en.setdefault(form, ("@head", tuple(group)))
            for name in _zh_names(head) if head not in norms else ():  # 塔 for `lifeguard tower`, as "the tower"
                if name not in _ZH_TABLE:
                    zh.setdefault(name, ("@head", tuple(group)))
    pattern = re.compile(r"(?<![a-z0-9])(?:" + _alternation(list(en)) + r")(?![a-z0-9])") if en else None
    return pattern, en, zh


def _instances_named(group: Any, word: str) -> bool:
    """Whether `group` is the numbered instances of the class `word` names (`player 1`, `player 2` for "players")."""
    bases = {norm_label(split_instance(x)[0]) for x in group if split_instance(x)[1] is not None}
    return len(bases) == 1 and bases.pop() in (word, singular(word))


def label_names_zh(labels: list[str]) -> list[str]:
    """The Chinese words that name the picture's labels (帐篷 for `tent`)."""
    return list(_label_tables(tuple(dict.fromkeys(str(x) for x in labels)))[2])


def tokenize(text: str, labels: list[str]) -> list[Tok]:
    """Tokens of lower-cased `text`, non-overlapping, longest first, sorted by position (fresh copies: a
    message is tokenized whole, by clause and when its confidence is counted)."""
    return [Tok(x.start, x.end, x.text, dict(x.cats)) for x in _tokenize(text, tuple(str(x) for x in labels))]


_MODALS = {"can", "cans", "will", "may"}
_MODAL_AFTER = re.compile(r"\s+(?:you|u|ya|i|we|he|she|it|they|someone|anyone|this|that|be|not|just|also|still|please|pls)\b")


@functools.lru_cache(maxsize=256)
def _tokenize(text: str, labels: tuple[str, ...]) -> tuple[Tok, ...]:
    cands: list[Tok] = []
    for m in _EN_RE.finditer(text):
        cands.append(Tok(m.start(), m.end(), m.group(0), dict(EN_TABLE[m.group(0)])))
    pattern, en_labels, zh_labels = _label_tables(tuple(dict.fromkeys(str(x) for x in labels)))
    if pattern is not None:
        for m in pattern.finditer(text):
            if m.group(0) in _MODALS and _MODAL_AFTER.match(text, m.end()):
                continue  # "can you" with a `watering can`: a question, not the can
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
                if cat == "thing" and isinstance(value, tuple) and (value[0] == "@label" or known is None or (
                        value[0] == "@head" and not resolve_thing(known, list(labels))[0]) or (
                        value[0] == "@head" and _instances_named(value[1], tok.text) and
                        set(resolve_thing(known, list(labels))[0]) != set(value[1]))):  # "the two players": `player 1`, `player 2`
                    clash.cats["thing"] = value
                else:
                    clash.cats.setdefault(cat, value)
    taken = [t for t in taken if t.cats]
    for tok in list(taken):
        head, _, rest = tok.text.partition(" ")
        thing = en_labels.get(head) or EN_TABLE.get(head, {}).get("thing")
        if tok.cat == "color" and rest in COLORS and thing is not None and \
                re.search(r"\b(?:the|her|his|its|their|my|your|our)\s+$", text[:tok.start]):
            # "make the sky blue" is the sky, blue (not the colour sky blue)
            taken.remove(tok)
            taken += [Tok(tok.start, tok.start + len(head), head, {"thing": thing}),
                      Tok(tok.start + len(head) + 1, tok.end, rest, {"color": rest})]
        elif tok.cat == "hairc":  # "红发": the colour, then the hair
            taken.remove(tok)
            taken += [Tok(tok.start, tok.end - 1, tok.text[:-1], {"color": tok.cats["hairc"]}),
                      Tok(tok.end - 1, tok.end, tok.text[-1], {"thing": "hair"})]
        elif tok.text == "画" and text[tok.start - 1:tok.start] in ("的", "幅", "张") and \
                (resolve_thing("painting", labels)[0] or re.search(r"(?:上|里|中|边)的$|[幅张]$", text[:tok.start])):
            tok.cats["thing"] = "painting"  # "墙上的画" (asked about when there is none); "梵高的画" is a style
    for tok in taken:
        if tok.cat == "adjust" and tok.cats["adjust"][0] in ("brightness", "saturation") and any(
                o.cat == "color" and 0 <= o.start - tok.end <= 1 for o in taken):
            del tok.cats["adjust"]
            tok.cats.setdefault("art", True)  # a modifier word, dropped from what is left over
        label = tok.cats.get("thing")
        if isinstance(label, tuple) and label[0] == "@label" and tok.cat != "thing" and (
                re.search(r"\b(?:the|that|this|those|these|his|her|their|my|its|our|your)\s+$|[把将]$", text[:tok.start])):
            for cat in [c for c in tok.cats if _PRIORITY[c] < _PRIORITY["thing"]]:
                del tok.cats[cat]  # "remove the graffiti" in a picture with a `graffiti` label: the thing, not the style
        if tok.text in ("top", "tops", "bottom", "bottoms", "front", "back") and "thing" in tok.cats and (
                text[tok.end:].startswith((" of", " left", " right", " half", " part")) or
                re.search(r"(?:\bat|\bon|\bin|\bfrom|\bto|\bnear) (?:the )?(?:very )?$", text[:tok.start])):
            del tok.cats["thing"]
    ordered = sorted(taken, key=lambda x: x.start)
    for tok, nxt in zip(ordered, ordered[1:], strict=False):
        if tok.cat in ("scene", "style") and "thing" in nxt.cats and text[tok.end:nxt.start] == " " and \
                re.search(r"\b(?:the|his|her|their|my|our|this|that)\s+$", text[:tok.start]):
            tok.cats = {"art": True}  # "the dawn sky", "the night sky": which sky, not a restyle
    colours = [t for t in taken if t.cat == "color"]
    for tok in colours if len(colours) > 1 else ():  # "not red, go with a mint green": the colour said not to use
        if re.search(r"\b(?:not|no|instead of|rather than|than|less)\s+(?:(?:feeling|loving|liking|into|a fan of|sure about)\s+)?"
                     r"(?:the\s+|that\s+)?$|(?:不是|不要|别用|而不是)$", text[:tok.start]):
            tok.cats = {"art": True}  # read, and no longer a colour
    return tuple(sorted((t for t in taken if t.cats), key=lambda t: t.start))


