"""Removal speed per megapixel: LaMa (ONNX) and cv2.inpaint, as ratios to a same-run baseline.

The baseline is one `cv2.GaussianBlur` (sigma 5) of the same picture in the same run, as in
bench/core.py. Without `--model` LaMa's place is taken by the tiny stand-in of the tests (same inputs
and output, almost no compute), which measures our pre- and post-processing alone: crop, resize,
tensors, paste back. With `--model lama.onnx` (the downloaded file) it measures the real model.

    .venv/bin/python bench/remove.py [--size 1024] [--repeat 3] [--model PATH]
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
sys.path.insert(0, str(ROOT / "tests" / "executors"))

from timing import timed  # noqa: E402  (bench/, this script's folder)

from lib_imgedit.executors import lama  # noqa: E402
from lib_imgedit.executors.local import remove_small  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1024, help="the astronaut is resized to size x size")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model", default=None, help="a LaMa .onnx file (default: the tiny stand-in)")
    args = parser.parse_args()
    from skimage import data

    img = cv2.resize(data.astronaut(), (args.size, args.size), interpolation=cv2.INTER_CUBIC)
    mp = img.shape[0] * img.shape[1] / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        if args.model:
            path, which = args.model, Path(args.model).name
        else:
            from lama_stand_in import build_mean_fill_model

            path, which = build_mean_fill_model(Path(tmp) / "stand_in.onnx"), "tiny stand-in"
        model = lama.load(path)
        base = timed(lambda: cv2.GaussianBlur(img, (0, 0), 5), args.repeat)
        rows = []
        for name, share in (("small", 0.02), ("large", 0.25)):
            side = int(args.size * share**0.5)
            region = np.zeros(img.shape[:2], bool)
            region[args.size // 3:args.size // 3 + side, args.size // 4:args.size // 4 + side] = True
            rows.append((f"LaMa fill ({which}), {name} area ({share:.0%})", timed(lambda r=region: lama.fill(img, r, model), args.repeat)))
            rows.append((f"cv2.inpaint, {name} area ({share:.0%})", timed(lambda r=region: remove_small(img, r), args.repeat)))
    print(f"{args.size}x{args.size}, baseline cv2.GaussianBlur sigma 5: {base / mp * 1000:.1f} ms/MP")
    print("| step | ms per MP | x baseline |\n|---|---:|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds / mp * 1000:.0f} | {seconds / base:.1f} |")


if __name__ == "__main__":
    main()
