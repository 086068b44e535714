"""The tab's handlers and its host hooks, called directly (the browser tests drive the same handlers
through Chromium). A recording host stands in for the WebUI adapter."""

from __future__ import annotations

import io
import json
import logging
import re
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest
from helpers import needs_mediapipe
from PIL import Image

from lib_imgedit.core.instruction import build_schema, plan_steps
from lib_imgedit.engine.service import EditService
from lib_imgedit.ui.chat import WELCOME
from lib_imgedit.ui.form import schema_paths
from lib_imgedit.ui.stage import STAGE_HTML
from lib_imgedit.ui.tab import ChatEditTab
from lib_imgedit.ui.tabhost import TabHost
from lib_imgedit.ui.view import WEBUI_PARAM

ROOT = Path(__file__).resolve().parents[1]
REQUEST = SimpleNamespace(request=SimpleNamespace(state=SimpleNamespace()))


class RecordingHost(TabHost):
    send_to = ("img2img", "inpaint")

    def __init__(self) -> None:
        self.registered: tuple | None = None
        self.turns: list[list[tuple[int, int, str]]] = []
        self.tasks: list[str] = []
        self.interrupted = 0
        self.settled = 0

    def register_send_to(self, buttons, image, text) -> None:
        self.registered = (buttons, image, text)

    @contextmanager
    def generating(self, progress, task_id=""):
        steps: list[tuple[int, int, str]] = []
        self.turns.append(steps)
        self.tasks.append(task_id)

        def report(step: int, total: int, text: str) -> None:
            steps.append((step, total, text))
            progress(step, total, text)

        yield report

    def interrupt(self) -> None:
        self.interrupted += 1

    def settle(self, timeout: float = 60.0) -> None:
        self.settled += 1

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


def ended(built: ChatEditTab, work: dict, lang: str = "") -> dict:
    """The view after a turn's work, as the second event of a turn renders it."""
    result = work[built.c["result"]]
    assert work[built.c["progress"]] == ""  # the one component the turn's progress shows on
    return built.on_turn_end(result.get("sid"), False, lang, result, REQUEST)


def upload(built: ChatEditTab, photo: Path) -> dict:
    return ended(built, built.on_upload(SimpleNamespace(name=str(photo)), None, "", [], REQUEST))


def test_host_gets_its_send_to_buttons_and_setting_choices(tab):
    built, host = tab
    buttons, image, text = host.registered
    assert set(buttons) == {"img2img", "inpaint"} and all(isinstance(b, gr.Button) for b in buttons.values())
    assert isinstance(image, gr.Image) and isinstance(text, gr.Textbox)
    sampler = built.c["settings"]["sampler"]
    names = [c[0] if isinstance(c, tuple) else c for c in sampler.choices]  # gradio 4 keeps (name, value) pairs
    assert isinstance(sampler, gr.Dropdown) and "Euler a" in names
    assert "language" not in built.c["settings"]  # the WebUI chooses the language itself


def test_a_turn_reports_progress_for_its_task_and_fills_send_to(tab, photo):
    built, host = tab
    c = built.c
    sid = upload(built, photo)[c["sid"]]
    sent = built.on_send("turn it black and white", sid, [], "", REQUEST)
    assert sent[c["text"]] == "" and sent[c["sent"]] == "turn it black and white"
    assert sent[c["chat"]][-1] == ["turn it black and white", None]  # in the chat at once, no reply yet
    bar: list = []
    work = built.on_message("", "turn it black and white", sid, "task(abc)", [], REQUEST,
                            progress=lambda value, desc=None: bar.append((value, desc)))
    assert host.tasks[-1] == "task(abc)" and host.turns[-1] == [(0, 1, "local adjust"), (1, 1, "local adjust")]
    assert bar == [((0, 1), "local adjust"), ((1, 1), "local adjust")]
    out = ended(built, work)
    assert json.loads(out[c["code"]])["adjust"] == {"grayscale": True}
    assert json.loads(out[c["state"]].split("data-state=\"")[1].split("\"")[0].replace("&quot;", '"'))["turn"] == "task(abc)"
    # the send-to text: a prompt, then a parameters line the WebUI splits off (not the whole infotext as the prompt)
    assert out[c["image"]] == out[c["current"]]
    *prompt, params = out[c["infotext"]].split("\n")
    assert len(WEBUI_PARAM.findall(params)) >= 3 and "Chat Edit:" in params and "Chat Edit" not in "\n".join(prompt)
    assert prompt == [""]  # no generative step on the branch: no prompt (not "adjust: grayscale")
    built.on_interrupt(sid, REQUEST)
    assert host.interrupted == 1


