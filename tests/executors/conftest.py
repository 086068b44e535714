"""A threaded local HTTP server (pytest-httpserver), started once per module and cleared per test:
remote executors are tested over real HTTP, and the watcher polls while a generation call waits."""

import pytest
from pytest_httpserver import HTTPServer


@pytest.fixture(scope="module")
def _http_server():
    srv = HTTPServer(threaded=True)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def server(_http_server):
    yield _http_server
    _http_server.clear()
