"""One clause with a shape (remove, change, make, add ...) turned into an instruction."""

from __future__ import annotations

import re
from typing import Any

from ...core.labels import split_instance
from .. import vocab as V
from ..base import PlanContext
from .amounts import COMPLAINT_COPULAS, adjust_from, amount_factor, complaint
from .carried import comparative_region, current_region, shaded_draft
from .draft import Draft, Selection, adjust_ins, recolor_ins, with_mask
from .history import referent
from .labels import PERSON_PART_NORMS, names_of, norm_label, personal, resolve_thing
from .parse import Parsed, has_cat, toks_in
from .prompts import content_prompt, span_text, style_prompt
from .pronouns import just_edited, pronoun_target
from .reply import clarify
from .select import OUT_OF, grounded_label, placement, placement_key, select_targets, support_of
from .tokens import Tok, word_re
from .variants import in_colour
from .words import SAME_AS_BEFORE, classify, first_color, leftover, only_reference_words, region_color, vague


def decide(rules: dict[str, Any], t: str, toks: list[Tok], p: Parsed, labels: list[str], zh: bool, ctx: PlanContext,
           forced: list[str] | None) -> Draft | None:
    draft = _decide(rules, t, toks, p, labels, zh, ctx, forced)
    if draft is not None and p.part and draft.kind in ("", "add"):  # the whole thing edited for a part of it: a guess
        draft.kind = "part"
    return draft


def _drawn_on(t: str, target_toks: list[Tok], chosen: list[str]) -> str:
    """The style a removal names before the thing it is on ("the graffiti off the wall"), or ""."""
    first = target_toks[0] if target_toks else None
    if first is None or first.cat != "style" or not chosen or \
            not re.match(r"\s+(?:on|off|from|of)\s+(?:the|his|her|their|that|this)\s", t[first.end:]):
        return ""
    return first.text


