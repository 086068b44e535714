"""Prompt templates: markdown files a user can read and edit.

A template is `<name>.md` in `<data dir>/templates/` (the user's, read first) or in
`lib_imgedit/defaults/templates/`. Lines starting with `## ` open a section:
- `## system`: the planning system prompt;
- `## suggest`: the system prompt for next-edit suggestions (the built-in default's when missing);
- `## example` (any number): a few-shot example, a `labels:` line, a `user:` line and a fenced JSON
  block with the right instruction; sent as a user/assistant pair before the conversation.
Text before the first section is a note for humans. `{{name}}` placeholders are filled at plan time
(`PLACEHOLDERS` lists them); an unknown one is left as written.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import BadRequest
from .profiles import NAME_RE

BUILTIN_DIR = Path(__file__).resolve().parents[1] / "defaults" / "templates"
PLACEHOLDERS = {
    "operations": "the enabled operations with what each needs and its strength range",
    "schema": "the instruction's JSON schema for this picture (targets limited to its labels)",
    "schema_short": "the same schema without descriptions, for small context windows",
    "labels": "the picture's labels with their share of the picture, largest first",
    "label_names": "the picture's labels, comma-separated",
    "faces": "how many faces were detected (numbered left to right from 0)",
    "current": "the instruction that made the current image, or 'none'",
    "language": "English or Chinese: the language of the user's last message",
    "done": "instructions already applied in this session (suggestions only)",
    "n": "how many suggestions to give (suggestions only)",
}
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
_SECTION = re.compile(r"^##\s+(\w+)\s*$", re.M)
_FENCE = re.compile(r"```(?:json)?\s*\n(.*?)\n```", re.S)


@dataclass
class Example:
    labels: str
    user: str
    assistant: str  # the instruction as compact JSON


@dataclass
class Template:
    name: str
    system: str
    suggest: str = ""
    examples: list[Example] = field(default_factory=list)
    path: str = ""


def template_dirs(data_dir: str | os.PathLike | None) -> list[Path]:
    return ([Path(data_dir) / "templates"] if data_dir else []) + [BUILTIN_DIR]


def template_names(data_dir: str | os.PathLike | None) -> list[str]:
    names = {p.stem for d in template_dirs(data_dir) if d.is_dir() for p in d.glob("*.md") if NAME_RE.match(p.stem)}
    return sorted(names)


def load_template(name: str, data_dir: str | os.PathLike | None = None) -> Template:
    """The template `name` (the user's copy first); read on every call, so edits apply at once."""
    name = name or "default"
    if not NAME_RE.match(name):
        raise BadRequest(f"template name {name[:40]!r} must be a plain name such as 'default'")
    for folder in template_dirs(data_dir):
        path = folder / f"{name}.md"
        if path.is_file():
            template = parse_template(name, path.read_text("utf-8"), str(path))
            if not template.suggest:
                template.suggest = parse_template("default", (BUILTIN_DIR / "default.md").read_text("utf-8")).suggest
            return template
    raise BadRequest(f"no prompt template {name!r}; available: {', '.join(template_names(data_dir))}")


def parse_template(name: str, text: str, path: str = "") -> Template:
    sections: list[tuple[str, str]] = []
    marks = list(_SECTION.finditer(text))
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        sections.append((m.group(1).lower(), text[m.end():end].strip()))
    template = Template(name, "", path=path)
    for kind, body in sections:
        if kind == "system":
            template.system = body
        elif kind == "suggest":
            template.suggest = body
        elif kind == "example":
            template.examples.append(_example(body, name))
        else:
            raise ValueError(f"template {name}: unknown section '## {kind}' (use system, suggest, example)")
    if not template.system:
        raise ValueError(f"template {name}: a '## system' section is required")
    return template


def _example(body: str, name: str) -> Example:
    fields_ = dict(re.findall(r"^(labels|user):[ \t]*(.*)$", body, re.M))
    fence = _FENCE.search(body)
    if "user" not in fields_ or fence is None:
        raise ValueError(f"template {name}: an example needs a 'user:' line and a fenced JSON instruction")
    instruction = json.loads(fence.group(1))  # a broken example is the template author's error: say so
    return Example(fields_.get("labels", ""), fields_["user"], json.dumps(instruction, ensure_ascii=False))


def render(text: str, values: dict[str, Any]) -> str:
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text)


def placeholder_names(text: str) -> set[str]:
    return {m.group(1) for m in _PLACEHOLDER.finditer(text)}
