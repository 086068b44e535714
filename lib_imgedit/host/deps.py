"""What offline segmentation needs from mediapipe, and the one notice when it is missing: shared by
`install.py` (run by the WebUI before it starts: stdlib only, no `modules`) and the tab, so the console
and the tab say the same thing.

mediapipe 0.10.14-0.10.21 (the last with the legacy `solutions` and their model files) needs
protobuf >= 4.25.3; Forge pins protobuf 3.20.0, so there it cannot be installed without moving the
host's pin, which install.py never does: the notice says so and gives the command for a person who
chooses to.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import sys
from pathlib import Path

MEDIAPIPE = "mediapipe>=0.10.14,<0.10.22"
PROTOBUF_NEEDED = (4, 25, 3)  # what every mediapipe 0.10.14-0.10.21 requires
# What the offline segmenter uses from the mediapipe package (1.x has neither).
MEDIAPIPE_NEEDS = ("python/solutions/__init__.py", "modules/selfie_segmentation/selfie_segmentation.tflite",
                   "modules/face_landmark/face_landmark_with_attention.tflite")
FALLBACK = ("uploads use the downloaded segmenters (fetched on the first upload when online) or ControlNet's "
            "segmentation preprocessors, else the whole picture as one region (paint a mask for a part)")


def version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def package_dir(name: str) -> Path | None:
    """Where an installed package lives, found without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]) if locations else None


def mediapipe_problem(root: Path | None) -> str | None:
    """What the mediapipe package at `root` lacks for offline segmentation, or None when it has it all."""
    if root is None:
        return "mediapipe is not installed"
    missing = [rel for rel in MEDIAPIPE_NEEDS if not (root / rel).is_file()]
    if not missing:
        return None
    return (f"mediapipe {version('mediapipe') or '?'} has no {', '.join(missing)} (the legacy solutions and their "
            "models, which 0.10.x ships)")


def protobuf_blocks() -> str | None:
    """The installed protobuf when it is older than mediapipe 0.10.x needs (Forge's pin), else None."""
    found = version("protobuf")
    if not found:
        return None
    parts = tuple(int(p) if p.isdigit() else 0 for p in found.split(".")[:3])
    return found if parts < PROTOBUF_NEEDED else None


def fix_command(python: str | None = None) -> str:
    """The one command that installs a working mediapipe into the WebUI's Python."""
    extra = ' "protobuf>=4.25.3,<5"' if protobuf_blocks() else ""
    return f'"{python or sys.executable}" -m pip install "{MEDIAPIPE}"{extra}'


def notice(problem: str) -> str:
    """The console's and the tab's words for a missing offline segmenter, with the fix."""
    held = protobuf_blocks()
    why = (f"; mediapipe 0.10.x needs protobuf>=4.25.3 and this WebUI pins protobuf {held}, which Chat Edit "
           "leaves alone" if held else "")
    tail = " (this moves the WebUI's protobuf pin: check its other extensions after)" if held else ""
    return (f"[Chat Edit] offline segmentation (mediapipe) is off: {problem}{why}. Meanwhile {FALLBACK}. "
            f"To fix: {fix_command()}{tail}")


def mediapipe_notice() -> str:
    """The notice when the installed mediapipe cannot segment offline, else ""."""
    problem = mediapipe_problem(package_dir("mediapipe"))
    return notice(problem) if problem else ""


def tab_notice() -> str:
    """The same, short, for the tab's welcome (Markdown: the command as code)."""
    if mediapipe_problem(package_dir("mediapipe")) is None:
        return ""
    found = version("mediapipe")
    what = f"mediapipe {found} lacks the legacy solutions that 0.10.x has" if found else "mediapipe is not installed"
    held = protobuf_blocks()
    why = f", and this WebUI pins protobuf {held}, too old for 0.10.x" if held else ""
    return (f"Offline segmentation is off: {what}{why}. Uploads use the downloaded or ControlNet segmenters, else the "
            f"whole picture as one region. To fix: `{fix_command()}`")
