"""Decoding untrusted images safely, and encoding results."""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings

import numpy as np
from PIL import Image, ImageOps, PngImagePlugin, UnidentifiedImageError

from .errors import InvalidImage, PayloadTooLarge

_DATA_URL = re.compile(r"^data:[\w/+.-]*;base64,", re.I)


def decode_base64(data: str, max_bytes: int) -> bytes:
    """Bytes from a base64 string (a `data:` URL prefix is accepted); checks the size first."""
    if not isinstance(data, str) or not data.strip():
        raise InvalidImage("no image given: send the picture as a base64 string")
    text = _DATA_URL.sub("", data.strip(), count=1)
    if len(text) * 3 // 4 > max_bytes:
        raise PayloadTooLarge(f"the image is larger than the {max_bytes / 1e6:.1f} MB allowed")
    try:
        return base64.b64decode(re.sub(r"\s+", "", text), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidImage("the image is not valid base64") from None


def load_image(raw: bytes, max_pixels: int, max_side: int, max_bytes: int | None = None) -> Image.Image:
    """A fully decoded RGB image, upright as the user saw it (EXIF orientation applied).

    The size is checked from the header before any pixel is decoded, so a decompression bomb costs
    nothing; truncated or corrupt files raise `InvalidImage`.
    """
    if max_bytes is not None and len(raw) > max_bytes:
        raise PayloadTooLarge(f"the image is larger than the {max_bytes / 1e6:.1f} MB allowed")
    if not raw:
        raise InvalidImage("the image is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(raw))
            w, h = img.size
            if w < 1 or h < 1:
                raise InvalidImage("the image has no pixels")
            if max(w, h) > max_side or w * h > max_pixels:
                raise PayloadTooLarge(
                    f"the image is {w}x{h} pixels; the limit is {max_side} px a side and "
                    f"{max_pixels / 1e6:.0f} megapixels: please downscale it"
                )
            img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        found = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(found.group(1)) / 1e6:.0f} megapixels" if found else "too many pixels"
        raise PayloadTooLarge(
            f"the image has {size}; the limit is {max_pixels / 1e6:.0f} megapixels: please downscale it"
        ) from None
    except UnidentifiedImageError:
        raise InvalidImage("this file is not an image this server can read (PNG, JPEG, WebP, BMP, GIF, TIFF)") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise InvalidImage(f"the image is damaged or truncated ({exc})") from None
    return to_rgb(img)


def to_rgb(img: Image.Image) -> Image.Image:
    """Upright 8-bit RGB from any mode: 16-bit, CMYK, palette, alpha (composited on white)."""
    try:
        img = ImageOps.exif_transpose(img)
    except Exception:  # a broken EXIF block must not reject an otherwise good photo
        pass
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        peak = arr.max() or 1.0
        img = Image.fromarray(np.clip(arr * (255.0 / max(peak, 255.0)), 0, 255).astype(np.uint8), "L")
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA"):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return img.convert("RGB")


def to_array(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("RGB"), dtype=np.uint8).copy()


def to_image(arr: np.ndarray) -> Image.Image:
    return Image.fromarray(np.ascontiguousarray(arr, dtype=np.uint8))


def encode_png(img: Image.Image | np.ndarray, infotext: str | None = None) -> bytes:
    """PNG bytes; `infotext` goes into the `parameters` chunk the WebUI's PNG Info tab reads."""
    if isinstance(img, np.ndarray):
        img = to_image(img)
    meta = None
    if infotext:
        meta = PngImagePlugin.PngInfo()
        meta.add_text("parameters", infotext)
    buf = io.BytesIO()
    img.save(buf, format="PNG", pnginfo=meta, compress_level=4)
    return buf.getvalue()


def png_b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def load_mask(raw: bytes, size: tuple[int, int]) -> np.ndarray:
    """A user-drawn mask (white or opaque = edit) as a boolean array of `size` (w, h)."""
    try:
        img = Image.open(io.BytesIO(raw))
        img.load()
    except Exception:
        raise InvalidImage("the mask is not a readable image") from None
    if img.size != size:
        raise InvalidImage(f"the mask is {img.size[0]}x{img.size[1]} but the image is {size[0]}x{size[1]}")
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        alpha = np.asarray(rgba.getchannel("A"))
        if alpha.min() < 255:  # a brush layer: painted where opaque
            return alpha > 127
    return np.asarray(img.convert("L")) > 127
