"""Small builders shared by tests."""

from __future__ import annotations

import numpy as np

from lib_imgedit.segment.base import LabelMap


def square_labels(size: int = 10) -> LabelMap:
    """A tiny label map: `thing` is the centre 4x4 square, `background` the rest."""
    thing = np.zeros((size, size), bool)
    thing[3:7, 3:7] = True
    return LabelMap(size, size, {"thing": thing, "background": ~thing})
