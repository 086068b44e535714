"""The Chat Edit tab in a real browser: every interaction a user has with it, checked against the API."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil

import numpy as np
import pytest
import requests

from tests.browser.driver import ARTIFACTS, App, Tab

pytestmark = pytest.mark.browser
DOCS_SHOT = ARTIFACTS.parents[1] / "docs" / "chat-edit.png"


def _nodes(tab: Tab) -> list[dict]:
    return tab.app.session(tab.sid)["nodes"]


def test_upload_shows_labels_and_enter_sends_a_request(tab: Tab, photo):
    tab.shot("01-empty")
    state = tab.upload(photo)
    legend = tab.page.locator("#imgedit_legend .imgedit-legend-item")
    names = legend.evaluate_all("items => items.map(i => i.dataset.label)")
    assert {"person", "background", "face", "hair"} <= set(names)
    assert "%" in legend.first.inner_text()
    tab.wait_chat("I can see: person")
    assert state["session"] == tab.sid and len(_nodes(tab)) == 1
    tab.shot("02-uploaded")

    # Shift+Enter is a new line, not a send
    box = tab.page.locator("#imgedit_text textarea")
    box.click()
    box.type("blur the")
    box.press("Shift+Enter")
    box.type("background")
    assert box.input_value() == "blur the\nbackground"
    tab.page.wait_for_timeout(300)
    assert len(_nodes(tab)) == 1

    box.press("Enter")
    state = tab.wait_state(node=state["node"])
    tab.wait_stage()
    nodes = _nodes(tab)
    assert len(nodes) == 2 and nodes[1]["instruction"]["adjust"] == {"blur": 0.5}
    assert box.input_value() == ""
    # the result is inline in the chat, the reply in words; the instruction behind a "details" toggle
    tab.wait_chat("Applying blur 50% to the background.")
    assert '"operation"' not in tab.chat_text()
    tab.page.locator("#imgedit_chat details.imgedit-details summary").last.click()
    chat_code = tab.page.locator("#imgedit_chat code.imgedit-chat-instruction").last.inner_text()
    assert json.loads(chat_code) == {k: v for k, v in nodes[1]["instruction"].items() if k != "reply"}
    assert tab.page.locator("#imgedit_chat img").count() == 2  # the upload and the result
    assert json.loads(tab.code())["targets"] == ["background"]
    # the stage shows the new picture, the history both steps, the current one marked
    assert tab.history_count() == 2
    assert "● 2" in tab.page.locator("#imgedit_history").inner_text()
    tab.shot("03-edited")


def test_suggestion_first_click_fills_second_click_runs(tab: Tab, photo):
    state = tab.upload(photo)
    button = tab.page.locator("#imgedit_suggestion_0")
    text = button.inner_text()
    suggestion = tab.app.session(tab.sid)["suggestions"][0]  # the current node's, at the top level
    assert text == suggestion["text"]

    button.click()
    tab.page.wait_for_function("() => document.querySelector('#imgedit_suggestion_0').innerText.startsWith('▶')")
    assert json.loads(tab.code()) == suggestion["instruction"]
    assert len(_nodes(tab)) == 1 and tab.app.session(tab.sid)["pending"]["index"] == 0
    tab.shot("04-suggestion-armed")

    button.click()
    tab.wait_state(node=state["node"])
    nodes = _nodes(tab)
    assert len(nodes) == 2 and nodes[1]["instruction"]["operation"] == suggestion["instruction"]["operation"]
    assert {k: v for k, v in nodes[1]["instruction"].items() if k != "reply"} == suggestion["instruction"]
    tab.wait_chat(suggestion["text"])


def test_undo_redo_jump_and_branch(tab: Tab, photo):
    first = tab.upload(photo)
    second = tab.send("make the photo brighter")
    third = tab.send("turn it black and white")
    assert [first["seq"], second["seq"], third["seq"]] == [1, 2, 3]

    tab.page.locator("#imgedit_undo").click()
    assert tab.wait_state(node=third["node"])["node"] == second["node"]
    tab.wait_chat("Undone.")
    assert tab.app.session(tab.sid)["current"] == second["node"]
    tab.page.locator("#imgedit_redo").click()
    assert tab.wait_state(node=second["node"])["node"] == third["node"]
    tab.wait_chat("Redone.")

    # jump back to the upload in the history strip, then branch from it
    tab.page.locator("#imgedit_history .thumbnail-item").first.click()
    assert tab.wait_state(node=third["node"])["node"] == first["node"]
    tab.wait_chat("Back at step 1")
    tab.wait_stage()
    branch = tab.send("blur the background")
    nodes = {n["id"]: n for n in _nodes(tab)}
    assert nodes[branch["node"]]["parent"] == first["node"] and branch["seq"] == 4
    assert tab.history_count() == 4 and "↳1" in tab.page.locator("#imgedit_history").inner_text()
    tab.shot("05-branched")


def _marked(tab: Tab) -> list[str]:
    tab.page.wait_for_timeout(300)  # the page script marks the strip once a frame
    return tab.page.locator("#imgedit_history .thumbnail-item.imgedit-current .caption-label").all_inner_texts()


def test_history_strip_is_one_scrolling_row_with_the_current_step_marked(tab: Tab, photo):
    first = tab.upload(photo)
    for text in ("make the photo brighter", "make the photo darker") * 3 + ("blur the background",):
        last = tab.send(text)
    items = tab.page.locator("#imgedit_history .thumbnail-item")
    assert items.count() == 8
    tops = items.evaluate_all("els => els.map(e => Math.round(e.getBoundingClientRect().top))")
    assert len(set(tops)) == 1, f"the strip wraps: {tops}"
    strip = tab.page.locator("#imgedit_history .grid-container")
    assert strip.evaluate("e => e.scrollWidth > e.clientWidth")  # more steps than fit: it scrolls sideways

    def in_view(index: int) -> bool:
        return items.nth(index).evaluate("""e => { const s = e.parentElement.getBoundingClientRect(), r = e.getBoundingClientRect();
            return r.left >= s.left - 1 && r.right <= s.right + 1; }""")

    assert _marked(tab) == ["● 8 · adjust"] and in_view(7)
    strip.evaluate("e => { e.style.scrollBehavior = 'auto'; e.scrollLeft = e.scrollWidth; }")
    items.first.evaluate("e => e.scrollIntoView({inline: 'nearest'})")
    items.first.click()  # back to the upload: marked, and the step clicked before is no longer
    assert tab.wait_state(node=last["node"])["node"] == first["node"]
    assert _marked(tab) == ["● 1 · upload"] and in_view(0)
    tab.page.locator("#imgedit_redo").click()
    tab.wait_state(node=first["node"])
    marked = _marked(tab)
    assert len(marked) == 1 and marked[0].startswith("● 2 ") and in_view(1)  # never the stale click
    tab.shot("14-history-strip")


def test_edit_the_instruction_json_and_rerun_it(tab: Tab, photo):
    tab.upload(photo)
    edited = tab.send("blur the background")
    errors = tab.page.locator("#imgedit_instruction_errors").first

    # a bad instruction: the error is shown beside the editor, nothing runs, the text stays
    bad = '{"operation": "recolor", "targets": ["car"], "color": "red"}'
    tab.set_code(bad)
    tab.page.locator("#imgedit_run_json").click()
    errors.locator(".imgedit-errors").wait_for()
    assert "targets.0" in errors.inner_text() and "not in the picture" in errors.inner_text()
    assert len(_nodes(tab)) == 2 and json.loads(tab.code()) == json.loads(bad)
    tab.shot("06-validation-error")

    tab.set_code('{"operation": "adjust", "adjust": {"blur": 0.5}')  # a missing brace
    tab.page.locator("#imgedit_run_json").click()
    tab.page.wait_for_function("() => document.querySelector('#imgedit_instruction_errors').innerText.includes('not valid JSON')")

    # replace the last step: the new instruction runs on its parent, as a new branch
    tab.set_code('{"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.9}}')
    tab.page.locator("#imgedit_rerun_json").click()
    replaced = tab.wait_state(node=edited["node"])
    nodes = {n["id"]: n for n in _nodes(tab)}
    assert nodes[replaced["node"]]["parent"] == nodes[edited["node"]]["parent"]
    assert nodes[replaced["node"]]["instruction"]["adjust"] == {"blur": 0.9}
    assert errors.inner_text().strip() == ""

    # the form view shows and edits the same instruction; run it on the current picture
    tab.set_code('{"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.9}, "strength": 0.3}')
    tab.page.locator("#imgedit_instruction_box .tab-nav button", has_text="Form").click()
    strength = tab.page.locator("#imgedit_form_strength input[type=number]")
    tab.page.wait_for_function("() => document.querySelector('#imgedit_form_strength input[type=number]').value === '0.3'")
    strength.fill("0.5")
    strength.press("Tab")
    tab.page.wait_for_function("() => document.querySelector('#imgedit_instruction .cm-content').innerText.includes('0.5')")
    tab.page.locator("#imgedit_instruction_box .tab-nav button", has_text="JSON").click()
    assert json.loads(tab.code()) == {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.9}, "strength": 0.5}
    tab.page.locator("#imgedit_run_json").click()
    stacked = tab.wait_state(node=replaced["node"])
    nodes = {n["id"]: n for n in _nodes(tab)}
    assert nodes[stacked["node"]]["parent"] == replaced["node"] and nodes[stacked["node"]]["instruction"]["strength"] == 0.5


def _stroke(tab: Tab, frm: tuple[float, float], to: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Drag across the canvas between two points given as fractions of its size; the image pixels
    under the start and end points."""
    box = tab.page.locator("#imgedit_stage canvas.imgedit-mask").bounding_box()
    (x0, y0), (x1, y1) = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in (frm, to)]
    tab.page.mouse.move(x0, y0)
    tab.page.mouse.down()
    for i in range(1, 11):
        tab.page.mouse.move(x0 + (x1 - x0) * i / 10, y0 + (y1 - y0) * i / 10)
    tab.page.mouse.up()
    return np.array(frm), np.array(to)


