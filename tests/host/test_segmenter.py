"""ControlNet's segmentation preprocessors as the `controlnet` scene segmenter of the chain, on A1111 and
Forge (the downloadable models are not on disk in the tests, so ControlNet is the scene segmenter that runs)."""

import pytest

from lib_imgedit.core.errors import ExecutorUnavailable
from lib_imgedit.engine.service import EditService
from lib_imgedit.segment import SEGMENTERS


@pytest.fixture
def controlnet_segmenter(monkeypatch):
    # monkeypatch undoes last, after the WebUI double put back the registries it found (this one included)
    monkeypatch.setitem(SEGMENTERS, "controlnet", "lib_imgedit.host.segmenter:ControlNetSegmenter")


@pytest.mark.parametrize("kind", ["a1111", "forge"])
def test_scene_labels_from_controlnet_and_people_from_mediapipe(make_webui, settings, astronaut, kind, controlnet_segmenter):
    webui = make_webui(kind=kind)
    service = EditService(settings)
    notes: list[str] = []
    labels = service.segment(astronaut, notes)
    assert {"sky", "tree"} <= set(labels.names), "scene labels from the ADE20K colour map"
    assert {"person", "face", "background"} <= set(labels.names) and len(labels.faces) == 1, "MediaPipe's labels and faces"
    assert labels.source.split("+")[0] == "controlnet:seg_ofade20k"
    assert [n for n in notes if "MaskFormer" in n][0].startswith("Could not get") and len(notes) == 1, "models not on disk: one note"
    h = astronaut.shape[0]
    person = labels.masks["person"]  # scene labels give way to the person (combine.json "outside")
    assert (labels.masks["sky"] | person)[: h // 2 - 2, 3 * h // 4:].all() and (labels.masks["tree"] | person)[h // 2 + 2:, 3 * h // 4:].all()
    assert labels.masks["tree"][h // 2 + 2:, 3 * h // 4:].mean() > 0.3
    assert webui.call_queue.queue_lock.acquisitions == 1 and not webui.call_queue.queue_lock.locked()
    if kind == "a1111":
        import importlib

        assert importlib.import_module("extensions.sd-webui-controlnet.scripts.external_code").Preprocessor.unloaded == ["oneformer_ade20k"]


def test_without_controlnet_the_offline_segmenter_is_used(make_webui, settings, astronaut, controlnet_segmenter):
    make_webui(controlnet=False)
    from lib_imgedit.host.segmenter import ControlNetSegmenter

    assert ControlNetSegmenter().available() == (False, "ControlNet is not installed")
    notes: list[str] = []
    labels = EditService(settings).segment(astronaut, notes)
    assert "face" in labels.names and "sky" not in labels.names and "controlnet" in SEGMENTERS
    assert any(n == "controlnet skipped: ControlNet is not installed" for n in notes)


def test_a_failing_preprocessor_leaves_the_person_labels(make_webui, settings, astronaut, monkeypatch, controlnet_segmenter):
    make_webui(kind="forge")
    import lib_controlnet.global_state as gs

    from lib_imgedit.host.segmenter import ControlNetSegmenter

    def broken(name):
        raise OSError("cannot download 250_16_swin_l_oneformer_ade20k_160k.pth")

    monkeypatch.setattr(gs, "get_preprocessor", broken)
    with pytest.raises(ExecutorUnavailable, match="seg_ofade20k failed"):
        ControlNetSegmenter().segment(astronaut)
    labels = EditService(settings).segment(astronaut)
    assert "face" in labels.names and "sky" not in labels.names


@pytest.mark.parametrize("kind", ["a1111", "forge"])
def test_no_download_unless_the_user_allows_it(make_webui, settings, astronaut, kind, controlnet_segmenter, monkeypatch):
    """Weights not on disk: ControlNet would fetch OneFormer (1 GB+) on the first call; it is not called."""
    webui = make_webui(kind=kind, seg_weights=False)
    calls = []
    real = webui.annotators.seg_map
    monkeypatch.setattr(webui.annotators, "seg_map", lambda *a: calls.append(a) or real(*a))
    from lib_imgedit.host.segmenter import ControlNetSegmenter

    ok, why = ControlNetSegmenter().available()
    assert not ok and "not downloaded" in why and "Download ControlNet segmentation models" in why
    assert "sky" not in EditService(settings).segment(astronaut).names and calls == []
    webui.shared.opts.data["imgedit_controlnet_seg_download"] = True  # the user said yes
    assert ControlNetSegmenter().available() == (True, "")
    assert "sky" in ControlNetSegmenter().segment(astronaut).names and len(calls) == 1


def test_only_downloaded_models_are_used(make_webui, astronaut, controlnet_segmenter):
    webui = make_webui(seg_weights=False)
    (webui.annotators_dir / "uniformer").mkdir(parents=True)
    (webui.annotators_dir / "uniformer" / "upernet_global_small.pth").write_bytes(b"w")
    from lib_imgedit.host.segmenter import ControlNetSegmenter

    assert ControlNetSegmenter().segment(astronaut).source == "controlnet:seg_ufade20k"


def test_a_failure_is_remembered_for_the_process(make_webui, settings, astronaut, controlnet_segmenter, monkeypatch, caplog):
    webui = make_webui(kind="forge", seg_weights=False)
    (webui.annotators_dir / "oneformer").mkdir(parents=True)
    (webui.annotators_dir / "oneformer" / "250_16_swin_l_oneformer_ade20k_160k.pth").write_bytes(b"truncated")
    import lib_controlnet.global_state as gs

    calls = []

    def broken(name):
        calls.append(name)
        raise OSError("cannot load 250_16_swin_l_oneformer_ade20k_160k.pth")

    monkeypatch.setattr(gs, "get_preprocessor", broken)
    service = EditService(settings)
    for _ in range(3):  # three uploads
        labels = service.segment(astronaut)
        assert "face" in labels.names and "sky" not in labels.names
    assert calls == ["seg_ofade20k"], "tried once, never again on the next uploads"
    assert sum("skipped until the WebUI restarts" in r.message for r in caplog.records) == 1
    from lib_imgedit.host.segmenter import ControlNetSegmenter

    ok, why = ControlNetSegmenter().available()
    assert not ok and "seg_ofade20k failed earlier" in why, "a new service does not pick it again either"
