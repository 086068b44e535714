"""The remote_controlnet segmenter over real HTTP against a local server that answers like ControlNet's
`/controlnet/module_list` and `/controlnet/detect` (scripts/api.py of Mikubill/sd-webui-controlnet)."""

from __future__ import annotations

import base64
import io
import json
import socket
import time

import numpy as np
import pytest
from PIL import Image
from werkzeug import Request, Response

from lib_imgedit.core.errors import ExecutorUnavailable, UpstreamError, UpstreamTimeout
from lib_imgedit.segment.palettes import ADE20K, COCO
from lib_imgedit.segment.remote_controlnet import RemoteControlNetSegmenter

SKY, TREE, PERSON, CAR = (6, 230, 230), (4, 200, 3), (150, 5, 61), (0, 102, 200)
CAT = (255, 77, 255)
OUTLINE = (250, 250, 250)  # the off-palette edge colour a visualiser draws between regions


def encode(arr: np.ndarray, fmt: str = "PNG") -> str:
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format=fmt)
    return base64.b64encode(buf.getvalue()).decode()


def scene_map(w: int, h: int) -> np.ndarray:
    """Sky over the top half, a tree bottom right, a person bottom left, outlines between them and a
    speck of car too small to keep; drawn at the map's own size as ControlNet does."""
    out = np.zeros((h, w, 3), np.uint8)
    out[: h // 2] = SKY
    out[h // 2:, w // 2:] = TREE
    out[h // 2:, : w // 2] = PERSON
    out[h // 2, :] = OUTLINE
    out[h // 2:, w // 2] = OUTLINE
    out[2:4, 2:4] = CAR  # 4 pixels: under the share of the picture worth a label
    return out


class FakeDetect:
    """ControlNet's segmentation routes: `modules` lists the preprocessors; `detect` answers with the
    map `draw(w, h)` at the size of the picture it received, or with `reply` as it stands."""

    def __init__(self, server, modules=("none", "canny", "seg_ofade20k", "seg_ofcoco"), draw=scene_map,
                 reply=None, auth=None, delay=0.0, controlnet=True, fmt="PNG"):
        self.server, self.modules, self.draw, self.reply, self.auth, self.delay = server, modules, draw, reply, auth, delay
        self.fmt = fmt  # A1111 encodes in its `samples_format`: PNG, JPEG or WebP
        self.bodies: list[dict] = []
        self.received: list[np.ndarray] = []
        self.headers: list[str | None] = []
        if controlnet:
            server.expect_request("/controlnet/module_list").respond_with_handler(self._guard(self.module_list))
            server.expect_request("/controlnet/detect", method="POST").respond_with_handler(self._guard(self.detect))
        else:  # FastAPI's answer to a route nobody mounted
            server.expect_request("/controlnet/module_list").respond_with_json({"detail": "Not Found"}, status=404)

    @property
    def url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def calls(self, path: str) -> int:
        return sum(1 for req, _ in self.server.log if req.path == path)

    def _guard(self, fn):
        def handler(request: Request) -> Response:
            self.headers.append(request.headers.get("Authorization"))
            if self.auth and (request.authorization is None
                              or (request.authorization.username, request.authorization.password) != self.auth):
                return Response(json.dumps({"detail": "Incorrect username or password"}), 401, content_type="application/json")
            return fn(request)
        return handler

    def module_list(self, request: Request) -> Response:
        return Response(json.dumps({"module_list": list(self.modules), "module_detail": {}}), content_type="application/json")

    def detect(self, request: Request) -> Response:
        body = json.loads(request.get_data())
        self.bodies.append(body)
        if self.delay:
            time.sleep(self.delay)
        if body["controlnet_module"] not in self.modules:
            return Response(json.dumps({"detail": "Module not available"}), 422, content_type="application/json")
        if self.reply is not None:
            return Response(self.reply, content_type="application/json")
        picture = np.asarray(Image.open(io.BytesIO(base64.b64decode(body["controlnet_input_images"][0]))).convert("RGB"))
        self.received.append(picture)
        colour = self.draw(picture.shape[1], picture.shape[0])
        return Response(json.dumps({"info": "Success", "images": [encode(colour, self.fmt)]}), content_type="application/json")


def segmenter(settings, url, **values) -> RemoteControlNetSegmenter:
    return RemoteControlNetSegmenter.from_settings(settings.update({"webui_api_url": url, **values}))


def picture(w: int = 1024, h: int = 768) -> np.ndarray:
    return np.random.default_rng(0).integers(0, 255, (h, w, 3), dtype=np.uint8)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_colour_map_comes_back_as_labels_with_their_masks(server, settings, fmt):
    remote = FakeDetect(server, fmt=fmt)
    seg = segmenter(settings, remote.url)
    assert seg.available() == (True, "")
    lm = seg.segment(picture(1024, 768))
    body = remote.bodies[0]
    assert body["controlnet_module"] == "seg_ofade20k" and body["controlnet_processor_res"] == 512
    assert remote.received[0].shape == (512, 683, 3), "sent with its short side at the processor resolution"
    assert (lm.width, lm.height) == (1024, 768) and lm.source == "remote_controlnet:seg_ofade20k"
    assert set(lm.names) == {"sky", "tree", "person"}, "the car speck is too small to be a label"
    # the map is 683x512: its halves are scaled to the picture with nearest neighbour, the outlines filled
    assert lm.masks["sky"][10:380].all() and not lm.masks["sky"][390:].any()
    assert lm.masks["person"][390:, :508].all() and not lm.masks["person"][:, 516:].any()
    assert lm.masks["tree"][390:, 516:].all() and not lm.masks["tree"][:380].any()
    total = sum(m.astype(int) for m in lm.masks.values())
    total[:10, :10] = 1  # where the dropped car speck was
    assert (total == 1).all(), "every other pixel has exactly one label"
    assert remote.calls("/controlnet/module_list") == 1
    seg.segment(picture(200, 100))
    assert remote.calls("/controlnet/module_list") == 1, "the preprocessor list is asked once"
    assert remote.received[1].shape == (100, 200, 3), "a small picture is sent as it is"


def test_coco_map_read_with_the_coco_palette(server, settings):
    def cat(w, h):
        out = np.zeros((h, w, 3), np.uint8)
        out[:] = (102, 102, 156)  # COCO wall
        out[h // 4:, w // 3:] = CAT
        return out

    remote = FakeDetect(server, modules=("none", "oneformer_coco", "segmentation"), draw=cat)
    lm = segmenter(settings, remote.url).segment(picture(300, 200))
    assert remote.bodies[0]["controlnet_module"] == "oneformer_coco", "the name the remote listed is the one sent"
    assert set(lm.names) == {"wall", "cat"} and lm.masks["cat"][50:, 100:].all() and not lm.masks["cat"][:50].any()
    assert COCO[CAT] == "cat" and CAT not in ADE20K


def test_no_segmentation_preprocessor_or_no_controlnet_is_unavailable(server, settings):
    remote = FakeDetect(server, modules=("none", "canny", "openpose"))
    ok, why = segmenter(settings, remote.url).available()
    assert not ok and "no segmentation preprocessor" in why and "seg_ofade20k" in why
    server.clear()
    remote = FakeDetect(server, controlnet=False)
    ok, why = segmenter(settings, remote.url).available()
    assert not ok and "no ControlNet" in why
    assert RemoteControlNetSegmenter().available()[0] is False, "without settings there is no URL"
    assert segmenter(settings, "").available() == (False, "no remote WebUI URL is set (setting webui_api_url)")


def test_a_preprocessor_that_is_gone_is_a_clear_error_remembered(server, settings):
    remote = FakeDetect(server)
    seg = segmenter(settings, remote.url)
    assert seg.available()[0]
    remote.modules = ("none",)  # uninstalled after the list was read
    with pytest.raises(UpstreamError, match="Module not available"):
        seg.segment(picture(64, 64))
    ok, why = seg.available()
    assert not ok and "Module not available" in why
    with pytest.raises(ExecutorUnavailable, match="Module not available"):
        seg.segment(picture(64, 64))
    assert remote.calls("/controlnet/detect") == 1 and remote.calls("/controlnet/module_list") == 1


def test_timeout_is_remembered_then_retried(server, settings):
    remote = FakeDetect(server, delay=1.5)
    seg = segmenter(settings, remote.url, webui_api_timeout=1)
    with pytest.raises(UpstreamTimeout, match="did not answer /controlnet/detect within 1 s"):
        seg.segment(picture(64, 64))
    ok, why = seg.available()
    assert not ok and "did not answer" in why, "a dead remote is not waited for again"
    assert remote.calls("/controlnet/module_list") == 1
    remote.delay = 0
    seg._failed_at -= seg.retry_after  # the retry window has passed
    assert seg.available() == (True, "") and remote.calls("/controlnet/module_list") == 2
    assert set(seg.segment(picture(256, 256)).names) == {"sky", "tree", "person"}


@pytest.mark.parametrize("reply, message", [
    ("<html>Internal Server Error</html>", "not JSON"),
    (json.dumps({"info": "Success"}), "without a map"),
    (json.dumps({"info": "Success", "images": [base64.b64encode(b"not an image").decode()]}), "cannot be read"),
])
def test_a_garbage_answer_is_an_upstream_error(server, settings, reply, message):
    remote = FakeDetect(server, reply=reply)
    seg = segmenter(settings, remote.url)
    with pytest.raises(UpstreamError, match=message):
        seg.segment(picture(64, 64))
    assert seg.available()[0] is False


def test_unreachable_remote_is_unavailable_and_not_asked_again(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    seg = segmenter(settings, f"http://127.0.0.1:{port}")
    ok, why = seg.available()
    assert not ok and "cannot reach the remote WebUI" in why
    started = time.monotonic()
    assert seg.available() == (False, why) and time.monotonic() - started < 0.05


def test_basic_auth_is_sent_when_configured(server, settings):
    remote = FakeDetect(server, auth=("ann", "s3cret"))
    lm = segmenter(settings, remote.url, webui_api_auth="ann:s3cret").segment(picture(64, 48))
    assert "sky" in lm.names
    expected = "Basic " + base64.b64encode(b"ann:s3cret").decode()
    assert remote.headers and all(h == expected for h in remote.headers)
    ok, why = segmenter(settings, remote.url, webui_api_auth="ann:wrong").available()
    assert not ok and "refused the credentials (401)" in why
    ok, why = segmenter(settings, remote.url).available()
    assert not ok and "401" in why and remote.headers[-1] is None
