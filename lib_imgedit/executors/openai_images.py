"""The `openai_images` executor: OpenAI's image-edit endpoint (gpt-image-1 or DALL-E 2), the last
generative fallback, and any server that speaks that protocol.

The picture is letterboxed into a size the model takes (padding copies the edge and is never edited),
the mask goes as a PNG whose transparent pixels are the ones to edit, and the answer is cropped,
scaled back and composited through the request's mask, so pixels outside it are unchanged.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from ..core import images
from ..core.errors import Interrupted, UpstreamError, UpstreamTimeout
from .base import EditRequest, EditResult, Executor, decode_result
from .families import INSTRUCTION, imperative
from .sd_request import REMOVE_PROMPT

DALLE2_SIDES = (256, 512, 1024)
DALLE2_MAX_BYTES = 4 * 1024 * 1024  # the endpoint's limit per file
GPT_IMAGE_SIZES = ((1024, 1024), (1536, 1024), (1024, 1536))


def canvas_size(model: str, width: int, height: int) -> tuple[int, int]:
    """The size the model is asked for: DALL-E 2 takes squares of 256, 512 or 1024 (the smallest
    that holds the picture); gpt-image-1 takes 1024x1024, 1536x1024 or 1024x1536 (nearest aspect)."""
    if model == "dall-e-2":
        side = next((s for s in DALLE2_SIDES if max(width, height) <= s), DALLE2_SIDES[-1])
        return side, side
    aspect = width / height
    return min(GPT_IMAGE_SIZES, key=lambda wh: abs(np.log(wh[0] / wh[1]) - np.log(aspect)))


@dataclass
class Letterbox:
    """Where the picture sits on the model's canvas."""

    size: tuple[int, int]  # canvas (w, h)
    box: tuple[int, int, int, int]  # x, y, w, h of the picture on it

    @classmethod
    def fit(cls, width: int, height: int, size: tuple[int, int]) -> Letterbox:
        scale = min(size[0] / width, size[1] / height)
        w, h = max(1, round(width * scale)), max(1, round(height * scale))
        return cls(size, ((size[0] - w) // 2, (size[1] - h) // 2, w, h))

    def place(self, image: np.ndarray, interpolation: int) -> np.ndarray:
        """`image` scaled into the box; the rest of the canvas repeats the edge pixels."""
        x, y, w, h = self.box
        small = cv2.resize(image, (w, h), interpolation=interpolation)
        return cv2.copyMakeBorder(small, y, self.size[1] - h - y, x, self.size[0] - w - x, cv2.BORDER_REPLICATE)

    def take(self, canvas: np.ndarray) -> np.ndarray:
        """The picture's box out of the model's answer (scaled to the canvas first if it is not)."""
        if canvas.shape[1::-1] != self.size:
            canvas = cv2.resize(canvas, self.size, interpolation=cv2.INTER_LANCZOS4)
        x, y, w, h = self.box
        return canvas[y:y + h, x:x + w]


def edit_pngs(request: EditRequest, frame: Letterbox) -> tuple[bytes, bytes]:
    """(image, mask) PNGs for the endpoint: the picture as RGBA (DALL-E 2 refuses RGB), and a mask
    that is transparent where the request edits and opaque elsewhere, padding included."""
    rgb = frame.place(request.image, cv2.INTER_AREA)
    image = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    x, y, w, h = frame.box
    edit = np.zeros(frame.size[::-1], bool)
    edit[y:y + h, x:x + w] = cv2.resize((request.mask > 0).astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0
    mask = np.zeros(frame.size[::-1] + (4,), np.uint8)
    mask[..., 3] = np.where(edit, 0, 255)
    return images.encode_png(image), images.encode_png(mask)


def edit_prompt(request: EditRequest, model: str) -> str:
    """gpt-image-1 is an instruction-edit model: it gets the plan as an instruction; DALL-E 2 fills the
    mask from a description of the region."""
    instr = request.instruction
    if model == "gpt-image-1":
        return imperative(instr, request.said)
    if instr.operation == "remove":
        return instr.prompt or REMOVE_PROMPT
    if instr.operation == "restyle":
        return f"The same picture, same composition and subjects, redrawn as {instr.prompt}"
    return instr.prompt


class OpenAIImagesExecutor(Executor):
    name = "openai_images"
    operations = ("inpaint", "remove", "restyle")
    generative = True
    needs_network = True
    prompt_style = INSTRUCTION  # gpt-image-1, the default model (DALL-E 2 gets a description: edit_prompt)
    description = "OpenAI's image-edit API (gpt-image-1 or DALL-E 2), the mask sent as alpha"

    def _key(self) -> str:
        return self.settings.openai_api_key or os.environ.get("OPENAI_API_KEY", "")

    def available(self) -> tuple[bool, str]:
        if not self._key() and not self.settings.openai_images_base_url:
            return False, "no OpenAI API key is set (setting openai_api_key, or OPENAI_API_KEY)"
        return True, ""

    def run(self, request: EditRequest) -> EditResult:
        import openai

        s = self.settings
        model = s.openai_images_model
        h, w = request.image.shape[:2]
        frame = Letterbox.fit(w, h, canvas_size(model, w, h))
        image_png, mask_png = edit_pngs(request, frame)
        if model == "dall-e-2" and max(len(image_png), len(mask_png)) > DALLE2_MAX_BYTES:
            frame = Letterbox.fit(w, h, (512, 512))
            image_png, mask_png = edit_pngs(request, frame)
        kwargs: dict[str, Any] = {"model": model, "prompt": edit_prompt(request, model), "n": 1,
                                  "size": f"{frame.size[0]}x{frame.size[1]}",
                                  "image": ("image.png", image_png, "image/png"), "mask": ("mask.png", mask_png, "image/png")}
        if model == "dall-e-2":
            kwargs["response_format"] = "b64_json"  # gpt-image-1 always answers base64 and refuses the field
        client = openai.OpenAI(api_key=self._key() or "unused", base_url=s.openai_images_base_url or None,
                               timeout=s.openai_images_timeout, max_retries=0)
        if request.progress:
            request.progress(0, 1, f"OpenAI {model}")
        try:
            reply = client.images.edit(**kwargs)
        except openai.APITimeoutError:
            raise UpstreamTimeout(f"the OpenAI image API did not answer within {s.openai_images_timeout:g} s") from None
        except openai.APIStatusError as exc:
            raise UpstreamError(f"the OpenAI image API answered {exc.status_code}: {_message(exc)}") from None
        except openai.APIConnectionError as exc:
            raise UpstreamError(f"cannot reach the OpenAI image API: {exc}") from None
        if request.cancel is not None and request.cancel.is_set():
            raise Interrupted("the edit was interrupted")
        out = frame.take(self._image(reply))
        if request.progress:
            request.progress(1, 1, f"OpenAI {model}")
        return EditResult(request.composite(out), self.name, {"model": model, "size": kwargs["size"]})

    def _image(self, reply: Any) -> np.ndarray:
        item = (getattr(reply, "data", None) or [None])[0]
        if item is not None and getattr(item, "b64_json", None):
            return decode_result(item.b64_json, "the OpenAI image API")
        if item is not None and getattr(item, "url", None):
            import httpx

            try:
                got = httpx.get(item.url, timeout=self.settings.openai_images_timeout)
                got.raise_for_status()
            except httpx.HTTPError as exc:
                raise UpstreamError(f"cannot fetch the OpenAI image result: {exc}") from None
            return decode_result(got.content, "the OpenAI image API")
        raise UpstreamError("the OpenAI image API answered without an image")


def _message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])[:300]
    return str(getattr(exc, "message", exc))[:300]
