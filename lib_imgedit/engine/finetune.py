"""Accepted turns as a fine-tuning data set: JSONL in the chat-messages format that LoRA trainers
(LLaMA-Factory's sharegpt/openai format, PEFT/TRL scripts) and the OpenAI fine-tuning API read:

    {"messages": [{"role": "system", ...}, ...earlier turns..., {"role": "user", ...}, {"role": "assistant", "content": "<plan JSON>"}]}

The assistant's answer is the plan in its JSON form: a bare instruction for one step, {"steps": [...]}
for several.

A turn is accepted when the user kept its result (its node lies on the path to the session's current
image: it was never undone, or was redone) or when it ran an accepted suggestion. Each example holds
exactly what the planner would see for that turn (the template's system prompt with that picture's
labels, the earlier turns, the request), without few-shot examples, images or any key. Exporting is
opt-in (`export_finetune`), since the data set holds what users typed.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..core.errors import Forbidden
from ..planner.llm import planning_messages
from ..planner.templates import load_template
from ..store import Message, Node
from .conversation import branch, conversation_context
from .service import EditService

_SKIPPED_PLANNERS = ("command", "manual")  # buttons and hand-edited JSON carry no request to learn from


def accepted_turns(messages: list[Message], nodes: dict[str, Node], current: str | None) -> Iterator[int]:
    """Indexes of the user messages whose turn was accepted."""
    kept: set[str] = set()
    node = nodes.get(current or "")
    while node is not None:
        kept.add(node.id)
        node = nodes.get(node.parent or "")
    for i, msg in enumerate(messages[:-1]):
        planner = msg.data.get("planner")
        if msg.role != "user" or not msg.data.get("instruction") or planner in _SKIPPED_PLANNERS or msg.data.get("failed"):
            continue
        made = nodes.get(messages[i + 1].node or "")
        produced = made is not None and made.parent == msg.node and made.id != msg.node
        if planner == "suggestion" or (produced and made.id in kept):
            yield i


def examples(service: EditService, template_name: str = "") -> Iterator[dict[str, Any]]:
    template = load_template(template_name or service.settings.llm_template or "default", service.settings.data_dir)
    template.examples = []  # few-shots help an untuned model; a tuned one learns from the data itself
    store = service.store
    for session_id in store.expired(-math.inf):  # every session: idle for more than -inf seconds
        session = store.get_session(session_id)
        messages = store.messages(session_id)
        nodes = {n.id: n for n in store.nodes(session_id)}
        for i in accepted_turns(messages, nodes, session.current):
            msg = messages[i]
            base = nodes.get(msg.node or "")
            if base is None:
                continue
            labels = service.node_labels(base)
            if msg.data.get("mask"):  # the drawn mask is the label the plan targets
                labels.masks["user_mask"] = np.zeros((labels.height, labels.width), bool)
            ctx = conversation_context(labels, msg.text, messages[:i], branch(nodes, base),
                                       user_mask=bool(msg.data.get("mask")))
            chat = planning_messages(template, ctx, service.rules)
            chat.append({"role": "assistant", "content": json.dumps(msg.data["instruction"], ensure_ascii=False)})
            yield {"messages": chat}


def export_finetune(service: EditService, out: str | os.PathLike, template_name: str = "") -> int:
    """Write the accepted turns of every session to `out` (JSONL); returns how many."""
    if not service.settings.export_finetune:
        raise Forbidden("exporting a fine-tuning data set is off: turn on “Allow exporting accepted turns as a "
                        "fine-tuning data set” in Settings "
                        "(or IMGEDIT_EXPORT_FINETUNE=1) to allow it")
    path = Path(out)
    tmp = path.with_name(path.name + ".tmp")
    count = 0
    with tmp.open("w", encoding="utf-8") as fh:
        for example in examples(service, template_name):
            fh.write(json.dumps(example, ensure_ascii=False) + "\n")
            count += 1
    os.replace(tmp, path)
    return count
