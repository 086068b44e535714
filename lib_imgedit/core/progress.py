"""The progress callback every long step reports through: (done, total, what is happening)."""

from __future__ import annotations

from typing import Callable

ProgressFn = Callable[[int, int, str], None]
