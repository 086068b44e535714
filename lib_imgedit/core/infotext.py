"""The infotext a result PNG carries in its `parameters` chunk, written the WebUI's way so its
PNG Info tab and its send-to buttons read it (`infotext_utils.parse_generation_parameters`).

The WebUI's format: the prompt, an optional `Negative prompt: ...` line, and a last line of
`Key: value, ...` pairs, values holding a comma, colon or newline quoted as JSON strings. The WebUI
reads the last line as parameters only when it holds at least three pairs; otherwise the whole text
becomes the prompt. So:

- a Stable Diffusion result carries the WebUI's own line (Steps, Sampler, CFG scale, Seed, Size,
  Model, Denoising strength, ControlNet ...; the executor puts it in `info["parameters"]`, exactly the
  text the copy in outputs/ has), with `Chat Edit: "<instruction JSON>"` added when it lacks it;
- any other result gets its description as its prompt (a step's own prompt, else its caption) and a last line with `Size`, `Chat Edit`
  and `Executor` (three pairs, so the send-to buttons paste a prompt, not the whole text).

Pure: no WebUI import, so the standalone app writes the same text.
"""

from __future__ import annotations

import json
from typing import Any

from .describe import describe

CHAT_EDIT = "Chat Edit"


def quote(value: Any) -> str:
    """A value as the WebUI writes it into infotext (`infotext_utils.quote`)."""
    text = str(value)
    if "," not in text and "\n" not in text and ":" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def make_infotext(instr: Any, executor: str, info: dict[str, Any], size: tuple[int, int],
                  before: list[dict[str, Any]] | None = None) -> str:
    """The `parameters` text for a result of `executor` (`info` = `EditResult.info`), `size` = (w, h).
    `instr` is one instruction or a plan of several steps (`EditPlan`): its JSON goes into `Chat Edit`,
    its steps are described one after the other (`core/describe.py`, reader "infotext"), stacked on
    `before` (the steps already applied to the picture)."""
    chat = f"{CHAT_EDIT}: {quote(json.dumps(instr.to_dict(), ensure_ascii=False))}"
    steps = list(getattr(instr, "steps", [instr]))
    host = str(info.get("parameters") or "").strip()
    if host:
        head, _, last = host.rpartition("\n")
        if f"{CHAT_EDIT}:" not in last:
            last = f"{last}, {chat}" if last else chat
        return f"{head}\n{last}" if head else last
    pairs = [f"Size: {size[0]}x{size[1]}", chat, f"Executor: {quote(executor)}"]
    if info.get("model"):
        pairs.append(f"Model: {quote(info['model'])}")
    lines = [describe(instr, "infotext", "en", before or [])]
    negative = next((step.negative_prompt for step in steps if step.negative_prompt), "")
    if negative:
        lines.append(f"Negative prompt: {negative}")
    return "\n".join(lines + [", ".join(pairs)])
