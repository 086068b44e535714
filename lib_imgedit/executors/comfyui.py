"""The `comfyui` executor: every generative edit as a ComfyUI workflow (defaults/workflows/*.json,
or the user's own in <data dir>/workflows/), on the server the settings name.

One edit: pick the workflow for the operation; ask the server's /object_info whether it has the
workflow's node types and model files (before anything runs: a missing one is named in one sentence);
upload the picture and mask; fill the slots (prompt or instruction, seed, steps, size, models); POST
/prompt with our websocket open; report its progress messages; on Interrupt stop the prompt; fetch
the output through /history and /view; put it back through the mask (`EditRequest.composite`).
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from ..core import images
from ..core.errors import UpstreamError
from .base import EditRequest, EditResult, Executor, decode_result
from .comfy_client import ComfyClient, first_image
from .comfy_workflows import Workflow, WorkflowError, pairs, whats_missing, workflow_for
from .families import family, family_of_name, prompt_for
from .sd_request import REMOVE_NEGATIVE, REMOVE_PROMPT, hard_mask, working_size


class ComfyUIExecutor(Executor):
    name = "comfyui"
    operations = ("inpaint", "remove", "restyle")
    generative = True
    needs_network = True
    prompt_style = "description"  # the shipped default (SD inpaint); each workflow declares its own
    families = ("sd15", "sdxl", "flux_fill", "flux_kontext", "qwen_image_edit")
    description = "a ComfyUI server, through workflow templates (SD/SDXL and Flux Fill inpaint, Kontext and Qwen-Image-Edit)"

    @property
    def url(self) -> str:
        return self.settings.comfyui_url.strip().rstrip("/")

    def available(self) -> tuple[bool, str]:
        if not self.url:
            return False, "no ComfyUI URL is set (setting comfyui_url)"
        if not self.url.startswith(("http://", "https://")):
            return False, f"the ComfyUI URL must start with http:// or https://, got {self.url[:60]!r}"
        return True, ""

    def can_serve(self, request: EditRequest) -> tuple[bool, str]:
        ok, why = super().can_serve(request)
        if not ok:
            return ok, why
        try:
            if self.workflow(request.instruction.operation) is None:
                return False, f"no ComfyUI workflow serves {request.instruction.operation}"
        except WorkflowError as exc:  # a broken or missing user workflow: say so, let the next executor serve
            return False, exc.message
        return True, ""

    def workflow(self, operation: str) -> Workflow | None:
        return workflow_for(operation, self.settings.comfyui_operations, self.settings.data_dir)

    def client(self) -> ComfyClient:
        return ComfyClient(self.url, self.settings.comfyui_auth_header, self.settings.comfyui_timeout)

    # ------------------------------------------------------------ the edit
    def run(self, request: EditRequest) -> EditResult:
        wf = self.workflow(request.instruction.operation)
        if wf is None:
            raise UpstreamError(f"no ComfyUI workflow serves {request.instruction.operation}")
        client_id = uuid.uuid4().hex
        with self.client() as client:
            values, fam = slot_values(wf, request, pairs(self.settings.comfyui_models))
            missing = whats_missing(wf, wf.filled(values), client.object_info())
            if missing and client.info_cached:  # maybe added since we last asked
                missing = whats_missing(wf, wf.filled(values), client.object_info(fresh=True))
            if missing:
                raise UpstreamError(missing[:1].upper() + missing[1:] + ".")
            values["image"] = client.upload(f"imgedit_{client_id}.png", images.encode_png(request.image))
            if "mask" in wf.slots:
                mask = hard_mask(request.mask)
                values["mask"] = client.upload(f"imgedit_{client_id}_mask.png", images.encode_png(
                    mask[..., None].repeat(3, axis=2)))
            graph = wf.filled(values)
            text = f"ComfyUI {wf.name}"

            def progress(done: int, total: int) -> None:
                if request.progress is not None and total:
                    request.progress(done, total, text)

            with client.connect(client_id) as ws:
                prompt_id = client.submit(graph, client_id)
                entry = client.wait(ws, prompt_id, progress, request.cancel)
            out = decode_result(client.view(first_image(entry)), "ComfyUI")
        model = next((v for k, v in values.items() if k in wf.models), None) or _first_model(wf, graph)
        return EditResult(request.composite(out), self.name, {
            "workflow": wf.name, "family": fam, "prompt_style": wf.prompt_style,
            "seed": values.get("seed"), "steps": values.get("steps"), "model": model, "remote": self.url,
            "prompt": values.get("prompt"), "size": [out.shape[1], out.shape[0]], "prompt_id": prompt_id,
        })


def slot_values(wf: Workflow, request: EditRequest, models: dict[str, str]) -> tuple[dict[str, Any], str]:
    """(what goes into the workflow's slots for this request, its model family); the picture and mask
    come at upload."""
    instr, s = request.instruction, request.settings
    fam_key = wf.family
    if fam_key in ("sd15", "sdxl"):  # one template for both: the checkpoint's name says which
        fam_key = family_of_name(models.get("ckpt") or _first_model(wf, wf.graph) or "")
    fam = family(fam_key)
    prompt = prompt_for(instr, wf.prompt_style, request.said)
    negative = instr.negative_prompt
    if instr.operation == "remove" and wf.prompt_style != "instruction":
        prompt = prompt or REMOVE_PROMPT
        negative = ", ".join(x for x in (REMOVE_NEGATIVE, negative) if x)
    h, w = request.image.shape[:2]
    width, height = working_size(w / h, s.sd_resolution or fam.side)
    if fam_key.startswith(("flux", "qwen")):  # their latents are 16 px per cell
        width, height = max(64, width // 16 * 16), max(64, height // 16 * 16)
    values: dict[str, Any] = {
        "prompt": prompt, "negative": negative, "seed": random.randrange(2**32), "steps": fam.steps or s.steps,
        "cfg": s.cfg_scale if fam.cfg is None else fam.cfg, "denoise": round(request.strength(), 3),
        "guidance": fam.distilled_cfg, "width": width, "height": height,
    }
    values.update({slot: file for slot, file in models.items() if slot in wf.models})
    return {k: v for k, v in values.items() if k in wf.slots}, fam.key


def _first_model(wf: Workflow, graph: dict[str, Any]) -> str | None:
    places = wf.model_places(graph)
    return places[0][3] if places else None
