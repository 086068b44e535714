"""The img2img parameters, ControlNet units and face-swap arguments built for each operation."""

import numpy as np
import pytest
from sd_helpers import box_mask, sd_request

from lib_imgedit.executors import sd_request as sd

CN_A1111_MODELS = [
    "control_v11p_sd15_canny [d14c016b]", "control_v11p_sd15_inpaint [ebff9138]",
    "control_v11p_sd15s2_lineart_anime [3825e83e]", "control_v11p_sd15_lineart [43d4be0d]",
    "diffusers_xl_canny_full [2b69fca4]",
]
CN_MODULES = ["none", "inpaint_only", "inpaint_only+lama", "lineart_realistic", "canny", "depth_midas"]


def test_inpaint_works_on_the_masked_crop_from_the_original(settings, rules):
    req = sd_request(settings, rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "a red car", "strength": 0.6})
    plan = sd.plan_img2img(req)
    assert (plan.prompt, plan.denoising_strength, plan.inpainting_fill) == ("a red car", 0.6, sd.ORIGINAL)
    assert plan.inpaint_full_res and plan.use_mask
    assert (plan.inpaint_full_res_padding, plan.mask_blur, plan.inpainting_mask_invert) == (settings.inpaint_padding, 0, 0), \
        "the mask is feathered already: A1111 must not blur it again"
    assert plan.width % 8 == 0 and plan.height % 8 == 0
    # the crop is the mask's box (40x20) plus 32 px padding, clipped to the 96x64 picture: 96x64 -> 3:2
    assert abs(plan.width / plan.height - 1.5) < 0.05
    assert abs(plan.width * plan.height - 512 * 512) / (512 * 512) < 0.05
    assert (plan.steps, plan.sampler_name, plan.scheduler, plan.cfg_scale) == (
        settings.steps, settings.sampler, settings.scheduler, settings.cfg_scale)


def test_inpaint_from_latent_noise_at_high_denoising_and_default_strength_from_rules(settings, rules):
    high = sd.plan_img2img(sd_request(settings, rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "x", "strength": 0.95}))
    assert high.inpainting_fill == sd.LATENT_NOISE
    default = sd.plan_img2img(sd_request(settings, rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "x"}))
    assert default.denoising_strength == rules["operations"]["inpaint"]["default_strength"]
    clamped = sd.plan_img2img(sd_request(settings.update({"strength": 0.1}), rules,
                                         {"operation": "inpaint", "targets": ["thing"], "prompt": "x"}))
    assert clamped.denoising_strength == rules["operations"]["inpaint"]["strength"][0], "settings strength is clamped to the rules"


def test_only_a_hard_mask_gets_the_mask_blur_setting(settings, rules):
    hard = sd_request(settings, rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "x"},
                      mask=box_mask(96, 64, (30, 20, 70, 40), soft=False))
    assert sd.plan_img2img(hard).mask_blur == settings.mask_blur
    assert not sd.is_feathered(hard.mask) and sd.is_feathered(box_mask(96, 64, (30, 20, 70, 40)))


@pytest.mark.parametrize("module,use_mask,want", [
    ("inpaint_only", True, "inpaint_global_harmonious"), ("inpaint_only", False, "inpaint_only"),
    ("inpaint_only+lama", True, "inpaint_only+lama"), ("canny", True, "canny"),
])
def test_the_unit_fits_a1111s_inpaint(settings, rules, module, use_mask, want):
    plan = sd.plan_img2img(sd_request(settings, rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "x", "strength": 0.95}))
    assert plan.inpainting_fill == sd.LATENT_NOISE
    plan.use_mask = use_mask
    choice = sd.fit_to_img2img(sd.ControlChoice(module, "m", 1.0), plan)
    assert choice.module == want
    assert plan.inpainting_fill == (sd.ORIGINAL if module.startswith("inpaint") else sd.LATENT_NOISE)
    unit = sd.controlnet_unit(choice)
    assert (unit["processor_res"], unit["threshold_a"], unit["threshold_b"]) == (-1, -1, -1), "the preprocessor's defaults"


def test_crop_aspect_follows_a_tall_mask(settings, rules):
    mask = box_mask(400, 400, (190, 50, 210, 350))
    req = sd_request(settings.update({"inpaint_padding": 0}), rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "x"},
                     image=np.zeros((400, 400, 3), np.uint8), mask=mask)
    plan = sd.plan_img2img(req)
    assert plan.height > 3 * plan.width  # 20 x 300 box


