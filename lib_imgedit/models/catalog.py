"""The downloadable models, as data: one JSON file per model in `defaults/models/`.

An entry names the Hugging Face repository, the pinned revision (a full commit hash, so a model that
is on disk never needs the network again), its files (each with a role, a path in the repository, the
sha256 when it is known, and a size), the licence, and what the code that runs it needs: the kind
(`semantic`, `parsing`, `grounding`, `inpaint`), whether the licence is known to allow commercial
use (`commercial`; the `commercial_models_only` setting uses only those), the output head, the input size and normalisation,
and the class names with the mapping onto this project's label vocabulary. Adding a model is adding
one file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..core.config import DEFAULTS_DIR

MODELS_DIR = DEFAULTS_DIR / "models"
KINDS = ("semantic", "parsing", "grounding", "inpaint")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class ModelFile:
    role: str  # "model", "tokenizer", ...
    path: str  # inside the repository
    sha256: str | None = None  # None: not pinned here; the hub's LFS sha256 is checked instead
    size: int | None = None  # bytes, when known exactly
    size_mb: float = 0.0  # as the hub shows it, for messages and the README


@dataclass(frozen=True)
class ModelSpec:
    name: str
    kind: str
    head: str
    title: str
    repo: str
    revision: str
    files: tuple[ModelFile, ...]
    licence: str
    commercial: bool = False  # the licence is known to allow commercial use
    source: str = ""
    input: dict[str, Any] = field(default_factory=dict)
    output: Any = None
    labels: tuple[str, ...] = ()
    vocabulary: dict[str, str | None] = field(default_factory=dict)
    min_share: float = 0.002

    @property
    def size_mb(self) -> float:
        return round(sum(f.size_mb for f in self.files), 1)

    def file(self, role: str = "model") -> ModelFile:
        for f in self.files:
            if f.role == role:
                return f
        raise KeyError(f"model {self.name!r} has no {role!r} file")

    @property
    def input_size(self) -> tuple[int, int]:
        """(width, height) the model runs at."""
        w, h = self.input.get("size", (512, 512))
        return int(w), int(h)

    def label_names(self) -> list[str | None]:
        """Our label for each class index (None: the class is dropped, e.g. the parsing background)."""
        from ..core.labels import clean_label

        out: list[str | None] = []
        for raw in self.labels:
            key = raw.strip()
            mapped = self.vocabulary[key] if key in self.vocabulary else clean_label(key)
            out.append(None if mapped is None else clean_label(mapped))
        return out


def parse_spec(name: str, data: dict[str, Any]) -> ModelSpec:
    """A checked ModelSpec from one entry; ValueError says what is wrong with it."""
    def need(key: str) -> Any:
        if not data.get(key):
            raise ValueError(f"model entry {name!r} needs {key!r}")
        return data[key]

    kind = need("kind")
    if kind not in KINDS:
        raise ValueError(f"model entry {name!r}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    revision = need("revision")
    if not _COMMIT.match(revision):
        raise ValueError(f"model entry {name!r}: revision must be a full 40-hex commit hash, got {revision!r}")
    files = []
    for item in need("files"):
        sha = item.get("sha256")
        if sha is not None and not _SHA256.match(sha):
            raise ValueError(f"model entry {name!r}: {item.get('path')!r} has a malformed sha256")
        files.append(ModelFile(item["role"], item["path"], sha, item.get("size"), float(item.get("size_mb", 0))))
    spec = ModelSpec(
        name=name, kind=kind, head=need("head"), title=data.get("title", name), repo=need("repo"),
        revision=revision, files=tuple(files), licence=need("licence"), commercial=data.get("commercial") is True,
        source=data.get("source", ""),
        input=dict(data.get("input", {})), output=data.get("output"), labels=tuple(data.get("labels", ())),
        vocabulary=dict(data.get("vocabulary", {})), min_share=float(data.get("min_share", 0.002)),
    )  # fmt: skip
    unknown = set(spec.vocabulary) - {raw.strip() for raw in spec.labels}
    if unknown:
        raise ValueError(f"model entry {name!r}: vocabulary maps unknown classes {sorted(unknown)}")
    spec.label_names()  # every class must give a usable label
    return spec


@lru_cache(maxsize=1)
def catalog() -> dict[str, ModelSpec]:
    """Every model entry shipped in `defaults/models/`, by name (the file's stem)."""
    out = {}
    for path in sorted(MODELS_DIR.glob("*.json")):
        out[path.stem] = parse_spec(path.stem, json.loads(path.read_text("utf-8")))
    return out


def spec(name: str) -> ModelSpec:
    """The entry for `name`; KeyError lists the known models."""
    table = catalog()
    if name not in table:
        raise KeyError(f"no model {name!r}; known: {', '.join(table)}")
    return table[name]
