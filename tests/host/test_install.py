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


ALL = {"openai": "1.109.1", "json-repair": "0.50", "pypinyin": "0.55.0", "jsonschema": "4.23", "redis": "5.0", "onnxruntime": "1.19",
       "huggingface_hub": "0.25", "tokenizers": "0.13.3"}


def fake_mediapipe(root, version_files=True):
    """A mediapipe package folder: 0.10.x (solutions and the models) or 1.x (neither)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "__init__.py").write_text("")
    if version_files:
        for rel in ("python/solutions/__init__.py", "modules/selfie_segmentation/selfie_segmentation.tflite",
                    "modules/face_landmark/face_landmark_with_attention.tflite"):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(b"x")
    return root


@pytest.fixture
def mediapipe_dir(install, tmp_path, monkeypatch):
    module, _ = install
    root = fake_mediapipe(tmp_path / "mediapipe")
    monkeypatch.setattr(module, "package_dir", lambda name: root if name == "mediapipe" else None)
    return root


def test_installs_only_what_is_missing_with_the_pins_held(install, mediapipe_dir):
    module, launch = install
    launch.installed.update({k: v for k, v in ALL.items() if k != "redis"})
    module.main()
    assert len(launch.pip_calls) == 1
    call = launch.pip_calls[0]
    assert call.startswith('install "redis>=5,<9"')
    assert f'"numpy=={importlib.metadata.version("numpy")}"' in call and f'"pydantic=={importlib.metadata.version("pydantic")}"' in call


def test_onnxruntime_and_huggingface_hub_when_missing(install, mediapipe_dir):
    module, launch = install
    launch.installed.update({k: v for k, v in ALL.items() if k not in ("onnxruntime", "huggingface_hub")})
    module.main()
    assert [c.split('"')[1] for c in launch.pip_calls] == ["onnxruntime>=1.17,<2", "huggingface_hub>=0.20,<1"]
    assert all(f'"numpy=={importlib.metadata.version("numpy")}"' in c for c in launch.pip_calls)


def test_a_mediapipe_without_solutions_is_replaced_within_the_pins(install, tmp_path, monkeypatch, capsys):
    """A fresh A1111 + ControlNet resolves mediapipe to 1.x: installed, but with no solutions and no models."""
    module, launch = install
    launch.installed.update({**ALL, "mediapipe": "1.2.3"})
    root = fake_mediapipe(tmp_path / "mediapipe", version_files=False)
    monkeypatch.setattr(module, "package_dir", lambda name: root if name == "mediapipe" else None)
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda d: "1.2.3" if d == "mediapipe" else real(d))
    assert "mediapipe 1.2.3 has no python/solutions/__init__.py" in module.mediapipe_problem()
    run_pip = launch.run_pip
    monkeypatch.setattr(launch, "run_pip", lambda cmd, desc=None: run_pip(cmd, desc) or fake_mediapipe(root))  # pip fixes it
    module.main()
    assert len(launch.pip_calls) == 1
    call = launch.pip_calls[0]
    assert call.startswith('install "mediapipe>=0.10.14,<0.10.22"')
    for held in ("numpy", "protobuf", "pydantic"):
        assert f'"{held}=={real(held)}"' in call, f"{held} is held"
    assert module.mediapipe_problem() is None and "offline segmentation" not in capsys.readouterr().out


def test_a_mediapipe_that_cannot_be_fixed_is_reported(install, tmp_path, monkeypatch, capsys):
    module, launch = install
    launch.installed.update({**ALL, "mediapipe": "1.2.3"})
    root = fake_mediapipe(tmp_path / "mediapipe", version_files=False)
    monkeypatch.setattr(module, "package_dir", lambda name: root if name == "mediapipe" else None)
    launch.pip_fails.add("mediapipe")
    module.main()  # must not raise
    out = capsys.readouterr().out  # stdout: the WebUI drops a successful install script's stderr
    assert "could not install mediapipe" in out and "offline segmentation (mediapipe) is off" in out
    assert "selfie_segmentation.tflite" in out and 'pip install "mediapipe>=0.10.14,<0.10.22"' in out
    assert out.count("offline segmentation") == 1


def test_the_real_mediapipe_of_this_environment_passes_the_check(install):
    module, _ = install
    assert module.mediapipe_problem() is None, "mediapipe 0.10.x in the test venv has what the segmenter uses"


def test_an_openai_outside_the_range_is_replaced(install, monkeypatch, mediapipe_dir):
    module, launch = install
    launch.installed.update({name: "x" for name, _, _ in module.PACKAGES})
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda d: "2.3.0" if d == "openai" else real(d))
    module.main()
    assert [c.split('"')[1] for c in launch.pip_calls] == ["openai>=1.40,<2"]


def test_skip_install_and_failures(install, capsys, mediapipe_dir):
    module, launch = install
    launch.args.skip_install = True
    module.main()
    assert launch.pip_calls == []
    launch.args.skip_install = False
    launch.pip_fails.add("redis")
    module.main()  # must not raise
    assert len(launch.pip_calls) == len(module.PACKAGES)
    assert "could not install redis" in capsys.readouterr().out


def test_a_protobuf_pinned_below_what_mediapipe_needs_is_left_alone_and_reported(install, tmp_path, monkeypatch, capsys):
    """Forge pins protobuf 3.20.0; every mediapipe 0.10.14-0.10.21 needs protobuf >= 4.25.3: no pip run that
    could only fail (or move the pin), one notice on stdout with the command that fixes it."""
    module, launch = install
    launch.installed.update({**ALL, "mediapipe": "1.2.3"})
    root = fake_mediapipe(tmp_path / "mediapipe", version_files=False)
    monkeypatch.setattr(module, "package_dir", lambda name: root if name == "mediapipe" else None)
    real = importlib.metadata.version
    fake = {"mediapipe": "1.2.3", "protobuf": "3.20.0"}
    monkeypatch.setattr(importlib.metadata, "version", lambda d: fake.get(d) or real(d))
    module.main()
    assert launch.pip_calls == []
    out = capsys.readouterr().out
    assert out.count("offline segmentation (mediapipe) is off") == 1
    assert "pins protobuf 3.20.0" in out and '"protobuf>=4.25.3,<5"' in out and "whole picture" in out
