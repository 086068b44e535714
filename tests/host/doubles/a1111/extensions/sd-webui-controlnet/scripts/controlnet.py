"""Double of sd-webui-controlnet's Script: title "ControlNet", reads its units from its slice of
p.script_args, uses the img2img picture (and for inpaint modules the mask) when a unit has no image,
and appends detected maps to the result unless a unit says save_detected_map=False."""

import importlib
from collections import OrderedDict

from modules import scripts
from PIL import Image

external_code = importlib.import_module("extensions.sd-webui-controlnet.scripts.external_code")


class Script(scripts.Script):
    model_cache = OrderedDict()  # as the real one: class-level, shared by every instance
    disk_loads = []  # the models read from disk ("Loading model: ...")

    def __init__(self):
        self.enabled_units = []
        self.setup_args = None
        self.latest_model_hash = ""

    def title(self):
        return "ControlNet"

    def show(self, is_img2img):
        return scripts.AlwaysVisible

    def setup(self, p, *args):
        self.setup_args = list(args)

    def process(self, p, *args):
        units = [u for u in external_code.get_all_units_in_processing(p) if u.enabled]
        for u in units:  # controlnet_main_entry, as in v1.1.455
            if u.module == "inpaint_only" and hasattr(p, "inpaint_full_res") and p.image_mask is not None:
                external_code.logged.append("A1111 inpaint and ControlNet inpaint duplicated. Falls back to inpaint_global_harmonious.")
                u.module = "inpaint"
        self.enabled_units = units
        if units:  # controlnet_hack's "cache stuff" and load_control_model, as in v1.1.455
            if self.latest_model_hash != p.sd_model.sd_model_hash:
                Script.model_cache.clear()
            self.latest_model_hash = p.sd_model.sd_model_hash
            for u in units:
                if u.model not in Script.model_cache:
                    Script.disk_loads.append(u.model)
                    Script.model_cache[u.model] = object()
        p.controlnet_seen = [{
            "unit": u, "image": u.image if u.image is not None else p.init_images[0],
            "mask": p.image_mask if u.image is None and "inpaint" in u.module else None,
        } for u in units]
        for i, u in enumerate(units):
            p.extra_generation_params[f"ControlNet {i}"] = f"Module: {u.module}, Model: {u.model}, Weight: {u.weight}"

    def postprocess(self, p, processed, *args):
        for u in self.enabled_units:
            if u.save_detected_map:
                processed.images.append(Image.new("RGB", (p.width, p.height), (255, 255, 255)))
        self.enabled_units = []
