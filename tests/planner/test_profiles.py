"""Model profiles (profiles.json, the env profile, the shipped examples) and prompt templates."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from pathlib import Path

import pytest

from lib_imgedit.app.cli import main
from lib_imgedit.core.config import load_rules, load_settings
from lib_imgedit.core.instruction import validate_plan
from lib_imgedit.planner.base import PlanContext
from lib_imgedit.planner.llm import LLMPlanner, planning_messages
from lib_imgedit.planner.offline import OfflinePlanner
from lib_imgedit.planner.profiles import EXAMPLES_FILE, load_profiles, profile_from_dict
from lib_imgedit.planner.registry import PlannerRegistry
from lib_imgedit.planner.templates import PLACEHOLDERS, load_template, template_names
from tests.planner.conftest import KEY

RULES = load_rules()
OFFLINE = OfflinePlanner(RULES)


def test_shipped_examples_cover_the_named_servers(tmp_path):
    (tmp_path / "profiles.json").write_text(EXAMPLES_FILE.read_text("utf-8"))
    profiles, errors = load_profiles(tmp_path)
    assert not errors
    assert {"gpt-4o", "gpt-4.1", "gpt-3.5", "chatglm", "qwen", "deepseek", "ollama", "vllm", "llama-cpp"} <= set(profiles)
    assert profiles["gpt-4o"].vision and profiles["qwen"].template == "zh" and profiles["llama-cpp"].template == "compact"
    for p in profiles.values():
        assert (p.template or "default") in template_names(None)


@pytest.mark.parametrize("data, problem", [
    ({"base_url": "http://x/v1", "model": "m", "apikey": "k"}, "unknown key 'apikey'"),
    ({"base_url": "ftp://x/v1", "model": "m"}, "http(s) URL"),
    ({"base_url": "http://x/v1"}, "needs 'model'"),
    ({"base_url": "http://x/v1", "model": "m", "vision": "yes"}, "vision must be of type bool"),
    ({"base_url": "http://x/v1", "model": "m", "template": "../../etc/passwd"}, "plain name"),
])
def test_bad_profiles_are_reported_and_skipped(tmp_path, data, problem):
    (tmp_path / "profiles.json").write_text(json.dumps({"bad": data, "good": {"base_url": "http://h:1/v1", "model": "m"}}))
    profiles, errors = load_profiles(tmp_path)
    assert set(profiles) == {"good"} and problem in errors[0]


def test_keys_are_resolved_late_and_never_shown(monkeypatch):
    monkeypatch.setenv("IMGEDIT_TEST_KEY", KEY)
    p = profile_from_dict("x", {"base_url": "http://user:pw@h:8080/v1?q=1", "model": "m", "api_key": "env:IMGEDIT_TEST_KEY",
                                "headers": {"api-key": "env:IMGEDIT_TEST_KEY"}})
    assert p.key() == KEY and p.resolved_headers() == {"api-key": KEY}
    assert KEY not in repr(p) and "IMGEDIT_TEST_KEY" not in repr(p)
    shown = p.public()
    assert shown["has_key"] is True and shown["base_url"] == "http://h:8080/v1"
    assert KEY not in json.dumps(shown) and "pw" not in json.dumps(shown)
    monkeypatch.delenv("IMGEDIT_TEST_KEY")
    assert p.public()["has_key"] is False


def test_env_profile_and_default_choice(tmp_path):
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:1/v1", "OPENAI_API_KEY": KEY}
    settings = load_settings(tmp_path, env={"IMGEDIT_LLM_MODEL": "qwen2.5"})
    registry = PlannerRegistry(lambda: settings, RULES, OFFLINE, env=env)
    assert registry.names() == ["env"] and registry.default_name() == "env"
    planner = registry.get()
    assert isinstance(planner, LLMPlanner) and planner.profile.model == "qwen2.5"
    assert planner.profile.api_key == "env:OPENAI_API_KEY", "the key itself is not copied into the profile"
    assert PlannerRegistry(lambda: load_settings(tmp_path, env={}), RULES, OFFLINE, env=env).get() is OFFLINE, "no model: offline"
    assert PlannerRegistry(lambda: settings, RULES, OFFLINE, env={}).get() is OFFLINE, "no URL and no key: offline"
    wrong = PlannerRegistry(lambda: settings.update({"llm_profile": "missing"}), RULES, OFFLINE, env=env)
    assert wrong.get() is OFFLINE and "'missing' is not a configured profile" in wrong.errors[0]


def test_profiles_json_is_reread_when_it_changes(tmp_path):
    settings = load_settings(tmp_path, env={})
    path = tmp_path / "profiles.json"
    path.write_text(json.dumps({"a": {"base_url": "http://h:1/v1", "model": "m1"}}))
    registry = PlannerRegistry(lambda: settings, RULES, OFFLINE, env={})
    assert registry.get("a").profile.model == "m1"
    path.write_text(json.dumps({"a": {"base_url": "http://h:1/v1", "model": "m2"}, "b": {"base_url": "http://h:1/v1", "model": "m"}}))
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
    assert registry.get("a").profile.model == "m2" and registry.names() == ["a", "b"]


def test_plan_command_uses_the_env_variables(chat, monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_BASE_URL", chat.url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    chat.add('{"operation": "recolor", "targets": ["hair"], "color": "teal"}')
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--data-dir", str(tmp_path), "plan", "--llm-model", "served-model", "--labels", "hair,face",
                     "--compact", "make her hair teal"]) == 0
    assert json.loads(out.getvalue())["color"] == "teal"
    assert chat.requests[0].body["model"] == "served-model"
    assert chat.requests[0].headers["Authorization"] == f"Bearer {KEY}"


# -- templates ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["default", "compact", "zh"])
def test_builtin_templates_render_and_their_examples_are_valid(name):
    template = load_template(name)
    assert template.system and template.suggest and len(template.examples) >= 3
    for ex in template.examples:
        labels = re.findall(r"([a-z_]+(?: \d+)?)(?: \(\d+%\))?", ex.labels)
        validate_plan(json.loads(ex.assistant), RULES, labels)
    ctx = PlanContext(text="make it darker", labels=["sky", "tree"], shares={"sky": 0.6, "tree": 0.4})
    system = planning_messages(template, ctx, RULES)[0]["content"]
    assert "{{" not in system and "sky" in system
    placeholders = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", template.system + template.suggest))
    assert placeholders <= set(PLACEHOLDERS)


def test_user_templates_override_and_add(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "default.md").write_text("## system\nMY OWN PROMPT for {{label_names}}\n")
    (folder / "terse.md").write_text("note\n## system\nTerse: {{labels}}\n## example\nlabels: sky\nuser: darker\n"
                                     '```json\n{"operation": "adjust", "adjust": {"brightness": -0.2}}\n```\n')
    assert load_template("default", tmp_path).system == "MY OWN PROMPT for {{label_names}}"
    terse = load_template("terse", tmp_path)
    assert terse.examples[0].user == "darker" and terse.suggest == load_template("default").suggest != ""
    assert {"default", "compact", "zh", "terse"} <= set(template_names(tmp_path))


def test_a_missing_template_falls_back_with_a_note(make_profile, chat):
    planner = LLMPlanner(make_profile(template="nonexistent"), RULES, OFFLINE)
    result = planner.plan(PlanContext(text="make it brighter", labels=["sky"]))
    assert result.planner == "offline" and "no prompt template 'nonexistent'" in result.notes[0]
    assert not chat.requests


def test_example_file_documents_every_profile_key():
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    for key in ("base_url", "model", "api_key", "template", "vision", "json_mode", "tools", "stream", "timeout",
                "max_retries", "max_tokens", "temperature", "headers", "mode", "examples"):
        assert f"`{key}`" in text, f"README must document the profile key {key}"
    for name in PLACEHOLDERS:
        assert "{{" + name + "}}" in text, f"README must document the placeholder {name}"
