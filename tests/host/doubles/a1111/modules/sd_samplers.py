"""modules/sd_samplers.py: the samplers the UI lists (`visible_samplers()` hides those the user hid)."""

from collections import namedtuple

SamplerData = namedtuple("SamplerData", ["name", "constructor", "aliases", "options"])
all_samplers = [SamplerData(n, None, [], {}) for n in ("DPM++ 2M", "Euler a", "Euler", "DDIM")]


def visible_samplers():
    return list(all_samplers)


def sample_to_image(latent):
    """The preview of a latent (the double's latents are small uint8 arrays)."""
    from PIL import Image

    return Image.fromarray(latent).resize((64, 64))
