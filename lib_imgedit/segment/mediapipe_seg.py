"""Offline segmenter built only from the models shipped inside the mediapipe 0.10.x wheel.

Models: legacy ``mp.solutions.selfie_segmentation`` (person vs background), ``face_mesh`` with
``refine_landmarks`` (478 points incl. irises) and ``face_detection`` (full range, to catch faces the
mesh's own short-range detector misses; those are re-meshed on an enlarged crop).

Labels and how far to trust them:

- ``person`` / ``background``: selfie segmentation thresholded at 0.5, opened/closed, small blobs
  dropped, face ovals added. ``background`` is exactly the complement. Good for portraits and
  half-body shots; the model is trained for selfies, so full-body shots, people far away and
  objects held in front of a person (helmets, instruments) are less reliable.
- ``face``, ``eyes`` (eye openings incl. irises), ``eyebrows``, ``nose``, ``lips`` (outer lip contour
  minus the inner mouth opening) and ``mouth`` (the opening: teeth/tongue, dropped when closed):
  filled polygons from the face mesh, drawn at full resolution. Accurate for frontal and
  three-quarter faces; the face oval stops at the upper forehead, not at the hairline, and ears are
  not part of it.
- ``hair``: a colour estimate, not a hair model. Seeds are taken inside ``person`` just outside the
  upper face oval (top of the head) and beside the temples, minus skin-coloured pixels; GrabCut
  (colour mixtures + smooth edges) grows them inside a head-and-shoulders zone around each face, and
  only what is connected to the seeds is kept. Good for visible hair that differs from skin and
  from the background (the astronaut: the whole hairdo, highlights included). It fails or degrades
  for bald or shaved heads (few seeds -> no hair, or a sliver of scalp/background), hats and
  headscarves (if the top of the head and the temples differ in hue the temples win, so a hat is
  usually left out -- Grace Hopper's cap is -- but a hat of hair-like colour, or one with no hair
  visible beside it, is labelled hair), blond hair close to skin tone (partly lost to skin), dark
  hair on dark clothes or a dark collar (leaks onto the shoulders, bounded by the zone) and hair
  colour close to a background the person mask leaked into. Hair hidden behind the face oval
  (bangs on the forehead are allowed; the oval below the brows is not) is never hair.
- ``skin``: pixels of ``person`` close in LAB to the skin sampled on the cheeks/forehead via the
  mesh, plus the face oval, minus hair, eyes, eyebrows, lips and mouth. Skin-coloured clothes or
  wooden props held by the person are labelled skin too.
- ``clothes``: ``person`` minus face, hair, skin and the head column above the chin, cleaned.
  It includes anything worn or held (bags, helmets, microphones).
- Without a face only ``person``/``background`` are produced; the face-relative labels need a face.
- Black-and-white photos: skin is only the face's own skin (a grey skin model would match all greys).

Faces: the mesh's own detector finds faces larger than ~12% of the image; the full-range detector,
run on the whole image and on 2x2 tiles, finds faces down to ~3-4% of the longest side, which are
then meshed on an enlarged crop (and get a person mask from a crop, since selfie segmentation sees
the whole image at 256x256 and drops small heads). Smaller faces are missed. ``LabelMap.faces`` holds
one box per face (mesh face ovals; detector boxes for confident faces the mesh could not fit).
Models run on a copy whose longest side is at most ``work_side`` (1024), masks are resized back; the
returned masks always have the input's height and width. Cost on 2 CPU cores: ~150 ms for a 512x512
portrait, more for several faces; GrabCut's share is capped so one face stays under ~0.3 s.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .base import LabelMap, Segmenter

# Landmarks around which the face's skin colour is sampled: cheeks, forehead, chin.
_SKIN_SAMPLE_POINTS = (50, 280, 205, 425, 101, 330, 151, 108, 337, 199)
# Upper face-oval landmarks (temple to temple over the forehead): hair seeds lie just outside them.
_TOP_OVAL_POINTS = (54, 103, 67, 109, 10, 338, 297, 332, 284)
# Oval landmarks beside the eyes and cheekbones: seeds beside the head, rarely covered by hats.
_SIDE_OVAL_POINTS = (127, 234, 93, 356, 454, 323)


@dataclass
class _Face:
    """One face in full-image pixel coordinates: mesh points (478x2) or only a detector box."""

    box: tuple[int, int, int, int]
    pts: np.ndarray | None = None


def _chain(edges: frozenset[tuple[int, int]]) -> list[list[int]]:
    """Order a set of mesh edges into paths (closed loops or open polylines), deterministically."""
    adj: dict[int, list[int]] = {}
    for a, b in edges:
        adj.setdefault(a, []).append(b)
        adj.setdefault(b, []).append(a)
    seen: set[int] = set()
    paths: list[list[int]] = []
    # Start open paths at an end point so they are not split in two.
    starts = sorted(n for n, nb in adj.items() if len(nb) == 1) + sorted(adj)
    for start in starts:
        if start in seen:
            continue
        path, prev, cur = [start], None, start
        seen.add(start)
        while True:
            nxt = [n for n in sorted(adj[cur]) if n != prev and n not in seen]
            if not nxt:
                break
            prev, cur = cur, nxt[0]
            seen.add(cur)
            path.append(cur)
        paths.append(path)
    return paths


@functools.lru_cache(maxsize=1)
def _topology() -> dict[str, Any]:
    """Landmark index lists for each face part, derived from mediapipe's edge sets once."""
    from mediapipe.python.solutions import face_mesh_connections as fmc

    lips = _chain(fmc.FACEMESH_LIPS)  # two loops: outer and inner contour
    nose = sorted({i for e in fmc.FACEMESH_NOSE for i in e})
    return {
        "oval": _chain(fmc.FACEMESH_FACE_OVAL)[0],
        "eyes": [_chain(fmc.FACEMESH_LEFT_EYE)[0], _chain(fmc.FACEMESH_RIGHT_EYE)[0]],
        "irises": [_chain(fmc.FACEMESH_LEFT_IRIS)[0], _chain(fmc.FACEMESH_RIGHT_IRIS)[0]],
        "brows": [_chain(fmc.FACEMESH_LEFT_EYEBROW), _chain(fmc.FACEMESH_RIGHT_EYEBROW)],
        "lips": lips,
        "nose": nose,
    }


