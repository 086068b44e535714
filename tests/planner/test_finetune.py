"""Exporting accepted turns as a JSONL fine-tuning data set (chat-messages format)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lib_imgedit.app.cli import main
from lib_imgedit.app.standalone import create_app
from lib_imgedit.core.config import load_rules
from lib_imgedit.core.errors import Forbidden
from lib_imgedit.core.instruction import validate_instruction
from lib_imgedit.engine.finetune import export_finetune
from lib_imgedit.engine.service import EditService
from tests.planner.conftest import KEY
from tests.planner.test_llm_service import API, RED, new_session, say, write_profiles


def test_export_is_opt_in(settings, tmp_path):
    with pytest.raises(Forbidden, match="Allow exporting accepted turns.*IMGEDIT_EXPORT_FINETUNE"):
        export_finetune(EditService(settings), tmp_path / "out.jsonl")
    assert main(["--data-dir", settings.data_dir, "export-finetune", "--out", str(tmp_path / "x.jsonl")]) == 1
    assert not (tmp_path / "x.jsonl").exists()


def test_accepted_turns_only_in_chat_format(settings, chat, tmp_path):
    write_profiles(Path(settings.data_dir), chat.url)
    service = EditService(settings.update({"llm_profile": "alpha", "suggestions": False, "export_finetune": True}))
    client = TestClient(create_app(service, with_ui=False))
    sid = new_session(client)
    chat.add(status=401, body=json.dumps({"error": {"message": f"wrong key {KEY}"}}))  # falls back, still kept
    say(client, sid, "make the hair red")                          # kept
    chat.add(json.dumps({"operation": "adjust", "adjust": {"grayscale": True}}))
    say(client, sid, "black and white please")                    # undone below: not kept
    client.post(f"{API}/sessions/{sid}/undo")
    chat.add(json.dumps({"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.6}}))
    say(client, sid, "blur the background")                       # kept (a branch from the red hair)
    client.post(f"{API}/sessions/{sid}/run", json={"instruction": {"operation": "adjust", "adjust": {"brightness": 0.1}}})
    other = new_session(client)
    chat.add(json.dumps(RED))
    say(client, other, "red hair")                                 # kept, another session

    out = tmp_path / "train.jsonl"
    assert main(["--data-dir", settings.data_dir, "export-finetune", "--out", str(out), "--export-finetune", "true",
                 "--template", "compact"]) == 0
    text = out.read_text("utf-8")
    rows = [json.loads(line) for line in text.splitlines()]
    asked = sorted(r["messages"][-2]["content"].split("Request: ")[1] for r in rows)
    assert asked == ["blur the background", "make the hair red", "red hair"]
    rules = load_rules()
    for row in rows:
        msgs = row["messages"]
        assert msgs[0]["role"] == "system" and "Labels in the picture: background, hair" in msgs[0]["content"]
        assert msgs[-1]["role"] == "assistant" and msgs[-2]["role"] == "user"
        validate_instruction(json.loads(msgs[-1]["content"]), rules, ["hair", "background"])
        assert all(isinstance(m["content"], str) for m in msgs), "text only: no image parts"
    blur = next(r for r in rows if "blur the background" in r["messages"][-2]["content"])
    history = [m["content"] for m in blur["messages"][1:-2]]
    assert "make the hair red" in history and "black and white please" in history  # what the planner saw then
    assert KEY not in text and "base64" not in text and "data:image" not in text


def test_accepted_suggestion_counts_even_when_undone(settings, tmp_path):
    service = EditService(settings.update({"export_finetune": True}))
    client = TestClient(create_app(service, with_ui=False))
    sid = new_session(client)
    pending = client.post(f"{API}/sessions/{sid}/suggestions/0/accept?run=true").json()
    client.post(f"{API}/sessions/{sid}/undo")
    assert export_finetune(service, tmp_path / "s.jsonl") == 1
    row = json.loads((tmp_path / "s.jsonl").read_text("utf-8"))
    assert json.loads(row["messages"][-1]["content"]) == pending["instruction"]
