"""Does a turn cost the same at turn 500 as at turn 5, and do 50 anonymous clients share one server?

A real `python -m lib_imgedit serve --api-only` on 127.0.0.1 per store (SQLite, and Redis on a private
`redis-server` when installed), pictures of 64x64, local edits ("a bit brighter" / "a bit darker"):
  - turn latency: one session is taken to turn 490 through the API; then turns 1-10 of a fresh session
    and turns 491-500 of the long one are timed interleaved, so both see the same machine load; the
    ratio of their medians is the growth (goal <= 1.1).
  - `GET sessions/{id}` (default pages) after 5 turns and after 495, interleaved, 10 requests each.
  - 50 anonymous clients at once from one address, default limits: each creates a session, uploads its
    picture and asks for one edit; errors (429 included) and p95 per step, as a ratio to the p50 of
    `GET /healthz` from one client in the same run.

    .venv/bin/python bench/turn_cost.py [--turns 500] [--clients 50]
"""

from __future__ import annotations

import argparse
import base64
import io
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import requests
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from servers import REDIS_SERVER, RedisServer, Server  # noqa: E402

UNLIMITED = ("--turns-per-minute", "1000000", "--client-turns-per-minute", "1000000")
TEXTS = ("a bit brighter", "a bit darker")


def picture_b64(seed: int, size: int = 64) -> str:
    img = np.random.default_rng(seed).integers(0, 255, (size, size, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def timed(call) -> tuple[float, requests.Response]:
    start = time.perf_counter()
    r = call()
    return time.perf_counter() - start, r


def new_session(http: requests.Session, server: Server, seed: int) -> str:
    sid = http.post(server.api("/sessions"), timeout=60).json()["session_id"]
    http.post(server.api(f"/sessions/{sid}/image"), json={"image": picture_b64(seed)}, timeout=60).raise_for_status()
    return sid


def turn(http: requests.Session, server: Server, sid: str, i: int) -> float:
    seconds, r = timed(lambda: http.post(server.api(f"/sessions/{sid}/message"), json={"text": TEXTS[i % 2]}, timeout=60))
    r.raise_for_status()
    return seconds


def view(http: requests.Session, server: Server, sid: str) -> tuple[float, int]:
    """Seconds of one `GET sessions/{id}` (default pages) and the size of its answer."""
    seconds, r = timed(lambda: http.get(server.api(f"/sessions/{sid}"), timeout=60))
    r.raise_for_status()
    return seconds, len(r.content)


def turn_growth(server: Server, turns: int, sessions: int) -> dict:
    """`sessions` pairs of a long and a fresh session, timed interleaved, for more samples."""
    http = requests.Session()
    first, last, view_short, view_long, sizes = [], [], [], [], {}
    for n in range(sessions):
        long = new_session(http, server, 2 * n + 1)
        for i in range(turns - 10):  # the upload is not counted: turns are edits
            turn(http, server, long, i)
            if i + 1 == turns // 2:
                sizes["mid"] = view(http, server, long)[1]
        short = new_session(http, server, 2 * n + 2)
        for i in range(10):
            first.append(turn(http, server, short, i))
            last.append(turn(http, server, long, i))
            if i == 4:  # the fresh session after 5 turns, the long one after turns - 5
                for _ in range(10):
                    (seconds, sizes["short"]), (seconds_long, sizes["long"]) = view(http, server, short), view(http, server, long)
                    view_short.append(seconds)
                    view_long.append(seconds_long)
    return {"turns": (first, last), "views": (view_short, view_long), "sizes": sizes}


def ratio(pair: tuple[list[float], list[float]]) -> str:
    """'median a / median b = ratio (min ratio)' in ms."""
    a, b = pair
    med_a, med_b = statistics.median(a) * 1000, statistics.median(b) * 1000
    return f"{med_a:.1f} | {med_b:.1f} | {med_b / med_a:.2f} ({min(b) / min(a):.2f})"


def crowd(server: Server, clients: int) -> dict:
    """`clients` anonymous clients at once, no token, one address: session, picture, one edit each."""
    steps = ("create session", "upload 64x64", "local edit")
    times: dict[str, list[float]] = {s: [] for s in steps}
    errors: dict[str, int] = dict.fromkeys(steps, 0)
    guard, start = threading.Lock(), threading.Barrier(clients)

    def one(i: int) -> None:
        http, sid = requests.Session(), ""

        def create() -> requests.Response:
            return http.post(server.api("/sessions"), timeout=120)

        def upload() -> requests.Response:
            return http.post(server.api(f"/sessions/{sid}/image"), json={"image": picture_b64(100 + i)}, timeout=120)

        def edit() -> requests.Response:
            return http.post(server.api(f"/sessions/{sid}/message"), json={"text": TEXTS[0]}, timeout=120)

        start.wait()
        for step, call in zip(steps, (create, upload, edit), strict=True):
            seconds, r = timed(call)
            with guard:
                times[step].append(seconds)
                errors[step] += r.status_code != 200
            if r.status_code != 200:
                return
            sid = sid or r.json()["session_id"]

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(clients)))
    out = {}
    for step in steps:
        ts = sorted(times[step])
        out[step] = {"n": len(ts), "p95": ts[min(len(ts) - 1, int(0.95 * len(ts)))] * 1000, "errors": errors[step]}
    return out


