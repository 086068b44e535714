"""The `parameters` text of result PNGs, read back with (a copy of) the WebUI's own parser: a Stable
Diffusion result keeps the WebUI's line and adds the instruction; any other result pastes a short
prompt, never the whole text."""

import json

import pytest

from lib_imgedit.core.describe import describe
from lib_imgedit.core.infotext import make_infotext, quote
from lib_imgedit.core.instruction import validate_instruction

LABELS = ["sky", "car", "person"]


@pytest.fixture
def webui_parser(webui):
    from modules import infotext_utils

    return infotext_utils


def instr(rules, data):
    return validate_instruction(data, rules, LABELS)


def test_a_local_edit_pastes_a_short_prompt_and_its_parameters(rules, webui_parser):
    edit = instr(rules, {"operation": "adjust", "targets": ["sky"], "adjust": {"brightness": 0.3}})
    text = make_infotext(edit, "local", {"seconds": 0.1}, (640, 480))
    got = webui_parser.parse_generation_parameters(text)
    assert got["Prompt"] == "Apply brightness +30% to the sky" and "Chat Edit" not in got["Prompt"]
    assert (got["Size-1"], got["Size-2"], got["Executor"]) == ("640", "480", "local")
    assert json.loads(got["Chat Edit"]) == edit.to_dict()


def test_a_remote_results_parameters_get_the_instruction_once(rules, webui_parser):
    edit = instr(rules, {"operation": "inpaint", "targets": ["car"], "prompt": "a red car, glossy"})
    remote = "a red car, glossy\nNegative prompt: dull\nSteps: 20, Sampler: Euler a, Seed: 7, Size: 512x384, Model: v1-5"
    text = make_infotext(edit, "webui_api", {"parameters": remote}, (1024, 768))
    assert text.startswith(remote + ", Chat Edit: ")
    got = webui_parser.parse_generation_parameters(text)
    assert (got["Prompt"], got["Negative prompt"], got["Steps"], got["Seed"], got["Model"]) == (
        "a red car, glossy", "dull", "20", "7", "v1-5")
    assert json.loads(got["Chat Edit"]) == edit.to_dict()
    assert make_infotext(edit, "webui_api", {"parameters": text}, (1, 1)) == text, "never twice"


def test_an_openai_edit_names_its_model_and_keeps_the_negative_prompt(rules, webui_parser):
    edit = instr(rules, {"operation": "inpaint", "targets": ["person"], "prompt": "a knight", "negative_prompt": "modern"})
    got = webui_parser.parse_generation_parameters(make_infotext(edit, "openai_images", {"model": "gpt-image-1"}, (8, 8)))
    assert (got["Prompt"], got["Negative prompt"], got["Model"], got["Executor"]) == ("a knight", "modern", "gpt-image-1", "openai_images")


@pytest.mark.parametrize("data,want", [
    ({"operation": "recolor", "targets": ["car"], "color": "red"}, "Recolour the car red"),
    ({"operation": "rotate", "angle": 90}, "Rotate 90° clockwise"),
    ({"operation": "flip", "direction": "horizontal"}, "Mirror left to right"),
    ({"operation": "resize", "scale": 2}, "Resize by 2x"),
    ({"operation": "crop", "aspect": "16:9"}, "Crop to 16:9"),
    ({"operation": "inpaint", "targets": ["car"], "prompt": "a red\ncar"}, "a red car"),  # its own prompt, on one line
])
def test_descriptions(rules, data, want):
    assert describe(instr(rules, data), "infotext") == want


def test_quote_as_the_webui():
    assert quote("Euler a") == "Euler a" and quote("a, b") == '"a, b"' and quote('{"x": 1}') == '"{\\"x\\": 1}"'


def test_a_plan_of_several_steps_names_each_and_keeps_the_steps(rules, webui_parser):
    from lib_imgedit.core.instruction import validate_plan

    plan = validate_plan({"steps": [{"operation": "adjust", "targets": ["sky"], "adjust": {"blur": 0.5}},
                                    {"operation": "recolor", "targets": ["car"], "color": "red"}]}, rules, LABELS)
    got = webui_parser.parse_generation_parameters(make_infotext(plan, "local", {}, (64, 48)))
    assert got["Prompt"] == "Apply blur 50% to the sky + Recolour the car red"
    assert json.loads(got["Chat Edit"]) == plan.to_dict() and len(json.loads(got["Chat Edit"])["steps"]) == 2
