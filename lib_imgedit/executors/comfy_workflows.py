"""ComfyUI workflow templates: API-format graphs shipped as data, with named slots.

A template file is `{"imgedit": {...}, "prompt": {<API-format graph>}}` (the `prompt` key is what
ComfyUI's POST /prompt takes, so the file is also a valid saved request). `imgedit` says which
operations it serves, its model family, whether it wants a description or an instruction, and its
slots: a slot name -> the "node_id.input" places it fills (image, mask, prompt, negative, seed,
steps, cfg, sampler, scheduler, denoise, guidance, width, height, and model names such as ckpt,
unet, clip, clip2, vae, listed under `models`). Shipped templates live in `defaults/workflows/`;
a user's own go in `<data dir>/workflows/` and win over shipped ones of the same name.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.config import DEFAULTS_DIR
from ..core.errors import ImgEditError

SHIPPED = DEFAULTS_DIR / "workflows"
# The workflow per operation when the settings name none.
DEFAULT_FOR = {"inpaint": "sd_inpaint", "remove": "sd_inpaint", "restyle": "sd_inpaint"}


class WorkflowError(ImgEditError):
    """A workflow file that cannot be used: named but absent, unreadable, or a slot pointing nowhere."""

    status = 400


@dataclass
class Workflow:
    name: str
    graph: dict[str, Any]
    operations: tuple[str, ...]
    family: str
    prompt_style: str
    slots: dict[str, list[str]]
    models: tuple[str, ...]
    path: Path

    @classmethod
    def load(cls, path: Path) -> Workflow:
        try:
            data = json.loads(path.read_text("utf-8"))
            meta, graph = data["imgedit"], data["prompt"]
            wf = cls(path.stem, graph, tuple(meta["operations"]), str(meta.get("family", "sd15")),
                     str(meta.get("prompt_style", "description")), {k: list(v) for k, v in meta["slots"].items()},
                     tuple(meta.get("models", ())), path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise WorkflowError(f"the workflow {path.name} cannot be read ({type(exc).__name__}: {exc}); it must be "
                                '{"imgedit": {"operations", "slots", ...}, "prompt": {API-format graph}}') from None
        for slot, places in wf.slots.items():
            for place in places:
                node, _, name = place.partition(".")
                if node not in graph or not name or name not in graph[node].get("inputs", {}):
                    raise WorkflowError(f"the workflow {path.name}: slot {slot!r} names {place!r}, which its graph lacks")
        if "image" not in wf.slots or "prompt" not in wf.slots:
            raise WorkflowError(f"the workflow {path.name} needs at least the slots 'image' and 'prompt'")
        return wf

    def filled(self, values: dict[str, Any]) -> dict[str, Any]:
        """A copy of the graph with each slot that has a value set (slots without a value keep the template's)."""
        graph = copy.deepcopy(self.graph)
        for slot, value in values.items():
            if value is None:
                continue
            for place in self.slots.get(slot, ()):
                node, _, name = place.partition(".")
                graph[node]["inputs"][name] = value
        return graph

    def model_places(self, graph: dict[str, Any]) -> list[tuple[str, str, str, str]]:
        """(slot, node class, input, file name) of every model the graph loads."""
        out = []
        for slot in self.models:
            for place in self.slots.get(slot, ()):
                node, _, name = place.partition(".")
                out.append((slot, graph[node]["class_type"], name, str(graph[node]["inputs"][name])))
        return out


def workflow_dirs(data_dir: str) -> list[Path]:
    """Where workflows are looked for: the user's folder first, then the shipped ones."""
    return ([Path(data_dir) / "workflows"] if data_dir else []) + [SHIPPED]


def find_workflow(name: str, data_dir: str) -> Workflow:
    for folder in workflow_dirs(data_dir):
        path = folder / f"{name}.json"
        if path.is_file():
            return Workflow.load(path)
    raise WorkflowError(f"no ComfyUI workflow named {name!r} (looked in {', '.join(str(d) for d in workflow_dirs(data_dir))})")


def pairs(spec: str) -> dict[str, str]:
    """'a=b, c=d' -> {'a': 'b', 'c': 'd'} (the settings' form for per-operation and per-slot choices)."""
    out = {}
    for item in spec.split(","):
        key, sep, value = item.partition("=")
        if sep and key.strip() and value.strip():
            out[key.strip()] = value.strip()
    return out


def workflow_for(operation: str, operations_setting: str, data_dir: str) -> Workflow | None:
    """The workflow that serves `operation`: the one the settings name, else a user workflow that lists it,
    else the shipped default; None when there is none."""
    named = pairs(operations_setting).get(operation)
    if named:
        return find_workflow(named, data_dir)
    user = Path(data_dir) / "workflows" if data_dir else None
    if user is not None and user.is_dir():
        for path in sorted(user.glob("*.json")):
            wf = Workflow.load(path)
            if operation in wf.operations:
                return wf
    default = DEFAULT_FOR.get(operation)
    return find_workflow(default, data_dir) if default else None


def combo_choices(object_info: dict[str, Any], node_class: str, name: str) -> list[str] | None:
    """The allowed values of a node's combo input as /object_info lists them (the old form
    `[[choices...], {...}]` and the newer `["COMBO", {"options": [...]}]`), or None."""
    inputs = (object_info.get(node_class) or {}).get("input") or {}
    spec = (inputs.get("required") or {}).get(name) or (inputs.get("optional") or {}).get(name)
    if not spec:
        return None
    if isinstance(spec[0], list):
        return [str(c) for c in spec[0]]
    if spec[0] == "COMBO" and len(spec) > 1 and isinstance(spec[1], dict):
        return [str(c) for c in spec[1].get("options") or []]
    return None


def whats_missing(wf: Workflow, graph: dict[str, Any], object_info: dict[str, Any]) -> str:
    """One sentence naming the node types and model files the server lacks, or "" when it has them all."""
    nodes = sorted({n["class_type"] for n in graph.values() if n["class_type"] not in object_info})
    models = []
    for slot, cls, name, file in wf.model_places(graph):
        choices = combo_choices(object_info, cls, name)
        if cls in object_info and choices is not None and file not in choices:
            models.append(f"{file} ({slot}, for {cls})")
    parts = []
    if nodes:
        parts.append("the node types " + ", ".join(nodes))
        parts[-1] += " (a custom node pack or a newer ComfyUI)"
    if models:
        parts.append("the model files " + ", ".join(models))
    if not parts:
        return ""
    return (f"the ComfyUI workflow {wf.name} needs " + " and ".join(parts) + ", which the server does not have: "
            "put them in its models folders or name others in the setting comfyui_models (slot=file)")
