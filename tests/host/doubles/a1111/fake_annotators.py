"""What the fake extensions "detect": face boxes for ReActor/roop, and the colour maps of the
segmentation preprocessors. Shared by the A1111 and Forge doubles."""

import numpy as np
from PIL import Image

FACES = []  # (x0, y0, x1, y1) as fractions of the picture; the test sets them
SKY, TREE, PERSON_ADE = (6, 230, 230), (4, 200, 3), (150, 5, 61)
OUTLINE = (255, 255, 240)  # the visualiser's off-white contour, in no palette


def swap_faces(source, target, faces_index):
    """Paint each chosen face (numbered left to right, as both extensions sort them) with the mean
    colour of the source picture."""
    colour = np.asarray(source.convert("RGB") if hasattr(source, "convert") else source).reshape(-1, 3).mean(axis=0)
    out = np.asarray(target.convert("RGB")).copy()
    h, w = out.shape[:2]
    for i, (x0, y0, x1, y1) in enumerate(sorted(FACES)):
        if i in faces_index:
            out[int(y0 * h):int(y1 * h), int(x0 * w):int(x1 * w)] = colour.astype(np.uint8)
    return Image.fromarray(out)


def seg_map(image, resolution):
    """An ADE20K-coloured map at the preprocessor's resolution: sky on top, trees below, a person on the
    left quarter, and an off-white outline between sky and trees."""
    h, w = np.asarray(image).shape[:2]
    rh = max(8, round(resolution * h / w))
    out = np.zeros((rh, resolution, 3), np.uint8)
    out[: rh // 2] = SKY
    out[rh // 2:] = TREE
    out[:, : resolution // 4] = PERSON_ADE
    out[rh // 2, resolution // 4:] = OUTLINE
    return out
