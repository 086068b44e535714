"""Faces: the face mesh (478 points with irises) and the full-range face detector, and the face parts
drawn from the mesh as filled polygons at full resolution.

The mesh's own detector finds faces larger than ~12% of the image; the full-range detector, run on the
whole image and on 2x2 tiles, finds faces down to ~3-4% of the longest side, which are then meshed on an
enlarged crop. Smaller faces are missed. A confident detection the mesh cannot fit stays a box.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from .ops import disc_mask, kernel, polygon

Box = tuple[int, int, int, int]
PART_NAMES = ("face", "eyes", "eyebrows", "nose", "lips", "mouth")
# Landmarks around which the face's skin colour is sampled: cheeks, forehead, chin.
SKIN_SAMPLE_POINTS = (50, 280, 205, 425, 101, 330, 151, 108, 337, 199)
# Hue consistency (mean resultant length of the skin samples' hues, 0..1) below which a colourful
# "face" is no face: skin has one hue, a colour wheel or a painted pattern has many.
MIN_HUE_CONSISTENCY = 0.7


@dataclass
class Face:
    """One face in full-image pixel coordinates: mesh points (478x2) or only a detector box."""

    box: Box
    pts: np.ndarray | None = None


def chain(edges: frozenset[tuple[int, int]]) -> list[list[int]]:
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
def topology() -> dict[str, Any]:
    """Landmark index lists for each face part, derived from mediapipe's edge sets once."""
    from mediapipe.python.solutions import face_mesh_connections as fmc

    lips = chain(fmc.FACEMESH_LIPS)  # two loops: outer and inner contour
    nose = sorted({i for e in fmc.FACEMESH_NOSE for i in e})
    return {
        "oval": chain(fmc.FACEMESH_FACE_OVAL)[0],
        "eyes": [chain(fmc.FACEMESH_LEFT_EYE)[0], chain(fmc.FACEMESH_RIGHT_EYE)[0]],
        "irises": [chain(fmc.FACEMESH_LEFT_IRIS)[0], chain(fmc.FACEMESH_RIGHT_IRIS)[0]],
        "brows": [chain(fmc.FACEMESH_LEFT_EYEBROW), chain(fmc.FACEMESH_RIGHT_EYEBROW)],
        "lips": lips,
        "nose": nose,
    }


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


def _landmarks(lm: Any) -> np.ndarray:
    return np.array([(p.x, p.y) for p in lm.landmark], np.float64)


def _pts_box(pts: np.ndarray) -> Box:
    oval = pts[topology()["oval"]]
    x0, y0 = np.floor(oval.min(axis=0)).astype(int)
    x1, y1 = np.ceil(oval.max(axis=0)).astype(int)
    return int(x0), int(y0), int(x1), int(y1)


def _clip_box(box: tuple[int, ...], W: int, H: int) -> Box:
    x0, y0, x1, y1 = box
    return max(0, x0), max(0, y0), min(W, x1), min(H, y1)


