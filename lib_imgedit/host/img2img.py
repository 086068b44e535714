"""The `host` executor: the edit as an img2img/inpaint run of the WebUI's loaded model, in process.

One edit, in order: wait for the WebUI's `queue_lock` (other tabs' generations and ours take turns);
build the parameters (`sd_request`), the ControlNet unit and the face-swap arguments from what is
installed; put only those scripts on a private copy of the img2img runner; build
`StableDiffusionProcessingImg2Img` and set `p.scripts`/`p.script_args` last (that assignment runs the
scripts' `setup`); run `process_images` with `shared.state` describing it (the tab's turn and its
progress task, see turn.py, or a job of its own) and the WebUI's Interrupt; composite the result
through the mask. A model that is missing, produces NaNs or runs out of memory raises UpstreamError,
so the service falls back to the next executor.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from typing import Any

import numpy as np

from ..core import images
from ..core.errors import Interrupted, UpstreamError
from ..executors.base import EditRequest, EditResult, Executor
from ..executors.families import family_of_model, imperative
from ..executors.sd_request import (
    FACE_SWAP_MISSING,
    SD_OPERATIONS,
    Img2ImgPlan,
    hard_mask,
    instruction_infotext,
    plan_img2img,
    plan_scripts,
)
from ..executors.watch import Watcher
from .controlnet import find_controlnet
from .faceswap import find_face_swap, roop_model
from .runner import carry_back, find_script, private_runner, ui_defaults
from .turn import host_generation

log = logging.getLogger("imgedit")

# DenOfEquity/forge2_flux_kontext (scripts/kontext.py): title, and `ui()` returns
# (enabled, kontext_image1, kontext_image2, sizing, reduce); images are PIL, sizing one of its dropdown's choices.
KONTEXT_TITLE = "Forge FluxKontext"


def kontext_args(context: Any) -> list[Any]:
    """The Kontext script's five arguments: on, the current picture as the only context image."""
    return [True, context, None, "to BFL recommended", False]


def _failure(exc: BaseException) -> UpstreamError:
    """A generation error as the UpstreamError that makes the service try the next executor."""
    name = type(exc).__name__
    text = str(exc)
    if name == "NansException":
        return UpstreamError(f"Stable Diffusion produced NaNs (try --no-half-vae or another model): {text[:200]}")
    if "OutOfMemory" in name or "out of memory" in text.lower():
        return UpstreamError("Stable Diffusion ran out of memory on this picture")
    return UpstreamError(f"Stable Diffusion failed: {name}: {text[:300]}")