def test_brush_mask_limits_the_next_edit(tab: Tab, photo):
    state = tab.upload(photo)
    tab.page.locator("#imgedit_stage .imgedit-tool[data-tool=brush]").click()
    start, end = _stroke(tab, (0.1, 0.1), (0.3, 0.1))
    assert tab.page.evaluate("window.imgedit.maskData()").startswith("data:image/png;base64,")
    tab.shot("07-mask-drawn")
    tab.page.locator("#imgedit_stage .imgedit-tool[data-tool=brush]").click()  # brush off again

    edited = tab.send("turn it black and white")
    node = next(n for n in _nodes(tab) if n["id"] == edited["node"])
    assert node["instruction"]["targets"] == ["user_mask"]
    tab.wait_chat("Applying black and white to the painted area.")  # the area actually edited, not "the whole image"
    before = tab.app.node_pixels(tab.sid, state["node"])
    after = tab.app.node_pixels(tab.sid, edited["node"])
    h, w = after.shape[:2]
    for fx, fy in (start, end, (start + end) / 2):
        px = after[int(fy * h), int(fx * w)]
        assert px.max() - px.min() <= 2, f"painted pixel {px} should be grey"
    changed = np.any(after != before, axis=2)
    ys, xs = np.nonzero(changed)
    assert changed.mean() < 0.05 and ys.max() < 0.2 * h and xs.max() < 0.4 * w, "the edit leaked outside the stroke"
    assert tab.page.evaluate("window.imgedit.maskData()") == "", "the mask is cleared after the edit"

    # the eraser takes paint away again; a click on a legend label selects that region instead
    tab.page.locator("#imgedit_stage .imgedit-tool[data-tool=brush]").click()
    _stroke(tab, (0.5, 0.5), (0.6, 0.5))
    tab.page.locator("#imgedit_stage .imgedit-tool[data-tool=eraser]").click()
    tab.page.locator("#imgedit_stage").get_by_text("Size").locator("xpath=..").locator("input").fill("160")
    _stroke(tab, (0.45, 0.5), (0.65, 0.5))
    assert tab.page.evaluate("window.imgedit.maskData()") == ""
    share = next(i for i in tab.app.session(tab.sid)["messages"][1]["data"]["labels"] if i["name"] == "background")["share"]
    tab.page.locator("#imgedit_legend .imgedit-legend-item[data-label=background]").click()
    tab.page.wait_for_function("() => window.imgedit.maskData() !== ''")
    painted = tab.page.evaluate("""() => { const c = document.querySelector('#imgedit_stage canvas.imgedit-mask');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 127) n++; return n / (c.width * c.height); }""")
    assert abs(painted - share) < 0.01
    assert "imgedit-picked" in tab.page.locator("#imgedit_legend .imgedit-legend-item[data-label=background]").get_attribute("class")


