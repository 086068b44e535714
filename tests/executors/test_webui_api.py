"""The webui_api executor over real HTTP against a local server that speaks the WebUI's API."""

import dataclasses
import json
import threading

import numpy as np
import pytest
from fake_remotes import PAINT, FakeWebUI, b64_to_array
from sd_helpers import gradient, sd_request
from werkzeug import Response

from lib_imgedit.core.errors import Interrupted, UpstreamError, UpstreamTimeout
from lib_imgedit.executors.webui_api import WebUIApiExecutor


def executor(settings, rules, url, **values):
    return WebUIApiExecutor(settings.update({"webui_api_url": url, **values}), rules)


def test_available_only_with_a_url(settings, rules):
    assert WebUIApiExecutor(settings, rules).available()[0] is False
    assert executor(settings, rules, "ftp://x").available()[0] is False
    assert executor(settings, rules, "http://x", webui_api_auth="nocolon").available()[0] is False
    assert executor(settings, rules, "http://x:7860/").available() == (True, "")


def test_inpaint_sends_the_request_with_controlnet_and_keeps_outside_pixels(server, settings, rules):
    remote = FakeWebUI(server)
    req = sd_request(settings, rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "a red car", "strength": 0.6})
    result = executor(settings, rules, remote.url).run(req)
    body = remote.bodies[0]
    assert body["prompt"] == "a red car" and body["denoising_strength"] == 0.6 and body["inpaint_full_res"] is True
    assert body["inpainting_fill"] == 1 and body["mask_blur"] == 0 and body["inpainting_mask_invert"] == 0
    assert (b64_to_array(body["init_images"][0]) == req.image).all()
    assert ((b64_to_array(body["mask"], "L") > 127) == (req.mask > 0)).all()
    units = body["alwayson_scripts"]["controlnet"]["args"]
    assert len(units) == 1 and units[0]["module"] == "inpaint_global_harmonious" and units[0]["model"] == "control_v11p_sd15_inpaint [ebff9138]"
    outside, inside = req.mask == 0, req.mask == 1
    assert (result.image[outside] == req.image[outside]).all(), "pixels outside the mask must be bit-identical"
    assert (result.image[inside] == PAINT).all()
    assert result.executor == "webui_api" and result.info["seed"] == 1234 and "a red car" in result.info["parameters"]
    assert result.info["controlnet"].startswith("inpaint_global_harmonious /") and units[0]["processor_res"] == -1


def test_restyle_result_at_working_size_is_scaled_back(server, settings, rules):
    remote = FakeWebUI(server, checkpoint="sd_xl_base_1.0.safetensors [31e35c80fc]")
    req = sd_request(settings, rules, {"operation": "restyle", "prompt": "watercolor"}, mask=np.ones((64, 96), np.float32))
    result = executor(settings, rules, remote.url).run(req)
    body = remote.bodies[0]
    assert body["mask"] is None and body["width"] * body["height"] > 900_000, "SDXL checkpoint: ~1024^2"
    # the remote has only SD 1.5 ControlNet models, which would fail on an SDXL checkpoint
    assert "controlnet" not in body["alwayson_scripts"] and "no lineart model" in result.info["notes"][0]
    assert result.image.shape == req.image.shape and (result.image != req.image).any()


def test_face_swap_sends_reactor_args_with_the_remote_defaults(server, settings, rules):
    remote = FakeWebUI(server)
    face = gradient(32, 32)
    req = sd_request(settings, rules, {"operation": "face_swap", "targets": ["face"], "faces": [1]},
                     faces=[(5, 5, 20, 20), (50, 5, 70, 20)], source_face=face)
    executor(settings, rules, remote.url).run(req)
    args = remote.bodies[0]["alwayson_scripts"]["reactor"]["args"]
    assert len(args) == 31 and args[1] is True and args[3] == "1" and args[20] == "CUDA", "device from the remote's UI default"
    assert (b64_to_array(args[0]) == face).all()
    assert remote.bodies[0]["denoising_strength"] == 0.0


