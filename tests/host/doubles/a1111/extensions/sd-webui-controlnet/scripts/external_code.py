"""Double of sd-webui-controlnet's public API (scripts/external_code.py re-exports
internal_controlnet/external_code.py), API version 3: units as pydantic-like objects that validate
their module and accept dicts, the unit lookups by the script's argument slice, models with hashes."""

from enum import Enum
from typing import Any, NamedTuple

import fake_annotators

# registered name -> UI label; Preprocessor.get_preprocessor accepts either
PREPROCESSORS = {"none": "none", "inpaint": "inpaint_global_harmonious", "inpaint_only": "inpaint_only",
                 "inpaint_only+lama": "inpaint_only+lama",
                 "lineart": "lineart_realistic", "depth": "depth_midas", "canny": "canny",
                 "oneformer_ade20k": "seg_ofade20k", "oneformer_coco": "seg_ofcoco", "segmentation": "seg_ufade20k"}
logged = []  # what ControlNet's logger said (the test asserts on its warnings)


class Slider(NamedTuple):
    """PreprocessorParameter: a hidden slider is 0..1 with value 0.5 (the inpaint preprocessors'
    resolution); the resolution slider is 64..2048, 512."""

    minimum: float = 0.0
    maximum: float = 1.0
    value: float = 0.5


RESOLUTION = Slider(64, 2048, 512)
HIDDEN = Slider()
THRESHOLDS = {"canny": (Slider(1, 255, 100), Slider(1, 255, 200))}
MODELS = ["control_v11p_sd15_canny [d14c016b]", "control_v11p_sd15_inpaint [ebff9138]",
          "control_v11p_sd15_lineart [43d4be0d]", "diffusers_xl_canny_full [2b69fca4]"]


class ResizeMode(Enum):
    RESIZE = "Just Resize"
    INNER_FIT = "Crop and Resize"
    OUTER_FIT = "Resize and Fill"


class ControlMode(Enum):
    BALANCED = "Balanced"
    PROMPT = "My prompt is more important"
    CONTROL = "ControlNet is more important"


class ControlNetUnit:
    """Pydantic v1 model in the real extension (extra fields ignored, module validated)."""

    _fields = {"enabled": False, "module": "none", "model": "None", "weight": 1.0, "image": None,
               "resize_mode": ResizeMode.INNER_FIT, "low_vram": False, "processor_res": -1, "threshold_a": -1,
               "threshold_b": -1, "guidance_start": 0.0, "guidance_end": 1.0, "pixel_perfect": False,
               "control_mode": ControlMode.BALANCED, "inpaint_crop_input_image": True, "save_detected_map": True}

    def __init__(self, **values: Any):
        for key, default in self._fields.items():
            setattr(self, key, values.get(key, default))
        pre = Preprocessor.get_preprocessor(self.module)
        if pre is None:
            raise ValueError(f"module({self.module}) not found in supported modules.")
        if self.enabled:  # internal_controlnet/args.py bound_check_params, a root validator
            for field, slider in zip(("processor_res", "threshold_a", "threshold_b"), pre.sliders(), strict=True):
                value = getattr(self, field)
                if value < slider.minimum or value > slider.maximum:
                    setattr(self, field, slider.value)
                    if value != -1:
                        logged.append(f"[{self.module}.{field}] Invalid value({value}), using default value {slider.value}.")
        if not 0.0 <= float(self.weight) <= 2.0:
            raise ValueError("weight must be in [0, 2]")
        self.resize_mode = ResizeMode(self.resize_mode) if not isinstance(self.resize_mode, ResizeMode) else self.resize_mode
        self.control_mode = ControlMode(self.control_mode) if not isinstance(self.control_mode, ControlMode) else self.control_mode

    @classmethod
    def from_dict(cls, d: dict) -> "ControlNetUnit":
        return cls(**d)


class Preprocessor:
    unloaded: list[str] = []

    class Result(NamedTuple):
        value: Any
        display_images: list

    def __init__(self, name: str, label: str):
        self.name, self.label = name, label

    @classmethod
    def get_preprocessor(cls, name: str):
        for key, label in PREPROCESSORS.items():
            if name in (key, label):
                return cls(key, label)
        return None

    def sliders(self) -> tuple[Slider, Slider, Slider]:
        """slider_resolution, slider_1, slider_2 (scripts/preprocessor/inpaint.py hides the resolution)."""
        resolution = HIDDEN if self.name.startswith("inpaint") or self.name == "none" else RESOLUTION
        return (resolution, *THRESHOLDS.get(self.name, (HIDDEN, HIDDEN)))

    def cached_call(self, input_image, *args, resolution=512, **kwargs):
        if not self.label.startswith("seg_"):
            raise NotImplementedError(self.label)
        return Preprocessor.Result(fake_annotators.seg_map(input_image, resolution), [])

    def unload(self):
        Preprocessor.unloaded.append(self.name)
        return True


def get_api_version() -> int:
    return 3


def get_modules(alias_names: bool = False) -> list[str]:
    return list(PREPROCESSORS.values() if alias_names else PREPROCESSORS)


def get_models(update: bool = False) -> list[str]:
    return list(MODELS)


def is_cn_script(script) -> bool:
    return script.title().lower() == "controlnet"


def find_cn_script(script_runner):
    if script_runner is None:
        return None
    for script in script_runner.alwayson_scripts:
        if is_cn_script(script):
            return script
    return None


def to_processing_unit(unit) -> ControlNetUnit:
    return ControlNetUnit.from_dict(unit) if isinstance(unit, dict) else unit


def get_all_units_from(script_args) -> list[ControlNetUnit]:
    return [to_processing_unit(a) for a in script_args if isinstance(a, (ControlNetUnit, dict))]


def get_all_units(script_runner, script_args) -> list[ControlNetUnit]:
    cn_script = find_cn_script(script_runner)
    if cn_script:
        return get_all_units_from(script_args[cn_script.args_from:cn_script.args_to])
    return []


def get_all_units_in_processing(p) -> list[ControlNetUnit]:
    return get_all_units(p.scripts, p.script_args)
