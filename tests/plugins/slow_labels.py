"""Test-only plugin, loaded by a real server with IMGEDIT_PLUGINS=tests.plugins.slow_labels: the
segmenter `slow_scene` plays a downloaded scene model that takes its time. It waits until the control
file IMGEDIT_TEST_SLOW_LABELS exists (first writing `<control file>.started`), then finds the sky (the
top tenth) and a cat (a box at the bottom right). Not in combine.json's `fast` list, so an upload answers
before it and its labels follow."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import ClassVar

import numpy as np

from lib_imgedit.core.labels import LabelMap
from lib_imgedit.segment import register
from lib_imgedit.segment.base import Segmenter

CONTROL = Path(os.environ["IMGEDIT_TEST_SLOW_LABELS"])


class SlowScene(Segmenter):
    name: ClassVar[str] = "slow_scene"
    kind: ClassVar[str] = "scene"
    labels: ClassVar[tuple[str, ...]] = ("sky", "cat")

    def segment(self, image: np.ndarray) -> LabelMap:
        Path(f"{CONTROL}.started").write_text("reading")
        deadline = time.monotonic() + 120
        while not CONTROL.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        h, w = image.shape[:2]
        sky, cat = np.zeros((h, w), bool), np.zeros((h, w), bool)
        sky[: h // 10] = True
        cat[h * 3 // 4:, w * 3 // 4:] = True
        return LabelMap(w, h, {"sky": sky, "cat": cat}, source="slow_scene")


register("slow_scene", "tests.plugins.slow_labels:SlowScene")


def setup(service) -> None:  # noqa: ARG001 - the registry entry above is all it adds
    pass