def healthz_p50(server: Server, n: int = 50) -> float:
    http = requests.Session()
    return statistics.median(timed(lambda: http.get(f"{server.url}/healthz", timeout=10))[0] for _ in range(n)) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=500)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=3, help="long sessions timed (10 turns each)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="imgedit-bench-"))
    stores: list[tuple[str, tuple[str, ...]]] = [("SQLite", ())]
    (work / "redis").mkdir()
    redis = RedisServer(work / "redis") if REDIS_SERVER else None
    if redis:
        stores.append(("Redis", ("--store", "redis", "--redis-url", redis.url)))
    growth, crowds = {}, {}
    try:
        for name, flags in stores:
            with Server(work / f"{name}-long", "--api-only", *UNLIMITED, *flags) as server:
                growth[name] = (turn_growth(server, args.turns, args.sessions), healthz_p50(server))
            if redis:  # the rate windows of the run above are in Redis: start the crowd from none
                import redis as client

                client.Redis.from_url(redis.url).flushall()
            with Server(work / f"{name}-crowd", "--api-only", *flags) as server:  # default limits
                warm = requests.Session()  # the segmenter loads on the first upload: not what is measured
                turn(warm, server, new_session(warm, server, 0), 0)
                baseline = healthz_p50(server)
                crowds[name] = (crowd(server, args.clients), baseline)
    finally:
        if redis:
            redis.stop()

    print(f"{args.sessions} sessions of {args.turns} local edits (64x64) each, beside a fresh session, timed "
          "interleaved; median ms, ratio of medians (ratio of minimums):\n")
    print(f"| store | turn 1-10 | turn {args.turns - 9}-{args.turns} | ratio | GET session after 5 | after "
          f"{args.turns - 5} | ratio | answer KB after 5 / {args.turns // 2} / {args.turns - 5} |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, (g, _) in growth.items():
        kb = " / ".join(f"{g['sizes'][k] / 1024:.1f}" for k in ("short", "mid", "long"))
        print(f"| {name} | {ratio(g['turns'])} | {ratio(g['views'])} | {kb} |")
    print(f"\n{args.clients} anonymous clients at once from 127.0.0.1, default limits "
          "(p95 as a ratio to the same run's GET /healthz p50):\n")
    print("| store | step | requests | errors | p95 ms | p95 x baseline |")
    print("|---|---|---:|---:|---:|---:|")
    for name, (steps, baseline) in crowds.items():
        for step, r in steps.items():
            print(f"| {name} | {step} | {r['n']} | {r['errors']} | {r['p95']:.0f} | {r['p95'] / baseline:.0f} |")
        print(f"| {name} | GET /healthz p50 (baseline) | | | {baseline:.1f} | 1 |")


if __name__ == "__main__":
    main()
