"""One place puts every generative backend's result back through our mask (`EditRequest.composite`):
resized to the original when the model changed the size or aspect, pixels outside the mask the
user's bit for bit, after five turns through each backend; `keep_whole_output` keeps the model's whole
output for whole-picture requests only."""

import numpy as np
import pytest
from comfy_stand_in import StandInComfy
from fake_remotes import FakeOpenAIImages, FakeWebUI
from sd_helpers import box_mask, gradient, sd_request

from lib_imgedit.executors import pool
from lib_imgedit.executors.comfy_workflows import find_workflow
from lib_imgedit.executors.comfyui import ComfyUIExecutor
from lib_imgedit.executors.openai_images import OpenAIImagesExecutor
from lib_imgedit.executors.pool import PoolExecutor
from lib_imgedit.executors.webui_api import WebUIApiExecutor

INPAINT = {"operation": "inpaint", "targets": ["thing"], "prompt": "a red apple"}


@pytest.mark.parametrize("size", [(96, 64), (512, 512), (37, 81), (1024, 300)])
def test_a_result_of_any_size_keeps_outside_pixels(settings, rules, size):
    req = sd_request(settings, rules, INPAINT)
    rng = np.random.default_rng(0)
    out = req.composite(rng.integers(0, 256, (size[1], size[0], 3), np.uint8))
    assert out.shape == req.image.shape and out.dtype == np.uint8
    assert np.array_equal(out[req.mask == 0], req.image[req.mask == 0])


def test_keep_whole_output_only_for_whole_picture_requests(settings, rules):
    model = np.full((128, 192, 3), 77, np.uint8)
    region = sd_request(settings.update({"keep_whole_output": True}), rules, INPAINT)
    assert np.array_equal(region.composite(model)[region.mask == 0], region.image[region.mask == 0]), "a region: still masked"
    whole_mask = box_mask(96, 64, (0, 0, 96, 64), soft=False)
    whole = sd_request(settings.update({"keep_whole_output": True}), rules, {"operation": "restyle", "prompt": "x"}, mask=whole_mask)
    assert (whole.composite(model) == 77).all()
    soft = whole_mask.copy()
    soft[:, :4] = 0  # a whole-picture request whose mask spares a strip: off, the strip stays; on, the model's
    off = sd_request(settings, rules, {"operation": "restyle", "prompt": "x"}, mask=soft)
    assert np.array_equal(off.composite(model)[:, :4], off.image[:, :4])
    on = sd_request(settings.update({"keep_whole_output": True}), rules, {"operation": "restyle", "prompt": "x"}, mask=soft)
    assert (on.composite(model) == 77).all()


def five_turns(make_executor, settings, rules):
    ex = make_executor()
    first = sd_request(ex.settings, rules, INPAINT, image=gradient())
    image = first.image
    for _ in range(5):
        image = ex.run(sd_request(ex.settings, rules, INPAINT, image=image)).image
    outside = first.mask == 0
    assert np.array_equal(image[outside], first.image[outside])
    assert not np.array_equal(image[first.mask == 1], first.image[first.mask == 1])


@pytest.fixture
def comfy():
    wf = find_workflow("sd_inpaint", "")
    server = StandInComfy({f for *_, f in wf.model_places(wf.graph)}).start()
    yield server
    server.stop()


def test_five_turns_through_webui_api(server, settings, rules):
    webui = FakeWebUI(server)
    five_turns(lambda: WebUIApiExecutor(settings.update({"webui_api_url": webui.url}), rules), settings, rules)


def test_five_turns_through_openai_images(server, settings, rules):
    fake = FakeOpenAIImages(server)
    five_turns(lambda: OpenAIImagesExecutor(settings.update({"openai_images_base_url": fake.base_url, "openai_api_key": "sk-test"}),
                                            rules), settings, rules)


def test_five_turns_through_comfyui_and_the_pool(comfy, settings, rules):
    five_turns(lambda: ComfyUIExecutor(settings.update({"comfyui_url": comfy.url}), rules), settings, rules)
    pool.STATE.dead_until.clear()
    five_turns(lambda: PoolExecutor(settings.update({"backend_pool": f"comfy+{comfy.url}"}), rules), settings, rules)

