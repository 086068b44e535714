"""Typed errors. Each carries its HTTP status; the API, the tab and the CLI render them in one place."""

from __future__ import annotations

from typing import Any


class ImgEditError(Exception):
    """Base class: a clear message for the user, an HTTP status, optional structured details."""

    status = 400

    def __init__(self, message: str, details: list[Any] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": type(self).__name__, "message": self.message, "status": self.status}
        if self.details:
            body["details"] = self.details
        return body


class BadRequest(ImgEditError):
    status = 400


class InvalidImage(ImgEditError):
    status = 400


class Unauthorized(ImgEditError):
    status = 401


class Forbidden(ImgEditError):
    status = 403


class NotFound(ImgEditError):
    status = 404


class SessionNotFound(NotFound):
    pass


class NodeNotFound(NotFound):
    pass


class Conflict(ImgEditError):
    status = 409


class PayloadTooLarge(ImgEditError):
    status = 413


class InvalidInstruction(ImgEditError):
    """The instruction breaks the schema or the rules; `details` lists `{path, message}` items."""

    status = 422


class RateLimited(ImgEditError):
    """Too many turns or sessions; `retry_after` (seconds, 0 = unknown) becomes the Retry-After header."""

    status = 429

    def __init__(self, message: str, details: list[Any] | None = None, retry_after: float = 0.0):
        super().__init__(message, details)
        self.retry_after = retry_after


class Interrupted(ImgEditError):
    status = 409


class UpstreamError(ImgEditError):
    """A backend (LLM, remote WebUI, OpenAI images) answered with an error or garbage."""

    status = 502


class ExecutorUnavailable(ImgEditError):
    """No configured executor can run this operation."""

    status = 503


class StorageError(ImgEditError):
    """The data folder cannot be written (disk full, read-only)."""

    status = 507


class StoreUnavailable(ImgEditError):
    """The shared session store (Redis) cannot be reached."""

    status = 503


class UpstreamTimeout(ImgEditError):
    status = 504


class MethodNotAllowed(ImgEditError):
    """The route exists but not for this HTTP method; `allowed` becomes the Allow header."""

    status = 405

    def __init__(self, message: str, details: list[Any] | None = None, allowed: tuple[str, ...] = ()):
        super().__init__(message, details)
        self.allowed = allowed
