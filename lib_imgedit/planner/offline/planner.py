"""The offline planner."""

from __future__ import annotations

import re
from typing import Any

from ...lang import is_zh
from ..base import PlanContext, Planner, PlanResult
from .decide import decide
from .draft import Draft
from .finish import finish
from .followup import loose, reference
from .history import history_op, pending_clarify, pick_faces
from .labels import norm_label, resolve_thing
from .parse import EN_REMOVE, ZH_REMOVE, parse_en, parse_zh, strip_prefix
from .reply import clarify
from .tokens import Tok, tokenize
from .typos import fix_typos
from .words import clean_text

_MAX_TEXT = 1000  # characters of a request that are read; the rest cannot change the plan much


class OfflinePlanner(Planner):
    """Rule-based planner for English and Chinese; deterministic, no network."""

    name = "offline"

    def __init__(self, rules: dict[str, Any]):
        self.rules = rules

    def plan(self, ctx: PlanContext) -> PlanResult:
        notes: list[str] = []
        labels = [str(x) for x in (ctx.labels or [])]
        zh = is_zh(ctx.text)
        try:
            draft = plan_draft(self.rules, ctx, labels, zh)
        except Exception as exc:  # a bug here must never reach the user as a crash
            notes.append(f"offline planner error: {type(exc).__name__}: {exc}")
            draft = Draft(clarify(labels, zh, ""))
        ins = finish(self.rules, draft.ins, ctx, labels, zh, notes)
        return PlanResult(instruction=ins, planner=self.name, attempts=1, notes=notes)


def plan_draft(rules: dict[str, Any], ctx: PlanContext, labels: list[str], zh: bool) -> Draft:
    raw = (ctx.text or "")[:_MAX_TEXT]
    t = fix_typos(clean_text(raw, zh), labels)
    if not re.search(r"[a-z0-9\u3400-\u9fff]", t):
        return Draft(clarify(labels, zh, ""), "ask")
    wish = _SEE_IT_WITH.match(t)
    if wish:  # "can i see what it looks like with blue walls": the walls
        draft = plan_draft(rules, _ctx_with(ctx, wish.group("c") or wish.group("c2")), labels, zh)
        if draft.ins.get("operation") != "clarify":
            return draft
    said = _COMPLAINT_THEN_ASK.match(t)
    if said:  # "the road looks boring, make it cobblestone": the ask, about the road
        subject = said.group("s")
        ask = said.group("ask") if subject in ("it", "this", "that") else \
            re.sub(r"\b(?:it|this|that)\b", subject, said.group("ask"), count=1)
        draft = plan_draft(rules, _ctx_with(ctx, ask), labels, zh)
        if draft.ins.get("operation") != "clarify":
            return draft
    first = _first_clause(t)
    if first != t:
        draft = plan_draft(rules, _ctx_with(ctx, first), labels, zh)
        if not (draft.ins.get("operation") == "clarify" and draft.kind == "ask"):
            return draft
    toks = tokenize(t, labels)
    hist = history_op(t, zh, ctx, toks)
    if hist:
        return Draft(hist)
    if _is_question(t, zh, toks):
        return Draft(clarify(labels, zh, "", ask_what=True))
    swap = face_swap_op(t, zh, toks, labels, ctx)
    if swap:
        return Draft(swap)
    pending = pending_clarify(ctx)
    if pending:
        answer = answer_to_question(rules, t, toks, labels, zh, ctx, pending)
        if answer:
            return answer
    return plan_text(rules, t, toks, labels, zh, ctx)


def plan_text(rules: dict[str, Any], t: str, toks: list[Tok], labels: list[str], zh: bool, ctx: PlanContext,
               forced: list[str] | None = None) -> Draft:
    body, offset = strip_prefix(t, zh)
    toks_b = [Tok(x.start - offset, x.end - offset, x.text, x.cats) for x in toks if x.start >= offset]
    parsed = parse_zh(body, toks_b) if zh else parse_en(body, toks_b)
    if zh and parsed.kind == "none" and re.search(r"[a-z]{3,}", body):
        alt = parse_en(body, toks_b)
        if alt.kind != "none":
            parsed = alt
    draft = decide(rules, body, toks_b, parsed, labels, zh, ctx, forced)
    if draft is None:
        draft = reference(rules, body, toks_b, labels, zh, ctx)
    if draft is None:
        draft = loose(rules, body, toks_b, labels, zh, ctx, forced)
    return draft


def face_swap_op(t: str, zh: bool, toks: list[Tok], labels: list[str], ctx: PlanContext) -> dict | None:
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
    if not strong and EN_REMOVE.search(t):
        return None
    ins: dict[str, Any] = {"operation": "face_swap", "targets": [x for x in labels if norm_label(x) == "face"][:1]}
    faces = pick_faces(t, ctx.faces)
    if faces:
        ins["faces"] = faces
    return ins


def answer_to_question(rules: dict[str, Any], t: str, toks: list[Tok], labels: list[str], zh: bool, ctx: PlanContext,
                        pending: str) -> Draft | None:
    if any(x.cat in ("color", "adjust", "style", "scene", "gray", "filter") for x in toks):
        return None
    things = [x for x in toks if x.cat == "thing"]
    if not things or EN_REMOVE.search(t) or ZH_REMOVE.search(t):
        return None
    targets: list[str] = []
    for x in things:
        found, _inv = resolve_thing(x.value, labels)
        targets += found
    if not targets:
        return None
    ptext = fix_typos(clean_text(pending[:_MAX_TEXT], is_zh(pending)), labels)
    pzh = is_zh(pending)
    draft = plan_text(rules, ptext, tokenize(ptext, labels), labels, pzh, ctx, forced=list(dict.fromkeys(targets)))
    if draft.ins.get("operation") == "clarify":
        return None
    return draft


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