def test_the_progress_text_has_this_turns_steps_and_eta(monkeypatch):
    from lib_imgedit.ui import tab as tab_module

    clock = iter([100.0, 101.0, 104.0, 106.0])
    monkeypatch.setattr(tab_module.time, "monotonic", lambda: next(clock))
    shown: list = []
    bar = tab_module.progress_bar(lambda value, desc=None: shown.append((value, desc)))
    for step in (0, 10, 40, 40):
        bar(step, 40, "remote WebUI")
    assert shown[0] == ((0, 40), "remote WebUI")  # nothing to estimate from yet
    assert shown[1] == ((10, 40), "remote WebUI · 10/40 · ETA 3 s")  # 1 s for 10 steps, 30 to go
    assert shown[2][1] == "remote WebUI" and len(shown) == 4


@needs_mediapipe
def test_a_failed_turn_is_kept_in_the_conversation_and_changes_nothing(tab, photo):
    built, _ = tab
    c = built.c
    out = ended(built, built.on_message("", "blur the background", None, "t1", [], REQUEST))
    assert "upload a photo first" in out[c["chat"]][-1][1] and out[c["sid"]] is None
    assert built.render(None, "anonymous", False, "", [])[c["chat"]] == [[None, WELCOME]]
    sid = upload(built, photo)[c["sid"]]
    out = ended(built, built.on_message("", "replace the background with a beach", sid, "t2", [], REQUEST))
    said = out[c["chat"]][-1][1]
    assert "needs Stable Diffusion" in said and "imgedit-chat-error" in said
    # one plain sentence naming the Settings fields as the tab shows them; no executor names or keys
    assert "“Remote WebUI URL”" in said and "“OpenAI API key for image edits”" in said
    assert not any(word in said for word in ("Tried", "webui_api", "openai_images", "local", "LaMa", "_url", "api_key"))
    assert len(built.service.store.nodes(sid)) == 1
    # stored: a reload (a render from storage, no notes) still shows the request and its failure
    again = built.render(sid, "anonymous", False, "", [])[c["chat"]]
    assert again[-1][0] == "replace the background with a beach" and "needs Stable Diffusion" in again[-1][1]
    failed = built.service.store.messages(sid)[-1]
    assert failed.data["failed"] is True and failed.data["error"]["message"].startswith(failed.text[:20])


def test_unexpected_errors_reach_the_log_and_the_tab_not_a_badge(tab, photo, monkeypatch, caplog):
    built, _ = tab
    c = built.c
    sid = upload(built, photo)[c["sid"]]
    monkeypatch.setattr(built.service, "run_instruction", lambda *a, **k: 1 / 0)
    handler = built.safe(built.on_run(False), "result")
    with caplog.at_level(logging.ERROR, logger="imgedit"):
        work = handler("", '{"operation": "adjust", "adjust": {"blur": 0.2}}', sid, "t3", [], REQUEST)
    assert "ZeroDivisionError" in caplog.text and "Traceback" in caplog.text or caplog.records[-1].exc_info
    out = ended(built, work)
    assert "ZeroDivisionError" in out[c["chat"]][-1][1] and "server log" in out[c["chat"]][-1][1]
    assert work[c["result"]]["turn"].startswith("*")  # the page stops waiting for any turn: queued messages go out

    def broken(*args):
        raise KeyError("node")

    broken.__name__ = "on_turn_end"
    out = built.safe(broken, "view")(sid, False, "", {}, REQUEST)
    assert set(out) == {c["errors"], c["state"]} and "KeyError" in out[c["errors"]] and "&quot;turn&quot;: &quot;*" in out[c["state"]]
    assert "session" not in out[c["state"]]  # the page keeps its session