def _decide(rules: dict[str, Any], t: str, toks: list[Tok], p: Parsed, labels: list[str], zh: bool, ctx: PlanContext,
            forced: list[str] | None) -> Draft | None:
    if p.kind == "none":
        return None
    target_toks = [x for s in p.target for x in toks_in(toks, s)]
    if p.content and p.kind in ("make", "change", "be", "give", "replace"):
        cut = re.search(r"\s*(?:,|;|[?!.](?=\s)|\band\b|\bthen\b|\bbut\b|，|。|；|然后|并且|再把|同时|但)\s*(?:then\s+)?"
                        r"(?:also\s+)?(?:the|his|her|their|its|make|turn|change|remove|add|put|keep|leave|把|将|保留)\b",
                        t[p.content[0]:p.content[1]])
        if cut:
            p.content = (p.content[0], p.content[0] + cut.start())
    content, content_toks = span_text(t, p.content, toks)
    sel = select_targets(t, target_toks, labels, zh, forced, p, ctx)
    if p.kind == "remove" and not sel.labels and _just_added(target_toks, ctx):
        return Draft({"operation": "undo", "count": 1}, "history")  # "把猫去掉吧" right after adding a cat: take it back
    if sel.unresolved:
        return Draft(clarify(labels, zh, sel.unresolved))

    if p.kind == "remove":
        if p.part == "text" and sel.labels:  # "remove the text on the sign": the sign, painted again without it
            prompt = f"{names_of(sel.labels, False)} without any text or logo, plain surface"
            return Draft(with_mask({"operation": "inpaint", "targets": sel.labels, "prompt": prompt}, sel))
        drawn = _drawn_on(t, target_toks, sel.labels)
        if drawn:  # "remove the graffiti on the wall": a look painted on a thing, not the thing
            prompt = f"{names_of(sel.labels, False)} without {drawn}, clean surface"
            return Draft(with_mask({"operation": "inpaint", "targets": sel.labels, "prompt": prompt}, sel))
        if has_cat(target_toks, "gray") or re.search(r"\b(?:colou?rs?|colou?ring)\b|颜色|色彩", t[p.target[0][0]:]):
            return Draft(adjust_ins({"grayscale": True}, sel, labels))
        if any(x.cat == "adjust" and x.cats["adjust"][0] == "blur" for x in target_toks):
            return Draft(adjust_ins({"sharpen": 0.5}, sel, labels))
        if not sel.labels and (sel.pronoun_only or (sel.whole and not any(x.cat == "whole" for x in target_toks))):
            sel.labels = just_edited(ctx, t) or (resolve_thing("person", labels)[0] if sel.pronoun_only else [])
        said = [x for x in target_toks if x.cat == "thing"]
        if said and all(x.value == "person" for x in said) and sel.labels and \
                all(norm_label(split_instance(x)[0]) in PERSON_PART_NORMS for x in sel.labels):
            return Draft(clarify(labels, zh, said[0].text))  # 把新郎P掉 with no one but the bride's hair and veil: who?
        named = t[p.target[0][0]:p.target[0][1]].strip()
        m = re.fullmatch(r"(?:(?:the|a|an|this|that|these|those|his|her|their|my|all the)\s+)?([a-z]+(?: [a-z]+)?)", named)
        noun = m.group(1).split()[-1] if m and not target_toks else ""  # "remove the gazebo": a word no table knows
        if noun in V.VAGUE_EN or noun in V.EN_FILLERS or noun in V.NON_THING_EN:
            noun = ""
        if not sel.labels and noun and ctx.grounding:  # the grounding segmenter finds it
            sel.labels = [x for x in [grounded_label(noun, named)] if x]
        if not sel.labels:
            if noun:
                return Draft(clarify(labels, zh, noun))
            if sel.whole or not target_toks:
                return Draft(clarify(labels, zh, "", ask_what=True))
            return Draft(clarify(labels, zh, named))
        return Draft(with_mask({"operation": "remove", "targets": sel.labels}, sel))

    if p.kind == "replace" and not sel.labels and p.target and \
            _SETTING.search(" ".join(t[a:b] for a, b in p.target)):  # "swap the office behind me for a beach"
        p.kind = "background"
    if p.kind == "background":
        bg, inv = (sel.labels, True) if p.target and sel.labels and not sel.invert else resolve_thing("background", labels)
        if not bg:  # (all but the thing said to be put somewhere new: "put the hedgehog in a snowy garden")
            return Draft(clarify(labels, zh, "background" if not zh else "背景"))
        sel = Selection(labels=bg, invert=inv)
        prompt = content_prompt(content, zh, None, "add", content_toks)
        return Draft(with_mask({"operation": "inpaint", "targets": bg, "prompt": prompt}, sel))
    worn = [x for x in labels if norm_label(x) == placement_key(content)] if zh and content and re.search(r"给.{1,6}?换", t) else []
    if len(worn) == 1 and worn != sel.labels:  # 给稻草人换一顶牛仔帽: the hat it has
        sel = Selection(labels=worn)
    cls = classify(content, content_toks, zh) if content else "empty"
    if cls == "content" and has_cat(content_toks, "adjust") and _LOOK.fullmatch(leftover(content, content_toks, zh, ("adjust",))):
        cls = "adjust"  # "a bit more dramatic, more contrast": the adjustment says how
    if zh and cls == "content" and _ZH_WHICH_WAY.fullmatch(content) and has_cat(target_toks, "adjust"):
        adj = adjust_from(toks, t, zh)  # "天空的饱和度调高点": the amount said of the parameter, not a prompt
        if adj:
            return Draft(adjust_ins(adj, sel, labels))
    if p.kind in ("look", "styleof") and cls in ("content", "empty") and content:
        cls = "style_free"
    if p.kind == "be" and p.prep in COMPLAINT_COPULAS and cls in ("content", "style_free", "style", "scene", "empty"):
        return Draft(clarify(labels, zh, "", ask_what=True), "ask")  # "this is my sister" says, it does not ask
    if p.kind == "add":
        return plan_add(t, p, content, content_toks, cls, toks, labels, zh, ctx, forced)
    if p.kind == "give" and (cls in ("content", "material") or (cls == "color" and sel.pronoun_only)):
        if sel.whole and not sel.labels:  # "give the photo a warm sunset glow"
            return Draft({"operation": "restyle", "targets": [],
                           "prompt": style_prompt(content, content_toks, zh, free=False)})
        if sel.labels and all(x.cats.get("thing") == "person" for x in target_toks if x.cat == "thing"):
            sel = Selection(pronoun=True, pronoun_only=True)  # "give the girl a hat": placed by what it is
        elif sel.pronoun_only and not sel.labels and just_edited(ctx, t):  # "give him a carrot nose too" right after
            sel = Selection(labels=just_edited(ctx, t))  # a hat on the snowman: the snowman
        return plan_add(t, p, content, content_toks, cls, toks, labels, zh, ctx, forced, give=sel)

    if cls in ("content", "empty") and not sel.labels and (
            only_reference_words(content or t, zh) or SAME_AS_BEFORE.search(content)):
        return None
    if zh and sel.labels and SAME_AS_BEFORE.search(content.strip()):
        return None  # 茶碗也改一下，同样的风格: the last edit again, on the cup (a follow-up)
    if cls == "content" and vague(content):
        return Draft(clarify(labels, zh, "", ask_what=True), "ask")
    if cls == "content" and not leftover(content, content_toks, zh, ()) and not content_toks:
        return None
    if cls == "empty":
        if p.kind in ("replace", "change") and sel.labels:
            noun = names_of(sel.labels, zh)
            prompt = f"一个不同的{noun}（a different {names_of(sel.labels, False)}）" if zh else f"a different {noun}"
            return Draft(with_mask({"operation": "inpaint", "targets": sel.labels, "prompt": prompt}, sel))
        return None

    sel = pronoun_target(sel, cls, content, content_toks, labels, ctx, t)
    sel = current_region(sel, cls, target_toks, labels, ctx, t)
    color = region_color(content, content_toks, zh, labels, sel.labels) if cls == "content" else None
    if p.part and sel.labels and (color or cls == "color"):  # "make the coat of the lady on the right red": a red coat
        color = color or first_color(content_toks)
        return Draft({"operation": "inpaint", "targets": sel.labels, "prompt": f"{color} {p.part}"}) if color else None
    if color and not sel.invert:
        return Draft(recolor_ins(color, sel))
    if cls in ("gray", "filter", "adjust"):
        adj = adjust_from(content_toks, content, zh)
        if p.kind == "be" and p.prep in COMPLAINT_COPULAS:
            adj = complaint(adj, content_toks)
        if not adj:
            return None
        if sel.labels and not sel.invert and set(adj) == {"warmth"} and re.search(r"\b(?:bluer|more blue)\b", content):
            return Draft(recolor_ins("blue", sel))  # "make the sky bluer": its colour (a cooler tone is the picture's)
        sel = comparative_region(sel, t, zh, ctx, adj)
        shaded = shaded_draft(sel, ctx, adj, t, labels)
        if shaded:
            return shaded
        return Draft(adjust_ins(adj, sel, labels))
    if cls == "color":
        color = first_color(content_toks)
        if color is None:
            return None
        cur = referent(ctx) or {}
        if cur.get("operation") == "inpaint" and cur.get("prompt") and all(x.cat == "it" for x in target_toks) and \
                sel.labels == [x for x in cur.get("targets") or [] if x in labels]:
            return Draft(in_colour(cur, color))  # "换成红色的" right after "在沙发上放个抱枕": the new thing in that colour
        return Draft(with_mask(recolor_ins(color, sel), sel))
    if cls in ("style", "scene", "style_free", "style_content"):
        if cls == "style_free" and p.kind != "styleof":
            prompt = content_prompt(content, zh, None, "look", content_toks)
        else:
            prompt = style_prompt(content, content_toks, zh, free=(cls == "style_free" or p.kind == "styleof"))
        art = cls == "style" and bool(_MEDIUM.search(prompt))  # an art medium restyles a region ("the dog as a
        # watercolour"); a look ("old and abandoned") or a scene repaints it
        if sel.labels and not sel.whole:
            op = "restyle" if art else "inpaint"
            return Draft(with_mask({"operation": op, "targets": sel.labels, "prompt": prompt}, sel), "style" if art else "")
        ins: dict[str, Any] = {"operation": "restyle", "targets": [], "prompt": prompt}
        strength = restyle_strength(rules, "restyle", t, zh)
        if strength is not None:
            ins["strength"] = strength
        return Draft(ins, "style" if art else "")
    # new content for the region
    prompt = content_prompt(content, zh, sel, p.kind, content_toks)
    resolved = [resolve_thing(tok.value, labels) for tok in content_toks if tok.cat == "thing"]
    named = [x for found, inv in resolved if not inv for x in found]  # not "a grey backdrop": all but the people
    if not sel.labels and not sel.whole and len(set(named)) == 1 and not any(
            x.cat in ("scene", "style", "filter", "gray", "adjust") for x in content_toks):  # "换成空白标签": a blank label
        return Draft({"operation": "inpaint", "targets": named[:1], "prompt": prompt})
    if not sel.labels:
        if sel.whole or not target_toks:
            ins = {"operation": "restyle", "targets": [], "prompt": prompt}
            return Draft(ins)
        return None
    return Draft(with_mask({"operation": "inpaint", "targets": sel.labels, "prompt": prompt}, sel))


