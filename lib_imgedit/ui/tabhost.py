"""What the Chat Edit tab asks of the program that hosts it.

`build_ui(..., host=None)` uses `TabHost` itself: the standalone behaviour (no send-to buttons,
progress through gradio's own bar on one component). The WebUI adapter (`lib_imgedit/host/`)
subclasses it to wire the WebUI's send-to buttons, its progress (`shared.state` and the task id the
page's `requestProgress` polls) and Interrupt.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from ..core.progress import ProgressFn


class TabHost:
    #: WebUI tabs the current picture can be sent to ("img2img", "inpaint"); none in the standalone app.
    send_to: tuple[str, ...] = ()
    #: The page draws progress itself with the WebUI's `requestProgress` (polling `/internal/progress`
    #: for the turn's task id); False: gradio's progress bar, shown on one component.
    page_progress: bool = False

    def register_send_to(self, buttons: dict[str, Any], image: Any, text: Any) -> None:
        """Connect one button per `send_to` tab (e.g. with the WebUI's
        `infotext_utils.register_paste_params_button`): `image` is the current picture (a gr.Image of
        type "pil"), `text` a hidden Textbox holding its infotext."""

    @contextmanager
    def generating(self, progress: ProgressFn, task_id: str = "") -> Iterator[ProgressFn]:
        """Around one turn that may generate. `progress` drives the tab's own bar (gradio's
        `gr.Progress`); yield the callback the service and executors should call, e.g. one that
        also updates `shared.state`. `task_id` is the id the page polls progress for (the WebUI's
        `task(...)` form, from its `randomId()`): a host registers it (`modules.progress.add_task_to_queue`,
        `start_task`, and `finish_task` when the turn ends, also on error or Interrupt) so the page
        shows this turn's progress, live preview and ETA. Must not take `queue_lock`: the host executor does."""
        yield progress

    def interrupt(self) -> None:
        """The user pressed Interrupt (the service's own cancel flag is already set)."""

    def settle(self, timeout: float = 60.0) -> None:
        """After an interrupted turn, before the tab shows it ended (the page says "stopping..." until
        then): wait, at most `timeout` seconds, until the host has really stopped generating."""

    def save_settings(self, settings: Any, keys: list[str]) -> None:
        """Persist the settings the user changed in the tab (standalone: `<data dir>/config.json`)."""
        from ..core.config import save_settings

        save_settings(settings, keys)

    def choices(self, setting: str) -> list[str] | None:
        """Known values of a setting the host can list (samplers, ControlNet modules), or None."""
        return None

    def notice(self) -> str:
        """What the tab says under its welcome: a dependency the host could not have, and its fix."""
        return ""
