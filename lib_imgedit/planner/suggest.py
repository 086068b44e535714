"""Next-edit suggestions without a model: candidates that fit the picture's labels, skipping what
the session already did. Each suggestion is a runnable instruction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_HAIR_COLORS = {"blonde": "金色", "auburn": "栗红色", "black": "黑色", "silver": "银色"}


def _cands(labels: set[str], zh: bool, generative: bool) -> list[tuple[str, str, dict[str, Any]]]:
    """(group, text, instruction) in order of preference; the group keeps the three suggestions varied."""
    def t(en: str, cn: str) -> str:
        return cn if zh else en

    out: list[tuple[str, str, dict[str, Any]]] = []
    if "background" in labels:
        out.append(("region", t("Blur the background", "把背景虚化"),
                    {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}}))
        if generative:
            out.append(("generate", t("Replace the background with a beach at sunset", "把背景换成日落海滩"),
                        {"operation": "inpaint", "targets": ["background"], "prompt": "a beach at sunset, golden light"}))
    if "hair" in labels:
        for color, zh_name in _HAIR_COLORS.items():
            out.append(("region", t(f"Make the hair {color}", f"把头发改成{zh_name}"),
                        {"operation": "recolor", "targets": ["hair"], "color": color}))
    if "lips" in labels:
        out.append(("region", t("Make the lips red", "把嘴唇变红"), {"operation": "recolor", "targets": ["lips"], "color": "red"}))
    if "sky" in labels:
        out.append(("region", t("Make the sky bluer", "让天空更蓝"),
                    {"operation": "adjust", "targets": ["sky"], "adjust": {"saturation": 0.4, "warmth": -0.2}}))
    if "face" in labels:
        out.append(("region", t("Brighten the face a little", "把脸提亮一点"),
                    {"operation": "adjust", "targets": ["face"], "adjust": {"brightness": 0.15}}))
    out += [
        ("tone", t("Make the photo a bit brighter", "把照片调亮一点"), {"operation": "adjust", "adjust": {"brightness": 0.2}}),
        ("tone", t("Give it a warm, golden tone", "让色调更暖"), {"operation": "adjust", "adjust": {"warmth": 0.35}}),
        ("tone", t("Make the colours more vivid", "让颜色更鲜艳"), {"operation": "adjust", "adjust": {"saturation": 0.3}}),
        ("style", t("Turn it black and white", "变成黑白照片"), {"operation": "adjust", "adjust": {"grayscale": True}}),
        ("style", t("Apply a vintage film look", "加一个复古滤镜"), {"operation": "adjust", "adjust": {"stylize": "vintage"}}),
        ("style", t("Sharpen the details", "锐化细节"), {"operation": "adjust", "adjust": {"sharpen": 0.4}}),
    ]
    if generative:
        out.insert(0, ("generate", t("Make it a watercolor painting", "变成水彩画"),
                       {"operation": "restyle", "prompt": "watercolor painting, soft washes of colour"}))
    return out


def offline_suggestions(labels: list[str], done: list[dict[str, Any]], zh: bool = False,
                        can_run: Callable[[dict[str, Any]], bool] = lambda _i: True, n: int = 3) -> list[dict[str, Any]]:
    """Up to `n` suggestions `{"text", "instruction"}`, at most one per group while groups last."""
    done_keys = {_key(i) for i in done if i}
    for i in done:  # one hair colour is enough: suggest another, not the same again
        if i and i.get("operation") == "recolor":
            done_keys.add(("recolor", tuple(i.get("targets", [])), "*"))
    generative = can_run({"operation": "restyle", "prompt": "watercolor"})
    picked: list[dict[str, Any]] = []
    groups: set[str] = set()
    for strict in (True, False):
        for group, text, instr in _cands(set(labels), zh, generative):
            if len(picked) >= n:
                break
            if (strict and group in groups) or any(p["instruction"] == instr for p in picked):
                continue
            if _key(instr) in done_keys or ("recolor", tuple(instr.get("targets", [])), "*") in done_keys:
                continue
            if not can_run(instr):
                continue
            picked.append({"text": text, "instruction": instr})
            groups.add(group)
    return picked


def _key(instr: dict[str, Any]) -> tuple:
    return (instr.get("operation"), tuple(instr.get("targets", [])), repr(sorted((instr.get("adjust") or {}).items())),
            instr.get("color", ""), instr.get("prompt", ""))
