"""The hair estimate: a colour estimate seeded by the face mesh, not a hair model.

Seeds are taken just outside the upper face oval (top of the head) and beside the temples, above the
ears, minus skin-coloured pixels; GrabCut (colour mixtures + smooth edges) grows them inside a
head-and-shoulders zone, and only what is connected to the seeds is kept. The ears' region (beside the
oval from the temples down to the jaw) never gives skin-coloured pixels to hair, so a cap that hides
the hair leaves little or no hair rather than the ears. When the result is unsure (too little of it, or
it looks like skin) there is no hair at all: a wrong `hair` recolours ears; a missing one is reported.

Good for visible hair that differs from skin and from the background. Degrades for bald or shaved
heads (no hair), hats of hair-like colour (labelled hair), blond hair close to skin tone (partly lost to
skin), dark hair on a dark collar (leaks onto the shoulders, bounded by the zone).
"""

from __future__ import annotations

import numpy as np

from .faces import topology
from .ops import Gauss, disc_mask, fill_holes, keep_components, kernel, odd, polygon, robust, touching

# Upper face-oval landmarks (temple to temple over the forehead): hair seeds lie just outside them.
TOP_OVAL_POINTS = (54, 103, 67, 109, 10, 338, 297, 332, 284)
# Oval landmarks at the temples, above the ears: seeds beside the head, rarely covered by hats.
SIDE_OVAL_POINTS = (21, 162, 251, 389)
# Oval landmarks beside each ear, from the temple down to the jaw (left, right).
EAR_OVAL_POINTS = ((162, 127, 234, 93, 132, 58), (389, 356, 454, 323, 361, 288))
# Hair beside the face is looked for this many face widths out from the oval, temples to jaw.
SIDE_HAIR_WIDTH = 0.45
# ... in pieces of at least this share of the face box (smaller ones are shadows, glasses arms).
SIDE_HAIR_MIN = 0.015
# Skin-hued pixels beside the face this much darker (LAB lightness) than the face are not ears.
EAR_DARKER = 30.0


def _outward(p: np.ndarray, ids: tuple[int, ...], centre: np.ndarray, dist: float) -> np.ndarray:
    """The landmarks `ids` moved `dist` pixels away from the face centre."""
    pts = p[list(ids)]
    d = pts - centre
    return pts + dist * d / np.maximum(1e-6, np.linalg.norm(d, axis=1, keepdims=True))


def ear_zone(shape: tuple[int, int], p: np.ndarray, centre: np.ndarray, fw: float, width: float = 0.35) -> np.ndarray:
    """Bands beside the face oval where the ears are: from the temples to the jaw, `width` face widths out."""
    out = np.zeros(shape, bool)
    for ids in EAR_OVAL_POINTS:
        ring = np.concatenate([p[list(ids)], _outward(p, ids, centre, width * fw)[::-1]])
        out |= polygon(shape, ring)
    return out


def skin_hued(lab: np.ndarray, skin_lab: np.ndarray) -> np.ndarray:
    """Pixels with some colour, of a hue near the skin's (ears are redder or darker than the face, not
    another hue). Greys (grey hair, black-and-white photos) are never skin-hued."""
    a, b = lab[..., 1], lab[..., 2]
    chroma = np.hypot(a, b)
    sa, sb = float(skin_lab[1]), float(skin_lab[2])
    s_chroma = max(1e-6, float(np.hypot(sa, sb)))
    cos = (a * sa + b * sb) / np.maximum(1e-6, chroma * s_chroma)
    return (chroma > max(6.0, 0.4 * s_chroma)) & (cos > np.cos(np.radians(30)))


