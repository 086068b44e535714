"""The units we build, validated by the real sd-webui-controlnet (v1.1.455) rather than the double:
its ControlNetUnit (internal_controlnet/args.py) and its inpaint preprocessors, torch and the WebUI
stubbed. Runs where IMGEDIT_CONTROLNET_SRC names a checkout of the extension; skipped elsewhere."""

import logging
import os
import sys
import types
from pathlib import Path

import pytest

from lib_imgedit.executors.sd_request import ControlChoice, controlnet_unit

SRC = os.environ.get("IMGEDIT_CONTROLNET_SRC", "")
pytestmark = pytest.mark.skipif(not (SRC and (Path(SRC) / "internal_controlnet" / "args.py").is_file()),
                                reason="IMGEDIT_CONTROLNET_SRC does not name a sd-webui-controlnet checkout")
OURS = ("torch", "modules", "scripts", "internal_controlnet", "annotator")


@pytest.fixture(scope="module")
def real_unit():
    """Imported once: pydantic 1 refuses to define ControlNetUnit's validators twice in a process."""
    monkeypatch = pytest.MonkeyPatch()
    saved = {k: v for k, v in sys.modules.items() if k.split(".")[0] in OURS}
    for k in saved:
        del sys.modules[k]
    monkeypatch.syspath_prepend(SRC)
    torch = types.ModuleType("torch")
    torch.Tensor, torch.nn = object, types.SimpleNamespace(Module=object)
    shared = types.SimpleNamespace(cmd_opts=types.SimpleNamespace())
    devices = types.SimpleNamespace(get_device_for=lambda name: "cpu")
    utils = types.SimpleNamespace(ndarray_lru_cache=lambda max_size=0: (lambda f: f), visualize_inpaint_mask=lambda x: x,
                                  resize_image_with_pad=None)
    sys.modules.update({"torch": torch, "modules": types.SimpleNamespace(shared=shared, devices=devices),
                        "modules.shared": shared, "modules.devices": devices, "scripts.utils": utils,
                        "scripts.logging": types.SimpleNamespace(logger=logging.getLogger("controlnet"))})
    import importlib

    sp = importlib.import_module("scripts.supported_preprocessor")
    importlib.import_module("scripts.preprocessor.inpaint")
    importlib.import_module("scripts.preprocessor.lama_inpaint")

    class Canny(sp.Preprocessor):  # a resolution-slider preprocessor (the base class's 64..2048 slider)
        def __init__(self):
            super().__init__(name="canny")
            self.slider_1 = sp.PreprocessorParameter(minimum=1, maximum=255, value=100)
            self.slider_2 = sp.PreprocessorParameter(minimum=1, maximum=255, value=200)

        def __call__(self, *args, **kwargs):
            return None

    sp.Preprocessor.add_supported_preprocessor(Canny())
    unit = importlib.import_module("internal_controlnet.args").ControlNetUnit
    said = []

    class Log(logging.Logger):
        def info(self, msg, *args, **kwargs):
            said.append(msg)

        warning = warn = info

    unit.cls_logger = Log("controlnet")
    unit.cls_match_module = lambda m: sp.Preprocessor.get_preprocessor(m) is not None
    unit.cls_match_model = lambda m: True
    unit.cls_get_preprocessor = sp.Preprocessor.get_preprocessor
    yield unit, said
    monkeypatch.undo()
    for k in [k for k in sys.modules if k.split(".")[0] in OURS]:
        del sys.modules[k]
    sys.modules.update(saved)


@pytest.mark.parametrize("module", ["inpaint_global_harmonious", "inpaint_only", "inpaint_only+lama", "canny"])
def test_the_real_controlnet_takes_our_unit_silently(real_unit, module):
    unit_cls, said = real_unit
    said.clear()
    unit = unit_cls(**controlnet_unit(ControlChoice(module, "control_v11p_sd15_inpaint [ebff9138]", 1.0)))
    assert unit.module == module and said == []


def test_the_old_unit_reproduces_the_reported_warning(real_unit):
    unit_cls, said = real_unit
    said.clear()
    unit_cls(**{**controlnet_unit(ControlChoice("inpaint_only", "m", 1.0)), "processor_res": 512})
    assert said == ["[inpaint_only.processor_res] Invalid value(512), using default value 0.5."]
