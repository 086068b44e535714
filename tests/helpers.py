"""Small builders shared by tests."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from lib_imgedit.core.labels import LabelMap


def square_labels(size: int = 10) -> LabelMap:
    """A tiny label map: `thing` is the centre 4x4 square, `background` the rest."""
    thing = np.zeros((size, size), bool)
    thing[3:7, 3:7] = True
    return LabelMap(size, size, {"thing": thing, "background": ~thing})


def band_index(names: list[str], width: int = 256, height: int = 192) -> np.ndarray:
    """An index image with one vertical band per name, left to right (value i + 1 for names[i])."""
    idx = np.zeros((height, width), np.uint8)
    for i in range(len(names)):
        idx[:, i * width // len(names):(i + 1) * width // len(names)] = i + 1
    return idx


def band_labels_body(names: list[str], width: int = 256, height: int = 192) -> dict:
    """The API's `labels` body for `band_index` (as tools/eval_dialogues.py uploads it)."""
    import base64
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(band_index(names, width, height)).save(buf, "PNG")
    return {"index": base64.b64encode(buf.getvalue()).decode(), "names": {str(i + 1): n for i, n in enumerate(names)}}


def drawn_mask(width: int = 256, height: int = 192) -> np.ndarray:
    """The brush stroke the dialogue runner draws: a box in the middle of the picture."""
    m = np.zeros((height, width), np.uint8)
    m[60:120, 100:150] = 255
    return m


def failed_turn_kept(before: dict, after: dict, text: str | None = None) -> dict:
    """Check the session views around a failed turn: the tree, `current` and the messages before it
    unchanged, and two messages more (the user's and the error, both marked failed). Returns the
    assistant's error dict."""
    same = ("current", "nodes", "nodes_before", "suggestions", "pending", "profile", "title")
    assert {k: after[k] for k in same} == {k: before[k] for k in same}
    new = after["messages"][-2:]
    assert after["messages"][:-2] == before["messages"], "a short session: its whole chat is on the first page"
    assert [m["role"] for m in new] == ["user", "assistant"] and all(m["data"]["failed"] for m in new)
    assert new[1]["node"] == before["current"] and new[1]["text"] == new[1]["data"]["error"]["message"]
    if text is not None:
        assert new[0]["text"] == text
    return new[1]["data"]["error"]


def b64png(arr: np.ndarray) -> str:
    """A picture as the API takes it: base64 PNG."""
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def decode(b64: str) -> np.ndarray:
    """A picture the API returned, as RGB."""
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGB"))


def _mediapipe_segments() -> bool:
    try:
        import mediapipe as mp
    except ImportError:
        return False
    return hasattr(mp, "solutions")


# Tests that need MediaPipe's labels (person, hair, background...): skipped where it cannot be had, as in
# the gradio 4 environment with Forge's protobuf pin, where an upload is one `picture` region.
needs_mediapipe = pytest.mark.skipif(not _mediapipe_segments(), reason="MediaPipe cannot segment here (Forge's pins)")