def test_overlay_toggle_and_before_after(tab: Tab, photo):
    state = tab.upload(photo)
    plain = tab.page.locator("#imgedit_stage img.imgedit-current").get_attribute("src")
    tab.page.locator("#imgedit_overlay input").check()
    tab.page.wait_for_function("(old) => document.querySelector('#imgedit_stage img.imgedit-current').src !== old", arg=plain)
    tab.wait_stage()
    shown = requests.get(tab.page.locator("#imgedit_stage img.imgedit-current").get_attribute("src"), timeout=30).content
    api = tab.app.get(f"/sessions/{tab.sid}/nodes/{state['node']}/image", params={"overlay": "true"}).content
    assert hashlib.sha256(shown).digest() == hashlib.sha256(api).digest()
    tab.shot("08-overlay")
    tab.page.locator("#imgedit_overlay input").uncheck()
    tab.page.wait_for_function("(old) => document.querySelector('#imgedit_stage img.imgedit-current').src === old", arg=plain)

    compare = tab.page.locator("#imgedit_stage [data-action=compare]")
    assert compare.is_disabled()  # nothing to compare the upload with
    tab.send("make the photo brighter")
    compare.click()
    assert tab.page.locator("#imgedit_stage img.imgedit-before").is_visible()
    tab.shot("09-before-after")


