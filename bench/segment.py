"""Segmentation speed: each segmenter per megapixel, as a ratio against a baseline measured in the same
run on the same image (one `cv2.GaussianBlur` with sigma 5).

The ONNX segmenters run with tiny stand-in models (the ones the tests build: same inputs and outputs
as the real ones, with the real class counts), and this code's pre- and post-processing around the
model is timed on its own; the real downloaded models are timed too when they are already on disk
(nothing is downloaded here).

    .venv/bin/python bench/segment.py [--size 1024] [--repeat 3] [--data-dir DIR]

`--real-size DIR` times the upload's labelling with the catalog's architectures at their real sizes
(random weights, exported by bench/export_random_models.py with torch and transformers, which are not
dependencies: `--exporter` names a Python that has them) on a 1 MP photo, as a ratio to one 21x21
Gaussian blur, with the chain run one kind after the other (before) and side by side (after).

Both modes also time an upload through the service (`EditService.upload`, SQLite store) as a ratio to
one 21x21 Gaussian blur of the same picture: with every label read before it answers (the
`labels_in_background` setting off: before), and with the fast segmenters' labels first (after): the
time to that first answer, and to all labels in (stored on the picture with their message).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "segment"))

from timing import timed  # noqa: E402  (bench/, this script's folder)
from tiny_onnx import clipseg_like, maskformer_like, segformer_like, tokenizer_json  # noqa: E402

from lib_imgedit import models  # noqa: E402
from lib_imgedit.core.config import Settings, load_settings  # noqa: E402
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
    parser.add_argument("--real-size", default=None, metavar="DIR",
                        help="time the chain with the real-size random-weight models in DIR (bench/export_random_models.py "
                             "writes them; run here when torch and transformers are importable, else give --exporter)")
    parser.add_argument("--exporter", default=sys.executable, help="a Python with torch and transformers for the export")
    args = parser.parse_args()
    if args.real_size:
        real_size(Path(args.real_size), args.exporter, args.repeat)
        return
    from skimage import data

    img = cv2.resize(data.astronaut(), (args.size, args.size), interpolation=cv2.INTER_CUBIC)
    mp = img.shape[0] * img.shape[1] / 1e6
    base = timed(lambda: cv2.GaussianBlur(img, (0, 0), 5), args.repeat)
    blur21 = timed(lambda: cv2.GaussianBlur(img, (21, 21), 0), max(args.repeat, 10))  # the upload table's baseline
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
            tiny = tiny.update({"commercial_models_only": False})  # the stand-ins have no licence to check
            chain = build_segmenter(tiny.update({"segmenters": "segformer_ade20k,human_parsing,mediapipe"}))
            rows.append(("chain: scene + people + parsing on the person crop (tiny models)",
                         timed(lambda: chain.segment(img), args.repeat)))
            uploads = upload_rows(tiny, "segformer_ade20k,human_parsing,mediapipe", img, max(args.repeat, 5))
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
    if mediapipe is not None and mediapipe.available()[0]:
        print_uploads(uploads, blur21, img, "tiny stand-in models")


def upload_rows(settings: Settings, order: str, img: np.ndarray, repeat: int) -> list[tuple[str, float]]:
    """An upload through the service, the median of `repeat` after one that loads the models: every label
    before the answer (labels_in_background off: before), and with the slower segmenters read in the
    background (after) the first answer and all labels in (stored, with their message). The two services
    take turns, so a busy moment of the machine falls on both."""
    from lib_imgedit.core.images import encode_png
    from lib_imgedit.engine.service import EditService

    png = encode_png(img)
    services = {background: EditService(settings.update({
        "segmenters": order, "labels_in_background": background, "suggestions": False, "turns_per_minute": 10000,
        "sessions_per_client": 100000})) for background in (False, True)}  # fmt: skip
    first: dict[bool, list[float]] = {False: [], True: []}
    every: list[float] = []
    for _ in range(repeat + 1):
        for background, service in services.items():
            sid = service.create_session("bench").id
            start = time.perf_counter()
            service.upload(sid, "bench", png)
            first[background].append(time.perf_counter() - start)
            while service.labels_pending(service.store.get_session(sid)):
                time.sleep(0.01)
            if background:
                every.append(time.perf_counter() - start)
    for service in services.values():
        service.background.close()
    return [("every label before answering (before)", statistics.median(first[False][1:])),
            ("labels in the background (after): the first answer", statistics.median(first[True][1:])),
            ("labels in the background (after): all labels in", statistics.median(every[1:]))]


def print_uploads(rows: list[tuple[str, float]], base: float, img: np.ndarray, what: str) -> None:
    import os

    print(f"\nan upload through the service, {what}, {img.shape[1]}x{img.shape[0]} picture, {os.cpu_count()} CPUs; "
          f"baseline one 21x21 GaussianBlur: {base * 1000:.1f} ms\n")
    print("| upload | ms | x baseline |")
    print("|---|---:|---:|")
    for name, sec in rows:
        print(f"| {name} | {sec * 1000:.0f} | {sec / base:.0f} |")


def real_size(folder: Path, exporter: str, repeat: int) -> None:
    """The upload's labelling with models of the real sizes (random weights) on a 1 MP photo, as a ratio
    to one 21x21 Gaussian blur of it: each model alone, then the chain run one kind after the other
    (before) and side by side (after), in this one run."""
    import os
    import subprocess

    from lib_imgedit.segment.combine import SegmenterChain

    subprocess.run([exporter, str(ROOT / "bench" / "export_random_models.py"), str(folder)], check=True)
    if not (folder / "clipseg" / "tokenizer.json").is_file():  # a small word-level stand-in: the model's time is what counts
        tokenizer_json(folder / "clipseg" / "tokenizer.json", ["a", "face", "cup"])
    from skimage import data

    img = cv2.resize(data.astronaut(), (1000, 1000), interpolation=cv2.INTER_CUBIC)
    base = timed(lambda: cv2.GaussianBlur(img, (21, 21), 0), max(repeat, 10))
    settings = load_settings(tempfile.mkdtemp(), {"models_offline": True, "models_dir": str(folder)}, env={})
    for name, real in list(models.catalog().items()):
        if real.kind != "inpaint":  # the same entry, checked as found (random weights: no sha256 to match)
            data_ = {"kind": real.kind, "head": real.head, "title": real.title, "repo": real.repo, "revision": real.revision,
                     "files": [{"role": f.role, "path": f.path} for f in real.files], "licence": real.licence, "commercial": True,
                     "input": real.input, "output": real.output, "labels": list(real.labels), "vocabulary": real.vocabulary,
                     "min_share": real.min_share}  # fmt: skip
            models.catalog()[name] = models.parse_spec(name, data_)
    rows = []
    for name in ("segformer_ade20k", "maskformer_coco"):
        seg = create_segmenter(name, settings)
        rows.append((f"{name} alone", timed(lambda seg=seg: seg.segment(img), repeat)))
    order = "maskformer_coco,human_parsing,mediapipe"
    chain = build_segmenter(settings.update({"segmenters": order}))
    labels = chain.segment(img)
    person = labels.masks.get("person")
    parser = chain.member("human_parsing")
    if person is not None and parser is not None:
        from lib_imgedit.segment.combine import parse_people

        rows.append(("human_parsing on the person's box", timed(lambda: parse_people(parser, img, person, chain.rules), repeat)))
        rows.append(("human_parsing on the whole picture", timed(lambda: parser.segment(img), repeat)))
    rows.append(("mediapipe (all labels)", timed(lambda: chain.member("mediapipe").segment(img), repeat)))
    SegmenterChain.parallel = False
    rows.append((f"chain {order}, one after the other (before)", timed(lambda: chain.segment(img), repeat)))
    SegmenterChain.parallel = True
    rows.append((f"chain {order}, side by side (after)", timed(lambda: chain.segment(img), repeat)))
    grounder = ClipSegGrounder(settings, models.spec("clipseg"))
    if models.is_present("clipseg", settings):
        rows.append(("clipseg ground (asked for by name)", timed(lambda: grounder.ground(img, "a face"), repeat)))
    uploads = upload_rows(settings, order, img, max(repeat, 5))
    print(f"1000x1000 picture, {os.cpu_count()} CPUs; baseline one 21x21 GaussianBlur: {base * 1000:.1f} ms; "
          f"labels found: {', '.join(labels.names)}\n")
    print("| step | ms | x baseline |")
    print("|---|---:|---:|")
    for name, sec in rows:
        print(f"| {name} | {sec * 1000:.0f} | {sec / base:.0f} |")
    print_uploads(uploads, base, img, f"chain {order}, real-size models")


if __name__ == "__main__":
    main()