def _odd(n: float) -> int:
    return max(3, int(round(n)) | 1)


def _kernel(size: int) -> np.ndarray:
    import cv2

    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


def _keep_components(mask: np.ndarray, min_area: float, rel: float = 0.0, keep: np.ndarray | None = None) -> np.ndarray:
    """Drop connected components smaller than `min_area` pixels or `rel` x the largest one, unless
    they touch `keep`."""
    import cv2

    n, lab, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n <= 1:
        return mask.astype(bool)
    areas = stats[1:, cv2.CC_STAT_AREA]
    limit = max(min_area, rel * float(areas.max()))
    good = np.zeros(n, bool)
    good[1:] = areas >= limit
    if keep is not None and keep.any():
        good[np.unique(lab[keep & (lab > 0)])] = True
    good[0] = False
    return good[lab]


def _fill_holes(mask: np.ndarray, max_area: float) -> np.ndarray:
    """Fill enclosed background components smaller than `max_area` pixels."""
    import cv2

    n, lab, stats, _ = cv2.connectedComponentsWithStats((~mask).astype(np.uint8), connectivity=4)
    if n <= 1:
        return mask
    border = np.unique(np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]]))
    fill = np.zeros(n, bool)
    fill[1:] = stats[1:, cv2.CC_STAT_AREA] < max_area
    fill[border] = False
    fill[0] = False
    return mask | fill[lab]


def _polygon(shape: tuple[int, int], pts: np.ndarray) -> np.ndarray:
    """Fill a polygon given in float pixel coordinates (sub-pixel precise via cv2's shift)."""
    import cv2

    out = np.zeros(shape, np.uint8)
    cv2.fillPoly(out, [np.round(pts * 16).astype(np.int32)], 1, lineType=cv2.LINE_8, shift=4)
    return out.astype(bool)


