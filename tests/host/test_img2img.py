"""The in-process `host` executor against doubles of the WebUI (A1111 1.10 and Forge): the
processing object, the mask, each extension's script arguments, queue_lock, the untouched global
runner, progress and Interrupt, and the fallback chain when the host fails."""

import json
import threading
import time

import numpy as np
import pytest
from sd_helpers import gradient, sd_request

from lib_imgedit.core.errors import ExecutorUnavailable, Interrupted, UpstreamError
from lib_imgedit.engine.service import EditService
from lib_imgedit.executors import EXECUTORS
from lib_imgedit.host.img2img import HostExecutor
from lib_imgedit.host.runner import private_runner

INPAINT = {"operation": "inpaint", "targets": ["thing"], "prompt": "a leather jacket", "strength": 0.6}
PAINT = (200, 20, 20)


def cn_log():
    import importlib

    return importlib.import_module("extensions.sd-webui-controlnet.scripts.external_code").logged


def run(settings, rules, instruction, **kw):
    req = sd_request(settings, rules, instruction, **kw)
    return req, HostExecutor(settings, rules).run(req)


def test_inpaint_builds_the_processing_object_and_keeps_outside_pixels(webui, settings, rules):
    before = webui.snapshot()
    req, result = run(settings, rules, INPAINT)
    p = webui.processing.runs[-1]
    assert type(p).__name__ == "StableDiffusionProcessingImg2Img"
    assert (p.prompt, p.denoising_strength, p.inpainting_fill, p.inpaint_full_res) == ("a leather jacket", 0.6, 1, True)
    assert (p.inpaint_full_res_padding, p.steps, p.sampler_name, p.scheduler) == (
        settings.inpaint_padding, settings.steps, settings.sampler, settings.scheduler)
    assert (p.mask_blur_x, p.mask_blur_y, p.inpainting_mask_invert) == (0, 0, 0), "the feathered mask is not blurred again"
    assert p.width % 8 == 0 and p.height % 8 == 0 and p.is_api and p.do_not_save_samples and p.closed
    assert (np.asarray(p.init_images[0]) == req.image).all()
    assert ((np.asarray(p.image_mask) == 255) == (req.mask > 0)).all() and set(np.unique(np.asarray(p.image_mask))) == {0, 255}
    assert json.loads(p.extra_generation_params["Chat Edit"]) == req.instruction.to_dict()
    # only ControlNet runs, on its own slice, with one unit; setup saw the final arguments
    assert [s.title() for s in p.scripts.alwayson_scripts] == ["ControlNet"] and p.scripts is not webui.runner
    assert len(p.script_args) == 1 and p.script_args[0]["module"] == "inpaint_global_harmonious"
    seen = p.controlnet_seen[0]
    assert seen["unit"].module == "inpaint_global_harmonious", "the unit built is the unit that runs"
    assert cn_log() == [], "ControlNet took the unit as given: no fallback, no invalid processor_res"
    assert seen["unit"].model == "control_v11p_sd15_inpaint [ebff9138]" and seen["unit"].weight == settings.controlnet_weight
    assert seen["mask"] is p.image_mask, "the inpaint unit takes the img2img mask"
    assert webui.controlnet.setup_args is None, "the global ControlNet script object is never used"
    assert p.scripts.alwayson_scripts[0].setup_args == [p.script_args[0]]
    assert not __import__("modules.errors").errors.reported, "no script failed"
    # the result: outside the mask bit-identical, inside generated; the detected map is not taken
    outside, inside = req.mask == 0, req.mask == 1
    assert (result.image[outside] == req.image[outside]).all() and (result.image[inside] == PAINT).all()
    assert result.executor == "host" and result.info["controlnet"].startswith("inpaint_global_harmonious /") and result.info["seed"] == 1234
    # the reply's notes say which unit and model held the structure
    assert result.info["notes"] == ["ControlNet used: inpaint_global_harmonious, model control_v11p_sd15_inpaint [ebff9138]"]
    assert "Chat Edit:" in result.info["parameters"] and "Steps: " in result.info["parameters"]
    # the lock, the state, the global runner
    assert p.lock_held and not webui.call_queue.queue_lock.locked() and webui.call_queue.queue_lock.acquisitions == 1
    assert webui.shared.state.begun == ["imgedit"] and p.state_job == "imgedit"
    assert webui.snapshot() == before, "the global runner must not change"
    assert webui.builtin.calls == [] and webui.other.calls == [], "other always-on scripts do not run"