def hair_for_face(
    work: np.ndarray,
    lab: np.ndarray,
    person: np.ndarray,
    face: np.ndarray,
    features: np.ndarray,
    d_skin: np.ndarray,
    skin_lab: np.ndarray,
    p: np.ndarray,
    zone: tuple[int, int, int, int],
    fw: float,
    fh: float,
) -> np.ndarray:
    """Hair of one face (work resolution): seeds grown by GrabCut inside `zone` (x0, y0, x1, y1),
    limited to what is connected to the seeds; empty when unsure. `d_skin`: each pixel's distance to
    the face's skin colour model, whose mean is `skin_lab`."""
    import cv2

    out = np.zeros(work.shape[:2], bool)
    zx0, zy0, zx1, zy1 = zone
    zs = (slice(zy0, zy1), slice(zx0, zx1))
    # Everything below works on the zone only: its cost does not grow with the picture.
    img, lab, person, face, features, d_skin = (a[zs] for a in (work, lab, person, face, features, d_skin))
    p = p - [zx0, zy0]
    shape = person.shape
    topo = topology()
    centre = p[topo["oval"]].mean(axis=0)
    brow_top = p[[i for b in topo["brows"] for path in b for i in path]][:, 1].min()
    rows = np.arange(shape[0])[:, None]
    # Bangs may cover the forehead: above the brows the oval may hold hair, below it may not.
    face_core = face & (rows >= brow_top - 0.03 * fh)
    ears = ear_zone(shape, p, centre, fw) & ~face
    ear_skin = ears & ((d_skin < 4.5) | skin_hued(lab, skin_lab))

    def seeds(ids: tuple[int, ...], dist: float) -> np.ndarray:
        m = disc_mask(shape, [tuple(q) for q in _outward(p, ids, centre, dist * fh)], 0.04 * fh)
        # Clearly skin-coloured pixels (bare scalp, ears, forehead) never seed hair.
        return m & person & ~face & ~ear_skin & (d_skin > 2.0)

    top = seeds(TOP_OVAL_POINTS, 0.08) | seeds(TOP_OVAL_POINTS, 0.18)
    side = seeds(SIDE_OVAL_POINTS, 0.04) | seeds(SIDE_OVAL_POINTS, 0.10)
    min_seed = max(12, int(0.002 * fw * fh))
    hat = None
    if top.sum() >= min_seed and side.sum() >= min_seed:
        # A good part of the temples unlike the top of the head: maybe a hat on top and hair beside it.
        # It is a hat when those pixels differ in hue or are lighter; darker and greyer is the hair's
        # shadow. Lightness counts a quarter: shading alone (lit crown) is no hat.
        d_top = Gauss(robust(lab[top]), (12.0, 3.0, 3.0)).dist(lab)
        other = side & (d_top > 4.0)
        if other.sum() >= max(min_seed, 0.2 * side.sum()):
            mt, mo = np.median(lab[top], axis=0), np.median(lab[other], axis=0)
            shadow = mo[0] < mt[0] and float(np.hypot(mo[1], mo[2])) < 8.0
            if not shadow and np.linalg.norm((mo - mt) * [0.25, 1.0, 1.0]) > 18:
                hat, side = d_top < 3.0, other
    seed = side if hat is not None else top | side
    if seed.sum() < min_seed:
        return out  # bald, shaved, or the person mask stops at the forehead

    region = person & ~face_core & ~ear_skin
    gc = np.full(shape, cv2.GC_BGD, np.uint8)
    above = (rows < p[152, 1]) & np.ones((1, shape[1]), bool)  # above the chin
    gc[region & above] = cv2.GC_PR_FGD
    # Shoulders: undecided only where the colour is near the seeds' (long hair), else sure not hair.
    # This also keeps GrabCut's max-flow small: it slows down a lot on large undecided areas.
    near = Gauss(robust(lab[seed]), (6.0, 3.0, 3.0)).dist(lab) < 4.0
    gc[region & ~above & near] = cv2.GC_PR_BGD
    gc[region & (d_skin < 2.0)] = cv2.GC_PR_BGD  # neck
    gc[seed] = cv2.GC_FGD
    if hat is not None:
        gc[hat & ~seed] = cv2.GC_BGD
    # GrabCut on a small copy: its cost grows with the pixel count, hair needs no fine detail here.
    zh, zw = shape
    # Max-flow time grows fast with the undecided area: cap it (~10k pixels) as well as the side.
    undecided = max(1, int(((gc == cv2.GC_PR_FGD) | (gc == cv2.GC_PR_BGD)).sum()))
    f = min(1.0, 200 / max(zh, zw), float(np.sqrt(10000 / undecided)))
    size = (max(1, round(zw * f)), max(1, round(zh * f)))
    img_s = cv2.resize(np.ascontiguousarray(img), size, interpolation=cv2.INTER_AREA)
    gc_s = cv2.resize(gc, size, interpolation=cv2.INTER_NEAREST)
    if not ((gc_s == cv2.GC_FGD).any() and (gc_s == cv2.GC_BGD).any()):
        return out
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(1234)  # GrabCut's k-means draws from OpenCV's RNG: fix it for deterministic output
    cv2.grabCut(img_s, gc_s, None, bgd, fgd, 2, cv2.GC_INIT_WITH_MASK)
    fg = ((gc_s == cv2.GC_FGD) | (gc_s == cv2.GC_PR_FGD)).astype(np.uint8) * 255
    fg = cv2.resize(fg, (zw, zh), interpolation=cv2.INTER_LINEAR) >= 128
    fg &= region & ~features
    # Keep what is connected to the seeds, close small gaps, fill highlights enclosed by hair.
    n, cc = cv2.connectedComponents(fg.astype(np.uint8), connectivity=8)
    ids = np.unique(cc[fg & seed])
    fg = np.isin(cc, ids[ids > 0])
    k = kernel(odd(0.03 * fw))
    fg = cv2.morphologyEx(fg.astype(np.uint8), cv2.MORPH_CLOSE, k).astype(bool)
    fg = fill_holes(fg, 0.05 * fw * fh) & region & ~features
    if fg.sum() >= min_seed:
        # Hair beside the face down to the jaw is often in shadow, darker than the seeds at the top:
        # GrabCut gives it to the dark clothes. Take what there is of the found hair's colour (lightness
        # counts little) and not skin, joined to the hair. Ears are about as light as the face: brown
        # hair there, of a skin-like hue but much darker, is hair.
        darker = lab[..., 0] < float(skin_lab[0]) - EAR_DARKER
        beside = ear_zone(shape, p, centre, fw, SIDE_HAIR_WIDTH) & person & ~face_core & ~features
        beside &= (~ear_skin & (d_skin > 4.5)) | darker
        like = Gauss(robust(lab[fg]), (20.0, 4.0, 4.0)).dist(lab) < 3.5
        extra = keep_components(beside & like & ~fg, SIDE_HAIR_MIN * fw * fh)  # not a shadow or a glasses arm
        fg = touching(fg | extra, seed)
    if _sure(fg, d_skin, fw * fh):
        out[zs] = fg
    return out


def _sure(hair: np.ndarray, d_skin: np.ndarray, face_area: float) -> bool:
    """Enough hair, and hair that does not look like the face's skin."""
    n = int(hair.sum())
    return n >= 0.01 * face_area and float(np.median(d_skin[hair])) >= 2.0
