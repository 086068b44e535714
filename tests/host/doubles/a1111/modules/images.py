"""modules/images.py: save_image writes the PNG with its infotext in the `parameters` chunk."""

import os

from PIL import PngImagePlugin

saved = []  # the double records (path, info)


def save_image(image, path, basename, seed=None, prompt=None, extension="png", info=None, short_filename=False,
               no_prompt=False, grid=False, pnginfo_section_name="parameters", p=None, existing_info=None,
               forced_filename=None, suffix="", save_to_dirs=None):
    os.makedirs(path, exist_ok=True)
    fullfn = os.path.join(path, f"{len(saved):05d}-{seed}.{extension}")
    meta = PngImagePlugin.PngInfo()
    if info is not None:
        meta.add_text(pnginfo_section_name, info)
    image.save(fullfn, pnginfo=meta)
    saved.append((fullfn, info))
    return fullfn, None
