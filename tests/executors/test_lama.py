"""LaMa removal: pre- and post-processing with a tiny ONNX model of the real one's interface
(tests/executors/lama_stand_in.py): a test can tell where the crop went, which way round the mask and
the channels are, and how the output was scaled."""

from __future__ import annotations

import numpy as np
import pytest

from lib_imgedit.core.instruction import validate_instruction
from lib_imgedit.core.labels import LabelMap
from lib_imgedit.core.masks import build_mask
from lib_imgedit.executors import EditRequest, lama
from lib_imgedit.executors.local import LocalExecutor

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from lama_stand_in import build_mean_fill_model  # noqa: E402  (tests/executors, on sys.path)


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> str:
    return build_mean_fill_model(tmp_path_factory.mktemp("lama") / "lama.onnx")


def scene(h: int, w: int, box: tuple[int, int, int, int]):
    """A red picture with a blue object at box (y0, y1, x0, x1)."""
    img = np.zeros((h, w, 3), np.uint8)
    img[...] = (200, 30, 40)
    y0, y1, x0, x1 = box
    img[y0:y1, x0:x1] = (20, 40, 220)
    region = np.zeros((h, w), bool)
    region[y0:y1, x0:x1] = True
    return img, region


def test_the_model_is_read_by_channels_and_size(model_file, tmp_path):
    m = lama.load(model_file)
    assert (m.image_input, m.mask_input, m.size, m.output_scale) == ("image", "mask", (512, 512), 1 / 255)
    other = lama.load(build_mean_fill_model(tmp_path / "other.onnx", 256, ("l_img_", "l_mask_", "out")))
    assert (other.image_input, other.mask_input, other.size) == ("l_img_", "l_mask_", (256, 256))


def test_crop_keeps_context_and_stays_inside():
    region = np.zeros((1000, 1500), bool)
    region[10:60, 1400:1490] = True  # near the top right corner
    x, y, sx, sy = lama.crop_box(region, (512, 512))
    assert (sx, sy) == (512, 512) and x + sx <= 1500 and y == 0 and x <= 1400
    big = np.zeros((1000, 1500), bool)
    big[300:700, 500:900] = True
    x, y, sx, sy = lama.crop_box(big, (512, 512))
    assert sx == sy == 800 and (x, y) == (300, 100)  # twice the object: as much context again
    narrow = np.zeros((300, 2000), bool)
    narrow[100:200, 900:1000] = True
    assert lama.crop_box(narrow, (512, 512))[2:] == (512, 300)


@pytest.mark.parametrize(("shape", "box"), [((300, 400, 3), (100, 160, 150, 230)), ((1200, 900, 3), (50, 90, 820, 890)),
                                             ((2000, 2600, 3), (400, 1400, 600, 1800)), ((200, 1500, 3), (80, 120, 700, 760))])
def test_fill_puts_the_surroundings_in_the_hole_and_only_there(model_file, shape, box):
    img, region = scene(shape[0], shape[1], box)
    out = lama.fill(img, region, lama.load(model_file))
    assert out.shape == img.shape and out.dtype == np.uint8
    inside = out[region].astype(int)
    assert np.abs(inside - (200, 30, 40)).max() <= 3, "the hole gets the red around it (RGB order, 0..255 scale)"
    far = np.ones(region.shape, bool)
    y0, y1, x0, x1 = box
    far[max(0, y0 - 40):y1 + 40, max(0, x0 - 40):x1 + 40] = False
    assert (out[far] == img[far]).all(), "nothing far from the hole changes"


def _request(settings, rules, img, region):
    lm = LabelMap(img.shape[1], img.shape[0], {"cup": region, "rest": ~region})
    instr = validate_instruction({"operation": "remove", "targets": ["cup"]}, rules, lm.names)
    return EditRequest(img, build_mask(lm, instr, rules), instr, settings, rules, lm)


def test_the_executor_removes_a_large_object_with_the_model(settings, rules, model_file):
    img, region = scene(400, 400, (80, 320, 80, 320))  # 36% of the picture: far over cv2.inpaint's 6%
    ex = LocalExecutor(settings, rules)
    ex.inpaint_model = model_file
    req = _request(settings, rules, img, region)
    assert ex.can_serve(req) == (True, "")
    result = ex.run(req)
    outside = req.mask == 0
    assert (result.image[outside] == img[outside]).all(), "pixels outside the mask are bit for bit"
    assert np.abs(result.image[req.mask >= 1].astype(int) - (200, 30, 40)).max() <= 3
    assert result.info["fill"] == "lama"


def test_without_the_model_cv2_is_the_last_fallback(settings, rules, monkeypatch):
    monkeypatch.setattr(lama, "usable", lambda settings=None: (False, "the LaMa model is not downloaded and downloads are off"))

    def unavailable(*a, **k):
        raise RuntimeError("no model here")

    monkeypatch.setattr(lama, "model_path", unavailable)
    ex = LocalExecutor(settings, rules)
    small_img, small = scene(300, 300, (140, 160, 140, 160))
    result = ex.run(_request(settings, rules, small_img, small))
    assert result.info["fill"] == "cv2.inpaint" and "downloads are off" in result.info["note"]
    big_img, big = scene(300, 300, (50, 250, 50, 250))
    ok, why = ex.can_serve(_request(settings, rules, big_img, big))
    assert not ok and "without LaMa" in why and "downloads are off" in why
    with pytest.raises(Exception, match="handles up to 6%"):
        ex.run(_request(settings, rules, big_img, big))
    monkeypatch.setattr(lama, "usable", lambda settings=None: (True, ""))  # it could run, but loading fails
    result = ex.run(_request(settings, rules, small_img, small))
    assert result.info["fill"] == "cv2.inpaint" and "no model here" in result.info["note"]


def test_the_large_download_is_asked_for_first(settings, monkeypatch):
    """LaMa is 207 MB: without the user's agreement it is not fetched on a remove; the reason says how to agree."""
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    ok, why = lama.usable(settings)
    assert not ok and "asked for first" in why and "download the models" in why
    assert lama.usable(settings.update({"download_large_models": True})) == (True, "")


def test_a_file_that_is_not_an_inpainting_model_is_refused(tmp_path):
    from onnx import TensorProto, helper

    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "id",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 8, 8])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(tmp_path / "id.onnx"))
    with pytest.raises(ValueError, match="not an inpainting model"):
        lama.load(tmp_path / "id.onnx")
