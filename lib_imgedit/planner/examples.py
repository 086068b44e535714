"""Few-shot examples chosen per request: the most similar requests from an example bank.

A small model copies the shape of the examples it is shown far more reliably than it follows rules,
so each plan gets the few solved requests closest to this one (English or Chinese) instead of a fixed
list. The bank is `defaults/examples.jsonl` (the project's own solved cases) plus
`<data dir>/examples.jsonl` (a team's own, e.g. turns its users accepted); one JSON object a line:
`{"text": ..., "labels": [...], "instruction": {...}}`, where the instruction may be a plan with steps.

Similarity is the cosine of character 1-3-gram counts, which needs no tokenizer and works for Chinese;
labels are written into each example so the model sees how the picture's names map to targets.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("imgedit")

BUILTIN = Path(__file__).resolve().parents[1] / "defaults" / "examples.jsonl"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class BankExample:
    text: str
    labels: tuple[str, ...]
    instruction: dict[str, Any]


def _grams(text: str) -> Counter[str]:
    t = " " + _SPACE.sub(" ", text.lower()).strip() + " "
    return Counter(t[i:i + n] for n in (1, 2, 3) for i in range(len(t) - n + 1))


def _norm(c: Counter[str]) -> float:
    return math.sqrt(sum(v * v for v in c.values())) or 1.0


class ExampleBank:
    def __init__(self, paths: list[Path]):
        self.examples: list[BankExample] = []
        for path in paths:
            if path.is_file():
                self.examples += _read(path)
        self._grams = [_grams(e.text) for e in self.examples]
        self._norms = [_norm(g) for g in self._grams]

    def nearest(self, text: str, k: int = 4, exclude: str = "") -> list[BankExample]:
        """The `k` examples whose request reads most like `text` (never `exclude` itself, so a bench
        cannot be answered by its own case)."""
        if k <= 0 or not self.examples:
            return []
        q = _grams(text)
        qn = _norm(q)
        skip = exclude.strip().lower()
        scored = []
        for i, g in enumerate(self._grams):
            if skip and self.examples[i].text.strip().lower() == skip:
                continue
            dot = sum(v * g[key] for key, v in q.items() if key in g)
            scored.append((dot / (qn * self._norms[i]), i))
        scored.sort(reverse=True)
        picked: list[BankExample] = []
        seen: set[str] = set()
        for _, i in scored:
            ex = self.examples[i]
            key = json.dumps(ex.instruction, sort_keys=True)
            if key in seen:  # the same answer twice teaches nothing new
                continue
            seen.add(key)
            picked.append(ex)
            if len(picked) == k:
                break
        return picked[::-1]  # the closest last, nearest to the request


def _read(path: Path) -> list[BankExample]:
    out = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            out.append(BankExample(str(d["text"]), tuple(d.get("labels") or ()), dict(d["instruction"])))
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("%s:%d: not an example (%s); skipped", path, n, exc)
    return out


_banks: dict[str, tuple[float, ExampleBank]] = {}
_lock = threading.Lock()


def example_bank(data_dir: str | os.PathLike | None = None) -> ExampleBank:
    """The bank for a data folder, read again when the user's file changes."""
    user = Path(data_dir) / "examples.jsonl" if data_dir else None
    stamp = user.stat().st_mtime if user is not None and user.is_file() else 0.0
    key = str(user)
    with _lock:
        cached = _banks.get(key)
        if cached is None or cached[0] != stamp:
            cached = (stamp, ExampleBank([BUILTIN] + ([user] if user else [])))
            _banks[key] = cached
        return cached[1]