def _brow_polygon(paths: list[list[int]], pts: np.ndarray) -> np.ndarray:
    """The eyebrow is two open polylines (upper and lower edge); join them into one ring."""
    if len(paths) == 1:
        return pts[paths[0]]
    a, b = pts[paths[0]], pts[paths[1]]
    # Join the end of `a` to the nearer end of `b` so the ring does not cross itself.
    if np.linalg.norm(a[-1] - b[-1]) < np.linalg.norm(a[-1] - b[0]):
        b = b[::-1]
    return np.concatenate([a, b])


def _area(pts: np.ndarray) -> float:
    x, y = pts[:, 0], pts[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))


def _to_lab(rgb: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)


class _Gauss:
    """A LAB colour model: mean and regularised covariance; `dist` is the Mahalanobis distance."""

    def __init__(self, samples: np.ndarray, min_std: tuple[float, float, float]) -> None:
        self.mean = samples.mean(axis=0)
        cov = np.cov(samples.T) if len(samples) > 3 else np.zeros((3, 3))
        cov = cov + np.diag(np.square(min_std))
        self.inv = np.linalg.inv(cov)

    def dist(self, lab: np.ndarray) -> np.ndarray:
        d = lab.reshape(-1, 3) - self.mean
        m = ((d @ self.inv) * d).sum(axis=1)
        return np.sqrt(np.maximum(m, 0)).reshape(lab.shape[:-1])


def _robust(samples: np.ndarray) -> np.ndarray:
    """Drop highlights and deep shadows (outer 10% of lightness) before fitting a colour model."""
    if len(samples) < 20:
        return samples
    lo, hi = np.percentile(samples[:, 0], [10, 90])
    kept = samples[(samples[:, 0] >= lo) & (samples[:, 0] <= hi)]
    return kept if len(kept) >= 10 else samples


def _disc_mask(shape: tuple[int, int], centres: list[tuple[float, float]], radius: float) -> np.ndarray:
    import cv2

    out = np.zeros(shape, np.uint8)
    r = max(1, int(round(radius)))
    for x, y in centres:
        cv2.circle(out, (int(round(x)), int(round(y))), r, 1, -1)
    return out.astype(bool)


def _resize_mask(mask: np.ndarray, width: int, height: int) -> np.ndarray:
    """Upscale a boolean mask with linear interpolation + threshold, smoother than nearest."""
    import cv2

    if mask.shape == (height, width):
        return mask
    up = cv2.resize(mask.astype(np.uint8) * 255, (width, height), interpolation=cv2.INTER_LINEAR)
    return up >= 128


