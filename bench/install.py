"""Install time and bytes downloaded: a clean venv, the README's install, from the package index.

    python3 bench/install.py                      # a throwaway venv, removed afterwards
    python3 bench/install.py --venv .venv --max-seconds 900 --max-mb 700   # CI: this is the install

pip runs without a download cache and without this machine's pip configuration files and local wheel
folders (they would hide the downloads; an index URL or proxy in the environment is kept); the bytes
are the sizes pip prints for each file it downloads (index pages not counted). Also counted: downloads against packages installed (more downloads than
packages means pip backtracked) and pip's "taking longer than usual" warnings. Exits 1 when the
install fails or is over a budget that was given.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The README's install, kept in one place (tests/test_readme.py checks README.md against it).
INSTALL_ARGS = ["-r", "requirements-dev.txt", "-c", "requirements.lock"]


# pip's "Downloading gradio-3.41.2-py3-none-any.whl (20.3 MB)"; metadata-only fetches do not count
DOWNLOAD = re.compile(r"^\s*Downloading \S+\.(?:whl|tar\.gz|zip) \(([\d.]+) (bytes|kB|MB|GB)\)", re.M)
UNITS = {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}


# where the index is and how to reach it stay (a mirror, a proxy); local wheel folders and the rest go
KEEP = {"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST", "PIP_CERT", "PIP_PROXY", "PIP_DEFAULT_TIMEOUT"}


def clean_pip_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") or k in KEEP}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_CACHE_DIR="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_PROGRESS_BAR="off")
    return env


def measure(venv: Path, python: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="imgedit-pip-") as tmp:
        report = Path(tmp) / "report.json"
        start = time.perf_counter()
        subprocess.run([python, "-m", "venv", "--clear", str(venv)], check=True)
        proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--report", str(report), *INSTALL_ARGS],
                              cwd=ROOT, env=clean_pip_env(), capture_output=True, text=True)
        seconds = time.perf_counter() - start
        log = proc.stdout + proc.stderr
        installed = len(json.loads(report.read_text())["install"]) if report.exists() else 0
        downloads = DOWNLOAD.findall(log)
        return {
            "ok": proc.returncode == 0,
            "seconds": round(seconds, 1),
            "downloaded_mb": round(sum(float(n) * UNITS[u] for n, u in downloads) / 1e6, 1),
            "downloads": len(downloads),
            "installed": installed,
            "slow_resolver_warnings": log.count("This is taking longer than usual"),
            "tail": "" if proc.returncode == 0 else log[-3000:],
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", default=None, help="install into this venv (kept); default: a temporary one")
    parser.add_argument("--python", default=sys.executable, help="the interpreter that creates the venv")
    parser.add_argument("--max-seconds", type=float, default=0, help="fail when the install takes longer (0: no budget)")
    parser.add_argument("--max-mb", type=float, default=0, help="fail when more is downloaded (0: no budget)")
    args = parser.parse_args(argv)

    tmp = None if args.venv else tempfile.mkdtemp(prefix="imgedit-venv-")
    try:
        result = measure(Path(args.venv or tmp).resolve(), args.python)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"install: {result['seconds']} s, {result['downloaded_mb']} MB downloaded, {result['downloads']} downloads "
          f"for {result['installed']} packages, {result['slow_resolver_warnings']} slow-resolver warnings"
          + ("" if result["ok"] else " (FAILED)"), flush=True)
    if not result["ok"]:
        print(result["tail"], file=sys.stderr)
        return 1
    over = [f"{what} {value} > {budget}" for what, value, budget in (
        ("seconds", result["seconds"], args.max_seconds), ("MB", result["downloaded_mb"], args.max_mb)) if budget and value > budget]
    if result["downloads"] > result["installed"]:
        over.append(f"{result['downloads']} downloads for {result['installed']} packages: pip backtracked")
    if over:
        print("over the install budget: " + "; ".join(over), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
