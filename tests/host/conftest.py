"""Fixtures for the host adapters: a fake WebUI made of the doubles, taken down after each test."""

import pytest
from webui import FakeWebUI


@pytest.fixture
def make_webui(tmp_path, monkeypatch):
    made = []

    def make(**kwargs) -> FakeWebUI:
        webui = FakeWebUI(tmp_path, monkeypatch, **kwargs)
        made.append(webui)
        return webui

    yield make
    for webui in reversed(made):
        webui.close()


@pytest.fixture
def webui(make_webui):
    return make_webui()
