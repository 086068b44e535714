"""Double of lib_controlnet/global_state.py: names with a leading "None", preprocessors by name."""

import fake_annotators

controlnet_names = ["None", "control_v11p_sd15_canny", "control_v11p_sd15_inpaint", "control_v11p_sd15_lineart"]
_preprocessors = ["None", "inpaint_global_harmonious", "inpaint_only", "inpaint_only+lama", "lineart_realistic",
                  "canny", "depth_midas", "seg_ofade20k", "seg_ofcoco", "seg_ufade20k"]


class _Preprocessor:
    def __init__(self, name):
        self.name = name

    def __call__(self, input_image, resolution, slider_1=None, slider_2=None, slider_3=None, **kwargs):
        if not self.name.startswith("seg_"):
            raise NotImplementedError(self.name)
        return fake_annotators.seg_map(input_image, resolution)


def get_all_controlnet_names():
    return controlnet_names


def get_all_preprocessor_names():
    return list(_preprocessors)


def get_preprocessor(name):
    return _Preprocessor(name) if name in _preprocessors else None