def test_an_invalid_instruction_is_shown_beside_the_editor_and_not_run(tab, photo):
    built, _ = tab
    c = built.c
    sid = upload(built, photo)[c["sid"]]
    out = ended(built, built.on_run(False)("", '{"operation": "adjust", "adjust": {"blur": 7}}', sid, "t4", [], REQUEST))
    assert set(out) == {c["errors"], c["state"]} and "adjust.blur" in out[c["errors"]] and '"turn": "t4"' in out[c["state"]].replace("&quot;", '"')
    out = ended(built, built.on_run(True)("", '{"operation": "adjust", "adjust": {"blur": 0.2}}', sid, "t5", [], REQUEST))
    assert "no step to replace" in out[c["errors"]]
    plan = '{"steps": [{"operation": "adjust", "adjust": {"blur": 0.2}}, {"operation": "recolor", "targets": ["car"], "color": "red"}]}'
    out = ended(built, built.on_run(False)("", plan, sid, "t6", [], REQUEST))
    assert "steps.1.targets.0" in out[c["errors"]]
    assert len(built.service.store.nodes(sid)) == 1


def test_the_form_has_a_widget_for_every_instruction_field(tab):
    built, _ = tab
    form = built.c["form"]
    assert set(form) == schema_paths(build_schema(built.service.rules))
    assert {"adjust.brightness", "adjust.grayscale", "adjust.stylize", "mask.feather", "mask.invert", "aspect", "angle",
            "direction", "scale", "width", "height", "color"} <= set(form)
    assert isinstance(form["adjust.brightness"], gr.Slider) and form["adjust.brightness"].minimum == -1
    assert isinstance(form["mask.invert"], gr.Checkbox) and isinstance(built.c["picker"], gr.ColorPicker)
    assert form["direction"].choices[1:] in (["horizontal", "vertical"], [("horizontal", "horizontal"), ("vertical", "vertical")])


def test_the_form_edits_one_step_of_a_plan_and_steps_are_added_removed_and_moved(tab):
    built, _ = tab
    c = built.c
    paths = list(c["form"])
    values = dict.fromkeys(paths)
    code = json.dumps({"operation": "adjust", "adjust": {"blur": 0.5}})
    out = built.on_steps("add")(code, "1")
    plan = json.loads(out[c["code"]])
    assert len(plan["steps"]) == 2 and plan["steps"][0]["adjust"] == {"blur": 0.5} and out[c["step"]]["value"] == "2"
    # the form now shows step 2: make it a rotation
    shown = {p: out[c["form"][p]]["value"] for p in paths}
    assert shown["operation"] == "adjust" and shown["adjust.blur"] == 0
    values = {**shown, "operation": "rotate", "angle": 90}
    edited = built.on_operation(out[c["code"]], "2", *[values[p] for p in paths])
    plan = json.loads(edited[c["code"]])
    assert plan["steps"][1] == {"operation": "rotate", "angle": 90}
    assert edited[c["form"]["angle"]]["visible"] and not edited[c["form"]["adjust.blur"]]["visible"] and not edited[c["picker"]]["visible"]
    moved = built.on_steps("up")(edited[c["code"]], "2")
    assert [s["operation"] for s in json.loads(moved[c["code"]])["steps"]] == ["rotate", "adjust"]
    removed = built.on_steps("remove")(moved[c["code"]], "1")
    assert json.loads(removed[c["code"]]) == {"operation": "adjust", "adjust": {"blur": 0.5}}
    assert removed[c["step"]]["choices"] == ["1"]
    bad = built.on_form("{not json", "1", *[values[p] for p in paths])
    assert "fix the JSON" in bad[c["errors"]]


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


