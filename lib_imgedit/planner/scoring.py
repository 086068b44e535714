"""Scoring a plan against a sample case (the definition in the dev set's README).

A case holds `ops` (any one is right), `targets` (exact, order-free) or `targets_any` (any one of
those sets is right), and `keywords` (when the plan's operation is inpaint, recolor or restyle, at
least one must occur, case-insensitively, in its `prompt` or `color`; empty checks nothing).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

KEYWORD_OPS = ("inpaint", "recolor", "restyle")


def score_case(case: dict[str, Any], instruction: dict[str, Any]) -> bool:
    """True when `instruction` is fully right for `case`."""
    if not isinstance(instruction, dict):
        return False
    op = instruction.get("operation")
    if op not in case.get("ops", []):
        return False
    got = set(instruction.get("targets") or [])
    if case.get("targets_any") is not None:
        allowed = [set(t) for t in case["targets_any"]]
    else:
        allowed = [set(case.get("targets") or [])]
    if got not in allowed:
        return False
    keywords = case.get("keywords") or []
    if op in KEYWORD_OPS and keywords:
        fields = [str(instruction.get("prompt") or "").lower(), str(instruction.get("color") or "").lower()]
        if not any(str(k).lower() in f for k in keywords for f in fields):
            return False
    return True


def load_cases(path: str | Path) -> list[dict[str, Any]]:
    """Cases from a JSONL file, skipping blank lines."""
    lines = Path(path).read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def score_all(cases: Iterable[dict[str, Any]], instructions: Iterable[dict[str, Any]]) -> float:
    """Share of cases planned fully right (0 when there are none)."""
    results = [score_case(c, i) for c, i in zip(cases, instructions, strict=True)]
    return sum(results) / len(results) if results else 0.0
