"""The JSON API under /sdapi/v1/imgedit/, the same in the WebUI and the standalone app.

Handlers are plain `def` (FastAPI runs them in its thread pool, so a generation never blocks the
event loop) and only translate: every decision is in `EditService`. Bodies are pydantic models
written to work on pydantic 1 (A1111) and 2 (Forge). Every error leaves as one JSON shape,
`{"error", "message", "status", "details"?}`, via `ImgEditRoute`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import math
import re
from typing import Any, Callable, Dict, List, Optional

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

from ..core import images
from ..core.errors import BadRequest, ImgEditError, MethodNotAllowed, NotFound, RateLimited
from ..core.labels import LabelMap
from ..core.limits import client_key
from ..core.redact import redact_data
from ..engine.service import EditService
from ..segment.provided import labelmap_from_index

log = logging.getLogger("imgedit")
PREFIX = "/sdapi/v1/imgedit"


def error_response(exc: ImgEditError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Basic"} if exc.status == 401 else {}
    if isinstance(exc, RateLimited) and exc.retry_after > 0:
        headers["Retry-After"] = str(math.ceil(exc.retry_after))
    if isinstance(exc, MethodNotAllowed) and exc.allowed:
        headers["Allow"] = ", ".join(exc.allowed)
    # a backend's message may quote a server secret
    return JSONResponse(redact_data(exc.to_dict()), status_code=exc.status, headers=headers)


class ImgEditRoute(APIRoute):
    """Renders ImgEditError and request-validation errors in our JSON shape, and never leaks a
    traceback (an unexpected error is logged and answered with a 500 in the same shape)."""

    def get_route_handler(self) -> Callable:
        inner = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                if request.method in ("POST", "PUT", "PATCH") and not _declares_json(request.headers.get("content-type", "")):
                    await _read_as_json(request)
                return await inner(request)
            except ImgEditError as exc:
                return error_response(exc)
            except RequestValidationError as exc:
                return _invalid_body(exc)
            except Exception:
                log.exception("unexpected error in %s %s", request.method, request.url.path)
                return JSONResponse({"error": "InternalError", "message": "an unexpected error happened; it is in the server log",
                                     "status": 500}, status_code=500)

        return handler


SEND_JSON = "send a JSON object with Content-Type: application/json"


def _declares_json(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


async def _read_as_json(request: Request) -> None:
    """FastAPI parses a body as JSON only when its Content-Type says so, and would answer a form-encoded
    JSON body (`curl -d '{...}'`) with "value is not a valid dict". A body that is JSON is read as JSON
    (the header dropped, which FastAPI takes as JSON); anything else is answered with what to send."""
    body = await request.body()
    if not body.strip():
        return
    try:
        json.loads(body)
    except ValueError:
        sent = request.headers.get("content-type", "") or "no Content-Type"
        raise BadRequest(f"the request body is not JSON (it came as {sent[:60]}): {SEND_JSON}") from None
    request.scope["headers"] = [(k, v) for k, v in request.scope["headers"] if k != b"content-type"]
    request.__dict__.pop("_headers", None)  # Starlette caches the parsed headers


def _invalid_body(exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    broken = next((e for e in errors if e.get("type") in ("value_error.jsondecode", "json_invalid")), None)  # pydantic 1 / 2
    details = [] if broken else [{"path": ".".join(str(p) for p in e.get("loc", ()) if p != "body"), "message": e.get("msg", "")}
                                 for e in errors]
    if broken:
        message = f"the request body is not valid JSON ({broken.get('msg', '')}): {SEND_JSON}"
    else:
        summary = "; ".join(f"{d['path'] or '(body)'}: {d['message']}" for d in details)
        message = f"the request body is not valid: {summary}" + (f" ({SEND_JSON})" if any(not d["path"] for d in details) else "")
    body = {"error": "BadRequest", "message": message, "status": 422, **({"details": details} if details else {})}
    return JSONResponse(body, status_code=422)


# ---------------------------------------------------------------- bodies
class _Body(BaseModel):
    class Config:
        extra = "forbid"


class LabelMapBody(_Body):
    index: str  # base64 PNG whose pixel values index `names`
    names: Dict[str, str]


class ImageBody(_Body):
    image: str
    labels: Optional[LabelMapBody] = None
    lang: str = ""


class MessageBody(_Body):
    text: str
    mask: Optional[str] = None


class RunBody(_Body):
    instruction: Dict[str, Any]  # a bare instruction, or {"steps": [instruction, ...]} run as one turn
    text: str = ""
    mask: Optional[str] = None


class CountBody(_Body):
    count: int = 1


class JumpBody(_Body):
    node_id: str


class PlanBody(_Body):
    text: str
    labels: List[str] = []
    profile: str = ""


class FaceBody(_Body):
    image: str


class SessionPatch(_Body):
    profile: Optional[str] = None
    title: Optional[str] = None


def client_id(request: Request) -> str:
    """Who is asking: the authenticated user (set by the auth layer) plus an optional client token
    (`X-Imgedit-Client`), hashed so it never appears in storage or logs as given."""
    user = getattr(request.state, "imgedit_user", None) or "anonymous"
    token = request.headers.get("x-imgedit-client", "")
    if token:
        return f"{user}/{hashlib.sha256(token.encode()).hexdigest()[:24]}"
    return user


def limit_key(request: Request, trusted: str) -> str:
    """Who the rate limits count: the signed-in user, or else the client's address (a proxy's
    `X-Forwarded-For` only from the proxies in `trusted`, the `forwarded_allow_ips` setting)."""
    peer = request.client.host if request.client else None
    return client_key(getattr(request.state, "imgedit_user", None), peer, request.headers.get("x-forwarded-for", ""), trusted)


def create_router(service: EditService, dependencies: list | None = None) -> APIRouter:
    router = APIRouter(prefix=PREFIX, route_class=ImgEditRoute, dependencies=dependencies or [], tags=["imgedit"])
    max_bytes = int(service.settings.max_upload_mb * 1e6)

    def b64(data: str, what: str = "image") -> bytes:
        try:
            return images.decode_base64(data, max_bytes)
        except ImgEditError as exc:
            exc.message = exc.message.replace("the image", f"the {what}")
            raise

    def turn(outcome: Any) -> dict[str, Any]:
        return outcome.to_dict()

    def client_turn(request: Request) -> None:
        service.limits.client_turn(limit_key(request, service.settings.forwarded_allow_ips))

    def new_session(request: Request) -> None:
        service.limits.new_session(limit_key(request, service.settings.forwarded_allow_ips))

    counted = [Depends(client_turn)]  # routes that do a turn's work count against the client's limit

    # -- the routes, in one visible block --------------------------------------------------
    @router.post("/sessions", dependencies=[Depends(new_session)])
    def create_session(request: Request) -> dict[str, Any]:
        return {"session_id": service.create_session(client_id(request)).id}

    @router.get("/sessions")
    def list_sessions(request: Request) -> dict[str, Any]:
        sessions = service.store.list_sessions(client_id(request))
        return {"sessions": [{"session_id": s.id, "created": s.created, "updated": s.updated, "title": s.title} for s in sessions]}

    @router.get("/sessions/{session_id}")
    def get_session(session_id: str, request: Request, limit: Optional[int] = None, before: Optional[int] = None,
                    node_limit: Optional[int] = None, node_before: Optional[int] = None) -> dict[str, Any]:
        return service.session_view(session_id, client_id(request), limit, before, node_limit, node_before)

    @router.patch("/sessions/{session_id}")
    def patch_session(session_id: str, body: SessionPatch, request: Request) -> dict[str, Any]:
        return service.update_session(session_id, client_id(request), profile=body.profile, title=body.title)

    @router.delete("/sessions/{session_id}")
    def delete_session(session_id: str, request: Request) -> dict[str, Any]:
        service.delete_session(session_id, client_id(request))
        return {"deleted": session_id}

    @router.post("/sessions/{session_id}/image", dependencies=counted)
    def upload(session_id: str, body: ImageBody, request: Request) -> dict[str, Any]:
        label_map = _label_map(body.labels, max_bytes) if body.labels else None
        return turn(service.upload(session_id, client_id(request), b64(body.image), label_map, body.lang))

    @router.post("/sessions/{session_id}/message", dependencies=counted)
    def message(session_id: str, body: MessageBody, request: Request) -> dict[str, Any]:
        mask = b64(body.mask, "mask") if body.mask else None
        return turn(service.message(session_id, client_id(request), body.text, mask))

    @router.post("/sessions/{session_id}/run", dependencies=counted)
    def run(session_id: str, body: RunBody, request: Request) -> dict[str, Any]:
        mask = b64(body.mask, "mask") if body.mask else None
        return turn(service.run_instruction(session_id, client_id(request), body.instruction, body.text, mask))

    @router.post("/sessions/{session_id}/undo", dependencies=counted)
    def undo(session_id: str, request: Request, body: Optional[CountBody] = None) -> dict[str, Any]:
        return turn(service.undo(session_id, client_id(request), (body or CountBody()).count))

    @router.post("/sessions/{session_id}/redo", dependencies=counted)
    def redo(session_id: str, request: Request, body: Optional[CountBody] = None) -> dict[str, Any]:
        return turn(service.redo(session_id, client_id(request), (body or CountBody()).count))

    @router.post("/sessions/{session_id}/jump", dependencies=counted)
    def jump(session_id: str, body: JumpBody, request: Request) -> dict[str, Any]:
        return turn(service.jump(session_id, client_id(request), body.node_id))

    @router.post("/sessions/{session_id}/suggestions/{index}/accept", dependencies=counted)
    def accept(session_id: str, index: int, request: Request, run: bool = False) -> dict[str, Any]:
        pending = service.accept_suggestion(session_id, client_id(request), index)
        if run:
            return turn(service.run_instruction(session_id, client_id(request), pending["instruction"], pending["text"]))
        return {"session_id": session_id, "instruction": pending["instruction"], "text": pending["text"]}

    @router.post("/sessions/{session_id}/source-face", dependencies=counted)
    def source_face(session_id: str, body: FaceBody, request: Request) -> dict[str, Any]:
        return service.set_source_face(session_id, client_id(request), b64(body.image))

    @router.post("/sessions/{session_id}/interrupt")
    def interrupt(session_id: str, request: Request) -> dict[str, Any]:
        service.interrupt(session_id, client_id(request))
        return {"interrupted": True}

    @router.get("/sessions/{session_id}/nodes/{node_id}/image")
    def node_image(session_id: str, node_id: str, request: Request, overlay: bool = False) -> Response:
        if not re.fullmatch(r"[0-9a-f]{16}", node_id):
            raise NotFound(f"no node {node_id[:40]!r} in this session")
        png = service.node_png(session_id, client_id(request), node_id, overlay)
        return Response(png, media_type="image/png")

    @router.post("/plan", dependencies=counted)
    def plan(body: PlanBody) -> dict[str, Any]:
        result = service.plan(body.text, body.labels, body.profile)
        return {"instruction": result.instruction, "planner": result.planner, "attempts": result.attempts, "notes": result.notes}

    @router.get("/config")
    def config() -> dict[str, Any]:
        return service.config()

    @router.get("/schema")
    def schema(plan: bool = False) -> dict[str, Any]:
        return service.schema(plan)

    # last, so every real route matches first
    @router.api_route("/{path:path}", methods=list(_METHODS), include_in_schema=False)
    def unknown_route(path: str, request: Request) -> Response:
        where = request.scope["path"]
        allowed = sorted({m for r in router.routes if isinstance(r, APIRoute) and r.endpoint is not unknown_route
                          and r.path_regex.match(where) for m in r.methods})
        if allowed:
            raise MethodNotAllowed(f"{where[:100]} does not take {request.method}; it takes {', '.join(allowed)}",
                                   allowed=tuple(allowed))
        raise NotFound(f"no such route: {request.method} {where[:100]} (the routes are listed in README.md, JSON API)")

    return router


_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def _label_map(body: LabelMapBody, max_bytes: int) -> LabelMap:
    try:
        raw = base64.b64decode(body.index, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest("labels.index is not valid base64") from None
    if len(raw) > max_bytes:
        raise BadRequest("labels.index is too large")
    import io

    import numpy as np
    from PIL import Image

    try:
        img = Image.open(io.BytesIO(raw))
        img.load()
        index = np.asarray(img if img.mode in ("L", "P", "I", "I;16") else img.convert("L"))
    except Exception:
        raise BadRequest("labels.index must be a PNG whose pixel values are label numbers") from None
    try:
        names = {int(k): v for k, v in body.names.items()}
        return labelmap_from_index(index, names)
    except ValueError as exc:
        raise BadRequest(f"labels: {exc}") from None
