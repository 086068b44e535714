"""Model families (`defaults/families.json`): which parameters a loaded model needs, which ControlNet
models fit it, and whether it wants a description of the region or an instruction.

The table is data so that a new family is one entry; `family_of_model` reads the loaded model the way
Forge and A1111 expose it, `family_of_name` guesses from a checkpoint's file name (remote WebUI).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..core.config import DEFAULTS_DIR
from ..core.instruction import EditInstruction

DESCRIPTION, INSTRUCTION = "description", "instruction"


@dataclass(frozen=True)
class Family:
    key: str
    label: str
    side: int
    steps: int | None
    cfg: float | None
    distilled_cfg: float | None
    sampler: str | None
    scheduler: str | None
    controlnet: bool
    controlnet_names: tuple[str, ...]
    controlnet_excludes: tuple[str, ...]
    prompt_style: str

    def fits_controlnet(self, model_name: str) -> bool:
        """A ControlNet model of this family: its name holds one of our words and none of the others'."""
        name = model_name.lower()
        if not self.controlnet or any(w in name for w in self.controlnet_excludes):
            return False
        return not self.controlnet_names or any(w in name for w in self.controlnet_names)


@lru_cache(maxsize=1)
def families() -> dict[str, Family]:
    data = json.loads((DEFAULTS_DIR / "families.json").read_text("utf-8"))
    data.pop("_comment", None)
    return {key: Family(key=key, **{**v, "controlnet_names": tuple(v["controlnet_names"]),
                                    "controlnet_excludes": tuple(v["controlnet_excludes"])}) for key, v in data.items()}


def family(key: str | bool | None) -> Family:
    """A family by key; True/False/None stand for SDXL / SD 1.5 / unknown (SD 1.5), as callers knew them."""
    if isinstance(key, bool) or key is None:
        key = "sdxl" if key else "sd15"
    return families()[key]


def family_of_name(name: str) -> str:
    """The family a checkpoint's file name suggests (for a remote WebUI, which says only the name)."""
    low = name.lower()
    if "kontext" in low:
        return "flux_kontext"
    if "qwen" in low and "edit" in low:
        return "qwen_image_edit"
    if "flux" in low:
        return "flux_fill" if "fill" in low else "flux_schnell" if "schnell" in low else "flux_dev"
    return "sdxl" if "xl" in low else "sd15"


def family_of_model(model: Any, checkpoint_name: str = "") -> str:
    """The loaded model's family. Forge's engines say it: `is_sdxl`/`is_sd1`/`is_sd2`, and for Flux the
    class `Flux` (backend/diffusion_engine/flux.py), `use_distilled_cfg_scale` (dev, not schnell) and
    `is_inpaint` (Fill); Kontext is a Flux dev checkpoint, known by its name. A1111 has only `is_sdxl`."""
    if getattr(model, "is_sdxl", False):
        return "sdxl"
    if getattr(model, "is_sd1", False) or getattr(model, "is_sd2", False):
        return "sd15"
    repo = str(getattr(getattr(model, "model_config", None), "huggingface_repo", "") or "")
    if type(model).__name__ == "Flux" or "flux" in repo.lower():
        if "kontext" in checkpoint_name.lower():
            return "flux_kontext"
        if getattr(model, "is_inpaint", False):
            return "flux_fill"
        return "flux_dev" if getattr(model, "use_distilled_cfg_scale", False) else "flux_schnell"
    return "sd15"


def imperative(instr: EditInstruction, said: str = "") -> str:
    """The plan as an instruction for an instruction-edit model ("Replace the background with a beach
    at sunset; keep everything else unchanged"), from the operation, its targets and the words asked for;
    the user's own words (`said`) follow, as the model may read more in them than the plan holds."""
    what = " and ".join(t.replace("_", " ") for t in instr.targets) or "the picture"
    words = instr.prompt.strip().rstrip(".")
    op = instr.operation
    if op == "remove":
        text = f"Remove the {what}" + (f" ({words})" if words else "") + " and fill the space naturally"
    elif op == "restyle":
        text = f"Restyle the picture as {words}" if words else "Restyle the picture"
    elif op == "face_swap":
        text = f"Replace the face of the {what} with the given face"
    elif instr.targets:
        text = f"Replace the {what} with {words}" if words else f"Redraw the {what}"
    else:
        text = words[:1].upper() + words[1:] if words else "Improve the picture"
    keep = "keep the composition, colours and lighting unchanged" if op == "restyle" else \
        "keep everything else in the picture unchanged"
    avoid = f"; avoid {instr.negative_prompt.strip()}" if instr.negative_prompt.strip() else ""
    words = " ".join(said.split())[:300]
    asked = f' The request was: "{words}".' if words else ""
    return f"{text}; {keep}{avoid}.{asked}"


def prompt_for(instr: EditInstruction, style: str, said: str = "") -> str:
    """What a backend gets as its text: the region's description (the plan's prompt) or an instruction."""
    return imperative(instr, said) if style == INSTRUCTION else instr.prompt