def test_a_no_op_says_so_and_adds_no_step(tab, photo):
    built, _ = tab
    c = built.c
    sid = upload(built, photo)[c["sid"]]  # 256 x 256
    out = ended(built, built.on_message("", "crop it to a square", sid, "t1", [], REQUEST))
    assert out[c["chat"]][-1][1] == "The picture is already square, so nothing was changed and no step was added."
    assert len(built.service.store.nodes(sid)) == 1 and len(out[c["gallery"]]) == 1
    node = built.service.store.nodes(sid)[0]
    turn = built.service.message(sid, "anonymous", "crop it to a square")  # the API's answer: the picture as it stays
    assert turn.node_id == node.id and turn.image_png == built.service.blobs.get(node.image)
    out = ended(built, built.on_message("", "crop it to 16:9", sid, "t2", [], REQUEST))  # a real crop still is a step
    assert len(built.service.store.nodes(sid)) == 2
    assert any(isinstance(said, str) and said.startswith("Cropping") for _, said in out[c["chat"]][-3:])
    out = ended(built, built.on_message("", "裁剪成16:9", sid, "t3", [], REQUEST))
    assert out[c["chat"]][-1][1] == "图片已经是16:9 的比例了，没有改动，也没有新增步骤。"
    assert len(built.service.store.nodes(sid)) == 2


def _reply_strings() -> list[str]:
    """Every string literal (an f-string's fixed parts joined, a `setting_name('key')` in it read as the
    setting's label) the package could say to a user, outside the settings' own definitions, the tab and
    the WebUI adapter."""
    import ast

    from lib_imgedit.core.lang import setting_name

    def part(v: ast.AST) -> str:
        if isinstance(v, ast.Constant):
            return str(v.value)
        call = getattr(v, "value", None)
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "setting_name":
            return setting_name(call.args[0].value)
        return ""

    skip = ("core/config.py", "ui/", "host/", "app/cli.py")
    out = []
    for path in (ROOT / "lib_imgedit").rglob("*.py"):
        if str(path.relative_to(ROOT / "lib_imgedit")).startswith(skip):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.append(node.value)
            elif isinstance(node, ast.JoinedStr):
                out.append("".join(part(v) for v in node.values))
    return out


def test_every_setting_a_reply_names_is_in_the_tabs_settings(tab):
    from lib_imgedit.core.config import Settings
    from lib_imgedit.engine.execution import _NEEDS_SD
    from lib_imgedit.ui.settings import shown_labels

    built, _ = tab
    said = _reply_strings() + [_NEEDS_SD]
    labels = {meta["label"] for _, _, meta in Settings.field_meta()}
    quoted = [q + label + e for label in labels for q, e in (("“", "”"), ("'", "'"), ('"', '"'))]
    named = {q[1:-1] for q in quoted if any(q in s for s in said)}  # a reply sends the user to a field by its label, quoted
    assert {"Download large models without asking", "Remote WebUI URL", "OpenAI API key for image edits"} <= named
    assert named <= shown_labels(), f"replies name settings the tab does not show: {named - shown_labels()}"
    widgets = {w.label for w in built.c["settings"].values()}
    assert named <= widgets | {"Language of the tab"}  # inside the WebUI the tab has no language field
    keys = [n for n, _, _ in Settings.field_meta() if "_" in n]
    sends = [s for s in said if "in Settings" in s]
    assert sends and not [s for s in sends if any(k in s for k in keys)], "a reply names a settings key, not its label"


def test_secret_settings_are_write_only(tab):
    built, _ = tab
    c = built.c
    key = c["settings"]["openai_api_key"]
    assert key.type == "password" and key.value == "" and key.placeholder == "not set"
    out = built.on_setting("openai_api_key")("sk-test-123", None, REQUEST)
    assert built.service.settings.openai_api_key == "sk-test-123"
    assert "OpenAI API key for image edits = set" in out[c["settings_status"]] and "sk-test" not in out[c["settings_status"]]
    assert out[key]["value"] == "" and out[key]["placeholder"] == "set"
    assert list(built.on_setting("openai_api_key")("", None, REQUEST)) == [c["settings_status"]]  # empty: kept
    assert built.service.settings.openai_api_key == "sk-test-123"
    restored = built.on_restore("", "", False, REQUEST)
    assert restored[key]["value"] == "" and restored[key]["placeholder"] == "set"
    assert "sk-test" not in json.dumps(built.blocks.config, default=repr)


