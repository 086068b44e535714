"""The JSON API on the WebUI's own server, under /sdapi/v1/imgedit/, behind its `--api-auth`.

The WebUI protects its own `/sdapi` routes only (`modules.api.api.Api.auth`); an extension's routes
must do it themselves. This dependency does what that one does: HTTP Basic against the
`user:password` pairs of `--api-auth`, compared in constant time, 401 with a Basic challenge
otherwise. The user name becomes `request.state.imgedit_user`, which scopes the sessions and is
the client that the per-client rate limits count (without --api-auth: the client's address).
"""

from __future__ import annotations

from hmac import compare_digest
from typing import Any, Callable

from fastapi import Depends, Request
from fastapi.security import HTTPBasic

from ..app.api import create_router
from ..core.errors import Unauthorized
from ..engine.service import EditService


def api_auth_credentials() -> dict[str, str]:
    """{user: password} from the WebUI's `--api-auth user:pass[,user2:pass2]`; empty when not set."""
    from modules import shared

    creds: dict[str, str] = {}
    for item in filter(None, (getattr(shared.cmd_opts, "api_auth", None) or "").split(",")):
        user, _, password = item.strip().partition(":")
        creds[user] = password
    return creds


def basic_auth(credentials: dict[str, str]) -> Callable[..., None]:
    """A FastAPI dependency that admits only those users (renders as our 401 JSON error)."""
    security = HTTPBasic(auto_error=False)  # a missing header must also give our error, not FastAPI's

    def check(request: Request, given: Any = Depends(security)) -> None:
        expected = credentials.get(given.username) if given is not None else None
        if expected is None or not compare_digest(given.password.encode(), expected.encode()):
            raise Unauthorized("Incorrect username or password")
        request.state.imgedit_user = given.username

    return check


def mount_routes(app: Any, service: EditService) -> None:
    """Add the API routes to the WebUI's FastAPI app (call from on_app_started)."""
    credentials = api_auth_credentials()
    dependencies = [Depends(basic_auth(credentials))] if credentials else []
    app.include_router(create_router(service, dependencies=dependencies))
