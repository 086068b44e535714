"""Undo and redo, the conversation's last edit, and which faces a request picks."""

from __future__ import annotations

import re
from typing import Any

from ...core.instruction import plan_steps
from .. import vocab as V
from ..base import PlanContext, Turn
from .labels import resolve_thing
from .parse import strip_prefix
from .tokens import Tok, tokenize

_COUNT_EN = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|both|a couple(?: of)?|couple of|a few|"
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
    r"mistake|no|wrong|bad|ugly|hate|don't|like|dont|didn't|didnt|better|worse|earlier|state|last|more|\d+|one|two|three|"
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
    return max(1, min(50, len(ctx.edits)))


_AS_IT_WAS_EN = re.compile(r"\b(?:put|get|set|turn|change|make) it back(?: to)? (?:how|the way|what|as) it was\b")  # undo
_BEFORE_EN = re.compile(r"\b(?:go|get|take (?:it|me|us)|put it|bring it)?\s*back to (?:how it was |the way it was |what it was |it )?"
                        r"(?:before|prior to) (?P<x>.+?)[.!?]*$")
_BEFORE_ZH = re.compile(r"(?:回到|退回到?|恢复到|恢复成|变回|改回)(?P<x>[^，,。]{1,12}?)(?:之前|以前)")


def _back_before(t: str, zh: bool, ctx: PlanContext) -> dict[str, Any] | None:
    """"go back to before the balloons", 回到加气球之前: every edit since the one that touched what is named."""
    m = (_BEFORE_ZH if zh else _BEFORE_EN).search(t)
    if not m or not ctx.edits:
        return None
    named = {y for x in tokenize(m.group("x"), ctx.labels) if x.cat == "thing" for y in resolve_thing(x.value, ctx.labels)[0]}
    for back, plan in enumerate(reversed(ctx.edits), 1):
        if named & {x for step in plan_steps(plan) for x in step.get("targets") or []}:
            return {"operation": "undo", "count": back}
    return {"operation": "undo", "count": 1} if not named else None


def _named_in_last(toks: list[Tok], ctx: PlanContext) -> bool:
    """Whether the things a message names are all regions the last edit changed."""
    last = {x for step in plan_steps(ctx.current) for x in step.get("targets") or []}
    named = [y for x in toks if x.cat == "thing" for y in resolve_thing(x.value, ctx.labels)[0]]
    return bool(named) and set(named) <= last


