"""Double of roop's FaceSwapScript (scripts/faceswap.py): title "roop", 11 process arguments."""

import fake_annotators
from modules import scripts


class FaceSwapScript(scripts.Script):
    received = None

    def title(self):
        return "roop"

    def show(self, is_img2img):
        return scripts.AlwaysVisible

    def process(self, p, img, enable, faces_index, model, face_restorer_name, face_restorer_visibility,
                upscaler_name, upscaler_scale, upscaler_visibility, swap_in_source, swap_in_generated):
        self.received = dict(locals())
        del self.received["self"], self.received["p"]
        self.source, self.enable, self.swap_in_generated = img, enable, swap_in_generated
        self.faces_index = {int(x) for x in faces_index.strip(",").split(",") if x.isnumeric()} or {0}
        if enable and img is not None and swap_in_source:
            p.init_images[0] = fake_annotators.swap_faces(img, p.init_images[0], self.faces_index)

    def postprocess_image(self, p, script_pp, *args):
        if self.enable and self.swap_in_generated and self.source is not None:
            script_pp.image = fake_annotators.swap_faces(self.source, script_pp.image, self.faces_index)
