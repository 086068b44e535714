"""Model profiles: which OpenAI-compatible server and model plans, and how to talk to it.

Profiles come from the server's side only: `<data dir>/profiles.json` (one object per profile name)
and the implicit `env` profile built from Settings (`llm_base_url`, `llm_api_key`, `llm_model`) or the
`OPENAI_BASE_URL` / `OPENAI_API_KEY` variables with `--llm-model` / `IMGEDIT_LLM_MODEL`. An API request
can pick a profile by name but never supply a URL or a key, so the server only calls addresses its
owner configured. Keys are resolved at call time (`env:VAR` reads a variable) and never shown:
`public()` reports only whether one is set.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .modes import MODES

log = logging.getLogger("imgedit")

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
ENV_PROFILE = "env"
OFFLINE = "offline"
JSON_MODES = ("", "object", "schema", "object+schema")
EXAMPLES_FILE = Path(__file__).resolve().parents[1] / "defaults" / "profiles.example.json"


@dataclass(frozen=True)
class ModelProfile:
    name: str
    base_url: str
    model: str
    api_key: str = field(default="", repr=False)  # a literal key or "env:VAR"; never logged or returned
    template: str = ""  # prompt template name; "": the `llm_template` setting or "default"
    vision: bool = False  # the model accepts images: suggestions (and plans) see the current picture
    json_mode: str = ""  # "object" (true): JSON mode; "schema": structured outputs; "object+schema": llama.cpp grammar
    tools: bool = False  # offer the instruction schema as a function the model calls
    stream: bool = False  # stream the reply (server-sent events) and assemble it
    timeout: float = 60.0  # seconds per request
    max_retries: int = 2  # retries of one request on 429 (honouring Retry-After), 5xx, timeouts, refused connections
    max_tokens: int = 600
    temperature: float = 0.1
    headers: dict[str, str] = field(default_factory=dict, repr=False)  # extra headers; values may be "env:VAR"
    mode: str = ""  # model, offline-first or checked (see planner/modes.py); "": the `llm_mode` setting
    examples: int = 4  # most similar solved requests from the example bank sent as few-shot examples

    def key(self) -> str:
        return _resolve(self.api_key)

    def resolved_headers(self) -> dict[str, str]:
        return {k: _resolve(v) for k, v in self.headers.items()}

    def secrets(self) -> list[str]:
        """Every secret value this profile sends, so messages can be scrubbed of them."""
        return [s for s in [self.key(), *self.resolved_headers().values()] if len(s) >= 4]

    def public(self) -> dict[str, Any]:
        """What a client may see: no key, no header values, no credentials in the URL."""
        parts = urlsplit(self.base_url)
        host = f"{parts.hostname}:{parts.port}" if parts.port else (parts.hostname or "")
        url = urlunsplit((parts.scheme, host, parts.path, "", ""))
        return {"name": self.name, "model": self.model, "base_url": url, "template": self.template,
                "vision": self.vision, "json_mode": self.json_mode, "tools": self.tools, "stream": self.stream,
                "mode": self.mode, "examples": self.examples, "has_key": bool(self.key())}


def _resolve(value: str) -> str:
    if isinstance(value, str) and value.startswith("env:"):
        return os.environ.get(value[4:], "")
    return value or ""


_TYPES = {f.name: f.type for f in fields(ModelProfile)}


def profile_from_dict(name: str, data: Mapping[str, Any], defaults: Mapping[str, Any] | None = None) -> ModelProfile:
    """A checked profile; ValueError names the first problem (unknown key, wrong type, bad URL)."""
    if not NAME_RE.match(name) or name == OFFLINE:
        raise ValueError(f"profile name {name!r} must be 1-40 letters, digits, '.', '_' or '-' (and not 'offline')")
    if not isinstance(data, Mapping):
        raise ValueError(f"profile {name!r} must be a JSON object")
    values: dict[str, Any] = dict(defaults or {})
    for key, value in data.items():
        if key.startswith("_"):  # "_comment" and friends
            continue
        if key not in _TYPES or key == "name":
            raise ValueError(f"profile {name!r}: unknown key {key!r}; known: {', '.join(k for k in _TYPES if k != 'name')}")
        values[key] = value
    mode = values.get("json_mode", "")
    values["json_mode"] = {True: "object", False: ""}.get(mode, mode) if isinstance(mode, bool) else mode
    if values["json_mode"] not in JSON_MODES:
        raise ValueError(f"profile {name!r}: json_mode must be true, false, {', '.join(repr(m) for m in JSON_MODES if m)}")
    for key in ("base_url", "model"):
        if not isinstance(values.get(key), str) or not values[key].strip():
            raise ValueError(f"profile {name!r} needs {key!r}")
    parts = urlsplit(values["base_url"])
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"profile {name!r}: base_url must be an http(s) URL, e.g. http://127.0.0.1:8080/v1")
    for key, value in values.items():
        kind = _TYPES[key]
        ok = {"bool": isinstance(value, bool), "float": isinstance(value, (int, float)) and not isinstance(value, bool),
              "int": isinstance(value, int) and not isinstance(value, bool), "str": isinstance(value, str),
              "dict[str, str]": isinstance(value, dict) and all(isinstance(v, str) for v in value.values())}[kind]
        if not ok:
            raise ValueError(f"profile {name!r}: {key} must be of type {kind}")
    if values.get("template") and not NAME_RE.match(values["template"]):
        raise ValueError(f"profile {name!r}: template must be a plain name such as 'default', 'compact' or 'zh'")
    if values.get("mode", "") not in ("", *MODES):
        raise ValueError(f"profile {name!r}: mode must be one of {', '.join(MODES)}")
    if not 0 <= int(values.get("examples", 4)) <= 16:
        raise ValueError(f"profile {name!r}: examples must be 0-16")
    if not 0.1 <= float(values.get("timeout", 60)) <= 3600 or not 0 <= int(values.get("max_retries", 2)) <= 10:
        raise ValueError(f"profile {name!r}: timeout must be 0.1-3600 s and max_retries 0-10")
    return ModelProfile(name=name, **values)


def env_profile(settings: Any, env: Mapping[str, str]) -> ModelProfile | None:
    """The `env` profile: Settings' llm_base_url/llm_api_key or OPENAI_BASE_URL/OPENAI_API_KEY, plus a model."""
    model = getattr(settings, "llm_model", "")
    base_url = getattr(settings, "llm_base_url", "") or env.get("OPENAI_BASE_URL", "")
    key = getattr(settings, "llm_api_key", "") or ("env:OPENAI_API_KEY" if env.get("OPENAI_API_KEY") else "")
    if not model or not (base_url or key):
        return None
    return profile_from_dict(ENV_PROFILE, {"base_url": base_url or "https://api.openai.com/v1", "model": model,
                                           "api_key": key, "timeout": float(getattr(settings, "llm_timeout", 60.0))})


