"""What the Chat Edit tab gets from the WebUI: send-to buttons bound the WebUI's way, settings saved
into the WebUI's own Settings, the host's samplers, schedulers and ControlNet modules as choices, and
the WebUI's own progress display: each turn is a WebUI progress task (turn.py) that the page polls
with `requestProgress`, with this turn's progress, ETA and the sampler's live preview. Interrupt needs
nothing here: the in-process executor turns the tab's cancel flag into the WebUI's interrupt."""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any, Iterator

from ..core.progress import ProgressFn
from ..ui.tabhost import TabHost
from .deps import tab_notice
from .sendto import bind_send_to
from .settings import host_choices, save_to_opts
from .turn import webui_turn

log = logging.getLogger("imgedit")


class WebUITabHost(TabHost):
    send_to = ("img2img", "inpaint")
    page_progress = True

    @contextlib.contextmanager
    def generating(self, progress: ProgressFn, task_id: str = "") -> Iterator[ProgressFn]:
        if not task_id:  # no page polls for it: nothing to show
            yield progress
            return
        with webui_turn(task_id) as turn:

            def report(done: int, total: int, text: str) -> None:
                progress(done, total, text)
                turn.report(done, total, text)

            yield report

    def register_send_to(self, buttons: dict[str, Any], image: Any, text: Any) -> None:
        bind_send_to(buttons, image, text)

    def settle(self, timeout: float = 60.0) -> None:
        """Until the WebUI is free: no job in `shared.state` (what /sdapi/v1/progress reports) and
        `queue_lock` free (the interrupted generation has returned, its VAE decode and scripts done)."""
        from modules import call_queue, shared

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not shared.state.job_count and call_queue.queue_lock.acquire(blocking=False):
                call_queue.queue_lock.release()
                return
            time.sleep(0.1)
        log.warning("the WebUI was still busy %.0f s after an Interrupt", timeout)

    def notice(self) -> str:
        return tab_notice()

    def save_settings(self, settings: Any, keys: list[str]) -> None:
        save_to_opts(settings, keys)

    def choices(self, setting: str) -> list[str] | None:
        return host_choices(setting)