def same_face(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Boxes of one face: they overlap a lot, or one's centre lies inside the other."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    if union > 0 and inter / union > 0.25:
        return True
    cx, cy = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    return b[0] <= cx <= b[2] and b[1] <= cy <= b[3]


def find_faces(mesh: Any, detector: Any, work: np.ndarray, full_wh: tuple[int, int], max_faces: int) -> list[Face]:
    """Faces in full-size coordinates: the mesh on the work image, then each detection the mesh missed,
    meshed on an enlarged crop (or kept as a box when confident)."""
    import cv2

    h, w = work.shape[:2]
    W, H = full_wh
    to_full = np.array([W / w, H / h])
    found = mesh.process(work).multi_face_landmarks or []
    faces = [Face(_clip_box(_pts_box(p), W, H), p) for p in (_landmarks(lm) * [W, H] for lm in found)]
    for box, score in detect(detector, work):
        fbox = (box[0] * to_full[0], box[1] * to_full[1], box[2] * to_full[0], box[3] * to_full[1])
        if len(faces) >= max_faces or any(same_face(fbox, f.box) for f in faces):
            continue
        side = 2.2 * max(box[2] - box[0], box[3] - box[1])
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        x0, y0 = int(max(0, cx - side / 2)), int(max(0, cy - side / 2))
        x1, y1 = int(min(w, cx + side / 2)), int(min(h, cy + side / 2))
        pts = None
        if x1 - x0 >= 8 and y1 - y0 >= 8:
            zoom = 384 / max(x1 - x0, y1 - y0)
            crop = cv2.resize(work[y0:y1, x0:x1], None, fx=zoom, fy=zoom, interpolation=cv2.INTER_LINEAR)
            cands = []
            for lm in mesh.process(np.ascontiguousarray(crop)).multi_face_landmarks or []:
                p = (_landmarks(lm) * [crop.shape[1], crop.shape[0]] / zoom + [x0, y0]) * to_full
                if same_face(fbox, _pts_box(p)):
                    cands.append(p)
            if cands:
                # The crop may show neighbours too: take the face nearest the detection.
                c = np.array([(fbox[0] + fbox[2]) / 2, (fbox[1] + fbox[3]) / 2])
                pts = min(cands, key=lambda p: float(np.linalg.norm(p.mean(axis=0) - c)))
        if pts is not None:
            faces.append(Face(_clip_box(_pts_box(pts), W, H), pts))
        elif score >= 0.75:  # unconfirmed by the mesh: keep only confident detections, as a box
            faces.append(Face(_clip_box(tuple(int(round(v)) for v in fbox), W, H)))
    return [f for f in faces if f.box[2] > f.box[0] and f.box[3] > f.box[1]][:max_faces]


def skin_samples(shape: tuple[int, int], face: Face, scale: tuple[float, float] = (1.0, 1.0)) -> np.ndarray:
    """Where the face's skin is sampled: discs on the cheeks, forehead and chin of a meshed face, the
    middle of a detector box. `scale` maps full-image pixels to `shape`'s."""
    sx, sy = scale
    x0, y0, x1, y1 = face.box[0] * sx, face.box[1] * sy, face.box[2] * sx, face.box[3] * sy
    if face.pts is None:
        out = np.zeros(shape, bool)
        fw, fh = x1 - x0, y1 - y0
        out[int(y0 + 0.35 * fh) : int(np.ceil(y1 - 0.35 * fh)), int(x0 + 0.3 * fw) : int(np.ceil(x1 - 0.3 * fw))] = True
        return out
    pts = face.pts * [sx, sy]
    return disc_mask(shape, [tuple(pts[i]) for i in SKIN_SAMPLE_POINTS], max(1.5, 0.04 * (y1 - y0)))


def one_skin_hue(lab: np.ndarray, face: Face, scale: tuple[float, float] = (1.0, 1.0)) -> bool:
    """The face's skin samples share one hue, or have too little colour to tell (grey photos). The face
    mesh fits a face to a colour wheel; skin is never many hues at once."""
    s = lab[skin_samples(lab.shape[:2], face, scale)]
    if len(s) == 0:
        return False
    chroma = np.hypot(s[:, 1], s[:, 2])
    if float(np.median(chroma)) < 8.0:
        return True
    return float(np.abs(np.mean(np.exp(1j * np.arctan2(s[:, 2], s[:, 1]))))) >= MIN_HUE_CONSISTENCY


def detect(detector: Any, work: np.ndarray) -> list[tuple[tuple[float, float, float, float], float]]:
    """Face boxes (work pixels) and scores, best first, from the full-range detector run on the whole
    image and on 2x2 overlapping tiles: on the whole image it misses faces under ~6% of the longest
    side (group photos); tiles halve that."""
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
            box = (x0 + rb.xmin * tw, y0 + rb.ymin * th, x0 + (rb.xmin + rb.width) * tw, y0 + (rb.ymin + rb.height) * th)
            dets.append((box, float(det.score[0]) if det.score else 0.0))
    kept: list[tuple[tuple[float, float, float, float], float]] = []
    for box, score in sorted(dets, key=lambda d: (-d[1], d[0])):
        if not any(same_face(box, k[0]) for k in kept):  # non-maximum suppression across tiles
            kept.append((box, score))
    return kept


def face_parts(shape: tuple[int, int], faces: list[Face]) -> dict[str, np.ndarray]:
    """Polygon masks of the face parts at full resolution, unioned over faces. A detector-only face
    gets an ellipse inscribed in its box as `face` and no parts."""
    import cv2

    out = {n: np.zeros(shape, bool) for n in PART_NAMES}
    topo = topology() if faces else None
    for f in faces:
        if f.pts is None:
            x0, y0, x1, y1 = f.box
            m = np.zeros(shape, np.uint8)
            cv2.ellipse(m, (((x0 + x1) / 2, (y0 + y1) / 2), (float(x1 - x0), (y1 - y0) * 1.15), 0.0), 1, -1)
            out["face"] |= m.astype(bool)
            continue
        p = f.pts
        out["face"] |= polygon(shape, p[topo["oval"]])
        for eye, iris in zip(topo["eyes"], topo["irises"], strict=True):
            opening = polygon(shape, p[eye])
            # The iris is hidden where it passes under the lids: add it only within the (slightly grown) opening.
            grown = cv2.dilate(opening.astype(np.uint8), kernel(3)).astype(bool)
            out["eyes"] |= opening | (polygon(shape, p[iris]) & grown)
        for brow in topo["brows"]:
            out["eyebrows"] |= polygon(shape, _brow_polygon(brow, p))
        out["nose"] |= polygon(shape, cv2.convexHull(p[topo["nose"]].astype(np.float32))[:, 0, :].astype(np.float64))
        outer, inner = sorted(topo["lips"], key=lambda loop: -_area(p[loop]))[:2]
        mouth = polygon(shape, p[inner])
        out["lips"] |= polygon(shape, p[outer]) & ~mouth
        out["mouth"] |= mouth
    # Parts lie inside the face; the nose hull must not cover the eyes.
    out["nose"] &= ~out["eyes"]
    return out
