"""The ComfyUI backend's cost, on the stand-in ComfyUI (tests/executors/comfy_stand_in.py, real HTTP and
websocket on 127.0.0.1), as ratios to baselines measured in the same run:

  - overhead per turn: one edit through `ComfyUIExecutor.run` (workflow, /object_info check, uploads,
    slots, websocket, /history, /view, compositing) against a direct client of the same workflow
    (upload the two pictures, POST /prompt, wait on the websocket, GET /history and /view);
  - pool throughput: edits per second from 8 concurrent turns through the pool executor with 2 and 4
    slowed stand-in backends, against 1.

    .venv/bin/python bench/comfy.py [--turns 20] [--step-delay 0.01]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "executors"))

from comfy_stand_in import StandInComfy  # noqa: E402
from sd_helpers import box_mask, gradient, sd_request  # noqa: E402

from lib_imgedit.core import images  # noqa: E402
from lib_imgedit.core.config import Settings, load_rules  # noqa: E402
from lib_imgedit.executors import pool  # noqa: E402
from lib_imgedit.executors.comfy_client import ComfyClient, first_image  # noqa: E402
from lib_imgedit.executors.comfy_workflows import find_workflow  # noqa: E402
from lib_imgedit.executors.comfyui import ComfyUIExecutor, slot_values  # noqa: E402
from lib_imgedit.executors.pool import PoolExecutor  # noqa: E402

INPAINT = {"operation": "inpaint", "targets": ["thing"], "prompt": "a red apple"}
W, H = 512, 384


def direct_turn(url: str, graph_for, image_png: bytes, mask_png: bytes) -> None:
    """The baseline: what any ComfyUI client does for one workflow run, with the same libraries."""
    cid = uuid.uuid4().hex
    with ComfyClient(url) as c:
        img = c.upload(f"d_{cid}.png", image_png)
        msk = c.upload(f"d_{cid}_m.png", mask_png)
        with c.connect(cid) as ws:
            pid = c.submit(graph_for(img, msk), cid)
            entry = c.wait(ws, pid, None, None)
        c.view(first_image(entry))


def overhead(turns: int, step_delay: float) -> tuple[float, float]:
    wf = find_workflow("sd_inpaint", "")
    server = StandInComfy({f for *_, f in wf.model_places(wf.graph)}, step_delay=step_delay).start()
    rules = load_rules()
    settings = Settings().update({"comfyui_url": server.url})
    image = gradient(W, H)
    mask = box_mask(W, H, (100, 80, 300, 260))
    req = sd_request(settings, rules, INPAINT, image=image, mask=mask)
    values, _ = slot_values(wf, req, {})
    from lib_imgedit.executors.sd_request import hard_mask

    image_png = images.encode_png(image)
    mask_png = images.encode_png(hard_mask(mask)[..., None].repeat(3, axis=2))

    def graph_for(img: str, msk: str):
        return wf.filled({**values, "image": img, "mask": msk})

    ex = ComfyUIExecutor(settings, rules)
    ours, direct = [], []
    ex.run(req)
    direct_turn(server.url, graph_for, image_png, mask_png)  # warm both paths
    for _ in range(turns):  # interleaved, so both see the same machine load
        t = time.perf_counter()
        direct_turn(server.url, graph_for, image_png, mask_png)
        direct.append(time.perf_counter() - t)
        t = time.perf_counter()
        ex.run(sd_request(settings, rules, INPAINT, image=image, mask=mask))
        ours.append(time.perf_counter() - t)
    server.stop()
    return statistics.median(direct), statistics.median(ours)


def stand_in_process(step_delay: float) -> tuple[subprocess.Popen, str]:
    """A stand-in ComfyUI in its own process, as a GPU box is its own machine."""
    wf = find_workflow("sd_inpaint", "")
    models = ",".join(f for *_, f in wf.model_places(wf.graph))
    proc = subprocess.Popen([sys.executable, "-W", "ignore", str(ROOT / "tests" / "executors" / "comfy_stand_in.py"),
                             "--step-delay", str(step_delay), "--models", models], stdout=subprocess.PIPE, text=True)
    return proc, proc.stdout.readline().strip()


def throughput(backends: int, turns: int, step_delay: float) -> float:
    procs = [stand_in_process(step_delay) for _ in range(backends)]
    pool.STATE.dead_until.clear()
    rules = load_rules()
    settings = Settings().update({"backend_pool": ", ".join(url for _, url in procs), "steps": 20})
    ex = PoolExecutor(settings, rules)
    image = gradient(128, 96)  # small: the backends' (slowed) generation dominates, not our PNG work
    mask = box_mask(128, 96, (30, 20, 90, 70))
    t = time.perf_counter()
    with ThreadPoolExecutor(8) as workers:
        ran = list(workers.map(lambda _: ex.run(sd_request(settings, rules, INPAINT, image=image, mask=mask)).info["backend"],
                               range(turns)))
    elapsed = time.perf_counter() - t
    for proc, _ in procs:
        proc.terminate()
        proc.wait()
    print(f"  {backends} backend(s): turns per backend {sorted(ran.count(url) for _, url in procs)}")
    return turns / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--turns", type=int, default=20)
    ap.add_argument("--step-delay", type=float, default=0.01, help="the stand-in's seconds per sampling step (20 steps)")
    ap.add_argument("--json", help="write the numbers here")
    args = ap.parse_args()
    direct, ours = overhead(args.turns, args.step_delay)
    print(f"turn, {W}x{H}, 20 steps x {args.step_delay:g} s: direct /prompt {direct * 1000:.0f} ms, "
          f"comfyui executor {ours * 1000:.0f} ms, ratio {ours / direct:.2f}")
    rates = {n: throughput(n, args.turns, args.step_delay * 5) for n in (1, 2, 4)}
    for n, rate in rates.items():
        print(f"pool of {n}: {rate:.2f} edits/s, ratio to 1 backend {rate / rates[1]:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"direct_s": direct, "ours_s": ours, "pool_edits_per_s": rates}, indent=1))


if __name__ == "__main__":
    main()
