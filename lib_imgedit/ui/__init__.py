"""The Chat Edit tab (gradio 3.41 in A1111, gradio 4 in Forge), one part of it per module:

- `tab.py`      the tab itself: layout, rendering from storage, turns and their progress
- `chat.py`     chat column: messages, the pending message, suggestions, Interrupt
- `stage.py`    picture stage: brush and eraser, overlay, labels legend
- `editor.py`   instruction editor: JSON and a Form built from the instruction schema
- `history.py`  history strip, undo/redo, send-to buttons
- `settings.py` settings accordion
and beside them, without gradio: `view.py` (what is shown, from stored nodes and messages),
`pages.py` (the bounded reads: the latest page of messages, older pages, the latest steps),
`words.py` (instructions in plain words, English and Chinese), `form.py` (the form's fields from
the schema), `tabhost.py` (what the tab asks of its host), `compat.py` (gradio 3 and 4).

Importing this package does not import gradio; `build_ui` and `mount_tab` do.
"""

from __future__ import annotations

from typing import Any

from .tabhost import TabHost

__all__ = ["TabHost", "build_ui", "mount_tab"]


def build_ui(service: Any, standalone: bool = False, lang: str = "", host: TabHost | None = None) -> Any:
    """The Chat Edit tab as a gr.Blocks. `host` connects it to the WebUI (send-to, progress,
    Interrupt); see `tabhost`."""
    from .tab import ChatEditTab

    return ChatEditTab(service, host or TabHost(), standalone, lang).build()


def mount_tab(app: Any, service: Any, lang: str = "", path: str = "/") -> Any:
    """The standalone app's page: the tab at `path` of the FastAPI `app`, with gradio's queue (which
    progress bars and Interrupt need)."""
    import gradio as gr

    from .compat import enable_queue

    blocks = build_ui(service, standalone=True, lang=lang)
    enable_queue(blocks, 4)
    return gr.mount_gradio_app(app, blocks, path=path)
