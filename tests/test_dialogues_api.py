"""Conversations through the real JSON API, judged turn by turn as ../shared/tools/eval_dialogues.py
judges them (the dev set's README defines the format): every `tests/data/dialogues*.jsonl` line is a
session; the picture is uploaded with a label map of one vertical band per label, then each turn's
text goes to `POST sessions/{id}/message` (with a drawn mask when `mask` is true) and the answer's
`instruction` is checked: operations, targets, keywords, adjust keys, and for a compound request the
ordered `steps`. Earlier turns really ran (generative steps on a stand-in remote WebUI), so a
follow-up is judged in the context the user saw.

Beyond the instruction, a turn may say what must have happened to the picture: `edit` (a new history
node, or none), `size` ([width, height] after the turn), `same_as` (the picture equals the one after
turn N, 0 the upload: what an undo must give back).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from helpers import b64png, band_labels_body, decode, drawn_mask

from lib_imgedit.app.standalone import create_app
from lib_imgedit.core.config import load_settings
from lib_imgedit.engine.service import EditService
from lib_imgedit.planner.base import PlanContext, Planner, PlanResult
from lib_imgedit.planner.scoring import turn_problems

API = "/sdapi/v1/imgedit"
W, H = 256, 192
DATA = Path(__file__).parent / "data"


def dialogues() -> list[Any]:
    out = []
    for path in sorted(DATA.glob("dialogues*.jsonl")):
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if line.strip():
                d = json.loads(line)
                out.append(pytest.param(d, id=f"{path.stem}:{n}:{d['id']}"))
    return out


# ---------------------------------------------------------------- the judge: lib_imgedit.planner.scoring.turn_problems
def check_picture(turn: dict[str, Any], answer: dict[str, Any], before: str, pictures: list[np.ndarray]) -> list[str]:
    why = []
    made = answer["node_id"] != before
    if "edit" in turn and made != turn["edit"]:
        why.append("made an edit" if made else "made no edit")
    shown = pictures[-1]
    if "size" in turn and [shown.shape[1], shown.shape[0]] != turn["size"]:
        why.append(f"the picture is {shown.shape[1]}x{shown.shape[0]}, expected {turn['size'][0]}x{turn['size'][1]}")
    if "same_as" in turn:
        other = pictures[turn["same_as"]]
        if other.shape != shown.shape or (other != shown).any():
            why.append(f"the picture is not the one after turn {turn['same_as']}")
    return why


def test_the_judge_is_strict():
    """The judge (`scoring.turn_problems`, the same checks as eval_dialogues.py) fails what it must."""
    want = {"steps": [{"ops": ["adjust"], "targets": ["background"], "adjust": ["blur"]},
                      {"ops": ["recolor"], "targets": ["hair"], "keywords": ["blond"]}]}
    right = {"steps": [{"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}},
                       {"operation": "recolor", "targets": ["hair"], "color": "blonde"}]}
    assert turn_problems(want, right) == []
    assert turn_problems(want, right["steps"][0]), "one step where two were asked"
    assert turn_problems(want, {"steps": right["steps"][::-1]}), "steps out of order"
    assert turn_problems({"ops": ["adjust"], "targets": ["background"], "adjust": ["blur"]},
                         {"operation": "adjust", "targets": ["face"], "adjust": {"blur": 1}})
    assert turn_problems({"ops": ["recolor"], "targets": ["hair"], "keywords": ["blond"]},
                         {"operation": "recolor", "targets": ["hair"], "color": "red"})


# ---------------------------------------------------------------- the runner
@pytest.fixture(scope="module")
def app(tmp_path_factory, _http_server):
    from fake_remotes import FakeWebUI

    FakeWebUI(_http_server)
    settings = load_settings(tmp_path_factory.mktemp("dialogues"), env={}).update({
        "executors": "webui_api,local", "webui_api_url": _http_server.url_for("/").rstrip("/"),
        "suggestions": False, "turns_per_minute": 100000, "sessions_per_client": 100000,
        "client_turns_per_minute": 100000, "sessions_per_minute": 100000})  # one test client runs every conversation
    service = EditService(settings)
    return service, TestClient(create_app(service, with_ui=False))


def run_dialogue(api: TestClient, dialogue: dict[str, Any]) -> list[str]:
    """Every turn through the API; what was wrong, turn by turn (empty: the conversation is right)."""
    photo = np.random.default_rng(0).integers(60, 200, (H, W, 3)).astype(np.uint8)
    sid = api.post(f"{API}/sessions").json()["session_id"]
    up = api.post(f"{API}/sessions/{sid}/image", json={"image": b64png(photo), "labels": band_labels_body(dialogue["labels"], W, H)})
    assert up.status_code == 200, up.text
    pictures, node, failures = [photo], up.json()["node_id"], []
    for i, turn in enumerate(dialogue["turns"], 1):
        body = {"text": turn["text"], **({"mask": b64png(drawn_mask(W, H))} if turn.get("mask") else {})}
        r = api.post(f"{API}/sessions/{sid}/message", json=body)
        if r.status_code != 200:
            failures.append(f"turn {i} {turn['text']!r}: HTTP {r.status_code}: {r.text[:200]}")
            pictures.append(pictures[-1])
            continue
        answer = r.json()
        pictures.append(decode(answer["image"]) if answer.get("image") else pictures[-1])
        why = turn_problems(turn, answer.get("instruction")) + check_picture(turn, answer, node, pictures)
        node = answer["node_id"]
        if why:
            failures.append(f"turn {i} {turn['text']!r} -> {json.dumps(answer.get('instruction'), ensure_ascii=False)[:200]}: "
                            + "; ".join(why))
    return failures


@pytest.mark.parametrize("dialogue", dialogues())
def test_dialogue(app, dialogue):
    failures = run_dialogue(app[1], dialogue)
    assert not failures, "\n".join(failures)


class Scripted(Planner):
    """Answers each turn with the reference plan the dialogue file gives (`plan`)."""

    name = "scripted"

    def __init__(self, plans: list[dict[str, Any]]):
        self.plans, self.seen = list(plans), []

    def plan(self, ctx: PlanContext) -> PlanResult:
        self.seen.append(ctx)
        return PlanResult(self.plans.pop(0), self.name)


@pytest.mark.parametrize("dialogue", [p for p in dialogues() if all("plan" in t for t in p.values[0]["turns"])])
def test_reference_plans_pass_the_judge_and_run_as_the_turns_say(app, monkeypatch, dialogue):
    """The execution half on its own: with a planner that gives the right plan, the pictures, sizes,
    nodes and undos are what each turn expects, and the planner saw the conversation so far."""
    service, api = app
    scripted = Scripted([t["plan"] for t in dialogue["turns"]])
    monkeypatch.setattr(service, "planner_for", lambda session: scripted)
    failures = run_dialogue(api, dialogue)
    assert not failures, "\n".join(failures)
    for ctx, turn in zip(scripted.seen[1:], dialogue["turns"], strict=False):
        assert ctx.history[-1].role == "assistant" and ctx.history[-2].text == turn["text"]
    earlier = [t["plan"] for t in dialogue["turns"][:-1]]
    if earlier and all(p.get("operation") not in ("undo", "redo", "clarify") for p in earlier):
        assert scripted.seen[-1].edits == earlier, "the planner sees the edits still applied"
