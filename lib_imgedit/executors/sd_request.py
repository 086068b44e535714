"""What a Stable Diffusion img2img call needs for an edit, built without the host.

The in-process `host` executor and the remote `webui_api` executor run the same request: the
img2img parameters per operation (`plan_img2img`), the ControlNet unit that keeps the structure
(`pick_control` + `controlnet_unit`), the face-swap script arguments (`reactor_args`, `roop_args`),
and, for the remote WebUI, the `/sdapi/v1/img2img` JSON body (`api_body`). Everything here is plain
data, so it is tested directly and both executors send exactly the same request.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np

from ..core.errors import UpstreamError
from ..core.infotext import CHAT_EDIT
from .base import EditRequest
from .families import family as family_of

SD_OPERATIONS = ("inpaint", "remove", "restyle", "face_swap")

# A1111's `inpainting_fill` values.
FILL, ORIGINAL, LATENT_NOISE, LATENT_NOTHING = 0, 1, 2, 3

REMOVE_PROMPT = "empty background, seamless natural continuation of the surroundings, photo"
REMOVE_NEGATIVE = "object, person, animal, text, watermark, logo, frame"
# A face swap keeps the picture: no denoising unless the instruction asks for some, and then at most this.
FACE_SWAP_MAX_DENOISE = 0.4

# Preprocessors that keep the structure, per operation, best first. Names are the UI labels, which
# A1111's ControlNet also accepts as module names and which Forge uses as its names.
CONTROL_CANDIDATES: dict[str, tuple[str, ...]] = {
    "inpaint": ("inpaint_only",),
    "remove": ("inpaint_only+lama", "inpaint_only"),
    "restyle": ("lineart_realistic", "softedge_pidinet", "canny", "depth_midas"),
    "face_swap": (),
}


@dataclass
class Img2ImgPlan:
    """The img2img parameters of one edit, named as `StableDiffusionProcessingImg2Img` and the
    `/sdapi/v1/img2img` body name them."""

    prompt: str
    negative_prompt: str
    denoising_strength: float
    inpainting_fill: int
    inpaint_full_res: bool  # "Only masked": work on a crop around the mask
    inpaint_full_res_padding: int
    mask_blur: int
    width: int
    height: int
    steps: int
    sampler_name: str
    scheduler: str
    cfg_scale: float
    seed: int = -1
    resize_mode: int = 0  # just resize
    inpainting_mask_invert: int = 0
    batch_size: int = 1
    n_iter: int = 1
    use_mask: bool = True  # False: the whole picture is regenerated (restyle)
    distilled_cfg_scale: float | None = None  # Forge's guidance for Flux dev; None: the model has none

    def params(self) -> dict[str, Any]:
        """Keyword arguments for `StableDiffusionProcessingImg2Img` (and the body of the API call)."""
        data = asdict(self)
        data.pop("use_mask")
        if data["distilled_cfg_scale"] is None:
            data.pop("distilled_cfg_scale")
        return data


def working_size(aspect: float, side: int) -> tuple[int, int]:
    """Width and height, multiples of 8, with `aspect` and about `side * side` pixels."""
    w = math.sqrt(side * side * aspect)
    h = w / aspect
    return max(64, int(round(w / 8)) * 8), max(64, int(round(h / 8)) * 8)


def is_feathered(mask: np.ndarray) -> bool:
    """True when the mask already has a soft edge (values between 0 and 1): masks.py feathered it."""
    return bool(((mask > 0) & (mask < 1)).any())


def hard_mask(mask: np.ndarray) -> np.ndarray:
    """The request's soft mask as the 0/255 mask A1111 wants: every pixel that may change is white
    (the feather is applied afterwards, when the result is composited through the soft mask)."""
    return np.where(mask > 0, 255, 0).astype(np.uint8)


def _crop_aspect(mask: np.ndarray, padding: int) -> float:
    """Aspect ratio of the "Only masked" crop: the mask's bounding box plus padding, inside the image."""
    ys, xs = np.nonzero(mask > 0)
    h, w = mask.shape
    x0, x1 = max(0, xs.min() - padding), min(w, xs.max() + 1 + padding)
    y0, y1 = max(0, ys.min() - padding), min(h, ys.max() + 1 + padding)
    return (x1 - x0) / (y1 - y0)