def history_op(t: str, zh: bool, ctx: PlanContext, toks: list[Tok]) -> dict[str, Any] | None:
    has_content = any(x.cat in ("thing", "color", "adjust", "style", "scene", "gray", "filter") for x in toks)
    if re.search(r"\b(?:redo|re-do|do) (?:it|that|this|the \w+) (?:as|with|in|using|but)\b", t):
        return None  # "nvm, redo it as exposed brick instead": the edit again another way
    before = _back_before(t, zh, ctx)
    if before:
        return before
    if zh:
        raw, t = t, strip_prefix(t, True)[0] or t  # "帮我恢复上一步"
        if re.search(r"撤(?:销|消|回|掉)?(?:掉)?的.{0,8}?(?:恢复|还原|加回|放回|弄回|找回|回来)|(?:恢复|还原|找回)(?:一下)?(?:刚才|之前)?撤销|"
                     r"恢复(?:一下)?(?:刚才|之前)(?:的|那个|那步|那一步)|(?:刚才|之前)(?:的|那个|那步|那一步)[^，,。]{0,3}?(?:恢复|还原|找回|做回)|"
                     r"^[^，,。]{0,4}?恢复(?!原|成原|到原|彩色|颜色)[吧了啊]?(?:[，,。].*)?$|撤错了|撤销错了|不小心撤", raw) and \
                undone_count(ctx):  # 把刚才那步恢复; 算了还是恢复吧 right after an undo
            return {"operation": "redo", "count": 1}  # "刚才撤销的那一步再恢复一下": the undo taken back
        if (re.search(r"(?:恢复|改|换|弄|变|做)回来|^(?:还是)?(?:加上|加回|放回)(?:去|来)?[吧了啊]?$", t) or
                re.search(r"还是(?:刚才|之前|那个)?.{0,6}好看", raw)) and undone_count(ctx) and \
                not re.search(r"原图|原来的?样子|最开始", t):
            return {"operation": "redo", "count": 1}  # "还是晚霞好看，恢复回来吧" right after an undo: bring it back
        if re.search(r"恢复(?:成)?(?:彩色|颜色|原色)", t) and (last_instruction(ctx) or {}).get("adjust", {}).get("grayscale"):
            return {"operation": "undo", "count": 1}  # 还是恢复彩色吧 right after black and white
        if any(w in t for w in V.RESET_ZH):
            return {"operation": "undo", "count": _edits_in_history(ctx)}
        if (any(w in t for w in V.REDO_ZH) and not has_content) or re.search(r"(?:撤销|撤回)\s*(?:撤销|撤回)", t):
            return {"operation": "redo", "count": _count(t, zh)}
        if re.search(r"撤销|撤消|撤回|回退|退回|回滚|返回上一步|回到上一步|退一步|后退|撤了吧?$|撤掉吧?$|"
                     r"(?:刚才|之前|上一)(?:的|那个|那步|那一步|一步|步)[^，,。]{0,3}?(?:还原|恢复|撤掉|取消|不要了?)(?:一下)?[吧了啊]?$|"
                     r"^(?:还是|算了|那就|要不)?[，,\s]*(?:换回|改回|变回)(?![去来])[^，,。把]{1,8}?[吧了啊]?$", t) or (
                re.search(r"^[^，,把将给]{0,4}?(?:算了|还是|那就|[，,\s…嗯])*(?:改回|变回|换回|弄回)(?:去|来|原来的?|原样)[^，,。]{0,4}?[吧了啊]?$", t)) or (
                re.search(r"(?:(?:改回|变回|换回|弄回)(?:去|来)|还原)[吧了啊]?$", t) and _named_in_last(toks, ctx)):  # 不好看，学士服改回去
            return {"operation": "undo", "count": _count(t, zh)}
        if re.search(r"(?:还是|保持|恢复成?|变回|改回)(?:原来的?样子|原样|原来那样)[吧了啊]?$", t) and (
                not has_content or _named_in_last(toks, ctx)):
            return {"operation": "undo", "count": 1}  # 算了，弓还是原来的样子吧 right after the bow was recoloured
        if re.search(r"(?:放|加|拿|弄|搬)回(?:去|来)", t) and not has_content and \
                (last_instruction(ctx) or {}).get("operation") == "remove":
            return {"operation": "undo", "count": 1}  # "还是放回去吧" right after a removal
        if re.fullmatch(r"(?:还原|上一步|恢复|算了|取消)[\s\S]{0,8}", t) and not has_content:
            return {"operation": "undo", "count": _count(t, zh)}
        return None
    if re.search(r"\b(?:start over|start again from scratch|reset(?: it| everything| the image)?|"
                 r"(?:go |get )?back to (?:the )?original|undo (?:everything|all(?: of it| the edits| changes)?)|"
                 r"revert (?:everything|all)|restore the original)\b", t) and not has_content:
        return {"operation": "undo", "count": _edits_in_history(ctx)}
    if re.search(r"\b(?:i|we|you) (?:just )?(?:undid|undone|took back)\b", t) and undone_count(ctx):
        return {"operation": "redo", "count": 1}  # "nvm, restore the goat thing i just undid"
    if re.search(r"\b(?:bring|put|get) back the original\b|\bthe original [a-z]+ back\b", t) and ctx.edits:
        return {"operation": "undo", "count": 1}  # "nah bring back the original flowers"
    if (re.search(r"\btake (?:it|that|this) back\b", t) and not has_content or _AS_IT_WAS_EN.search(t)) and last_instruction(ctx):
        return {"operation": "undo", "count": 1}  # "ugh that looks worse, take it back"
    back = re.search(r"\b(?:put|bring) (?:it|that|them|him|her|th(?:at|e) (?:edit|change|step|one)) back\b|\brestore (?:it|that|them)\b", t)
    last = last_instruction(ctx) or {}
    named_back = re.search(r"\b(?:put|bring) (?:the |my |our |his |her )?([a-z]+(?: [a-z]+)?) back\b", t)
    if named_back and last.get("operation") == "remove" and undone_instruction(ctx) is None and any(
            named_back.group(1).rstrip("s") in x or x in named_back.group(1) for x in last.get("targets") or []):
        return {"operation": "undo", "count": 1}  # "actually put the car back" right after removing the car
    if back and not has_content and last.get("operation") == "remove" and undone_instruction(ctx) is None:
        return {"operation": "undo", "count": 1}  # "wait no, put it back" right after a removal takes it back
    wanted = re.search(r"\bi (?:did |do )?(?:want|like|liked|wanted|need|needed) (?:that|the|it)\b", t)
    if back and (not has_content or wanted) and undone_count(ctx):
        return {"operation": "redo", "count": 1}  # "actually I liked it" / "I did want that blur, put it back" after an undo
    if re.search(r"\b(?:bring|get|put) (?:the |my )?colou?rs? back\b|\brestore (?:the )?colou?rs?\b", t) and \
            ((last.get("adjust") or {}).get("grayscale") or (last.get("adjust") or {}).get("saturation", 0) < 0):
        return {"operation": "undo", "count": 1}  # "bring the colour back" right after black and white
    if re.match(r"^(?:redo|re-do|reapply|re-apply)\b", t) and ctx.edits is not None and undone_count(ctx) and not any(
            x.cat in ("color", "adjust", "style", "scene", "gray", "filter") for x in toks):
        return {"operation": "redo", "count": 1}  # "redo the roof one" after undoing it: the roof edit back
    if re.search(r"\b(?:undo (?:the|that|my|your) undo|redo|re-do|reapply|re-apply)\b", t) or re.fullmatch(
            r"(?:bring (?:it|that) back|put (?:it|that) back|restore (?:it|that)|go forward|step forward|"
            r"forward)(?: please)?", t):
        if not has_content or re.search(r"\bundo (?:the|that|my|your) undo\b", t):
            return {"operation": "redo", "count": _count(t, zh)}
        if wanted and undone_count(ctx):  # "wait no, redo it, i do want that rock gone"
            return {"operation": "redo", "count": 1}
    if undone_count(ctx) and not has_content and re.search(r"\b(?:do|apply|make) (?:it|that|this) again\b|^(?:again|"
                                                          r"(?:ok |actually )*do it)\b", t):
        return {"operation": "redo", "count": 1}  # "ok do it again actually" right after an undo: the edit undone
    if re.search(r"\bundo\b", t):
        return {"operation": "undo", "count": _count(t, zh)}
    m = _UNDO_EN.match(t)
    if m and not has_content:
        rest = _HISTORY_FILLER_EN.sub(" ", t[m.end():])
        if not re.sub(r"[\s,.!?;:'\"-]+", "", rest):
            return {"operation": "undo", "count": _count(t, zh)}
    back_to = re.search(r"(?:^|(?P<after>[,.!;])\s*)(?:(?:actually|no|nah|ok|just|please|so)\s+)*(?:go back|revert(?: it| that)?)"
                        r"(?: one| a step| one step)?(?: please| pls)?$", t)
    if back_to and (not has_content or back_to.group("after")) and last_instruction(ctx):
        return {"operation": "undo", "count": 1}  # "nah that looks off, go back"
    if re.fullmatch(r"(?:i liked it better before|i preferred (?:it|the) (?:before|previous(?: one)?)|"
                    r"that(?:'s| is| was| looks)? (?:bad|wrong|worse|terrible|awful)[,.!]*(?: go back| undo)?|"
                    r"(?:the )?previous (?:one|version) (?:was|is) better)", t):
        return {"operation": "undo", "count": 1}
    return None


