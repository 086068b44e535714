"""Follow-ups: 'more', 'again', 'the lips too' read against the edit that made the current picture; and
requests with no shape at all."""

from __future__ import annotations

import copy
import re
from typing import Any

from ...core.instruction import PICTURE_OPERATIONS, plan_steps
from ...core.labels import split_instance
from ...core.lang import CJK
from .. import vocab as V
from ..base import PlanContext
from .amounts import FILTER_WORD, SIGNED_PARAMS, adjust_from, amount_factor
from .carried import comparative_region, shaded_draft
from .chat import chatty
from .decide import restyle_strength
from .draft import Draft, adjust_ins, recolor_ins, with_mask
from .history import last_instruction, last_steps, referent, same_to_both, undone_instruction
from .labels import instances, names_of, pick_instances, resolve_thing
from .parse import EN_REMOVE, ZH_REMOVE, Parsed
from .positions import pick_faces
from .prompts import content_prompt, style_prompt
from .pronouns import pronoun_region, pronoun_target
from .reply import clarify
from .select import select_targets
from .tokens import Tok, tokenize, word_re
from .words import clean_text, first_color, head_things, leftover, place_phrase, swap_sides


def reference(rules: dict[str, Any], t: str, toks: list[Tok], labels: list[str], zh: bool, ctx: PlanContext) -> Draft | None:
    undone = undone_instruction(ctx)  # "just the sky then" right after undoing it on all but the person: that edit, there
    cur = undone if undone is not None and any(x.cat == "thing" for x in toks) else last_instruction(ctx)
    if cur is None:
        return None
    lt = t.lower()

    def has(words: tuple[str, ...]) -> bool:
        if zh:
            return any(w in t for w in words if CJK.search(w)) or any(
                word_re(w).search(lt) for w in words if not CJK.search(w))
        return any(word_re(w).search(lt) for w in words)

    undoes = _UNDOES_LAST.search(lt) and any(k in (cur.get("adjust") or {}) for k in ("blur", "pixelate"))
    if undoes and not any(x.cat == "thing" for x in toks):  # "a touch less blurry" after a blur: a weaker blur
        return Draft(weaker({k: v for k, v in copy.deepcopy(cur).items() if k not in ("reply", "question")}, ctx, rules),
                     "reference")
    if _names_other_operation(t, toks, cur):
        return None  # "blur the background" after "make her lips red" is a blur: only what is left out is taken
    things = [x for x in toks if x.cat == "thing"]
    negated = [x for x in things if re.search(r"(?:\bnot|n't|不是|不要|别)\s*(?:the |his |her |their |只)?$",
                                              t[:x.start])]
    correction = bool(negated) or bool(re.search(r"\b(?:i meant|i mean|meant|instead|rather|actually)\b|我是说|而是|应该是|"
                                                 r"我指的是", t))
    things = [x for x in things if x not in negated]
    if cur.get("operation") == "face_swap":  # "now the one on the right with my cousin's": whose face, not where
        things = [x for x in things if not (re.search(r"\b(?:with|for|to|into) (?:my|his|her|our|their) $", t[:x.start])
                                           and re.match(r"'s?\b", t[x.end:]))]
    new_targets: list[str] = []
    rest_of = False  # a new region that is all but what it names (the background with no such label)
    for tok in head_things(t, things, zh, labels) if things else []:
        found, inv = resolve_thing(tok.value, labels)
        new_targets += [x for x in found if x not in new_targets]
        rest_of = rest_of or inv
    if things and not new_targets:
        return Draft(clarify(labels, zh, things[0].text))
    step = next((x for x in reversed(last_steps(ctx))
                 if new_targets and set(x.get("targets") or []) == set(new_targets)), None)
    if step is not None and step is not cur and undone is None:  # "the grass a bit less" after greening the grass and
        cur = step  # bluing the sky: that step
    base = copy.deepcopy(_made(cur, ctx) if new_targets else cur)
    for key in ("reply", "question", "replace"):  # the edit again, beside the last one (not in its place)
        base.pop(key, None)
    base["targets"] = [x for x in base.get("targets", []) if x in labels]
    gone = [x for x in cur.get("targets") or [] if x not in labels]
    if gone and not base["targets"] and not new_targets:  # "more" after an edit of a painted area no longer drawn
        return Draft(clarify(labels, zh, names_of(gone, zh)))
    if base.get("operation") == "face_swap" and not things and pick_faces(t, ctx.faces):
        base["faces"] = pick_faces(t, ctx.faces)
        return Draft(base, "reference")
    group = instances(base["targets"][0], labels) if base["targets"] else []
    siblings = group if set(base["targets"]) <= set(group) else []  # "the left one too" after the two on the right
    if has(V.OTHER_EN + V.OTHER_ZH):
        done = {split_instance(x)[1] for x in base["targets"]} - {None}
        rest = [x for x in new_targets if split_instance(x)[1] is not None and split_instance(x)[1] not in done]
        if new_targets and len(new_targets) > 1 and set(base["targets"]) < set(new_targets):
            base["targets"] = [x for x in new_targets if x not in base["targets"]]  # "and the other car"
        elif done and rest and len(rest) < len(new_targets):  # "same for the other kid" after the face of kid 2:
            base["targets"] = _same_part(base["targets"], rest, labels)  # the face of kid 1
        elif new_targets:
            base["targets"] = new_targets
        elif len(siblings) > 1:  # "the other one" after "remove the dog on the left"
            others = [x for x in siblings if x not in base["targets"]]
            ends = [siblings[0], siblings[-1]]  # "the one on the other end" after the leftmost rower: the rightmost
            far = re.search(r"\b(?:other|far|opposite) (?:end|side)\b|另一[边头端侧]", t) and base["targets"] in ([ends[0]], [ends[1]])
            base["targets"] = [ends[1] if base["targets"] == [ends[0]] else ends[0]] if far else others
        else:
            base["targets"] = swap_sides(base["targets"], labels)
            faces = base.get("faces") or []
            if len(faces) == 1 and ctx.faces > 1:
                base["faces"] = [(faces[0] + 1) % min(ctx.faces, 32)]
        return Draft(base, "reference")
    picked = pick_instances(siblings, t, labels, ctx.shares) if len(siblings) > 1 and not things else siblings
    if picked != siblings:  # "now the one on the right", "the second one"
        base["targets"] = picked
        return Draft(base, "reference")
    said_besides = t  # what the message says besides the things it names
    for x in reversed(things):
        said_besides = said_besides[:x.start] + said_besides[x.end:]
    zh_bare = zh and len(re.sub(r"[把将的吧呢啊呀了也还有和跟，,。!！?？\s]", "", said_besides)) <= 1  # 窗帘呢, not 把窗帘拉上
    if rest_of and has(V.ALSO_EN + V.ALSO_ZH) and base.get("targets") and not (base.get("mask") or {}).get("invert"):
        # 背景也一起 after the people but the first: everything but the first
        kept = [x for x in new_targets if x not in base["targets"]]
        if kept:
            return Draft({**base, "targets": kept, "mask": {"invert": True}}, "reference")
    if new_targets and (has(V.ALSO_EN + V.ALSO_ZH) or correction or (not zh and len(t.split()) <= 4) or zh_bare or
                        (not zh and has(V.MORE_EN) and len(t.split()) <= 7)):  # "the water a little more"
        done = {split_instance(x)[1] for x in base["targets"]} - {None}
        picked = pick_instances(new_targets, t, labels, ctx.shares)
        rest = [x for x in new_targets if split_instance(x)[1] is not None and split_instance(x)[1] not in done]
        if done and picked != new_targets:  # "右边奶奶的也换一下" after the face of the grandpa on the left
            base["targets"] = _same_part(base["targets"], picked, labels)
        elif has(V.ALSO_EN + V.ALSO_ZH) and done and rest and len(rest) < len(new_targets):
            base["targets"] = _same_part(base["targets"], rest, labels)  # "the man's too" after the lady on the right
        else:
            base["targets"] = picked
        for key in ("mask", "faces", "strength"):  # the same edit, as it is first done, on the new region
            base.pop(key, None)
        faces = pick_faces(t, ctx.faces)
        if faces:
            base["faces"] = faces
        return Draft(base, "reference")
    base["targets"] = same_to_both(base, t, ctx)
    less = has(V.LESS_EN + V.LESS_ZH)
    more = has(V.MORE_EN + V.MORE_ZH)
    again = has(V.AGAIN_EN + V.AGAIN_ZH)
    if not (less or more or again):
        return None
    if less and not re.search(r"\b(?:no less|not less)\b", lt):
        weak = weaker(base, ctx, rules)  # taking the edit back is a guess at "less" of what cannot be made weaker
        return Draft(weak, "shade" if weak.get("operation") == "undo" else "")
    factor = amount_factor(lt if not zh else t, zh)
    if base.get("operation") == "adjust":
        adj = {}
        for k, v in (base.get("adjust") or {}).items():
            if isinstance(v, bool) or isinstance(v, str):
                adj[k] = v
            elif isinstance(v, (int, float)):
                adj[k] = round(max(-1.0, min(1.0, v * (factor if more else 1.0))), 2)
        base["adjust"] = adj
    elif more and base.get("operation") in ("inpaint", "restyle", "recolor", "remove"):
        op = rules["operations"].get(base["operation"], {})
        lo, hi = op.get("strength", [0.0, 1.0])
        cur_s = base.get("strength") or op.get("default_strength", (lo + hi) / 2)
        base["strength"] = round(min(hi, max(lo, cur_s + 0.15)), 2)
    return Draft(base, "reference")


