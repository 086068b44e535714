"""scripts/imgedit.py in a fake WebUI: it loads with or without ControlNet and ReActor, registers
the tab, the Settings section and the routes; the routes answer 401 without credentials under
--api-auth; an inpaint edit through the API runs on the host's pipeline; send-to buttons bind."""

import base64
import importlib.util
import io

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from helpers import needs_mediapipe
from PIL import Image

from lib_imgedit.executors import EXECUTORS
from lib_imgedit.segment import SEGMENTERS

ENTRY = __import__("pathlib").Path(__file__).resolve().parents[2] / "scripts" / "imgedit.py"
API = "/sdapi/v1/imgedit"


def load_entry():
    spec = importlib.util.spec_from_file_location("imgedit_entry", ENTRY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def callbacks(kind):
    from modules import script_callbacks

    return [(name, fn) for name, fn in script_callbacks.callback_map[f"callbacks_{kind}"]]


def started_app(webui, api_auth=None):
    webui.shared.cmd_opts.api_auth = api_auth
    load_entry()
    for _, fn in callbacks("ui_settings"):
        fn()
    app = FastAPI()
    for _, fn in callbacks("app_started"):
        fn(None, app)
    return TestClient(app)


def png_b64(arr):
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def test_loads_without_controlnet_and_reactor_and_registers_everything(make_webui, tmp_path):
    webui = make_webui(controlnet=False, face_swap=None)
    load_entry()
    assert [name for name, _ in callbacks("ui_tabs")] == ["imgedit"]
    assert [name for name, _ in callbacks("ui_settings")] == ["imgedit"]
    assert [name for name, _ in callbacks("app_started")] == ["imgedit"]
    assert EXECUTORS["host"].__name__ == "HostExecutor" and "controlnet" in SEGMENTERS
    from lib_imgedit.host import entry

    assert entry.extension_dir == webui.scripts.basedir()
    assert entry.get_service().settings.data_dir == str(tmp_path / "webui" / "imgedit"), "data under the WebUI's data path"


def test_settings_section(webui):
    load_entry()
    callbacks("ui_settings")[0][1]()
    labels = webui.shared.opts.data_labels
    ours = {k: v for k, v in labels.items() if k.startswith("imgedit_")}
    assert len(ours) == len(__import__("lib_imgedit.core.config").core.config.Settings.field_meta())
    admin = {"imgedit_turns_per_minute", "imgedit_forwarded_allow_ips", "imgedit_redis_url", "imgedit_store", "imgedit_max_upload_mb"}
    assert all(ours[k].section == ("imgedit_server", "Chat Edit: server (admin)") for k in admin)
    user = {"imgedit_steps", "imgedit_sampler", "imgedit_controlnet_model", "imgedit_llm_profile", "imgedit_segmenters"}
    assert all(ours[k].section == ("imgedit", "Chat Edit") for k in user)
    from modules.options import categories

    assert {v.category_id for v in ours.values()} == {"imgedit"} and categories.mapping["imgedit"].label == "Chat Edit"
    # the WebUI's own choices, read when the Settings page is built
    sampler = ours["imgedit_sampler"]
    assert sampler.component.__name__ == "Dropdown" and callable(sampler.component_args)
    assert "Euler a" in sampler.component_args()["choices"] and sampler.component_args()["choices"][0] == "DPM++ 2M"
    module = ours["imgedit_controlnet_module"].component_args()["choices"]
    assert module[:2] == ["auto", "none"] and "inpaint_global_harmonious" in module
    assert ours["imgedit_controlnet_model"].component_args()["choices"][0] == "auto"
    import gradio as gr

    if hasattr(gr.Dropdown, "update"):  # gradio 3: the WebUI refreshes the setting with Dropdown.update(**args)
        for key in ("imgedit_sampler", "imgedit_scheduler", "imgedit_controlnet_module", "imgedit_controlnet_model"):
            gr.Dropdown.update(**ours[key].component_args())
    assert ours["imgedit_openai_api_key"].restrict_api and ours["imgedit_webui_api_auth"].restrict_api
    assert not ours["imgedit_steps"].restrict_api and ours["imgedit_steps"].label == "Sampling steps"
    assert ours["imgedit_openai_api_key"].component_args.get("type") == "password"
    # a change in the WebUI's Settings reaches the next turn; a refused value is ignored
    from lib_imgedit.host import entry

    service = entry.get_service()
    webui.shared.opts.set("imgedit_steps", 7)
    assert service.settings.steps == 7
    webui.shared.opts.set("imgedit_steps", 100000)
    assert service.settings.steps == 7


@pytest.mark.parametrize("auth", [None, "alice:s3cret,bob:pw"])
def test_routes_under_api_auth(webui, auth):
    client = started_app(webui, auth)
    if auth is None:
        assert client.get(f"{API}/config").status_code == 200
        return
    denied = client.get(f"{API}/config")
    assert denied.status_code == 401 and denied.json()["error"] == "Unauthorized"
    assert denied.headers["www-authenticate"].startswith("Basic")
    assert client.get(f"{API}/config", auth=("alice", "wrong")).status_code == 401
    assert client.post(f"{API}/sessions", auth=("mallory", "x")).status_code == 401
    sid = client.post(f"{API}/sessions", auth=("alice", "s3cret")).json()["session_id"]
    assert client.get(f"{API}/sessions/{sid}", auth=("alice", "s3cret")).status_code == 200
    assert client.get(f"{API}/sessions/{sid}", auth=("bob", "pw")).status_code == 404, "sessions belong to their user"


@needs_mediapipe
def test_inpaint_through_the_api_runs_on_the_host_pipeline(webui, astronaut):
    client = started_app(webui)
    small = np.asarray(Image.fromarray(astronaut).resize((128, 128)))
    sid = client.post(f"{API}/sessions").json()["session_id"]
    up = client.post(f"{API}/sessions/{sid}/image", json={"image": png_b64(small)})
    assert up.status_code == 200, up.text
    r = client.post(f"{API}/sessions/{sid}/run", json={"instruction": {"operation": "inpaint", "targets": ["background"], "prompt": "a beach"}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["executor"] == "host"
    assert "ControlNet used: inpaint_global_harmonious, model control_v11p_sd15_inpaint" in body["reply"], body["reply"]
    out = np.asarray(Image.open(io.BytesIO(base64.b64decode(body["image"]))).convert("RGB"))
    p = webui.processing.runs[-1]
    assert p.controlnet_seen[0]["unit"].module == "inpaint_global_harmonious" and p.prompt == "a beach"
    import importlib

    assert importlib.import_module("extensions.sd-webui-controlnet.scripts.external_code").logged == [], "no ControlNet fallback"
    # a background edit by the label rules (eroded away from the person, feathered by masks.py): A1111
    # gets the hard mask unblurred, not inverted, from the original pixels (no pale band from a second blur)
    assert (p.mask_blur_x, p.mask_blur_y, p.inpainting_mask_invert, p.inpainting_fill) == (0, 0, 0, 1)
    assert set(np.unique(np.asarray(p.image_mask))) == {0, 255}
    edited = np.asarray(p.image_mask) > 0
    assert (out[~edited] == small[~edited]).all(), "pixels outside the mask are unchanged"
    assert (out[edited] != small[edited]).any()


def test_tab_binds_send_to_buttons_the_webui_way(webui):
    import gradio as gr

    load_entry()
    (tab, title, elem_id), = callbacks("ui_tabs")[0][1]()
    assert isinstance(tab, gr.Blocks) and (title, elem_id) == ("Chat Edit", "imgedit")
    from modules import infotext_utils

    bindings = infotext_utils.registered_param_bindings
    assert [b.tabname for b in bindings] == ["img2img", "inpaint"]
    assert all(b.paste_button.elem_id == f"imgedit_send_to_{b.tabname}" for b in bindings)
    assert all(isinstance(b.source_image_component, gr.Image) and b.source_image_component.type == "pil" for b in bindings)
    assert all(isinstance(b.source_text_component, gr.Textbox) for b in bindings)


def test_send_to_with_a_gallery_and_the_old_module_name(webui, monkeypatch):
    import sys

    import gradio as gr
    import modules.infotext_utils as old

    from lib_imgedit.host.sendto import bind_send_to

    monkeypatch.delattr(sys.modules["modules"], "infotext_utils")  # a WebUI before 1.8 has only the old name
    monkeypatch.setitem(sys.modules, "modules.infotext_utils", None)
    monkeypatch.setitem(sys.modules, "modules.generation_parameters_copypaste", old)
    with gr.Blocks():
        gallery = gr.Gallery()
        button = gr.Button("Send to inpaint")
        bind_send_to({"inpaint": button}, gallery)
    binding = old.registered_param_bindings[-1]
    assert binding.source_image_component is gallery and binding.paste_button is button and binding.tabname == "inpaint"


def test_tab_settings_go_to_the_webui_settings(webui, tmp_path):
    import json

    from lib_imgedit.host import entry
    from lib_imgedit.host.tab import WebUITabHost

    webui.shared.config_filename = str(tmp_path / "config.json")
    load_entry()
    for _, fn in callbacks("ui_settings"):
        fn()
    host = WebUITabHost()
    service = entry.get_service()
    host.save_settings(service.settings.update({"steps": 33}), ["steps"])
    assert webui.shared.opts.data["imgedit_steps"] == 33
    assert json.loads((tmp_path / "config.json").read_text())["imgedit_steps"] == 33
    assert entry.get_service().settings.steps == 33, "the onchange hook refreshes the service"
    assert host.choices("sampler") == ["DPM++ 2M", "Euler a", "Euler", "DDIM"]
    assert host.choices("steps") is None


def test_default_tab_builds_in_the_webui(webui):
    load_entry()
    (tab, title, _), = callbacks("ui_tabs")[0][1]()
    assert title == "Chat Edit" and tab is not None


def test_app_started_runs_the_session_sweeper(webui):
    from lib_imgedit.host import entry

    started_app(webui)
    assert entry._sweeper is not None and entry._sweeper.running
    assert entry._sweeper.store is entry.get_service().store


@pytest.mark.parametrize("api_auth", [None, "alice:s3cret"])
def test_get_options_lists_the_chat_edit_settings(webui, api_auth):
    """As in the real WebUI: modules.api.models is imported while the scripts load (ControlNet's
    scripts/api.py does), so its OptionsModel predates our options; POST worked, GET filtered them."""
    import importlib

    from fastapi import FastAPI

    importlib.import_module("modules.api.models")
    webui.shared.cmd_opts.api_auth = api_auth
    load_entry()
    for _, fn in callbacks("ui_settings"):
        fn()
    app = FastAPI()
    importlib.import_module("modules.api.api").Api(app, webui.call_queue.queue_lock)
    client = TestClient(app)
    auth = ("alice", "s3cret") if api_auth else None
    assert "imgedit_steps" not in client.get("/sdapi/v1/options", auth=auth).json(), "the bug, reproduced"
    for _, fn in callbacks("app_started"):
        fn(None, app)
    got = client.get("/sdapi/v1/options", auth=auth).json()
    assert got["imgedit_steps"] == 20 and got["samples_format"] == "png"
    from lib_imgedit.core.config import Settings

    public = {f"imgedit_{name}" for name, _, meta in Settings.field_meta() if not meta["secret"]}
    assert public <= set(got) and "imgedit_openai_api_key" not in got and "imgedit_webui_api_auth" not in got, "no secrets"
    assert client.post("/sdapi/v1/options", json={"imgedit_steps": 9}, auth=auth).status_code == 200
    assert client.get("/sdapi/v1/options", auth=auth).json()["imgedit_steps"] == 9
    if api_auth:
        assert client.get("/sdapi/v1/options").status_code == 401, "still behind --api-auth"
    assert [r.methods for r in app.router.routes if getattr(r, "path", "") == "/sdapi/v1/options"] == [{"POST"}, {"GET"}]


def test_console_messages_are_named_once(monkeypatch, capsys):
    """No "imgedit: imgedit:": messages carry no prefix; without the WebUI's logging setup the handler names them."""
    import logging

    from lib_imgedit.host import entry

    log = logging.getLogger("imgedit")
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    monkeypatch.setattr(log, "handlers", [])
    monkeypatch.setattr(log, "propagate", True)
    monkeypatch.setattr(log, "level", log.level)
    entry.console_logging()
    log.warning("ControlNet's seg_ofade20k failed")
    assert capsys.readouterr().err == "WARNING [imgedit] ControlNet's seg_ofade20k failed\n"
    entry.console_logging()
    assert len(log.handlers) == 1, "set up once"