def test_remove_uses_a_neutral_prompt_and_latent_noise(settings, rules):
    plan = sd.plan_img2img(sd_request(settings, rules, {"operation": "remove", "targets": ["thing"], "negative_prompt": "car"}))
    assert plan.prompt == sd.REMOVE_PROMPT and plan.negative_prompt.endswith(", car")
    assert plan.inpainting_fill == sd.LATENT_NOISE and plan.inpaint_full_res
    assert plan.denoising_strength == 1.0


def test_restyle_regenerates_the_whole_picture_without_a_mask(settings, rules):
    req = sd_request(settings, rules, {"operation": "restyle", "prompt": "watercolor"}, mask=np.ones((64, 96), np.float32))
    plan = sd.plan_img2img(req, sdxl=True)
    assert not plan.use_mask and not plan.inpaint_full_res
    assert abs(plan.width / plan.height - 1.5) < 0.05 and plan.width * plan.height > 900_000  # SDXL: ~1024^2
    body = sd.api_body(plan, "IMG", "MASK", {})
    assert body["mask"] is None and body["init_images"] == ["IMG"]


def test_face_swap_keeps_the_picture_and_counts_faces_in_the_whole_picture(settings, rules):
    faces = [(10, 10, 20, 20), (40, 10, 50, 20), (70, 10, 80, 20)]
    req = sd_request(settings, rules, {"operation": "face_swap", "targets": ["face"]}, faces=faces)
    plan = sd.plan_img2img(req)
    assert plan.denoising_strength == 0.0 and not plan.inpaint_full_res and plan.use_mask
    assert sd.faces_index(req) == "0,1,2", "no faces named: all faces found"
    asked = sd_request(settings, rules, {"operation": "face_swap", "targets": ["face"], "faces": [2, 0], "strength": 0.9}, faces=faces)
    assert sd.faces_index(asked) == "0,2"
    assert sd.plan_img2img(asked).denoising_strength == sd.FACE_SWAP_MAX_DENOISE


def test_reactor_gets_its_31_arguments_in_order(settings, rules):
    req = sd_request(settings, rules, {"operation": "face_swap", "targets": ["face"], "faces": [1]})
    plan = sd.plan_img2img(req)
    args = sd.reactor_args("SRC", sd.faces_index(req), plan)
    assert len(args) == 31
    named = dict(zip([n for n, _ in sd.REACTOR_ARGS], args, strict=True))
    assert args[0] == "SRC" and args[1] is True and args[2] == "0" and args[3] == "1"
    assert args[4] == "inswapper_128.onnx" and args[20] == "CPU" and args[30] == "tab_single"
    assert (args[11], args[12]) == (False, True), "no denoising: swap into the generated picture"
    assert (named["select_source"], named["face_model"], named["imgs"], named["save_original"]) == (0, "None", None, False)
    # the host's UI defaults fill what we do not decide; our own choices always win
    defaults = ["X", False, "5", "5", "inswapper_128.fp16.onnx", "GFPGAN", 0.7] + [None] * 13 + ["CUDA"] + [None] * 9 + ["tab_multiple"]
    merged = sd.reactor_args("SRC", "1", plan, defaults)
    assert merged[4] == "inswapper_128.fp16.onnx" and merged[5] == "GFPGAN" and merged[6] == 0.7 and merged[20] == "CUDA"
    assert merged[:4] == ["SRC", True, "0", "1"] and merged[30] == "tab_single"
    denoised = sd.plan_img2img(sd_request(settings, rules, {"operation": "face_swap", "targets": ["face"], "strength": 0.3}))
    assert sd.reactor_args("SRC", "0", denoised)[11:13] == [True, False], "with denoising: swap into the source"


def test_roop_gets_its_11_arguments(settings, rules):
    req = sd_request(settings, rules, {"operation": "face_swap", "targets": ["face"], "faces": [0, 1]})
    args = sd.roop_args("SRC", sd.faces_index(req), sd.plan_img2img(req), "/models/roop/inswapper_128.onnx")
    assert len(args) == 11
    assert args[:4] == ["SRC", True, "0,1", "/models/roop/inswapper_128.onnx"] and args[9:] == [False, True]
    assert sd.roop_args("SRC", "0", sd.plan_img2img(req), None, ["x", False, "3", "/m/a.onnx"])[3] == "/m/a.onnx"


