"""Prompts: Chinese content words in English, and the prompt of a generative edit."""

from __future__ import annotations

import re

from ...core.colors import CHINESE_COLORS
from ...core.lang import CJK
from .. import vocab as V
from .draft import Selection
from .labels import names_of
from .tokens import Tok


def _zh_to_en() -> dict[str, str]:
    """Chinese words -> English: things by their concept's first English word, materials, colours, then `ZH_EN`."""
    out = {w: (en[0] if en else concept) for concept, (en, zh, _alts) in V.CONCEPTS.items() for w in zh}
    out.update(V.MATERIALS_ZH)
    out.update(V.EXTRA_ZH_COLORS)
    out.update(V.ZH_EN)
    return out


_ZH_TO_EN = _zh_to_en()
_ZH_TO_EN_MAXLEN = max(len(k) for k in _ZH_TO_EN)


def translate(text: str) -> str:
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
    english = translate(content)
    core = _ZH_COUNTED.sub("", content.strip(" ，,。.的吧呢啊呀"))
    if english and core:
        return f"{english}, {core}"
    return english or core or content


def content_prompt(content: str, zh: bool, sel: Selection | None, kind: str, toks: list[Tok]) -> str:
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
        noun = names_of(sel.labels, False)
        prompt = re.sub(r"^(?:look|looks|looking|appear|seem)\s+", "", prompt)
        if noun not in prompt and len(prompt.split()) <= 3 and \
                not re.match(r"(?:a|an|the|some)\b(?! (?:bit|little|lot|touch|tad)\b)", prompt):  # "a bit bigger sun"
            prompt = f"{prompt} {noun}"
    elif sel is not None and sel.labels and kind in ("make", "be", "loose") and zh:
        noun_en = names_of(sel.labels, False)
        if noun_en not in prompt and len(prompt) <= 40:
            prompt = f"{prompt}, {noun_en}"
    return prompt or "detailed, natural"


def style_prompt(text: str, toks: list[Tok], zh: bool, free: bool) -> str:
    parts: list[str] = []
    for tok in toks:
        if tok.cat == "style":
            parts.append(V.STYLES[tok.value][2])
        elif tok.cat == "scene":
            parts.append(V.SCENES[tok.value][2])
        elif tok.cat == "filter":
            parts.append(f"{tok.value} style")
    base = re.sub(r"\s+(?:instead|please|then|now)$", "", text.strip(" ,.;:!?，。；：！？"))  # "oil painting instead"
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


def span_text(t: str, span: tuple[int, int] | None, toks: list[Tok]) -> tuple[str, list[Tok]]:
    """The stripped text of `span` and its tokens re-based onto that text."""
    if span is None:
        return "", []
    seg = t[span[0]:span[1]]
    start = span[0] + len(seg) - len(seg.lstrip(_STRIP))
    seg = seg.strip(_STRIP)
    end = start + len(seg)
    rel = [Tok(x.start - start, x.end - start, x.text, x.cats) for x in toks if x.start >= start and x.end <= end]
    return seg, rel


def clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "…"


