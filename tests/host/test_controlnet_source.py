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


def real_script_class(loads: list):
    """sd-webui-controlnet's Script with its real model-cache code, read from its source: the class-level
    `model_cache`, `latest_model_hash` from `__init__`, `clear_control_model_cache`, `load_control_model`
    and the "cache stuff" statements of `controlnet_main_entry` (run by `controlnet_hack`); `build_control_model` (the disk read) is
    replaced by one that records the read, and `process` runs the cache statements, then loads each unit's
    model as `controlnet_main_entry` does."""
    import ast
    import copy
    import gc
    from collections import OrderedDict

    tree = ast.parse((Path(SRC) / "scripts" / "controlnet.py").read_text("utf-8"))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Script")
    methods = {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef)}
    cache = next(n for n in cls.body if isinstance(n, ast.AnnAssign) and ast.unparse(n.target) == "model_cache")
    init = [s for s in methods["__init__"].body if "latest_model_hash" in ast.unparse(s)]
    hack = next(n.body for n in ast.walk(methods["controlnet_main_entry"]) if any(
        isinstance(s, ast.If) and "latest_model_hash" in ast.unparse(s.test) for s in getattr(n, "body", [])))
    at = next(i for i, s in enumerate(hack) if isinstance(s, ast.If) and "latest_model_hash" in ast.unparse(s.test))
    stmts = hack[at:at + 2]
    assert ast.unparse(stmts[1]) == "self.latest_model_hash = p.sd_model.sd_model_hash"
    body = "\n".join([
        "class Script:",
        "    " + ast.unparse(cache),
        "    def __init__(self):",
        *("        " + ast.unparse(s) for s in init),
        "    def title(self):",
        "        return 'ControlNet'",
        *("    " + line for name in ("clear_control_model_cache", "load_control_model")
          for line in ast.unparse(methods[name]).splitlines()),
        "    @staticmethod",
        "    def build_control_model(p, unet, model):",
        "        loads.append(model)",
        "        return ControlModel(object(), ControlModelType.ControlNet)",
        "    def process(self, p, *models):",
        *("        " + line for s in stmts for line in ast.unparse(s).splitlines()),
        "        for model in models:",
        "            Script.load_control_model(p, None, model)",
    ])

    class ControlModelType:
        class ControlNet:
            allow_context_sharing = True

        Controlllite = object()

    class ControlModel:
        def __init__(self, model, type):
            self.model, self.type = model, type

    namespace = {"OrderedDict": OrderedDict, "Dict": dict, "ControlModel": ControlModel, "ControlModelType": ControlModelType,
                 "gc": gc, "copy": copy.copy, "loads": loads, "logger": logging.getLogger("controlnet"),
                 "devices": types.SimpleNamespace(torch_gc=lambda: None),
                 "shared": types.SimpleNamespace(opts=types.SimpleNamespace(data={}))}
    exec(compile(body, "controlnet.py (extract)", "exec"), namespace)  # noqa: S102 - the real extension's code
    return namespace["Script"]


@pytest.mark.parametrize("carried", [True, False])
def test_the_real_controlnet_cache_survives_our_per_edit_script_copies(carried):
    """Issue 19 point 5: with our copy's hash carried back, a second edit loads nothing from disk; without
    (the bug), the real code clears its cache and reads the model again on every edit."""
    from lib_imgedit.host.runner import carry_back, private_runner

    loads: list = []
    script = real_script_class(loads)()
    webui_runner = types.SimpleNamespace(scripts=[script], alwayson_scripts=[script], title_map={"controlnet": script})
    p = types.SimpleNamespace(sd_model=types.SimpleNamespace(sd_model_hash="6ce0161689"))
    model = "control_v11p_sd15_inpaint [ebff9138]"
    for _ in range(3):
        own, args = private_runner(webui_runner, [(script, [model])])
        own.alwayson_scripts[0].process(p, *args)
        if carried:
            carry_back(own)
    assert loads == ([model] if carried else [model] * 3)
    if carried:
        p.sd_model.sd_model_hash = "another checkpoint"
        own, args = private_runner(webui_runner, [(script, [model])])
        own.alwayson_scripts[0].process(p, *args)
        assert loads == [model] * 2, "a checkpoint change still clears the cache, as ControlNet wants"
