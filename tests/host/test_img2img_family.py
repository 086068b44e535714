"""The host executor chooses its parameters by the loaded model's family (defaults/families.json):
a Flux model in Forge gets Flux's working size, CFG 1 with the distilled guidance and no SD-family
ControlNet unit; a Kontext model with the Kontext extension gets the picture as its context image."""

import types

import numpy as np
from sd_helpers import sd_request
from webui import Component, _script

from lib_imgedit.host.img2img import KONTEXT_TITLE, HostExecutor

INPAINT = {"operation": "inpaint", "targets": ["thing"], "prompt": "a leather jacket", "strength": 0.6}


class Flux:
    """Forge's backend/diffusion_engine/flux.py as the WebUI sees it: no is_sd1/is_sdxl, distilled guidance on (dev)."""

    def __init__(self, name: str, dev: bool = True):
        self.is_sd1 = self.is_sd2 = self.is_sdxl = self.is_sd3 = False
        self.use_distilled_cfg_scale = dev
        self.is_inpaint = False
        self.model_config = types.SimpleNamespace(huggingface_repo="black-forest-labs/FLUX.1-dev" if dev else "black-forest-labs/FLUX.1-schnell")
        self.sd_checkpoint_info = types.SimpleNamespace(name_for_extra=name)


def load(webui, model):
    from modules import sd_models, shared

    webui.model = shared.sd_model = sd_models.model_data.sd_model = model


def test_flux_dev_in_forge_gets_flux_parameters_and_no_sd_controlnet_unit(make_webui, settings, rules):
    webui = make_webui(kind="forge")
    load(webui, Flux("flux1-dev-fp8"))
    req = sd_request(settings, rules, INPAINT)
    result = HostExecutor(settings, rules).run(req)
    p = webui.processing.runs[-1]
    assert (p.cfg_scale, p.distilled_cfg_scale, p.steps, p.sampler_name, p.scheduler) == (1.0, 3.5, 20, "Euler", "Simple")
    assert p.width * p.height > 900_000, "Flux works at about 1024 x 1024"
    assert p.scripts.alwayson_scripts == [], "the only ControlNet models are SD 1.5 ones: no unit"
    assert result.info["family"] == "flux_dev" and result.info["controlnet"] is None
    assert (result.image[req.mask == 0] == req.image[req.mask == 0]).all()


def test_flux_schnell_has_no_distilled_guidance_and_few_steps(make_webui, settings, rules):
    webui = make_webui(kind="forge")
    load(webui, Flux("flux1-schnell", dev=False))
    HostExecutor(settings, rules).run(sd_request(settings, rules, INPAINT))
    p = webui.processing.runs[-1]
    assert (p.cfg_scale, p.steps) == (1.0, 4) and getattr(p, "distilled_cfg_scale", None) is None


def test_flux_controlnet_only_with_a_flux_model(make_webui, settings, rules, monkeypatch):
    webui = make_webui(kind="forge")
    load(webui, Flux("flux1-dev"))
    from lib_controlnet import global_state

    monkeypatch.setattr(global_state, "controlnet_names", global_state.controlnet_names + ["flux-canny-controlnet-v3"])
    result = HostExecutor(settings, rules).run(sd_request(settings, rules, {"operation": "restyle", "prompt": "x", "control": "canny"},
                                                          mask=np.ones((64, 96), np.float32)))
    unit = webui.processing.runs[-1].controlnet_seen[0]["unit"]
    assert unit.model == "flux-canny-controlnet-v3" and result.info["family"] == "flux_dev"


def test_sd15_keeps_todays_parameters(webui, settings, rules):
    HostExecutor(settings, rules).run(sd_request(settings, rules, INPAINT))
    p = webui.processing.runs[-1]
    assert (p.cfg_scale, p.steps, p.sampler_name) == (settings.cfg_scale, settings.steps, settings.sampler)
    assert getattr(p, "distilled_cfg_scale", None) is None and p.width * p.height < 300_000


def test_kontext_model_with_the_extension_gets_the_picture_as_context_and_an_instruction(make_webui, settings, rules):
    webui = make_webui(kind="forge")
    load(webui, Flux("flux1-kontext-dev"))
    from modules import scripts

    kontext = _script(KONTEXT_TITLE, scripts.Script)()
    webui.runner.add_alwayson(kontext, [Component(False), Component(None), Component(None),
                                        Component("to BFL recommended"), Component(False)])
    req = sd_request(settings, rules, INPAINT)
    result = HostExecutor(settings, rules).run(req)
    p = webui.processing.runs[-1]
    assert [s.title() for s in p.scripts.alwayson_scripts] == [KONTEXT_TITLE]
    enabled, image1, image2, sizing, reduce = p.script_args
    assert enabled is True and image2 is None and (sizing, reduce) == ("to BFL recommended", False)
    assert np.array_equal(np.asarray(image1), req.image)
    assert p.prompt.startswith("Replace the thing with a leather jacket; keep everything else")
    assert (p.cfg_scale, p.distilled_cfg_scale) == (1.0, 2.5) and result.info["kontext"] is True
    assert (result.image[req.mask == 0] == req.image[req.mask == 0]).all()


def test_five_turns_through_the_host_with_flux_keep_outside_pixels(make_webui, settings, rules):
    webui = make_webui(kind="forge")
    load(webui, Flux("flux1-dev"))
    first = sd_request(settings, rules, INPAINT)
    image = first.image
    for _ in range(5):
        image = HostExecutor(settings, rules).run(sd_request(settings, rules, INPAINT, image=image)).image
    assert np.array_equal(image[first.mask == 0], first.image[first.mask == 0])
