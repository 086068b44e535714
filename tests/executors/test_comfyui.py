"""The comfyui executor against the stand-in ComfyUI (real HTTP and websocket on 127.0.0.1): each shipped
template accepted and run, progress, Interrupt, missing models named before anything runs, a user's
own workflow, ComfyUI's validation errors, and outside-mask pixels after five turns."""

import json
import threading

import numpy as np
import pytest
from comfy_stand_in import PAINT, StandInComfy
from sd_helpers import sd_request

from lib_imgedit.core.errors import Interrupted, UpstreamError
from lib_imgedit.executors.comfy_workflows import SHIPPED, Workflow, find_workflow
from lib_imgedit.executors.comfyui import ComfyUIExecutor

TEMPLATES = sorted(p.stem for p in SHIPPED.glob("*.json"))
INPAINT = {"operation": "inpaint", "targets": ["thing"], "prompt": "a red apple"}


def template_models(name):
    wf = find_workflow(name, "")
    return {file for _, _, _, file in wf.model_places(wf.graph)}


@pytest.fixture
def comfy():
    models = set().union(*(template_models(n) for n in TEMPLATES))
    server = StandInComfy(models).start()
    yield server
    server.stop()


def executor(settings, rules, comfy, **values):
    return ComfyUIExecutor(settings.update({"comfyui_url": comfy.url, **values}), rules)


@pytest.mark.parametrize("template", TEMPLATES)
def test_each_template_is_accepted_and_only_the_mask_changes(comfy, settings, rules, template):
    ex = executor(settings, rules, comfy, comfyui_operations=f"inpaint={template}")
    seen = []
    req = sd_request(ex.settings, rules, INPAINT, progress=lambda d, t, text: seen.append((d, t, text)))
    result = ex.run(req)
    graph = comfy.prompts[-1]
    wf = find_workflow(template, "")
    assert result.info["workflow"] == template and graph.keys() == wf.graph.keys()
    outside, inside = req.mask == 0, req.mask == 1
    assert np.array_equal(result.image[outside], req.image[outside]), "outside the mask: the user's pixels, bit for bit"
    assert (np.abs(result.image[inside].astype(int) - PAINT).max(axis=1) < 16).mean() > 0.8, "the model's pixels inside"
    assert seen and seen[-1][0] == seen[-1][1] and seen[-1][2] == f"ComfyUI {template}"
    text = graph[wf.slots["prompt"][0].split(".")[0]]["inputs"][wf.slots["prompt"][0].split(".")[1]]
    if wf.prompt_style == "instruction":
        assert text.startswith("Replace the thing with a red apple; keep everything else")
    else:
        assert text == "a red apple"
    scale = next(n for n in graph.values() if n["class_type"] == "ImageScale")["inputs"]
    assert result.info["size"] == [scale["width"], scale["height"]] != [96, 64], "the model's own size, scaled back"


def test_missing_model_is_named_before_anything_runs(settings, rules):
    server = StandInComfy({"clip_l.safetensors"}).start()
    try:
        ex = executor(settings, rules, server, comfyui_operations="inpaint=flux_fill_inpaint")
        with pytest.raises(UpstreamError) as err:
            ex.run(sd_request(ex.settings, rules, INPAINT))
    finally:
        server.stop()
    msg = err.value.message
    assert msg.startswith("The ComfyUI workflow flux_fill_inpaint needs") and "flux1-fill-dev.safetensors (unet" in msg
    assert "ae.safetensors" in msg and "clip_l.safetensors" not in msg
    assert server.calls == ["object_info"] and not server.inputs, "nothing uploaded, nothing queued"


def test_model_names_come_from_the_settings(comfy, settings, rules):
    comfy.models.add("my-sd15.safetensors")
    ex = executor(settings, rules, comfy, comfyui_models="ckpt=my-sd15.safetensors")
    result = ex.run(sd_request(ex.settings, rules, INPAINT))
    assert comfy.prompts[-1]["4"]["inputs"]["ckpt_name"] == "my-sd15.safetensors" and result.info["model"] == "my-sd15.safetensors"
    comfy.models.add("juggernautXL.safetensors")
    ex = executor(settings, rules, comfy, comfyui_models="ckpt=juggernautXL.safetensors")
    result = ex.run(sd_request(ex.settings, rules, INPAINT))
    assert result.info["family"] == "sdxl" and comfy.prompts[-1]["12"]["inputs"]["width"] * comfy.prompts[-1]["12"]["inputs"]["height"] > 900_000


