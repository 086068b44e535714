"""Fixtures for the LLM planner tests: a scripted chat server on 127.0.0.1 and profiles aimed at it."""

from __future__ import annotations

import pytest

from lib_imgedit.planner.profiles import profile_from_dict
from tests.planner.chat_server import ChatServer

KEY = "sk-test-7f3a9c1e5b2d4a68"  # must appear in the Authorization header and nowhere else


@pytest.fixture(scope="session")
def _chat_server():
    server = ChatServer()
    server.server.start()
    yield server
    server.server.stop()


@pytest.fixture
def chat(_chat_server):
    """The scripted server, empty; a test must use every reply it scripts."""
    _chat_server.script.clear()
    _chat_server.requests.clear()
    yield _chat_server
    assert not _chat_server.script, f"scripted replies left unused: {_chat_server.script}"


@pytest.fixture
def make_profile(chat):
    def make(name: str = "scripted", **kw):
        data = {"base_url": chat.url, "model": "scripted-model", "api_key": KEY, "timeout": 2.0, "max_retries": 0, **kw}
        return profile_from_dict(name, data)

    return make
