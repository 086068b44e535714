"""CPU edits that need no diffusion: tone, filters, recolor, removal (LaMa, else cv2.inpaint).

Every operation computes an edited image and is composited through the mask, so pixels outside
the mask are copied bit for bit.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ..core.colors import parse_color
from ..core.errors import ExecutorUnavailable
from ..core.masks import composite, dilate
from . import lama
from .base import EditRequest, EditResult, Executor

log = logging.getLogger("imgedit")

# Stylisation filters are costly per pixel; they run at most at this size and are scaled back.
_STYLIZE_MAX_PIXELS = 1_500_000


def _diag(img: np.ndarray) -> float:
    return float(np.hypot(img.shape[0], img.shape[1]))


def _luma(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)


def brightness(img: np.ndarray, amount: float) -> np.ndarray:
    """Gamma curve: keeps black and white points, lifts or lowers the mid-tones."""
    gamma = 2.0 ** (-1.3 * amount)
    lut = np.clip(255.0 * (np.arange(256) / 255.0) ** gamma, 0, 255).astype(np.uint8)
    return cv2.LUT(img, lut)


def contrast(img: np.ndarray, amount: float, region: np.ndarray | None = None) -> np.ndarray:
    pivot = float(_luma(img)[region].mean()) if region is not None and region.any() else float(_luma(img).mean())
    factor = np.exp(1.2 * amount)
    return np.clip((img.astype(np.float32) - pivot) * factor + pivot, 0, 255).astype(np.uint8)


def saturation(img: np.ndarray, amount: float) -> np.ndarray:
    lab = cv2.cvtColor(img.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
    lab[..., 1:] *= max(0.0, 1.0 + amount)
    return _from_lab(lab)


def warmth(img: np.ndarray, amount: float) -> np.ndarray:
    lab = cv2.cvtColor(img.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
    lab[..., 2] += 25.0 * amount  # b*: blue-yellow axis
    lab[..., 1] += 6.0 * amount  # a touch of red with the yellow, as warm light has
    return _from_lab(lab)


def _from_lab(lab: np.ndarray) -> np.ndarray:
    rgb = cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)
    return np.clip(rgb * 255.0 + 0.5, 0, 255).astype(np.uint8)


def _gauss(arr: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur; a wide one runs on a downscaled copy (same look, a fraction of the cost)."""
    factor = int(sigma // 6)
    if factor < 2:
        return cv2.GaussianBlur(arr, (0, 0), sigma)
    h, w = arr.shape[:2]
    small = cv2.resize(arr, (max(1, w // factor), max(1, h // factor)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), sigma / factor)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def blur(img: np.ndarray, amount: float, region: np.ndarray | None = None) -> np.ndarray:
    """Gaussian blur; inside `region`, normalised by the region so colours from outside (a person in
    front of a blurred background) do not bleed in as a halo."""
    sigma = max(0.5, amount * 0.03 * _diag(img))
    if region is None or region.all():
        return _gauss(img, sigma)
    w = region.astype(np.float32)
    num = _gauss(img.astype(np.float32) * w[..., None], sigma)
    den = _gauss(w, sigma)
    if den.ndim == 2:
        den = den[..., None]
    out = np.where(den > 1e-3, num / np.maximum(den, 1e-3), img.astype(np.float32))
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def sharpen(img: np.ndarray, amount: float) -> np.ndarray:
    sigma = max(1.0, _diag(img) / 700.0)
    soft = cv2.GaussianBlur(img, (0, 0), sigma)
    return cv2.addWeighted(img, 1.0 + 2.0 * amount, soft, -2.0 * amount, 0)


def pixelate(img: np.ndarray, amount: float) -> np.ndarray:
    h, w = img.shape[:2]
    block = max(2, int(round(amount * min(h, w) / 12)))
    small = cv2.resize(img, (max(1, w // block), max(1, h // block)), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)


def grayscale(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(_luma(img), cv2.COLOR_GRAY2RGB)


def _sepia(img: np.ndarray) -> np.ndarray:
    m = np.array([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]], np.float32)
    return np.clip(img.astype(np.float32) @ m.T, 0, 255).astype(np.uint8)


def _cartoon(img: np.ndarray) -> np.ndarray:
    smooth = img
    for _ in range(3):
        smooth = cv2.bilateralFilter(smooth, 9, 60, 9)
    edges = cv2.adaptiveThreshold(cv2.medianBlur(_luma(img), 7), 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 9, 4)
    quant = (smooth // 32) * 32 + 16
    return cv2.bitwise_and(quant, quant, mask=edges)


def _vintage(img: np.ndarray) -> np.ndarray:
    h, w = img.shape[:2]
    faded = cv2.addWeighted(_sepia(img), 0.55, img, 0.45, 18)
    ys, xs = np.ogrid[:h, :w]
    r = np.sqrt(((xs - w / 2) / (w / 2)) ** 2 + ((ys - h / 2) / (h / 2)) ** 2)
    vignette = np.clip(1.15 - 0.45 * r**2, 0.4, 1.0).astype(np.float32)
    return np.clip(faded * vignette[..., None], 0, 255).astype(np.uint8)


def _emboss(img: np.ndarray) -> np.ndarray:
    k = np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], np.float32)
    return cv2.cvtColor(np.clip(cv2.filter2D(_luma(img), cv2.CV_32F, k) + 128, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2RGB)


_STYLES = {
    "watercolor": lambda im: cv2.stylization(im, sigma_s=60, sigma_r=0.45),
    "pencil": lambda im: cv2.pencilSketch(im, sigma_s=60, sigma_r=0.07, shade_factor=0.05)[1],
    "cartoon": _cartoon,
    "sepia": _sepia,
    "vintage": _vintage,
    "posterize": lambda im: (im // 64) * 64 + 32,
    "emboss": _emboss,
}


def stylize(img: np.ndarray, style: str) -> np.ndarray:
    h, w = img.shape[:2]
    scale = min(1.0, (_STYLIZE_MAX_PIXELS / (h * w)) ** 0.5)
    work = cv2.resize(img, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA) if scale < 1 else img
    out = _STYLES[style](np.ascontiguousarray(work))
    return cv2.resize(out, (w, h), interpolation=cv2.INTER_CUBIC) if scale < 1 else out


# CIELAB (D65, as OpenCV's float conversion) to linear sRGB, to find the chroma sRGB can show
_XYZ_TO_RGB = np.array([[3.240479, -1.537150, -0.498535], [-0.969256, 1.875991, 0.041556],
                        [0.055648, -0.204043, 1.057311]])


def _in_gamut(lightness: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    fy = (lightness + 16.0) / 116.0
    f = np.stack([fy + a / 500.0, fy, fy - b / 200.0])
    xyz = np.where(f > 6 / 29, f**3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) * np.array([0.950456, 1.0, 1.088754])[:, None]
    rgb = _XYZ_TO_RGB @ xyz
    return ((rgb >= -1e-4) & (rgb <= 1 + 1e-4)).all(axis=0)


def max_chroma(hue: float) -> np.ndarray:
    """For L* = 0..100, the largest chroma sRGB can show at this hue (radians), by bisection."""
    lightness = np.arange(101, dtype=np.float64)
    lo, hi = np.zeros(101), np.full(101, 200.0)
    for _ in range(24):
        mid = (lo + hi) / 2
        ok = _in_gamut(lightness, mid * np.cos(hue), mid * np.sin(hue))
        lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
    return lo


def recolor(img: np.ndarray, rgb: tuple[int, int, int], region: np.ndarray, strength: float = 1.0) -> np.ndarray:
    """Give the region the target colour in CIELAB, so a viewer names the colour asked for.

    Lightness: the target's, plus the texture's variations around the region's median (compressed
    near black and white: a white shirt stays white in its shadows); the median, not the mean, so a
    dark collar or helmet inside the region does not make the rest too light. Colour: the target's hue
    (the original hue is dropped: an orange cast under blue reads as lavender), the target's chroma
    fading towards black like a shadow on dyed cloth, and never more than sRGB can show at that
    lightness (clipping an out-of-gamut blue in RGB is what turns it lavender). `strength` is how far
    the lightness moves towards the target's; the colour is always the one asked for (mixed with the
    original in RGB, blue and orange meet in a purplish grey, white and orange in peach)."""
    lab = cv2.cvtColor(img.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
    target = cv2.cvtColor(np.array([[rgb]], np.float32) / 255.0, cv2.COLOR_RGB2LAB)[0, 0].astype(np.float64)
    sel = region if region.any() else np.ones(region.shape, bool)
    reference = float(np.median(lab[..., 0][sel]))
    detail = float(np.clip(min(target[0], 100.0 - target[0]) / 30.0, 0.5, 1.0))
    lightness = np.clip(target[0] + (lab[..., 0] - reference) * detail, 0, 100)
    lightness = lab[..., 0] + (lightness - lab[..., 0]) * strength
    hue, chroma = float(np.arctan2(target[2], target[1])), float(np.hypot(target[1], target[2]))
    shade = np.clip(lightness / max(target[0], 1.0), 0.0, 1.0)
    limit = np.interp(lightness, np.arange(101), max_chroma(hue))
    c = np.minimum(chroma * shade, limit)
    out = np.stack([lightness, c * np.cos(hue), c * np.sin(hue)], axis=-1).astype(np.float32)
    return _from_lab(out)


def remove_small(img: np.ndarray, region: np.ndarray) -> np.ndarray:
    """cv2.inpaint (Telea): smears on anything but small, plain areas; the fallback when LaMa cannot run."""
    grown = dilate(region, max(3, int(_diag(img) / 300))).astype(np.uint8) * 255
    radius = max(3, int(_diag(img) / 150))
    return cv2.inpaint(img, grown, radius, cv2.INPAINT_TELEA)


def apply_adjust(img: np.ndarray, params: dict[str, Any], region: np.ndarray) -> np.ndarray:
    """Apply the adjust parameters in a fixed order: filters, tone, colour, detail."""
    out = img
    if params.get("stylize"):
        out = stylize(out, params["stylize"])
    if params.get("pixelate"):
        out = pixelate(out, params["pixelate"])
    if params.get("blur"):
        out = blur(out, params["blur"], region)
    if params.get("brightness"):
        out = brightness(out, params["brightness"])
    if params.get("contrast"):
        out = contrast(out, params["contrast"], region)
    if params.get("saturation"):
        out = saturation(out, params["saturation"])
    if params.get("warmth"):
        out = warmth(out, params["warmth"])
    if params.get("grayscale"):
        out = grayscale(out)
    if params.get("sharpen"):
        out = sharpen(out, params["sharpen"])
    return out


class LocalExecutor(Executor):
    name = "local"
    operations = ("adjust", "recolor", "remove")
    description = "CPU filters, tone and recolor; removes objects with LaMa (downloaded on first use)"
    inpaint_model: str | Path | None = None  # an .onnx file instead of the downloaded LaMa (tests, benchmarks)

    def _fallback_share(self) -> float:
        return float(self.rules.get("local", {}).get("remove_max_share", 0.06))

    def can_serve(self, request: EditRequest) -> tuple[bool, str]:
        ok, why = super().can_serve(request)
        if not ok or request.instruction.operation != "remove":
            return ok, why
        model_ok, model_why = (True, "") if self.inpaint_model else lama.usable(self.settings)
        limit = lama.max_share() if model_ok else self._fallback_share()
        if request.mask_share > limit:
            fill = "LaMa" if model_ok else f"CPU fill without LaMa ({model_why})"
            return False, f"the region to remove covers {request.mask_share:.0%} of the picture; the {fill} handles up to {limit:.0%}"
        return True, ""

    def _remove(self, request: EditRequest, region: np.ndarray) -> tuple[np.ndarray, dict[str, str]]:
        """LaMa; cv2.inpaint only when LaMa cannot run, and only for an area small enough for it."""
        ok, why = (True, "") if self.inpaint_model else lama.usable(self.settings)
        try:
            if ok:
                path = self.inpaint_model or lama.model_path(self.settings, request.progress)
                return lama.fill(request.image, region, lama.load(path)), {"fill": "lama"}
        except Exception as exc:  # noqa: BLE001 - no onnxruntime, no download, a broken file: say so, then fall back
            why = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        log.warning("LaMa cannot run (%s); removing with cv2.inpaint", why)
        if request.mask_share > self._fallback_share():
            raise ExecutorUnavailable(f"the LaMa model cannot run ({why}); the CPU fill without it handles up to "
                                      f"{self._fallback_share():.0%} of the picture")
        return remove_small(request.image, region), {"fill": "cv2.inpaint", "note": f"LaMa unavailable: {why}"}

    def run(self, request: EditRequest) -> EditResult:
        instr, img = request.instruction, request.image
        region = request.mask > 0
        info: dict[str, Any] = {"operation": instr.operation}
        if request.progress:
            request.progress(0, 1, f"local {instr.operation}")
        if instr.operation == "adjust":
            edited = apply_adjust(img, instr.adjust, region)
        elif instr.operation == "recolor":
            rgb = parse_color(instr.color)
            if rgb is None:  # validation guarantees a colour; keep the check for direct callers
                raise ValueError(f"unknown colour {instr.color!r}")
            edited = recolor(img, rgb, region, float(np.clip(request.strength(), 0.0, 1.0)))
        else:
            edited, more = self._remove(request, region)
            info.update(more)
        # recolor takes its strength in its lightness above; the others blend with the original by it
        alpha = request.mask * (1.0 if instr.operation == "recolor" else float(np.clip(request.strength(), 0.0, 1.0)))
        if request.progress:
            request.progress(1, 1, f"local {instr.operation}")
        return EditResult(composite(img, edited, alpha), self.name, info)