@pytest.mark.parametrize("instruction,module", [
    ({"operation": "remove", "targets": ["thing"]}, "inpaint_only+lama"),
    ({"operation": "restyle", "prompt": "x", "control": "canny"}, "canny"),
    ({"operation": "restyle", "prompt": "x", "control": "lineart_realistic"}, "lineart_realistic"),
])
def test_every_unit_runs_as_built_without_controlnet_warnings(webui, settings, rules, instruction, module):
    import copy

    rules = copy.deepcopy(rules)
    rules["operations"]["remove"]["control"] = "auto"  # the default rules switch it off for remove
    mask = np.ones((64, 96), np.float32) if instruction["operation"] == "restyle" else None
    run(settings, rules, instruction, mask=mask)
    p = webui.processing.runs[-1]
    unit = p.controlnet_seen[0]["unit"]
    assert unit.module == module and cn_log() == []
    assert (unit.processor_res, unit.threshold_a, unit.threshold_b) != (-1, -1, -1), "ControlNet's defaults filled in"
    if module.startswith("inpaint"):
        assert p.inpainting_fill == 1, "an inpaint unit keeps the structure of the original: 'original' fill"


def test_an_unfeathered_mask_gets_the_mask_blur_setting(webui, settings, rules):
    from sd_helpers import box_mask

    run(settings, rules, INPAINT, mask=box_mask(96, 64, (30, 20, 70, 40), soft=False))
    p = webui.processing.runs[-1]
    assert p.mask_blur == settings.mask_blur and p.inpaint_full_res_padding == settings.inpaint_padding


def test_result_is_saved_with_the_instruction_in_its_infotext(webui, settings, rules):
    from PIL import Image

    req, result = run(settings, rules, INPAINT)
    path, info = __import__("modules.images").images.saved[-1]
    assert "Chat Edit:" in info and "a leather jacket" in info
    saved = Image.open(path)
    assert saved.text["parameters"] == info and (np.asarray(saved.convert("RGB")) == result.image).all()
    webui.shared.opts.data["samples_save"] = False
    run(settings, rules, INPAINT)
    assert len(__import__("modules.images").images.saved) == 1


def test_the_returned_png_carries_the_saved_copys_parameters_and_the_instruction(webui, settings, rules):
    """Send to img2img and PNG Info read the returned PNG as they read the copy in outputs/."""
    from modules import images as host_images
    from modules import infotext_utils

    from lib_imgedit.core.infotext import make_infotext

    req, result = run(settings, rules, {**INPAINT, "negative_prompt": "blurry, dark"})
    text = make_infotext(req.instruction, result.executor, result.info, (96, 64))
    assert text == host_images.saved[-1][1], "the same text as the saved copy"
    got = infotext_utils.parse_generation_parameters(text)
    assert (got["Prompt"], got["Negative prompt"]) == ("a leather jacket", "blurry, dark")
    assert (got["Steps"], got["Sampler"], got["Seed"], got["Denoising strength"]) == (str(settings.steps), settings.sampler, "1234", "0.6")
    assert (got["Model"], got["Mask blur"], got["Size-1"]) == ("v1-5-pruned-emaonly", "0", str(webui.processing.runs[-1].width))
    assert got["ControlNet 0"].startswith("Module: inpaint_global_harmonious")
    assert json.loads(got["Chat Edit"]) == req.instruction.to_dict()