def test_only_the_progress_box_shows_a_turns_progress(tab):
    built, _ = tab
    deps = built.blocks.config["dependencies"]
    ids = {b._id: b for b in built.blocks.blocks.values()}
    shown = [d for d in deps if d.get("show_progress") not in ("hidden", False)]
    for dep in shown:  # every event that shows gradio's progress has at most the progress box as a visible output
        visible_outputs = [ids[o] for o in dep["outputs"] if not isinstance(ids[o], gr.State)]
        assert [getattr(o, "elem_id", None) for o in visible_outputs] in ([], ["imgedit_progress"]), dep


def test_a_host_with_its_own_progress_display_gets_no_gradio_bar(settings):
    class PageHost(RecordingHost):
        page_progress = True

    built = ChatEditTab(EditService(settings), PageHost(), standalone=False, lang="")
    blocks = built.build()
    assert all(d.get("show_progress") in ("hidden", False) for d in blocks.config["dependencies"] if d["outputs"])
    assert "imgedit-page-progress" in built.c["progress"].elem_classes  # the page script uses requestProgress


def _ui_strings(blocks: gr.Blocks) -> set[str]:
    """Labels, help texts, placeholders, choices and button texts of the tab, less the hidden plumbing."""
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
    strings |= {WELCOME, "Send to img2img", "Send to inpaint", "Waiting to send after the current edit:"}
    strings -= {"JSON"}
    missing = sorted(s for s in strings if s not in zh)
    assert not missing, f"add these to localizations/zh_CN.json: {missing}"
    assert all(isinstance(v, str) and v.strip() and v != k for k, v in zh.items())


