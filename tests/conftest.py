"""Shared fixtures. The repository root goes on sys.path so tests import `lib_imgedit` as the WebUI does."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib_imgedit.config import load_rules, load_settings  # noqa: E402


@pytest.fixture
def rules() -> dict:
    return load_rules()


@pytest.fixture
def settings(tmp_path):
    return load_settings(tmp_path / "data", env={})


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    from skimage import data

    return data.astronaut()



# The executors' helpers and fake remote servers are shared with the host adapters' tests.
sys.path.insert(0, str(ROOT / "tests" / "executors"))


@pytest.fixture(scope="module")
def _http_server():
    """A threaded local HTTP server (pytest-httpserver), started once per module: remote backends are
    tested over real HTTP, and a watcher polls while a generation call waits."""
    from pytest_httpserver import HTTPServer

    srv = HTTPServer(threaded=True)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def server(_http_server):
    yield _http_server
    _http_server.clear()