def same_to_both(base: dict[str, Any], t: str, ctx: PlanContext) -> list[str]:
    """The last edit's region, with the one before it when "they", "both" or 都 says the same edit was done to
    both ("blur the woman's face", "the guy on the far right too", "stronger, i can still tell who they are")."""
    targets = list(base.get("targets") or [])
    before = [s for s in plan_steps(ctx.edits[-2]) if s.get("operation") not in (None, "undo", "redo", "clarify")] \
        if len(ctx.edits) >= 2 else []
    if not before or not re.search(r"\b(?:they|them|their|both|all of them)\b|[他她]们|两个|都", f"{t} {(ctx.message or ctx.text or '').lower()}"):
        return targets
    prev = before[-1]
    if prev.get("operation") != base.get("operation") or set(prev.get("adjust") or {}) != set(base.get("adjust") or {}) or \
            (prev.get("mask") or {}).get("invert") or (base.get("mask") or {}).get("invert"):
        return targets
    return list(dict.fromkeys([*(x for x in prev.get("targets") or [] if x in ctx.labels), *targets]))


def last_steps(ctx: PlanContext) -> list[dict[str, Any]]:
    """The steps of the plan that made the current image, read from `ctx.current` (the service's record)."""
    return plan_steps(ctx.current if ctx.current is not None else (ctx.edits[-1] if ctx.edits else None))


