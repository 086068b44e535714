"""The plan: the clauses' drafts as one bare instruction or `{"steps": [...]}`, each step checked, and how
sure the planner is (1.0: every word was read; low: it guessed, skipped words or understood nothing)."""

from __future__ import annotations

import re
from typing import Any

from ...core.instruction import MAX_STEPS, SOLO_OPERATIONS
from .. import vocab as V
from ..base import PlanContext, PlanResult
from .draft import Draft
from .finish import finish
from .reply import clarify
from .tokens import FUNCTION_WORDS, tokenize

# how sure a draft is by how it was found, before unread words count against it
_KIND_SURE = {"ask": 0.1, "chat": 0.9, "history": 1.0, "reference": 0.85, "loose": 0.9, "picture": 1.0, "question": 0.5}
# words that carry the grammar of a request, not its content
_GRAMMAR_EN = set(V.EN_FILLERS) | FUNCTION_WORDS | {
    "make", "turn", "change", "remove", "erase", "delete", "get", "rid", "add", "put", "place", "replace", "swap",
    "give", "set", "do", "same", "it", "this", "that", "them", "her", "his", "him", "she", "he", "they", "their",
    "its", "my", "me", "i", "you", "your", "can", "could", "would", "will", "please", "want", "like", "let", "have",
    "be", "is", "are", "look", "looks", "now", "then", "again", "also", "too", "just", "so", "instead", "actually",
    "rather", "even", "bit", "little", "lot", "slightly", "not", "no", "wait", "into", "crop", "rotate", "flip",
    "mirror", "resize", "upscale", "degrees", "degree", "times", "size", "twice", "half", "as", "big", "bigger",
    "smaller", "square", "left", "right", "middle", "center", "one", "first", "second", "third", "last", "both",
    "biggest", "smallest", "side", "wide", "tall", "by", "to", "colour", "color", "paint", "dye", "recolor",
    "recolour", "take", "out", "of", "off", "more", "less", "than", "before", "way", "much", "some", "new",
    "ok", "okay", "except", "everyone", "everybody", "everything", "all", "sides", "two", "three", "mean", "meant",
}
_GRAMMAR_EN |= {w for phrase in V.MORE_EN + V.LESS_EN + V.AGAIN_EN + V.ALSO_EN + V.OTHER_EN + V.UP_EN + V.DOWN_EN
                for w in phrase.split()} | {"use", "using", "apply"}
_GRAMMAR_ZH = {ch for phrase in V.MORE_ZH + V.LESS_ZH + V.AGAIN_ZH + V.ALSO_ZH + V.OTHER_ZH + V.UP_ZH + V.DOWN_ZH
               for ch in phrase}  # direction words (降低, 提高) are read by the amount, not the tables
_GRAMMAR_ZH |= set("把将给让请帮我你的了一点些下吧呢啊呀再也都很更太成为变换改去掉加调弄个张只辆位条是在上里中边这那它他她们度倍"
                   "左右间第最删除移抹擦拿掉清消两所有全部棵朵块头匹要想能可以"
                   "染涂裁剪转旋翻镜缩放变不对说颜色")  # verbs the planner reads (染黑, 裁剪), 不对/我是说, 颜色


def build_result(rules: dict[str, Any], drafts: list[Draft], ctx: PlanContext, labels: list[str], zh: bool,
                 notes: list[str], name: str) -> PlanResult:
    """One plan from the drafts of a message's clauses."""
    for d in drafts:
        if _says_nothing(d.ins):
            d.ins, d.kind = clarify(labels, zh, "", ask_what=True), "ask"
    edits = [d for d in drafts if d.ins.get("operation") not in SOLO_OPERATIONS]
    missing = [d for d in drafts if d.ins.get("operation") == "clarify" and d.kind not in ("ask", "chat")]
    if missing and edits:  # "remove the cup and blur the sky" with no cup: ask, half an edit would surprise
        notes.append("a clause names something that is not in the picture; asking instead of doing the rest")
        return _single(rules, missing[0], ctx, labels, zh, notes, name, 1.0)
    if len(edits) <= 1:
        chosen = edits[0] if edits else next((d for d in drafts if d.kind != "ask"), drafts[0])
        share = 1.0 if len(drafts) == 1 else 0.7  # a clause that said nothing readable was left out
        return _single(rules, chosen, ctx, labels, zh, notes, name, share)
    if len(edits) < len(drafts):
        notes.append(f"{len(drafts) - len(edits)} part(s) of the message were not an edit and were left out")
    edits = _merged(edits)
    if len(edits) == 1:
        return _single(rules, edits[0], ctx, labels, zh, notes, name, 0.9)
    steps = [finish(rules, d.ins, ctx, labels, zh, notes) for d in edits[:MAX_STEPS]]
    failed = next((s for s in steps if s.get("operation") in SOLO_OPERATIONS), None)
    if failed is not None:  # a step that cannot be planned stops the whole plan before anything runs
        return PlanResult(instruction=failed, planner=name, notes=notes, confidence=0.3)
    sure = min(_confidence(d, s, labels, zh) for d, s in zip(edits, steps, strict=True))
    sure *= (len(edits) / len(drafts)) ** 0.5  # clauses left out make it less sure
    reply = ("；" if zh else "; ").join(s.get("reply", "").rstrip("。.") for s in steps if s.get("reply"))
    plan = {"steps": steps, "reply": (reply + ("。" if zh else "."))[:int(rules.get("text", {}).get("reply_max_chars", 500))]}
    return PlanResult(instruction=plan, planner=name, notes=notes, confidence=round(sure, 2))


