"""Keep server secrets out of everything that leaves the server.

Keys and passwords are set on the server only (config file, environment); no request can set them.
Backends can still echo them (an error message quoting a URL with credentials, a library printing
its request), so the known values are masked in error responses, turn notes, PNG infotext and the
`imgedit` log. The register is process-wide: masking a value twice costs nothing.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from .config import Settings

MASK = "[secret]"
_SECRET_ENV = re.compile(r"(_KEY|_TOKEN|_SECRET|_PASSWORD|_API_AUTH)$")
_secrets: set[str] = set()
_guard = threading.Lock()


def register(values: Iterable[str]) -> None:
    """Mask these values from now on (too-short values are ignored: they would mask ordinary words)."""
    with _guard:
        _secrets.update(v for v in values if isinstance(v, str) and len(v) >= 6)


def redact(text: str) -> str:
    for value in sorted(_secrets, key=len, reverse=True):
        if value in text:
            text = text.replace(value, MASK)
    return text


def redact_data(obj: Any) -> Any:
    """`redact` on every string inside a JSON-like value."""
    if isinstance(obj, str):
        return redact(obj)
    if isinstance(obj, list):
        return [redact_data(v) for v in obj]
    if isinstance(obj, dict):
        return {k: redact_data(v) for k, v in obj.items()}
    return obj


def _parts(value: str) -> list[str]:
    """A secret and the parts that could be echoed alone: passwords of `user:pass` lists and URLs."""
    out = [value]
    for item in value.split(","):
        user, sep, password = item.strip().partition(":")
        if sep and "//" not in item:
            out.append(password)
    if "://" in value:
        out.append(urlsplit(value).password or "")
    return out


def secret_values(settings: Settings, env: Mapping[str, str] | None = None) -> list[str]:
    """The secrets of these settings and of the environment (`*_KEY`, `*_TOKEN`, ... variables)."""
    env = os.environ if env is None else env
    values: list[str] = []
    for name, _, meta in Settings.field_meta():
        value = getattr(settings, name)
        if isinstance(value, str) and value and (meta["secret"] or "://" in value):
            values += _parts(value) if meta["secret"] else [urlsplit(value).password or ""]
    for name, value in env.items():
        if _SECRET_ENV.search(name) and value:
            values += _parts(value)
    return [v for v in values if v]


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not _secrets:
            return True
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:  # tracebacks quote arguments and messages too
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


logging.getLogger("imgedit").addFilter(RedactingFilter())
