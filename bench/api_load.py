"""API throughput and latency at 1, 10 and 50 concurrent clients, and memory per idle session.

A real `python -m lib_imgedit serve --api-only` on 127.0.0.1 (SQLite store, data in a temporary
folder); each client has its own session with its own 256x256 picture. Workloads:
  - plan: `POST plan`, a dry run (planner only, nothing stored)
  - planning-only turn: a message the planner answers with a question (plan + store, no execution)
  - local turn: "make it brighter" (plan + local executor + PNG + store)
Latencies are printed as ratios to a baseline measured in the same run: the p50 of `GET /healthz`
from one client. Every cell is bounded in requests and in time. Memory per idle session is the
server's resident memory growth per session created (after a first batch has warmed it up).

    .venv/bin/python bench/api_load.py [--requests 200] [--cell-seconds 60]
"""

from __future__ import annotations

import argparse
import base64
import io
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import requests
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from servers import Server  # noqa: E402

CLIENTS = (1, 10, 50)
WORKLOADS = {
    "healthz (baseline)": ("get", "/healthz", None),
    "plan (dry run)": ("post", "/sdapi/v1/imgedit/plan", {"text": "blur the background", "labels": ["person", "background"]}),
    "planning-only turn": ("post", "/sdapi/v1/imgedit/sessions/{sid}/message", {"text": "make the horse white"}),
    "local turn": ("post", "/sdapi/v1/imgedit/sessions/{sid}/message", {"text": "make it brighter"}),
}


def picture_b64(size: int, seed: int) -> str:
    from skimage import data

    img = np.asarray(Image.fromarray(data.astronaut()).resize((size, size)))
    img = (img.astype(int) + seed) % 256  # every client its own picture
    buf = io.BytesIO()
    Image.fromarray(img.astype(np.uint8)).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class Client:
    def __init__(self, server: Server, n: int, size: int):
        self.http = requests.Session()
        self.http.headers["X-Imgedit-Client"] = f"bench-{n}"
        self.server = server
        self.sid = self.http.post(server.api("/sessions")).json()["session_id"]
        self.http.post(server.api(f"/sessions/{self.sid}/image"), json={"image": picture_b64(size, n)}).raise_for_status()

    def run(self, workload: str, count: int, deadline: float) -> tuple[list[float], int]:
        method, path, body = WORKLOADS[workload]
        url = self.server.url + path.format(sid=self.sid)
        times, errors = [], 0
        for _ in range(count):
            if time.time() > deadline:
                break
            start = time.perf_counter()
            r = self.http.request(method.upper(), url, json=body, timeout=120)
            times.append(time.perf_counter() - start)
            errors += r.status_code != 200
        return times, errors


def cell(clients: list[Client], workload: str, total: int, seconds: float) -> dict:
    per_client = max(2, total // len(clients))
    deadline = time.time() + seconds
    clients[0].run(workload, 2, deadline)  # warm-up
    start = time.perf_counter()
    with ThreadPoolExecutor(len(clients)) as pool:
        results = list(pool.map(lambda c: c.run(workload, per_client, deadline), clients))
    wall = time.perf_counter() - start
    times = sorted(t for r in results for t in r[0])
    return {"n": len(times), "rate": len(times) / wall, "p50": statistics.median(times),
            "p95": times[min(len(times) - 1, int(0.95 * len(times)))], "errors": sum(r[1] for r in results)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200, help="requests per cell (split among its clients)")
    parser.add_argument("--cell-seconds", type=float, default=60, help="time limit per cell")
    parser.add_argument("--size", type=int, default=256, help="picture side in pixels")
    parser.add_argument("--idle-sessions", type=int, default=300)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="imgedit-bench-"))
    with Server(data, "--api-only", "--turns-per-minute", "1000000", "--sessions-per-client", "1000000",
                "--client-turns-per-minute", "1000000", "--sessions-per-minute", "1000000") as server:
        clients = [Client(server, n, args.size) for n in range(max(CLIENTS))]
        rows = []
        for workload in WORKLOADS:
            for n in CLIENTS:
                rows.append((workload, n, cell(clients[:n], workload, args.requests, args.cell_seconds)))
        baseline = next(r for w, n, r in rows if n == 1 and w.startswith("healthz"))["p50"]

        # memory per idle session: a first batch warms caches up, the second is measured
        idle = Client(server, 10_000, 64)
        start_rss = rss_kb(server.proc.pid)
        size_before = sum(p.stat().st_size for p in data.rglob("*") if p.is_file())
        measured = []
        for _ in range(2):
            before = rss_kb(server.proc.pid)
            for i in range(args.idle_sessions):
                sid = idle.http.post(server.api("/sessions")).json()["session_id"]
                idle.http.post(server.api(f"/sessions/{sid}/image"), json={"image": picture_b64(64, i)}).raise_for_status()
            time.sleep(1)
            measured.append((rss_kb(server.proc.pid) - before) / args.idle_sessions)
        disk = (sum(p.stat().st_size for p in data.rglob("*") if p.is_file()) - size_before) / (2 * args.idle_sessions)

    print(f"baseline: GET /healthz p50 from 1 client = {baseline * 1000:.2f} ms; picture {args.size}x{args.size}; "
          f"at most {args.requests} requests or {args.cell_seconds:.0f} s per cell\n")
    print("| workload | clients | requests | per second | p50 ms | p95 ms | p50 x baseline | p95 x baseline | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for workload, n, r in rows:
        print(f"| {workload} | {n} | {r['n']} | {r['rate']:.1f} | {r['p50'] * 1000:.1f} | {r['p95'] * 1000:.1f} | "
              f"{r['p50'] / baseline:.1f} | {r['p95'] / baseline:.1f} | {r['errors']} |")
    print(f"\nmemory per idle session (server RSS, {args.idle_sessions} sessions with a 64x64 picture): "
          f"{measured[1]:.1f} KB after a warm-up batch ({measured[0]:.1f} KB in the first batch); "
          f"server RSS {start_rss / 1024:.0f} MB, so 1,000 idle sessions = {measured[1] * 1000 / start_rss:.1%} of it. "
          f"Disk per idle session: {disk / 1024:.1f} KB.")


if __name__ == "__main__":
    main()
