"""Run by the WebUI at every start (unless --skip-install): install what Chat Edit needs and the
WebUI lacks, with the WebUI's own helpers, never moving what the WebUI pinned.

A package is installed only when it is missing, or, for the two whose API we depend on (openai 1.x,
json-repair), when the installed version is outside the range. The WebUI's pins are passed to pip as
requirements of the same command, so pip keeps them (openai 2.x would pull anyio 4 and a new httpx;
any newer numpy, protobuf or opencv breaks the WebUI). A failure is logged and the WebUI starts
anyway: mediapipe (offline segmentation), onnxruntime + huggingface_hub (downloaded segmentation
models) and redis (shared sessions) are optional.

mediapipe is checked, not only found: a fresh A1111 + ControlNet install resolves it to 1.x, which
has no `solutions` and ships no model files, so offline segmentation silently disappeared. When the
installed one lacks what the offline segmenter uses, a working 0.10.x is installed within the pins,
and if that fails the console says what is missing.
"""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

import launch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lib_imgedit.host import deps  # noqa: E402 - stdlib only, no `modules`: safe before the WebUI starts

MEDIAPIPE = deps.MEDIAPIPE
package_dir = deps.package_dir

# (distribution, pip requirement, reinstall when the installed version is outside the range)
PACKAGES = [
    ("openai", "openai>=1.40,<2", True),
    ("json-repair", "json-repair>=0.30,<1", True),
    ("pypinyin", "pypinyin>=0.50,<1", False),  # Chinese typos (pure Python)
    ("jsonschema", "jsonschema>=4.17,<5", False),
    ("redis", "redis>=5,<9", False),
    ("onnxruntime", "onnxruntime>=1.17,<2", False),  # onnxruntime-gpu (ReActor's) counts: it is the same module
    ("huggingface_hub", "huggingface_hub>=0.20,<1", False),
    ("tokenizers", "tokenizers>=0.13,<1", False),  # CLIPSeg's; the host's transformers normally brings it
]
# The WebUI's own pins that an install must never move.
HOLD = ("numpy", "protobuf", "opencv-python", "opencv-python-headless", "opencv-contrib-python", "pydantic", "fastapi",
        "starlette", "httpx", "httpcore", "h11", "anyio", "gradio", "Pillow", "torch")


def version_ok(dist: str, requirement: str) -> bool:
    try:
        from packaging.requirements import Requirement

        return Requirement(requirement).specifier.contains(importlib.metadata.version(dist), prereleases=True)
    except Exception:  # noqa: BLE001 - no packaging, odd version: keep what is there
        return True


def wanted() -> list[str]:
    return [req for dist, req, enforce in PACKAGES
            if not launch.is_installed(dist) or (enforce and not version_ok(dist, req))]


def held_versions() -> list[str]:
    out = []
    for name in HOLD:
        try:
            out.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return out


def mediapipe_problem() -> str | None:
    """What the installed mediapipe lacks for offline segmentation, or None when it has it all."""
    return deps.mediapipe_problem(package_dir("mediapipe"))


def pip(requirement: str, holds: str) -> bool:
    try:
        launch.run_pip(f'install "{requirement}" {holds}', f"Chat Edit requirement: {requirement}")
        return True
    except Exception as exc:  # noqa: BLE001 - never stop the WebUI from starting
        print(f"[Chat Edit] could not install {requirement} ({exc}); what needs it stays off", flush=True)
        return False


def main() -> None:
    """Printed to stdout: the WebUI shows an install script's stdout, and drops its stderr when it exits 0."""
    if getattr(getattr(launch, "args", None), "skip_install", False):
        return
    todo = wanted()
    problem = mediapipe_problem()
    if problem and not deps.protobuf_blocks():  # else pip cannot resolve it without moving the host's protobuf
        todo.append(MEDIAPIPE)
    holds = " ".join(f'"{h}"' for h in held_versions()) if todo else ""
    for req in todo:
        pip(req, holds)
    if problem and mediapipe_problem():
        print(deps.notice(mediapipe_problem()), flush=True)

if __name__ == "__main__":
    main()
