"""What the Chat Edit tab shows, as plain data: chat pairs, legend, history captions, the text the
send-to buttons paste. Pure functions of the session's stored nodes and messages (no gradio), so the
tab can be rebuilt from storage after a reload and these pieces are tested without a browser."""

from __future__ import annotations

import html
import io
import json
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from PIL import Image

from ..core.describe import describe
from ..core.instruction import OPERATIONS, is_steps
from ..core.labels import percent
from ..core.masks import label_color
from ..store import Message, Node
from .words import operation_name, touches_painted_area

if TYPE_CHECKING:
    from .pages import NodeLookup

THUMB_SIDE = 512
INSTRUCTION_PREFIX = "[instruction]"
_NOTES = re.compile(r" \([^()]+\)$")  # how the service stores the text of a turn run from JSON


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


def details_html(instruction: dict[str, Any] | None, executor: str, zh: bool) -> str:
    """The instruction behind a reply, folded away under a small toggle."""
    by = f'<small class="imgedit-chat-executor">{"执行器" if zh else "executor"}: {html.escape(executor)}</small>' if executor else ""
    return (f'<details class="imgedit-details"><summary>{"详情" if zh else "details"}</summary>'
            f'<code class="imgedit-chat-instruction">{html.escape(instruction_summary(instruction))}</code>{by}</details>')


def error_html(text: str) -> str:
    return f'<span class="imgedit-chat-error">⚠ {_text(text)}</span>'


def user_text(msg: Message, zh: bool) -> str:
    """A user message as shown: a turn run from the JSON editor is said in words, not as a repr."""
    instruction = msg.data.get("instruction")
    if msg.text.startswith(INSTRUCTION_PREFIX) and isinstance(instruction, dict):
        return ("运行指令：" if zh else "Run: ") + describe(instruction, "caption", zh)
    return msg.text


def assistant_text(msg: Message, node: Node | None, zh: bool) -> str:
    """A reply in plain words: the stored one, but said again where it could not know better (a
    painted area, or history moves the service words in English) and a failure as a failure."""
    data = msg.data
    if data.get("failed"):
        error = data.get("error")
        return str(error.get("message") if isinstance(error, dict) else error or msg.text)
    if node is not None and "executor" in data and touches_painted_area(data.get("instruction")):
        notes = _NOTES.search(msg.text)  # what the executors added, e.g. a ControlNet that is missing
        return describe(data["instruction"], "reply", zh) + (notes.group(0) if notes else "")
    if zh and node is not None:
        if "jump" in data:
            return f"回到第 {node.seq} 步。之后的编辑会从这里开始新的分支。"
        for op, word in (("undo", "撤销"), ("redo", "重做")):
            if isinstance(data.get(op), int):
                return f"已{word} {data[op]} 步。"
    return msg.text


def chat_pairs(messages: Iterable[Message], nodes: Mapping[str, Node] | NodeLookup, thumb: Callable[[str], str],
               notes: list[dict[str, Any]] | None = None, zh: bool = False,
               pending: str | None = None) -> list[list[Any]]:
    """gradio Chatbot pairs from stored messages (a page of them: the latest, and older pages the
    user loaded): uploads as pictures, each edit's reply in words with the instruction behind a
    toggle and the result inline, failed turns as failures. `nodes` finds a message's node by id
    (a dict, or a `pages.NodeLookup`). `notes` are errors of turns that changed nothing and were not
    stored, shown after the message seq they were seen at (those before the page are left out with
    the messages around them); `pending` is the user's message of a turn still running."""
    pairs: list[list[Any]] = []
    messages = list(messages)
    start = messages[0].seq - 1 if messages else 0
    waiting = sorted((n for n in notes or [] if n["after"] >= start), key=lambda n: n["after"])

    def bot(content: Any) -> None:
        if pairs and pairs[-1][1] is None and pairs[-1][0] is not None:
            pairs[-1][1] = content
        else:
            pairs.append([None, content])

    def flush(count: float) -> None:
        while waiting and waiting[0]["after"] <= count:
            note = waiting.pop(0)
            if note.get("user"):
                pairs.append([_text(note["user"]), None])
            bot(error_html(note["text"]))

    for msg in messages:
        flush(msg.seq - 1)
        node = nodes.get(msg.node or "")
        if msg.role == "user":
            if msg.data.get("upload") and node is not None:
                pairs.append([(thumb(node.image),), None])
            else:
                pairs.append([_text(user_text(msg, zh)), None])
            continue
        text = assistant_text(msg, node, zh)
        if msg.data.get("failed"):
            bot(error_html(text))
        elif node is not None and "executor" in msg.data and not msg.data.get("clarify"):
            bot(_text(text) + details_html(msg.data.get("instruction"), str(msg.data.get("executor") or ""), zh))
            bot((thumb(node.image), text))
        else:
            bot(_text(text))
    flush(float("inf"))
    if pending:
        pairs.append([_text(pending), None])
    return pairs


