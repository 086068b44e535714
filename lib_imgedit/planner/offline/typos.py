"""Typos: mistyped words spelt right before a request is read: English by the slips a keyboard makes, Chinese by
sound (a pinyin input method offers a word of the same sound: 模湖 for 模糊)."""

from __future__ import annotations

import difflib
import functools
import re

from ...core.colors import CHINESE_COLORS, COLORS
from .. import vocab as V
from .tokens import EN_TABLE, FUNCTION_WORDS, ZH_OPERATION_WORDS, label_names_zh, tokenize

_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_AT = {c: (r, i) for r, row in enumerate(_KEY_ROWS) for i, c in enumerate(row)}


def _near_keys(a: str, b: str) -> bool:
    (r1, i1), (r2, i2) = _KEY_AT.get(a, (9, 99)), _KEY_AT.get(b, (-9, -99))
    return a != b and abs(r1 - r2) <= 1 and abs(i1 - i2) <= 1


def typo_readings(word: str) -> list[set[str]]:
    """What a mistyped `word` may have meant, likeliest slips first: two letters swapped ("hiar"), a doubled
    letter ("blurr"), a letter left out ("backround"), a neighbouring key hit or slipped in ("rwmove"), any letter
    slipped in ("pidgeon")."""
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
    extra = {word[:i] + word[i + 1:] for i in range(1, n - 1)} if n >= 6 else set()  # not an ending ("glassy")
    return [tier - {word} for tier in (swapped, doubled, missing, slipped, extra)]


@functools.lru_cache(maxsize=1)
def typo_vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """(words a typo may be corrected into, words that are never corrected)."""
    targets = {w for en, _zh, _alts in V.CONCEPTS.values() for w in en} | set(COLORS) | set(V.TYPO_TARGETS_EN)
    targets = {w for w in targets if w.isalpha() and len(w) >= 4}
    known = {w for key in EN_TABLE for w in re.findall(r"[a-z]+", key)} | set(V.EN_FILLERS) | V.NON_THING_EN
    known |= FUNCTION_WORDS | set(V.TYPO_SAFE_EN.split()) | set(V.INFORMAL_EN.split()) | targets
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
    return closest(word, _by_shape().get((word[:1], len(word)), ()))


@functools.lru_cache(maxsize=1)
def _by_shape() -> dict[tuple[str, int], tuple[str, ...]]:
    """Correction targets by (first letter, length): a wrong letter keeps both (the slip rules above read letters
    left out, doubled or swapped)."""
    out: dict[tuple[str, int], list[str]] = {}
    for w in typo_vocabulary()[0]:
        out.setdefault((w[0], len(w)), []).append(w)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def closest(word: str, candidates: tuple[str, ...] | list[str]) -> str:
    """The one known word `word` is a slip of by similarity (difflib's ratio >= 0.85: one letter wrong in a word of
    seven or more, "pixalate", "sharpin"), or `word` when none is, or two are as close."""
    if len(word) < 7:
        return word
    close = difflib.get_close_matches(word, candidates, n=2, cutoff=0.85)
    if len(close) == 2 and difflib.SequenceMatcher(None, word, close[0]).ratio() == \
            difflib.SequenceMatcher(None, word, close[1]).ratio():
        return word
    return close[0] if close else word


_NUMBER_ZH = re.compile(r"[一二三四五六七八九十两几百千万半]")
_CJK_ONLY = re.compile(r"[\u3400-\u9fff]+")
# characters too common to be a slip in a thing's name (没食欲 is not 美食欲; 云多 not 云朵)
_COMMON_ZH = frozenset("没不的了是在有我你他她它这那就都也还很太再多少要想看给把被让吗吧呢啊个和又才只")


@functools.lru_cache(maxsize=1)
def _zh_by_sound() -> dict[tuple[str, ...], str]:
    """The Chinese words for what to do (模糊, 马赛克, 黑白) and colours said with 色 (蓝色), of two or three characters,
    by their sound (no tones); not things, whose sounds too many real words share; a sound two words share is left
    out."""
    from pypinyin import lazy_pinyin

    colours = {w for w in CHINESE_COLORS if w.endswith("色")}  # 蓝色: 兰色 (the colour names said with 色)
    words = {w for w in ZH_OPERATION_WORDS | set(V.REMOVE_ZH) | colours if 2 <= len(w) <= 3 and not _NUMBER_ZH.search(w)}
    out: dict[tuple[str, ...], str] = {}
    shared: set[tuple[str, ...]] = set()
    for w in sorted(words):
        key = tuple(lazy_pinyin(w))
        if key in out:
            shared.add(key)
        out[key] = w
    return {k: v for k, v in out.items() if k not in shared}


