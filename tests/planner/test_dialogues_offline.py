"""Conversations through the offline planner, turn by turn, in the context the service builds (history, the edits
still applied after undo/redo, the question asked back, a drawn mask). The files are in the dev set's format
(/work/shared/dev-set/README.md); the API test runs the same files through the real service."""

from __future__ import annotations

from pathlib import Path

import pytest

from lib_imgedit.core.config import load_rules
from lib_imgedit.core.instruction import validate_plan
from lib_imgedit.planner.base import Planner
from lib_imgedit.planner.offline import OfflinePlanner
from lib_imgedit.planner.scoring import DialogueState, load_cases, run_dialogue

DATA = Path(__file__).resolve().parents[1] / "data"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "dev-set" / "dialogues.jsonl"
RULES = load_rules()
PLANNER = OfflinePlanner(RULES)
OWN = load_cases(DATA / "dialogues_planner.jsonl")


def _failures(dialogues: list[dict]) -> list[str]:
    out = []
    for d in dialogues:
        for turn, plan, why in run_dialogue(PLANNER, d):
            validate_plan(plan, RULES, d["labels"] + (["user_mask"] if turn.get("mask") else []))
            if why:
                out.append(f"{d['id']} {turn['text']!r}: {'; '.join(why)} <- {plan}")
    return out


def test_own_dialogues_are_fully_right() -> None:
    assert len(OWN) >= 40
    assert _failures(OWN) == []


def test_own_dialogues_cover_the_kinds() -> None:
    turns = [t for d in OWN for t in d["turns"]]
    zh = [t for t in turns if any("\u4e00" <= ch <= "\u9fff" for ch in t["text"])]
    assert len(zh) >= 20
    assert sum("steps" in t for t in turns) >= 8
    assert sum(bool(t.get("mask")) for t in turns) >= 4
    ops = {op for t in turns for op in t.get("ops", [])}
    assert ops >= {"crop", "rotate", "flip", "resize", "clarify", "undo", "redo", "adjust", "recolor", "remove"}
    assert any(" 2" in x for d in OWN for x in d["labels"])  # instances


@pytest.mark.skipif(not SHARED.is_file(), reason="shared dev set not present (CI)")
def test_devset_dialogues_are_fully_right() -> None:
    assert _failures(load_cases(SHARED)) == []


class _Recorder(Planner):
    """Plans through the offline planner and keeps the contexts it was given."""

    name = "recorder"

    def __init__(self) -> None:
        self.seen = []

    def plan(self, ctx):
        self.seen.append(ctx)
        return PLANNER.plan(ctx)


def test_the_simulated_context_follows_undo_and_questions() -> None:
    rec = _Recorder()
    dialogue = {"id": "x", "labels": ["hair", "lips", "background"], "turns": [
        {"text": "make the lips red", "ops": ["recolor"], "targets": ["lips"]},
        {"text": "undo", "ops": ["undo"], "targets": []},
        {"text": "make the horse white", "ops": ["clarify"], "targets": []},
        {"text": "remove this", "mask": True, "ops": ["remove"], "targets": ["user_mask"]}]}
    assert all(not why for _t, _p, why in run_dialogue(rec, dialogue))
    first, after_undo, asking, masked = rec.seen
    assert first.current is None and first.edits == [] and not first.user_mask
    assert after_undo.current["targets"] == ["lips"]
    assert asking.current is None and asking.edits == []  # undone back to the upload
    assert masked.asked and masked.user_mask and "user_mask" in masked.labels
    state = DialogueState(["sky"])
    state.apply("blur it", {"operation": "adjust", "targets": [], "adjust": {"blur": 0.5}})
    state.apply("undo", {"operation": "undo"})
    state.apply("redo", {"operation": "redo"})
    assert state.context("more").current == {"operation": "adjust", "targets": [], "adjust": {"blur": 0.5}}
