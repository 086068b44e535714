"""Core speed: segmentation, mask building, each local operation, and the offline planner.

Times are per megapixel and printed as ratios against a baseline measured in the same run on the
same image (one `cv2.GaussianBlur` with sigma 5), so the table compares across machines.

    .venv/bin/python bench/core.py [--size 1024] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timing import timed  # noqa: E402  (bench/, this script's folder)

from lib_imgedit.core.config import load_rules, load_settings  # noqa: E402
from lib_imgedit.core.instruction import validate_instruction  # noqa: E402
from lib_imgedit.core.masks import build_mask  # noqa: E402
from lib_imgedit.executors import EditRequest  # noqa: E402
from lib_imgedit.executors.local import LocalExecutor  # noqa: E402
from lib_imgedit.planner.base import PlanContext  # noqa: E402
from lib_imgedit.planner.offline import OfflinePlanner  # noqa: E402
from lib_imgedit.segment.mediapipe_seg import MediaPipeSegmenter  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1024, help="the astronaut is resized to size x size")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from skimage import data

    img = cv2.resize(data.astronaut(), (args.size, args.size), interpolation=cv2.INTER_CUBIC)
    mp = img.shape[0] * img.shape[1] / 1e6
    rules = load_rules()
    settings = load_settings("/nonexistent-imgedit-bench", env={})
    base = timed(lambda: cv2.GaussianBlur(img, (0, 0), 5), args.repeat)
    rows: list[tuple[str, float]] = []

    seg = MediaPipeSegmenter()
    labels = seg.segment(img)
    rows.append(("segment (mediapipe, all labels)", timed(lambda: seg.segment(img), args.repeat)))

    def instr(data: dict) -> object:
        return validate_instruction(data, rules, labels.names)

    hair = instr({"operation": "recolor", "targets": ["hair"], "color": "red"})
    rows.append(("build mask (hair: rules + feather)", timed(lambda: build_mask(labels, hair, rules), args.repeat)))
    bg = instr({"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}})
    rows.append(("build mask (background)", timed(lambda: build_mask(labels, bg, rules), args.repeat)))

    ex = LocalExecutor(settings, rules)
    ops = {
        "brightness": {"operation": "adjust", "adjust": {"brightness": 0.3}},
        "contrast": {"operation": "adjust", "adjust": {"contrast": 0.3}},
        "saturation": {"operation": "adjust", "adjust": {"saturation": 0.3}},
        "warmth": {"operation": "adjust", "adjust": {"warmth": 0.3}},
        "blur (background, normalised)": {"operation": "adjust", "targets": ["background"], "adjust": {"blur": 0.5}},
        "sharpen": {"operation": "adjust", "adjust": {"sharpen": 0.5}},
        "pixelate (face)": {"operation": "adjust", "targets": ["face"], "adjust": {"pixelate": 0.5}},
        "grayscale": {"operation": "adjust", "adjust": {"grayscale": True}},
        "stylize watercolor": {"operation": "adjust", "adjust": {"stylize": "watercolor"}},
        "stylize cartoon": {"operation": "adjust", "adjust": {"stylize": "cartoon"}},
        "recolor (hair, LAB)": {"operation": "recolor", "targets": ["hair"], "color": "red"},
        "remove (small, cv2.inpaint)": {"operation": "remove", "targets": ["eyes"]},
    }
    for op_name, op in ops.items():
        if any(t not in labels.names for t in op.get("targets", [])):
            continue
        i = instr(op)
        mask = build_mask(labels, i, rules)
        req = EditRequest(img, mask, i, settings, rules, labels)
        rows.append((f"local {op_name}", timed(lambda req=req: ex.run(req), args.repeat)))

    planner = OfflinePlanner(rules)
    cases = [json.loads(line) for line in (ROOT / "tests/data/devset_planner.jsonl").read_text("utf-8").splitlines() if line.strip()]

    def plan_all() -> None:
        for c in cases:
            planner.plan(PlanContext(text=c["instruction"], labels=c["labels"]))

    plan_s = timed(plan_all, args.repeat) / len(cases)

    print(f"image {img.shape[1]}x{img.shape[0]} ({mp:.2f} MP); baseline cv2.GaussianBlur(sigma=5): "
          f"{base * 1000 / mp:.2f} ms/MP\n")
    print("| step | ms per MP | x baseline |")
    print("|---|---:|---:|")
    for name, sec in rows:
        print(f"| {name} | {sec * 1000 / mp:.1f} | {sec / base:.1f} |")
    print(f"\noffline planner: {1 / plan_s:,.0f} requests/s ({plan_s * 1e6:.0f} us each, "
          f"{plan_s / base:.3f} x one baseline blur)")


if __name__ == "__main__":
    main()
