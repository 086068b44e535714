"""Enlarging with the WebUI's upscalers (a double of modules/upscaler.py): only one whose model is on
disk (one given by URL would be downloaded), the exact size asked for, under queue_lock."""

import numpy as np
import pytest
from sd_helpers import gradient

from lib_imgedit.core.errors import ExecutorUnavailable
from lib_imgedit.host.upscale import pick_upscaler, target_size, upscale


def test_scale_uses_the_model_on_disk_and_gives_the_exact_size(webui):
    image = gradient(50, 30)
    out, name = upscale(image, scale=2.5)
    assert name == "4x-UltraSharp" and out.shape == (75, 125, 3)
    assert webui.esrgan.calls and webui.esrgan.calls[0][1].endswith("4x-UltraSharp.pth")
    assert webui.realesrgan.calls == [], "R-ESRGAN's model is only a URL: never downloaded here"
    assert webui.call_queue.queue_lock.acquisitions == 1 and not webui.call_queue.queue_lock.locked()
    # NEAREST x4 then Lanczos: the top-left block keeps the first pixel's colour
    assert np.abs(out[:2, :2].astype(int) - image[0, 0].astype(int)).max() <= 12


def test_width_or_height_keep_the_aspect_and_shrinking_needs_no_model(webui):
    out, _ = upscale(gradient(50, 30), width=200)
    assert out.shape[:2] == (120, 200)
    calls = len(webui.esrgan.calls)
    small, name = upscale(gradient(50, 30), height=15)
    assert small.shape[:2] == (15, 25) and name == "Lanczos" and len(webui.esrgan.calls) == calls


def test_the_downloaded_realesrgan_model_counts_and_the_settings_choice_wins(webui, tmp_path):
    folder = tmp_path / "models" / "RealESRGAN"
    folder.mkdir()
    (folder / "RealESRGAN_x4plus.pth").write_bytes(b"w")
    assert pick_upscaler().name == "R-ESRGAN 4x+", "first of the preferred list once its model is there"
    webui.shared.opts.data["upscaler_for_img2img"] = "4x-UltraSharp"
    assert pick_upscaler().name == "4x-UltraSharp"


def test_without_a_model_on_disk_the_caller_falls_back(webui):
    webui.shared.sd_upscalers[:] = webui.shared.sd_upscalers[:3]  # None, Lanczos, R-ESRGAN by URL
    with pytest.raises(ExecutorUnavailable, match="no ESRGAN-type upscaler"):
        upscale(gradient(50, 30), scale=2)
    with pytest.raises(ExecutorUnavailable, match="'SwinIR 4x'"):
        upscale(gradient(50, 30), scale=2, upscaler="SwinIR 4x")


def test_target_size():
    assert target_size(100, 50, scale=1.5) == (150, 75) and target_size(100, 50, width=40, height=10) == (40, 10)
    with pytest.raises(Exception, match="scale, a width or a height"):
        target_size(100, 50)


def test_the_picture_executor_enlarges_with_the_webui_upscaler_inside_the_webui(webui):
    from lib_imgedit.executors import geometry
    from lib_imgedit.host import entry
    from lib_imgedit.host.upscale import upscale_or_none

    entry.get_service()
    assert geometry.upscaler is upscale_or_none
    assert upscale_or_none(gradient(50, 30), 100, 60).shape == (60, 100, 3) and webui.esrgan.calls
    webui.shared.sd_upscalers[:] = webui.shared.sd_upscalers[:3]  # no model on disk: Lanczos
    assert upscale_or_none(gradient(50, 30), 100, 60) is None
