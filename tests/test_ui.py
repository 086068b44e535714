"""The tab's handlers and its host hooks, called directly (the browser tests drive the same handlers
through Chromium). A recording host stands in for the WebUI adapter."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest
from PIL import Image

from lib_imgedit.service import EditService
from lib_imgedit.ui import STAGE_HTML, WELCOME, ChatEditTab
from lib_imgedit.ui_host import TabHost

ROOT = Path(__file__).resolve().parents[1]
REQUEST = SimpleNamespace(request=SimpleNamespace(state=SimpleNamespace()))


class RecordingHost(TabHost):
    send_to = ("img2img", "inpaint")

    def __init__(self) -> None:
        self.registered: tuple | None = None
        self.turns: list[list[tuple[int, int, str]]] = []
        self.interrupted = 0

    def register_send_to(self, buttons, image, text) -> None:
        self.registered = (buttons, image, text)

    @contextmanager
    def generating(self, progress):
        steps: list[tuple[int, int, str]] = []
        self.turns.append(steps)

        def report(step: int, total: int, text: str) -> None:
            steps.append((step, total, text))
            progress(step, total, text)

        yield report

    def interrupt(self) -> None:
        self.interrupted += 1

    def choices(self, setting: str):
        return ["Euler a", "DPM++ 2M"] if setting == "sampler" else None


@pytest.fixture
def tab(settings, tmp_path):
    host = RecordingHost()
    built = ChatEditTab(EditService(settings), host, standalone=False, lang="")
    built.blocks = built.build()
    return built, host


@pytest.fixture
def photo(tmp_path, astronaut) -> Path:
    path = tmp_path / "photo.png"
    Image.fromarray(astronaut[::2, ::2]).save(path)
    return path


def test_host_gets_its_send_to_buttons_and_setting_choices(tab):
    built, host = tab
    buttons, image, text = host.registered
    assert set(buttons) == {"img2img", "inpaint"} and all(isinstance(b, gr.Button) for b in buttons.values())
    assert isinstance(image, gr.Image) and isinstance(text, gr.Textbox)
    sampler = built.c["settings"]["sampler"]
    assert isinstance(sampler, gr.Dropdown) and "Euler a" in sampler.choices
    assert "language" not in built.c["settings"]  # the WebUI chooses the language itself


def test_a_turn_reports_progress_through_the_host_and_fills_send_to(tab, photo):
    built, host = tab
    c = built.c
    out = built.on_upload(SimpleNamespace(name=str(photo)), None, "", False, [], REQUEST)
    sid = out[c["sid"]]
    bar: list = []
    out = built.on_message("", "turn it black and white", sid, False, [], REQUEST,
                           progress=lambda value, desc=None: bar.append((value, desc)))
    assert host.turns == [[(0, 1, "local adjust"), (1, 1, "local adjust")]]
    assert bar == [((0, 1), "local adjust"), ((1, 1), "local adjust")]
    assert out[c["text"]] == "" and json.loads(out[c["code"]])["adjust"] == {"grayscale": True}
    assert out[c["image"]] == out[c["current"]] and "Chat Edit:" in out[c["infotext"]]
    built.on_interrupt(sid, REQUEST)
    assert host.interrupted == 1


def test_errors_join_the_chat_and_change_nothing(tab, photo):
    built, _ = tab
    c = built.c
    out = built.on_message("", "blur the background", None, False, [], REQUEST)
    assert "upload a photo first" in out[c["chat"]][-1][1] and out[c["sid"]] is None
    assert built.render(None, "anonymous", False, [])[c["chat"]] == [[None, WELCOME]]
    sid = built.on_upload(SimpleNamespace(name=str(photo)), None, "", False, [], REQUEST)[c["sid"]]
    out = built.on_message("", "replace the background with a beach", sid, False, [], REQUEST)
    assert "needs a generative backend" in out[c["chat"]][-1][1]
    assert out[c["notes"]][0]["user"] == "replace the background with a beach"
    assert len(built.service.store.nodes(sid)) == 1


def test_an_invalid_instruction_is_shown_beside_the_editor_and_not_run(tab, photo):
    built, _ = tab
    c = built.c
    sid = built.on_upload(SimpleNamespace(name=str(photo)), None, "", False, [], REQUEST)[c["sid"]]
    run = built.on_run(False)
    out = run("", '{"operation": "adjust", "adjust": {"blur": 7}}', sid, False, [], REQUEST)
    assert list(out) == [c["errors"]] and "adjust.blur" in out[c["errors"]]
    out = built.on_run(True)("", '{"operation": "adjust", "adjust": {"blur": 0.2}}', sid, False, [], REQUEST)
    assert "no step to replace" in out[c["errors"]]
    assert len(built.service.store.nodes(sid)) == 1


def test_settings_are_saved_and_a_preset_sets_many(tab):
    built, _ = tab
    c = built.c
    out = built.on_setting("steps")(40, None, REQUEST)
    assert "Sampling steps = 40" in out[c["settings_status"]]
    saved = json.loads((Path(built.service.settings.data_dir) / "config.json").read_text("utf-8"))
    assert saved == {"steps": 40}
    assert list(built.on_setting("steps")(40, None, REQUEST)) == [c["settings_status"]]  # unchanged: nothing written
    out = built.on_setting("controlnet_weight")(9, None, REQUEST)
    assert "imgedit-status-error" in out[c["settings_status"]]
    out = built.on_preset("creative")
    assert out[c["settings"]["steps"]] == 30 and built.service.settings.controlnet_weight == 0.45


def _ui_strings(blocks: gr.Blocks) -> set[str]:
    """Labels, help texts, placeholders and button texts of the tab, less the hidden plumbing."""
    def descendants(block) -> list:
        return [block] + [d for child in getattr(block, "children", []) for d in descendants(child)]

    hidden = {id(b) for b in descendants(next(b for b in blocks.blocks.values() if b.elem_id == "imgedit_hidden"))}
    strings = set()
    for block in blocks.blocks.values():
        if id(block) in hidden:
            continue
        config = block.get_config()
        keys = ("label", "placeholder", "info") + (("value",) if isinstance(block, (gr.Button, gr.UploadButton)) else ())
        strings |= {config[k] for k in keys if isinstance(config.get(k), str) and config[k] and not config[k].startswith("<")}
    return strings


def test_every_visible_text_has_a_chinese_translation(settings):
    from lib_imgedit.ui import build_ui

    zh = json.loads((ROOT / "localizations" / "zh_CN.json").read_text("utf-8"))
    strings = _ui_strings(build_ui(EditService(settings), standalone=True, host=RecordingHost()))
    strings |= {s.strip() for s in re.findall(r">([^<>]+)<", STAGE_HTML) if s.strip()}
    strings |= {WELCOME, "Send to img2img", "Send to inpaint"}
    strings -= {"JSON"}
    missing = sorted(s for s in strings if s not in zh)
    assert not missing, f"add these to localizations/zh_CN.json: {missing}"
    assert all(isinstance(v, str) and v.strip() and v != k for k, v in zh.items())