_WHERE_IT_WAS = re.compile(r"\s*\b(?:where (?:it|that|they|the [a-z]+) (?:was|were|used to be|stood)|in (?:its|their) "
                           r"(?:place|spot)|there instead|in there instead)\b|\s*(?:放|加|画)?在(?:原来|刚才)(?:的)?(?:位置|地方)")
_MEDIUM = re.compile(r"\b(?:painting|painted|sketch|drawing|watercolou?r|cartoon|anime|manga|comic|illustration|pixel art|"
                     r"pencil|charcoal|ink|oil|pastel|crayon|lego|claymation|clay|3d render|pop art|ukiyo|mosaic|stained glass)\b")
_LOOK = re.compile(r"[\s,]*(?:glow|shine|look|feel|(?:(?:a (?:bit|little|lot|touch)|way|much|even|slightly|more|and)[\s,]+)*"
                   r"(?:dramatic|moody|intense|striking|epic|bold|stunning|cinematic|nicer|better))[\s,]*")
_ZH_WHICH_WAY = re.compile(r"[高低大小强弱亮暗深浅多少重轻]+(?:一)?[点些]?[吧了啊呀]?")
# a place the picture was taken in, named as what to replace when no label is called that: the background
_SETTING = re.compile(r"\b(?:park|office|room|city|street|garden|studio|backdrop|scenery|setting|backyard|yard|place|"
                      r"location|surroundings|view|landscape|scene)\b")
