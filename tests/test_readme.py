"""README and CI must agree on the test command, and the documented flags must exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, re.S)]


def test_ci_runs_the_readme_test_command():
    install, test = readme_commands()[:2]
    ci = (ROOT / ".ci/run").read_text("utf-8").splitlines()
    assert test in ci, f"{test!r} from README.md must be a line of .ci/run"
    assert "pip install" in install and "requirements-dev.txt" in install and "serve" in install


def _help(args: list[str]) -> str:
    import contextlib
    import io

    from lib_imgedit.__main__ import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        main(args)
    return out.getvalue()


def test_documented_flags_exist():
    assert "--data-dir" in _help(["--help"])
    serve = _help(["serve", "--help"])
    for flag in ("--port", "--host", "--api-auth", "--lang", "--executors", "--max-image-pixels", "--llm-model"):
        assert flag in serve
