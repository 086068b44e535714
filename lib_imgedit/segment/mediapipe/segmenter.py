"""Offline segmenter built only from the models shipped inside the mediapipe 0.10.x wheel.

Models: legacy ``mp.solutions.selfie_segmentation`` (salient foreground), ``face_mesh`` with
``refine_landmarks`` (478 points incl. irises), ``face_detection`` (full range) and ``pose`` (the full
pose landmarker, run only to confirm a blob no face is on).

Labels and how far to trust them:

- ``person``: blobs of the selfie mask that a face or a body pose confirms, plus the face ovals
  (person.py); several people are also ``person 1``, ``person 2``... left to right. ``subject``: the
  salient blobs no detector confirms (a cat, a cup). ``background``: the rest.
- ``face``, ``eyes``, ``eyebrows``, ``nose``, ``lips``, ``mouth``: polygons from the face mesh (faces.py).
- ``hair`` (hair.py), ``skin`` and ``clothes`` (clothes.py): colour estimates seeded by the mesh.
- Without a meshed face only ``person``/``subject``/``background`` (and a detector box's ``face``).

Models run on a copy whose longest side is at most ``work_side`` (1024), masks are resized back; the
returned masks always have the input's height and width.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

import numpy as np

from ...core.labels import LabelMap
from ..base import Segmenter
from ..instances import split_instances
from . import person as people
from .clothes import chest, clothes_mask, skin_mask, skin_model
from .faces import Face, face_parts, find_faces, one_skin_hue, skin_samples
from .hair import hair_for_face
from .ops import as_rgb, keep_components, nearest, odd, opened, resize_mask, to_lab


class MediaPipeSegmenter(Segmenter):
    """person/subject/background, face parts, hair, skin and clothes from mediapipe's shipped models."""

    name: ClassVar[str] = "mediapipe"
    labels: ClassVar[tuple[str, ...]] = (
        "person", "subject", "background", "face", "eyes", "eyebrows", "nose", "lips", "mouth", "hair", "skin",
        "clothes",
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

    def _load(self, pose: bool = False) -> dict[str, Any]:
        """Create the mediapipe graphs once (the pose graph only when first asked); call with the lock held."""
        import mediapipe as mp

        sol = mp.solutions
        if self._graphs is None:
            self._graphs = {
                "selfie": sol.selfie_segmentation.SelfieSegmentation(model_selection=0),
                "mesh": sol.face_mesh.FaceMesh(
                    static_image_mode=True, max_num_faces=self.max_faces, refine_landmarks=True, min_detection_confidence=0.5
                ),
                "detect": sol.face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.5),
            }
        if pose and "pose" not in self._graphs:
            # model_complexity=1 is the full landmarker, the one the wheel ships (lite and heavy are downloads).
            self._graphs["pose"] = sol.pose.Pose(static_image_mode=True, model_complexity=1, min_detection_confidence=0.5)
        return self._graphs

    def close(self) -> None:
        with self._lock:
            for graph in (self._graphs or {}).values():
                graph.close()
            self._graphs = None

    # -- segmentation -----------------------------------------------------------------------------
    def segment(self, image: np.ndarray) -> LabelMap:
        import cv2

        rgb = as_rgb(image)
        H, W = rgb.shape[:2]
        scale = min(1.0, self.work_side / max(H, W))
        work = rgb if scale == 1.0 else cv2.resize(rgb, (max(1, round(W * scale)), max(1, round(H * scale))),
                                                   interpolation=cv2.INTER_AREA)  # fmt: skip
        work = np.ascontiguousarray(work)
        h, w = work.shape[:2]

        # 1. Models: the salient foreground and the faces (a "face" of many hues is none).
        lab = to_lab(work)
        with self._lock:
            graphs = self._load()
            prob = people.selfie_prob(graphs["selfie"], work)
            faces = find_faces(graphs["mesh"], graphs["detect"], work, (W, H), self.max_faces)
            faces = [f for f in faces if one_skin_hue(lab, f, (w / W, h / H))]
            people.refine_for_small_faces(graphs["selfie"], work, prob, faces, np.array([W / w, H / h]))
        parts = face_parts((H, W), faces)
        faces_w = nearest(parts["face"], w, h)

        # 2. person only where a face or a body pose confirms it; other salient blobs are the subject.
        blobs = people.candidates(prob, self.threshold, faces_w)
        body = np.zeros((0, 2))
        if people.unconfirmed(blobs, faces_w):
            with self._lock:
                body = people.body_points(self._load(pose=True)["pose"], work)
        person_w, subject_w = people.person_and_subject(blobs, faces_w, body)
        person = resize_mask(person_w, W, H) | parts["face"]
        subject = resize_mask(subject_w, W, H) & ~person
        masks: dict[str, np.ndarray] = {"person": person, "subject": subject, "background": ~(person | subject)}

        # 3. Face parts and the colour estimates need a meshed face.
        if any(f.pts is not None for f in faces):
            masks.update({n: parts[n] for n in ("face", "eyes", "eyebrows", "nose", "lips", "mouth")})
            hair_w, skin_w, clothes_w = _colour_labels(work, lab, person_w, faces, (W, H), parts)
            hair = resize_mask(hair_w, W, H) & person
            features = parts["eyes"] | parts["eyebrows"] | parts["lips"] | parts["mouth"]
            skin = ((resize_mask(skin_w, W, H) & person) | parts["face"]) & ~hair & ~features
            clothes = resize_mask(clothes_w, W, H) & person & ~parts["face"] & ~hair & ~skin
            masks.update(hair=hair, skin=skin, clothes=clothes)
        elif faces:
            masks["face"] = parts["face"]

        # 4. Several people: person 1, person 2... left to right, split between faces where they touch.
        labels = LabelMap(W, H, masks, [f.box for f in faces], self.name).drop_empty()
        centres = [((x0 + x1) / 2, (y0 + y1) / 2) for x0, y0, x1, y1 in labels.faces]
        return split_instances(labels, ["person"], anchors={"person": centres})