@pytest.mark.parametrize("op,instr,want", [
    ("inpaint", {"prompt": "x"}, ("inpaint_only", "control_v11p_sd15_inpaint [ebff9138]")),
    ("remove", {}, ("inpaint_only+lama", "control_v11p_sd15_inpaint [ebff9138]")),
    ("restyle", {"prompt": "x"}, ("lineart_realistic", "control_v11p_sd15_lineart [43d4be0d]")),
    ("restyle", {"prompt": "x", "control": "canny"}, ("canny", "control_v11p_sd15_canny [d14c016b]")),
])
def test_control_unit_per_operation_from_what_is_installed(settings, rules, op, instr, want):
    rules["operations"]["remove"]["control"] = "auto"
    req = sd_request(settings, rules, {"operation": op, "targets": ["thing"] if op != "restyle" else [], **instr})
    choice, note = sd.pick_control(req, CN_MODULES, CN_A1111_MODELS, sdxl=False)
    assert (choice.module, choice.model) == want and note == ""
    unit = sd.controlnet_unit(choice)
    assert unit["enabled"] and unit["image"] is None and unit["weight"] == settings.controlnet_weight
    assert unit["save_detected_map"] is False and unit["resize_mode"] == "Just Resize"
    assert unit["control_mode"] == ("ControlNet is more important" if want[0].startswith("inpaint") else "Balanced")


def test_control_model_family_names_without_hash_and_switches(settings, rules):
    req = sd_request(settings, rules, {"operation": "restyle", "prompt": "x", "control": "canny"})
    assert sd.pick_control(req, CN_MODULES, CN_A1111_MODELS, sdxl=True)[0].model == "diffusers_xl_canny_full [2b69fca4]"
    forge = ["None", "control_v11p_sd15_canny", "control_v11p_sd15_lineart"]
    assert sd.pick_control(req, CN_MODULES, forge)[0].model == "control_v11p_sd15_canny"
    # nothing fits: no unit, and a note that says why
    choice, note = sd.pick_control(req, CN_MODULES, ["control_v11p_sd15_lineart"])
    assert choice is None and "no canny model" in note
    choice, note = sd.pick_control(req, ["none", "depth_midas"], CN_A1111_MODELS)
    assert choice is None and "no preprocessor canny" in note
    # switched off by the instruction, the settings or the rules
    off = sd_request(settings, rules, {"operation": "restyle", "prompt": "x", "control": "none"})
    assert sd.pick_control(off, CN_MODULES, CN_A1111_MODELS) == (None, "")
    auto = sd_request(settings.update({"controlnet_module": "none"}), rules, {"operation": "restyle", "prompt": "x"})
    assert sd.pick_control(auto, CN_MODULES, CN_A1111_MODELS) == (None, "")
    rules["operations"]["restyle"]["control"] = "none"
    assert sd.pick_control(sd_request(settings, rules, {"operation": "restyle", "prompt": "x"}), CN_MODULES, CN_A1111_MODELS) == (None, "")


def test_control_model_and_module_from_settings(settings, rules):
    s = settings.update({"controlnet_module": "depth_midas", "controlnet_model": "control_v11f1p_sd15_depth", "controlnet_weight": 0.6})
    req = sd_request(s, rules, {"operation": "restyle", "prompt": "x"})
    choice, _ = sd.pick_control(req, CN_MODULES, CN_A1111_MODELS + ["control_v11f1p_sd15_depth [cfd03158]"])
    assert (choice.module, choice.model, choice.weight) == ("depth_midas", "control_v11f1p_sd15_depth [cfd03158]", 0.6)


def test_api_body_puts_scripts_under_alwayson_by_lower_case_title(settings, rules):
    req = sd_request(settings, rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "x"})
    plan = sd.plan_img2img(req)
    body = sd.api_body(plan, "IMG", "MASK", {"ControlNet": [{"enabled": True}], "reactor": ["a"]})
    assert body["alwayson_scripts"] == {"controlnet": {"args": [{"enabled": True}]}, "reactor": {"args": ["a"]}}
    assert body["mask"] == "MASK" and body["inpaint_full_res"] is True and body["save_images"] is False
    assert "use_mask" not in body and body["denoising_strength"] == plan.denoising_strength


def test_choose_face_swap_prefers_reactor_unless_told():
    assert sd.choose_face_swap(["controlnet", "roop", "reactor"]) == "reactor"
    assert sd.choose_face_swap(["roop"]) == "roop"
    assert sd.choose_face_swap(["reactor", "roop"], "roop") == "roop"
    assert sd.choose_face_swap(["controlnet"]) is None


def test_hard_mask_covers_every_pixel_that_may_change():
    m = box_mask(20, 10, (5, 2, 15, 8))
    hard = sd.hard_mask(m)
    assert set(np.unique(hard)) == {0, 255} and ((hard == 255) == (m > 0)).all()


def test_composite_puts_a_result_of_any_size_back_through_the_mask(settings, rules):
    req = sd_request(settings, rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "x"})
    out = req.composite(np.full((37, 51, 3), 9, np.uint8))
    outside = req.mask == 0
    assert out.shape == req.image.shape and (out[outside] == req.image[outside]).all()
    assert (out[req.mask == 1] == 9).all()