def test_a_failed_turn_says_what_is_needed_and_stays_after_a_reload(tab: Tab, photo):
    state = tab.upload(photo)
    tab.type_and_enter("replace the background with a beach")
    tab.wait_chat("needs Stable Diffusion")
    assert "⚠" in tab.chat_text() and "Stable Diffusion" in tab.chat_text()
    assert len(_nodes(tab)) == 1
    tab.shot("10-no-backend")
    tab.page.reload()
    tab.open()
    tab.wait_chat("needs Stable Diffusion")  # kept in the conversation, the picture untouched
    tab.wait_chat("replace the background with a beach")
    assert tab.state()["node"] == state["node"] and len(_nodes(tab)) == 1
    assert tab.page.locator("#imgedit_chat .imgedit-chat-error").count() == 1


def test_session_is_restored_after_reload(tab: Tab, photo):
    tab.upload(photo)
    edited = tab.send("make the photo brighter")
    sid = tab.sid
    tab.page.reload()
    tab.open()
    assert tab.sid == sid and tab.state()["node"] == edited["node"]
    tab.wait_chat("Applying brightness")
    assert tab.history_count() == 2
    tab.page.locator("#imgedit_new").click()
    tab.page.wait_for_function("() => localStorage.getItem('imgedit_session') === null")
    assert tab.history_count() == 0
    # ... and back to it from "Previous sessions"
    previous = tab.page.locator("#imgedit_previous")
    previous.locator("input").click()
    previous.locator("li").filter(has_text=sid[:8]).click()
    tab.page.wait_for_function(f"() => localStorage.getItem('imgedit_session') === '{sid}'")
    tab.wait_chat("Applying brightness")
    assert tab.history_count() == 2 and tab.state()["node"] == edited["node"]


