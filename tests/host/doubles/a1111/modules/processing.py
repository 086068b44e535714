"""modules/processing.py: the processing dataclasses with A1111 1.10's init fields and property
semantics, Processed, and a fake process_images that runs the scripts' hooks around a stand-in
generation: every pixel nudged (as a VAE round trip does), the masked area painted PAINT, at the size
A1111 returns (the original for "Only masked", else width x height)."""

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from modules import call_queue, scripts, shared

PAINT = (200, 20, 20)
runs = []  # the double records each processing object it ran
fail_with = None  # a test may set an exception to raise from the generation
step_delay = 0.0  # seconds per sampling step


@dataclass(repr=False)
class StableDiffusionProcessing:
    sd_model: object = None
    outpath_samples: str = None
    outpath_grids: str = None
    prompt: str = ""
    prompt_for_display: str = None
    negative_prompt: str = ""
    styles: list = None
    seed: int = -1
    subseed: int = -1
    subseed_strength: float = 0
    seed_resize_from_h: int = -1
    seed_resize_from_w: int = -1
    seed_enable_extras: bool = True
    sampler_name: str = None
    scheduler: str = None
    batch_size: int = 1
    n_iter: int = 1
    steps: int = 50
    cfg_scale: float = 7.0
    width: int = 512
    height: int = 512
    restore_faces: bool = None
    tiling: bool = None
    do_not_save_samples: bool = False
    do_not_save_grid: bool = False
    extra_generation_params: dict = None
    overlay_images: list = None
    eta: float = None
    do_not_reload_embeddings: bool = False
    denoising_strength: float = None
    override_settings: dict = None
    override_settings_restore_afterwards: bool = True
    sampler_index: int = None
    refiner_checkpoint: str = None
    refiner_switch_at: float = None
    disable_extra_networks: bool = False

    scripts_value: Any = field(default=None, init=False)
    script_args_value: Any = field(default=None, init=False)
    scripts_setup_complete: bool = field(default=False, init=False)
    is_api: bool = field(default=False, init=False)
    sd_model_name: str = field(default=None, init=False)
    closed: bool = field(default=False, init=False)

    def __post_init__(self):
        self.comments = {}
        self.styles = self.styles or []
        self.extra_generation_params = self.extra_generation_params or {}
        self.override_settings = self.override_settings or {}
        self.script_args = self.script_args or {}

    @property
    def scripts(self):
        return self.scripts_value

    @scripts.setter
    def scripts(self, value):
        self.scripts_value = value
        if self.scripts_value and self.script_args_value and not self.scripts_setup_complete:
            self.setup_scripts()

    @property
    def script_args(self):
        return self.script_args_value

    @script_args.setter
    def script_args(self, value):
        self.script_args_value = value
        if self.scripts_value and self.script_args_value and not self.scripts_setup_complete:
            self.setup_scripts()

    def setup_scripts(self):
        self.scripts_setup_complete = True
        self.scripts.setup_scrips(self, is_ui=not self.is_api)

    def close(self):
        self.closed = True


@dataclass(repr=False)
class StableDiffusionProcessingImg2Img(StableDiffusionProcessing):
    init_images: list = None
    resize_mode: int = 0
    denoising_strength: float = 0.75
    image_cfg_scale: float = None
    mask: Any = None
    mask_blur_x: int = 4
    mask_blur_y: int = 4
    mask_blur: int = None
    mask_round: bool = True
    inpainting_fill: int = 0
    inpaint_full_res: bool = True
    inpaint_full_res_padding: int = 0
    inpainting_mask_invert: int = 0
    initial_noise_multiplier: float = None
    latent_mask: Any = None
    force_task_id: str = None

    image_mask: Any = field(default=None, init=False)

    def __post_init__(self):
        super().__post_init__()
        self.image_mask = self.mask
        self.mask = None

    @property
    def mask_blur(self):  # noqa: F811 - as in A1111: a property overrides the init field
        return self.mask_blur_x if self.mask_blur_x == self.mask_blur_y else None

    @mask_blur.setter
    def mask_blur(self, value):
        if isinstance(value, int):
            self.mask_blur_x = value
            self.mask_blur_y = value


class Processed:
    def __init__(self, p, images_list, seed=-1, info="", subseed=None, all_prompts=None, all_negative_prompts=None,
                 all_seeds=None, all_subseeds=None, index_of_first_image=0, infotexts=None, comments=""):
        self.images = images_list
        self.prompt = p.prompt
        self.seed = seed
        self.info = info
        self.infotexts = infotexts or [info]
        self.index_of_first_image = index_of_first_image
        self.extra_generation_params = p.extra_generation_params


def create_infotext(p, seed):
    """As 1.10: the prompt, a negative prompt line when there is one, the parameters with quoted values
    (extra_generation_params, where ControlNet and our "Chat Edit" go, after the WebUI's own)."""
    from modules import infotext_utils

    params = {"Steps": p.steps, "Sampler": p.sampler_name, "Schedule type": p.scheduler, "CFG scale": p.cfg_scale,
              "Seed": seed, "Size": f"{p.width}x{p.height}", "Model hash": "6ce0161689", "Model": "v1-5-pruned-emaonly",
              "Denoising strength": p.denoising_strength, "Mask blur": p.mask_blur if p.image_mask is not None else None,
              **p.extra_generation_params, "Version": "v1.10.1"}
    text = ", ".join(f"{k}: {infotext_utils.quote(v)}" for k, v in params.items() if v is not None)
    negative = f"\nNegative prompt: {p.negative_prompt}" if p.negative_prompt else ""
    return f"{p.prompt}{negative}\n{text}".strip()


def _generate(p):
    init = np.asarray(p.init_images[0].convert("RGB"))
    mask = np.asarray(p.image_mask.convert("L")) if p.image_mask is not None else None
    if not p.inpaint_full_res or mask is None:
        size = (p.width, p.height)
        init = np.asarray(Image.fromarray(init).resize(size))
        mask = np.asarray(Image.fromarray(mask).resize(size)) if mask is not None else None
    out = np.clip(init.astype(np.int16) + 3, 0, 255).astype(np.uint8)
    if mask is not None:
        out[mask > 127] = PAINT
    else:
        out[:] = PAINT
    return Image.fromarray(out)


def process_images(p):
    runs.append(p)
    p.started = time.monotonic()
    p.lock_held = call_queue.queue_lock.locked()
    p.state_job = shared.state.job
    p.sd_model_name = "v1-5-pruned-emaonly"
    if p.scripts is not None:
        p.scripts.before_process(p)
        p.scripts.process(p)
    if fail_with is not None:
        raise fail_with
    state = shared.state
    if state.job_count == -1:
        state.job_count = p.n_iter
    state.sampling_steps, state.sampling_step = p.steps, 0  # as the sampler's launch_sampling
    for step in range(p.steps):
        if state.interrupted:
            break
        state.sampling_step = step
        state.current_latent = np.full((8, 8, 3), step * 255 // max(p.steps, 1), np.uint8)  # store_latent
        time.sleep(step_delay)
    state.nextjob()
    image = p.init_images[0] if shared.state.interrupted else _generate(p)
    if p.scripts is not None:
        pp = scripts.PostprocessImageArgs(image)
        p.scripts.postprocess_image(p, pp)
        image = pp.image
    seed = 1234
    processed = Processed(p, [image], seed, create_infotext(p, seed))
    if p.scripts is not None:
        p.scripts.postprocess(p, processed)
    return processed
