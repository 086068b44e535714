"""What the Chat Edit tab gets from the WebUI: send-to buttons bound the WebUI's way, settings saved
into the WebUI's own Settings, and the host's samplers, schedulers and ControlNet modules as choices.
Progress and Interrupt need nothing here: the in-process executor reports to `shared.state` and turns
the tab's cancel flag into the WebUI's interrupt."""

from __future__ import annotations

import logging
from typing import Any

from ..ui.tabhost import TabHost
from .sendto import bind_send_to
from .settings import option_key

log = logging.getLogger("imgedit")


class WebUITabHost(TabHost):
    send_to = ("img2img", "inpaint")

    def register_send_to(self, buttons: dict[str, Any], image: Any, text: Any) -> None:
        bind_send_to(buttons, image, text)

    def save_settings(self, settings: Any, keys: list[str]) -> None:
        from modules import shared

        for key in keys:
            shared.opts.set(option_key(key), getattr(settings, key))
        shared.opts.save(shared.config_filename)

    def choices(self, setting: str) -> list[str] | None:
        try:
            if setting == "sampler":
                from modules import sd_samplers

                return [s.name for s in sd_samplers.visible_samplers()]
            if setting == "scheduler":
                from modules import sd_schedulers

                return [s.label for s in sd_schedulers.schedulers]
            if setting == "controlnet_module":
                from .controlnet import find_controlnet

                cn = find_controlnet()
                return ["auto", "none", *cn.modules()] if cn else None
        except (ImportError, AttributeError) as exc:  # an older or trimmed host: the tab keeps a free text field
            log.debug("no choices for %s from the WebUI: %s", setting, exc)
        return None
