"""A watcher beside a blocking generation call: reports progress and passes on a cancel request.

The host's `process_images` and a remote WebUI's img2img call both block; the backend reports its
progress elsewhere (`shared.state`, `/sdapi/v1/progress`) and stops on its own interrupt. The watcher
polls the one and, once the request's cancel event is set, triggers the other.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

log = logging.getLogger("imgedit")


class Watcher:
    """`with Watcher(tick, cancel, on_cancel):` runs `tick()` every `interval` seconds and
    `on_cancel()` once when `cancel` is set, until the block ends. Errors in either are logged, never
    raised: a progress report must not break the generation it reports on."""

    def __init__(self, tick: Callable[[], None] | None, cancel: threading.Event | None,
                 on_cancel: Callable[[], None], interval: float = 0.25):
        self.tick, self.cancel, self.on_cancel, self.interval = tick, cancel, on_cancel, interval
        self.cancelled = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="imgedit-watch", daemon=True)

    def _loop(self) -> None:
        while not self._done.wait(self.interval):
            if self.cancel is not None and self.cancel.is_set() and not self.cancelled:
                self.cancelled = True
                self._call(self.on_cancel)
            if self.tick is not None:
                self._call(self.tick)

    @staticmethod
    def _call(fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - reporting only
            log.debug("watcher callback failed: %s", exc)

    def __enter__(self) -> Watcher:
        if self.cancel is not None and self.cancel.is_set():
            self.cancelled = True  # cancelled before it started: the caller checks and stops
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=5)