def load_profiles(data_dir: str | os.PathLike | None, settings: Any = None,
                  env: Mapping[str, str] | None = None) -> tuple[dict[str, ModelProfile], list[str]]:
    """Profiles by name, and the problems found (a broken entry is skipped and reported, never fatal)."""
    env = os.environ if env is None else env
    defaults = {"timeout": float(getattr(settings, "llm_timeout", 60.0))}
    profiles: dict[str, ModelProfile] = {}
    errors: list[str] = []
    path = Path(data_dir) / "profiles.json" if data_dir else None
    if path is not None and path.is_file():
        try:
            raw = json.loads(path.read_text("utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("profiles.json must hold one object: {\"name\": {profile}, ...}")
        except (OSError, ValueError) as exc:
            errors.append(f"profiles.json: {exc}")  # no server paths: clients see these in config
            raw = {}
        for name, data in raw.items():
            if name.startswith("_"):
                continue
            try:
                profiles[name] = profile_from_dict(name, data, defaults)
            except ValueError as exc:
                errors.append(str(exc))
    try:
        implicit = env_profile(settings, env) if settings is not None else None
    except ValueError as exc:
        errors.append(f"{ENV_PROFILE}: {exc}")
        implicit = None
    if implicit is not None and ENV_PROFILE not in profiles:
        profiles[ENV_PROFILE] = implicit
    for problem in errors:
        log.warning("model profile skipped: %s", problem)
    return profiles, errors
