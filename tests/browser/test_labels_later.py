"""Labels that arrive after the upload, in a real browser: the upload answers with MediaPipe's labels
while a slow scene segmenter (tests/plugins/slow_labels.py, held until the test lets it go) still reads
the picture; its chips and its message then appear without a reload."""

from __future__ import annotations

import pytest

from tests.browser.driver import TIMEOUT_MS, App, Tab
from tests.helpers import needs_mediapipe

pytestmark = [pytest.mark.browser, needs_mediapipe]


@pytest.fixture(scope="module")
def control(tmp_path_factory):
    return tmp_path_factory.mktemp("slow-labels") / "go"


@pytest.fixture(scope="module")
def labels_app(tmp_path_factory, control) -> App:
    mp = pytest.MonkeyPatch()
    mp.setenv("IMGEDIT_PLUGINS", "tests.plugins.slow_labels")
    mp.setenv("IMGEDIT_TEST_SLOW_LABELS", str(control))
    try:
        running = App(tmp_path_factory.mktemp("imgedit-labels"),
                      {"segmenters": "slow_scene,mediapipe", "commercial_models_only": False})
    finally:
        mp.undo()
    yield running
    control.touch()  # nothing left waiting
    running.stop()


def test_the_chips_and_the_message_arrive_without_a_reload(browser, labels_app, photo, control):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        tab = Tab(page, labels_app).open()
        state = tab.upload(photo)
        assert state["labels_pending"] is True
        assert page.locator('#imgedit_legend [data-label="person"]').count() == 1
        assert page.locator('#imgedit_legend [data-label="cat"]').count() == 0
        tab.wait_chat("what they find will follow")
        assert labels_app.session(tab.sid)["labels_pending"] is True
        loads = []
        page.on("load", lambda _: loads.append(1))
        control.touch()
        page.locator('#imgedit_legend [data-label="cat"]').wait_for(timeout=TIMEOUT_MS)
        tab.wait_chat("I can also see: sky")
        assert "labels_pending" not in tab.state() and loads == [], "no reload"
        assert page.locator('#imgedit_legend [data-label="sky"]').count() == 1
        assert labels_app.session(tab.sid)["labels_pending"] is False
    finally:
        context.close()