def test_the_global_runner_still_runs_its_own_scripts_afterwards(webui, settings, rules):
    def normal_run():
        p = webui.processing.StableDiffusionProcessingImg2Img(init_images=[__import__("PIL.Image").Image.new("RGB", (64, 64))])
        p.scripts = webui.runner
        p.script_args = tuple(c.value if c is not None else 0 for c in webui.runner.inputs)
        webui.processing.process_images(p)

    normal_run()
    run(settings, rules, INPAINT)
    normal_run()
    assert len(webui.builtin.calls) == 2 and len(webui.other.calls) == 2
    assert webui.builtin.calls[0] == webui.builtin.calls[1] == (-1, False, -1, 0)


def test_private_runner_copies_scripts_and_resets_every_container(webui):
    cn = webui.controlnet
    own, args = private_runner(webui.runner, [(cn, [{"enabled": True, "module": "canny"}]), (webui.other, [False, 1.0])])
    assert args == ({"enabled": True, "module": "canny"}, False, 1.0)
    assert [(s.args_from, s.args_to) for s in own.alwayson_scripts] == [(0, 1), (1, 3)]
    assert own.alwayson_scripts[0] is not cn and (cn.args_from, cn.args_to) != (0, 1)
    for name in ("callback_map", "inputs", "title_map", "selectable_scripts"):
        assert getattr(own, name) is not getattr(webui.runner, name)
    assert own.title_map == {"controlnet": own.alwayson_scripts[0], "soft inpainting": own.alwayson_scripts[1]}


def test_restyle_on_forge_uses_names_without_hash(make_webui, settings, rules):
    webui = make_webui(kind="forge")
    req, result = run(settings, rules, {"operation": "restyle", "prompt": "watercolor"}, mask=np.ones((64, 96), np.float32))
    p = webui.processing.runs[-1]
    assert p.image_mask is None and not p.inpaint_full_res and p.denoising_strength == 0.55
    unit = p.controlnet_seen[0]["unit"]
    assert (unit.module, unit.model, unit.resize_mode) == ("lineart_realistic", "control_v11p_sd15_lineart", "Just Resize")
    assert result.image.shape == req.image.shape and (result.image == PAINT).all()


def test_sdxl_checkpoint_gets_its_resolution_and_an_xl_model(make_webui, settings, rules):
    webui = make_webui(sdxl=True)
    run(settings, rules, {"operation": "restyle", "prompt": "x", "control": "canny"}, mask=np.ones((64, 96), np.float32))
    p = webui.processing.runs[-1]
    assert p.width * p.height > 900_000 and p.controlnet_seen[0]["unit"].model == "diffusers_xl_canny_full [2b69fca4]"


def test_without_controlnet_the_edit_runs_and_says_so(make_webui, settings, rules):
    webui = make_webui(controlnet=False, face_swap=None)
    req, result = run(settings, rules, INPAINT)
    p = webui.processing.runs[-1]
    assert p.scripts.alwayson_scripts == [] and p.script_args == ()
    assert result.info["notes"] == ["the WebUI has no ControlNet, so nothing holds the structure"]
    assert (result.image[req.mask == 0] == req.image[req.mask == 0]).all()


FACES_FRAC = [(0.55, 0.1, 0.75, 0.5), (0.05, 0.1, 0.25, 0.5)]  # the right face first: the order found is not left to right


def face_request(settings, rules, index):
    w, h = 96, 64
    boxes = [(int(a * w), int(b * h), int(c * w), int(d * h)) for a, b, c, d in FACES_FRAC]
    x0, y0, x1, y1 = sorted(boxes)[index]
    mask = np.zeros((h, w), np.float32)
    mask[y0:y1, x0:x1] = 1.0
    source = np.full((16, 16, 3), (10, 200, 90), np.uint8)
    return sd_request(settings, rules, {"operation": "face_swap", "targets": ["face"], "faces": [index]},
                      mask=mask, faces=boxes, source_face=source), sorted(boxes)