def plan_img2img(request: EditRequest, sdxl: bool | str | None = None) -> Img2ImgPlan:
    """The img2img parameters for `request`, per operation:

    - inpaint: the masked region from the prompt, "Only masked" with padding, the original as the
      starting point (latent noise from denoising 0.9 on, where the original would only bleed through);
    - remove: a neutral prompt and negative prompt, from latent noise (an inpaint ControlNet fills
      the region itself, so there the original is the start);
    - restyle: the whole picture, no mask, structure left to ControlNet;
    - face_swap: the whole picture (face numbers count faces in it), denoising 0 unless asked for.

    The mask comes already grown and feathered by the label rules (`masks.build_mask`), and the
    result is composited through it; so A1111 gets it hard, unblurred (mask_blur 0: a second blur
    would spread half-generated pixels over the label's edge, the pale band around a person) and
    never inverted. Only a mask without a feather gets the `mask_blur` setting.

    `sdxl` names the loaded model's family (families.json; True/False: SDXL/SD 1.5): its working
    size, and for Flux its steps, CFG 1, sampler and distilled guidance; SD families use the settings.
    """
    instr, s = request.instruction, request.settings
    op = instr.operation
    if op not in SD_OPERATIONS:
        raise ValueError(f"Stable Diffusion does not run {op!r}")
    h, w = request.mask.shape
    fam = family_of(sdxl)
    side = s.sd_resolution or fam.side
    denoise = float(request.strength())
    use_mask = bool((request.mask > 0).any()) and not (op == "restyle" and (request.mask > 0).all())
    only_masked = use_mask and op in ("inpaint", "remove")
    prompt, negative = instr.prompt, instr.negative_prompt
    fill = ORIGINAL
    if op == "inpaint":
        fill = LATENT_NOISE if denoise >= 0.9 else ORIGINAL
    elif op == "remove":
        prompt = prompt or REMOVE_PROMPT
        negative = ", ".join(x for x in (REMOVE_NEGATIVE, negative) if x)
        fill = LATENT_NOISE
    elif op == "face_swap":
        denoise = 0.0 if instr.strength is None else min(float(instr.strength), FACE_SWAP_MAX_DENOISE)
    aspect = _crop_aspect(request.mask, s.inpaint_padding) if only_masked else w / h
    width, height = working_size(aspect, side)
    return Img2ImgPlan(
        prompt=prompt, negative_prompt=negative, denoising_strength=round(denoise, 3), inpainting_fill=fill,
        inpaint_full_res=only_masked, inpaint_full_res_padding=s.inpaint_padding,
        mask_blur=0 if is_feathered(request.mask) else s.mask_blur, inpainting_mask_invert=0,
        width=width, height=height, steps=fam.steps or s.steps, sampler_name=fam.sampler or s.sampler,
        scheduler=fam.scheduler or s.scheduler, cfg_scale=s.cfg_scale if fam.cfg is None else fam.cfg, use_mask=use_mask,
        distilled_cfg_scale=fam.distilled_cfg,
    )


# ---------------------------------------------------------------- ControlNet
@dataclass
class ControlChoice:
    module: str
    model: str
    weight: float


def strip_hash(name: str) -> str:
    """`"control_v11p_sd15_canny [d14c016b]"` -> `"control_v11p_sd15_canny"` (Forge lists some without)."""
    return name.rsplit(" [", 1)[0] if name.endswith("]") else name


def model_keyword(module: str) -> str:
    """The word a model's file name carries for a preprocessor: `lineart_realistic` -> `lineart`."""
    return module.split("_")[0].split("+")[0].lower()