def test_face_swap_with_roop_and_without_any(server, settings, rules):
    remote = FakeWebUI(server, face_swap="roop", controlnet=False)
    req = sd_request(settings, rules, {"operation": "face_swap", "targets": ["face"]}, source_face=gradient(16, 16))
    executor(settings, rules, remote.url).run(req)
    args = remote.bodies[0]["alwayson_scripts"]["roop"]["args"]
    assert len(args) == 11 and args[3] == "/remote/models/roop/inswapper_128.onnx"
    assert "controlnet" not in remote.bodies[0]["alwayson_scripts"]
    remote.face_swap = None
    with pytest.raises(UpstreamError, match="ReActor"):
        executor(settings, rules, remote.url).run(req)


def test_missing_controlnet_model_is_a_note_not_a_failure(server, settings, rules):
    remote = FakeWebUI(server)
    req = sd_request(settings, rules, {"operation": "restyle", "prompt": "x", "control": "depth_midas"}, mask=np.ones((64, 96), np.float32))
    result = executor(settings, rules, remote.url).run(req)
    assert "controlnet" not in remote.bodies[0]["alwayson_scripts"]
    assert "no preprocessor depth_midas" in result.info["notes"][0]


def test_basic_auth(server, settings, rules):
    remote = FakeWebUI(server, auth=("alice", "s3cret"))
    req = sd_request(settings, rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "x"})
    with pytest.raises(UpstreamError, match="refused the credentials"):
        executor(settings, rules, remote.url, webui_api_auth="alice:wrong").run(req)
    assert executor(settings, rules, remote.url, webui_api_auth="alice:s3cret").run(req).executor == "webui_api"


def test_progress_is_reported_and_interrupt_reaches_the_remote(server, settings, rules):
    remote = FakeWebUI(server, delay=5.0)
    steps = []
    cancel = threading.Event()
    req = sd_request(settings, rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "x"},
                     progress=lambda i, n, text: steps.append((i, n)), cancel=cancel)
    threading.Timer(0.8, cancel.set).start()
    with pytest.raises(Interrupted):
        executor(settings, rules, remote.url).run(req)
    assert remote.interrupted.is_set() and (3, 10) in steps


@pytest.mark.parametrize("status,reply,match", [
    (500, {"error": "OutOfMemoryError", "detail": "CUDA out of memory"}, "500 to /sdapi/v1/img2img: CUDA out of memory"),
    (422, {"detail": "always on script reactor not found"}, "422 .*reactor not found"),
    (200, "not json", "not JSON"),
    (200, {"images": []}, "without an image"),
    (200, {"images": ["bm90IGEgcG5n"]}, "cannot be read"),
])
def test_error_replies_are_upstream_errors(server, settings, rules, status, reply, match):
    remote = FakeWebUI(server)
    server.clear()
    server.expect_request("/sdapi/v1/scripts").respond_with_json({"img2img": []})
    server.expect_request("/sdapi/v1/options").respond_with_json({})
    text = reply if isinstance(reply, str) else json.dumps(reply)
    server.expect_request("/sdapi/v1/img2img", method="POST").respond_with_response(Response(text, status, content_type="application/json"))
    req = sd_request(settings, rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "x"})
    with pytest.raises(UpstreamError, match=match) as err:
        executor(settings, rules, remote.url).run(req)
    assert err.value.status >= 500, "a failed backend lets the service try the next executor"


def test_timeout_and_unreachable(server, settings, rules):
    server.expect_request("/sdapi/v1/scripts").respond_with_handler(lambda r: (__import__("time").sleep(1.5), Response("{}"))[1])
    req = sd_request(settings, rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "x"})
    with pytest.raises(UpstreamTimeout, match="did not answer"):
        fast = dataclasses.replace(settings, webui_api_url=server.url_for("/").rstrip("/"), webui_api_timeout=0.3)
        WebUIApiExecutor(fast, rules).run(req)
    with pytest.raises(UpstreamError, match="cannot reach"):
        executor(settings, rules, "http://127.0.0.1:9").run(req)
