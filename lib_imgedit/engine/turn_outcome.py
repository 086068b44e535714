"""TurnOutcome: what one turn of the conversation produced (the reply, the picture, its labels and
suggestions, which planner and executor did the work, notes), whichever part of EditService made it.
The front doors render it: the API as JSON with the picture in base64, the tab as chat messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core import images


@dataclass
class TurnOutcome:
    """What a turn produced; front doors render it (the API as JSON with base64 images)."""

    session_id: str
    node_id: str | None
    reply: str
    image_png: bytes | None = None
    instruction: dict[str, Any] | None = None
    labels: list[dict[str, Any]] = field(default_factory=list)
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    executor: str = ""
    planner: str = ""
    notes: list[str] = field(default_factory=list)
    faces: int = 0
    labels_pending: bool = False  # an upload's: slower segmenters still read the picture; their labels follow

    def to_dict(self, with_image: bool = True) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "image_png"}
        if with_image:
            out["image"] = images.png_b64(self.image_png) if self.image_png else None
        return out
