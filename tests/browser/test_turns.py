"""A turn as a user lives it in a real browser: their message in the chat at once, one progress
display over the picture, messages sent during a turn queued (never dropped) and sent after it,
Interrupt ending the display at once, the WebUI's progress contract, and the Form."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from tests.browser.driver import ARTIFACTS, TIMEOUT_MS, App, Tab
from tests.browser.slow_webui import SlowWebUI

pytestmark = pytest.mark.browser
DOCS = ARTIFACTS.parents[1] / "docs"

# Visible status trackers of gradio (its progress overlay on a component): 3.41 and 4 alike.
TRACKERS = """() => [...document.querySelectorAll('.wrap')].filter(w => (w.classList.contains('default')
    || w.classList.contains('center') || w.classList.contains('full') || w.classList.contains('minimal'))
    && !w.classList.contains('hide') && getComputedStyle(w).opacity !== '0' && w.offsetParent !== null)
    .map(w => (w.closest('[id]') || {}).id || '?')"""
ERROR_BADGES = "() => [...document.querySelectorAll('.wrap .error')].filter(e => e.offsetParent !== null).length"


@pytest.fixture(scope="module")
def slow():
    remote = SlowWebUI(steps=60, step_s=0.5)
    yield remote
    remote.close()


@pytest.fixture(scope="module")
def gen_app(tmp_path_factory, slow) -> App:
    running = App(tmp_path_factory.mktemp("imgedit-gen"), {"executors": "webui_api,local", "webui_api_url": slow.url})
    yield running
    running.stop()


@pytest.fixture
def gen_tab(browser, gen_app) -> Tab:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    opened = Tab(page, gen_app).open()
    opened.page_errors = errors
    yield opened
    context.close()


def test_the_message_shows_at_once_one_progress_over_the_picture_and_a_queued_message_survives_interrupt(gen_tab: Tab, photo, slow):
    tab = gen_tab
    first = tab.upload(photo)
    box = tab.page.locator("#imgedit_text textarea")
    tab.type_and_enter("replace the background with a beach")
    # the user's message is in the chat at once, the box emptied, no "..." bubble
    tab.page.locator("#imgedit_chat").get_by_text("replace the background with a beach").wait_for(timeout=5000)
    assert box.input_value() == ""
    tab.page.wait_for_function("() => document.querySelector('#imgedit_stage .imgedit-progress-slot .wrap:not(.hide)')")
    tab.page.wait_for_function("() => document.querySelector('#imgedit_stage .imgedit-progress-slot').innerText.includes('/60')",
                               timeout=20_000)  # the remote's sampling steps
    trackers = tab.page.evaluate(TRACKERS)
    assert trackers == ["imgedit_progress"], f"progress drawn on {trackers}"
    assert tab.page.locator("#imgedit_progress").first.evaluate("e => !!e.closest('#imgedit_stage')")  # over the picture
    tab.shot("15-progress")

    # sent during the turn: queued and shown, not dropped, not sent yet
    tab.type_and_enter("make the photo brighter")
    tab.page.locator("#imgedit_queue").get_by_text("make the photo brighter").wait_for(timeout=5000)
    assert box.input_value() == "" and slow.calls.count("/sdapi/v1/img2img") == 1
    path = tab.shot("16-queued")
    if os.environ.get("IMGEDIT_UPDATE_DOCS"):
        shutil.copyfile(path, DOCS / "chat-edit-progress.png")

    tab.page.locator("#imgedit_interrupt").click()
    tab.page.wait_for_function(f"() => ({TRACKERS})().length === 0", timeout=3000)  # the display ends at once
    tab.wait_chat("interrupted")
    # then the queued message goes out by itself, and its edit is made
    state = tab.wait_state(node=first["node"])
    nodes = tab.app.session(tab.sid)["nodes"]
    assert len(nodes) == 2 and nodes[1]["instruction"]["adjust"]["brightness"] > 0 and state["node"] == nodes[1]["id"]
    assert tab.page.locator("#imgedit_queue .imgedit-queued").count() == 0
    chat = tab.chat_text()
    assert chat.index("replace the background with a beach") < chat.index("interrupted") < chat.index("make the photo brighter")
    assert tab.page.evaluate(ERROR_BADGES) == 0 and not tab.page_errors


def test_the_webui_progress_contract(browser, gen_app, photo, slow):
    """Inside the WebUI the page draws progress with its requestProgress for the task id the turn
    carries; here the WebUI's functions are stood in for and recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    context.add_init_script("""
        window.randomId = () => 'task(' + Math.random().toString(36).slice(2) + ')';
        window.imgeditProgressCalls = [];
        window.requestProgress = (id, container, gallery, atEnd) => {
            const bar = document.createElement('div'); bar.className = 'progressDiv'; bar.textContent = id;
            container.parentNode.insertBefore(bar, container);
            window.imgeditProgressCalls.push({id, container: container.className, parent: !!container.closest('#imgedit_stage'),
                                              gallery: gallery && gallery.id});
        };
        window.recalculate_prompts_img2img = (...a) => { window.imgeditRecalculated = a.length; return a; };""")
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        tab = Tab(page, gen_app).open()
        tab.upload(photo)
        # what a host with its own progress display (TabHost.page_progress, the WebUI's) gets on the page
        page.evaluate("document.querySelector('#imgedit_progress').classList.add('imgedit-page-progress')")
        tab.send("make the photo brighter")
        calls = page.evaluate("window.imgeditProgressCalls")
        assert len(calls) == 1 and calls[0]["id"].startswith("task(") and calls[0]["parent"]
        assert calls[0]["container"] == "imgedit-progress-slot" and calls[0]["gallery"] == "imgedit_live"
        assert tab.state()["turn"] == calls[0]["id"]  # the turn that ended is the one shown
        assert page.locator("#imgedit_stage .progressDiv").is_hidden()  # gone when the turn ended
        # send to inpaint: the WebUI's paste code calls recalculate_prompts_inpaint, which its ui.js lacks
        assert page.evaluate("recalculate_prompts_inpaint(1, 2)") == [1, 2] and page.evaluate("window.imgeditRecalculated") == 2
        assert not errors
    finally:
        context.close()


def test_the_form_writes_every_kind_of_field_and_plan_steps_and_runs_without_error_badges(gen_tab: Tab, photo):
    tab = gen_tab
    state = tab.upload(photo)
    page = tab.page
    page.locator("#imgedit_instruction_box .tab-nav button", has_text="Form").click()
    for elem in ("operation", "targets", "prompt", "negative_prompt", "color", "adjust_brightness", "adjust_grayscale",
                 "adjust_stylize", "strength", "mask_dilate", "mask_erode", "mask_feather", "mask_invert", "control", "faces",
                 "count", "aspect", "angle", "direction", "scale", "width", "height", "question", "reply"):
        assert page.locator(f"#imgedit_form_{elem}").count() == 1, elem
    assert page.locator("#imgedit_form_picker").count() == 1

    def code() -> dict:
        page.locator("#imgedit_instruction_box .tab-nav button", has_text="JSON").click()
        data = json.loads(tab.code())
        page.locator("#imgedit_instruction_box .tab-nav button", has_text="Form").click()
        return data

    def wait_code(text: str) -> None:
        page.wait_for_function("(t) => document.querySelector('#imgedit_instruction .cm-content').textContent.includes(t)", arg=text)

    # adjust: a slider from the rules and the mask options
    brightness = page.locator("#imgedit_form_adjust_brightness input[type=number]")
    brightness.fill("0.4")
    brightness.press("Tab")
    wait_code('"brightness": 0.4')
    feather = page.locator("#imgedit_form_mask_feather input[type=number]")
    feather.fill("12")
    feather.press("Tab")
    wait_code('"feather": 12')
    page.locator("#imgedit_form_targets input").click()
    page.locator("#imgedit_form_targets li", has_text="hair").first.click()
    wait_code('"hair"')
    page.locator("#imgedit_form_mask_invert input").check()  # everything but the hair
    wait_code('"invert": true')
    assert code()["mask"] == {"feather": 12, "invert": True}
    # a second step: rotate 90
    page.locator("#imgedit_step_add").click()
    wait_code('"steps"')
    page.locator("#imgedit_form_operation input").click()
    page.locator("#imgedit_form_operation li", has_text="rotate").click()
    page.locator("#imgedit_form_angle").wait_for(state="visible")
    assert page.locator("#imgedit_form_adjust_brightness").is_hidden()  # only the fields rotate uses
    angle = page.locator("#imgedit_form_angle input")
    angle.fill("90")
    angle.press("Tab")
    wait_code('"angle": 90')
    plan = code()
    assert [s["operation"] for s in plan["steps"]] == ["adjust", "rotate"] and plan["steps"][1]["angle"] == 90
    page.locator("#imgedit_step_up").click()
    page.wait_for_function("() => { const t = document.querySelector('#imgedit_instruction .cm-content').textContent;"
                           " return t.indexOf('rotate') < t.indexOf('adjust'); }")
    path = tab.shot("17-form-plan")
    if os.environ.get("IMGEDIT_UPDATE_DOCS"):
        shutil.copyfile(path, DOCS / "chat-edit-form.png")
    page.locator("#imgedit_step_remove").click()  # the rotation shown goes: one step left, the adjust with its mask options
    wait_code('"brightness"')
    page.wait_for_function("() => !document.querySelector('#imgedit_instruction .cm-content').textContent.includes('steps')")
    page.locator("#imgedit_run_json").click()
    done = tab.wait_state(node=state["node"])
    node = next(n for n in tab.app.session(tab.sid)["nodes"] if n["id"] == done["node"])
    assert node["instruction"]["adjust"] == {"brightness": 0.4} and node["instruction"]["mask"] == {"feather": 12, "invert": True}
    assert node["instruction"]["targets"] == ["hair"]
    tab.page.locator("#imgedit_chat").get_by_text("Run: Apply brightness +40% to everything except the hair.").wait_for()
    assert page.evaluate(ERROR_BADGES) == 0 and not tab.page_errors
