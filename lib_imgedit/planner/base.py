"""What every planner takes and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Turn:
    """One earlier exchange the planner may look at (oldest first)."""

    role: str  # "user" or "assistant"
    text: str
    instruction: dict[str, Any] | None = None


@dataclass
class PlanContext:
    text: str
    labels: list[str]
    shares: dict[str, float] = field(default_factory=dict)
    history: list[Turn] = field(default_factory=list)
    current: dict[str, Any] | None = None  # the instruction that made the current image, if any
    faces: int = 0  # faces detected in the picture, numbered left to right
    image_png: bytes | None = None  # the current image, for planners that can see


@dataclass
class PlanResult:
    instruction: dict[str, Any]  # not yet validated
    planner: str  # "offline" or the profile name
    attempts: int = 1
    notes: list[str] = field(default_factory=list)  # visible steps: repairs, retries, fallbacks


class Planner:
    name = ""

    def plan(self, ctx: PlanContext) -> PlanResult:
        raise NotImplementedError
