"""The SD inpaint template through the comfyui executor on a real ComfyUI (CPU, random-weight SD 1.5):
skipped unless IMGEDIT_REAL_COMFY names the server and IMGEDIT_REAL_COMFY_CKPT its checkpoint file
(built with /work/shared/tools/build_comfy.sh and build_host.sh)."""

import os

import numpy as np
import pytest
from sd_helpers import sd_request

from lib_imgedit.executors.comfyui import ComfyUIExecutor

URL, CKPT = os.environ.get("IMGEDIT_REAL_COMFY", ""), os.environ.get("IMGEDIT_REAL_COMFY_CKPT", "random-sd15.safetensors")
pytestmark = pytest.mark.skipif(not URL, reason="no real ComfyUI (set IMGEDIT_REAL_COMFY)")


def test_sd_inpaint_runs_for_real_and_keeps_outside_pixels(settings, rules):
    s = settings.update({"comfyui_url": URL, "comfyui_models": f"ckpt={CKPT}", "steps": 2, "sd_resolution": 256})
    seen = []
    req = sd_request(s, rules, {"operation": "inpaint", "targets": ["thing"], "prompt": "a red apple", "strength": 0.9},
                     progress=lambda d, t, text: seen.append((d, t)))
    result = ComfyUIExecutor(s, rules).run(req)
    outside = req.mask == 0
    assert np.array_equal(result.image[outside], req.image[outside])
    assert not np.array_equal(result.image[req.mask == 1], req.image[req.mask == 1])
    assert result.info["workflow"] == "sd_inpaint" and result.info["model"] == CKPT and seen[-1] == (2, 2)
    print("real ComfyUI:", result.info)


def test_the_pool_skips_a_dead_backend_and_runs_on_the_real_one(settings, rules):
    from lib_imgedit.executors import pool

    pool.STATE.dead_until.clear()
    s = settings.update({"backend_pool": f"comfy+http://127.0.0.1:9, comfy+{URL}", "comfyui_models": f"ckpt={CKPT}",
                         "steps": 2, "sd_resolution": 256})
    req = sd_request(s, rules, {"operation": "remove", "targets": ["thing"]})
    result = pool.PoolExecutor(s, rules).run(req)
    assert result.info["backend"] == URL and result.info["notes"][-1] == f"ran on the ComfyUI at {URL}"
    assert np.array_equal(result.image[req.mask == 0], req.image[req.mask == 0])
