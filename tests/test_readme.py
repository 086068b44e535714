"""README, CI and the code must agree: the install and test commands, the documented flags, the CLI
examples, the system packages the tests use, and the routes of the curl walk-through."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")
CI = (ROOT / ".ci/run").read_text("utf-8")


def blocks(lang: str) -> list[str]:
    return [b.strip() for b in re.findall(rf"```{lang}\n(.*?)```", README, re.S)]


def test_the_install_command_is_the_measured_one():
    sys.path.insert(0, str(ROOT / "bench"))
    from install import INSTALL_ARGS

    install = blocks("bash")[0]
    assert install == "python3 -m venv .venv && .venv/bin/pip install " + " ".join(INSTALL_ARGS)
    assert "bench/install.py --venv .venv --max-seconds" in CI and "--max-mb" in CI, "CI installs through the budget check"
    assert all((ROOT / arg).is_file() for arg in INSTALL_ARGS[1::2])


def test_ci_runs_the_readme_test_command():
    tests = [b for b in blocks("bash") if "pytest" in b]
    assert tests and tests[0] in CI.splitlines(), f"{tests[:1]!r} from README.md must be a line of .ci/run"


def test_the_server_one_liner_does_not_block_the_terminal():
    serve = [b for b in blocks("bash") if "lib_imgedit serve" in b]
    assert serve and serve[0].endswith("&") and "second terminal" in README


def test_the_system_packages_the_tests_use_are_named(monkeypatch):
    import importlib.util

    import servers

    # this folder's conftest by its path: `import conftest` may find tests/host's, imported first
    spec = importlib.util.spec_from_file_location("imgedit_root_conftest", Path(__file__).with_name("conftest.py"))
    conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conftest)

    for name, _, _, package in conftest._system_packages():
        assert f"`{name}`" in README
        assert package in re.search(r"sudo apt-get install ([\w -]+)", README).group(1).split()
    # and a run without them says so at the top, with the command
    monkeypatch.setattr(conftest, "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.setattr(servers, "REDIS_SERVER", None)
    header = conftest.pytest_report_header(None)
    assert len(header) == 2 and all("MISSING" in line and "sudo apt-get install" in line for line in header)


def _help(args: list[str]) -> str:
    import contextlib
    import io

    from lib_imgedit.app.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        main(args)
    return out.getvalue()


def test_documented_flags_exist():
    assert "--data-dir" in _help(["--help"])
    serve = _help(["serve", "--help"])
    for flag in ("--port", "--host", "--api-auth", "--lang", "--api-only", "-v", "--executors", "--max-image-pixels",
                 "--llm-model"):
        assert flag in serve


def test_the_edit_examples_are_documented():
    from lib_imgedit.app.cli import EDIT_EXAMPLES

    examples = [line.strip().removeprefix("python -m lib_imgedit ") for line in EDIT_EXAMPLES.splitlines()
                if line.strip().startswith("python -m lib_imgedit edit")]
    assert len(examples) >= 3
    for example in examples:
        assert f".venv/bin/python -m lib_imgedit {example}" in README


def _walk() -> str:
    walk = README[README.index("### A walk through with curl"):]
    return walk[walk.index("```sh") + 5:walk.index("```\n", walk.index("```sh") + 5)]


def test_the_curl_walk_through_uses_real_routes(settings):
    from fastapi.routing import APIRoute

    from lib_imgedit.app.standalone import create_app
    from lib_imgedit.engine.service import EditService

    walk = _walk()
    calls = re.findall(r"curl -s (?:-o \S+ )?(?:-X (\w+) )?\$API(/\S*)", walk)
    routes = [r for r in create_app(EditService(settings), with_ui=False).routes if isinstance(r, APIRoute)
              and "{path:path}" not in r.path]
    assert len(calls) >= 7
    for method, path in calls:
        if (method, path) == ("DELETE", "/config"):
            continue  # the walk's deliberate 405
        concrete = "/sdapi/v1/imgedit" + re.sub(r"\$\w+", "0123456789abcdef", path)
        assert any(r.path_regex.match(concrete) and (method or "GET") in r.methods for r in routes), path
    for step in ("/sessions/$SID/image", "/sessions/$SID/message", "/sessions/$SID/undo", "/nodes/$NODE/image"):
        assert step in walk


def test_the_curl_walk_through_runs_against_a_real_serve_prints_no_base64_and_writes_into_run(tmp_path):
    """The walk as a reader runs it, from a checkout with its venv, against `serve` (models offline:
    nothing leaves this machine): every command succeeds, the answers shown are short, the files land in run/."""
    import json
    import subprocess

    from servers import Server

    repo = tmp_path / "checkout"
    (repo / "run").mkdir(parents=True)  # as the README's serve line makes it
    (repo / ".venv" / "bin").mkdir(parents=True)
    venv_python = repo / ".venv" / "bin" / "python"
    venv_python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    venv_python.chmod(0o755)
    with Server(tmp_path / "data", env={"IMGEDIT_MODELS_OFFLINE": "1"}) as server:
        script = _walk().replace("http://127.0.0.1:7861", server.url)
        ran = subprocess.run(["bash", "-e", "-c", script], cwd=repo, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0 and not ran.stderr, ran.stderr
    lines = ran.stdout.splitlines()
    assert len(lines) == 5 and all(len(line) < 2000 for line in lines), [x[:300] for x in lines]  # no base64
    assert "iVBOR" not in ran.stdout
    upload, blur, _, history, refused = (json.loads(line) for line in lines)
    assert upload["reply"].startswith("I can see") and blur["instruction"]["adjust"] == {"blur": 0.5}
    assert history["current"] == blur["node_id"] and refused["status"] == 405
    assert sorted(p.name for p in (repo / "run").iterdir()) == ["edited.png", "photo.png", "upload.json"]
    assert (repo / "run" / "edited.png").read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in repo.iterdir()) == [".venv", "run"]  # nothing in the checkout's root
    ignored = (ROOT / ".gitignore").read_text("utf-8").split()
    assert "/run/" in ignored and "mkdir -p run && " in blocks("bash")[1] and "> run/serve.log" in blocks("bash")[1]


def test_try_it_names_the_first_uploads_download():
    from lib_imgedit.core.config import Settings
    from lib_imgedit.models.catalog import catalog
    from lib_imgedit.models.offers import LARGE_MB
    from lib_imgedit.segment import segmenter_order

    models = catalog()
    def first_download(settings: Settings) -> list:
        return [models[n] for n in segmenter_order(settings) if n in models and models[n].size_mb <= LARGE_MB]

    try_it = README[README.index("## Try it"):README.index("### Command line")]
    # out of the box (commercial use only) nothing is downloaded; with the setting off, the scene models
    assert first_download(Settings()) == [] and "the first upload downloads nothing" in try_it
    chain = first_download(Settings(commercial_models_only=False))
    assert chain and f"about {sum(m.size_mb for m in chain):.0f} MB of them" in try_it
    assert all(f"{m.size_mb:g} MB" in try_it for m in chain)
    assert "Without them" in try_it


def test_every_table_row_belongs_to_a_table():
    """A row after a paragraph is not part of the table above it (the Limits table once had one)."""
    lines = [line.strip() for line in README.splitlines()]
    for i, line in enumerate(lines):
        if line.startswith("|"):
            header = i + 1 < len(lines) and re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[i + 1])
            assert header or lines[i - 1].startswith("|"), f"README.md line {i + 1}: a table row outside a table: {line}"
