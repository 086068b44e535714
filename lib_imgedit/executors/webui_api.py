"""The `webui_api` executor: the same img2img request, sent to a remote WebUI's `/sdapi/v1/img2img`.

For a GPU box elsewhere, and as the fallback when the local Stable Diffusion cannot serve. It asks
the remote which scripts, preprocessors and models it has, then sends the ControlNet unit and the
face-swap arguments under `alwayson_scripts`, polls `/sdapi/v1/progress`, and on Interrupt posts
`/sdapi/v1/interrupt`. The result is composited through the mask, so pixels outside it are unchanged.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from ..core import images
from ..core.errors import Interrupted, UpstreamError, UpstreamTimeout
from .base import EditRequest, EditResult, Executor, decode_result
from .families import family_of_name
from .sd_request import (
    SD_OPERATIONS,
    api_body,
    choose_face_swap,
    hard_mask,
    plan_img2img,
    plan_scripts,
)
from .watch import Watcher


def b64png(arr: np.ndarray) -> str:
    return images.png_b64(images.encode_png(arr))


class WebUIApiExecutor(Executor):
    name = "webui_api"
    operations = SD_OPERATIONS
    generative = True
    needs_network = True
    families = ("sd15", "sdxl", "flux_dev", "flux_schnell", "flux_fill")
    description = "a remote WebUI's /sdapi/v1/img2img, with its ControlNet and ReActor/roop"

    # ------------------------------------------------------------ configuration
    @property
    def url(self) -> str:
        return self.settings.webui_api_url.strip().rstrip("/")

    def _auth(self) -> tuple[str, str] | None:
        spec = self.settings.webui_api_auth
        if not spec:
            return None
        user, sep, password = spec.partition(":")
        return (user, password) if sep else None

    def available(self) -> tuple[bool, str]:
        if not self.url:
            return False, "no remote WebUI URL is set (setting webui_api_url)"
        if not self.url.startswith(("http://", "https://")):
            return False, f"the remote WebUI URL must start with http:// or https://, got {self.url[:60]!r}"
        if self.settings.webui_api_auth and self._auth() is None:
            return False, "the remote WebUI credentials must be user:password"
        return True, ""

    def can_serve(self, request: EditRequest) -> tuple[bool, str]:
        ok, why = super().can_serve(request)
        if ok and request.instruction.operation == "face_swap" and request.source_face is None:
            return False, "face swap needs a source face"
        return ok, why

    def _client(self, timeout: float | None = None) -> Any:
        import httpx

        return httpx.Client(base_url=self.url, auth=self._auth(), timeout=timeout or self.settings.webui_api_timeout)

    # ------------------------------------------------------------ HTTP with clear errors
    def _call(self, client: Any, method: str, path: str, optional: bool = False, **kwargs: Any) -> Any:
        """JSON from the remote; an unreachable host, a timeout or an error reply is an UpstreamError
        (UpstreamTimeout) that names the WebUI and what it said. `optional`: a 404 gives None."""
        import httpx

        try:
            reply = client.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise UpstreamTimeout(f"the remote WebUI at {self.url} did not answer {path} within "
                                  f"{client.timeout.read or self.settings.webui_api_timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise UpstreamError(f"cannot reach the remote WebUI at {self.url}: {exc}") from None
        if optional and reply.status_code == 404:
            return None
        if reply.status_code in (401, 403):
            raise UpstreamError(f"the remote WebUI at {self.url} refused the credentials ({reply.status_code}): "
                                "check the setting webui_api_auth (user:password)")
        if reply.status_code >= 400:
            raise UpstreamError(f"the remote WebUI answered {reply.status_code} to {path}: {_detail(reply)}")
        try:
            return reply.json()
        except ValueError:
            raise UpstreamError(f"the remote WebUI's answer to {path} is not JSON: {reply.text[:200]!r}") from None

    # ------------------------------------------------------------ the edit
    def run(self, request: EditRequest) -> EditResult:
        instr = request.instruction
        with self._client() as client:
            titles = (self._call(client, "GET", "/sdapi/v1/scripts") or {}).get("img2img") or []
            checkpoint = str((self._call(client, "GET", "/sdapi/v1/options", optional=True) or {}).get("sd_model_checkpoint") or "")
            sdxl = family_of_name(checkpoint) if checkpoint else None
            plan = plan_img2img(request, sdxl)
            cn = None
            if "controlnet" in titles:
                cn = ((self._call(client, "GET", "/controlnet/module_list", optional=True, params={"alias_names": "true"}) or {}).get("module_list") or [],
                      (self._call(client, "GET", "/controlnet/model_list", optional=True) or {}).get("model_list") or [])
            swap = None
            if instr.operation == "face_swap":
                title = choose_face_swap(titles, self.settings.face_swap_extension)
                swap = (title, self._script_defaults(client, title), None) if title else None
            scripts = plan_scripts(request, plan, f"the remote WebUI at {self.url}", controlnet=cn, sdxl=sdxl, face_swap=swap,
                                   source=b64png(request.source_face) if swap else None)
            body = api_body(plan, b64png(request.image), b64png(hard_mask(request.mask)), scripts.args)
            reply = self._generate(body, request)
        out = _first_image(reply)
        info = _info(reply)
        return EditResult(request.composite(out), self.name, {
            "seed": info.get("seed"), "steps": plan.steps, "sampler": plan.sampler_name, "model": checkpoint or None,
            "controlnet": scripts.controlnet, "face_swap": scripts.face_swap,
            "denoising_strength": plan.denoising_strength, "remote": self.url, "notes": scripts.notes,
            "parameters": (info.get("infotexts") or [""])[0],  # the remote's parameters text, for the PNG
        })

    def _generate(self, body: dict[str, Any], request: EditRequest) -> dict[str, Any]:
        """POST the img2img call while a watcher reports the remote's progress and interrupts it on cancel."""
        with self._client(timeout=10) as side:
            def tick() -> None:
                if request.progress is None:
                    return
                state = (self._call(side, "GET", "/sdapi/v1/progress", params={"skip_current_image": "true"}) or {}).get("state") or {}
                steps = int(state.get("sampling_steps") or 0)
                if steps:
                    request.progress(int(state.get("sampling_step") or 0), steps, "remote WebUI")

            watcher = Watcher(tick, request.cancel, lambda: self._call(side, "POST", "/sdapi/v1/interrupt"))
            with watcher, self._client() as client:
                reply = self._call(client, "POST", "/sdapi/v1/img2img", json=body)
        if watcher.cancelled:
            raise Interrupted("the edit was interrupted")
        return reply

    def _script_defaults(self, client: Any, title: str) -> list[Any] | None:
        """The remote UI's default arguments of a script (its face restorer, device, model path)."""
        infos = self._call(client, "GET", "/sdapi/v1/script-info", optional=True) or []
        for item in infos:
            if str(item.get("name", "")).lower() == title and item.get("is_img2img"):
                return [a.get("value") for a in item.get("args") or []]
        return None


def _detail(reply: Any) -> str:
    try:
        data = reply.json()
    except ValueError:
        return reply.text[:300] or reply.reason_phrase
    if isinstance(data, dict):
        for key in ("detail", "error", "errors", "message"):
            if data.get(key):
                return str(data[key])[:300]
    return json.dumps(data)[:300]


def _first_image(reply: dict[str, Any]) -> np.ndarray:
    found = reply.get("images") if isinstance(reply, dict) else None
    if not found or not isinstance(found[0], str):
        raise UpstreamError("the remote WebUI answered without an image")
    return decode_result(found[0], "the remote WebUI")


def _info(reply: dict[str, Any]) -> dict[str, Any]:
    try:
        info = json.loads(reply.get("info") or "{}")
    except (TypeError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}
