"""The standalone app: the same API and tab as inside the WebUI, on a FastAPI app of our own.

`--api-auth user:pass[,user2:pass2]` protects every route and the page with HTTP Basic, as the
WebUI's flag does for its API. After a successful Basic login the browser also gets a signed cookie,
because browsers do not send Basic credentials on the tab's websocket.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import re
import secrets
import time
from typing import Any, Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..core import redact
from ..core.errors import ImgEditError, MethodNotAllowed, NotFound, PayloadTooLarge, Unauthorized
from ..engine.housekeeping import Sweeper
from ..engine.service import EditService
from .api import create_router

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable, Callable], Awaitable[None]]
COOKIE = "imgedit_auth"
log = logging.getLogger("imgedit.http")
# the tab's scripts, styles and fonts: logged only with -v
_STATIC = re.compile(r"^/(assets|static|file=|theme\.css|favicon)|\.(js|mjs|css|map|png|svg|ico|woff2?|ttf)$")


def parse_credentials(spec: str | None) -> dict[str, str]:
    """`user:pass,user2:pass2` -> {user: pass}; raises ValueError on a malformed entry."""
    creds: dict[str, str] = {}
    for item in filter(None, (s.strip() for s in (spec or "").split(","))):
        user, sep, password = item.partition(":")
        if not sep or not user or not password:
            raise ValueError("--api-auth takes user:password pairs separated by commas")
        creds[user] = password
    return creds


async def _send_error(send: Callable, error: ImgEditError, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    """An answer in the API's one error shape, sent by a middleware before any route runs."""
    body = json.dumps(error.to_dict()).encode()
    await send({"type": "http.response.start", "status": error.status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class BasicAuthMiddleware:
    """Pure ASGI, so it guards websockets too. Answers 401 with a JSON body and a Basic challenge."""

    def __init__(self, app: ASGIApp, credentials: dict[str, str]):
        self.app = app
        self.credentials = credentials
        self.key = secrets.token_bytes(32)  # cookies die with the process, like a login should

    def _cookie_value(self, user: str) -> str:
        sig = hmac.new(self.key, user.encode(), hashlib.sha256).hexdigest()
        return f"{base64.urlsafe_b64encode(user.encode()).decode()}.{sig}"

    def _user(self, headers: dict[bytes, bytes]) -> tuple[str | None, bool]:
        """(user, came from Basic) or (None, False)."""
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if auth.lower().startswith("basic "):
            try:
                user, _, password = base64.b64decode(auth[6:].strip()).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return None, False
            expected = self.credentials.get(user)
            if expected is not None and hmac.compare_digest(expected.encode(), password.encode()):
                return user, True
            return None, False
        for part in headers.get(b"cookie", b"").decode("latin-1").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE and "." in value:
                enc, _, sig = value.partition(".")
                try:
                    user = base64.urlsafe_b64decode(enc.encode()).decode()
                except (binascii.Error, UnicodeDecodeError):
                    return None, False
                if user in self.credentials and hmac.compare_digest(self._cookie_value(user), value):
                    return user, False
        return None, False

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        user, basic = self._user(dict(scope.get("headers") or []))
        if user is None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await _send_error(send, Unauthorized("sign in: this server needs a user name and password"),
                              [(b"www-authenticate", b'Basic realm="imgedit"')])
            return
        scope.setdefault("state", {})["imgedit_user"] = user

        async def send_with_cookie(message: dict[str, Any]) -> None:
            if basic and message["type"] == "http.response.start":
                cookie = f"{COOKIE}={self._cookie_value(user)}; Path=/; HttpOnly; SameSite=Strict"
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie.encode())]}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


class BodyLimitMiddleware:
    """Refuse a request whose declared body is over the limit before reading it."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http":
            length = dict(scope.get("headers") or []).get(b"content-length")
            if length and length.isdigit() and int(length) > self.max_bytes:
                await _send_error(send, PayloadTooLarge(f"the request is larger than the {self.max_bytes / 1e6:.0f} MB allowed"))
                return
        await self.app(scope, receive, send)


class AccessLogMiddleware:
    """One access line per request (client, user, method, path, status, time) and, for an error, one
    line with the error's name and message from its JSON body; both through `redact`. Outermost, so
    the sign-in and size refusals are logged too. Headers and bodies are never logged."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start, status, error = time.perf_counter(), [500], bytearray()

        async def watch(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            elif message["type"] == "http.response.body" and status[0] >= 400 and len(error) < 4096:
                error.extend(message.get("body", b"")[:4096])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            self._log(scope, status[0], (time.perf_counter() - start) * 1000, bytes(error))

    @staticmethod
    def _log(scope: Scope, status: int, ms: float, body: bytes) -> None:
        path = scope.get("path", "")
        client = (scope.get("client") or ("-",))[0]
        user = (scope.get("state") or {}).get("imgedit_user", "-")
        level = logging.DEBUG if status < 400 and _STATIC.search(path) else logging.INFO
        log.log(level, redact.redact(f'{client} {user} "{scope.get("method")} {path[:200]}" {status} {ms:.0f} ms'))
        if status >= 400:
            try:
                data = json.loads(body)
                what = f"{data['error']}: {data['message']}"
            except (ValueError, KeyError, TypeError):
                what = body[:200].decode("utf-8", "replace") or "(no body)"
            log.log(logging.ERROR if status >= 500 else logging.WARNING,
                    redact.redact(f'{scope.get("method")} {path[:200]} -> {status} {what}'))


def create_app(service: EditService, api_auth: str | None = None, with_ui: bool = True, lang: str = "") -> FastAPI:
    """The FastAPI app: API routes, the Chat Edit tab at `/` (gradio), auth, size limits, and the
    expiry sweeper (started with the server, not by merely building the app)."""
    app = FastAPI(title="sd-webui-imgedit", docs_url="/docs", redoc_url=None)
    app.include_router(create_router(service))
    sweeper = Sweeper(service.store, service.blobs, service.settings.session_ttl_days)
    app.add_event_handler("startup", sweeper.start)
    app.add_event_handler("shutdown", sweeper.stop)
    app.state.sweeper = sweeper

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        """Unknown routes and methods answer in the API's one error shape too."""
        where = f"{request.method} {request.url.path[:100]}"
        if exc.status_code == 404:
            return JSONResponse(NotFound(f"no such route: {where}").to_dict(), status_code=404)
        if exc.status_code == 405:
            return JSONResponse(MethodNotAllowed(f"this route does not take: {where}").to_dict(), status_code=405)
        return JSONResponse({"error": "HTTPError", "message": str(exc.detail), "status": exc.status_code},
                            status_code=exc.status_code)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    if with_ui:
        from ..ui import mount_tab

        app = mount_tab(app, service, lang)
    credentials = parse_credentials(api_auth)
    redact.register(credentials.values())
    app.add_middleware(BodyLimitMiddleware, max_bytes=int(service.settings.max_upload_mb * 1.4e6) + 2_000_000)
    if credentials:
        app.add_middleware(BasicAuthMiddleware, credentials=credentials)
    app.add_middleware(AccessLogMiddleware)
    return app
