import base64
import io

import numpy as np
import pytest
from PIL import Image

from lib_imgedit.core import images
from lib_imgedit.core.errors import InvalidImage, PayloadTooLarge

LIMITS = dict(max_pixels=36_000_000, max_side=16384)


def png(img: Image.Image, fmt="PNG", **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def test_plain_rgb():
    raw = png(Image.new("RGB", (5, 4), (10, 20, 30)))
    out = images.load_image(raw, **LIMITS)
    assert out.size == (5, 4) and out.mode == "RGB" and out.getpixel((0, 0)) == (10, 20, 30)


@pytest.mark.parametrize("raw,err", [
    (b"", InvalidImage), (b"hello, not an image", InvalidImage),
    (png(Image.new("RGB", (64, 64)))[:60], InvalidImage),
])
def test_broken_inputs(raw, err):
    with pytest.raises(err):
        images.load_image(raw, **LIMITS)


def test_corrupt_jpeg_body():
    raw = bytearray(png(Image.new("RGB", (64, 64), (200, 10, 10)), "JPEG"))
    raw = bytes(raw[: len(raw) // 2])
    with pytest.raises(InvalidImage):
        images.load_image(raw, **LIMITS)


def test_too_large_is_refused_from_the_header():
    # a 20000x20000 PNG compresses to a few hundred kB; it must be refused before decoding
    raw = png(Image.new("1", (20000, 20000)))
    with pytest.raises(PayloadTooLarge, match="400 megapixels"):
        images.load_image(raw, **LIMITS)
    with pytest.raises(PayloadTooLarge):
        images.load_image(png(Image.new("RGB", (50000, 2))), **LIMITS)


@pytest.mark.parametrize("mode", ["I;16", "CMYK", "P", "RGBA", "LA", "L"])
def test_modes_become_rgb(mode):
    img = Image.new(mode, (6, 6))
    out = images.load_image(png(img, "TIFF" if mode == "CMYK" else "PNG"), **LIMITS)
    assert out.mode == "RGB" and out.size == (6, 6)


def test_exif_orientation_is_applied():
    img = Image.new("RGB", (40, 20), (255, 0, 0))
    img.paste((0, 0, 255), (0, 0, 20, 20))  # left half blue
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    out = images.load_image(png(img, "JPEG", exif=exif.tobytes(), quality=95), **LIMITS)
    assert out.size == (20, 40)
    top = np.asarray(out)[2, 10]
    assert top[2] > 150 and top[0] < 100  # the blue half is now on top


def test_alpha_composited_on_white():
    img = Image.new("RGBA", (2, 2), (0, 0, 0, 0))
    assert images.load_image(png(img), **LIMITS).getpixel((0, 0)) == (255, 255, 255)


def test_base64_and_data_url():
    raw = png(Image.new("RGB", (2, 2)))
    b64 = base64.b64encode(raw).decode()
    assert images.decode_base64(b64, 10**6) == raw
    assert images.decode_base64("data:image/png;base64," + b64, 10**6) == raw
    with pytest.raises(InvalidImage):
        images.decode_base64("***not base64***", 10**6)
    with pytest.raises(InvalidImage):
        images.decode_base64("", 10**6)
    with pytest.raises(PayloadTooLarge):
        images.decode_base64("A" * 4000, 100)


def test_png_infotext_round_trip():
    raw = images.encode_png(np.zeros((3, 3, 3), np.uint8), "Chat Edit: {}")
    assert Image.open(io.BytesIO(raw)).info["parameters"] == "Chat Edit: {}"


def test_mask_from_brush_layer_and_grayscale():
    rgba = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    rgba.putpixel((1, 1), (255, 255, 255, 255))
    m = images.load_mask(png(rgba), (4, 4))
    assert m.sum() == 1 and m[1, 1]
    gray = Image.new("L", (4, 4), 0)
    gray.putpixel((2, 3), 255)
    assert images.load_mask(png(gray), (4, 4))[3, 2]
    with pytest.raises(InvalidImage):
        images.load_mask(png(gray), (5, 5))