def _merged(edits: list[Draft]) -> list[Draft]:
    """Consecutive clauses that ask for the same thing twice ("make it bigger, upscale 2x") are one step: the later,
    more precise one."""
    out: list[Draft] = []
    for d in edits:
        prev = out[-1].ins if out else {}
        same = prev.get("operation") == d.ins.get("operation") and prev.get("targets") == d.ins.get("targets")
        if out and same and (d.ins.get("operation") in ("crop", "resize") or prev == d.ins):
            out[-1] = d
        else:
            out.append(d)
    return out


def _says_nothing(ins: dict[str, Any]) -> bool:
    """A generative edit whose prompt holds no word: leftovers of an unreadable message ("amke b")."""
    prompt = str(ins.get("prompt") or "")
    return ins.get("operation") in ("inpaint", "restyle") and not re.search(r"[a-z]{3,}|[\u3400-\u9fff]", prompt.lower())


def _single(rules: dict[str, Any], draft: Draft, ctx: PlanContext, labels: list[str], zh: bool, notes: list[str],
            name: str, share: float) -> PlanResult:
    ins = finish(rules, draft.ins, ctx, labels, zh, notes)
    if ins.get("operation") == "clarify" and draft.ins.get("operation") != "clarify":
        draft = Draft(clarify(labels, zh, ""), "ask", draft.text)  # the rules turned it into a question
    sure = _confidence(draft, ins, labels, zh) * share
    return PlanResult(instruction=ins, planner=name, notes=notes, confidence=round(sure, 2))


def _confidence(draft: Draft, ins: dict[str, Any], labels: list[str], zh: bool) -> float:
    """How sure: by how the draft was found, times the share of the clause's words that were read."""
    base = _KIND_SURE.get(draft.kind, 1.0)
    if ins.get("operation") == "clarify" and draft.kind not in ("chat", "ask"):
        # Asked back. With every word read, the request names something the picture lacks ("make the horse
        # white" with no horse): as sure of that as of an edit. With words it could not read, it is sure only
        # that it could not act, and a model may read more.
        read = _read_share(draft.text, ins, labels, zh) if draft.text else 0.0
        return base * read if read >= 0.9 else min(base, 0.5)
    if draft.kind in ("ask", "chat", "history", "picture", "question") or not draft.text:
        return base
    return base * _read_share(draft.text, ins, labels, zh)


def _read_share(text: str, ins: dict[str, Any], labels: list[str], zh: bool) -> float:
    """Share of the words of `text` that a table, the grammar or the plan's own prompt accounts for."""
    toks = tokenize(text, labels)
    covered = [False] * len(text)
    for tok in toks:
        covered[tok.start:tok.end] = [True] * (tok.end - tok.start)
    content = " ".join(str(ins.get(k) or "") for k in ("prompt", "color")).lower()
    words = [(m.start(), m.group(0)) for m in re.finditer(r"[a-z][a-z'\-]*|\d+|[\u3400-\u9fff]", text)]
    if not words:
        return 1.0
    read = 0
    for start, word in words:
        if covered[start] or word.isdigit() or word in _GRAMMAR_EN or word in _GRAMMAR_ZH or \
                (len(word) > 1 and word in content) or (len(word) == 1 and not word.isascii() and word in content):
            read += 1
    return read / len(words)
