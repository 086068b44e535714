"""The offline planner: one message -> its clauses -> one instruction each -> one plan.

`plan_message` reads what is about the whole message (not an edit, undo/redo, an answer to a question
asked back, a self-correction) and cuts it into clauses; `plan_clause` reads one clause with the edit
before it as context (the previous clause's, or the one that made the current picture); `build` turns the
drafts into a bare instruction or `{"steps": [...]}` and says how sure it is.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ...core.instruction import SOLO_OPERATIONS
from ...core.labels import split_instance
from ...core.lang import is_zh
from ..base import PlanContext, Planner, PlanResult
from .asides import where_it_is
from .build import build_result
from .carried import INSTEAD
from .chat import chat_answer, chat_kind, is_question
from .clauses import corrected, replaced, split_clauses
from .complaints import after_complaint
from .confidence import named_operations
from .decide import decide
from .doubts import prompt_says
from .draft import Draft
from .exclude import EXCLUSION_WORDS, exclusion, inverted, kept_then_rest, kept_too
from .face_swap import face_swap_op
from .followup import loose, reference, repeat_plan
from .geometry import other_way, picture_op
from .history import history_op, last_instruction, pending_clarify, referent
from .labels import names_of, norm_label, resolve_thing
from .parse import EN_REMOVE, ZH_REMOVE, parse_en, parse_zh, strip_prefix
from .positions import pick_faces
from .reply import clarify
from .tokens import Tok, tokenize
from .typos import fix_typos
from .variants import (
    added_in_colour,
    added_instead,
    added_size,
    added_there_too,
    added_too,
    also_excluded,
    another_one,
    colour_to,
    more_colour,
    more_like,
    more_of,
    more_pastel,
    other_way_round,
)
from .words import clean_text, same_colour

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
            drafts = plan_message(self.rules, ctx, labels, zh)
        except Exception as exc:  # a bug here must never reach the user as a crash
            notes.append(f"offline planner error: {type(exc).__name__}: {exc}")
            drafts = [Draft(clarify(labels, zh, ""), "ask")]
        result = build_result(self.rules, drafts, ctx, labels, zh, notes, self.name)
        result.clauses = len(drafts)
        result.said = named_operations(clean_text(ctx.text or "", zh), labels)
        return result


def plan_message(rules: dict[str, Any], ctx: PlanContext, labels: list[str], zh: bool) -> list[Draft]:
    """The drafts of every clause of the message in `ctx.text`, in order."""
    if not ctx.message:
        ctx = dataclasses.replace(ctx, message=ctx.text or "")
    t = same_colour(where_it_is(fix_typos(clean_text((ctx.text or "")[:_MAX_TEXT], zh), labels), labels), zh, ctx.edits)
    t = _REMOVED_THEN_FILLED_ZH.sub("", t) if zh else t  # 把草去掉换成泥土: the grass becomes dirt, 把草换成泥土
    if not re.search(r"[a-z0-9\u3400-\u9fff]", t):
        return [Draft(clarify(labels, zh, ""), "ask", t)]
    toks = tokenize(t, labels)
    kind = chat_kind(t, zh, toks)
    if kind:
        return [Draft(chat_answer(kind, labels, zh, ctx.generative), "chat", t)]
    other = another_one(t, ctx) or added_in_colour(t, ctx) or added_instead(t, ctx) or added_size(t, ctx) or \
        added_too(t, ctx) or added_there_too(t, ctx) or \
        also_excluded(t, zh, labels, ctx) or other_way_round(t, ctx) or more_pastel(t, ctx) or colour_to(t, ctx) or \
        more_of(t, ctx) or more_like(t, ctx) or more_colour(t, ctx)
    if other:
        return [Draft(other, "reference", t)]
    instead = _UNDO_THEN.match(t)
    if instead and re.search(r"留着|保留|别动|不动|不要动|就好|就行|过头|过了|太|有点|不好看|难看|stays?|keep|^[吧了啊]",
                             instead.group("rest") or instead.group("rest_zh") or ""):
        instead = None  # "撤回上一步，车还是留着": the undo; the rest says what stays
    if instead and last_instruction(ctx):  # "undo that and try oil painting instead": that edit, in place of the last
        drafts = plan_message(rules, with_text(ctx, instead.group("rest") or instead.group("rest_zh")), labels, zh)
        if drafts and drafts[0].ins.get("operation") not in SOLO_OPERATIONS:
            drafts[0].ins["replace"] = True
            return drafts
    gapped = _GAPPED_AFTER.match(t)
    if gapped and last_instruction(ctx):  # "and the floor to grass" after "change the glass roof to a clear blue sky"
        return plan_message(rules, with_text(ctx, f"change {gapped.group('rest')}"), labels, zh)
    hist = history_op(t, zh, ctx, toks)
    if hist:
        return [Draft(hist, "history", t)]
    if is_question(t, zh, toks):
        return [Draft(chat_answer("question", labels, zh, ctx.generative), "chat", t)]
    repeated = repeat_plan(t, zh, ctx)
    if repeated:
        return repeated
    pending = pending_clarify(ctx)
    if pending:
        answer = answer_to_question(rules, t, toks, labels, zh, ctx, pending)
        if answer:
            return [answer]
    kept = kept_then_rest(t, zh)
    if kept:  # "make the taxi pop - everything else black and white": all but the taxi
        rest = plan_message(rules, with_text(ctx, kept), labels, zh)
        if rest[0].ins.get("operation") != "clarify":
            return rest
    moved = _moved(rules, t, labels, zh, ctx)
    if moved:
        return [moved]
    wish = _SEE_IT_WITH.match(t)
    if wish:  # "can i see what it looks like with blue walls": the walls
        seen = plan_message(rules, with_text(ctx, wish.group("c") or wish.group("c2")), labels, zh)
        if seen[0].ins.get("operation") != "clarify":
            return seen
    asked = after_complaint(t, labels, zh, ctx, lambda text: plan_message(rules, with_text(ctx, text), labels, zh))
    if asked:
        return asked
    drafts: list[Draft] = []
    before = None  # the edit of the previous clause: "make her hair red, and the lips too"
    taken_back = replaced(t, zh)
    back = plan_clause(rules, with_text(ctx, taken_back), labels, zh).ins if taken_back else None
    if back and back.get("operation") not in SOLO_OPERATIONS:  # "make her hair pink... no, make it purple": "it" is
        before = back  # still the hair
    for part in split_clauses(corrected(t, zh), zh, None if zh else lambda head, rest: _droppable(head, rest, labels)):
        draft = plan_clause(rules, with_text(ctx, part, before), labels, zh, before is not None)
        drafts.append(draft)
        if draft.ins.get("operation") not in SOLO_OPERATIONS:
            before = draft.ins
    if back and len(drafts) == 1 and _region_unsaid(drafts[0], back, labels):
        drafts[0].ins["targets"] = list(back["targets"])  # "make the foam less saturated, no wait, darker": the foam
    for draft in drafts:
        draft.ins = kept_too(draft.ins, t, labels, zh)
    if len(drafts) == 1:
        _with_likeness(drafts[0].ins, ctx.text or "")
    return _removed_then_filled(drafts)


_LIKENESS = re.compile(r",\s*(?:(?:kinda|kind of|sort of|something) )?like (?P<x>(?:an? |the )?[a-z][a-z' ]{1,40}?)[.!]*$")


def _with_likeness(ins: dict[str, Any], text: str) -> None:
    """", like a bob" after "make my hair shorter": what the new look is like belongs in the prompt (the plain form
    of the request left it out, as it leaves out ", like portrait mode" after a blur)."""
    like = _LIKENESS.search(text.lower().strip())
    prompt = str(ins.get("prompt") or "")
    if like and ins.get("operation") in ("inpaint", "restyle") and like.group("x") not in prompt.lower():
        ins["prompt"] = f"{prompt}, like {like.group('x')}" if prompt else like.group("x")


def _region_unsaid(draft: Draft, taken_back: dict[str, Any], labels: list[str]) -> bool:
    """Whether a self-correction changes only how an adjustment goes, naming no region: the region it took back stays."""
    return draft.ins.get("operation") == taken_back.get("operation") == "adjust" and not draft.ins.get("targets") and \
        bool(taken_back.get("targets")) and not (taken_back.get("mask") or {}).get("invert") and \
        not any(x.cat in ("thing", "whole", "pron", "it") for x in tokenize(draft.text, labels))


_REMOVED_THEN_FILLED_ZH = re.compile(r"(?:去掉|删掉|删除|拿掉|移除|去除|擦掉|抹掉|清掉)了?(?:[，,]\s*)?(?:然后|再|并且?)?"
                                     r"(?=换成|改成|变成|弄成|填上|补上|铺上)")
_GAPPED_AFTER = re.compile(r"^(?:and|now|then|also)\s+(?P<rest>(?:the|his|her|their|my) [a-z]+(?: [a-z]+)? (?:to|into) [a-z].*)$")
_FILL_IT = re.compile(r"^(?:and |then |just |and just )*(?:make it|turn it into|replace it with|fill (?:it|the gap|the space) (?:in )?with|"
                      r"put|换成|改成|变成|弄成|填上|补上)")


def _removed_then_filled(drafts: list[Draft]) -> list[Draft]:
    """"remove the window and just make it plain wall", 把沙坑去掉，换成草地: one repaint of what was removed."""
    if len(drafts) != 2 or drafts[0].ins.get("operation") != "remove" or drafts[1].ins.get("operation") != "inpaint" or \
            not _FILL_IT.match(drafts[1].text.strip()):
        return drafts
    first, then = drafts
    ins = {"operation": "inpaint", "targets": list(first.ins.get("targets") or []), "prompt": then.ins.get("prompt")}
    return [Draft(ins, then.kind, f"{first.text}, {then.text}")]


def _droppable(head: str, rest: str, labels: list[str]) -> bool:
    """Whether what a message says before its request can be left out: it keeps nothing and names no region of the
    picture, or the request names its own thing of the picture."""
    if EXCLUSION_WORDS.search(head) or re.search(r"\b(?:leave|keep|except|only|just)\b", head):
        return False

    def things(part: str) -> bool:
        return any(x.cat == "thing" and resolve_thing(x.value, labels)[0] for x in tokenize(part, labels))

    return things(rest) or not (things(head) or any(x.cat == "pron" for x in tokenize(head, labels)) or re.search(
        r"\b(?:one|ones|left|right|middle|top|bottom|side|part|area|bit|here|there|rest|everything|everyone|all)\b", head))


def plan_clause(rules: dict[str, Any], ctx: PlanContext, labels: list[str], zh: bool, later: bool = False) -> Draft:
    """One clause (already cleaned) against the labels and the edit before it; in a `later` clause of a message,
    "it" is what the clause before it changed ("make the background a forest, and blur it")."""
    t = ctx.text
    toks = _deictic(tokenize(t, labels), t)
    swap = face_swap_op(t, zh, toks, labels, ctx)
    if swap:
        return Draft(swap, "", t)
    picture = other_way(t, last_instruction(ctx)) or picture_op(t, zh, toks, labels)
    if picture:  # a crop that says neither shape nor place is asked about
        return Draft(picture, "picture" if picture["operation"] != "clarify" else "question", t)
    forced = _brushed(toks, labels)
    them = [x for x in toks if x.cat == "pron" and x.text in ("them", "they")]  # "hide her hands pls, blur them": the hands
    people = any(norm_label(split_instance(x)[0]) in ("person", "people") for x in (ctx.current or {}).get("targets") or [])
    if later and forced is None and ctx.current and ctx.current.get("targets") and \
            (any(x.cat == "it" for x in toks) or (them and not people)) and \
            not any(x.cat in ("thing", "whole") or (x.cat == "pron" and x not in them) for x in toks):
        forced = [x for x in ctx.current["targets"] if x in labels] or None
    draft = plan_text(rules, t, toks, labels, zh, ctx, forced=forced)
    if draft.text and draft.text != t:
        draft.read = []  # spans of another text
    draft.text = t
    cur = last_instruction(ctx) or {}
    if not later and INSTEAD.search(t) and cur.get("operation") == draft.ins.get("operation") == "adjust" and \
            cur.get("targets") == draft.ins.get("targets"):
        draft.ins["replace"] = True  # "pixelate it instead": the blur it replaces goes
        dropped = re.search(r"\binstead of (?:the )?(\w+)", t)  # "use pixels instead of blur": not the blur as well
        said = [x.cats["adjust"][0] for x in tokenize(dropped.group(1), labels) if x.cat == "adjust"] if dropped else []
        if said and len(draft.ins.get("adjust") or {}) > 1:
            draft.ins["adjust"] = {k: v for k, v in draft.ins["adjust"].items() if k not in said}
    return draft


def with_text(ctx: PlanContext, text: str, before: dict[str, Any] | None = None) -> PlanContext:
    """`ctx` for one part of the message; `before` (an earlier clause's edit) stands in for the current one."""
    if before is None:
        return dataclasses.replace(ctx, text=text)
    return dataclasses.replace(ctx, text=text, current=before, edits=[*ctx.edits, before], asked="")


def _deictic(toks: list[Tok], text: str) -> list[Tok]:
    """'this picture' is the picture, not the painted area that 'this' alone would be."""
    out = []
    for i, tok in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if tok.cats.get("thing") == ("@label", "user_mask") and nxt is not None and nxt.cat == "whole" and \
                nxt.start - tok.end <= 1:
            continue
        if tok.text == "that" and tok.cat == "it" and nxt is not None and nxt.cat in ("adjust", "color") and \
                re.search(r"\bnot\s+$", text[:tok.start]):
            continue  # "not that bright": how bright, not what
        out.append(tok)
    return out


def _brushed(toks: list[Tok], labels: list[str]) -> list[str] | None:
    """With a painted mask and nothing named ("remove", "make red", "blur"), the painted area."""
    if "user_mask" not in labels or any(x.cat in ("thing", "whole", "pron") for x in toks):
        return None
    return ["user_mask"]


def _added_again(ins: dict[str, Any], t: str, body: str, labels: list[str], zh: bool, ctx: PlanContext) -> None:
    """New content that says only "another one" or "in it": what was just added (花上面再加一只 after adding a
    butterfly), the thing named (蜡烛再多加几根: more candles), in the region just edited (里面再加几片柠檬)."""
    added = referent(ctx) or {}
    targets = ins.get("targets") or []
    if _ONE_MORE.search(t) and not prompt_says(str(ins.get("prompt") or ""), targets):
        if added.get("operation") == "inpaint" and added.get("prompt"):
            ins["prompt"] = added["prompt"]
        elif zh and targets:
            ins["prompt"] = f"{names_of(targets, False)}, {names_of(targets, True)}"
    there = [x for x in added.get("targets") or [] if x in labels]
    if there and _IN_IT.match(body) and not (added.get("mask") or {}).get("invert"):
        ins["targets"] = there


_IN_IT = re.compile(r"^(?:在)?(?:里面|里头|上面|上头|这里面|那里面)(?:再|也|还)?(?:加|放|添)|^(?:add|put) [a-z ]+ (?:in|on|inside|into) (?:it|there)(?: too| as well)?$")
_ONE_MORE = re.compile(r"\b(?:another|one more|more|too|also|as well)\b|[再也又还]")


def plan_text(rules: dict[str, Any], t: str, toks: list[Tok], labels: list[str], zh: bool, ctx: PlanContext,
              forced: list[str] | None = None) -> Draft:
    excluded = None if forced else exclusion(t, toks, labels, zh)
    if excluded:  # "blur everything except the dog": the rest read on the whole picture, then inverted
        whole = dataclasses.replace(ctx, current=None, edits=[])  # the rest is read on the whole picture, not the last region
        draft = plan_text(rules, excluded[1], tokenize(excluded[1], labels), labels, zh, whole)
        before = draft.ins
        style = draft.kind == "style" or any(x.cat in ("style", "filter") for x in tokenize(excluded[1], labels))
        draft.ins = inverted(draft.ins, excluded[0], style=style)
        draft.read = [excluded[2]] if draft.ins is not before else []  # the exclusion's words, read when it acted
        draft.text = t  # (the spans are of the whole clause)
        return draft
    body, offset = strip_prefix(t, zh)
    toks_b = [Tok(x.start - offset, x.end - offset, x.text, x.cats) for x in toks if x.start >= offset]
    parsed = parse_zh(body, toks_b) if zh else parse_en(body, toks_b)
    if zh and parsed.kind == "none" and re.search(r"[a-z]{3,}", body):
        alt = parse_en(body, toks_b)
        if alt.kind != "none":
            parsed = alt
    draft = decide(rules, body, toks_b, parsed, labels, zh, ctx, forced)
    if draft is not None and parsed.kind == "add" and draft.ins.get("operation") == "inpaint":
        _added_again(draft.ins, t, body, labels, zh, ctx)
    if draft is None:
        draft = reference(rules, body, toks_b, labels, zh, ctx)
    if draft is None:
        draft = loose(rules, body, toks_b, labels, zh, ctx, forced)
        draft.kind = draft.kind or "loose"
    return draft


_ASKS_ANEW = re.compile(r"^(?:(?:can|could) (?:you|u) |please )?(?:add|put|place|make|turn|change|paint|replace|swap|blur|brighten|"
                        r"darken|give)\b|^(?:请|帮我)?(?:在|把|将|给).{1,8}?(?:放|加|换|改|变|涂|刷|染|调|画)")


def answer_to_question(rules: dict[str, Any], t: str, toks: list[Tok], labels: list[str], zh: bool, ctx: PlanContext,
                       pending: str) -> Draft | None:
    if any(x.cat in ("color", "adjust", "style", "scene", "gray", "filter") for x in toks):
        return None
    things = [x for x in toks if x.cat == "thing"]
    if not things and pick_faces(t, 3) and not (EN_REMOVE.search(t) or ZH_REMOVE.search(t)):
        # "the one on the right" after "which one?": the request again, with the position said
        pzh = is_zh(pending)
        ptext = fix_typos(clean_text(pending[:_MAX_TEXT], pzh), labels) + ("，" if pzh else ", ") + t
        draft = plan_text(rules, ptext, tokenize(ptext, labels), labels, pzh, ctx)
        if draft.ins.get("operation") != "clarify" and len(draft.ins.get("targets") or []) == 1:
            draft.kind, draft.text, draft.read = "reference", t, []
            return draft
        return None
    if not things or EN_REMOVE.search(t) or ZH_REMOVE.search(t) or _ASKS_ANEW.search(t):
        return None  # (a request of its own, 在毯子上放一个草莓蛋糕, is no answer)
    targets: list[str] = []
    for x in things:
        found, _inv = resolve_thing(x.value, labels)
        targets += found
    if not targets:
        return None
    pzh = is_zh(pending)
    ptext = fix_typos(clean_text(pending[:_MAX_TEXT], pzh), labels)
    ptoks = tokenize(ptext, labels)
    if chat_kind(ptext, pzh, ptoks) or is_question(ptext, pzh, ptoks):
        return None  # the question answered a greeting or a question, not an edit waiting for its target
    draft = plan_text(rules, ptext, ptoks, labels, pzh, ctx, forced=list(dict.fromkeys(targets)))
    if draft.ins.get("operation") == "clarify" or draft.kind == "loose":
        return None
    draft.kind, draft.text = "reference", t
    return draft


_UNDO_THEN = re.compile(r"^(?:(?:please|ok|hmm+|no)[\s,]+)*(?:undo|revert|take back|cancel)(?: (?:that|it|this|the last (?:one|edit|step)))?"
                        r"\s*(?:,|and|then|&)+\s*(?:then\s+)?(?P<rest>.+)$|^(?:撤销|撤回|取消)(?:一下|上一步|这一步)?(?![最上刚那前]\S{0,3}[步次个])[，,\s]*"
                        r"(?:然后|再|改成|换成)?(?P<rest_zh>.+)$")
# "nah put it on the floor instead", 还是放到桌子上吧 right after adding something: that thing again, there
_MOVE_IT = re.compile(r"^(?:(?:actually|no|nah|nope|hmm+|maybe|ok|oh|then|can you|could you|pls|please)[\s,]+)*"
                      r"(?:put|move|place|stick|have|do) (?:it|them|that|the \w+) (?P<where>(?:on|onto|in|into|to|over|near|next to|by|"
                      r"under|beside|above|below|at|in front of|behind) (?:the |my |his |her )?[a-z][a-z ]*?)(?: instead| then)?"
                      r"(?:[,.;]\s*(?:like |as )?(?P<extra>[a-z][a-z ]*))?[.!]*$")
_MOVE_IT_ZH = re.compile(r"^(?:还是|算了|那就|不如|要不)?[，,\s]*(?:把它|把他|把她|把这个)?(?:放|挪|移|搬|画|加)(?:到|在)"
                         r"(?P<where>[^，,。]{1,8}?(?:上面|里面|旁边|下面|上|里|下|边))(?:去)?[吧啊呢]?[。！!]*$")


def _moved(rules: dict[str, Any], t: str, labels: list[str], zh: bool, ctx: PlanContext) -> Draft | None:
    """What the last edit added, again in the place the message says (in place of the last edit)."""
    cur = referent(ctx) or {}
    m = (_MOVE_IT_ZH if zh else _MOVE_IT).match(t)
    if not m or cur.get("operation") != "inpaint" or not cur.get("prompt"):
        return None
    where = plan_clause(rules, with_text(ctx, f"在{m.group('where')}加点东西" if zh else f"add something {m.group('where')}"),
                        labels, zh).ins
    if where.get("operation") != "inpaint" or not where.get("targets"):
        return None
    thing = re.sub(r",\s*(?:on|in|at|near|next to|by|under|above|over|beside|behind|in front of)\b.*$", "", str(cur["prompt"]))
    extra = (m.groupdict().get("extra") or "").strip()
    prompt = f"{thing}, {extra}" if extra else thing
    return Draft({**{k: v for k, v in where.items() if k not in ("reply", "prompt")}, "prompt": prompt, "replace": True},
                 "reference", t)


_SEE_IT_WITH = re.compile(r"^.*?\b(?:what|how) (?:(?:would|will|do|does|did) )?(?:it|this|that|i|we|he|she|they|the (?:picture|photo|"
                          r"image|room|scene)) (?:would |will )?(?:looks?|look|be) (?:like )?with (?P<c>.+)$|^(?:can you |could you )?show me (?:it |this )?"
                          r"with (?P<c2>.+)$")


