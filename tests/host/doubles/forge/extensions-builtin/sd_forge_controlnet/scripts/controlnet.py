"""Double of Forge's ControlNet script: title "ControlNet", dict units from its own arguments."""

from lib_controlnet.external_code import ControlNetUnit
from modules import scripts


class ControlNetForForgeOfficial(scripts.Script):
    def title(self):
        return "ControlNet"

    def show(self, is_img2img):
        return scripts.AlwaysVisible

    def get_enabled_units(self, units):
        units = [ControlNetUnit.from_dict(unit) if isinstance(unit, dict) else unit for unit in units]
        assert all(isinstance(unit, ControlNetUnit) for unit in units)
        return [x for x in units if x.enabled]

    def process(self, p, *args, **kwargs):
        units = self.get_enabled_units(args)
        p.controlnet_seen = [{"unit": u, "image": u.image if u.image is not None else p.init_images[0],
                              "mask": p.image_mask if u.image is None and u.module.startswith("inpaint") else None} for u in units]
