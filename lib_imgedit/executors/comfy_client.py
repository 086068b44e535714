"""A ComfyUI server as its own `server.py` defines it: HTTP with httpx, progress with websockets.

Routes used: POST /prompt {"prompt", "client_id"} -> {"prompt_id", "number", "node_errors"} (400 with
"error" and "node_errors" when validation fails); GET /ws?clientId= (JSON messages {"type", "data"}:
status, execution_start, executing {node, prompt_id} (node None: the prompt is done), progress
{value, max, prompt_id, node}, executed, execution_success, execution_error, execution_interrupted;
binary frames are previews); GET /history/{id} -> {id: {"outputs": {node: {"images": [{filename,
subfolder, type}]}}, "status": {status_str, completed, messages}}}; GET /view?filename&subfolder&type;
POST /upload/image (multipart: image, type, overwrite) -> {name, subfolder, type}; POST /interrupt
{"prompt_id"}; POST /queue {"delete": [id]}; GET /queue -> {queue_running, queue_pending};
GET /object_info.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Callable

from ..core.errors import Interrupted, UpstreamError, UpstreamTimeout

# /object_info is large on a real server (every node): kept per URL for a minute.
_INFO_TTL = 60.0
_info_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_info_lock = threading.Lock()


def auth_headers(spec: str) -> dict[str, str]:
    """'Name: value' -> {"Name": "value"}; a bare token is sent as a Bearer Authorization header."""
    spec = spec.strip()
    if not spec:
        return {}
    name, sep, value = spec.partition(":")
    if sep and " " not in name.strip():
        return {name.strip(): value.strip()}
    return {"Authorization": f"Bearer {spec}"}


class ComfyClient:
    def __init__(self, url: str, auth: str = "", timeout: float = 600.0):
        import httpx

        self.url = url.rstrip("/")
        self.headers = auth_headers(auth)
        self.timeout = timeout
        self.info_cached = False  # whether the last object_info() came from the cache
        self.http = httpx.Client(base_url=self.url, headers=self.headers, timeout=httpx.Timeout(30.0, read=60.0))

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> ComfyClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ HTTP with clear errors
    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        import httpx

        try:
            reply = self.http.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise UpstreamTimeout(f"ComfyUI at {self.url} did not answer {path} in time") from None
        except httpx.HTTPError as exc:
            raise UpstreamError(f"cannot reach ComfyUI at {self.url}: {exc}") from None
        if reply.status_code in (401, 403):
            raise UpstreamError(f"ComfyUI at {self.url} refused the credentials ({reply.status_code}): "
                                "check the setting comfyui_auth_header")
        if reply.status_code >= 400:
            raise UpstreamError(f"ComfyUI answered {reply.status_code} to {path}: {_detail(reply)}",
                                [_json(reply)] if _json(reply) else None)
        return reply

    def object_info(self, fresh: bool = False) -> dict[str, Any]:
        """The server's node definitions (kept a minute; `fresh`: asked again, e.g. when a model seems missing)."""
        with _info_lock:
            hit = _info_cache.get(self.url)
            self.info_cached = bool(hit and not fresh and time.monotonic() - hit[0] < _INFO_TTL)
            if self.info_cached:
                return hit[1]
        info = self.call("GET", "/object_info").json()
        with _info_lock:
            _info_cache[self.url] = (time.monotonic(), info)
        return info

    def upload(self, name: str, png: bytes) -> str:
        """Put a picture in the server's input folder; the name LoadImage takes ("subfolder/name")."""
        got = self.call("POST", "/upload/image", files={"image": (name, png, "image/png")},
                        data={"type": "input", "overwrite": "true"}).json()
        return f"{got['subfolder']}/{got['name']}" if got.get("subfolder") else str(got["name"])

    def queue_size(self) -> int:
        q = self.call("GET", "/queue").json()
        return len(q.get("queue_running") or []) + len(q.get("queue_pending") or [])

    def submit(self, graph: dict[str, Any], client_id: str) -> str:
        import httpx

        try:
            reply = self.http.post("/prompt", json={"prompt": graph, "client_id": client_id})
        except httpx.HTTPError as exc:
            raise UpstreamError(f"cannot reach ComfyUI at {self.url}: {exc}") from None
        data = _json(reply) or {}
        if reply.status_code == 400 or data.get("node_errors"):
            raise UpstreamError(f"ComfyUI refused the workflow: {validation_text(data)}", [data])
        if reply.status_code >= 400:
            raise UpstreamError(f"ComfyUI answered {reply.status_code} to /prompt: {_detail(reply)}")
        return str(data["prompt_id"])

    def cancel(self, prompt_id: str) -> None:
        """Stop our prompt: out of the queue if it still waits, interrupted if it runs."""
        self.call("POST", "/queue", json={"delete": [prompt_id]})
        self.call("POST", "/interrupt", json={"prompt_id": prompt_id})

    def history(self, prompt_id: str) -> dict[str, Any] | None:
        return self.call("GET", f"/history/{prompt_id}").json().get(prompt_id)

    def view(self, image: dict[str, Any]) -> bytes:
        return self.call("GET", "/view", params={"filename": image["filename"], "subfolder": image.get("subfolder", ""),
                                                 "type": image.get("type", "output")}).content

    # ------------------------------------------------------------ waiting on the websocket
    def connect(self, client_id: str) -> Any:
        """The websocket on which ComfyUI reports this client's prompts (open it before submitting)."""
        from websockets.sync.client import connect

        ws_url = "ws" + self.url[4:] + f"/ws?clientId={client_id}"
        try:
            return connect(ws_url, additional_headers=self.headers or None, open_timeout=10, max_size=2**26)
        except Exception as exc:  # noqa: BLE001 - any failure to open is "cannot reach"
            raise UpstreamError(f"cannot open ComfyUI's websocket at {ws_url}: {exc}") from None

    def wait(self, ws: Any, prompt_id: str, progress: Callable[[int, int], None] | None,
             cancel: threading.Event | None) -> dict[str, Any]:
        """Follow our prompt's messages until it ends; its history entry. Progress goes to `progress`;
        once `cancel` is set the prompt is stopped and Interrupted raised."""
        deadline = time.monotonic() + self.timeout
        cancelled = False
        while True:
            if cancel is not None and cancel.is_set() and not cancelled:
                cancelled = True
                self.cancel(prompt_id)
            if time.monotonic() > deadline:
                self.cancel(prompt_id)
                raise UpstreamTimeout(f"ComfyUI at {self.url} did not finish within {self.timeout:g} s")
            try:
                raw = ws.recv(timeout=0.25)
            except TimeoutError:
                continue
            except Exception as exc:  # noqa: BLE001 - the socket closed under us: the history says how it ended
                return self._ended(prompt_id, cancelled, f"the websocket closed ({exc})")
            if not isinstance(raw, str):
                continue  # a preview image
            msg = json.loads(raw)
            data = msg.get("data") or {}
            if data.get("prompt_id") not in (None, prompt_id):
                continue
            kind = msg.get("type")
            if kind == "progress" and progress is not None:
                progress(int(data.get("value") or 0), int(data.get("max") or 0))
            elif kind == "execution_interrupted":
                raise Interrupted("the edit was interrupted")
            elif kind == "execution_error":
                raise UpstreamError(f"ComfyUI failed in node {data.get('node_id')} ({data.get('node_type')}): "
                                    f"{data.get('exception_type')}: {str(data.get('exception_message'))[:300]}")
            elif kind == "executing" and data.get("node") is None and data.get("prompt_id") == prompt_id:
                # (not execution_success: main.py writes the history after it, before this message)
                return self._ended(prompt_id, cancelled, "")

    def _ended(self, prompt_id: str, cancelled: bool, why: str) -> dict[str, Any]:
        entry = self.history(prompt_id)
        if cancelled:
            raise Interrupted("the edit was interrupted")
        if entry is None:
            raise UpstreamError(f"ComfyUI has no result for the edit{': ' + why if why else ''}")
        status = entry.get("status") or {}
        if status.get("status_str") == "error":
            raise UpstreamError(f"ComfyUI failed: {_status_error(status)}")
        return entry


