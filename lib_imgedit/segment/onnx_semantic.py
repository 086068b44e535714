"""Downloaded semantic segmentation models run with onnxruntime on the CPU.

One class serves every catalogued `semantic` or `parsing` entry (`lib_imgedit/defaults/models/`): the
picture is resized to the model's input and normalised as its entry says, the session (created once,
on first use, after `models.ensure` fetched the file) gives class scores at a fraction of the input
(`segformer`: logits at 1/4; `maskformer`: per-query class and mask logits combined into per-class
scores), and the scores of the classes present are upsampled to `work_side` on the long side (the
models' input size; their logits are a quarter of it), argmaxed, scaled to the picture, and named
with the entry's vocabulary. Classes that map to one label
(`skyscraper` and `building`, `left_arm` and `right_arm`) are merged; labels under `min_share` of the
picture are dropped.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .. import models
from ..core.labels import LabelMap
from .base import Segmenter

if TYPE_CHECKING:
    from ..core.config import Settings
    from ..core.progress import ProgressFn


def preprocess(rgb: np.ndarray, spec: models.ModelSpec) -> np.ndarray:
    """HxWx3 uint8 -> 1x3xhxw float32 at the entry's input size, rescaled and normalised."""
    import cv2

    w, h = spec.input_size
    inp = spec.input
    H, W = rgb.shape[:2]
    # shrinking averages (like the reference processors' anti-aliased resize); growing interpolates
    how = cv2.INTER_AREA if w < W and h < H else cv2.INTER_LINEAR
    x = cv2.resize(np.ascontiguousarray(rgb[..., :3]), (w, h), interpolation=how).astype(np.float32)
    x *= float(inp.get("scale", 1 / 255))
    x -= np.asarray(inp.get("mean", (0.0, 0.0, 0.0)), np.float32)
    x /= np.asarray(inp.get("std", (1.0, 1.0, 1.0)), np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def class_scores(outputs: dict[str, np.ndarray], spec: models.ModelSpec) -> np.ndarray:
    """C x h x w scores (higher wins) from the model's raw outputs, per the entry's head."""
    names = spec.output if isinstance(spec.output, list) else [spec.output]
    values = [outputs[n] if n in outputs else list(outputs.values())[i] for i, n in enumerate(names)]
    if spec.head == "segformer":
        return np.asarray(values[0], np.float32)[0]
    if spec.head == "maskformer":  # semantic inference of MaskFormer: sum over queries of p(class) * p(mask)
        cls, masks = np.asarray(values[0], np.float32)[0], np.asarray(values[1], np.float32)[0]
        probs = _softmax(cls, -1)[:, :-1]  # the last class is "no object"
        return np.einsum("qc,qhw->chw", probs, 1 / (1 + np.exp(-masks)), optimize=True)
    raise ValueError(f"model {spec.name!r}: unknown head {spec.head!r}")


def labels_from_scores(scores: np.ndarray, names: list[str | None], size: tuple[int, int], min_share: float,
                       source: str, work_side: int = 512) -> LabelMap:
    """Argmax of the present classes' scores upsampled to the picture (`size` = (w, h)), named."""
    import cv2

    W, H = size
    present = np.unique(scores.argmax(0))
    scale = min(1.0, work_side / max(W, H))
    w, h = max(1, round(W * scale)), max(1, round(H * scale))
    best = np.full((h, w), -np.inf, np.float32)
    index = np.zeros((h, w), np.int32)
    for c in present:  # a running max: argmax over a stacked C x h x w array is several times slower
        up = cv2.resize(scores[c], (w, h), interpolation=cv2.INTER_LINEAR)
        better = up > best
        best[better] = up[better]
        index[better] = c
    if (w, h) != (W, H):
        index = cv2.resize(index.astype(np.float32), (W, H), interpolation=cv2.INTER_NEAREST).astype(np.int32)
    masks: dict[str, np.ndarray] = {}
    for c in present:
        name = names[c] if c < len(names) else None
        if name is None:
            continue
        hit = index == c
        masks[name] = masks[name] | hit if name in masks else hit
    return LabelMap(W, H, masks, source=source).drop_empty(min_share)


class OnnxModel:
    """A catalogued ONNX model: its entry, its onnxruntime session (CPU, created once, on first use,
    after `models.ensure_files` fetched the files) and whether it can be had now."""

    model: ClassVar[str] = ""

    def __init__(self, settings: Settings | None = None, spec: models.ModelSpec | None = None,
                 progress: ProgressFn | None = None, allow_download: bool | None = None) -> None:
        self.settings = settings
        self.spec = spec or models.spec(self.model)
        self.progress = progress
        # Built without settings (the old registry path) a model never downloads: only callers that know
        # the user's settings (the combining chain, grounding) may fetch one.
        self.allow_download = settings is not None if allow_download is None else allow_download
        self.files: dict[str, Any] = {}
        self._session: Any = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, progress: ProgressFn | None = None) -> Any:
        return cls(settings, progress=progress)

    def available(self) -> tuple[bool, str]:
        try:
            import onnxruntime  # noqa: F401
        except Exception as exc:  # noqa: BLE001 - ImportError or a broken install
            return False, f"onnxruntime cannot be imported: {exc}"
        if getattr(self.settings, "commercial_models_only", False) and not self.spec.commercial:
            return False, (f"{models.short_title(self.spec)} is not known to allow commercial use (turn off "
                           "Only models that allow commercial use to use it)")
        if self._session is not None:
            return True, ""
        error = self.missing()
        return (False, error.message) if error else (True, "")

    def missing(self) -> models.ModelUnavailable | None:
        """Why the model cannot be used without trying a download (failed before, downloads off)."""
        return models.missing_error(self.spec, self.settings, self.allow_download)

    def load(self) -> Any:
        """The onnxruntime session, created once (downloading the model first if needed and allowed)."""
        with self._lock:
            if self._session is None:
                import onnxruntime as ort

                if not self.allow_download and not models.is_present(self.spec, self.settings):
                    raise self.missing() or models.ModelUnavailable(f"{self.spec.title} is not downloaded")
                self.files = models.ensure_files(self.spec, self.progress, self.settings)
                opts = ort.SessionOptions()
                opts.log_severity_level = 3
                # Threads that wait without spinning: the chain runs models side by side, and spinning
                # threads of one session would take the cores the other one computes on.
                opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
                self._session = ort.InferenceSession(str(self.files["model"]), opts, providers=["CPUExecutionProvider"])
            return self._session

    def run(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        session = self.load()
        names = [o.name for o in session.get_outputs()]
        return dict(zip(names, session.run(None, feeds), strict=True))


class OnnxSegmenter(OnnxModel, Segmenter):
    """A catalogued segmentation model. `model` names its entry; `kind` is its part in combining
    (`scene`: objects and stuff; `parsing`: person parts, run inside each person)."""

    name: ClassVar[str] = ""
    kind: ClassVar[str] = "scene"
    work_side: ClassVar[int] = 512  # the argmax runs at most at this size, then the labels are scaled up

    def segment(self, image: np.ndarray) -> LabelMap:
        rgb = np.asarray(image)
        if rgb.ndim == 2:
            rgb = np.repeat(rgb[..., None], 3, axis=2)
        H, W = rgb.shape[:2]
        session = self.load()
        x = preprocess(rgb, self.spec)
        outputs = self.run({session.get_inputs()[0].name: x})
        scores = class_scores(outputs, self.spec)
        return labels_from_scores(scores, self.spec.label_names(), (W, H), self.spec.min_share, self.name,
                                  self.work_side)


class SegformerADE20K(OnnxSegmenter):
    name: ClassVar[str] = "segformer_ade20k"
    model: ClassVar[str] = "segformer_ade20k"


class MaskformerCOCO(OnnxSegmenter):
    name: ClassVar[str] = "maskformer_coco"
    model: ClassVar[str] = "maskformer_coco"
