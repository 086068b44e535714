"""modules/upscaler.py as in 1.10 (Upscaler.upscale, UpscalerData, the model-free ones), and a fake
ESRGAN that quadruples the picture with NEAREST, records its calls and fails on a model given by URL
(the real one would download it)."""

import os

from PIL import Image

LANCZOS = Image.Resampling.LANCZOS
NEAREST = Image.Resampling.NEAREST


class Upscaler:
    name = None
    model_path = None
    model_download_path = None

    def __init__(self, create_dirs=False):
        self.scale = 1

    def do_upscale(self, img, selected_model):
        return img

    def upscale(self, img, scale, selected_model=None):
        self.scale = scale
        dest_w = int((img.width * scale) // 8 * 8)
        dest_h = int((img.height * scale) // 8 * 8)
        for _ in range(3):
            shape = (img.width, img.height)
            img = self.do_upscale(img, selected_model)
            if shape == (img.width, img.height):
                break
            if img.width >= dest_w and img.height >= dest_h:
                break
        if img.width != dest_w or img.height != dest_h:
            img = img.resize((int(dest_w), int(dest_h)), resample=LANCZOS)
        return img


class UpscalerData:
    def __init__(self, name, path, upscaler=None, scale=4, model=None):
        self.name = name
        self.data_path = path
        self.local_data_path = path
        self.scaler = upscaler
        self.scale = scale
        self.model = model


class UpscalerNone(Upscaler):
    name = "None"

    def __init__(self, dirname=None):
        super().__init__(False)
        self.scalers = [UpscalerData("None", None, self)]


class UpscalerLanczos(Upscaler):
    def do_upscale(self, img, selected_model=None):
        return img.resize((int(img.width * self.scale), int(img.height * self.scale)), resample=LANCZOS)

    def __init__(self, dirname=None):
        super().__init__(False)
        self.name = "Lanczos"
        self.scalers = [UpscalerData("Lanczos", None, self)]


class FakeESRGAN(Upscaler):
    """Stands for ESRGAN/R-ESRGAN: x4 per pass, from a model file that must exist."""

    def __init__(self, name, model_path):
        super().__init__(False)
        self.name, self.model_path = name, model_path
        self.calls = []

    def do_upscale(self, img, selected_model):
        self.calls.append((img.size, selected_model))
        if str(selected_model).startswith("http") or not os.path.isfile(selected_model):
            raise RuntimeError(f"would download {selected_model}")
        return img.resize((img.width * 4, img.height * 4), resample=NEAREST)
