"""Person parts from a downloaded human-parsing model (SegFormer-B2 on ATR-style labels): hair, hat,
sunglasses, upper clothes, dress, skirt, pants, belt, shoes, face, arms, legs, bag, scarf.

The model was trained on pictures of one person filling the frame, so the combining chain
(`segment.combine`) runs it on the crop around each person, never on a whole scene, and keeps its
labels inside the person. Left and right parts are merged by the entry's vocabulary.
"""

from __future__ import annotations

from typing import ClassVar

from .onnx_semantic import OnnxSegmenter


class HumanParsingSegmenter(OnnxSegmenter):
    name: ClassVar[str] = "human_parsing"
    model: ClassVar[str] = "human_parsing"
    kind: ClassVar[str] = "parsing"
    labels: ClassVar[tuple[str, ...]] = (
        "hat", "hair", "sunglasses", "upper_clothes", "skirt", "pants", "dress", "belt", "shoes", "face", "legs",
        "arms", "bag", "scarf",
    )  # fmt: skip