_HERE = re.compile(r"\s*,?\s*\b(?:right |just |over )?(?:here|there|in this (?:area|spot|part|bit)|on this (?:spot|area|part))"
                   r"\b[\s.!,]*$|\s*(?:在|放在|加在|画在)?(?:这里|这儿|这块|这个地方)[吧。！!]*$")


def _just_added(target_toks: list[Tok], ctx: PlanContext) -> bool:
    """Whether the things named are what the last edit painted in (and no label of the picture)."""
    last = referent(ctx) or {}
    prompt = str(last.get("prompt") or "").lower() if last.get("operation") == "inpaint" else ""
    named = [x for x in target_toks if x.cat == "thing"]
    return bool(prompt and named) and all(  # (a label's name is a label of the picture, not what was painted in)
        isinstance(x.value, str) and (word_re(x.value).search(prompt) or x.text in prompt) for x in named)


_A_FILTER = re.compile(r"\b(?:filter|effect|look|vibe|overlay|tint|grade|grading)$|(?:滤镜|效果|色调)$")
_ON_IT = re.compile(r"\s+(?:on|onto|to|over|across|on top of) (?:it|them)$")


def plan_add(t: str, p: Parsed, content: str, content_toks: list[Tok], cls: str, toks: list[Tok],
             labels: list[str], zh: bool, ctx: PlanContext, forced: list[str] | None,
             give: Selection | None = None) -> Draft | None:
    loc_toks = toks_in(toks, p.loc) if p.loc else []
    loc = select_targets(t, loc_toks, labels, zh, forced, p, ctx) if p.kind == "add" else give
    assert loc is not None
    last = referent(ctx) or {}
    on_it = _ON_IT.search(content) if not zh else None
    if (on_it or (loc_toks and all(x.cat == "it" for x in loc_toks))) and not loc.labels and last.get("targets") and \
            not (last.get("mask") or {}).get("invert") and "user_mask" not in labels:  # "add a flower pattern on it": the pot just edited
        loc = Selection(labels=[x for x in last["targets"] if x in labels])
        p.loc_inside, p.prep = True, "on"
        content = content[:on_it.start()] if on_it else content
    if cls in ("gray", "filter", "adjust"):
        adj = adjust_from(content_toks, content, zh)
        if adj:
            return Draft(adjust_ins(adj, loc, labels))
    if cls in ("style", "scene") and not loc.labels:
        prompt = style_prompt(content, content_toks, zh, free=False)
        return Draft({"operation": "restyle", "targets": [], "prompt": prompt})
    if not loc.labels and not p.loc and _A_FILTER.search(content):  # "add a soft pastel filter": a look on the picture
        return Draft({"operation": "restyle", "targets": [], "prompt": content_prompt(content, zh, None, "add", content_toks)})
    if not content:
        return None
    gone = referent(ctx) or {}
    was = _WHERE_IT_WAS.search(content)
    if was and gone.get("operation") == "remove" and [x for x in gone.get("targets") or [] if x in labels]:
        # "and put a loaf of bread where it was" right after removing the cutting board: in its place
        prompt = content_prompt(content[:was.start()].strip(" ,"), zh, None, "add", content_toks)
        return Draft({"operation": "inpaint", "targets": [x for x in gone["targets"] if x in labels], "prompt": prompt},
                     "reference")
    here = _HERE.search(content) if "user_mask" in labels and not forced and not loc.labels else None
    if here and content[:here.start()].strip():  # "put a sleeping kitten right here" with a painted area: there
        prompt = content_prompt(content[:here.start()].strip(), zh, None, "add", content_toks)
        return Draft({"operation": "inpaint", "targets": ["user_mask"], "prompt": prompt})
    if p.kind == "add" and p.loc and loc.whole and not loc.labels and not forced:  # "add some sparkle to the whole photo"
        return Draft({"operation": "restyle", "targets": [], "prompt": content_prompt(content, zh, None, "add", content_toks)})
    targets: list[str] = []
    invert = False
    zh_near = zh and p.loc is not None and not p.loc_inside and not re.match(r"的?(?:前|后)", t[p.loc[1]:])  # 狗旁边
    sky_thing = V.PLACEMENT.get(placement_key(content), ("",))[0] == "sky"  # a moon, a kite, birds
    over_land = (sky_thing and p.prep in ("over", "above")) or \
        ((p.prep == "over" or (sky_thing and p.loc_inside)) and any(norm_label(x) in _LANDSCAPE for x in loc.labels))
    near = (p.prep in _NEAR_PREPS or zh_near or over_land) and loc.labels and not loc.pronoun_only and not loc.invert
    inside = re.search(r"\b(?:on|onto|in|into|inside) (?:the |a |that |this |his |her |their )?([a-z]+)", content) \
        if not zh else None
    said_in = [x for x in labels if inside and norm_label(x) in (inside.group(1), inside.group(1).rstrip("s"))]
    if said_in:  # "fairy lights in the tree behind them", "a painting on the wall above the sofa": where it goes
        targets, near = said_in, False
    elif loc.labels and (p.loc_inside or near) and not loc.pronoun_only:
        targets, invert = loc.labels, loc.invert
    elif p.prep in ("behind", "in front of") or (zh and p.loc and not p.loc_inside and "后" in t):
        person_like = loc.pronoun or any(
            x.cat == "thing" and x.value in ("person", "@person_parts") for x in loc_toks)
        if person_like or (loc.labels and all(norm_label(x) in PERSON_PART_NORMS or norm_label(x) == "person"
                                              for x in loc.labels)):
            targets, invert = resolve_thing("background", labels)
        elif loc.labels and p.prep == "in front of":  # "a snowman in front of the cabin": on the ground before it
            targets = support_of(loc.labels, "next to", labels)
    key = placement_key(content) if targets and not invert else ""
    on_a_person = all(personal(x) for x in loc.labels)  # (a bow on the dog's head goes on the dog)
    if key and not p.part and on_a_person and any(x.cat == "thing" and x.value in V.PLACEMENT.get(key, ()) for x in loc_toks):
        targets = placement(content, content_toks, labels, zh, loc) or targets  # "a hat on her head": the hair
    if not targets and forced:
        targets = forced
    if not targets:
        targets = placement(content, content_toks, labels, zh, loc)
    if loc.unresolved and not targets:
        return Draft(clarify(labels, zh, loc.unresolved))
    color = region_color(content, content_toks, zh, labels, targets) if targets and not invert else None
    if color:
        return Draft(recolor_ins(color, Selection(labels=targets)))
    prompt = content_prompt(content, zh, None, "add", content_toks)
    if p.kind == "add" and targets and not zh and loc.labels and p.loc_inside and not invert and not over_land:
        on = p.prep in ("on", "onto", "on top of", "over", "across")
        said = "on" if on else "against" if "against" in p.prep else "in"
        prompt = f"{prompt}, {said} the {names_of(targets, False)}"
    ins: dict[str, Any] = {"operation": "inpaint", "targets": targets, "prompt": prompt}
    if invert:
        ins["mask"] = {"invert": True}
    elif near and targets == loc.labels:  # "a bird above the tree": where it goes next to the tree
        prep = "above" if over_land else _prep(p, t, zh)
        support = support_of(targets, prep, labels)
        ins["prompt"] = f"{prompt}, {prep} the {names_of(targets, False)}"  # the prompt is English either way
        if support:  # the sky above it, the floor under it, the ground or table it stands on (it stays as it is)
            ins["targets"] = support
        else:  # nothing to stand on among the labels: the area around it
            ins["mask"] = {"dilate": _AROUND_PX}
    return Draft(ins, "add")