def test_face_swap_with_reactor_gets_31_arguments_and_the_chosen_face(webui, settings, rules):
    webui.annotators.FACES[:] = FACES_FRAC
    req, boxes = face_request(settings, rules, 1)
    result = HostExecutor(settings, rules).run(req)
    p = webui.processing.runs[-1]
    assert [s.title() for s in p.scripts.alwayson_scripts] == ["ReActor"], "no ControlNet unit for a face swap"
    got = p.scripts.alwayson_scripts[-1].received
    assert len(got) == 31 and list(got)[:4] == ["img", "enable", "source_faces_index", "faces_index"]
    assert (got["enable"], got["faces_index"], got["source_faces_index"], got["selected_tab"]) == (True, "1", "0", "tab_single")
    assert (np.asarray(got["img"]) == req.source_face).all()
    assert (got["face_restorer_name"], got["device"], got["model"]) == ("GFPGAN", "CUDA", "inswapper_128.onnx"), "UI defaults"
    assert (got["swap_in_source"], got["swap_in_generated"]) == (False, True)
    assert p.denoising_strength == 0 and not p.inpaint_full_res
    (lx0, ly0, lx1, ly1), (rx0, ry0, rx1, ry1) = boxes
    assert (result.image[ry0 + 2:ry1 - 2, rx0 + 2:rx1 - 2] == (10, 200, 90)).all(), "the second face from the left is swapped"
    assert (result.image[ly0:ly1, lx0:lx1] == req.image[ly0:ly1, lx0:lx1]).all(), "the first face is untouched"
    assert result.info["face_swap"] == "reactor"


def test_face_swap_with_roop(make_webui, settings, rules):
    webui = make_webui(face_swap="roop")
    webui.annotators.FACES[:] = FACES_FRAC
    req, boxes = face_request(settings, rules, 0)
    result = HostExecutor(settings, rules).run(req)
    got = webui.processing.runs[-1].scripts.alwayson_scripts[-1].received
    assert len(got) == 11 and got["faces_index"] == "0" and got["model"] == "/webui/models/roop/inswapper_128.onnx"
    x0, y0, x1, y1 = boxes[0]
    assert (result.image[y0 + 2:y1 - 2, x0 + 2:x1 - 2] == (10, 200, 90)).all() and result.info["face_swap"] == "roop"


def test_face_swap_without_an_extension_is_refused_clearly(make_webui, settings, rules):
    make_webui(face_swap=None)
    req, _ = face_request(settings, rules, 0)
    ok, why = HostExecutor(settings, rules).can_serve(req)
    assert not ok and "ReActor" in why
    EXECUTORS["host"] = HostExecutor
    service = EditService(settings.update({"executors": "host,local"}))
    with pytest.raises(ExecutorUnavailable, match="ReActor"):
        service.execute(req)


def test_queue_lock_makes_the_edit_wait_its_turn(webui, settings, rules):
    lock = webui.call_queue.queue_lock
    held, released = threading.Event(), []

    def other_generation():
        with lock:
            held.set()
            time.sleep(0.3)
            released.append(time.monotonic())

    threading.Thread(target=other_generation).start()
    held.wait(2)
    run(settings, rules, INPAINT)
    assert webui.processing.runs[-1].started >= released[0]


def test_progress_and_interrupt_from_the_request(webui, settings, rules):
    webui.processing.step_delay = 0.05
    cancel, steps = threading.Event(), []
    threading.Timer(0.4, cancel.set).start()
    with pytest.raises(Interrupted):
        run(settings, rules, INPAINT, cancel=cancel, progress=lambda i, n, t: steps.append((i, n)))
    assert webui.shared.state.interrupted and steps and all(n == settings.steps for _, n in steps)
    assert not webui.call_queue.queue_lock.locked()