# the last blur or pixelation asked to be weaker in words that name its opposite ("less blurry", 别那么模糊)
_UNDOES_LAST = re.compile(r"\b(?:less|not (?:so|that|as)|too) (?:blurry|blurred|blur|pixelated|pixelly|blocky)\b|"
                          r"(?:不要|别|没)那么(?:模糊|糊)|太(?:模糊|糊)了|(?:虚化|模糊|马赛克|码)(?:打得|弄得)?(?:太重|太强|太多|太厉害|过头)")
_PICTURE_VERBS = re.compile(r"\b(?:flip|mirror|rotate|crop|resize|upscale|straighten|shrink|enlarge)\b|裁|旋转|翻转|镜像|缩小|"
                            r"放大")
_OPERATION_CATS = ("adjust", "gray", "filter", "style", "scene", "color", "material")


def _names_other_operation(t: str, toks: list[Tok], cur: dict[str, Any]) -> bool:
    """Whether the clause names an operation of its own, other than "more of the same adjust" ("blur it more"
    after a blur): such a clause gets its own operation, never the previous one."""
    if EN_REMOVE.search(t) or ZH_REMOVE.search(t):
        return cur.get("operation") != "remove"
    if _PICTURE_VERBS.search(t):
        return True
    if cur.get("operation") in PICTURE_OPERATIONS and any(x.cat == "thing" for x in toks):
        return True  # "the hair" after "flip it" is not a flip of the hair
    named = [x for x in toks if x.cat in _OPERATION_CATS]
    if not named:
        return False
    if any(x.cat == "thing" for x in toks):
        return True  # "brighten the sand" after "darken the sea": its own adjust, on its own region
    params = {x.cats["adjust"][0] for x in named if x.cat == "adjust"}
    return not (cur.get("operation") == "adjust" and len(params) == len(named) and
                params <= set(cur.get("adjust") or {}))


