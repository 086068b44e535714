"""Double of lib_controlnet/external_code.py: ControlNetUnit is a dataclass; from_dict keeps only
its own fields."""

from dataclasses import dataclass
from typing import Any

from lib_controlnet import global_state


@dataclass
class ControlNetUnit:
    input_mode: str = "simple"
    use_preview_as_input: bool = False
    hr_option: str = "Both"
    enabled: bool = True
    module: str = "None"
    model: str = "None"
    weight: float = 1.0
    image: Any | None = None
    image_fg: Any | None = None
    mask_image: Any | None = None
    resize_mode: Any = "Crop and Resize"
    processor_res: int = -1
    threshold_a: float = -1
    threshold_b: float = -1
    guidance_start: float = 0.0
    guidance_end: float = 1.0
    pixel_perfect: bool = False
    control_mode: Any = "Balanced"
    save_detected_map: bool = True

    @staticmethod
    def from_dict(d: dict) -> "ControlNetUnit":
        unit = ControlNetUnit(**{k: v for k, v in d.items() if k in vars(ControlNetUnit)})
        if global_state.get_preprocessor(unit.module) is None:
            raise ValueError(f"unknown preprocessor {unit.module}")
        if unit.model not in global_state.get_all_controlnet_names():
            raise ValueError(f"unknown model {unit.model}")
        return unit
