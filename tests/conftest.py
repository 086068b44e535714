"""Shared fixtures. The repository root goes on sys.path so tests import `lib_imgedit` as the WebUI does."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# No model can be downloaded here: the segmenter chain skips the models that are not on disk (the
# download tests point the hub at a local server and unset this themselves).
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from lib_imgedit.core.config import load_rules, load_settings  # noqa: E402

# The system packages some tests use: (what, found, the tests it serves, the Debian package)
CHROMIUM = Path("/usr/bin/chromium")


def _system_packages() -> list[tuple[str, str | None, str, str]]:
    from servers import REDIS_SERVER

    return [("redis-server", REDIS_SERVER, "the Redis store tests", "redis-server"),
            ("chromium", str(CHROMIUM) if CHROMIUM.exists() else None, "the browser tests (tests/browser)", "chromium")]


def pytest_report_header(config) -> list[str]:
    """At the top of the run: which system packages were found, and what is skipped without them."""
    lines = []
    for name, found, tests, package in _system_packages():
        if found:
            lines.append(f"system package {name}: {found}")
        else:
            lines.append(f"system package {name}: MISSING, so {tests} will be skipped "
                         f"(install: sudo apt-get install {package})")
    return lines


def _needs(item, name: str) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    if name == "chromium":
        return "browser" in fixtures or "tab" in fixtures
    return bool(fixtures & {"redis_server", "redis_url"})


def pytest_collection_finish(session) -> None:
    """After collection, how many of the collected tests each missing package will skip (also with -q,
    which hides the header)."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    for name, found, tests, package in _system_packages():
        count = sum(_needs(item, name) for item in session.items)
        if not found and count:
            reporter.write_line(f"SKIPPING {count} tests: {name} is not installed ({tests}); "
                                f"install: sudo apt-get install {package}", yellow=True, bold=True)


@pytest.fixture
def rules() -> dict:
    return load_rules()


@pytest.fixture
def settings(tmp_path):
    # the fuller chain (every catalogued model; the default keeps to commercial licences: tested on its own)
    return load_settings(tmp_path / "data", {"commercial_models_only": False}, env={})


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    from skimage import data

    return data.astronaut()



@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """One real redis-server for the run. Skipped where the binary is missing, except in CI
    (`IMGEDIT_TEST_REQUIRE_REDIS=1`, set by .ci/run), where a missing Redis is a failure."""
    from servers import REDIS_SERVER, RedisServer

    if REDIS_SERVER is None:
        if os.environ.get("IMGEDIT_TEST_REQUIRE_REDIS"):
            pytest.fail("redis-server is required here (IMGEDIT_TEST_REQUIRE_REDIS) but not installed")
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server) -> str:
    """The URL of an empty Redis database."""
    import redis

    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    return redis_server.url


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
