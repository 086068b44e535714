"""Run by the WebUI at every start (unless --skip-install): install what Chat Edit needs and the
WebUI lacks, with the WebUI's own helpers, never moving what the WebUI pinned.

A package is installed only when it is missing, or, for the two whose API we depend on (openai 1.x,
json-repair), when the installed version is outside the range. The WebUI's pins are passed to pip as
requirements of the same command, so pip keeps them (openai 2.x would pull anyio 4 and a new httpx;
mediapipe 1.x has no bundled models; any newer numpy, protobuf or opencv breaks the WebUI). A failure
is logged and the WebUI starts anyway: mediapipe (offline segmentation) and redis (shared sessions)
are optional.
"""

import importlib.metadata
import sys

import launch

# (distribution, pip requirement, reinstall when the installed version is outside the range)
PACKAGES = [
    ("openai", "openai>=1.40,<2", True),
    ("json-repair", "json-repair>=0.30,<1", True),
    ("jsonschema", "jsonschema>=4.17,<5", False),
    ("redis", "redis>=5,<9", False),
    ("mediapipe", "mediapipe>=0.10.14,<=0.10.21", False),
]
# The WebUI's own pins that an install must never move.
HOLD = ("numpy", "protobuf", "opencv-python", "opencv-python-headless", "pydantic", "fastapi", "starlette",
        "httpx", "httpcore", "h11", "anyio", "gradio", "Pillow", "torch")


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


def main() -> None:
    if getattr(getattr(launch, "args", None), "skip_install", False):
        return
    todo = wanted()
    holds = " ".join(f'"{h}"' for h in held_versions()) if todo else ""
    for req in todo:
        try:
            launch.run_pip(f'install "{req}" {holds}', f"Chat Edit requirement: {req}")
        except Exception as exc:  # noqa: BLE001 - never stop the WebUI from starting
            print(f"[Chat Edit] could not install {req} ({exc}); what needs it stays off", file=sys.stderr)


if __name__ == "__main__":
    main()
