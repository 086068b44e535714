"""The executor interface: one class per backend, declared capabilities, one `run`."""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..core import images
from ..core.config import Settings
from ..core.errors import ImgEditError, UpstreamError
from ..core.instruction import EditInstruction
from ..core.labels import LabelMap
from ..core.masks import composite
from ..core.progress import ProgressFn


@dataclass
class EditRequest:
    image: np.ndarray  # RGB uint8, HxWx3
    mask: np.ndarray  # float32 alpha, HxW, 0 = keep
    instruction: EditInstruction
    settings: Settings
    rules: dict[str, Any]
    label_map: LabelMap | None = None
    source_face: np.ndarray | None = None  # RGB, for face_swap
    progress: ProgressFn | None = None
    cancel: threading.Event | None = None
    said: str = ""  # the user's own words, when this is the plan's only step (for instruction-edit models)

    @property
    def mask_share(self) -> float:
        return float((self.mask > 0).mean())

    @property
    def whole_picture(self) -> bool:
        """The request is for the whole picture: no region named, or a mask over every pixel."""
        return not self.instruction.targets or bool((self.mask > 0).all())

    def composite(self, edited: np.ndarray) -> np.ndarray:
        """A generated picture (any size: backends work at their own resolution) put back through the
        mask: resized to the original, blended by the soft mask, pixels outside it copied bit for bit.
        Every generative backend returns through here. With the setting `keep_whole_output`, a
        whole-picture request keeps the model's whole output (resized) instead."""
        h, w = self.image.shape[:2]
        edited = np.ascontiguousarray(edited[..., :3], dtype=np.uint8)
        if edited.shape[:2] != (h, w):
            import cv2

            edited = cv2.resize(edited, (w, h), interpolation=cv2.INTER_LANCZOS4)
        if self.settings.keep_whole_output and self.whole_picture:
            return edited
        return composite(self.image, edited, self.mask)

    def strength(self) -> float:
        """The instruction's strength, else the settings' override, else the operation's default."""
        if self.instruction.strength is not None:
            return float(self.instruction.strength)
        op = self.rules["operations"][self.instruction.operation]
        lo, hi = op.get("strength", (0.0, 1.0))
        if self.settings.strength > 0:
            return min(max(self.settings.strength, lo), hi)
        return float(op.get("default_strength", 0.75))


def decode_result(data: str | bytes, who: str) -> np.ndarray:
    """A backend's image (base64 text, a data URL, or the file's bytes) as RGB; anything unreadable is the
    backend's fault (UpstreamError)."""
    try:
        raw = base64.b64decode(data.split(",", 1)[-1]) if isinstance(data, str) else data
        return images.to_array(images.load_image(raw, 10**9, 10**6))
    except (ImgEditError, ValueError):
        raise UpstreamError(f"{who} sent an image that cannot be read") from None


@dataclass
class EditResult:
    image: np.ndarray
    executor: str
    info: dict[str, Any] = field(default_factory=dict)  # what ran: seed, steps, units, model...
    label_map: LabelMap | None = None  # the labels moved with the pixels (picture operations), else None


class Executor:
    """Subclasses set `name` and the capability flags, and implement `run`. Heavy clients are
    imported inside methods so the registry can be listed for free."""

    name: ClassVar[str] = ""
    operations: ClassVar[tuple[str, ...]] = ()
    generative: ClassVar[bool] = False
    supports_mask: ClassVar[bool] = True
    # what text the backend's model wants: "description" (an inpaint prompt of the region) or
    # "instruction" (an imperative sentence, for instruction-edit models): see families.prompt_for
    prompt_style: ClassVar[str] = "description"
    families: ClassVar[tuple[str, ...]] = ()  # the model families (families.json) it can run; () = not a model
    needs_network: ClassVar[bool] = False
    description: ClassVar[str] = ""

    def __init__(self, settings: Settings, rules: dict[str, Any]):
        self.settings = settings
        self.rules = rules

    def available(self) -> tuple[bool, str]:
        """(configured and reachable in principle, why not): cheap, no network call."""
        return True, ""

    def can_serve(self, request: EditRequest) -> tuple[bool, str]:
        """(this executor can run this request, why not)."""
        op = request.instruction.operation
        if op not in self.operations:
            return False, f"{self.name} does not do {op}"
        return True, ""

    def run(self, request: EditRequest) -> EditResult:
        raise NotImplementedError
