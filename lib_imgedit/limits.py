"""Turns per minute per client, counted in a sliding one-minute window.

`TurnWindow` keeps the window in memory (one process: the SQLite store); the Redis store keeps the
same window in Redis so that every replica counts the same turns.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Callable

WINDOW_S = 60.0


class TurnWindow:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._turns: dict[str, deque[float]] = {}
        self._guard = threading.Lock()

    def admit(self, client: str, per_minute: int) -> float:
        """Count a turn for `client` and return 0, or, when the window is full, count nothing and
        return the seconds until the oldest turn leaves it."""
        now = self._clock()
        with self._guard:
            turns = self._turns.setdefault(client, deque())
            while turns and turns[0] <= now - WINDOW_S:
                turns.popleft()
            if len(turns) >= per_minute:
                return turns[0] + WINDOW_S - now
            turns.append(now)
            if len(self._turns) > 10_000:  # forget idle clients so the table cannot grow without bound
                for key in [k for k, v in self._turns.items() if not v or v[-1] <= now - WINDOW_S]:
                    del self._turns[key]
            return 0.0