def _made(cur: dict[str, Any], ctx: PlanContext) -> dict[str, Any]:
    """What made the region of the last edit look as it does: the recolour before it when the last edit only tuned
    it ("make the flowers pink", "a bit more saturated", "now the cake too": the cake pink)."""
    before = [s for s in plan_steps(ctx.edits[-2]) if s.get("operation") not in (None, "undo", "redo", "clarify")] \
        if len(ctx.edits) >= 2 else []
    if cur.get("operation") == "adjust" and before and before[-1].get("operation") in ("recolor", "inpaint") and \
            set(before[-1].get("targets") or []) == set(cur.get("targets") or []) and not (cur.get("mask") or {}).get("invert"):
        return before[-1]
    return cur


def weaker(base: dict[str, Any], ctx: PlanContext, rules: dict[str, Any]) -> dict[str, Any]:
    """'less' / 'too much': counter a signed adjust, tone down a recoloured region, else step back."""
    if base.get("operation") == "adjust":
        adj: dict[str, Any] = {}
        for k, v in (base.get("adjust") or {}).items():
            if k in SIGNED_PARAMS and isinstance(v, (int, float)) and v:
                adj[k] = round(-v / 2, 2)
        if adj:
            base["adjust"] = adj
            return base
        unsigned = {k: round(float(v) / 2, 2) for k, v in (base.get("adjust") or {}).items()
                    if k in ("blur", "pixelate", "sharpen") and not isinstance(v, bool) and float(v) > 0.05}
        if unsigned:  # a blur cannot be countered: the same blur, half as strong, in its place
            return {**base, "adjust": unsigned, "replace": True}
    if base.get("operation") == "recolor" and base.get("targets"):  # less of the new colour on the same region
        return {"operation": "adjust", "targets": base["targets"], "adjust": {"saturation": -0.3},
                **({"mask": base["mask"]} if base.get("mask") else {})}
    if base.get("operation") in ("inpaint", "restyle"):  # "less intense" after a restyle: it again, changing less
        op = rules["operations"].get(base["operation"], {})
        lo, hi = op.get("strength", [0.0, 1.0])
        now = float(base.get("strength") or op.get("default_strength", (lo + hi) / 2))
        return {**base, "strength": round(max(lo, now - 0.2), 2), "replace": True}
    return {"operation": "undo", "count": 1}


