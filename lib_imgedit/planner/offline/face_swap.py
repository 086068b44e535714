"""Face swaps: whose face goes where ("put my face on the second player from the right", 把两个人的脸换成我的)."""

from __future__ import annotations

import re
from typing import Any

from ..base import PlanContext
from .labels import instances, norm_label
from .parse import EN_REMOVE
from .positions import pick_faces
from .tokens import Tok


def face_swap_op(t: str, zh: bool, toks: list[Tok], labels: list[str], ctx: PlanContext) -> dict | None:
    strong = re.search(r"\bface[- ]?swap|\bswap (?:the |his |her |their |our |both |all )?faces?\b|"
                       r"\bswap (?:in )?my face|\bswitch faces\b|\bface replace|"
                       r"\b(?:swap|replace|switch)\b[^,.;]{0,40}\bfaces?\b[^,.;]{0,12}\b(?:with|for) (?:my|mine|his|her|their)\b|"
                       r"\b(?:put|paste|stick) (?:my |his |her |our |their )?[a-z]+(?:'s|s)? face (?:on|onto)\b|"
                       r"\bmy (?:own )?face (?:on|onto|over) (?:her|him|them|the|that|this)\b|"  # "i want my face on her"
                       r"\b(?:swap|switch|put|paste) (?:my|his|her|our|their) [a-z]+'?s? face (?:onto|on|in|into)\b|"  # my son's face onto
                       r"\bswap in (?:my|his|her|our|their) (?:[a-z]+'?s? )?face\b",
                       t) or re.search(
        r"换脸|换个脸|换一下脸|换张脸|人脸替换|替换人脸|换成我的脸|换上我的脸|用我的脸|换成我的|换上我|把我的脸", t)
    weak = re.search(r"\b(?:my (?:own )?face|mine|my photo|my selfie|myself|(?:with|to|into|by|for) me|"
                     r"(?:the |my )?(?:photo|picture|pic|image|selfie|face|one)s?(?: of [a-z' ]+?)? (?:i|we) (?:have |just |already )?"
                     r"(?:uploaded|sent|added|attached|gave)|"
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
    numbered = instances("face 1", labels) or instances("person 1", labels)
    picked = pick_faces(t, len(numbered))
    if picked and len(picked) < len(numbered):  # "put my face on the second player from the right"
        ins["targets"] = [numbered[i] for i in picked]
    elif numbered and re.search(r"\b(?:both|all|every|each|everyone'?s?)\b|两个|俩|所有|每个|大家|[他她]们的脸", t):
        ins["targets"] = numbered  # "swap both faces", 把两个人的脸换成…
    faces = pick_faces(t, ctx.faces)
    if faces:
        ins["faces"] = faces
    return ins