def pick_model(models: Iterable[str], keyword: str, sdxl: bool | str | None = None) -> str | None:
    """The first installed model whose name holds `keyword`, of the loaded checkpoint's family when
    that is known (an SD 1.x ControlNet on an SDXL or Flux checkpoint fails), preferring non-anime ones."""
    found = [m for m in models if m != "None" and keyword in strip_hash(m).lower()]
    if sdxl is not None:
        found = [m for m in found if family_of(sdxl).fits_controlnet(strip_hash(m))]
    found.sort(key=lambda m: "anime" in m.lower())  # stable: keeps the host's order otherwise
    return found[0] if found else None


def wanted_modules(request: EditRequest) -> tuple[str, ...]:
    """Preprocessors to try: the instruction's choice, else the rules', else the settings', else the
    per-operation candidates. `none` anywhere along that chain switches ControlNet off."""
    op = request.instruction.operation
    for choice in (request.instruction.control, request.rules["operations"].get(op, {}).get("control", "auto"),
                   request.settings.controlnet_module):
        choice = (choice or "auto").strip()
        if choice.lower() == "none":
            return ()
        if choice.lower() != "auto":
            return (choice,)
    return CONTROL_CANDIDATES.get(op, ())


def pick_control(request: EditRequest, modules: Iterable[str], models: Sequence[str],
                 sdxl: bool | str | None = None) -> tuple[ControlChoice | None, str]:
    """(the unit to add or None, a note for the user when ControlNet was wanted but cannot run)."""
    wanted = wanted_modules(request)
    if not wanted or (sdxl is not None and not family_of(sdxl).controlnet):
        return None, ""
    available = {m.lower(): m for m in modules}
    s = request.settings
    missing: list[str] = []
    for module in wanted:
        if module.lower() not in available:
            missing.append(f"no preprocessor {module}")
            continue
        if s.controlnet_model.lower() != "auto":
            model = next((m for m in models if strip_hash(m) == strip_hash(s.controlnet_model)
                          and (sdxl is None or family_of(sdxl).fits_controlnet(strip_hash(m)))), None)
        else:
            model = pick_model(models, model_keyword(module), sdxl)
        if model is None:
            missing.append(f"no {s.controlnet_model if s.controlnet_model != 'auto' else model_keyword(module)} model for {module}")
            continue
        return ControlChoice(available[module.lower()], model, s.controlnet_weight), ""
    return None, "ControlNet could not keep the structure (" + "; ".join(missing) + "), so the edit ran without it"


# ControlNet replaces `inpaint_only` by `inpaint_global_harmonious` (its registered name `inpaint`),
# with a warning, whenever A1111's img2img carries a mask (scripts/controlnet.py, "A1111 inpaint and
# ControlNet inpaint duplicated"): A1111 already keeps the unmasked latents, which is what
# inpaint_only adds. So under A1111's inpaint the unit asks for that one directly.
UNDER_A1111_INPAINT = {"inpaint_only": "inpaint_global_harmonious"}


def is_inpaint_module(module: str) -> bool:
    return module.lower().startswith("inpaint")


def fit_to_img2img(choice: ControlChoice, plan: Img2ImgPlan) -> ControlChoice:
    """The unit ControlNet runs as given under this img2img: inpaint_only becomes
    inpaint_global_harmonious when A1111 inpaints with the mask, and an inpaint unit starts from the
    original pixels ("original" fill), which it keeps the structure of."""
    if not is_inpaint_module(choice.module):
        return choice
    plan.inpainting_fill = ORIGINAL
    module = UNDER_A1111_INPAINT.get(choice.module.lower(), choice.module) if plan.use_mask else choice.module
    return ControlChoice(module, choice.model, choice.weight)


