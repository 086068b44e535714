"""Local servers that speak the remote WebUI's and OpenAI's image protocols, for real-HTTP tests.

`FakeWebUI` answers like A1111 1.10 with ControlNet and ReActor: `/sdapi/v1/scripts`, `options`,
`script-info`, `progress`, `interrupt`, ControlNet's `module_list`/`model_list`, and `img2img`, which
paints the masked region (and, like a VAE round trip, nudges every other pixel) at the size A1111
would return: the original size for "Only masked", else width x height.
"""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from typing import Any

import numpy as np
from PIL import Image
from werkzeug import Request, Response

PAINT = (200, 20, 20)


def b64_to_array(data: str, mode: str = "RGB") -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data.split(",", 1)[-1]))).convert(mode))


def array_to_b64(arr: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def fake_generate(init: np.ndarray, mask: np.ndarray | None, size: tuple[int, int], only_masked: bool) -> np.ndarray:
    """What a generation changes: every pixel a little, the masked ones to PAINT."""
    out = init.astype(np.int16) + 3
    if mask is not None:
        out[mask > 127] = PAINT
    out = np.clip(out, 0, 255).astype(np.uint8)
    if not only_masked:
        out = np.asarray(Image.fromarray(out).resize(size))
    return out


class FakeWebUI:
    def __init__(self, server: Any, *, controlnet: bool = True, face_swap: str | None = "reactor",
                 checkpoint: str = "v1-5-pruned-emaonly.safetensors [6ce0161689]", auth: tuple[str, str] | None = None,
                 delay: float = 0.0):
        self.server, self.auth, self.delay = server, auth, delay
        self.controlnet, self.face_swap, self.checkpoint = controlnet, face_swap, checkpoint
        self.bodies: list[dict[str, Any]] = []
        self.interrupted = threading.Event()
        self.progress_polls = 0
        for method, path, fn in (
            ("GET", "/sdapi/v1/scripts", self.scripts), ("GET", "/sdapi/v1/options", self.options),
            ("GET", "/sdapi/v1/script-info", self.script_info), ("GET", "/sdapi/v1/progress", self.progress),
            ("POST", "/sdapi/v1/interrupt", self.interrupt), ("POST", "/sdapi/v1/img2img", self.img2img),
            ("GET", "/controlnet/module_list", self.modules), ("GET", "/controlnet/model_list", self.models),
        ):
            server.expect_request(path, method=method).respond_with_handler(self._guard(fn))

    @property
    def url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def _guard(self, fn):
        def handler(request: Request) -> Response:
            if self.auth and (request.authorization is None or
                              (request.authorization.username, request.authorization.password) != self.auth):
                return Response(json.dumps({"detail": "Incorrect username or password"}), 401,
                                {"WWW-Authenticate": "Basic"}, content_type="application/json")
            return fn(request)
        return handler

    @staticmethod
    def _json(data: Any, status: int = 200) -> Response:
        return Response(json.dumps(data), status, content_type="application/json")

    def scripts(self, request: Request) -> Response:
        titles = ["refiner", "seed", "sampler"] + (["controlnet"] if self.controlnet else []) + ([self.face_swap] if self.face_swap else [])
        return self._json({"txt2img": titles, "img2img": titles})

    def options(self, request: Request) -> Response:
        return self._json({"sd_model_checkpoint": self.checkpoint, "samples_format": "png"})

    def script_info(self, request: Request) -> Response:
        reactor = [None, False, "0", "0", "inswapper_128.onnx", "CodeFormer", 1, True, "None", 1, 1, False, True, 1,
                   0, 0, False, 0.5, True, False, "CUDA", False, 0, "None", "", None, False, False, 0.5, 0, "tab_single"]
        roop = [None, False, "0", "/remote/models/roop/inswapper_128.onnx", "None", 1, "None", 1, 1, False, True]
        args = {"reactor": reactor, "roop": roop}.get(self.face_swap or "", [])
        return self._json([{"name": self.face_swap, "is_alwayson": True, "is_img2img": True,
                            "args": [{"label": f"a{i}", "value": v} for i, v in enumerate(args)]}] if args else [])

    def progress(self, request: Request) -> Response:
        self.progress_polls += 1
        return self._json({"progress": 0.3, "state": {"sampling_step": 3, "sampling_steps": 10, "job_count": 1}})

    def interrupt(self, request: Request) -> Response:
        self.interrupted.set()
        return self._json({})

    def modules(self, request: Request) -> Response:
        names = ["none", "inpaint_only", "inpaint_only+lama", "lineart_realistic", "canny"]
        return self._json({"module_list": names}) if request.args.get("alias_names") == "true" else self._json({"module_list": []})

    def models(self, request: Request) -> Response:
        return self._json({"model_list": ["control_v11p_sd15_inpaint [ebff9138]", "control_v11p_sd15_lineart [43d4be0d]"]})

    def img2img(self, request: Request) -> Response:
        body = json.loads(request.get_data())
        self.bodies.append(body)
        if self.delay:
            self.interrupted.wait(self.delay)
        init = b64_to_array(body["init_images"][0])
        mask = b64_to_array(body["mask"], "L") if body.get("mask") else None
        if self.interrupted.is_set():
            mask = None  # an interrupted job returns what it has
        out = fake_generate(init, mask, (body["width"], body["height"]), bool(body.get("inpaint_full_res")))
        info = {"seed": 1234, "infotexts": [f"{body['prompt']}\nSteps: {body['steps']}, Seed: 1234"]}
        return self._json({"images": [array_to_b64(out)], "parameters": {}, "info": json.dumps(info)})


def slow(seconds: float):
    def handler(request: Request) -> Response:
        time.sleep(seconds)
        return Response("{}", 200, content_type="application/json")
    return handler


class FakeOpenAIImages:
    """POST /v1/images/edits as OpenAI answers it: multipart image, mask, model, prompt, size; the
    mask's transparent pixels are painted, the rest nudged (the model redraws everything a little)."""

    def __init__(self, server: Any, *, as_url: bool = False):
        self.server, self.as_url = server, as_url
        self.calls: list[dict[str, Any]] = []
        server.expect_request("/v1/images/edits", method="POST").respond_with_handler(self.edit)

    @property
    def base_url(self) -> str:
        return self.server.url_for("/v1")

    def edit(self, request: Request) -> Response:
        image = Image.open(request.files["image"].stream)
        mask = Image.open(request.files["mask"].stream)
        call = {"form": dict(request.form), "image_mode": image.mode, "image_size": image.size, "mask_mode": mask.mode,
                "mask_alpha": np.asarray(mask.convert("RGBA"))[..., 3].copy(), "auth": request.headers.get("Authorization")}
        self.calls.append(call)
        out = fake_generate(np.asarray(image.convert("RGB")), 255 - call["mask_alpha"], image.size, True)
        if self.as_url:
            self.server.expect_request("/result.png").respond_with_data(base64.b64decode(array_to_b64(out)), content_type="image/png")
            return Response(json.dumps({"created": 1, "data": [{"url": self.server.url_for("/result.png")}]}), content_type="application/json")
        return Response(json.dumps({"created": 1, "data": [{"b64_json": array_to_b64(out)}]}), content_type="application/json")