def last_instruction(ctx: PlanContext) -> dict[str, Any] | None:
    """The last edit that made the current image (the last step of a several-step plan); None at an upload
    or after undoing back to it. Read from `ctx.current` (the service's record), never from old text."""
    for step in reversed(last_steps(ctx)):
        if step.get("operation") not in (None, "undo", "redo", "clarify"):
            return step
    return None


def referent(ctx: PlanContext) -> dict[str, Any] | None:
    """What "it" and "instead" point back to: right after an undo, the edit it took back ("censor the car", "undo",
    "remove it instead": the car; "make the cape black", "undo that", "actually dark green": the cape), else the
    last edit of the current image."""
    return undone_instruction(ctx) or last_instruction(ctx)


def undone_instruction(ctx: PlanContext) -> dict[str, Any] | None:
    """The edit that the last plan, a single undo, took back (None after anything else)."""
    plans = [plan_steps(h.instruction) for h in ctx.history if isinstance(h.instruction, dict)]
    if len(plans) < 2 or [s.get("operation") for s in plans[-1]] != ["undo"] or int(plans[-1][0].get("count") or 1) != 1:
        return None
    edits = [s for s in plans[-2] if s.get("operation") not in (None, "undo", "redo", "clarify")]
    return edits[-1] if edits else None


def undone_count(ctx: PlanContext) -> int:
    """How many edits the plans since the last edit undid (undo counts less redo counts): what redo can bring back."""
    n = 0
    for turn in reversed(ctx.history):
        for step in reversed(plan_steps(turn.instruction)):
            op = step.get("operation")
            if op == "undo":
                n += int(step.get("count") or 1)
            elif op == "redo":
                n -= int(step.get("count") or 1)
            elif op not in (None, "clarify"):
                return max(n, 0)
    return max(n, 0)


def pending_clarify(ctx: PlanContext) -> str | None:
    """The user request that the question in `ctx.asked` answered, when the assistant asked one back."""
    if not ctx.asked:
        return None
    hist: list[Turn] = list(ctx.history)
    if hist and hist[-1].role == "user" and hist[-1].text.strip() == ctx.text.strip():
        hist = hist[:-1]
    for turn in reversed(hist):
        if turn.role == "user":
            return turn.text
    return None
