"""Segmentation speed: each segmenter per megapixel, as a ratio against a baseline measured in the same
run on the same image (one `cv2.GaussianBlur` with sigma 5).

The ONNX segmenters run with tiny stand-in models (the ones the tests build: same inputs and outputs
as the real ones, with the real class counts), and this code's pre- and post-processing around the
model is timed on its own; the real downloaded models are timed too when they are already on disk
(nothing is downloaded here).

    .venv/bin/python bench/segment.py [--size 1024] [--repeat 3] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "segment"))

from timing import timed  # noqa: E402  (bench/, this script's folder)
from tiny_onnx import clipseg_like, maskformer_like, segformer_like, tokenizer_json  # noqa: E402

from lib_imgedit import models  # noqa: E402
from lib_imgedit.core.config import load_settings  # noqa: E402
from lib_imgedit.segment import build_segmenter, create_segmenter  # noqa: E402
from lib_imgedit.segment.grounding import ClipSegGrounder  # noqa: E402
from lib_imgedit.segment.onnx_semantic import OnnxSegmenter, class_scores, labels_from_scores, preprocess  # noqa: E402


def tiny_specs(folder: Path) -> dict[str, models.ModelSpec]:
    """Stand-ins for the catalogue's models, with the real entries' input sizes and class counts."""
    out = {}
    for name in ("segformer_ade20k", "maskformer_coco", "human_parsing", "clipseg"):
        real = models.spec(name)
        data = {
            "kind": real.kind, "head": real.head, "title": f"tiny {name}", "repo": f"bench/{name}", "revision": "d" * 40,
            "files": [{"role": f.role, "path": f.path} for f in real.files], "licence": "bench", "input": real.input,
            "output": real.output, "labels": list(real.labels), "vocabulary": real.vocabulary, "min_share": real.min_share,
        }  # fmt: skip
        out[name] = spec = models.parse_spec(name, data)
        path = folder / name / spec.file("model").path
        n = len(real.labels)
        if real.head == "segformer":
            segformer_like(path, np.random.default_rng(0).normal(size=(n, 3)))
        elif real.head == "maskformer":
            maskformer_like(path, np.random.default_rng(0).normal(size=(3, n + 1)))
        else:
            clipseg_like(path, np.eye(6, 3) * 6, size=real.input_size[0])
            tokenizer_json(folder / name / "tokenizer.json", ["red", "green", "blue"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1024, help="the astronaut is resized to size x size")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data-dir", default=None, help="where real models may already be (default: the usual data dir)")
    args = parser.parse_args()
    from skimage import data

    img = cv2.resize(data.astronaut(), (args.size, args.size), interpolation=cv2.INTER_CUBIC)
    mp = img.shape[0] * img.shape[1] / 1e6
    base = timed(lambda: cv2.GaussianBlur(img, (0, 0), 5), args.repeat)
    rows: list[tuple[str, float]] = []

    with tempfile.TemporaryDirectory() as tmp:
        tiny = load_settings(Path(tmp) / "data", {"models_offline": True}, env={})
        specs = tiny_specs(models.models_dir(tiny))
        for name in ("segformer_ade20k", "maskformer_coco", "human_parsing"):
            seg = OnnxSegmenter(tiny, specs[name])
            rows.append((f"{name} (tiny stand-in model)", timed(lambda seg=seg: seg.segment(img), args.repeat)))
            outputs = seg.run({seg.load().get_inputs()[0].name: preprocess(img, seg.spec)})

            def around(seg: OnnxSegmenter = seg, outputs: dict = outputs) -> object:
                preprocess(img, seg.spec)
                scores = class_scores(outputs, seg.spec)
                return labels_from_scores(scores, seg.spec.label_names(), (img.shape[1], img.shape[0]),
                                          seg.spec.min_share, seg.spec.name)

            rows.append((f"{name}: pre- and post-processing only", timed(around, args.repeat)))
        grounder = ClipSegGrounder(tiny, specs["clipseg"], threshold=0.5)
        rows.append(("clipseg ground (tiny stand-in)", timed(lambda: grounder.ground(img, "red"), args.repeat)))

        mediapipe = create_segmenter("mediapipe")
        if mediapipe is not None and mediapipe.available()[0]:
            rows.append(("mediapipe (all labels)", timed(lambda: mediapipe.segment(img), args.repeat)))
            for name, spec in specs.items():
                models.catalog()[name] = spec  # the chain looks models up by name: point it at the stand-ins
            chain = build_segmenter(tiny.update({"segmenters": "segformer_ade20k,human_parsing,mediapipe"}))
            rows.append(("chain: scene + people + parsing on the person crop (tiny models)",
                         timed(lambda: chain.segment(img), args.repeat)))
            models.catalog.cache_clear()

    real = load_settings(args.data_dir, {"models_offline": True})
    for name in ("segformer_ade20k", "maskformer_coco", "human_parsing"):
        if models.is_present(name, real):
            seg = create_segmenter(name, real)
            rows.append((f"{name} (real model)", timed(lambda seg=seg: seg.segment(img), args.repeat)))
    if models.is_present("clipseg", real):
        grounder = ClipSegGrounder(real)
        rows.append(("clipseg ground (real model)", timed(lambda: grounder.ground(img, "a face"), args.repeat)))

    print(f"image {img.shape[1]}x{img.shape[0]} ({mp:.2f} MP); baseline cv2.GaussianBlur(sigma=5): "
          f"{base * 1000 / mp:.2f} ms/MP\n")
    print("| segmenter | ms per MP | x baseline |")
    print("|---|---:|---:|")
    for name, sec in rows:
        print(f"| {name} | {sec * 1000 / mp:.1f} | {sec / base:.1f} |")
    if not any("real model" in name for name, _ in rows):
        print(f"\nno real model on disk in {models.models_dir(real)}: only the stand-ins were timed")


if __name__ == "__main__":
    main()