def _colour_labels(
    work: np.ndarray,
    lab: np.ndarray,
    person: np.ndarray,
    faces: list[Face],
    full_wh: tuple[int, int],
    parts: dict[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """hair, skin and clothes at work resolution from colour models seeded by the mesh."""
    h, w = work.shape[:2]
    W, H = full_wh
    sx, sy = w / W, h / H
    face = nearest(parts["face"], w, h)
    features = nearest(parts["eyes"] | parts["eyebrows"] | parts["lips"] | parts["mouth"], w, h)
    # Black-and-white photos: every grey matches a grey "skin" model, so match skin colour only in colour.
    chroma = np.hypot(lab[..., 1], lab[..., 2])[person]
    colourful = chroma.size > 0 and float(np.percentile(chroma, 95)) >= 8.0
    hair = np.zeros((h, w), bool)
    skin_like = np.zeros((h, w), bool)
    head_cols = np.zeros((h, w), bool)  # the column above each chin: not clothes
    for f in faces:
        if f.pts is None:
            continue
        p = f.pts * [sx, sy]
        x0, y0, x1, y1 = f.box[0] * sx, f.box[1] * sy, f.box[2] * sx, f.box[3] * sy
        fw, fh = max(1.0, x1 - x0), max(1.0, y1 - y0)
        model = skin_model(lab, skin_samples((h, w), f, (sx, sy)), face, features)
        if model is None:
            continue
        d_skin = model.dist(lab)
        if colourful:
            skin_like |= (d_skin < 3.0) & person
        zx0, zx1 = int(max(0, x0 - 0.8 * fw)), int(min(w, x1 + 0.8 * fw))
        zy0, zy1 = int(max(0, y0 - 0.9 * fh)), int(min(h, y1 + 0.9 * fh))
        head_cols[: int(min(h, y1)), zx0:zx1] = True
        hair |= hair_for_face(work, lab, person, face, features, d_skin, model.mean, p, (zx0, zy0, zx1, zy1), fw, fh)

    hair = keep_components(hair, 0.0005 * h * w, rel=0.05)
    skin = skin_mask(skin_like, person, face, hair, features)
    candidate = opened(person & ~face & ~hair & ~skin & ~head_cols, odd(0.008 * np.hypot(h, w)))
    clothes = clothes_mask(lab, candidate, chest((h, w), faces, sx, sy))
    return hair, skin, clothes
