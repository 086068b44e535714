"""Browser tests: Debian's Chromium through Playwright against the standalone app.

Skips only when Chromium (or the playwright package) is absent. Screenshots of the main states go to
`tests/artifacts/` (git-ignored).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.driver import TIMEOUT_MS, App, Tab

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def app(tmp_path_factory) -> App:
    running = App(tmp_path_factory.mktemp("imgedit-browser"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def photo(tmp_path_factory) -> Path:
    from PIL import Image
    from skimage import data

    path = tmp_path_factory.mktemp("photo") / "astronaut.png"
    Image.fromarray(data.astronaut()).save(path)
    return path


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("IMGEDIT_TEST_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required here (IMGEDIT_TEST_REQUIRE_BROWSER) but /usr/bin/chromium is missing")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if call.when == "call":
        item.imgedit_failed = outcome.get_result().failed


@pytest.fixture
def tab(request, browser, app) -> Tab:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    opened = Tab(page, app).open()
    yield opened
    if getattr(request.node, "imgedit_failed", False):
        opened.shot(f"failed-{request.node.name}")
    context.close()