def controlnet_unit(choice: ControlChoice) -> dict[str, Any]:
    """A unit as a dict, which A1111's ControlNet (pydantic) and Forge's (dataclass `from_dict`) both
    accept. No image: the unit takes the img2img picture, and inpaint preprocessors its mask.
    processor_res and the thresholds are -1, "the preprocessor's default", which both ControlNets
    take silently; any number is checked against the preprocessor's own slider (the inpaint ones
    have a hidden 0..1 slider, so 512 is refused with "Invalid value"), and pixel_perfect then sets
    the resolution from the picture and the working size anyway."""
    return {
        "enabled": True, "module": choice.module, "model": choice.model, "weight": choice.weight, "image": None,
        "resize_mode": "Just Resize", "processor_res": -1, "threshold_a": -1, "threshold_b": -1,
        "guidance_start": 0.0, "guidance_end": 1.0, "pixel_perfect": True,
        "control_mode": "ControlNet is more important" if is_inpaint_module(choice.module) else "Balanced",
        "save_detected_map": False,
    }


# ---------------------------------------------------------------- face swap
# ReActor's 31 `process` arguments in order (scripts/reactor_faceswap.py), with the defaults of its UI.
REACTOR_ARGS: tuple[tuple[str, Any], ...] = (
    ("img", None), ("enable", True), ("source_faces_index", "0"), ("faces_index", "0"),
    ("model", "inswapper_128.onnx"), ("face_restorer_name", "CodeFormer"), ("face_restorer_visibility", 1),
    ("restore_first", True), ("upscaler_name", "None"), ("upscaler_scale", 1), ("upscaler_visibility", 1),
    ("swap_in_source", False), ("swap_in_generated", True), ("console_logging_level", 1), ("gender_source", 0),
    ("gender_target", 0), ("save_original", False), ("codeformer_weight", 0.5), ("source_hash_check", True),
    ("target_hash_check", False), ("device", "CPU"), ("mask_face", False), ("select_source", 0),
    ("face_model", "None"), ("source_folder", ""), ("imgs", None), ("random_image", False),
    ("upscale_force", False), ("det_thresh", 0.5), ("det_maxnum", 0), ("selected_tab", "tab_single"),
)
# roop's 11 arguments in order (scripts/faceswap.py); `model` is the path of an .onnx file.
ROOP_ARGS: tuple[tuple[str, Any], ...] = (
    ("img", None), ("enable", True), ("faces_index", "0"), ("model", None), ("face_restorer_name", "None"),
    ("face_restorer_visibility", 1), ("upscaler_name", "None"), ("upscaler_scale", 1), ("upscaler_visibility", 1),
    ("swap_in_source", False), ("swap_in_generated", True),
)


def faces_index(request: EditRequest) -> str:
    """ReActor/roop's comma-separated target faces: the instruction's faces (0-based, left to right,
    as both extensions sort them), or every face found when it names none."""
    faces = request.instruction.faces
    if not faces:
        found = len(request.label_map.faces) if request.label_map is not None else 0
        faces = list(range(max(1, found)))
    return ",".join(str(i) for i in sorted(faces))


def _ordered(table: tuple[tuple[str, Any], ...], defaults: Sequence[Any] | None, ours: dict[str, Any]) -> list[Any]:
    """Arguments in the script's order: ours, else the host's UI defaults (its face restorer, device,
    model...), else the table's."""
    out = []
    for i, (name, fallback) in enumerate(table):
        if name in ours:
            out.append(ours[name])
        elif defaults is not None and i < len(defaults) and defaults[i] is not None:
            out.append(defaults[i])
        else:
            out.append(fallback)
    return out


def _stages(plan: Img2ImgPlan) -> dict[str, bool]:
    """Without denoising the swap goes into the generated picture; with some, into the source, so
    Stable Diffusion blends the new face in."""
    into_source = plan.denoising_strength > 0
    return {"swap_in_source": into_source, "swap_in_generated": not into_source}


def reactor_args(source: Any, faces: str, plan: Img2ImgPlan, defaults: Sequence[Any] | None = None) -> list[Any]:
    """ReActor's 31 positional arguments: one source image (`tab_single`), its first face, onto `faces`."""
    ours = {"img": source, "enable": True, "source_faces_index": "0", "faces_index": faces, "save_original": False,
            "select_source": 0, "face_model": "None", "source_folder": "", "imgs": None, "random_image": False,
            "selected_tab": "tab_single", **_stages(plan)}
    return _ordered(REACTOR_ARGS, defaults, ours)


