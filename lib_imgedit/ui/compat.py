"""The few places where gradio 3.41 (A1111) and gradio 4 (Forge) differ, in one module."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Callable

import gradio as gr

GRADIO_MAJOR = int(gr.__version__.split(".")[0])


def js(code: str) -> dict[str, str]:
    """Keyword for a front-end function on an event: `_js` in gradio 3, `js` in gradio 4."""
    return {"js": code} if GRADIO_MAJOR >= 4 else {"_js": code}


def blocks_kwargs(css: str, script: str) -> dict[str, Any]:
    """Blocks arguments that add our styles and script (standalone app only; the WebUI loads both itself).
    gradio 3 has no `head`: `add_script` runs the script on page load instead."""
    if GRADIO_MAJOR >= 4:
        return {"css": css, "head": f"<script>{script}</script>"}
    return {"css": css}


def add_script(blocks: gr.Blocks, script: str) -> None:
    if GRADIO_MAJOR < 4:
        blocks.load(None, None, None, **js(f"() => {{ {script}\n}}"))


def enable_queue(blocks: gr.Blocks, concurrency: int) -> None:
    if GRADIO_MAJOR >= 4:
        blocks.queue(default_concurrency_limit=concurrency)
    else:
        blocks.queue(concurrency_count=concurrency)


def upload_path(value: Any) -> str | None:
    """The path of an uploaded file: a tempfile wrapper in gradio 3, a str (or FileData) in gradio 4."""
    if value is None:
        return None
    return str(getattr(value, "path", None) or getattr(value, "name", None) or value)


def image_bytes(value: Any) -> bytes | None:
    """The bytes of an image a gr.Image(type="pil") received (PNG), or of an uploaded file. No filepath
    Images: their preprocess calls gradio's `save_pil_to_cache(name=...)`, which Forge replaces with a
    function that takes no `name` (a TypeError on every value)."""
    if value is None:
        return None
    if hasattr(value, "save"):
        buf = io.BytesIO()
        value.save(buf, format="PNG")
        return buf.getvalue()
    path = upload_path(value)
    return Path(path).read_bytes() if path else None


def client_of(request: Any) -> str:
    """Who is asking: the user the app's auth middleware set on the request, else anonymous."""
    req = getattr(request, "request", None)
    state = getattr(req, "state", None)
    return getattr(state, "imgedit_user", None) or "anonymous"


def args_js(n_inputs: int, **fill: int) -> dict[str, str]:
    """A front-end hook that replaces some of an event's inputs with values from the page (the mask
    painted, the session id kept in localStorage, the turn's task id): `fill` maps a `window.imgedit`
    function to the index of the input it fills."""
    sets = "".join(f"r[{i}] = window.imgedit ? window.imgedit.{fn}() : r[{i}];" for fn, i in fill.items())
    return js(f"(...a) => {{ const r = a.slice(0, {n_inputs}); {sets} return r; }}")


def on_user_change(widget: Any, fn: Callable[..., Any], inputs: list[Any], outputs: list[Any], **kw: Any) -> None:
    """Listen to what the user changes, never to updates the tab makes itself (a preset filling the
    sliders), whose answers could arrive after the user's own change and undo it. Sliders report
    once released, text once left or submitted. A Number has `blur` in gradio 3 but not in gradio 4
    (its events there: change, input, submit, focus): there it reports each input, which is the
    user's too."""
    kw.setdefault("show_progress", "hidden")
    if isinstance(widget, gr.Slider):
        widget.release(fn, inputs, outputs, **kw)
    elif isinstance(widget, gr.Textbox) or (isinstance(widget, gr.Number) and GRADIO_MAJOR < 4):
        widget.blur(fn, inputs, outputs, **kw)
        widget.submit(fn, inputs, outputs, **kw)
    elif isinstance(widget, gr.Number):
        widget.input(fn, inputs, outputs, **kw)
        widget.submit(fn, inputs, outputs, **kw)
    else:
        widget.input(fn, inputs, outputs, **kw)