def node_caption(node: Node, current: str | None, by_id: Mapping[str, Node] | NodeLookup, zh: bool = False) -> str:
    instr = node.instruction or {}
    what = "upload" if node.kind == "upload" else ("plan" if is_steps(instr) else instr.get("operation", "edit"))
    parent = by_id.get(node.parent or "")
    branch = f" ↳{parent.seq}" if parent is not None and parent.seq != node.seq - 1 else ""
    name = operation_name(what if what in (*OPERATIONS, "upload", "plan") else "edit", zh)
    return f"{'● ' if node.id == current else ''}{node.seq} · {name}{branch}"


def history_items(nodes: list[Node], current: str | None, thumb: Callable[[str], str], zh: bool = False,
                  by_id: Mapping[str, Node] | NodeLookup | None = None) -> list[tuple[str, str]]:
    """The strip's pictures and captions; `by_id` finds the parents outside `nodes` (a branch mark)."""
    by_id = by_id if by_id is not None else {n.id: n for n in nodes}
    return [(thumb(n.image), node_caption(n, current, by_id, zh)) for n in nodes]


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
            f'<span class="imgedit-legend-name">{name}</span><small>{percent(item["share"])}</small></button>'
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
    """The hidden element the front-end script watches (session id to remember, node to reset the
    mask, the turn that just ended)."""
    return f'<div class="imgedit-state" data-state="{html.escape(json.dumps(state), quote=True)}"></div>'


# The WebUI's parameters-line pattern (modules/infotext_utils.py, re_param): its paste code takes the
# last line as parameters only when it holds at least three of them; otherwise all of it is the prompt.
WEBUI_PARAM = re.compile(r'\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)')
_EXECUTOR = re.compile(r",\s*Executor:\s*([\w-]+)")


def _parameters(png: bytes) -> tuple[str, str]:
    with Image.open(io.BytesIO(png)) as img:
        return str(img.info.get("parameters", "")).strip(), f"{img.width}x{img.height}"


def _generated(lines: list[str]) -> bool:
    """Whether the parameters are a Stable Diffusion generation's (the WebUI's line, with Steps), not
    our own line for a CPU edit (Size, Chat Edit, Executor)."""
    return len(lines) > 1 and "Steps" in dict(WEBUI_PARAM.findall(lines[-1]))


def generative_prompt(png: bytes) -> str | None:
    """The prompt of a generative result; None for a CPU edit or a picture with no parameters."""
    lines = _parameters(png)[0].split("\n")
    if not _generated(lines):
        return None
    body = lines[:-1]
    cut = next((i for i, line in enumerate(body) if line.startswith("Negative prompt:")), len(body))
    return "\n".join(body[:cut]).strip()


def send_to_text(png: bytes, prompt: str = "") -> str:
    """What the send-to buttons paste: the result's `parameters` text when it already ends with a
    WebUI parameters line; otherwise (a CPU edit: a short head naming the edit, "adjust: brightness
    0.3", and our own `Chat Edit:` line) `prompt`, a prompt that describes the picture (the last
    generative one on the branch, or none), with our line quoted as parameters the WebUI can read."""
    text, size = _parameters(png)
    lines = text.split("\n")
    if not text or _generated(lines):
        return text
    params = dict(WEBUI_PARAM.findall(lines[-1]))
    if {"Chat Edit", "Size"} <= params.keys():  # our line: its Size, Executor and Chat Edit, under the prompt given
        return f"{prompt}\n{lines[-1].strip()}"
    ours = [line for line in lines if line.startswith("Chat Edit:")]  # an older result's form
    if not ours:
        return text
    edit = ours[-1][len("Chat Edit:"):].strip()
    found = _EXECUTOR.search(edit)
    if found:
        edit = edit[: found.start()] + edit[found.end():]
    executor = found.group(1) if found else "local"
    return f"{prompt}\nSize: {size}, Executor: {executor}, Chat Edit: {json.dumps(edit, ensure_ascii=False)}"