class HostExecutor(Executor):
    name = "host"
    operations = SD_OPERATIONS
    generative = True
    families = ("sd15", "sdxl", "flux_dev", "flux_schnell", "flux_fill", "flux_kontext")
    description = "Stable Diffusion in this WebUI (img2img/inpaint), with its ControlNet and ReActor/roop"

    def available(self) -> tuple[bool, str]:
        try:
            from modules import sd_models
        except ImportError:
            return False, "not running inside the WebUI"
        loaded = getattr(getattr(sd_models, "model_data", None), "sd_model", None)
        if loaded is None and not getattr(sd_models, "checkpoints_list", None):
            return False, "the WebUI has no Stable Diffusion checkpoint"
        return True, ""

    def can_serve(self, request: EditRequest) -> tuple[bool, str]:
        ok, why = super().can_serve(request)
        if ok and request.instruction.operation == "face_swap":
            from modules import scripts

            if request.source_face is None:
                return False, "face swap needs a source face"
            if find_face_swap(scripts.scripts_img2img, self.settings.face_swap_extension) is None:
                return False, FACE_SWAP_MISSING
        return ok, why

    # ------------------------------------------------------------ the edit
    def run(self, request: EditRequest) -> EditResult:
        from modules import call_queue, scripts, shared

        if request.cancel is not None and request.cancel.is_set():
            raise Interrupted("the edit was interrupted")
        if scripts.scripts_img2img is None:
            raise UpstreamError("the WebUI's img2img scripts are not ready yet")
        with call_queue.queue_lock:
            model = shared.sd_model  # loads the checkpoint on first use
            if model is None:
                raise UpstreamError("no Stable Diffusion model is loaded in the WebUI")
            name = str(getattr(getattr(model, "sd_checkpoint_info", None), "name_for_extra", "") or "")
            family = family_of_model(model, name)
            plan = plan_img2img(request, family)
            picked, info = self._scripts(request, plan, scripts.scripts_img2img, family)
            p = self._processing(request, plan, picked, scripts.scripts_img2img)
            processed, interrupted = self._process(request, p)
        if interrupted:
            raise Interrupted("the edit was interrupted")
        if not getattr(processed, "images", None):
            raise UpstreamError("Stable Diffusion returned no image")
        result = images.to_array(processed.images[0])
        final = request.composite(result)
        # the WebUI's parameters text (Steps, Sampler, Seed, Model, ControlNet..., and our "Chat Edit"), which
        # the copy in outputs/ and the PNG the service returns both carry (see lib_imgedit.core.infotext)
        infotext = (getattr(processed, "infotexts", None) or [getattr(processed, "info", "")])[0]
        self._save(final, p, processed, infotext)
        info.update({"seed": getattr(processed, "seed", None), "steps": plan.steps, "sampler": plan.sampler_name,
                     "model": getattr(p, "sd_model_name", None) or getattr(getattr(model, "sd_checkpoint_info", None), "name_for_extra", None),
                     "denoising_strength": plan.denoising_strength, "parameters": infotext})
        return EditResult(final, self.name, info)

    def _scripts(self, request: EditRequest, plan: Img2ImgPlan, runner: Any, family: str) -> tuple[list, dict[str, Any]]:
        """(script, arguments) pairs for this edit, and what was chosen, for the result's info. A Kontext
        model with the Kontext extension gets the current picture as its context image and an instruction."""
        cn = find_controlnet() if find_script(runner, "controlnet") is not None else None
        found = find_face_swap(runner, self.settings.face_swap_extension) if request.instruction.operation == "face_swap" else None
        swap = None
        if found is not None:
            title, script = found
            swap = (title, ui_defaults(runner, script), roop_model(runner, script) if title == "roop" else None)
        scripts = plan_scripts(request, plan, "the WebUI", controlnet=(cn.modules(), cn.models()) if cn else None, sdxl=family,
                               face_swap=swap, source=images.to_image(request.source_face) if swap else None)
        picked = [(find_script(runner, title), args) for title, args in scripts.args.items()]
        kontext = find_script(runner, KONTEXT_TITLE) if family == "flux_kontext" else None
        if kontext is not None:
            picked.append((kontext, kontext_args(images.to_image(request.image))))
            plan.prompt = imperative(request.instruction, request.said)
        used = [f"ControlNet used: {scripts.controlnet.replace(' / ', ', model ')}"] if scripts.controlnet else []
        return picked, {"controlnet": scripts.controlnet, "face_swap": scripts.face_swap, "notes": used + scripts.notes,
                        "family": family, "kontext": kontext is not None}

    def _processing(self, request: EditRequest, plan: Img2ImgPlan, picked: list, global_runner: Any) -> Any:
        from modules import processing, shared

        cls = processing.StableDiffusionProcessingImg2Img
        accepted = {f.name for f in dataclasses.fields(cls) if f.init}  # A1111 and Forge versions differ
        opts = shared.opts
        params = plan.params()
        params.update(
            init_images=[images.to_image(request.image)],
            mask=images.to_image(hard_mask(request.mask)) if plan.use_mask else None,
            do_not_save_samples=True, do_not_save_grid=True, extra_generation_params=instruction_infotext(request),
            outpath_samples=getattr(opts, "outdir_samples", "") or getattr(opts, "outdir_img2img_samples", ""),
            outpath_grids=getattr(opts, "outdir_grids", "") or getattr(opts, "outdir_img2img_grids", ""),
        )
        p = cls(sd_model=shared.sd_model, **{k: v for k, v in params.items() if k in accepted})
        if plan.distilled_cfg_scale is not None:  # a field of Forge's processing (Flux dev), unknown to A1111
            p.distilled_cfg_scale = plan.distilled_cfg_scale
        p.is_api = True
        runner, args = private_runner(global_runner, picked)
        p.scripts = runner
        p.script_args = args  # last: assigning both runs the scripts' setup()
        return p

    def _process(self, request: EditRequest, p: Any) -> tuple[Any, bool]:
        """process_images(p) with the WebUI's progress (`shared.state`, for the turn's task when the tab
        runs one: see turn.py) and Interrupt."""
        from modules import processing, shared

        state = shared.state
        text = f"Stable Diffusion {request.instruction.operation}"

        def tick() -> None:
            if request.progress is not None and state.sampling_steps:
                request.progress(int(state.sampling_step), int(state.sampling_steps), text)

        try:
            with host_generation(request.progress, text), Watcher(tick, request.cancel, state.interrupt) as watch, \
                    contextlib.closing(p):
                try:
                    processed = processing.process_images(p)
                finally:
                    carry_back(p.scripts)
            return processed, bool(state.interrupted or watch.cancelled)
        except Exception as exc:
            log.exception("Stable Diffusion failed")
            raise _failure(exc) from None

    def _save(self, final: np.ndarray, p: Any, processed: Any, infotext: str) -> None:
        """Save the result where the WebUI saves img2img samples, with its infotext (which carries the
        instruction as "Chat Edit"), when the user keeps samples."""
        from modules import images as host_images
        from modules import shared

        if not getattr(shared.opts, "samples_save", False) or not p.outpath_samples:
            return
        try:
            host_images.save_image(images.to_image(final), p.outpath_samples, "", getattr(processed, "seed", None), p.prompt,
                                   getattr(shared.opts, "samples_format", "png"), info=infotext, p=p)
        except Exception as exc:  # noqa: BLE001 - a failed save must not lose the edit
            log.warning("could not save the result: %s", exc)
