"""The segmenter interface; segmenters return a `LabelMap` (`core/labels.py`)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from ..core.labels import LabelMap


class Segmenter:
    """Turns an RGB image (HxWx3 uint8) into a LabelMap. Subclasses set `name` and flags, and
    import their heavy libraries in `load()`, so listing segmenters costs nothing."""

    name: ClassVar[str] = ""
    labels: ClassVar[tuple[str, ...]] = ()
    needs_network: ClassVar[bool] = False

    def available(self) -> tuple[bool, str]:
        """(usable now, why not)."""
        return True, ""

    def segment(self, image: np.ndarray) -> LabelMap:
        raise NotImplementedError
