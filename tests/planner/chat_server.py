"""A scripted OpenAI-compatible chat-completions server on 127.0.0.1, for tests over real HTTP.

Each request to `/v1/chat/completions` takes the next scripted answer (a reply, an error status, a
delay, a stream); every request's JSON body and headers are recorded for the test to check.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response


@dataclass
class Scripted:
    content: str | None = None
    tool_args: str | None = None
    finish: str = "stop"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    body: str | None = None  # a raw body instead of a completion


@dataclass
class Seen:
    body: dict[str, Any]
    headers: dict[str, str]
    at: float


class ChatServer:
    def __init__(self) -> None:
        self.server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
        self.script: list[Scripted] = []
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self.server.expect_request("/v1/chat/completions", method="POST").respond_with_handler(self._handle)

    @property
    def url(self) -> str:
        return self.server.url_for("/v1")

    def add(self, content: str | None = None, **kw: Any) -> ChatServer:
        self.script.append(Scripted(content, **kw))
        return self

    def _handle(self, request: Request) -> Response:
        with self._lock:
            self.requests.append(Seen(json.loads(request.get_data(as_text=True)), dict(request.headers), time.monotonic()))
            step = self.script.pop(0) if self.script else Scripted(status=599, body='{"error": "no scripted reply left"}')
        if step.delay:
            time.sleep(step.delay)
        if step.status != 200 or step.body is not None:
            body = step.body if step.body is not None else json.dumps({"error": {"message": f"scripted {step.status}"}})
            kind = step.headers.get("Content-Type", "application/json")
            return Response(body, status=step.status, headers=step.headers, content_type=kind)
        stream = bool(self.requests[-1].body.get("stream"))
        return _stream(step) if stream else Response(json.dumps(_completion(step)), content_type="application/json")


def _tool_calls(step: Scripted) -> list[dict[str, Any]] | None:
    if step.tool_args is None:
        return None
    return [{"id": "call_1", "type": "function", "function": {"name": "edit_image", "arguments": step.tool_args}}]


def _completion(step: Scripted) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": step.content}
    if step.tool_args is not None:
        message["tool_calls"] = _tool_calls(step)
    return {"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "scripted",
            "choices": [{"index": 0, "message": message, "finish_reason": step.finish}]}


def _stream(step: Scripted) -> Response:
    """Server-sent events, the content split into small deltas (tool arguments too)."""
    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        data = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": "scripted",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return f"data: {json.dumps(data)}\n\n"

    events = [chunk({"role": "assistant", "content": ""})]
    text = step.content or ""
    events += [chunk({"content": text[i:i + 7]}) for i in range(0, len(text), 7)]
    if step.tool_args is not None:
        args = step.tool_args
        events.append(chunk({"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                             "function": {"name": "edit_image", "arguments": ""}}]}))
        events += [chunk({"tool_calls": [{"index": 0, "function": {"arguments": args[i:i + 5]}}]})
                   for i in range(0, len(args), 5)]
    events.append(chunk({}, step.finish))
    events.append("data: [DONE]\n\n")
    return Response(events, content_type="text/event-stream")
