"""install.py with the WebUI's `launch` helpers (a double): only what is missing, the WebUI's pins
held, --skip-install honoured, and a failed install never stops the start."""

import importlib.metadata
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOUBLES = Path(__file__).parent / "doubles" / "a1111"


@pytest.fixture
def install(monkeypatch):
    monkeypatch.syspath_prepend(str(DOUBLES))
    monkeypatch.delitem(sys.modules, "launch", raising=False)
    import launch

    launch.installed.clear()
    launch.pip_calls.clear()
    launch.pip_fails.clear()
    launch.args.skip_install = False
    spec = importlib.util.spec_from_file_location("imgedit_install", ROOT / "install.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # not __main__: nothing runs on import
    assert launch.pip_calls == []
    yield module, launch
    monkeypatch.delitem(sys.modules, "launch", raising=False)


def test_installs_only_what_is_missing_with_the_pins_held(install):
    module, launch = install
    launch.installed.update({"openai": "1.109.1", "json-repair": "0.50", "jsonschema": "4.23", "mediapipe": "0.10.14"})
    module.main()
    assert len(launch.pip_calls) == 1
    call = launch.pip_calls[0]
    assert call.startswith('install "redis>=5,<9"')
    assert f'"numpy=={importlib.metadata.version("numpy")}"' in call and f'"pydantic=={importlib.metadata.version("pydantic")}"' in call


def test_an_openai_outside_the_range_is_replaced(install, monkeypatch):
    module, launch = install
    launch.installed.update({name: "x" for name, _, _ in module.PACKAGES})
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda d: "2.3.0" if d == "openai" else real(d))
    module.main()
    assert [c.split('"')[1] for c in launch.pip_calls] == ["openai>=1.40,<2"]


def test_skip_install_and_failures(install, capsys):
    module, launch = install
    launch.args.skip_install = True
    module.main()
    assert launch.pip_calls == []
    launch.args.skip_install = False
    launch.pip_fails.add("mediapipe")
    module.main()  # must not raise
    assert len(launch.pip_calls) == len(module.PACKAGES)
    assert "could not install mediapipe" in capsys.readouterr().err
