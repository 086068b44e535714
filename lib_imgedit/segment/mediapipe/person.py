"""`person` only where a person is detected; the rest of the salient region is `subject`.

The selfie segmentation model marks any salient thing (a cat, a cup, a galaxy), so its mask is only a
candidate. Each blob of it becomes `person` when a detector shipped with MediaPipe confirms it: a face
(face mesh or the full-range face detector) on the blob, or a body pose (the pose landmarker's full
model) with enough visible landmarks on it. Blobs nobody confirms are the `subject`: something salient
that nothing here can name. The pose landmarker runs only when some blob is unconfirmed by a face.
A salient thing touching a person (a cat in her arms) is one blob with her, so it is `person` too.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .faces import Face
from .ops import keep_components, kernel, odd

# A pose is a body when this many of its 33 landmarks are visible, and it confirms a blob holding this
# many of them.
MIN_VISIBLE = 8
MIN_ON_BLOB = 4
# A subject smaller than this share of the picture is dropped (noise in the selfie mask).
MIN_SUBJECT_SHARE = 0.005
# Pictures longer than this ratio are segmented in overlapping square tiles: the selfie model squeezes
# its input to a square, and a person in a wide picture then disappears.
MAX_ASPECT = 1.25


def selfie_prob(selfie: Any, work: np.ndarray) -> np.ndarray:
    """The selfie model's foreground probability (HxW float32), from overlapping square tiles along the
    long side of an elongated picture."""
    h, w = work.shape[:2]
    short, long = min(h, w), max(h, w)
    if long <= MAX_ASPECT * short:
        starts = [0]
    else:
        n = int(np.ceil(long / short)) + 1
        starts = sorted({round(i * (long - short) / (n - 1)) for i in range(n)})
    prob = np.zeros((h, w), np.float32)
    for s in starts:
        region = (slice(None), slice(s, s + short)) if w > h else (slice(s, s + short), slice(None))
        tile = work if starts == [0] else np.ascontiguousarray(work[region])
        out = selfie.process(tile).segmentation_mask
        if out is not None:
            target = prob if starts == [0] else prob[region]
            np.maximum(target, np.asarray(out, np.float32), out=target)
    return prob


def refine_for_small_faces(selfie: Any, work: np.ndarray, prob: np.ndarray, faces: list[Face], to_full: np.ndarray) -> None:
    """Selfie segmentation sees the image at 256x256: small people (group photos) lose their heads. Re-run
    it on a head-and-shoulders crop of each small face and keep the maximum (in place)."""
    h, w = prob.shape
    for f in faces:
        fx0, fy0, fx1, fy1 = f.box[0] / to_full[0], f.box[1] / to_full[1], f.box[2] / to_full[0], f.box[3] / to_full[1]
        fw, fh = fx1 - fx0, fy1 - fy0
        if fh >= 0.2 * h or fw < 4:
            continue
        x0, x1 = int(max(0, fx0 - 1.5 * fw)), int(min(w, fx1 + 1.5 * fw))
        y0, y1 = int(max(0, fy0 - 1.0 * fh)), int(min(h, fy1 + 2.5 * fh))
        sub = selfie.process(np.ascontiguousarray(work[y0:y1, x0:x1])).segmentation_mask
        if sub is not None:
            np.maximum(prob[y0:y1, x0:x1], sub, out=prob[y0:y1, x0:x1])


def candidates(prob: np.ndarray, threshold: float, faces: np.ndarray) -> np.ndarray:
    """The selfie mask: thresholded, opened and closed, significant blobs (and any blob a face sits on)."""
    import cv2

    h, w = prob.shape
    k = kernel(odd(0.006 * np.hypot(h, w)))
    mask = cv2.morphologyEx((prob >= threshold).astype(np.uint8), cv2.MORPH_OPEN, k)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, k).astype(bool)
    return keep_components(mask, 0.001 * h * w, rel=0.05, keep=faces)


def body_points(pose: Any, work: np.ndarray, min_visibility: float = 0.5) -> np.ndarray:
    """Visible pose landmarks (Nx2 work pixels) of the one body the pose landmarker finds; empty when it
    finds none or too little of one."""
    found = pose.process(work).pose_landmarks
    if found is None:
        return np.zeros((0, 2))
    h, w = work.shape[:2]
    pts = np.array([(p.x * w, p.y * h) for p in found.landmark if p.visibility >= min_visibility]).reshape(-1, 2)
    return pts if len(pts) >= MIN_VISIBLE else np.zeros((0, 2))


def unconfirmed(blobs: np.ndarray, faces: np.ndarray) -> bool:
    """Some blob of the candidate mask has no face on it (then a pose is worth looking for)."""
    import cv2

    n, lab = cv2.connectedComponents(blobs.astype(np.uint8), connectivity=8)
    return len(set(range(1, n)) - set(np.unique(lab[faces & blobs]).tolist())) > 0


def person_and_subject(blobs: np.ndarray, faces: np.ndarray, body: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split the candidate blobs into (person, subject): a blob is a person when a face or `MIN_ON_BLOB`
    visible pose landmarks lie on it. A face is a person even where the selfie mask missed it."""
    import cv2

    h, w = blobs.shape
    n, lab = cv2.connectedComponents(blobs.astype(np.uint8), connectivity=8)
    confirmed = np.zeros(n, bool)
    confirmed[np.unique(lab[faces & blobs])] = True
    if len(body):
        xs = np.clip(np.round(body[:, 0]).astype(int), 0, w - 1)
        ys = np.clip(np.round(body[:, 1]).astype(int), 0, h - 1)
        ids, counts = np.unique(lab[ys, xs], return_counts=True)
        confirmed[ids[counts >= MIN_ON_BLOB]] = True
    confirmed[0] = False
    person = confirmed[lab] | faces
    subject = blobs & ~person
    if subject.mean() < MIN_SUBJECT_SHARE:
        subject = np.zeros_like(subject)
    return person, subject
