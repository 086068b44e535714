"""A fake WebUI process for the host adapters' tests: the doubles under `doubles/` put into
sys.modules (and taken out again), a global img2img runner holding the scripts a real WebUI would
have (a built-in always-on script, ControlNet, ReActor or roop, another extension's script), and a
loaded model. A1111 1.10 or Forge, with or without ControlNet and face swap."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from pathlib import Path

from lib_imgedit.executors import EXECUTORS
from lib_imgedit.segment import SEGMENTERS

DOUBLES = Path(__file__).parent / "doubles"
A1111, FORGE = DOUBLES / "a1111", DOUBLES / "forge"
_OURS = ("modules", "extensions", "lib_controlnet", "modules_forge", "launch", "fake_annotators", "imgedit_entry")

# ReActor's UI defaults on this fake WebUI (the real ones come from its gradio components)
REACTOR_UI = [None, False, "0", "0", "inswapper_128.onnx", "GFPGAN", 0.8, True, "None", 1, 1, False, True, 1, 0, 0,
              False, 0.5, True, False, "CUDA", False, 0, "None", "", None, False, False, 0.5, 0, "tab_single"]
ROOP_UI = [None, False, "0", "/webui/models/roop/inswapper_128.onnx", "None", 1, "None", 1, 1, False, True]


class Component:
    """Stands for a gradio input: the runner's `inputs` hold them, `.value` is the UI default."""

    def __init__(self, value):
        self.value = value


