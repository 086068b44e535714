"""MediaPipeSegmenter on the photographs shipped in the scikit-image and matplotlib wheels."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from lib_imgedit.core.labels import LabelMap
from lib_imgedit.segment.mediapipe.faces import chain as _chain
from lib_imgedit.segment.mediapipe_seg import MediaPipeSegmenter

cv2 = pytest.importorskip("cv2")
if not MediaPipeSegmenter().available()[0]:
    pytest.skip("mediapipe 0.10.x with legacy solutions is not installed", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seg() -> Iterator[MediaPipeSegmenter]:
    s = MediaPipeSegmenter()
    yield s
    s.close()


@pytest.fixture(scope="module")
def astro_img() -> np.ndarray:
    from skimage import data

    return data.astronaut()


@pytest.fixture(scope="module")
def grace_img() -> np.ndarray:
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"
    return cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)


@pytest.fixture(scope="module")
def astro(seg, astro_img) -> LabelMap:
    return seg.segment(astro_img)


@pytest.fixture(scope="module")
def grace(seg, grace_img) -> LabelMap:
    return seg.segment(grace_img)


def _dilate(mask: np.ndarray, px: int) -> np.ndarray:
    return cv2.dilate(mask.astype(np.uint8), np.ones((2 * px + 1, 2 * px + 1), np.uint8)).astype(bool)


def _frac(part: np.ndarray, whole: np.ndarray) -> float:
    return float((part & whole).sum() / max(1, part.sum()))


def _check_partition(lm: LabelMap, h: int, w: int) -> None:
    assert (lm.width, lm.height) == (w, h)
    for name, m in lm.masks.items():
        assert m.shape == (h, w) and m.dtype == bool, name
    # person, subject (salient, unconfirmed) and background partition the picture.
    person, subject, background = (lm.masks.get(n, np.zeros((h, w), bool)) for n in ("person", "subject", "background"))
    assert not (person & background).any() and not (subject & (person | background)).any()
    assert (person | subject | background).all()


def _check_portrait(lm: LabelMap, img: np.ndarray) -> None:
    h, w = img.shape[:2]
    _check_partition(lm, h, w)
    m = lm.masks
    for name in ("person", "background", "face", "eyes", "lips", "skin", "clothes"):
        assert name in m, f"{name} missing from {lm.names}"
    assert len(lm.faces) == 1
    x0, y0, x1, y1 = lm.faces[0]
    assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
    face = m["face"]
    assert _frac(face, m["person"]) > 0.9
    near_face = _dilate(face, 5)
    for part in ("eyes", "eyebrows", "nose", "lips"):
        assert _frac(m[part], near_face) > 0.98, part
    assert not (m["lips"] & m.get("mouth", np.zeros_like(face))).any()
    # Face-box overlaps: the face mask is the filled oval that the box bounds.
    ys, xs = np.nonzero(face)
    assert abs(xs.min() - x0) <= 2 and abs(ys.max() - y1) <= 2
    # Hair sits around the face (head zone), mostly outside the face oval.
    fw, fh = x1 - x0, y1 - y0
    zone = np.zeros_like(face)
    zone[max(0, y0 - fh) : y1 + fh, max(0, x0 - fw) : x1 + fw] = True
    hair = m.get("hair", np.zeros_like(face))  # none when unsure (a cap hides it)
    if hair.any():
        assert _frac(hair, zone) > 0.95
        assert _frac(hair, face) < 0.2
        assert _frac(hair, m["person"]) == 1.0
    # Skin covers most of the face and never overlaps hair or the eyes; clothes hang below the chin.
    assert _frac(face, m["skin"]) > 0.6
    assert not (m["skin"] & (hair | m["eyes"] | m["lips"])).any()
    assert not (m["clothes"] & (hair | m["skin"] | face)).any()
    assert (np.nonzero(m["clothes"])[0] >= y1 - 5).mean() > 0.95
    assert _frac(m["clothes"], m["person"]) == 1.0


def test_astronaut_labels(astro, astro_img):
    _check_portrait(astro, astro_img)
    assert astro.source == "mediapipe"
    assert 0.4 < astro.share("person") < 0.7
    # Her hair is brown and well separated from the background: most of it above the face box.
    hair_rows = np.nonzero(astro.masks["hair"])[0]
    assert astro.share("hair") > 0.02
    assert (hair_rows < astro.faces[0][1]).mean() > 0.3
    assert astro.faces[0] == pytest.approx((179, 71, 271, 178), abs=6)


def test_grace_hopper_labels(grace, grace_img):
    _check_portrait(grace, grace_img)
    # Her cap differs from the grey hair at her temples: it must not become hair.
    assert grace.masks.get("hair", np.zeros((600, 512), bool))[20:120, 150:370].mean() < 0.05
    # Glasses sit on the eyes: eyes are still found where the mesh puts them.
    assert grace.share("eyes") > 0.001


def test_deterministic(seg, astro, astro_img, grace, grace_img):
    assert seg.segment(astro_img).to_bytes() == astro.to_bytes()
    assert MediaPipeSegmenter().segment(grace_img).to_bytes() == grace.to_bytes()


def test_two_faces_sorted_left_to_right(seg, astro_img):
    img = np.hstack([astro_img, astro_img])
    lm = seg.segment(img)
    _check_partition(lm, 512, 1024)
    assert len(lm.faces) == 2
    (a, _, a1, _), (b, _, b1, _) = lm.faces
    assert a1 <= 512 <= b and a < b
    # Two people: person 1 on the left copy, person 2 on the right, together exactly `person`.
    p1, p2 = lm.masks["person 1"], lm.masks["person 2"]
    assert _frac(p1, np.arange(1024) < 512) > 0.95 and _frac(p2, np.arange(1024) >= 512) > 0.95
    assert not (p1 & p2).any() and ((p1 | p2) == lm.masks["person"]).all()
    # Both copies get their hair and face parts.
    for lo, hi in ((0, 512), (512, 1024)):
        assert lm.masks["hair"][:, lo:hi].sum() > 2000
        assert lm.masks["eyes"][:, lo:hi].sum() > 50


def test_small_faces_in_a_group_photo(seg, astro_img):
    # Four people side by side, faces ~4.5% of the width: below what the mesh and the whole-image
    # detector see, found through the detector's tiles and meshed on a crop.
    small = cv2.resize(astro_img, (256, 256), interpolation=cv2.INTER_AREA)
    img = np.full((512, 1024, 3), 128, np.uint8)
    for i in range(4):
        img[128:384, 256 * i : 256 * (i + 1)] = small
    lm = seg.segment(img)
    assert len(lm.faces) == 4
    assert [f[0] // 256 for f in lm.faces] == [0, 1, 2, 3]
    assert "hair" in lm.masks and "face" in lm.masks
    assert _frac(lm.masks["face"], lm.masks["person"]) > 0.9


def test_large_image_masks_keep_full_size(seg, astro_img):
    big = cv2.resize(astro_img, (1600, 1536), interpolation=cv2.INTER_CUBIC)
    lm = seg.segment(big)
    _check_partition(lm, 1536, 1600)
    assert len(lm.faces) == 1
    x0, y0, x1, y1 = lm.faces[0]
    assert x0 == pytest.approx(179 * 1600 / 512, abs=25) and y1 == pytest.approx(178 * 3, abs=25)
    assert {"face", "hair", "eyes", "lips"} <= set(lm.names)


def test_small_work_side_resizes_back(astro_img):
    lm = MediaPipeSegmenter(work_side=300).segment(astro_img[:, :501])
    _check_partition(lm, 512, 501)
    assert len(lm.faces) == 1 and "face" in lm.names


@pytest.mark.parametrize("shape", [(8, 8, 3), (1, 1, 3), (3, 700, 3), (300, 400, 3)])
def test_tiny_and_noise_images_never_raise(seg, shape):
    img = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    lm = seg.segment(img)
    _check_partition(lm, shape[0], shape[1])
    assert lm.faces == []
    assert "face" not in lm.masks


def test_blank_image_is_all_background(seg):
    lm = seg.segment(np.zeros((64, 64, 3), np.uint8))
    assert lm.names == ["background"] and lm.masks["background"].all()


def test_gray_and_rgba_inputs(seg, astro_img, astro):
    gray = cv2.cvtColor(astro_img, cv2.COLOR_RGB2GRAY)
    lm = seg.segment(gray)
    _check_partition(lm, 512, 512)
    assert len(lm.faces) == 1
    # No colour: skin is the face's own skin, not every grey pixel of the person.
    assert lm.share("skin") < 1.2 * lm.share("face")
    rgba = np.dstack([astro_img, np.full((512, 512), 255, np.uint8)])
    assert seg.segment(rgba).to_bytes() == astro.to_bytes()


@pytest.mark.parametrize(
    "bad", [np.zeros((10, 10, 3), np.float32), np.zeros((10, 10, 2), np.uint8), np.zeros((0, 5, 3), np.uint8)]
)
def test_invalid_images_raise_value_error(seg, bad):
    with pytest.raises(ValueError):
        seg.segment(bad)


def test_concurrent_calls_share_one_instance(seg, astro_img, astro):
    img2 = np.ascontiguousarray(astro_img[:, ::-1])
    expected2 = seg.segment(img2).to_bytes()
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            results[i] = seg.segment(astro_img if i % 2 == 0 else img2).to_bytes()
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for i, data in results.items():
        assert data == (astro.to_bytes() if i % 2 == 0 else expected2)


def test_import_is_cheap_and_unavailable_is_reported(monkeypatch):
    code = "import sys, lib_imgedit.segment.mediapipe_seg; print('mediapipe' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    monkeypatch.setitem(sys.modules, "mediapipe", None)  # makes `import mediapipe` raise ImportError
    ok, why = MediaPipeSegmenter().available()
    assert not ok and "mediapipe" in why


def test_mesh_topology_chains_into_polygons():
    from mediapipe.python.solutions import face_mesh_connections as fmc

    oval = _chain(fmc.FACEMESH_FACE_OVAL)
    assert len(oval) == 1 and len(oval[0]) == 36
    lips = _chain(fmc.FACEMESH_LIPS)
    assert sorted(len(loop) for loop in lips) == [20, 20]
    brow = _chain(fmc.FACEMESH_LEFT_EYEBROW)
    assert sorted(len(path) for path in brow) == [5, 5]
    # Open paths start at an end point, so they come out whole.
    assert _chain(frozenset({(1, 2), (2, 3)})) == [[1, 2, 3]]