@functools.lru_cache(maxsize=1)
def _thing_words_zh() -> frozenset[str]:
    """Chinese words for things (小鹿 holds 鹿, a deer): a piece holding one was typed as meant."""
    words = {w for _en, zh, _alts in V.CONCEPTS.values() for w in zh} | {w for names in V.OBJECT_ZH.values() for w in names}
    return frozenset(w for w in words | set(V.ZH_EN) if _CJK_ONLY.fullmatch(w))


def _names_a_thing(piece: str, at: int) -> bool:
    """Whether the character at `at` belongs to a word for a thing within `piece` (鹿 in 小鹿; not 派 in 车派)."""
    return any(0 <= at - piece.find(w) < len(w) for w in _thing_words_zh() if w in piece)


def fix_zh_typos(text: str, labels: list[str]) -> str:
    """`text` with Chinese words typed with one wrong character of the same sound ("把背景模湖一下", 摸糊) read as
    the known word. Only where the tables read nothing: a piece holds a character no word covers and cuts into no
    word of two or more (变成红色 stays); never a piece with a number (两度). Unchanged without pypinyin."""
    try:
        from pypinyin import lazy_pinyin
    except ImportError:  # optional: Chinese typos stay as typed
        return text
    index = _zh_by_sound()
    things: dict[tuple[str, ...], str] = {}  # the picture's things by sound: 帐蓬 is 帐篷
    for name in label_names_zh(labels):
        if 2 <= len(name) <= 3 and _CJK_ONLY.fullmatch(name) and not _NUMBER_ZH.search(name):
            things.setdefault(tuple(lazy_pinyin(name)), name)
    word_at = [0] * len(text)  # the length of the known word covering each character (0: none)
    for tok in tokenize(text, labels):
        for k in range(tok.start, tok.end):
            word_at[k] = tok.end - tok.start
    found = []  # (characters no word covers, start, length, the word meant)
    for n in (3, 2):
        for i in range(len(text) - n + 1):
            piece = text[i:i + n]
            if not all("\u3400" <= c <= "\u9fff" for c in piece) or _NUMBER_ZH.search(piece) or \
                    any(w >= 2 for w in word_at[i:i + n]) or all(word_at[i:i + n]):
                continue
            sound = tuple(lazy_pinyin(piece))
            word = index.get(sound) or things.get(sound)
            wrong = [k for k in range(n) if piece[k] != (word or piece)[k]]
            if word and len(wrong) == 1 and (sound in index or (piece[wrong[0]] not in _COMMON_ZH and not _names_a_thing(piece, wrong[0]))):
                found.append((n - sum(1 for w in word_at[i:i + n] if w), n, i, word))
    taken: list[tuple[int, int, str]] = []
    for _free, n, i, word in sorted(found, reverse=True):  # the piece most made of unread characters first
        if all(i + n <= a or b <= i for a, b, _w in taken):
            taken.append((i, i + n, word))
    for a, b, word in sorted(taken, reverse=True):
        text = text[:a] + word + text[b:]
    return text


def fix_typos(text: str, labels: list[str]) -> str:
    """`text` with its mistyped words spelt right; the picture's own label words stay as they are."""
    if re.search(r"[\u3400-\u9fff]", text):
        text = fix_zh_typos(text, labels)
    own = {w for lab in labels for w in re.findall(r"[a-z]+", str(lab).lower())}
    known = typo_vocabulary()[1]

    def fix(word: str) -> str:
        if word in own:
            return word
        fixed = _corrected(word)
        if fixed == word and word not in known:  # "umbrela" in a picture with an umbrella
            hits = next((tier & own for tier in typo_readings(word) if tier & own), set())
            fixed = hits.pop() if len(hits) == 1 else closest(word, [w for w in own if len(w) == len(word)])
        return fixed

    text = _CHAT.sub(lambda m: V.CHAT_EN[m.group(0)], text)  # "plz pixalate ur face" -> "please pixalate your face"
    return re.sub(r"(?<![a-z'])[a-z]{3,}(?![a-z'])", lambda m: fix(m.group(0)), text)


_CHAT = re.compile(r"(?<![a-z'&/])(?:" + "|".join(re.escape(w) for w in sorted(V.CHAT_EN, key=len, reverse=True)) +
                   r")(?![a-z'&/])")