def test_a_picked_region_is_named_and_the_form_speaks_plainly(tab: Tab, photo):
    tab.upload(photo)
    tab.page.locator('#imgedit_legend .imgedit-legend-item[data-label="background"]').click()
    tab.page.wait_for_function("() => document.querySelector('#imgedit_legend .imgedit-picked') !== null")
    tab.type_and_enter("blur it")
    tab.wait_chat("to the background.")
    assert "painted" not in tab.chat_text()
    assert _nodes(tab)[-1]["instruction"]["targets"] == ["background"]
    tab.page.locator("#imgedit_instruction_box .tab-nav button", has_text="Form").click()
    grayscale = tab.page.locator("#imgedit_form_adjust_grayscale")
    grayscale.wait_for()
    assert grayscale.inner_text().lower().count("black and white") == 1
    form = tab.page.locator("#imgedit_instruction_box").inner_text()
    assert "sentence for the user" not in form and "what to do: inpaint" not in form


def test_settings_are_saved(tab: Tab, app):
    tab.open_settings()
    preset = tab.page.locator("#imgedit_setting_preset input")
    preset.click()
    tab.page.locator("#imgedit_setting_preset li", has_text="fast").click()
    tab.page.locator("#imgedit_settings_status").first.get_by_text("Preset fast").wait_for()
    saved = app.config()
    assert saved["preset"] == "fast" and saved["steps"] == 12 and saved["controlnet_module"] == "none"
    assert tab.page.locator("#imgedit_setting_steps input[type=number]").input_value() == "12"
    steps = tab.page.locator("#imgedit_setting_steps input[type=number]")
    steps.fill("33")
    steps.press("Tab")
    tab.page.locator("#imgedit_settings_status").first.get_by_text("Saved: Sampling steps = 33").wait_for()
    assert app.config()["steps"] == 33 == app.get("/config").json()["settings"]["steps"]
    for field in ("webui_api_url", "openai_api_key", "download_large_models", "models_offline"):
        assert tab.page.locator(f"#imgedit_setting_{field}").is_visible()
    tab.shot("11-settings")
    tab.page.reload()  # the page shows the settings as saved, not as they were when the server started
    tab.open()
    tab.page.wait_for_function("() => document.querySelector('#imgedit_setting_steps input[type=number]').value === '33'")
    assert tab.page.locator("#imgedit_setting_preset input").input_value() == "fast"


def test_a_secret_setting_is_written_never_shown(browser, tmp_path):
    own = App(tmp_path)  # its own server: the key must not reach the other tests' app
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    try:
        tab = Tab(context.new_page(), own).open()
        tab.open_settings()
        key = tab.page.locator("#imgedit_setting_openai_api_key input")
        assert key.get_attribute("type") == "password" and key.get_attribute("placeholder") == "not set"
        key.fill("sk-browser-test")
        key.press("Tab")
        tab.page.locator("#imgedit_settings_status").first.get_by_text("OpenAI API key for image edits = set").wait_for()
        assert own.config()["openai_api_key"] == "sk-browser-test" and key.input_value() == ""
        tab.page.reload()
        tab.open()
        tab.open_settings()
        tab.page.wait_for_function(
            "() => document.querySelector('#imgedit_setting_openai_api_key input').placeholder === 'set'")
        assert "sk-browser-test" not in tab.page.content() and key.input_value() == ""
    finally:
        context.close()
        own.stop()


