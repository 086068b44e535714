"""The openai_images executor (openai 1.x client) over real HTTP against a local image-edit server."""

import dataclasses

import numpy as np
import pytest
from fake_remotes import PAINT, FakeOpenAIImages
from sd_helpers import box_mask, sd_request
from werkzeug import Response

from lib_imgedit.core.errors import UpstreamError, UpstreamTimeout
from lib_imgedit.core.masks import erode
from lib_imgedit.executors.openai_images import Letterbox, OpenAIImagesExecutor, canvas_size


def executor(settings, rules, base_url, **values):
    return OpenAIImagesExecutor(settings.update({"openai_images_base_url": base_url, "openai_api_key": "sk-test", **values}), rules)


def test_available_needs_a_key_or_a_url(settings, rules, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert OpenAIImagesExecutor(settings, rules).available()[0] is False
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    assert OpenAIImagesExecutor(settings, rules).available() == (True, "")
    monkeypatch.delenv("OPENAI_API_KEY")
    assert OpenAIImagesExecutor(settings.update({"openai_images_base_url": "http://127.0.0.1:1/v1"}), rules).available()[0]


def test_canvas_sizes():
    assert canvas_size("dall-e-2", 200, 100) == (256, 256) and canvas_size("dall-e-2", 3000, 2000) == (1024, 1024)
    assert canvas_size("gpt-image-1", 3000, 2000) == (1536, 1024) and canvas_size("gpt-image-1", 900, 1600) == (1024, 1536)
    assert canvas_size("gpt-image-1", 500, 520) == (1024, 1024)
    frame = Letterbox.fit(96, 64, (256, 256))
    assert frame.box == (0, 42, 256, 171)


def test_gpt_image_edit_keeps_pixels_outside_the_mask(server, settings, rules):
    fake = FakeOpenAIImages(server)
    req = sd_request(settings, rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "a red car"})
    result = executor(settings, rules, fake.base_url).run(req)
    call = fake.calls[0]
    assert call["form"]["model"] == "gpt-image-1" and call["form"]["prompt"] == (
        "Replace the thing with a red car; keep everything else in the picture unchanged."), "gpt-image-1 gets an instruction"
    assert call["form"]["size"] == "1536x1024" and "response_format" not in call["form"]
    assert call["auth"] == "Bearer sk-test" and call["image_mode"] == "RGBA" and call["image_size"] == (1536, 1024)
    edit = call["mask_alpha"] == 0
    assert 0.05 < edit.mean() < 0.2, "transparent = the region to edit, scaled onto the canvas"
    outside = req.mask == 0
    assert (result.image[outside] == req.image[outside]).all(), "pixels outside the mask must be bit-identical"
    core = erode(req.mask == 1, 2)
    assert np.abs(result.image[core].astype(int) - PAINT).max() <= 2
    assert result.executor == "openai_images" and result.info["size"] == "1536x1024"


def test_dalle2_square_canvas_padding_is_never_edited(server, settings, rules):
    fake = FakeOpenAIImages(server)
    req = sd_request(settings, rules, {"operation": "remove", "targets": ["thing"]})
    executor(settings, rules, fake.base_url, openai_images_model="dall-e-2").run(req)
    call = fake.calls[0]
    assert call["form"]["size"] == "256x256" and call["form"]["response_format"] == "b64_json"
    assert call["form"]["prompt"].startswith("empty background")
    alpha = call["mask_alpha"]
    frame = Letterbox.fit(96, 64, (256, 256))
    x, y, w, h = frame.box
    pad = np.ones(alpha.shape, bool)
    pad[y:y + h, x:x + w] = False
    assert (alpha[pad] == 255).all() and (alpha[~pad] == 0).any()


def test_result_given_as_url(server, settings, rules):
    fake = FakeOpenAIImages(server, as_url=True)
    mask = box_mask(96, 64, (0, 0, 96, 64), soft=False)
    req = sd_request(settings, rules, {"operation": "restyle", "prompt": "a watercolor"}, mask=mask)
    result = executor(settings, rules, fake.base_url).run(req)
    assert fake.calls[0]["form"]["prompt"].startswith("Restyle the picture as a watercolor; keep the composition")
    assert np.abs(result.image.astype(int) - PAINT).max() <= 2


@pytest.mark.parametrize("status,body,match", [
    (400, {"error": {"message": "Your request was rejected by our safety system", "type": "invalid_request_error"}}, "400: Your request was rejected"),
    (500, {"error": {"message": "The server had an error"}}, "500: The server had an error"),
    (200, {"created": 1, "data": []}, "without an image"),
])
def test_error_replies(server, settings, rules, status, body, match):
    server.expect_request("/v1/images/edits", method="POST").respond_with_json(body, status=status)
    req = sd_request(settings, rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "x"})
    with pytest.raises(UpstreamError, match=match) as err:
        executor(settings, rules, server.url_for("/v1")).run(req)
    assert err.value.status >= 500


def test_timeout(server, settings, rules):
    import time

    server.expect_request("/v1/images/edits", method="POST").respond_with_handler(lambda r: (time.sleep(1.5), Response("{}"))[1])
    s = dataclasses.replace(settings, openai_images_base_url=server.url_for("/v1"), openai_api_key="k", openai_images_timeout=0.3)
    req = sd_request(settings, rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "x"})
    with pytest.raises(UpstreamTimeout, match="did not answer within 0.3 s"):
        OpenAIImagesExecutor(s, rules).run(req)


def test_an_instruction_model_also_gets_the_users_words_for_a_one_step_plan(server, settings):
    """Through a real turn: the plan as an instruction, then the request in the user's own words."""
    import io

    from PIL import Image
    from sd_helpers import gradient

    from lib_imgedit.core.labels import LabelMap
    from lib_imgedit.engine.service import EditService

    fake = FakeOpenAIImages(server)
    service = EditService(settings.update({"openai_images_base_url": fake.base_url, "openai_api_key": "sk-test",
                                           "executors": "openai_images,local", "suggestions": False}))
    image = gradient()
    h, w = image.shape[:2]
    sky = np.zeros((h, w), bool)
    sky[: h // 2] = True
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="PNG")
    sid = service.create_session("me").id
    service.upload(sid, "me", buf.getvalue(), label_map=LabelMap(w, h, {"sky": sky, "grass": ~sky}))
    service.message(sid, "me", "replace the sky with a stormy sky at dusk")
    prompt = fake.calls[0]["form"]["prompt"]
    assert prompt.startswith("Replace the sky with ") and "keep everything else in the picture unchanged." in prompt
    assert prompt.endswith(' The request was: "replace the sky with a stormy sky at dusk".')
