"""The model-family table, family detection, and the text each kind of backend gets: a description of
the region for mask-based models, an instruction in the imperative for instruction-edit models."""

import types

import numpy as np
import pytest
from fake_remotes import FakeWebUI
from sd_helpers import sd_request

from lib_imgedit.core.instruction import EditInstruction
from lib_imgedit.executors import EXECUTORS
from lib_imgedit.executors.families import (
    DESCRIPTION,
    INSTRUCTION,
    families,
    family,
    family_of_model,
    family_of_name,
    imperative,
    prompt_for,
)
from lib_imgedit.executors.webui_api import WebUIApiExecutor


def test_table_and_controlnet_fit():
    table = families()
    assert {"sd15", "sdxl", "flux_dev", "flux_schnell", "flux_fill", "flux_kontext", "qwen_image_edit"} <= table.keys()
    assert family(False).key == "sd15" and family(True).key == "sdxl" and family(None).key == "sd15"
    assert (table["flux_dev"].cfg, table["flux_dev"].distilled_cfg, table["flux_schnell"].distilled_cfg) == (1.0, 3.5, None)
    assert family("sd15").fits_controlnet("control_v11p_sd15_canny") and not family("sd15").fits_controlnet("diffusers_xl_canny_full")
    assert not family("flux_dev").fits_controlnet("control_v11p_sd15_canny") and family("flux_dev").fits_controlnet("flux-canny-v3")
    assert not family("flux_kontext").fits_controlnet("flux-canny-v3")


def test_family_from_the_loaded_model_and_from_a_name():
    flux = type("Flux", (), {"is_sdxl": False, "is_sd1": False, "use_distilled_cfg_scale": True, "is_inpaint": False})()
    assert family_of_model(flux) == "flux_dev" and family_of_model(flux, "flux1-kontext-dev.safetensors") == "flux_kontext"
    flux.is_inpaint = True
    assert family_of_model(flux) == "flux_fill"
    assert family_of_model(types.SimpleNamespace(is_sdxl=True)) == "sdxl" and family_of_model(types.SimpleNamespace()) == "sd15"
    assert [family_of_name(n) for n in ("sd_xl_base_1.0", "v1-5-pruned", "flux1-schnell", "flux1-fill-dev", "qwen_image_edit")] == [
        "sdxl", "sd15", "flux_schnell", "flux_fill", "qwen_image_edit"]


@pytest.mark.parametrize("instr, text", [
    (EditInstruction("inpaint", ["background"], prompt="a beach at sunset"),
     "Replace the background with a beach at sunset; keep everything else in the picture unchanged."),
    (EditInstruction("remove", ["person"]), "Remove the person and fill the space naturally; keep everything else in the picture unchanged."),
    (EditInstruction("restyle", prompt="winter, snow"), "Restyle the picture as winter, snow; keep the composition, colours and lighting unchanged."),
    (EditInstruction("inpaint", ["car"], prompt="a red car", negative_prompt="text"),
     "Replace the car with a red car; keep everything else in the picture unchanged; avoid text."),
])
def test_imperative(instr, text):
    assert imperative(instr) == text and prompt_for(instr, INSTRUCTION) == text
    assert prompt_for(instr, DESCRIPTION) == instr.prompt


def test_every_backend_declares_what_it_wants():
    styles = {name: cls.prompt_style for name, cls in EXECUTORS.items()}
    assert set(styles.values()) <= {DESCRIPTION, INSTRUCTION}
    assert styles["openai_images"] == INSTRUCTION and styles["comfyui"] == DESCRIPTION and styles["webui_api"] == DESCRIPTION
    assert set(EXECUTORS["comfyui"].families) >= {"sd15", "flux_fill", "flux_kontext", "qwen_image_edit"}


def test_a_remote_forge_with_flux_gets_flux_parameters(server, settings, rules):
    webui = FakeWebUI(server)
    webui.checkpoint = "flux1-dev-bnb-nf4-v2.safetensors [f0770152]"
    req = sd_request(settings, rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "a red apple"})
    result = WebUIApiExecutor(settings.update({"webui_api_url": webui.url}), rules).run(req)
    body = webui.bodies[-1]
    assert (body["cfg_scale"], body["distilled_cfg_scale"], body["steps"]) == (1.0, 3.5, 20)
    assert "controlnet" not in body["alwayson_scripts"], "the fake has only SD 1.5 ControlNet models: no unit"
    assert np.array_equal(result.image[req.mask == 0], req.image[req.mask == 0])
