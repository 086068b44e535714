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


def test_the_curl_walk_through_uses_real_routes(settings):
    from fastapi.routing import APIRoute

    from lib_imgedit.app.standalone import create_app
    from lib_imgedit.engine.service import EditService

    walk = README[README.index("### A walk through with curl"):]
    walk = walk[walk.index("```sh"):walk.index("```\n", walk.index("```sh") + 5)]
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
