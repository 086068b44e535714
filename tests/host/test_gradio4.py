"""The tab under gradio 4.40 in a fake Forge: what broke it in the real one (issue 19). `.ci/run` runs
this file in a second environment with Forge's pins (`.ci/requirements-gradio4.txt`: gradio 4.40.0,
pydantic 2, fastapi 0.104.1, protobuf 3.20.0, no mediapipe) with IMGEDIT_TEST_GRADIO4=1; elsewhere
it is skipped (the main environment builds the tab under gradio 3.41)."""

from __future__ import annotations

import base64
import importlib.util
import io
import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

gr = pytest.importorskip("gradio")
GRADIO4 = os.environ.get("IMGEDIT_TEST_GRADIO4") == "1"
pytestmark = pytest.mark.skipif(not GRADIO4, reason="the gradio 4 environment only (.ci/run sets IMGEDIT_TEST_GRADIO4=1)")

ENTRY = Path(__file__).resolve().parents[2] / "scripts" / "imgedit.py"
REQUEST = SimpleNamespace(request=SimpleNamespace(state=SimpleNamespace()))


def forge_save_pil_to_file(pil_image, cache_dir=None, format="png"):
    """Forge's modules/ui_tempdir.py replacement of gradio's save_pil_to_cache: no `name` argument."""
    import tempfile

    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(delete=False, suffix=".png", dir=cache_dir) as f:
        pil_image.save(f)
    return f.name


def forge_canvas_value(value) -> str:
    """What Forge's canvas (`LogicalImage.postprocess`, numpy=False) makes of what a send-to hands it."""
    buf = io.BytesIO()
    value.convert("RGBA").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


@pytest.fixture
def forge_tab(make_webui, monkeypatch, tmp_path):
    import gradio.processing_utils

    monkeypatch.setattr(gradio.processing_utils, "save_pil_to_cache", forge_save_pil_to_file)
    webui = make_webui(kind="forge", seg_weights=False)  # offline: no segmentation weights on disk
    spec = importlib.util.spec_from_file_location("imgedit_entry", ENTRY)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    from modules import script_callbacks

    built: list = []
    import lib_imgedit.ui.tab as tab_module

    original = tab_module.ChatEditTab.build

    def keep(self):
        built.append(self)
        return original(self)

    monkeypatch.setattr(tab_module.ChatEditTab, "build", keep)
    (_, fn), = script_callbacks.callback_map["callbacks_ui_tabs"]
    (blocks, title, _), = fn()
    return webui, blocks, built[0]


def test_this_is_forges_environment():
    import fastapi
    import pydantic

    assert gr.__version__ == "4.40.0" and pydantic.VERSION.startswith("2.") and fastapi.__version__ == "0.104.1"
    assert importlib.util.find_spec("mediapipe") is None, "Forge cannot have mediapipe 0.10.x beside protobuf 3.20"


def test_the_tab_builds_and_every_event_is_one_its_component_has(forge_tab):
    _, blocks, tab = forge_tab
    assert isinstance(blocks, gr.Blocks)
    config = blocks.get_config_file()
    assert any(c.get("props", {}).get("elem_id") == "imgedit_chat" for c in config["components"])
    events = 0
    for dep in config["dependencies"]:
        for block_id, event in dep["targets"]:
            block = blocks.blocks.get(block_id)
            if block is None:  # a trigger on the page itself ("load")
                continue
            names = {getattr(e, "event_name", e) for e in getattr(type(block), "EVENTS", [])}
            assert event in names, f"{type(block).__name__} has no {event!r} in gradio {gr.__version__}"
            events += 1
    assert events > 50
    # no mediapipe here, as in Forge: the welcome says so, with the command that fixes it
    assert "Offline segmentation is off" in tab.welcome() and 'pip install "mediapipe>=0.10.14,<0.10.22"' in tab.welcome()
    number = tab.c["form"]["count"]
    assert isinstance(number, gr.Number) and not hasattr(number, "blur")


def test_no_image_in_the_tab_meets_forges_save_pil_to_file(forge_tab):
    """Forge's save_pil_to_file has no `name`: gradio 4's filepath Image passes one (a TypeError on each
    new picture); a PIL Image never calls it on the way in."""
    _, blocks, _ = forge_tab
    images = [b for b in blocks.blocks.values() if isinstance(b, gr.Image)]
    assert images and {b.type for b in images} == {"pil"}
    picture = Image.fromarray(np.arange(48 * 64 * 3, dtype=np.uint8).reshape(48, 64, 3) % 251)
    payload = gr.Image(type="filepath").postprocess(picture)
    with pytest.raises(TypeError, match="name"):  # the failure the real Forge logged, reproduced
        gr.Image(type="filepath").preprocess(payload)
    for image in images:
        assert np.array_equal(np.asarray(image.preprocess(payload).convert("RGB")), np.asarray(picture))


def test_an_offline_upload_gives_labels_and_send_to_carries_the_picture(forge_tab, tmp_path):
    """No mediapipe, no downloaded model: the whole picture is one region (never a 503); a CPU turn runs;
    the send-to binding hands Forge's canvas the picture itself and a prompt that is not the edit."""
    webui, _, tab = forge_tab
    c = tab.c
    rng = np.random.default_rng(1)
    photo = tmp_path / "photo.png"
    pixels = rng.integers(0, 255, (96, 128, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(photo)
    work = tab.on_upload(str(photo), None, "", [], REQUEST)
    out = tab.on_turn_end(work[c["result"]]["sid"], False, "", work[c["result"]], REQUEST)
    sid = out[c["sid"]]
    assert sid and tab.service.node_labels(tab.service.store.nodes(sid)[0]).names == ["picture"]
    assert "whole picture" in str(out[c["chat"]])
    work = tab.on_message("", "make it brighter", sid, "task(g4)", [], REQUEST, progress=None)
    out = tab.on_turn_end(sid, False, "", work[c["result"]], REQUEST)
    assert len(tab.service.store.nodes(sid)) == 2
    from modules import infotext_utils

    bindings = {b.tabname: b for b in infotext_utils.registered_param_bindings}
    assert set(bindings) == {"img2img", "inpaint"}
    source = bindings["img2img"].source_image_component
    assert source is c["image"]
    value = source.preprocess(source.postprocess(out[c["image"]]))  # what the button's click hands on
    sent = Image.open(io.BytesIO(base64.b64decode(forge_canvas_value(value).split(",", 1)[1]))).convert("RGB")
    current = Image.open(out[c["current"]]).convert("RGB")
    assert np.array_equal(np.asarray(sent), np.asarray(current))
    assert out[c["infotext"]].split("\n")[0] == ""  # no generative step on the branch: no prompt