def test_a_long_session_opens_on_its_latest_page_and_loads_older_ones_without_whole_session_reads(tab, photo, monkeypatch):
    from lib_imgedit.ui.pages import CHAT_PAGE, HISTORY_PAGE
    from tests.test_ui_pages import CountingStore, add_turns

    built, _ = tab
    c = built.c
    store = built.service.store
    sid = upload(built, photo)[c["sid"]]
    add_turns(store, sid, 150, image=store.get_node(sid, store.get_session(sid).current).image)
    total = len(store.messages(sid))
    counter = CountingStore(store, monkeypatch)  # from here on, store.messages / store.nodes fail

    view = built.on_restore(sid, "", False, REQUEST)
    users = [p[0] for p in view[c["chat"]] if isinstance(p[0], str)]
    assert users[-1] == "turn 149: a bit brighter" and len(users) == CHAT_PAGE // 2
    assert view[c["older"]]["visible"] is True and view[c["since"]] is None
    assert len(view[c["gallery"]]) == HISTORY_PAGE and view[c["gallery"]][-1][1].startswith("● ")
    rows = counter.rows

    # "Load older messages" until there are none: every message once, in order
    since, pages = None, 1
    while True:
        older = built.on_older(sid, since, [], "", REQUEST)
        if older[c["older"]]["visible"] is False and c["chat"] not in older:
            break
        pages += 1
        assert older[c["since"]] < (since or total)
        since = older[c["since"]]
    assert since == 1 and pages == -(-total // CHAT_PAGE)
    chat = built.on_send("a bit brighter", sid, [], "", REQUEST, since=since)[c["chat"]]
    users = [p[0] for p in chat if isinstance(p[0], str)]
    assert users == [f"turn {i}: a bit brighter" for i in range(150)] + ["a bit brighter"]

    # a turn keeps the older messages the user loaded; a reload starts again from the latest page
    work = built.on_message("", "a bit brighter", sid, "t1", [], REQUEST)
    out = built.on_turn_end(sid, False, "", work[c["result"]], REQUEST, since=since)
    assert out[c["since"]] == 1 and sum(isinstance(p[0], tuple) for p in out[c["chat"]]) == 1  # the uploaded photo
    # jump to the oldest step shown in the strip, then undo past it: the current step stays marked, first
    ids = out[c["node_ids"]]
    jump = built.on_jump(sid, ids, "t2", [], SimpleNamespace(index=0), REQUEST)
    out = built.on_turn_end(sid, False, "", jump[c["result"]], REQUEST)
    assert out[c["state"]].count(ids[0]) == 1 and "● " in out[c["gallery"]][0][1]
    out = built.on_turn_end(sid, False, "", built.on_history("undo")(sid, "t3", [], REQUEST)[c["result"]], REQUEST)
    assert out[c["gallery"]][0][1].startswith("● ") and out[c["node_ids"]][0] not in ids
    assert len(out[c["gallery"]]) == HISTORY_PAGE + 1 and out[c["since"]] is None
    assert rows < 3 * (CHAT_PAGE + HISTORY_PAGE)  # bounded: the restore read a page, not the 150 turns


def test_the_tab_reads_as_much_for_a_long_session_as_for_a_short_one(tab, photo, monkeypatch):
    from tests.test_ui_pages import CountingStore, add_turns

    built, _ = tab
    store = built.service.store
    rows = []
    for turns in (60, 270):  # the same pattern of failed turns at the end (210 = 30 * 7)
        sid = built.service.create_session("anonymous").id
        built.service.upload(sid, "anonymous", photo.read_bytes())
        add_turns(store, sid, turns, image=store.get_node(sid, store.get_session(sid).current).image)
        with monkeypatch.context() as patched:
            counter = CountingStore(store, patched)
            built.on_restore(sid, "", False, REQUEST)
            built.on_send("a bit darker", sid, [], "", REQUEST)
            rows.append(counter.rows)
    assert rows[0] == rows[1] > 0


@needs_mediapipe
def test_the_language_is_the_browsers_and_relabels_the_whole_tab(settings, photo):
    built = ChatEditTab(EditService(settings), RecordingHost(), standalone=True, lang="")
    built.build()
    c = built.c
    zh_view = ended(built, built.on_upload(SimpleNamespace(name=str(photo)), None, "zh_CN", [], REQUEST), "zh_CN")
    sid = zh_view[c["sid"]]
    listed = zh_view[c["chat"]][-1][1].split("。")[0]  # the labels, before the notes on models
    assert listed.startswith("我在图中看到：人物") and "头发" in listed and not re.search("[a-z]{2,}", listed.replace("&lt;", ""))  # the chips' names
    zh_buttons = [zh_view[b]["value"] for b in c["sugg"] if zh_view[b]["visible"]]
    assert zh_buttons and all(re.search(r"[\u4e00-\u9fff]", t) for t in zh_buttons)

    en = built.on_language("en", sid, False, [], None, REQUEST)  # back to English: the suggestions too
    en_buttons = [en[b]["value"] for b in c["sugg"] if en[b]["visible"]]
    assert len(en_buttons) == len(zh_buttons) and not any(re.search(r"[\u4e00-\u9fff]", t) for t in en_buttons)
    assert "Blur the background" in en_buttons and en[c["lang"]] == "en"
    assert "✓ <b>local</b>" in en[c["executor_status"]] and "“Remote WebUI URL”" in en[c["executor_status"]]
    again = built.on_language("zh_CN", sid, False, [], None, REQUEST)
    assert "把背景虚化" in [again[b]["value"] for b in c["sugg"]] and "远程 WebUI 地址" in again[c["executor_status"]]
    saved = built.on_setting("steps")(33, sid, REQUEST, "zh_CN")[c["settings_status"]]
    assert "已保存：采样步数 = 33" in saved
    # the choice is the browser's: nothing of it is saved for the server, nor changes its settings
    config = json.loads((Path(settings.data_dir) / "config.json").read_text("utf-8"))
    assert "language" not in config and built.service.settings.language == "auto"
    restored = built.on_restore(sid, "en", False, REQUEST)  # another browser, in English
    assert restored[c["settings"]["language"]] == "en" and "Blur the background" in [restored[b]["value"] for b in c["sugg"]]
    assert "“Remote WebUI URL”" in restored[c["executor_status"]]


@needs_mediapipe
def test_a_region_picked_from_the_legend_is_called_by_its_label(tab, photo):
    import numpy as np

    from lib_imgedit.core import images

    built, _ = tab
    c = built.c
    sid = upload(built, photo)[c["sid"]]
    store = built.service.store
    labels = built.service.node_labels(store.get_node(sid, store.get_session(sid).current))

    def drawn(mask: np.ndarray) -> str:
        return "data:image/png;base64," + images.png_b64(images.encode_png(mask.astype(np.uint8) * 255))

    out = ended(built, built.on_message(drawn(labels.masks["background"]), "blur it", sid, "t1", [], REQUEST))
    said = [s for _, s in out[c["chat"]] if isinstance(s, str)][-1]
    assert "the background" in said and "painted" not in said
    assert store.get_node(sid, store.get_session(sid).current).instruction["targets"] == ["background"]
    both = labels.masks["hair"] | labels.masks["face"]  # two picks: both named
    out = ended(built, built.on_message(drawn(both), "make it brighter", sid, "t2", [], REQUEST))
    said = [s for _, s in out[c["chat"]] if isinstance(s, str)][-1]
    assert "painted" not in said and "face" in said and "hair" in said
    brushed = np.zeros_like(both)
    brushed[10:60, 10:60] = True  # a painted stroke is still the painted area
    out = ended(built, built.on_message(drawn(brushed), "make it brighter", sid, "t3", [], REQUEST))
    assert "painted area" in [s for _, s in out[c["chat"]] if isinstance(s, str)][-1]


def test_the_form_speaks_to_a_person_not_to_a_language_model(tab):
    from lib_imgedit.core.instruction import FIELD_HELP

    built, _ = tab
    for path, widget in built.c["form"].items():
        config = widget.get_config()
        label, info = config.get("label") or "", config.get("info") or ""
        assert info not in FIELD_HELP.values(), (path, info)  # the schema's words for the model
        assert info.lower() != label.lower(), f"{path} says its label twice"
        assert "for the user" not in info and "sentence" not in info
    assert built.c["form"]["adjust.grayscale"].get_config()["label"] == "Black and white"


def test_previous_sessions_lead_back_after_new_session(tab, photo):
    built, _ = tab
    c = built.c
    first = upload(built, photo)[c["sid"]]
    ended(built, built.on_message("", "make the photo brighter", first, "t1", [], REQUEST))
    other = built.service.create_session("someone else").id  # not this client's: never listed
    empty = built.service.create_session("anonymous").id  # no picture: nothing to go back to
    known = ",".join([empty, first, other, "gone0000000000"])
    fresh = built.on_new("", known, REQUEST)
    assert fresh[c["sid"]] is None and fresh[c["chat"]] == [[None, WELCOME]]
    choices = fresh[c["previous"]]["choices"]
    assert len(choices) == 1 and choices[0].endswith(" · " + first[:8]) and fresh[c["previous"]]["visible"] is True
    back = built.on_previous(choices[0], known, False, "", REQUEST)
    assert back[c["sid"]] == first and "make the photo brighter" in [u for u, _ in back[c["chat"]]]
    assert back[c["previous"]]["choices"] == [] and back[c["previous"]]["visible"] is False  # the one shown is not listed
    restored = built.on_restore(first, "", False, REQUEST, known)
    assert restored[c["previous"]]["choices"] == []
    assert built.on_restore("", "", False, REQUEST, known)[c["previous"]]["choices"] == choices


@needs_mediapipe
def test_a_question_backs_answers_act_in_one_click(settings, tmp_path, monkeypatch):
    """Without the object model (the hub cannot be reached), "make the cat orange" asks back with two
    answers: the first click on 'Edit the subject as the cat' runs it; 'Download the models' is said as
    a message at once."""
    import functools

    from huggingface_hub import constants
    from skimage import data

    from lib_imgedit import models

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(models, "ensure_files", functools.partial(models.ensure_files, endpoint="http://127.0.0.1:9"))
    models.forget_failures()
    request_end = models.forget_failures  # this test's failed downloads are not remembered after it
    no_hub = settings.update({"commercial_models_only": True, "suggestions": False})
    built = ChatEditTab(EditService(no_hub), RecordingHost(), standalone=False, lang="")
    built.blocks = built.build()
    c, path = built.c, tmp_path / "cat.png"
    Image.fromarray(data.chelsea()).save(path)
    sid = upload(built, path)[c["sid"]]
    out = ended(built, built.on_message("", "make the cat orange", sid, "t1", [], REQUEST))
    assert [out[b]["value"] for b in c["sugg"][:2]] == ["Edit the subject as the cat", "Download the models"]
    assert len(built.service.store.nodes(sid)) == 1
    out = ended(built, built.on_suggestion(0)("", "", sid, None, "t2", [], REQUEST))
    nodes = built.service.store.nodes(sid)
    assert len(nodes) == 2 and plan_steps(nodes[-1].instruction)[0]["targets"] == ["subject"]
    ended(built, built.on_message("", "make the cat orange", sid, "t3", [], REQUEST))
    ended(built, built.on_suggestion(1)("", "", sid, None, "t4", [], REQUEST))
    said = [m.text for m in built.service.store.recent_messages(sid, 2)]
    request_end()
    assert said[0] == "download the models" and len(built.service.store.nodes(sid)) == 2


def test_the_source_face_and_the_send_to_image_are_pil_images_not_files(tab, photo):
    """No filepath Image anywhere in the tab: its preprocess calls gradio's save_pil_to_cache(name=...),
    which Forge replaces with a function that takes no `name` (a TypeError on each value)."""
    built, _ = tab
    c = built.c
    kinds = {key: c[key].type for key in ("image", "face")}
    assert kinds == {"image": "pil", "face": "pil"}
    assert not [b for b in built.blocks.blocks.values() if isinstance(b, gr.Image) and b.type == "filepath"]
    sid = upload(built, photo)[c["sid"]]
    face = Image.open(photo).convert("RGB")
    assert "saved" in built.on_source_face(face, sid, REQUEST)
    stored = built.service.get_session(sid, "anonymous").data["source_face"]
    assert Image.open(io.BytesIO(built.service.blobs.get(stored))).size == face.size
    assert "upload a photo first" in built.on_source_face(face, None, REQUEST)


def test_a_users_interrupt_is_not_a_failure_and_the_turn_ends_when_the_host_is_free(tab, photo, caplog):
    from lib_imgedit.core.errors import Interrupted

    built, host = tab
    sid = upload(built, photo)[built.c["sid"]]

    def interrupted(client, report):
        raise Interrupted("the edit was interrupted")

    caplog.clear()  # the upload's own notes (no segmenter in the gradio 4 environment) are not the turn's
    with caplog.at_level(logging.INFO, logger="imgedit"):
        result = built.work(sid, REQUEST, [], "make it brighter", interrupted, None, "task(i)")
    assert host.settled == 1, "the turn's end waits for the host to be free"
    assert "interrupted" in result["notes"][-1]["text"]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], "the user's own Interrupt is no WARNING"
    assert any("turn interrupted" in r.getMessage() for r in caplog.records)


