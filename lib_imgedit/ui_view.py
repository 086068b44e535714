"""What the Chat Edit tab shows, as plain data: chat pairs, legend, history captions, the instruction
form. Pure functions of the session's stored nodes and messages (no gradio), so the tab can be
rebuilt from storage after a reload and these pieces are tested without a browser."""

from __future__ import annotations

import html
import io
import json
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable

from PIL import Image

from .masks import label_color
from .store import Message, Node

FORM_FIELDS = ("operation", "targets", "prompt", "strength")
THUMB_SIDE = 512


class ImageFiles:
    """Files for gradio to serve (it only serves files from disk): each blob once, thumbnails once.
    Names are content hashes from the blob store, so any number of processes can share the folder."""

    def __init__(self, read: Callable[[str], bytes], root: Path | None = None) -> None:
        self.read = read
        self.root = root or Path(tempfile.gettempdir()) / "imgedit-ui"
        self.root.mkdir(parents=True, exist_ok=True)

    def full(self, key: str) -> str:
        target = self.root / key
        if not target.exists():
            _write_atomic(target, self.read(key))
        return str(target)

    def thumb(self, key: str) -> str:
        target = self.root / f"{Path(key).stem}-{THUMB_SIDE}.jpg"
        if not target.exists():
            img = Image.open(io.BytesIO(self.read(key))).convert("RGB")
            img.thumbnail((THUMB_SIDE, THUMB_SIDE))
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=88)
            _write_atomic(target, buf.getvalue())
        return str(target)

    def derived(self, name: str, make: Callable[[], bytes]) -> str:
        """A file computed from stored data (the overlay of a node), cached under `name`."""
        target = self.root / name
        if not target.exists():
            _write_atomic(target, make())
        return str(target)


def _write_atomic(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.{id(data)}.tmp")
    tmp.write_bytes(data)
    tmp.replace(target)


def instruction_summary(instruction: dict[str, Any] | None) -> str:
    """One line of JSON without the reply: what ran, as the user can paste it back."""
    data = {k: v for k, v in (instruction or {}).items() if k != "reply"}
    return json.dumps(data, ensure_ascii=False)


def _text(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def chat_pairs(messages: Iterable[Message], nodes: dict[str, Node], thumb: Callable[[str], str],
               notes: list[dict[str, Any]] | None = None) -> list[list[Any]]:
    """gradio Chatbot pairs from stored messages: uploads as pictures, each edit's reply with the
    instruction that made it and the result inline. `notes` are errors of turns that changed nothing
    (so they are not stored), shown after the message count they were seen at."""
    pairs: list[list[Any]] = []
    pending = sorted(notes or [], key=lambda n: n["after"])

    def bot(content: Any) -> None:
        if pairs and pairs[-1][1] is None and pairs[-1][0] is not None:
            pairs[-1][1] = content
        else:
            pairs.append([None, content])

    def flush(count: float) -> None:
        while pending and pending[0]["after"] <= count:
            note = pending.pop(0)
            if note.get("user"):
                pairs.append([_text(note["user"]), None])
            bot(f'<span class="imgedit-chat-error">⚠ {_text(note["text"])}</span>')

    count = 0
    for count, msg in enumerate(messages, 1):
        flush(count - 1)
        node = nodes.get(msg.node or "")
        if msg.role == "user":
            if msg.data.get("upload") and node is not None:
                pairs.append([(thumb(node.image),), None])
            else:
                pairs.append([_text(msg.text), None])
            continue
        made = node is not None and "executor" in msg.data and not msg.data.get("clarify")
        if made:
            bot(f'{_text(msg.text)}<br><code class="imgedit-chat-instruction">{html.escape(instruction_summary(msg.data.get("instruction")))}</code>')
            bot((thumb(node.image), msg.text))
        else:
            bot(_text(msg.text))
    flush(float("inf"))
    return pairs


def node_caption(node: Node, current: str | None, by_id: dict[str, Node]) -> str:
    instr = node.instruction or {}
    what = "upload" if node.kind == "upload" else instr.get("operation", "edit")
    parent = by_id.get(node.parent or "")
    branch = f" ↳{parent.seq}" if parent is not None and parent.seq != node.seq - 1 else ""
    return f"{'● ' if node.id == current else ''}{node.seq} · {what}{branch}"


def history_items(nodes: list[Node], current: str | None, thumb: Callable[[str], str]) -> list[tuple[str, str]]:
    by_id = {n.id: n for n in nodes}
    return [(thumb(n.image), node_caption(n, current, by_id)) for n in nodes]


def legend_html(labels: list[dict[str, Any]], faces: int = 0) -> str:
    if not labels:
        return ""
    items = []
    for item in labels:
        name = html.escape(item["name"])
        r, g, b = label_color(item["name"])
        items.append(
            f'<button type="button" class="imgedit-legend-item" data-label="{name}">'
            f'<span class="imgedit-swatch" style="background: rgb({r},{g},{b})"></span>'
            f'<span class="imgedit-legend-name">{name}</span><small>{item["share"]:.0%}</small></button>'
        )
    extra = f'<span class="imgedit-legend-faces">{faces} ☺</span>' if faces > 1 else ""
    return f'<div class="imgedit-legend">{"".join(items)}{extra}</div>'


def errors_html(message: str, details: list[dict[str, Any]] | None = None) -> str:
    """The instruction's validation errors, one line per field, shown under the editor."""
    rows = [
        f'<li><code class="imgedit-error-path">{html.escape(str(d.get("path", "")))}</code> {html.escape(str(d.get("message", "")))}</li>'
        for d in details or [] if isinstance(d, dict)
    ]
    body = f"<ul>{''.join(rows)}</ul>" if rows else f"<p>{html.escape(message)}</p>"
    return f'<div class="imgedit-errors" role="alert">{body}</div>'


def state_html(state: dict[str, Any]) -> str:
    """The hidden element the front-end script watches (session id to remember, node to reset the mask)."""
    return f'<div class="imgedit-state" data-state="{html.escape(json.dumps(state), quote=True)}"></div>'


def form_values(instruction: dict[str, Any] | None) -> tuple[str, list[str], str, float]:
    instr = instruction or {}
    return (instr.get("operation", "adjust"), list(instr.get("targets", [])), instr.get("prompt", ""),
            float(instr.get("strength") or 0.0))


def with_form(instruction: dict[str, Any], operation: str, targets: list[str] | None, prompt: str,
              strength: float | None) -> dict[str, Any]:
    """The instruction with the form's fields applied; empty fields and strength 0 (the default) are dropped."""
    out = dict(instruction)
    out["operation"] = operation
    for key, value in (("targets", list(targets or [])), ("prompt", (prompt or "").strip()), ("strength", strength or 0)):
        if value:
            out[key] = value
        else:
            out.pop(key, None)
    return out


def png_infotext(png: bytes) -> str:
    """The `parameters` text of a result PNG (what the WebUI's send-to buttons paste)."""
    with Image.open(io.BytesIO(png)) as img:
        return str(img.info.get("parameters", ""))