def _load(path: Path, name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class FakeWebUI:
    def __init__(self, tmp_path: Path, monkeypatch, kind: str = "a1111", controlnet: bool = True,
                 face_swap: str | None = "reactor", sdxl: bool = False, seg_weights: bool = True):
        self.kind = kind
        self._saved = {k: v for k, v in sys.modules.items() if k.split(".")[0] in _OURS}
        for k in self._saved:
            del sys.modules[k]
        self._registries = dict(EXECUTORS), dict(SEGMENTERS)
        monkeypatch.setenv("IMGEDIT_TEST_WEBUI_DATA", str(tmp_path / "webui"))
        monkeypatch.syspath_prepend(str(A1111))
        if kind == "forge":
            monkeypatch.syspath_prepend(str(FORGE))
        from modules import call_queue, extensions, processing, progress, scripts, sd_models, shared

        self.shared, self.processing, self.scripts, self.call_queue = shared, processing, scripts, call_queue
        self.progress, self.extensions = progress, extensions
        import fake_annotators

        self.annotators = fake_annotators
        fake_annotators.FACES[:] = []
        self.model = types.SimpleNamespace(is_sdxl=sdxl, sd_checkpoint_info=types.SimpleNamespace(name_for_extra="v1-5"),
                                           sd_model_hash="6ce0161689")
        shared.sd_model = sd_models.model_data.sd_model = self.model
        sd_models.checkpoints_list["v1-5-pruned-emaonly.safetensors"] = object()
        shared.opts.data["outdir_img2img_samples"] = str(tmp_path / "outputs" / "img2img-images")

        # ControlNet's annotator folder (A1111: the setting control_net_modules_path; Forge: preprocessor_dir),
        # holding the segmentation weights unless the test wants them "not downloaded"
        self.annotators_dir = tmp_path / "annotators"
        shared.opts.data["control_net_modules_path"] = str(self.annotators_dir)
        if kind == "forge":
            importlib.import_module("modules_forge.shared").preprocessor_dir = str(self.annotators_dir)
        if seg_weights:
            self.download_seg_weights()
        # the WebUI's upscalers: the model-free ones, an ESRGAN whose model is on disk, one only known by URL
        from modules import upscaler

        models = tmp_path / "models"
        (models / "ESRGAN").mkdir(parents=True)
        (models / "ESRGAN" / "4x-UltraSharp.pth").write_bytes(b"w")
        self.esrgan = upscaler.FakeESRGAN("ESRGAN", str(models / "ESRGAN"))
        self.realesrgan = upscaler.FakeESRGAN("RealESRGAN", str(models / "RealESRGAN"))
        shared.sd_upscalers = [
            *upscaler.UpscalerNone().scalers, *upscaler.UpscalerLanczos().scalers,
            upscaler.UpscalerData("R-ESRGAN 4x+", "https://github.com/xinntao/Real-ESRGAN/releases/download/v0.1.0/"
                                  "RealESRGAN_x4plus.pth", self.realesrgan),
            upscaler.UpscalerData("4x-UltraSharp", str(models / "ESRGAN" / "4x-UltraSharp.pth"), self.esrgan),
        ]

        runner = scripts.ScriptRunner()
        self.builtin = _script("Seed", scripts.Script)()
        runner.add_alwayson(self.builtin, [Component(-1), Component(False), Component(-1), Component(0)])
        self.controlnet = self.reactor = self.roop = None
        if controlnet and kind == "a1111":
            path = A1111 / "extensions" / "sd-webui-controlnet"
            extensions.extensions.append(extensions.Extension("sd-webui-controlnet", str(path)))
            self.controlnet = importlib.import_module("extensions.sd-webui-controlnet.scripts.controlnet").Script()
        elif controlnet:
            self.controlnet = _load(FORGE / "extensions-builtin" / "sd_forge_controlnet" / "scripts" / "controlnet.py",
                                    "fake_forge_controlnet").ControlNetForForgeOfficial()
        if self.controlnet is not None:
            runner.add_alwayson(self.controlnet, [Component({"enabled": False}) for _ in range(3)])
        if face_swap == "reactor":
            self.reactor = _load(A1111 / "extensions" / "sd-webui-reactor" / "scripts" / "reactor_faceswap.py",
                                 "fake_reactor").FaceSwapScript()
            runner.add_alwayson(self.reactor, [Component(v) for v in REACTOR_UI])
        elif face_swap == "roop":
            self.roop = _load(A1111 / "extensions" / "sd-webui-roop" / "scripts" / "faceswap.py", "fake_roop").FaceSwapScript()
            runner.add_alwayson(self.roop, [Component(v) for v in ROOP_UI])
        self.other = _script("Soft inpainting", scripts.Script)()
        runner.add_alwayson(self.other, [Component(True), Component(0.5)])
        scripts.scripts_img2img = runner
        self.runner = runner

    def download_seg_weights(self) -> None:
        from lib_imgedit.host.segmenter import SEG_PREPROCESSORS

        for _, _, relative in SEG_PREPROCESSORS:
            (self.annotators_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            (self.annotators_dir / relative).write_bytes(b"weights")

    def snapshot(self) -> dict:
        """What must not change: the runner's lists and caches, and each script's argument slice."""
        r = self.runner
        return {"scripts": list(r.scripts), "alwayson": list(r.alwayson_scripts), "inputs": list(r.inputs),
                "callback_map": {k: (n, list(v)) for k, (n, v) in r.callback_map.items()}, "title_map": dict(r.title_map),
                "slices": [(s.args_from, s.args_to) for s in r.scripts]}

    def close(self) -> None:
        for k in [k for k in sys.modules if k.split(".")[0] in _OURS or k.startswith("fake_")]:
            del sys.modules[k]
        sys.modules.update(self._saved)
        EXECUTORS.clear()
        EXECUTORS.update(self._registries[0])
        SEGMENTERS.clear()
        SEGMENTERS.update(self._registries[1])
        from lib_imgedit.host import entry

        entry._service = None
        from lib_imgedit import models
        from lib_imgedit.executors import geometry

        models.set_host_models_dir(None)  # what get_service set for the WebUI must not outlive it
        geometry.set_upscaler(None)
        from lib_imgedit.host.segmenter import ControlNetSegmenter

        ControlNetSegmenter.failed.clear()
        if entry._sweeper is not None:
            entry._sweeper.stop()
            entry._sweeper = None


def _script(title: str, base):
    class S(base):
        def __init__(self):
            self.calls = []

        def title(self):
            return title

        def show(self, is_img2img):
            return True

        def process(self, p, *args):
            self.calls.append(args)

    return S
