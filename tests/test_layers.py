"""The package's shape: layers import downwards only, and no module imports itself back in a circle.

Read from the source with `ast` (every import: module level, in functions, under TYPE_CHECKING), so a new
circle or an upward import fails here before anyone has to untangle it. The layers, lowest first; a
module may import its own package and the packages of the layers below, nothing beside or above.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "lib_imgedit"

LAYERS: list[tuple[str, ...]] = [
    ("core",),  # the instruction, config, errors, images, labels, masks: the foundations
    ("models", "store"),  # downloads and their catalog; the session store
    ("executors", "planner"),  # backends that run an edit; request -> plan
    ("segment",),  # picture -> label map (may use an executor's remote client, models)
    ("engine",),  # one turn: context -> plan -> masks -> execution -> store -> reply
    ("ui",),  # the tab (gradio)
    ("app",),  # the front doors: JSON API, standalone app, command line
    ("host",),  # the WebUI adapters, on top
]
TOP_FILES = {"__init__", "__main__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    path = ROOT / name.replace(".", "/")
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def imports(path: Path) -> set[str]:
    """The package's modules that `path` imports (`from . import images` counts as the submodule)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("lib_imgedit"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("lib_imgedit"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if is_module(sub) else target)
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports(p) for p in PKG.rglob("*.py")}


def part(module: str) -> str:
    """`lib_imgedit.engine.service` -> `engine`; the package's own top files are their own part."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def rank(name: str) -> int | None:
    for i, layer in enumerate(LAYERS):
        if name in layer:
            return i
    return len(LAYERS) if name in TOP_FILES else None


def test_every_part_has_a_layer() -> None:
    parts = {p.name for p in PKG.iterdir() if (p / "__init__.py").exists()}
    parts |= {p.stem for p in PKG.glob("*.py")}
    assert {p for p in parts if rank(p) is None} == set(), "add the new part to LAYERS"


def test_imports_point_down() -> None:
    upward = []
    for module, targets in sorted(graph().items()):
        for target in sorted(targets):
            a, b = part(module), part(target)
            if a != b and not rank(b) < rank(a):
                upward.append(f"{module} -> {target} ({a} may not import {b})")
    assert upward == []


def test_no_import_circle() -> None:
    edges = graph()
    # a package's __init__ importing its own submodules is how packages export; the circle that matters
    # is a module reaching back to itself through others
    circles: list[list[str]] = []
    state: dict[str, int] = defaultdict(int)  # 0 new, 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt == node or nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue  # a package and its own modules
            if state[nxt] == 1:
                circles.append(stack[stack.index(nxt):] + [nxt])
            elif state[nxt] == 0:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if state[node] == 0:
            visit(node)
    assert circles == []


def test_the_checks_can_fail(tmp_path: Path) -> None:
    """The reader sees an upward import and a circle when there is one."""
    assert rank("core") < rank("engine") < rank("host")
    upward = imports(PKG / "app" / "api.py")
    assert any(part(t) == "engine" for t in upward)  # a real downward edge is read
    assert part("lib_imgedit.engine.service") == "engine" and part("lib_imgedit") == "__init__"