def test_language_switch_and_browser_language(tab: Tab, browser, app, photo):
    def choose(on: Tab, lang: str) -> None:
        on.open_settings()
        on.page.locator("#imgedit_setting_language input").click()
        on.page.locator("#imgedit_setting_language li", has_text=lang).click()

    def suggestions(on: Tab) -> str:
        return on.page.locator("#imgedit_suggestions").inner_text()

    other_context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    try:
        other = Tab(other_context.new_page(), app).open()  # a second user, in another browser
        tab.upload(photo)
        assert "Blur the background" in suggestions(tab)
        choose(tab, "zh_CN")
        tab.page.locator("#imgedit_send").get_by_text("发送").wait_for()
        tab.page.locator("#imgedit_suggestions").get_by_text("把背景虚化").wait_for()  # the suggestions follow
        assert tab.page.locator("#imgedit_undo").inner_text() == "撤销"
        assert "画笔" in tab.page.locator("#imgedit_stage").inner_text()
        assert "远程 WebUI 地址" in tab.page.locator("#imgedit_executor_status").first.inner_text()
        steps = tab.page.locator("#imgedit_setting_steps input[type=number]")
        steps.fill("21")
        steps.press("Tab")
        tab.page.locator("#imgedit_settings_status").first.get_by_text("已保存：采样步数 = 21").wait_for()
        assert "language" not in app.config()  # the browser's choice, not the server's
        tab.shot("12-chinese")
        other.page.reload()
        other.open()
        other.page.locator("#imgedit_send").get_by_text("Send").wait_for()  # the other browser stays English
        assert other.page.locator("#imgedit_undo").inner_text() == "Undo"
    finally:
        other_context.close()
    tab.page.reload()
    tab.open()
    tab.page.locator("#imgedit_send").get_by_text("发送").wait_for()  # kept in this browser: Chinese after a reload
    tab.page.locator("#imgedit_suggestions").get_by_text("把背景虚化").wait_for()
    choose(tab, "auto")
    tab.page.locator("#imgedit_send").get_by_text("Send").wait_for()  # en-US browser: English again
    tab.page.locator("#imgedit_suggestions").get_by_text("Blur the background").wait_for()
    assert not re.search(r"[\u4e00-\u9fff]", suggestions(tab))

    # a Chinese browser gets the Chinese tab and a Chinese description of the picture
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    try:
        zh = Tab(context.new_page(), app).open()
        zh.page.locator("#imgedit_send").get_by_text("发送").wait_for()
        zh.upload(photo)
        zh.wait_chat("我在图中看到")
        assert "头发" in zh.page.locator("#imgedit_legend .imgedit-legend").inner_text()
        zh.send("把背景虚化")
        zh.page.locator("#imgedit_history").get_by_text("● 2 · 调整").wait_for()  # history labels in Chinese too
        assert "1 · 上传" in zh.page.locator("#imgedit_history").inner_text()
        zh.page.locator("#imgedit_undo").click()
        zh.wait_chat("已撤销 1 步。")
        zh.page.locator("#imgedit_instruction_box .tab-nav button", has_text="表单").click()
        zh.page.locator("#imgedit_form_adjust_blur").get_by_text("模糊").first.wait_for()
        assert "步骤" in zh.page.locator("#imgedit_form_steps").inner_text()
        zh.shot("13-chinese-browser")
    finally:
        context.close()


def test_readme_tour(tab: Tab, photo):
    """The five steps of the README's tour, as a newcomer does them; the README's picture is step 3."""
    uploaded = tab.upload(photo)  # 1. upload
    blurred = tab.send("blur the background")  # 2. an edit
    blonde = tab.send("make the hair blonde")  # 3. another
    nodes = {n["id"]: n for n in _nodes(tab)}
    assert nodes[blonde["node"]]["instruction"]["color"] == "blonde" and nodes[blonde["node"]]["parent"] == blurred["node"]
    path = tab.shot("00-readme")
    if os.environ.get("IMGEDIT_UPDATE_DOCS"):
        shutil.copyfile(path, DOCS_SHOT)
    tab.page.locator("#imgedit_undo").click()  # 4. undo
    assert tab.wait_state(node=blonde["node"])["node"] == blurred["node"]
    button = tab.page.locator("#imgedit_suggestion_0")  # 5. a suggestion: fill, then run
    button.click()
    tab.page.wait_for_function("() => document.querySelector('#imgedit_suggestion_0').innerText.startsWith('▶')")
    button.click()
    last = tab.wait_state(node=blurred["node"])
    nodes = {n["id"]: n for n in _nodes(tab)}
    assert nodes[last["node"]]["parent"] == blurred["node"] and len(nodes) == 4
    assert uploaded["session"] == last["session"]
