"""The command line as a tool: help on every argument, one-line errors, quiet unless -v."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lib_imgedit.app.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("command", ["", "serve", "plan", "edit", "gc", "export-finetune"])
def test_every_argument_has_help(command):
    parser = build_parser()
    parser = _subparsers(parser)[command] if command else parser
    missing = [a.option_strings or a.dest for a in parser._actions
               if not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction)) and not (a.help or "").strip()]
    assert not missing, f"arguments without help text: {missing}"


def test_edit_help_has_examples(capsys):
    with pytest.raises(SystemExit):
        main(["edit", "--help"])
    out = capsys.readouterr().out
    assert 'edit photo.jpg "blur the background" -o out.png' in out and "IMAGE REQUEST" in out


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def test_missing_input_file_is_one_line(tmp_path, capsys):
    code = main(["--data-dir", str(tmp_path / "d"), "edit", str(tmp_path / "nope.png"), "make it brighter"])
    assert code == 2
    assert _one_line_error(capsys) == f"error: {tmp_path / 'nope.png'}: no such file"


def test_folder_as_input_is_one_line(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path / "d"), "edit", str(tmp_path), "make it brighter"]) == 2
    assert _one_line_error(capsys).endswith(": not a file")


def test_unreadable_image_is_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"this is not a picture")
    code = main(["--data-dir", str(tmp_path / "d"), "edit", str(bad), "make it brighter", "-o", str(tmp_path / "o.png")])
    assert code == 1
    line = _one_line_error(capsys)
    assert str(bad) in line and "not an image" in line
    assert not (tmp_path / "o.png").exists()


def test_missing_output_folder_is_found_before_the_work(tmp_path, capsys):
    src = tmp_path / "in.png"
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(src)
    code = main(["--data-dir", str(tmp_path / "d"), "edit", str(src), "make it brighter", "-o", str(tmp_path / "no" / "o.png")])
    assert code == 2 and "no folder" in _one_line_error(capsys)
    assert not (tmp_path / "d").exists(), "nothing ran"


# what MediaPipe 0.10.21's C++ prints by itself: absl log lines, TensorFlow Lite's delegate notice
NATIVE_NOISE = re.compile(r"^[IWE]\d{4} |absl::InitializeLog|TensorFlow Lite|XNNPACK|inference_feedback|landmark_projection")


def _run_edit(tmp_path: Path, astronaut: np.ndarray, *extra: str) -> subprocess.CompletedProcess:
    src, out = tmp_path / "in.png", tmp_path / "out.png"
    Image.fromarray(astronaut[::2, ::2]).save(src)
    env = {**os.environ, "IMGEDIT_DATA_DIR": str(tmp_path / "d")}
    for name in ("GLOG_minloglevel", "TF_CPP_MIN_LOG_LEVEL"):
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "lib_imgedit", "edit", str(src), "make it brighter", "-o", str(out), *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_edit_is_quiet_unless_verbose(tmp_path, astronaut):
    proc = _run_edit(tmp_path, astronaut)
    assert proc.returncode == 0, proc.stderr
    noise = [line for line in proc.stderr.splitlines() if NATIVE_NOISE.search(line)]
    assert not noise, "the segmentation libraries' warnings leaked:\n" + "\n".join(noise)
    assert "Traceback" not in proc.stderr
    assert "wrote" in proc.stdout and '"brightness"' in proc.stdout
    edited = np.asarray(Image.open(tmp_path / "out.png"))
    assert edited.shape == astronaut[::2, ::2].shape and edited.mean() > astronaut[::2, ::2].mean()
    verbose = _run_edit(tmp_path, astronaut, "-v")
    assert verbose.returncode == 0 and any(NATIVE_NOISE.search(line) for line in verbose.stderr.splitlines()), \
        "-v shows the libraries' own logs (and so the test above can fail)"