class MediaPipeSegmenter(Segmenter):
    """person/background, face parts, hair, skin and clothes from mediapipe's shipped models."""

    name: ClassVar[str] = "mediapipe"
    labels: ClassVar[tuple[str, ...]] = (
        "person", "background", "face", "eyes", "eyebrows", "nose", "lips", "mouth", "hair", "skin", "clothes",
    )  # fmt: skip

    def __init__(self, work_side: int = 1024, max_faces: int = 8, threshold: float = 0.5) -> None:
        self.work_side = int(work_side)
        self.max_faces = int(max_faces)
        self.threshold = float(threshold)
        # Graphs are created once per instance and are not thread-safe: every use holds the lock.
        self._lock = threading.Lock()
        self._graphs: dict[str, Any] | None = None

    # -- models -----------------------------------------------------------------------------------
    def available(self) -> tuple[bool, str]:
        try:
            import mediapipe as mp
        except Exception as exc:  # ImportError, or a broken protobuf/numpy combination
            return False, f"mediapipe cannot be imported: {exc}"
        if not hasattr(mp, "solutions"):
            return False, f"mediapipe {getattr(mp, '__version__', '?')} has no legacy solutions (use 0.10.x)"
        return True, ""

    def load(self) -> None:
        """Create the mediapipe graphs now (e.g. to warm up at start); `segment` does it on first use."""
        with self._lock:
            self._load()

    def _load(self) -> dict[str, Any]:
        """Create the mediapipe graphs once; call with the lock held."""
        if self._graphs is None:
            import mediapipe as mp

            sol = mp.solutions
            self._graphs = {
                "selfie": sol.selfie_segmentation.SelfieSegmentation(model_selection=0),
                "mesh": sol.face_mesh.FaceMesh(
                    static_image_mode=True,
                    max_num_faces=self.max_faces,
                    refine_landmarks=True,
                    min_detection_confidence=0.5,
                ),
                "detect": sol.face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.5),
            }
        return self._graphs

    def close(self) -> None:
        with self._lock:
            for graph in (self._graphs or {}).values():
                graph.close()
            self._graphs = None

    def _run_models(self, work: np.ndarray, full_wh: tuple[int, int]) -> tuple[np.ndarray, list[_Face]]:
        """Person probability (work size) and faces (full-size coordinates)."""
        import cv2

        h, w = work.shape[:2]
        W, H = full_wh
        to_full = np.array([W / w, H / h])
        with self._lock:
            graphs = self._load()
            prob = graphs["selfie"].process(work).segmentation_mask
            prob = np.zeros((h, w), np.float32) if prob is None else np.asarray(prob, np.float32).copy()
            found = graphs["mesh"].process(work).multi_face_landmarks or []
            faces = [_Face(_clip_box(_pts_box(p), W, H), p) for p in (_landmarks(lm) * [W, H] for lm in found)]
            for box, score in self._detect(graphs["detect"], work):
                fbox = (box[0] * to_full[0], box[1] * to_full[1], box[2] * to_full[0], box[3] * to_full[1])
                if len(faces) >= self.max_faces or any(_same_face(fbox, f.box) for f in faces):
                    continue
                # The mesh's own short-range detector missed this (small) face: mesh an enlarged crop of it.
                side = 2.2 * max(box[2] - box[0], box[3] - box[1])
                cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
                x0, y0 = int(max(0, cx - side / 2)), int(max(0, cy - side / 2))
                x1, y1 = int(min(w, cx + side / 2)), int(min(h, cy + side / 2))
                pts = None
                if x1 - x0 >= 8 and y1 - y0 >= 8:
                    zoom = 384 / max(x1 - x0, y1 - y0)
                    crop = cv2.resize(work[y0:y1, x0:x1], None, fx=zoom, fy=zoom, interpolation=cv2.INTER_LINEAR)
                    cands = []
                    for lm in graphs["mesh"].process(np.ascontiguousarray(crop)).multi_face_landmarks or []:
                        p = (_landmarks(lm) * [crop.shape[1], crop.shape[0]] / zoom + [x0, y0]) * to_full
                        if _same_face(fbox, _pts_box(p)):
                            cands.append(p)
                    if cands:
                        # The crop may show neighbours too: take the face nearest the detection.
                        c = np.array([(fbox[0] + fbox[2]) / 2, (fbox[1] + fbox[3]) / 2])
                        pts = min(cands, key=lambda p: float(np.linalg.norm(p.mean(axis=0) - c)))
                if pts is not None:
                    faces.append(_Face(_clip_box(_pts_box(pts), W, H), pts))
                elif score >= 0.75:  # unconfirmed by the mesh: keep only confident detections, as a box
                    faces.append(_Face(_clip_box(tuple(int(round(v)) for v in fbox), W, H)))
            for f in faces:
                # Selfie segmentation sees the image at 256x256: small people (group photos) lose their
                # heads. Re-run it on a head-and-shoulders crop of each small face and keep the maximum.
                fx0, fy0, fx1, fy1 = (
                    f.box[0] / to_full[0],
                    f.box[1] / to_full[1],
                    f.box[2] / to_full[0],
                    f.box[3] / to_full[1],
                )
                fw, fh = fx1 - fx0, fy1 - fy0
                if fh >= 0.2 * h or fw < 4:
                    continue
                x0, x1 = int(max(0, fx0 - 1.5 * fw)), int(min(w, fx1 + 1.5 * fw))
                y0, y1 = int(max(0, fy0 - 1.0 * fh)), int(min(h, fy1 + 2.5 * fh))
                sub = graphs["selfie"].process(np.ascontiguousarray(work[y0:y1, x0:x1])).segmentation_mask
                if sub is not None:
                    np.maximum(prob[y0:y1, x0:x1], sub, out=prob[y0:y1, x0:x1])
        return prob, faces

    @staticmethod
    def _detect(detector: Any, work: np.ndarray) -> list[tuple[tuple[float, float, float, float], float]]:
        """Face boxes (work pixels) and scores, best first, from the full-range detector run on the whole
        image and on 2x2 overlapping tiles: on the whole image it misses faces under ~6% of the
        longest side (group photos); tiles halve that."""
        h, w = work.shape[:2]
        regions = [(0, 0, w, h)]
        side = max(h, w)
        if side >= 400:
            t = int(np.ceil(side * 0.5625))  # two tiles per side, overlapping by 1/8 of the side
            xs, ys = sorted({0, max(0, w - t)}), sorted({0, max(0, h - t)})
            regions += [(x, y, min(w, x + t), min(h, y + t)) for y in ys for x in xs]
        dets = []
        for x0, y0, x1, y1 in regions:
            tile = np.ascontiguousarray(work[y0:y1, x0:x1])
            for det in detector.process(tile).detections or []:
                rb = det.location_data.relative_bounding_box
                tw, th = x1 - x0, y1 - y0
                box = (
                    x0 + rb.xmin * tw,
                    y0 + rb.ymin * th,
                    x0 + (rb.xmin + rb.width) * tw,
                    y0 + (rb.ymin + rb.height) * th,
                )
                dets.append((box, float(det.score[0]) if det.score else 0.0))
        kept: list[tuple[tuple[float, float, float, float], float]] = []
        for box, score in sorted(dets, key=lambda d: (-d[1], d[0])):
            if not any(_same_face(box, k[0]) for k in kept):  # non-maximum suppression across tiles
                kept.append((box, score))
        return kept

    # -- segmentation -----------------------------------------------------------------------------
    def segment(self, image: np.ndarray) -> LabelMap:
        import cv2

        rgb = _as_rgb(image)
        H, W = rgb.shape[:2]
        scale = min(1.0, self.work_side / max(H, W))
        work = rgb if scale == 1.0 else cv2.resize(rgb, (max(1, round(W * scale)), max(1, round(H * scale))),
                                                   interpolation=cv2.INTER_AREA)  # fmt: skip
        work = np.ascontiguousarray(work)
        h, w = work.shape[:2]
        prob, faces = self._run_models(work, (W, H))
        faces = [f for f in faces if f.box[2] > f.box[0] and f.box[3] > f.box[1]][: self.max_faces]

        masks: dict[str, np.ndarray] = {}
        parts = _face_parts((H, W), faces)

        # person: threshold, open/close, keep significant blobs (and any blob a face sits on).
        person_w = prob >= self.threshold
        k = _kernel(_odd(0.006 * np.hypot(h, w)))
        person_w = cv2.morphologyEx(person_w.astype(np.uint8), cv2.MORPH_OPEN, k)
        person_w = cv2.morphologyEx(person_w, cv2.MORPH_CLOSE, k).astype(bool)
        faces_w = _resize_mask(parts["face"], w, h) if (h, w) != (H, W) else parts["face"]
        person_w = _keep_components(person_w, 0.001 * h * w, rel=0.05, keep=faces_w)
        person = _resize_mask(person_w, W, H) | parts["face"]  # a detected face is part of a person
        masks["person"] = person
        masks["background"] = ~person

        if parts["meshed"]:
            masks.update({n: parts[n] for n in ("face", "eyes", "eyebrows", "nose", "lips", "mouth")})
            hair_w, skin_w, clothes_w = _colour_labels(work, person_w | faces_w, faces, (W, H), parts)
            hair = _resize_mask(hair_w, W, H) & person
            features = parts["eyes"] | parts["eyebrows"] | parts["lips"] | parts["mouth"]
            skin = ((_resize_mask(skin_w, W, H) & person) | parts["face"]) & ~hair & ~features
            clothes = _resize_mask(clothes_w, W, H) & person & ~parts["face"] & ~hair & ~skin
            masks.update(hair=hair, skin=skin, clothes=clothes)
        elif faces:
            masks["face"] = parts["face"]

        return LabelMap(W, H, masks, [f.box for f in faces], self.name).drop_empty()


