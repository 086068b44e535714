"""What the WebUI entry script (`scripts/imgedit.py`) calls: one EditService for the WebUI process,
its data under the WebUI's data folder, its settings from the WebUI's Settings page."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from ..core.config import load_settings
from ..engine.service import EditService
from .settings import option_key, register_options, save_to_opts, settings_from_opts

log = logging.getLogger("imgedit")
extension_dir = ""  # set by scripts/imgedit.py from scripts.basedir()
_service: EditService | None = None
_sweeper: Any = None
_lock = threading.Lock()


def console_logging() -> None:
    """Our messages carry no name of their own (the logger's name is the prefix). When the WebUI has not
    configured logging (its default, without SD_WEBUI_LOG_LEVEL), Python would print warnings bare, so
    they get a handler that names them; when it has, its own format names the logger."""
    if logging.getLogger().handlers or log.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s [imgedit] %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def data_dir() -> Path:
    """The Settings' data folder, else `<WebUI data path>/imgedit` (beside models/ and outputs/)."""
    from modules import paths, shared

    chosen = (getattr(shared.opts, "data", None) or {}).get(option_key("data_dir"))
    return Path(chosen) if chosen else Path(getattr(paths, "data_path", None) or paths.script_path) / "imgedit"


def get_service() -> EditService:
    """The process's service, created on first use (config file, IMGEDIT_* variables, then Settings)."""
    global _service
    with _lock:
        if _service is None:
            from modules import paths

            from .. import models
            from ..executors import geometry
            from .upscale import upscale_or_none

            # downloaded models live beside the WebUI's own, in models/imgedit
            models.set_host_models_dir(Path(paths.models_path) / "imgedit")
            geometry.set_upscaler(upscale_or_none)  # enlarging uses the WebUI's upscalers (ESRGAN...)
            _service = EditService(settings_from_opts(load_settings(data_dir())))
            _service.persist_settings = save_to_opts  # what the service remembers goes to the WebUI's Settings
            log.info("Chat Edit from %s, data in %s", extension_dir or "?", _service.settings.data_dir)
            from modules import shared

            from .deps import mediapipe_notice

            # said once at start: by install.py, or here when the installers were skipped
            if getattr(shared.cmd_opts, "skip_install", False) and mediapipe_notice():
                log.warning("%s", mediapipe_notice().removeprefix("[Chat Edit] "))
        return _service


def refresh_settings() -> None:
    """Called when a Chat Edit setting changes in the WebUI: the next turn uses the new value."""
    service = get_service()
    service.settings = settings_from_opts(service.settings)


def register_settings() -> None:
    register_options(on_change=refresh_settings)


def build_tab() -> Any:
    """The Chat Edit tab, with the WebUI's send-to buttons, settings and choices."""
    from ..ui import build_ui
    from .tab import WebUITabHost

    return build_ui(get_service(), host=WebUITabHost())


def mount(app: Any) -> None:
    """Routes on the WebUI's server, our settings in its `GET /sdapi/v1/options`, and the sweeper that
    deletes expired sessions (it lives as long as the WebUI process; a daemon thread, so it never holds
    up a shutdown)."""
    from ..engine.housekeeping import Sweeper
    from .routes import mount_routes
    from .settings import list_in_options_api

    service = get_service()
    mount_routes(app, service)
    try:
        list_in_options_api(app)
    except Exception as exc:  # noqa: BLE001 - a host whose API differs keeps working, only the listing is missing
        log.warning("the Chat Edit settings are not listed by GET /sdapi/v1/options: %s", exc)
    global _sweeper
    if _sweeper is None:
        _sweeper = Sweeper(service.store, service.blobs, service.settings.session_ttl_days)
        _sweeper.start()