def first_image(entry: dict[str, Any]) -> dict[str, Any]:
    for output in (entry.get("outputs") or {}).values():
        for image in output.get("images") or []:
            if image.get("type", "output") == "output":
                return image
    raise UpstreamError("ComfyUI finished without an output image (the workflow needs a SaveImage node)")


def validation_text(data: dict[str, Any]) -> str:
    """ComfyUI's validation answer in one line: the error, then each node's first problem."""
    err = data.get("error") or {}
    parts = [str(err.get("message") or err) if err else ""]
    for node, info in (data.get("node_errors") or {}).items():
        first = (info.get("errors") or [{}])[0]
        parts.append(f"node {node} ({info.get('class_type')}): {first.get('message')}: {first.get('details')}")
    return "; ".join(p for p in parts if p)[:600]


def _status_error(status: dict[str, Any]) -> str:
    for kind, data in status.get("messages") or []:
        if kind == "execution_error":
            return f"{data.get('node_type')}: {data.get('exception_message')}"[:300]
    return "unknown error"


def _json(reply: Any) -> Any:
    try:
        return reply.json()
    except ValueError:
        return None


def _detail(reply: Any) -> str:
    data = _json(reply)
    if isinstance(data, dict):
        return validation_text(data) or json.dumps(data)[:300]
    return (reply.text or reply.reason_phrase)[:300]