def test_interrupt_stops_the_prompt_on_the_server(comfy, settings, rules):
    comfy.step_delay = 0.1
    ex = executor(settings, rules, comfy)
    cancel = threading.Event()
    req = sd_request(ex.settings, rules, INPAINT, progress=lambda d, t, text: cancel.set() if d >= 2 else None, cancel=cancel)
    with pytest.raises(Interrupted):
        ex.run(req)
    assert "interrupt" in comfy.calls


def test_a_users_own_workflow_serves_the_operation_it_names(comfy, settings, rules, tmp_path):
    folder = tmp_path / "data" / "workflows"
    folder.mkdir(parents=True)
    data = json.loads((SHIPPED / "sd_inpaint.json").read_text())
    data["imgedit"]["operations"] = ["remove"]
    data["prompt"]["3"]["inputs"]["steps"] = 7
    data["imgedit"]["slots"].pop("steps")
    (folder / "my_remove.json").write_text(json.dumps(data))
    ex = executor(settings, rules, comfy)
    result = ex.run(sd_request(ex.settings, rules, {"operation": "remove", "targets": ["thing"]}))
    assert result.info["workflow"] == "my_remove" and comfy.prompts[-1]["3"]["inputs"]["steps"] == 7
    assert ex.workflow("inpaint").name == "sd_inpaint"


def test_comfyuis_validation_errors_are_upstream_errors_with_the_node(comfy, settings, rules, tmp_path):
    folder = tmp_path / "data" / "workflows"
    folder.mkdir(parents=True)
    data = json.loads((SHIPPED / "sd_inpaint.json").read_text())
    data["prompt"]["12"]["inputs"]["upscale_method"] = "magic"
    (folder / "broken.json").write_text(json.dumps(data))
    ex = executor(settings, rules, comfy, comfyui_operations="inpaint=broken")
    with pytest.raises(UpstreamError, match=r"ComfyUI refused the workflow: .*node 12 \(ImageScale\): Value not in list"):
        ex.run(sd_request(ex.settings, rules, INPAINT))


def test_a_missing_workflow_means_it_cannot_serve(comfy, settings, rules):
    ex = executor(settings, rules, comfy, comfyui_operations="inpaint=nowhere")
    ok, why = ex.can_serve(sd_request(ex.settings, rules, INPAINT))
    assert not ok and why.startswith("no ComfyUI workflow named 'nowhere'")


def test_a_broken_workflow_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text(json.dumps({"imgedit": {"operations": ["inpaint"], "slots": {"image": ["99.image"], "prompt": ["1.text"]}},
                               "prompt": {"1": {"class_type": "CLIPTextEncode", "inputs": {"text": ""}}}}))
    with pytest.raises(Exception, match="slot 'image' names '99.image', which its graph lacks"):
        Workflow.load(bad)


def test_five_turns_keep_outside_pixels_for_every_template(comfy, settings, rules):
    for template in TEMPLATES:
        ex = executor(settings, rules, comfy, comfyui_operations=f"inpaint={template}")
        first = sd_request(ex.settings, rules, INPAINT)
        image, outside = first.image, first.mask == 0
        for _ in range(5):
            image = ex.run(sd_request(ex.settings, rules, INPAINT, image=image)).image
        assert np.array_equal(image[outside], first.image[outside]), template


def test_unreachable_server(settings, rules):
    ex = ComfyUIExecutor(settings.update({"comfyui_url": "http://127.0.0.1:9"}), rules)
    with pytest.raises(UpstreamError, match="cannot reach ComfyUI at http://127.0.0.1:9"):
        ex.run(sd_request(ex.settings, rules, INPAINT))
