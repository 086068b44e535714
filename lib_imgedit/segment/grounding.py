"""Find a thing the user names that is not among the labels: CLIPSeg turns (picture, phrase) into a
heatmap of where the phrase is.

The phrase is tokenised with the model's own `tokenizer.json` (the `tokenizers` package), the picture
resized to the model's input and normalised as its entry says, and the logits' sigmoid is the heatmap.
The score is the heatmap's peak (after a small blur, so a single hot pixel is not a find); the phrase is
found when the score reaches the `grounding_threshold` setting. The mask is where the heatmap, scaled
to the picture, reaches both the threshold and half the peak, without specks.

    mask, score = ground(image, "the red car", settings)   # mask: HxW bool, or None when not found

`grounding_available(settings)` says whether a phrase can be grounded now (for PlanContext.grounding);
`label_for(phrase)` is the label a found phrase becomes.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .. import models
from .onnx_semantic import OnnxModel, preprocess

if TYPE_CHECKING:
    from ..core.config import Settings
    from ..core.progress import ProgressFn

MAX_PHRASE_CHARS = 200


class ClipSegGrounder(OnnxModel):
    model: ClassVar[str] = "clipseg"

    def __init__(self, *args: Any, threshold: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.threshold = float(threshold if threshold is not None else getattr(self.settings, "grounding_threshold", 0.4))
        self._tokenizer: Any = None

    def tokenizer(self) -> Any:
        self.load()
        with self._lock:
            if self._tokenizer is None:
                from tokenizers import Tokenizer

                tok = Tokenizer.from_file(str(self.files["tokenizer"]))
                tok.enable_truncation(int(self.spec.input.get("max_tokens", 77)))
                self._tokenizer = tok
            return self._tokenizer

    def _feeds(self, image: np.ndarray, phrase: str) -> dict[str, np.ndarray]:
        session = self.load()
        enc = self.tokenizer().encode(phrase)
        ids, mask = list(enc.ids), list(enc.attention_mask)
        inputs = {i.name: i for i in session.get_inputs()}
        length = inputs["input_ids"].shape[-1] if "input_ids" in inputs else None
        if isinstance(length, int) and len(ids) < length:  # an export with a fixed text length: pad
            pad = self.tokenizer().token_to_id("<|endoftext|>") or 0
            ids, mask = ids + [pad] * (length - len(ids)), mask + [0] * (length - len(mask))
        available = {
            "input_ids": np.asarray([ids], np.int64),
            "attention_mask": np.asarray([mask], np.int64),
            "position_ids": np.arange(len(ids), dtype=np.int64)[None],
            "pixel_values": preprocess(image, self.spec),
        }
        missing = set(inputs) - set(available)
        if missing:
            raise ValueError(f"{self.spec.title} wants inputs this code does not know: {sorted(missing)}")
        return {name: available[name] for name in inputs}

    def heatmap(self, image: np.ndarray, phrase: str) -> np.ndarray:
        """Probability (0-1) that each pixel shows `phrase`, at the model's resolution."""
        outputs = self.run(self._feeds(np.asarray(image), phrase))
        name = self.spec.output or "logits"
        if name not in outputs:
            raise ValueError(f"{self.spec.title} gives no output {name!r} (it gives {sorted(outputs)})")
        logits = np.asarray(outputs[name], np.float32)
        logits = logits.reshape(logits.shape[-2:])
        return 1 / (1 + np.exp(-logits))

    def ground(self, image: np.ndarray, phrase: str) -> tuple[np.ndarray | None, float]:
        import cv2

        phrase = _check_phrase(phrase)
        rgb = np.asarray(image)
        H, W = rgb.shape[:2]
        prob = self.heatmap(rgb, phrase)
        score = float(cv2.blur(prob, (5, 5)).max())
        if score < self.threshold:
            return None, score
        up = cv2.resize(prob, (W, H), interpolation=cv2.INTER_LINEAR)
        mask = up >= max(self.threshold, score / 2)
        n, comp, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
        keep = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= 0.0005 * H * W]
        mask = np.isin(comp, keep)
        return (mask if mask.any() else None), score


_ARTICLES = ("a", "an", "the", "this", "that", "these", "those", "my", "his", "her", "their", "its", "our", "your")


def label_for(phrase: str) -> str:
    """The label a found phrase becomes (`the red car` -> `red_car`), for the rest of the conversation."""
    import unicodedata

    from ..core.labels import clean_label

    text = unicodedata.normalize("NFKD", _check_phrase(phrase).lower())  # café -> cafe
    words = "".join(c if (c.isascii() and c.isalnum()) or c.isspace() else " " for c in text).split()
    while len(words) > 1 and words[0] in _ARTICLES:
        words.pop(0)
    text = "_".join(words)[:40].strip("_") or "thing"
    return clean_label(text if text[0].isalpha() else f"thing_{text}"[:40])


def _check_phrase(phrase: Any) -> str:
    text = " ".join(str(phrase or "").split())
    if not text:
        raise ValueError("say what to look for, e.g. 'the cup'")
    return text[:MAX_PHRASE_CHARS]


_grounders: dict[tuple[str, bool, float], ClipSegGrounder] = {}
_grounders_lock = threading.Lock()


def grounder(settings: Settings | None = None, progress: ProgressFn | None = None) -> ClipSegGrounder:
    """The process's grounder for these settings (one onnxruntime session per models folder)."""
    key = (str(models.models_dir(settings)), models.is_offline(settings), float(getattr(settings, "grounding_threshold", 0.4)))
    with _grounders_lock:
        if key not in _grounders:
            _grounders[key] = ClipSegGrounder(settings, progress=progress, allow_download=settings is not None)
        found = _grounders[key]
    if progress is not None:
        found.progress = progress
    return found


def grounding_available(settings: Settings | None = None) -> tuple[bool, str]:
    """(a phrase can be grounded now, why not): the model is on disk, or may be downloaded and has not
    failed in this process."""
    return grounder(settings).available()


def ground(image: np.ndarray, phrase: str, settings: Settings | None = None,
           progress: ProgressFn | None = None) -> tuple[np.ndarray | None, float]:
    """(HxW bool mask, score) where `phrase` is in the picture, or (None, score) when it is not found.
    Raises models.ModelUnavailable when the grounding model cannot be had."""
    return grounder(settings, progress).ground(image, phrase)