# -- helpers that need the models' output -----------------------------------------------------------
def _as_rgb(image: np.ndarray) -> np.ndarray:
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        raise ValueError(f"expected a uint8 image, got {arr.dtype}")
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4) or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"expected an HxWx3 RGB image, got shape {arr.shape}")
    return np.ascontiguousarray(arr[:, :, :3])


def _landmarks(lm: Any) -> np.ndarray:
    return np.array([(p.x, p.y) for p in lm.landmark], np.float64)


def _pts_box(pts: np.ndarray) -> tuple[int, int, int, int]:
    oval = pts[_topology()["oval"]]
    x0, y0 = np.floor(oval.min(axis=0)).astype(int)
    x1, y1 = np.ceil(oval.max(axis=0)).astype(int)
    return int(x0), int(y0), int(x1), int(y1)


def _clip_box(box: tuple[int, ...], W: int, H: int) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    return max(0, x0), max(0, y0), min(W, x1), min(H, y1)


def _same_face(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Boxes of one face: they overlap a lot, or one's centre lies inside the other."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    if union > 0 and inter / union > 0.25:
        return True
    cx, cy = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    return b[0] <= cx <= b[2] and b[1] <= cy <= b[3]


def _face_parts(shape: tuple[int, int], faces: list[_Face]) -> dict[str, Any]:
    """Polygon masks of the face parts at full resolution, unioned over faces."""
    import cv2

    names = ("face", "eyes", "eyebrows", "nose", "lips", "mouth")
    out: dict[str, Any] = {n: np.zeros(shape, bool) for n in names}
    out["meshed"] = False
    topo = _topology() if faces else None
    for f in faces:
        if f.pts is None:
            # Detector-only face: an ellipse inscribed in its box stands in for the oval.
            x0, y0, x1, y1 = f.box
            m = np.zeros(shape, np.uint8)
            cv2.ellipse(m, (((x0 + x1) / 2, (y0 + y1) / 2), (float(x1 - x0), (y1 - y0) * 1.15), 0.0), 1, -1)
            out["face"] |= m.astype(bool)
            continue
        out["meshed"] = True
        p = f.pts
        out["face"] |= _polygon(shape, p[topo["oval"]])
        for eye, iris in zip(topo["eyes"], topo["irises"], strict=True):
            opening = _polygon(shape, p[eye])
            # The iris is hidden where it passes under the lids: add it only within the (slightly grown) opening.
            grown = cv2.dilate(opening.astype(np.uint8), _kernel(3)).astype(bool)
            out["eyes"] |= opening | (_polygon(shape, p[iris]) & grown)
        for brow in topo["brows"]:
            out["eyebrows"] |= _polygon(shape, _brow_polygon(brow, p))
        out["nose"] |= _polygon(shape, cv2.convexHull(p[topo["nose"]].astype(np.float32))[:, 0, :].astype(np.float64))
        outer, inner = sorted(topo["lips"], key=lambda loop: -_area(p[loop]))[:2]
        mouth = _polygon(shape, p[inner])
        out["lips"] |= _polygon(shape, p[outer]) & ~mouth
        out["mouth"] |= mouth
    # Parts lie inside the face; the nose hull must not cover the eyes.
    out["nose"] &= ~out["eyes"]
    return out


def _colour_labels(
    work: np.ndarray, person: np.ndarray, faces: list[_Face], full_wh: tuple[int, int], parts: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """hair, skin and clothes at work resolution from colour models seeded by the mesh."""
    import cv2

    h, w = work.shape[:2]
    W, H = full_wh
    sx, sy = w / W, h / H
    lab = _to_lab(work)
    small = (h, w)

    def down(mask: np.ndarray) -> np.ndarray:
        if mask.shape == small:
            return mask
        return cv2.resize(mask.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST).astype(bool)

    face = down(parts["face"])
    features = down(parts["eyes"] | parts["eyebrows"] | parts["lips"] | parts["mouth"])
    # Black-and-white photos: every grey matches a grey "skin" model, so match skin colour only in colour.
    chroma = np.hypot(lab[..., 1], lab[..., 2])[person]
    colourful = chroma.size > 0 and float(np.percentile(chroma, 95)) >= 8.0
    hair = np.zeros(small, bool)
    skin_like = np.zeros(small, bool)
    head_cols = np.zeros(small, bool)  # the column above each chin: not clothes
    topo = _topology()
    for f in faces:
        if f.pts is None:
            continue
        p = f.pts * [sx, sy]
        x0, y0, x1, y1 = f.box[0] * sx, f.box[1] * sy, f.box[2] * sx, f.box[3] * sy
        fw, fh = max(1.0, x1 - x0), max(1.0, y1 - y0)
        centre = p[topo["oval"]].mean(axis=0)

        # Skin model from patches on the cheeks, forehead and chin.
        patches = _disc_mask(small, [tuple(p[i]) for i in _SKIN_SAMPLE_POINTS], 0.04 * fh) & face & ~features
        if patches.sum() < 10:
            continue
        d_skin = _Gauss(_robust(lab[patches]), (12.0, 2.5, 2.5)).dist(lab)
        if colourful:
            skin_like |= (d_skin < 3.0) & person

        zx0, zx1 = int(max(0, x0 - 0.8 * fw)), int(min(w, x1 + 0.8 * fw))
        zy0, zy1 = int(max(0, y0 - 0.9 * fh)), int(min(h, y1 + 0.9 * fh))
        head_cols[: int(min(h, y1)), zx0:zx1] = True
        hair |= _hair_for_face(work, lab, person, face, features, d_skin, p, centre, (zx0, zy0, zx1, zy1), fw, fh)

    hair = _keep_components(hair, 0.0005 * h * w, rel=0.05)
    skin = skin_like & ~hair & ~features
    k = _kernel(_odd(0.004 * np.hypot(h, w)))
    skin = cv2.morphologyEx(skin.astype(np.uint8), cv2.MORPH_OPEN, k).astype(bool)
    skin = _keep_components(skin, 0.0005 * h * w, keep=face)
    # Wrinkles, shadows and freckles inside skin are skin too.
    skin = _fill_holes(skin, 0.0005 * h * w) & person & ~hair & ~features
    clothes = person & ~face & ~hair & ~skin & ~head_cols
    k = _kernel(_odd(0.008 * np.hypot(h, w)))
    clothes = cv2.morphologyEx(clothes.astype(np.uint8), cv2.MORPH_OPEN, k).astype(bool)
    clothes = _keep_components(clothes, 0.002 * h * w, rel=0.02)
    return hair, skin, clothes


def _hair_for_face(
    work: np.ndarray,
    lab: np.ndarray,
    person: np.ndarray,
    face: np.ndarray,
    features: np.ndarray,
    d_skin: np.ndarray,
    p: np.ndarray,
    centre: np.ndarray,
    zone: tuple[int, int, int, int],
    fw: float,
    fh: float,
) -> np.ndarray:
    """Hair of one face: seeds outside the upper oval and beside the temples, grown by GrabCut inside a
    head-and-shoulders zone, then limited to what is connected to the seeds."""
    import cv2

    h, w = work.shape[:2]
    small = (h, w)
    topo = _topology()
    brow_top = p[[i for b in topo["brows"] for path in b for i in path]][:, 1].min()
    chin = p[152, 1]
    rows = np.arange(h)[:, None]
    # Bangs may cover the forehead: above the brows the oval may hold hair, below it may not.
    face_core = face & (rows >= brow_top - 0.03 * fh)

    def seeds(ids: tuple[int, ...], out: float) -> np.ndarray:
        pts = [tuple(p[i] + out * fh * (p[i] - centre) / max(1e-6, float(np.linalg.norm(p[i] - centre)))) for i in ids]
        # Clearly skin-coloured pixels (bare scalp, ears, forehead) never seed hair.
        return _disc_mask(small, pts, 0.04 * fh) & person & ~face & (d_skin > 2.0)

    top = seeds(_TOP_OVAL_POINTS, 0.08) | seeds(_TOP_OVAL_POINTS, 0.18)
    side = seeds(_SIDE_OVAL_POINTS, 0.04) | seeds(_SIDE_OVAL_POINTS, 0.10)
    min_seed = max(12, int(0.002 * fw * fh))
    hat = None
    if top.sum() >= min_seed and side.sum() >= min_seed:
        mt, ms = np.median(lab[top], axis=0), np.median(lab[side], axis=0)
        # Top and temples differ in hue/saturation: probably a hat on top, so trust the temples.
        # Lightness counts a quarter: shading alone (lit crown, shadowed sides) is no hat.
        if np.linalg.norm((mt - ms) * [0.25, 1.0, 1.0]) > 18:
            hat = top
    seed = side if hat is not None else top | side
    if seed.sum() < min_seed:
        return np.zeros(small, bool)  # bald, shaved, or the person mask stops at the forehead

    zx0, zy0, zx1, zy1 = zone
    zs = (slice(zy0, zy1), slice(zx0, zx1))
    region = person[zs] & ~face_core[zs]
    gc = np.full(region.shape, cv2.GC_BGD, np.uint8)
    above = (rows[zy0:zy1] < chin) & np.ones((1, zx1 - zx0), bool)
    gc[region & above] = cv2.GC_PR_FGD
    # Shoulders: undecided only where the colour is near the seeds' (long hair), else sure not hair.
    # This also keeps GrabCut's max-flow small: it slows down a lot on large undecided areas.
    near = _Gauss(_robust(lab[seed]), (6.0, 3.0, 3.0)).dist(lab[zs]) < 4.0
    gc[region & ~above & near] = cv2.GC_PR_BGD
    gc[region & (d_skin[zs] < 2.0)] = cv2.GC_PR_BGD  # ears, neck
    gc[seed[zs]] = cv2.GC_FGD
    if hat is not None:
        gc[hat[zs]] = cv2.GC_BGD
    # GrabCut on a small copy: its cost grows with the pixel count, hair needs no fine detail here.
    zh, zw = gc.shape
    # Max-flow time grows fast with the undecided area: cap it (~10k pixels) as well as the side.
    undecided = max(1, int(((gc == cv2.GC_PR_FGD) | (gc == cv2.GC_PR_BGD)).sum()))
    f = min(1.0, 200 / max(zh, zw), float(np.sqrt(10000 / undecided)))
    size = (max(1, round(zw * f)), max(1, round(zh * f)))
    img_s = cv2.resize(np.ascontiguousarray(work[zs]), size, interpolation=cv2.INTER_AREA)
    gc_s = cv2.resize(gc, size, interpolation=cv2.INTER_NEAREST)
    if not ((gc_s == cv2.GC_FGD).any() and (gc_s == cv2.GC_BGD).any()):
        return np.zeros(small, bool)
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(1234)  # GrabCut's k-means draws from OpenCV's RNG: fix it for deterministic output
    cv2.grabCut(img_s, gc_s, None, bgd, fgd, 2, cv2.GC_INIT_WITH_MASK)
    fg = ((gc_s == cv2.GC_FGD) | (gc_s == cv2.GC_PR_FGD)).astype(np.uint8) * 255
    fg = cv2.resize(fg, (zw, zh), interpolation=cv2.INTER_LINEAR) >= 128
    fg &= region & ~features[zs]
    # Keep what is connected to the seeds, close small gaps, fill highlights enclosed by hair.
    n, cc = cv2.connectedComponents(fg.astype(np.uint8), connectivity=8)
    ids = np.unique(cc[fg & seed[zs]])
    fg = np.isin(cc, ids[ids > 0])
    k = _kernel(_odd(0.03 * fw))
    fg = cv2.morphologyEx(fg.astype(np.uint8), cv2.MORPH_CLOSE, k).astype(bool)
    fg = _fill_holes(fg, 0.05 * fw * fh) & region & ~features[zs]
    out = np.zeros(small, bool)
    out[zs] = fg
    return out