def test_the_webui_interrupt_button_stops_the_edit(webui, settings, rules):
    webui.processing.step_delay = 0.05
    threading.Timer(0.3, webui.shared.state.interrupt).start()
    with pytest.raises(Interrupted):
        run(settings, rules, INPAINT)


def test_without_a_turn_the_edit_is_a_webui_job_of_its_own(webui, settings, rules):
    """An API request: shared.state begun and ended around the generation, inside queue_lock, no task."""
    run(settings, rules, INPAINT)
    p = webui.processing.runs[-1]
    assert webui.shared.state.begun == ["imgedit"] and p.state_job == "imgedit" and p.lock_held
    assert webui.shared.state.job == "" and webui.shared.state.job_count == 0 and webui.progress.started == []


@pytest.mark.parametrize("error,match", [
    ("nans", "produced NaNs"), (RuntimeError("CUDA out of memory. Tried to allocate 2 GiB"), "ran out of memory"),
    (ValueError("boom"), "failed: ValueError: boom"),
])
def test_host_failures_are_upstream_errors(webui, settings, rules, error, match):
    webui.processing.fail_with = __import__("modules.devices").devices.NansException("A tensor with all NaNs") if error == "nans" else error
    with pytest.raises(UpstreamError, match=match):
        run(settings, rules, INPAINT)
    assert not webui.call_queue.queue_lock.locked() and webui.shared.state.job == ""


def test_no_model(webui, settings, rules):
    webui.shared.sd_model = None
    with pytest.raises(UpstreamError, match="no Stable Diffusion model"):
        run(settings, rules, INPAINT)
    from modules import sd_models

    sd_models.model_data.sd_model = None
    sd_models.checkpoints_list.clear()
    assert HostExecutor(settings, rules).available() == (False, "the WebUI has no Stable Diffusion checkpoint")


def test_fallback_chain_when_the_host_fails(webui, settings, rules, server):
    from fake_remotes import FakeWebUI as RemoteWebUI

    EXECUTORS["host"] = HostExecutor
    webui.processing.fail_with = __import__("modules.devices").devices.NansException("NaNs")
    remote = RemoteWebUI(server)
    service = EditService(settings.update({"executors": "host,webui_api,local", "webui_api_url": remote.url}))
    req = sd_request(service.settings, rules, INPAINT)
    result = service.execute(req)
    assert result.executor == "webui_api" and len(remote.bodies) == 1 and len(webui.processing.runs) == 1
    assert (result.image[req.mask == 0] == req.image[req.mask == 0]).all()
    # nothing left to fall back to: a clear upstream error that names what failed
    alone = EditService(settings.update({"executors": "host,local"}))
    with pytest.raises(UpstreamError, match="host failed: Stable Diffusion produced NaNs"):
        alone.execute(sd_request(alone.settings, rules, INPAINT))


def test_source_image_is_never_modified(webui, settings, rules):
    image = gradient()
    copy = image.copy()
    run(settings, rules, INPAINT, image=image)
    assert (image == copy).all()


def test_a_second_controlnet_edit_loads_no_controlnet_model_from_disk(webui, settings, rules):
    """ControlNet clears its class-level model cache when its script's `latest_model_hash` is not the
    loaded checkpoint's: our per-edit copy of the script hands its hash back to the WebUI's, so only
    the first edit (and the first after a checkpoint change) reads the model from disk."""
    cn = type(webui.controlnet)
    cn.model_cache.clear()
    cn.disk_loads.clear()
    for _ in range(3):
        run(settings, rules, INPAINT)
    assert cn.disk_loads == ["control_v11p_sd15_inpaint [ebff9138]"]
    assert webui.controlnet.latest_model_hash == webui.model.sd_model_hash
    webui.model.sd_model_hash = "another"  # the user loads another checkpoint: ControlNet's cache is stale
    run(settings, rules, INPAINT)
    run(settings, rules, INPAINT)
    assert cn.disk_loads == ["control_v11p_sd15_inpaint [ebff9138]"] * 2
