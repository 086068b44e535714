"""The `pool` executor: several GPU backends (ComfyUI and/or WebUI servers) behind one executor.

Each turn goes to the least busy backend that can serve it, by the backend's own word: ComfyUI's
GET /queue (prompts running + waiting), a WebUI's GET /sdapi/v1/progress (`state.job_count`), or the
turns this process has sent it and not yet got back when those are more (they may not be queued yet). A backend that does not answer is skipped for
`RETRY_AFTER` seconds and asked again after that; when it answers, it is back. The result carries a
note naming the backend that ran the edit.

Setting `backend_pool`: comma-separated URLs, each `comfy+http://...` or `webui+http://...` (a bare
URL is a ComfyUI server).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from ..core.errors import ImgEditError, UpstreamError
from .base import EditRequest, EditResult, Executor
from .comfyui import ComfyUIExecutor
from .webui_api import WebUIApiExecutor

log = logging.getLogger("imgedit")
RETRY_AFTER = 30.0
PROBE_TIMEOUT = 3.0


@dataclass
class Backend:
    kind: str  # "comfyui" or "webui"
    url: str

    @property
    def label(self) -> str:
        return f"{'ComfyUI' if self.kind == 'comfyui' else 'WebUI'} at {self.url}"


def parse_pool(spec: str) -> list[Backend]:
    out = []
    for item in (s.strip() for s in spec.split(",")):
        if not item:
            continue
        kind, sep, url = item.partition("+")
        if not sep or kind not in ("comfy", "comfyui", "webui"):
            kind, url = "comfy", item
        out.append(Backend("webui" if kind == "webui" else "comfyui", url.rstrip("/")))
    return out


class _State:
    """What this process knows about each backend: turns in flight, and until when a dead one is skipped."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight: dict[str, int] = {}
        self.dead_until: dict[str, float] = {}


STATE = _State()


class PoolExecutor(Executor):
    name = "pool"
    operations = tuple(sorted(set(ComfyUIExecutor.operations) | set(WebUIApiExecutor.operations)))
    generative = True
    needs_network = True
    families = tuple(dict.fromkeys(ComfyUIExecutor.families + ("sd15", "sdxl", "flux_dev", "flux_schnell")))
    description = "several ComfyUI/WebUI servers: each turn to the least busy one that answers"

    @property
    def backends(self) -> list[Backend]:
        return parse_pool(self.settings.backend_pool)

    def available(self) -> tuple[bool, str]:
        if not self.backends:
            return False, "no backend pool is set (setting backend_pool)"
        bad = [b.url for b in self.backends if not b.url.startswith(("http://", "https://"))]
        if bad:
            return False, f"pool URLs must start with http:// or https://, got {bad[0][:60]!r}"
        return True, ""

    def executor_for(self, backend: Backend) -> Executor:
        if backend.kind == "webui":
            return WebUIApiExecutor(self.settings.update({"webui_api_url": backend.url}), self.rules)
        return ComfyUIExecutor(self.settings.update({"comfyui_url": backend.url}), self.rules)

    def can_serve(self, request: EditRequest) -> tuple[bool, str]:
        reasons = []
        for b in self.backends:
            ok, why = self.executor_for(b).can_serve(request)
            if ok:
                return True, ""
            reasons.append(why)
        return False, "no backend in the pool can: " + "; ".join(dict.fromkeys(reasons))

    # ------------------------------------------------------------ choosing
    def busy(self, backend: Backend) -> int:
        """The backend's own count of work (raises when it does not answer)."""
        import httpx

        with httpx.Client(timeout=PROBE_TIMEOUT) as http:
            if backend.kind == "comfyui":
                from .comfy_client import auth_headers

                q = http.get(backend.url + "/queue", headers=auth_headers(self.settings.comfyui_auth_header))
                q.raise_for_status()
                data = q.json()
                return len(data.get("queue_running") or []) + len(data.get("queue_pending") or [])
            reply = http.get(backend.url + "/sdapi/v1/progress", params={"skip_current_image": "true"})
            reply.raise_for_status()
            return int(((reply.json() or {}).get("state") or {}).get("job_count") or 0)

    def candidates(self, request: EditRequest) -> tuple[list[tuple[int, int, Backend]], list[str]]:
        """(their own work count, place in the list, backend) of those that can serve and answer; and why
        the others were left out."""
        now = time.monotonic()
        scored, skipped = [], []
        for order, b in enumerate(self.backends):
            ok, why = self.executor_for(b).can_serve(request)
            if not ok:
                skipped.append(f"{b.label}: {why}")
                continue
            with STATE.lock:
                if STATE.dead_until.get(b.url, 0) > now:
                    skipped.append(f"{b.label} did not answer lately")
                    continue
            try:
                load = self.busy(b)
            except Exception as exc:  # noqa: BLE001 - any failure to answer marks it dead for a while
                self.mark_dead(b, exc)
                skipped.append(f"{b.label} does not answer")
                continue
            with STATE.lock:
                STATE.dead_until.pop(b.url, None)
            scored.append((load, order, b))
        return scored, skipped

    def mark_dead(self, backend: Backend, exc: BaseException) -> None:
        log.warning("pool: %s is skipped for %g s: %s", backend.label, RETRY_AFTER, exc)
        with STATE.lock:
            STATE.dead_until[backend.url] = time.monotonic() + RETRY_AFTER

    # ------------------------------------------------------------ the edit
    def run(self, request: EditRequest) -> EditResult:
        candidates, skipped = self.candidates(request)
        failures: list[str] = []
        while candidates:
            with STATE.lock:  # pick and count in one step, so turns starting together spread out
                best = min(candidates, key=lambda c: (max(c[0], STATE.in_flight.get(c[2].url, 0)), c[1]))
                candidates.remove(best)
                b = best[2]
                STATE.in_flight[b.url] = STATE.in_flight.get(b.url, 0) + 1
            try:
                result = self.executor_for(b).run(request)
            except ImgEditError as exc:
                if exc.status < 500:
                    raise
                if "cannot reach" in exc.message:
                    self.mark_dead(b, exc)
                failures.append(f"{b.label}: {exc.message}")
                continue
            finally:
                with STATE.lock:
                    STATE.in_flight[b.url] -= 1
            notes = list(result.info.get("notes") or []) + [f"ran on the {b.label}"]
            info: dict[str, Any] = {**result.info, "backend": b.url, "backend_kind": b.kind, "notes": notes}
            return EditResult(result.image, self.name, info, result.label_map)
        raise UpstreamError("no backend in the pool could run the edit: " + "; ".join(failures + skipped or ["none listed"]))
