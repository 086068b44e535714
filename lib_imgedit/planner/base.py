"""What every planner takes and returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Turn:
    """One earlier exchange the planner may look at (oldest first)."""

    role: str  # "user" or "assistant"
    text: str
    instruction: dict[str, Any] | None = None  # a bare instruction or {"steps": [...]}
    ok: bool = True  # False: the turn failed (no backend, upstream error) and changed nothing


@dataclass
class PlanContext:
    """Everything a planner may use, made explicit by the service (never re-read from old text)."""

    text: str
    labels: list[str]
    shares: dict[str, float] = field(default_factory=dict)
    history: list[Turn] = field(default_factory=list)  # the latest messages, oldest first (bounded)
    current: dict[str, Any] | None = None  # the plan that made the current image, None at an upload
    edits: list[dict[str, Any]] = field(default_factory=list)  # plans that made the current image, oldest first (bounded; after an undo, only those still applied)
    asked: str = ""  # the question the assistant asked back in the previous turn, unanswered so far
    user_mask: bool = False  # the user painted a mask with this message: "this"/"here"/"it" is that area (`user_mask`)
    grounding: bool = False  # a grounding segmenter can find a named thing that is not among the labels
    generative: bool = True  # a backend that regenerates regions (replace, restyle, large removals) can run here
    faces: int = 0  # faces detected in the picture, numbered left to right
    image_png: bytes | None = None  # the current image, for planners that can see
    message: str = ""  # the offline planner's: the whole message as typed, while `text` is the part being read


@dataclass
class PlanResult:
    instruction: dict[str, Any]  # not yet validated: a bare instruction or {"steps": [...]}
    planner: str  # "offline" or the profile name
    attempts: int = 1
    notes: list[str] = field(default_factory=list)  # visible steps: repairs, retries, fallbacks
    confidence: float | None = None  # the offline planner's: 1.0 read every word, near 0 guessed
    options: list[dict[str, Any]] = field(default_factory=list)  # close other readings, as suggestions {text, instruction}
    unread: list[str] = field(default_factory=list)  # the offline planner's: words of the request no stage read
    doubts: list[str] = field(default_factory=list)  # the offline planner's: why a plan read in full may still be
    # wrong, each keeping it from being sure (`offline/doubts.py`)
    named: list[str] = field(default_factory=list)  # the offline planner's: labels the request names in so many words
    said: list[str] = field(default_factory=list)  # the offline planner's: what to do, as the request's words name it
    # ("adjust:brightness", "remove", "recolor": `offline/confidence.py` named_operations)
    clauses: int = 0  # the offline planner's: how many edits the request's clauses ask for (0: not counted)


class Planner:
    name = ""

    def plan(self, ctx: PlanContext) -> PlanResult:
        raise NotImplementedError
