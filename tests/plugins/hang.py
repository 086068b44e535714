"""Test-only plugin, loaded by a real server with IMGEDIT_PLUGINS=tests.plugins.hang, so that a test
can SIGKILL it in the middle of a turn. IMGEDIT_TEST_HANG names a control file: while it says
`plan`, planning hangs; while it says `execute`, the `hang` executor (the local one otherwise) hangs.
Either first writes `<control file>.started`, so the test knows when to kill."""

from __future__ import annotations

import os
import time
from pathlib import Path

from lib_imgedit.executors import register
from lib_imgedit.executors.local import LocalExecutor
from lib_imgedit.planner import Planner

CONTROL = Path(os.environ["IMGEDIT_TEST_HANG"])


def _hang_if(step: str) -> None:
    if CONTROL.exists() and CONTROL.read_text().strip() == step:
        Path(f"{CONTROL}.started").write_text(step)
        time.sleep(600)


@register
class HangingExecutor(LocalExecutor):
    name = "hang"

    def run(self, request):
        _hang_if("execute")
        return super().run(request)


class HangingPlanner(Planner):
    def __init__(self, inner: Planner):
        self.inner = inner
        self.name = inner.name

    def plan(self, ctx):
        _hang_if("plan")
        return self.inner.plan(ctx)


def setup(service) -> None:
    planner = HangingPlanner(service.offline)
    service.planner_for = lambda session: planner
    if "IMGEDIT_TEST_LOCK_LEASE_S" in os.environ:  # a replica killed mid-turn frees its Redis lock sooner
        service.store.lock_lease_s = float(os.environ["IMGEDIT_TEST_LOCK_LEASE_S"])
