from lib_imgedit.core.config import Settings
from lib_imgedit.core.presets import apply_preset, load_presets


def test_every_preset_is_a_settings_choice_and_applies():
    presets = load_presets()
    choices = dict((n, m) for n, _, m in Settings.field_meta())["preset"]["choices"]
    assert set(presets) == set(choices)
    for name, values in presets.items():
        settings, applied = apply_preset(Settings(), name)
        assert settings.preset == name and applied == {"preset": name, **values}
        assert all(getattr(settings, k) == v for k, v in values.items())


def test_presets_differ_where_it_matters():
    fast, _ = apply_preset(Settings(), "fast")
    creative, _ = apply_preset(Settings(), "creative")
    assert fast.steps < creative.steps and fast.controlnet_module == "none"
    assert creative.strength > 0.5 and creative.controlnet_weight < 1.0


def test_unknown_preset_is_refused():
    import pytest

    with pytest.raises(ValueError, match="unknown preset"):
        apply_preset(Settings(), "psychedelic")