def loose(rules: dict[str, Any], t: str, toks: list[Tok], labels: list[str], zh: bool, ctx: PlanContext,
          forced: list[str] | None) -> Draft:
    p = Parsed("none", [(0, len(t))])
    work = [x for x in toks]
    sel = select_targets(t, [x for x in work if x.cat in ("thing", "whole", "it", "pron")], labels, zh, forced, p, ctx)
    cats = {x.cat for x in work}
    filter_style = FILTER_WORD.search(t) and any(x.cat == "style" and x.value in V.STYLE_FILTER for x in work)
    if cats & {"gray", "filter", "adjust"} or filter_style:
        if sel.unresolved:
            return Draft(clarify(labels, zh, sel.unresolved))
        adj = adjust_from(work, t, zh)
        if adj:
            if sel.pronoun_only and not sel.labels:
                sel = pronoun_region(sel, ctx, t, labels, edited=False)
            sel = comparative_region(sel, t, zh, ctx, adj)
            shaded = shaded_draft(sel, ctx, adj, t, labels)
            if shaded:
                return shaded
            return Draft(adjust_ins(adj, sel, labels))
    if cats & {"style", "scene"} and not (cats & {"color"} and sel.labels):
        if sel.unresolved:
            return Draft(clarify(labels, zh, sel.unresolved))
        prompt = style_prompt(t, work, zh, free=False)
        cur = last_instruction(ctx)
        again = not sel.labels and not sel.whole and "style" not in cats and bool(cur) and \
            cur.get("operation") == "inpaint" and bool(cur.get("targets"))
        if again:  # "at night instead" after "make the background a sunset": the background again
            sel.labels = [x for x in cur["targets"] if x in labels]
            sel.invert = bool((cur.get("mask") or {}).get("invert"))
        if sel.labels and not sel.whole:
            ins = with_mask({"operation": "inpaint", "targets": sel.labels, "prompt": prompt}, sel)
            return Draft(ins, "reference" if again else "")
        if "style" in cats or re.search(r"\b(?:make|turn|look|into|as)\b", t) or re.search(r"变|成|改|弄|像", t) \
                or not leftover(t, work, zh, ("scene", "style", "art", "whole", "it")):
            ins: dict[str, Any] = {"operation": "restyle", "targets": [], "prompt": prompt}
            strength = restyle_strength(rules, "restyle", t, zh)
            if strength is not None:
                ins["strength"] = strength
            return Draft(ins)
    if "color" in cats:
        if sel.unresolved:
            return Draft(clarify(labels, zh, sel.unresolved))
        color = first_color(work)
        if color:
            sel = pronoun_target(sel, "color", t, work, labels, ctx, t)
            if not sel.labels:
                cur = referent(ctx)  # "actually more of a deep blue" after painting the pot: the pot
                if cur and cur.get("operation") in ("recolor", "inpaint") and not sel.whole:
                    sel.labels = [x for x in cur.get("targets", []) if x in labels]
            if "material" in cats and sel.labels:
                prompt = content_prompt(t, zh, sel, "make", work)
                return Draft(with_mask({"operation": "inpaint", "targets": sel.labels, "prompt": prompt},
                                              sel))
            return Draft(with_mask(recolor_ins(color, sel), sel))
    ref = reference(rules, t, toks, labels, zh, ctx)
    if ref is not None:
        return ref
    if sel.unresolved:
        place = place_phrase(t, work, labels)
        if place:
            prompt = content_prompt(t, zh, None, "add", work)
            return Draft({"operation": "inpaint", "targets": place, "prompt": prompt}, "add")
        return Draft(clarify(labels, zh, sel.unresolved))
    if sel.labels:
        residual = leftover(t, work, zh, drop=("thing", "whole", "it", "pron", "material", "art"))
        if residual and not chatty(t if zh else residual):  # "hello sky", "天空很好看" name a region but ask nothing of it
            prompt = content_prompt(t, zh, sel, "loose", work)
            return Draft(with_mask({"operation": "inpaint", "targets": sel.labels, "prompt": prompt}, sel))
    return Draft(clarify(labels, zh, "", ask_what=True), "ask")


