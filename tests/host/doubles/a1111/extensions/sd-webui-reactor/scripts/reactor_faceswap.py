"""Double of ReActor's FaceSwapScript (scripts/reactor_faceswap.py): title "ReActor", its 31
process arguments by name, the swap into the source and/or the generated picture."""

import fake_annotators
from modules import scripts


class FaceSwapScript(scripts.Script):
    received = None

    def title(self):
        return "ReActor"

    def show(self, is_img2img):
        return scripts.AlwaysVisible

    def process(self, p, img, enable, source_faces_index, faces_index, model, face_restorer_name,
                face_restorer_visibility, restore_first, upscaler_name, upscaler_scale, upscaler_visibility,
                swap_in_source, swap_in_generated, console_logging_level, gender_source, gender_target, save_original,
                codeformer_weight, source_hash_check, target_hash_check, device, mask_face, select_source, face_model,
                source_folder, imgs, random_image, upscale_force, det_thresh, det_maxnum, selected_tab):
        self.received = dict(locals())
        del self.received["self"], self.received["p"]
        self.enable = enable
        self.source = img if selected_tab == "tab_single" else None
        self.swap_in_generated = swap_in_generated
        self.faces_index = [int(x) for x in faces_index.strip().replace(" ", "").strip(",").split(",") if x.isnumeric()] or [0]
        if enable and self.source is not None and swap_in_source:
            p.init_images[0] = fake_annotators.swap_faces(self.source, p.init_images[0], self.faces_index)

    def postprocess_image(self, p, script_pp, *args):
        if self.enable and self.swap_in_generated and self.source is not None:
            script_pp.image = fake_annotators.swap_faces(self.source, script_pp.image, self.faces_index)