def roop_args(source: Any, faces: str, plan: Img2ImgPlan, model: str | None,
              defaults: Sequence[Any] | None = None) -> list[Any]:
    """roop's 11 positional arguments; `model` (the .onnx path) falls back to its UI default."""
    ours = {"img": source, "enable": True, "faces_index": faces, **_stages(plan)}
    if model:
        ours["model"] = model
    return _ordered(ROOP_ARGS, defaults, ours)


# ---------------------------------------------------------------- the scripts of one edit
@dataclass
class ScriptPlan:
    """The always-on scripts an edit runs with: positional arguments by lower-case title, in order."""

    args: dict[str, list[Any]]
    controlnet: str | None = None  # "module / model", for the result's info
    face_swap: str | None = None
    notes: list[str] = field(default_factory=list)


def plan_scripts(request: EditRequest, plan: Img2ImgPlan, where: str, *,
                 controlnet: tuple[Iterable[str], Sequence[str]] | None, sdxl: bool | str | None,
                 face_swap: tuple[str, Sequence[Any] | None, str | None] | None, source: Any = None) -> ScriptPlan:
    """ControlNet's unit and the face swap's arguments for `request`, from what the WebUI (`where`)
    has: `controlnet` = (preprocessors, models) or None when it is not installed; `face_swap` =
    (title, its UI defaults, roop's model path) or None; `source` = the source face as the script
    takes it (PIL in process, base64 over HTTP)."""
    out = ScriptPlan({})
    if controlnet is not None:
        choice, note = pick_control(request, controlnet[0], controlnet[1], sdxl)
        out.notes += [note] if note else []
        if choice is not None:
            choice = fit_to_img2img(choice, plan)
            out.args["controlnet"] = [controlnet_unit(choice)]
            out.controlnet = f"{choice.module} / {choice.model}"
    elif wanted_modules(request):
        out.notes.append(f"{where} has no ControlNet, so nothing holds the structure")
    if request.instruction.operation == "face_swap":
        if face_swap is None:
            raise UpstreamError(f"{where} cannot swap faces: {FACE_SWAP_MISSING}")
        title, defaults, roop_model = face_swap
        faces = faces_index(request)
        out.args[title] = (reactor_args(source, faces, plan, defaults) if title == "reactor"
                           else roop_args(source, faces, plan, roop_model, defaults))
        out.face_swap = title
    return out


# ---------------------------------------------------------------- the remote call
def instruction_infotext(request: EditRequest) -> dict[str, str]:
    """The extra infotext field that carries the instruction into the PNGs the host saves."""
    return {CHAT_EDIT: json.dumps(request.instruction.to_dict(), ensure_ascii=False)}


def api_body(plan: Img2ImgPlan, image_b64: str, mask_b64: str | None, alwayson: dict[str, list[Any]]) -> dict[str, Any]:
    """The `/sdapi/v1/img2img` JSON body: the same parameters, the scripts' arguments under
    `alwayson_scripts` keyed by title in lower case, as the API matches them. (The API refuses
    `extra_generation_params`, so the instruction reaches the result's PNG through the service.)"""
    body = plan.params()
    body.update({
        "init_images": [image_b64], "mask": mask_b64 if plan.use_mask else None, "send_images": True,
        "save_images": False, "alwayson_scripts": {title.lower(): {"args": args} for title, args in alwayson.items()},
    })
    return body


def choose_face_swap(titles: Iterable[str], preference: str = "auto") -> str | None:
    """`reactor` or `roop`, whichever is installed (ReActor first), or the one the settings name."""
    present = {t.lower() for t in titles}
    order = ("reactor", "roop") if preference in ("", "auto") else (preference.lower(),)
    return next((t for t in order if t in present), None)


FACE_SWAP_MISSING = "face swap needs the ReActor (or roop) extension in the WebUI"