def _prep(p: Parsed, t: str, zh: bool) -> str:
    """The preposition of a placement, the Chinese ones said as English (下面 -> under)."""
    if not zh or p.loc is None:
        return p.prep
    after = t[p.loc[1]:p.loc[1] + 3]
    return "under" if re.match(r"的?(?:下面|下方|下边|底下)", after) else "above" if re.match(r"的?上方", after) else "next to"


# "add X above/next to/out of Y": X goes in the area around Y (Y's mask grown by this many pixels)
_NEAR_PREPS = ("above", "below", "under", "beneath", "next to", "beside", "near", "by", *OUT_OF)
_AROUND_PX = 48
# what "over" it means above, not on ("a rainbow over the lake"; "a blanket over the sofa" lies on it)
_LANDSCAPE = {"lake", "sea", "water", "river", "mountain", "hill", "field", "city", "beach", "building", "house", "tree",
              "grass", "forest", "road", "town", "valley", "ocean", "dune", "desert", "sand", "hills", "mountains"}


def restyle_strength(rules: dict[str, Any], op: str, t: str, zh: bool) -> float | None:
    spec = rules.get("operations", {}).get(op, {})
    if "strength" not in spec:
        return None
    lo, hi = spec["strength"]
    f = amount_factor(t, zh)
    if f == 1.0:
        return None
    base = spec.get("default_strength", (lo + hi) / 2)
    value = base * (0.65 if f < 1 else 1.3)
    return round(min(hi, max(lo, value)), 2)


