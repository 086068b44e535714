"""Edit requests for the Stable Diffusion executors' tests."""

from __future__ import annotations

import numpy as np

from lib_imgedit.core.instruction import validate_instruction
from lib_imgedit.core.labels import LabelMap
from lib_imgedit.executors.base import EditRequest


def gradient(w: int = 96, h: int = 64) -> np.ndarray:
    """A picture where every pixel differs from its neighbours, so a moved or resampled pixel shows."""
    ys, xs = np.mgrid[0:h, 0:w]
    return np.dstack([(xs * 255 // w), (ys * 255 // h), ((xs + ys) * 7) % 256]).astype(np.uint8)


def box_mask(w: int, h: int, box: tuple[int, int, int, int], soft: bool = True) -> np.ndarray:
    """A float mask over `box` (x0, y0, x1, y1), with a 2-pixel feather inside its edge when `soft`."""
    x0, y0, x1, y1 = box
    m = np.zeros((h, w), np.float32)
    m[y0:y1, x0:x1] = 1.0
    if soft:
        m[y0:y1, x0:x0 + 2] = m[y0:y1, x1 - 2:x1] = 0.5
    return m


def sd_request(settings, rules, instruction: dict, *, image=None, mask=None, faces=(), source_face=None,
               **kw) -> EditRequest:
    image = gradient() if image is None else image
    h, w = image.shape[:2]
    if mask is None:
        mask = box_mask(w, h, (30, 20, 70, 40))
    labels = LabelMap(w, h, {"thing": mask > 0, "face": mask > 0}, faces=list(faces))
    instr = validate_instruction(instruction, rules, labels.names)
    return EditRequest(image, mask, instr, settings, rules, labels, source_face, **kw)