def test_send_to_from_a_cpu_step_pastes_the_last_generative_prompt_on_the_branch(tab, photo, monkeypatch):
    from PIL import PngImagePlugin

    from lib_imgedit.ui.pages import NodeLookup

    built, _ = tab
    c = built.c
    sid = upload(built, photo)[c["sid"]]
    ended(built, built.on_message("", "make it brighter", sid, "t1", [], REQUEST))
    first, cpu = sorted(built.service.store.nodes(sid), key=lambda n: n.seq)
    info = PngImagePlugin.PngInfo()  # the first step as a generative result (the WebUI's parameters line)
    info.add_text("parameters", "a beach at dusk\nNegative prompt: ugly\nSteps: 3, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 8x8")
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, format="PNG", pnginfo=info)
    real = built.service.blobs.get
    monkeypatch.setattr(built.service.blobs, "get", lambda key: buf.getvalue() if key == first.image else real(key))
    lookup = NodeLookup(built.service.store, sid)
    assert built._branch_prompt(lookup.get(cpu.parent), lookup) == "a beach at dusk"
    out = built.render(sid, "anonymous", False, "", [])
    assert out[c["infotext"]].split("\n")[0] == "a beach at dusk"  # not "adjust: brightness ..."


def test_a_chinese_reply_names_a_setting_as_the_chinese_tab_shows_it():
    from lib_imgedit.core.lang import setting_name, translated
    from lib_imgedit.models.offers import offer

    held = [{"name": "m", "title": "Tiny", "size_mb": 150.0, "licence": "MIT", "labels": ["sky"]}]
    zh = offer(held, [], True)
    assert f"“{setting_name('download_large_models', True)}”" in zh and "Download large" not in zh
    assert setting_name("download_large_models", True) == translated("Download large models without asking", True) != \
        "Download large models without asking"
