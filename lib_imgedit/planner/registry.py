"""Which planner a request gets: the session's profile, else the `llm_profile` setting, else the
implicit `env` profile, else the offline planner. Planners are kept per profile (one HTTP client
each); `profiles.json` is read again when it changes, so edits apply without a restart."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..core import redact
from .base import Planner
from .llm import LLMPlanner
from .profiles import ENV_PROFILE, OFFLINE, ModelProfile, load_profiles

log = logging.getLogger("imgedit")
_UNREAD = object()
_SETTINGS_USED = ("llm_profile", "llm_model", "llm_base_url", "llm_api_key", "llm_timeout", "llm_template", "llm_mode")


class PlannerRegistry:
    def __init__(self, settings: Callable[[], Any], rules: dict[str, Any], offline: Planner,
                 env: Mapping[str, str] | None = None):
        self._settings = settings  # read on each use: settings may change while the server runs
        self.rules = rules
        self.offline = offline
        self.env = os.environ if env is None else env
        self._lock = threading.Lock()
        self._stamp: object = _UNREAD
        self._profiles: dict[str, ModelProfile] = {}
        self._planners: dict[str, LLMPlanner] = {}
        self.errors: list[str] = []
        self._refresh()

    def _refresh(self) -> None:
        settings = self._settings()
        path = Path(settings.data_dir) / "profiles.json" if settings.data_dir else None
        stamp = (path.stat().st_mtime_ns if path is not None and path.is_file() else None,
                 *(getattr(settings, k, None) for k in _SETTINGS_USED))
        with self._lock:
            if stamp == self._stamp:
                return
            self._profiles, self.errors = load_profiles(settings.data_dir, settings, self.env)
            redact.register(s for p in self._profiles.values() for s in p.secrets())
            wanted = settings.llm_profile
            if wanted and wanted != OFFLINE and wanted not in self._profiles:
                self.errors.append(f"llm_profile {wanted!r} is not a configured profile: planning offline")
                log.warning("%s", self.errors[-1])
            self._planners = {}
            self._stamp = stamp

    def profiles(self) -> dict[str, ModelProfile]:
        self._refresh()
        return dict(self._profiles)

    def names(self) -> list[str]:
        return sorted(self.profiles())

    def public(self) -> list[dict[str, Any]]:
        return [p.public() for _, p in sorted(self.profiles().items())]

    def default_name(self) -> str:
        profiles = self.profiles()
        wanted = self._settings().llm_profile
        if wanted:
            return wanted if wanted in profiles else OFFLINE
        return ENV_PROFILE if ENV_PROFILE in profiles else OFFLINE

    def get(self, name: str = "") -> Planner:
        """The planner for profile `name` ("" = the default; unknown or "offline" = the offline planner)."""
        profiles = self.profiles()
        name = name or self.default_name()
        profile = profiles.get(name)
        if profile is None:
            return self.offline
        with self._lock:
            planner = self._planners.get(name)
            if planner is None or planner.profile != profile:
                settings = self._settings()
                planner = LLMPlanner(profile, self.rules, self.offline, settings.data_dir,
                                     getattr(settings, "llm_template", "") or "default",
                                     getattr(settings, "llm_mode", "") or "model")
                self._planners[name] = planner
            return planner
