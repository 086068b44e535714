"""Adapters to the WebUI that hosts the extension: the only modules that import the host's
`modules`, `modules_forge` or `lib_controlnet`, each thin and with one job. A1111 and Forge differ
mainly in ControlNet; which one runs is found at run time, never at import.

- `img2img`: the in-process `host` executor (StableDiffusionProcessingImg2Img under queue_lock);
- `runner`: the private copy of the img2img script runner an edit runs with;
- `controlnet`, `faceswap`: finding ControlNet (A1111 `external_code` / Forge `lib_controlnet`) and
  ReActor/roop;
- `segmenter`: ControlNet's segmentation preprocessors as the `controlnet` segmenter;
- `settings`, `routes`, `sendto`: the Settings section, the API routes under `--api-auth`, and the
  send-to-img2img/inpaint buttons.
"""

from __future__ import annotations

import importlib.util


def is_forge() -> bool:
    """Forge ships `modules_forge`; A1111 does not."""
    try:
        return importlib.util.find_spec("modules_forge") is not None
    except (ImportError, ValueError):
        return False