_REPEAT_EN = re.compile(r"^(?:(?:please|ok|okay|now|and|can you|could you|just)\s+)*(?:(?:do|try|apply|run|redo)\s+)?"
                        r"(?:that|it|this|the same|those|these|all (?:of )?that|everything|the whole thing)?\s*"
                        r"(?:again|once more|one more time)(?:\s+please)?[.!]*$|^repeat(?: that| it| this| all that)?[.!]*$")
_REPEAT_ZH = re.compile(r"^(?:请|再帮我)?(?:再来一次|再来一遍|再做一次|再做一遍|重复一次|重复一遍|再来|重复|再弄一次)(?:吧)?[。！!]*$")


def repeat_plan(t: str, zh: bool, ctx: PlanContext) -> list[Draft]:
    """'do that again' right after a several-step plan: every step of it again (one draft each); empty when the
    message says more than that or the last plan had one step (the follow-up stage reads those)."""
    plans = [ctx.current] if ctx.current else [x.instruction for x in reversed(ctx.history) if x.instruction]
    last = next((p for p in plans if plan_steps(p)[0].get("operation") not in ("undo", "redo", "clarify")), None)
    steps = plan_steps(last) if last else []  # after "undo", the plan just undone
    def again(steps: list[dict[str, Any]], drop: tuple[str, ...] = ("reply",)) -> list[Draft]:
        return [Draft({k: v for k, v in s.items() if k not in drop}, "history", t) for s in steps]

    if steps and steps[-1].get("operation") == "inpaint" and _ANOTHER.match(t.strip()):  # "再加一个": one more of it
        return again(steps[-1:], ("reply", "replace"))
    retry = _RETRY.search(t)
    again_first = _AGAIN_FIRST.match(t)
    if steps and ((retry and _COMPLAINT.match(t[:retry.start()].strip(" ,，。."))) or
                  (again_first and _COMPLAINT.match(t[again_first.end():].strip(" ,，。.")))):
        return again(steps)  # "有点糊，再来一次"
    if len(steps) < 2 or not (_REPEAT_ZH if zh else _REPEAT_EN).match(t.strip()):
        return []
    return again(steps)


_ANOTHER = re.compile(r"^(?:(?:and|now|ok|please)\s+)*(?:add |put |make |draw )?(?:another(?: one)?|one more|a second one|"
                      r"a few more|some more|more of (?:them|those))(?: please)?$|^(?:再|多)*(?:多)?(?:加|放|来|画|添)"
                      r"(?:一|几|两)?(?:个|只|些|点|朵|棵)?(?:吧)?$")
# a complaint about the result, then "again": the same plan run again (a generative edit comes out new)
_RETRY = re.compile(r"(?:再来一次|再试一次|重新来一次|重来一次|重新做一次|重新生成)[吧。！!]*$|"
                    r"(?:try (?:it |that )?again|one more try|give it another (?:go|try))[.!]*$")
_AGAIN_FIRST = re.compile(r"^(?:again|try again|once more|one more time|再来一次|再试一次)[\s,，.。!！]+")
_COMPLAINT = re.compile(r"^$|^(?:有点|太|不太|好像|感觉|看着|看起来|还是|效果|不好|不行|怪)|"
                        r"^(?:hmm+|meh|ugh|nope|no)?[\s,]*(?:(?:it|that|this|that one|this one|the \w+) )?(?:looks?|is|seems|came out|"
                        r"turned out)\b")


_BARE_EN = re.compile(r"^(?:(?:please|ok|okay|now|and|just|even|a|an|bit|little|lot|tad|touch|much|way|some|do|it|that|"
                      r"this|again|more|less|stronger|weaker|further|once|one|time|same|the|slightly|thanks|of)\b[\s,]*)+"
                      r"[.!]*$")
_BARE_ZH = re.compile(r"^(?:请|再|更|多|少|一点|一些|点|来|一次|一遍|些|还要|继续|还|稍微|弄|做|吧|儿|了)+[。！!]*$")


def bare_followup(text: str) -> bool:
    """A message that only says "more", "a bit less", "again", "再来一点", or how the adjustment goes on ("a bit
    darker", 再糊一点) and names nothing: it means the last edit, on the same area (after a brush edit, the area
    painted then)."""
    zh = bool(CJK.search(text))
    t = clean_text(text, zh)
    if zh:
        return bool(_BARE_ZH.match(t)) and bool(re.search(r"再|更|多|少|继续", t)) or _bare_adjust(t, zh)
    return bool(_BARE_EN.match(t)) and bool(re.search(r"\b(?:more|less|again|stronger|weaker|further)\b", t)) or \
        _bare_adjust(t, zh)


def _bare_adjust(t: str, zh: bool) -> bool:
    """"a bit darker", "even blurrier", 再糊一点: an adjustment said as more or less of it, nothing else."""
    toks = tokenize(t, [])
    if not toks or any(x.cat != "adjust" for x in toks):
        return False
    gaps = zip([0] + [x.end for x in toks], [x.start for x in toks] + [len(t)], strict=True)
    rest = "".join(t[a:b] for a, b in gaps)  # the words around the adjustments
    if zh:
        return bool(re.search(r"再|更|一点|一些|点|些", t)) and bool(_BARE_ZH.match(rest.strip() or "再"))
    more = re.search(r"\b(?:more|less|bit|little|even|again|tad|touch)\b", t) or any(x.text.endswith("er") for x in toks)
    return bool(more) and bool(_BARE_EN.match(rest.strip(" ,") or "more"))


def _same_part(done: list[str], others: list[str], labels: list[str]) -> list[str]:
    """`others` (instances), as the same kind of label as the one `done` edited: face 2 after face 1."""
    kind = split_instance(done[0])[0]
    return [f"{kind} {split_instance(x)[1]}" if f"{kind} {split_instance(x)[1]}" in labels else x for x in others]
