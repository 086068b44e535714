"""Settings and rules, typed once.

`Settings` feeds the WebUI settings page, the standalone CLI flags, the config file
(`<data dir>/config.json`) and `IMGEDIT_*` environment variables; each field's metadata holds its
label and help text. Rules (`defaults/rules.json`, overridable by `<data dir>/rules.json`) say which
operations exist and which values are allowed.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

DEFAULTS_DIR = Path(__file__).parents[1] / "defaults"


def _opt(default: Any, label: str, help: str = "", *, choices: tuple | None = None, lo: float | None = None,
         hi: float | None = None, secret: bool = False, section: str = "general") -> Any:
    meta = {"label": label, "help": help, "choices": choices, "min": lo, "max": hi, "secret": secret, "section": section}
    return field(default=default, metadata=meta)


@dataclass
class Settings:
    # general
    data_dir: str = _opt("", "Data folder", "sessions database and images; empty: the default location")
    language: str = _opt("auto", "Language of the tab", choices=("auto", "en", "zh_CN"))
    # planning
    llm_profile: str = _opt("", "LLM profile", "a profile from profiles.json, env or offline; empty: the env profile when configured, else offline", section="planner")
    llm_model: str = _opt("", "LLM model for the environment profile", "used with OPENAI_BASE_URL / OPENAI_API_KEY", section="planner")
    llm_base_url: str = _opt("", "LLM base URL for the environment profile", "empty: OPENAI_BASE_URL, else api.openai.com", section="planner")
    llm_api_key: str = _opt("", "LLM API key for the environment profile", "empty: OPENAI_API_KEY", secret=True, section="planner")
    llm_template: str = _opt("", "Prompt template", "for profiles that name none: default, compact, zh or one in <data dir>/templates", section="planner")
    llm_timeout: float = _opt(60.0, "LLM timeout (s)", lo=1, hi=600, section="planner")
    llm_mode: str = _opt("model", "How the model and the offline planner work together",
                         "model: the model plans; offline-first: the offline planner answers what it reads with "
                         "confidence and the model gets the rest; checked: the model plans and a plan that "
                         "contradicts the request's explicit words is replaced", choices=("model", "offline-first", "checked"),
                         section="planner")
    suggestions: bool = _opt(True, "Offer next-edit suggestions", section="planner")
    export_finetune: bool = _opt(False, "Allow exporting accepted turns as a fine-tuning data set", section="planner")
    # execution
    executors: str = _opt("host,pool,comfyui,webui_api,openai_images,local", "Executor order", "tried left to right until one can serve", section="execution")
    segmenters: str = _opt("maskformer_coco,segformer_ade20k,human_parsing,controlnet,remote_controlnet,mediapipe", "Segmenter order",
                           "combined by the rules in combine.json; the first available segmenter of each kind (scene, parsing, people) runs", section="segmentation")
    commercial_models_only: bool = _opt(True, "Only models that allow commercial use",
                                        "on: segment with MediaPipe and the models whose licence allows commercial use "
                                        "(CLIPSeg, LaMa); off: also SegFormer ADE20K, MaskFormer COCO and the human-parsing "
                                        "model (non-commercial or unclear licences; they label many more things)", section="segmentation")
    models_dir: str = _opt("", "Models folder", "downloaded segmentation models; empty: the WebUI's models/imgedit, or <data dir>/models standalone", section="segmentation")
    models_offline: bool = _opt(False, "Never download models", "a model that is not on disk is skipped with a note", section="segmentation")
    hf_endpoint: str = _opt("", "Model hub address", "a mirror of the Hugging Face hub to download models from (e.g. "
                            "https://hf-mirror.com); empty: the HF_ENDPOINT environment variable, else huggingface.co",
                            section="segmentation")
    download_large_models: bool = _opt(False, "Download large models without asking",
                                       "a segmentation model over 100 MB is downloaded on first use only when this is on "
                                       "(saying 'download the models' in the chat turns it on)", section="segmentation")
    labels_in_background: bool = _opt(True, "Answer with the first labels",
                                      "on: an upload answers once the segmenters that need no downloaded model (MediaPipe) "
                                      "are done, and the models' labels follow in the chat; off: the upload waits for every "
                                      "segmenter", section="segmentation")
    labels_wait_s: float = _opt(60.0, "Wait for the labels (s)", "an edit sent while the models still read the picture "
                                "waits for them this long at most, then plans with the labels found so far", lo=0, hi=600,
                                section="segmentation")
    grounding_threshold: float = _opt(0.4, "Grounding threshold", "how sure CLIPSeg must be (0-1) that a named thing is in the picture", lo=0.05, hi=0.95, section="segmentation")
    controlnet_seg_download: bool = _opt(False, "Download ControlNet segmentation models",
                                         "OneFormer ADE20K/COCO weigh over 1 GB each; off: ControlNet segments only with "
                                         "models already downloaded, else MediaPipe does", section="segmentation")
    preset: str = _opt("keep structure", "Preset", choices=("keep structure", "creative", "fast"), section="execution")
    strength: float = _opt(0.0, "Denoising strength", "0: the per-operation default from the rules", lo=0, hi=1, section="execution")
    steps: int = _opt(20, "Sampling steps", lo=1, hi=150, section="execution")
    sampler: str = _opt("DPM++ 2M", "Sampler", section="execution")
    scheduler: str = _opt("Automatic", "Schedule type", section="execution")
    cfg_scale: float = _opt(7.0, "CFG scale", lo=1, hi=30, section="execution")
    sd_resolution: int = _opt(0, "Working resolution (px)", "side of the square area Stable Diffusion works at; 0: 512, or 1024 for SDXL", lo=0, hi=4096, section="execution")
    inpaint_padding: int = _opt(32, "Only-masked padding (px)", lo=0, hi=256, section="execution")
    mask_blur: int = _opt(4, "Mask blur (px)", lo=0, hi=64, section="execution")
    controlnet_module: str = _opt("auto", "ControlNet preprocessor", "auto: chosen per operation; none: off", section="execution")
    controlnet_model: str = _opt("auto", "ControlNet model", "auto: the first installed model that fits the preprocessor", section="execution")
    controlnet_weight: float = _opt(1.0, "ControlNet weight", lo=0, hi=2, section="execution")
    face_swap_extension: str = _opt("auto", "Face swap extension", choices=("auto", "reactor", "roop"), section="execution")
    # remote backends
    webui_api_url: str = _opt("", "Remote WebUI URL", "e.g. http://gpu-box:7860, for the webui_api executor", section="remote")
    webui_api_auth: str = _opt("", "Remote WebUI credentials (user:pass)", secret=True, section="remote")
    webui_api_timeout: float = _opt(300.0, "Remote WebUI timeout (s)", lo=1, hi=3600, section="remote")
    comfyui_url: str = _opt("", "ComfyUI URL", "e.g. http://gpu-box:8188, for the comfyui executor", section="remote")
    comfyui_auth_header: str = _opt("", "ComfyUI auth header", "sent with every request, as 'Name: value' (e.g. 'Authorization: Bearer ...')", secret=True, section="remote")
    comfyui_timeout: float = _opt(600.0, "ComfyUI timeout (s)", lo=1, hi=3600, section="remote")
    comfyui_models: str = _opt("", "ComfyUI model files", "name=file pairs that override a workflow's model slots, e.g. 'ckpt=sd15.safetensors, unet=flux1-fill-dev.safetensors'", section="remote")
    comfyui_operations: str = _opt("", "ComfyUI workflow per operation", "operation=workflow pairs, e.g. 'inpaint=flux_fill_inpaint, restyle=kontext_edit'; a workflow is a file in defaults/workflows or <data dir>/workflows", section="remote")
    backend_pool: str = _opt("", "Backend pool", "comma-separated ComfyUI and/or WebUI URLs (comfy+http://... or webui+http://...); each turn goes to the least busy one that answers", section="remote")
    keep_whole_output: bool = _opt(False, "Keep the model's whole output for whole-picture changes",
                                   "off: every result goes back through the mask, so pixels outside the edit stay the user's", section="execution")
    openai_images_model: str = _opt("gpt-image-1", "OpenAI image-edit model", choices=("gpt-image-1", "dall-e-2"), section="remote")
    openai_images_base_url: str = _opt("", "OpenAI image API base URL", "empty: OPENAI_BASE_URL or api.openai.com", section="remote")
    openai_api_key: str = _opt("", "OpenAI API key for image edits", "empty: OPENAI_API_KEY", secret=True, section="remote")
    openai_images_timeout: float = _opt(120.0, "OpenAI image-edit timeout (s)", lo=1, hi=600, section="remote")
    # limits
    max_image_pixels: int = _opt(36_000_000, "Largest image (pixels)", lo=1, section="limits")
    max_image_side: int = _opt(16384, "Longest image side (px)", lo=1, section="limits")
    max_upload_mb: float = _opt(30.0, "Largest upload (MB)", lo=0.01, section="limits")
    max_message_chars: int = _opt(4000, "Longest message (characters)", lo=1, section="limits")
    sessions_per_client: int = _opt(200, "Sessions per client", lo=1, section="limits")
    turns_per_minute: int = _opt(60, "Turns per minute per session", lo=1, section="limits")
    client_turns_per_minute: int = _opt(600, "Turns per minute per client", "a client is the signed-in user, or else the address it connects from", lo=1, section="limits")
    sessions_per_minute: int = _opt(120, "New sessions per minute per client", lo=1, section="limits")
    max_running_turns: int = _opt(8, "Turns running at once", "on this machine; more queue for a slot", lo=1, section="limits")
    max_waiting_turns: int = _opt(200, "Turns queued at most", "beyond running ones; more are refused with 429", lo=0, section="limits")
    forwarded_allow_ips: str = _opt("127.0.0.1", "Trusted proxies", "addresses or networks (comma-separated, * for any) whose X-Forwarded-For names the client, as uvicorn's --forwarded-allow-ips", section="limits")
    session_ttl_days: float = _opt(30.0, "Delete sessions idle for (days)", "0 keeps them forever", lo=0, section="limits")
    # storage
    store: str = _opt("sqlite", "Session store", choices=("sqlite", "redis"), section="storage")
    redis_url: str = _opt("redis://127.0.0.1:6379/0", "Redis URL", section="storage")

    @classmethod
    def field_meta(cls) -> list[tuple[str, Any, dict[str, Any]]]:
        """(name, default, metadata) for each field, in declaration order."""
        return [(f.name, f.default if f.default is not MISSING else None, dict(f.metadata)) for f in fields(cls)]

    def update(self, values: dict[str, Any]) -> Settings:
        """A copy with `values` applied, each coerced to the field's type and checked against its range."""
        out = copy.copy(self)
        known = {f.name: f for f in fields(self)}
        for key, value in values.items():
            if key not in known:
                raise ValueError(f"unknown setting {key!r}")
            setattr(out, key, _coerce(known[key], value))
        return out

    def public(self) -> dict[str, Any]:
        """Settings safe to show a client: secrets are reported only as set or not set, and URLs
        (the Redis URL may carry a password) without their credentials."""
        data = asdict(self)
        for name, _, meta in self.field_meta():
            if meta["secret"]:
                data[name] = bool(data[name])
            elif isinstance(data[name], str) and "@" in data[name] and "://" in data[name]:
                scheme, _, rest = data[name].partition("://")
                data[name] = f"{scheme}://{rest.rpartition('@')[2]}"
        return data

    @property
    def executor_order(self) -> list[str]:
        return [s.strip() for s in self.executors.split(",") if s.strip()]

    @property
    def segmenter_order(self) -> list[str]:
        return [s.strip() for s in self.segmenters.split(",") if s.strip()]


def _coerce(f: Any, value: Any) -> Any:
    kind = type(f.default)
    meta = f.metadata
    if kind is bool:
        if isinstance(value, str):
            value = value.strip().lower() in ("1", "true", "yes", "on")
        value = bool(value)
    elif kind in (int, float):
        try:
            value = kind(float(value)) if kind is int else kind(value)
        except (TypeError, ValueError):
            raise ValueError(f"setting {f.name!r} must be a number, got {value!r}") from None
        if (meta["min"] is not None and value < meta["min"]) or (meta["max"] is not None and value > meta["max"]):
            raise ValueError(f"setting {f.name!r} must be between {meta['min']} and {meta['max']}, got {value}")
    else:
        value = "" if value is None else str(value)
        if meta["choices"] and value not in meta["choices"]:
            raise ValueError(f"setting {f.name!r} must be one of {', '.join(meta['choices'])}, got {value!r}")
    return value


def default_data_dir() -> Path:
    env = os.environ.get("IMGEDIT_DATA_DIR")
    return Path(env).expanduser() if env else Path.home() / ".sd-webui-imgedit"


def load_settings(data_dir: str | os.PathLike | None = None, overrides: dict[str, Any] | None = None,
                  env: dict[str, str] | None = None) -> Settings:
    """Defaults, then `<data dir>/config.json`, then `IMGEDIT_*` variables, then `overrides`."""
    env = os.environ if env is None else env
    folder = Path(data_dir).expanduser() if data_dir else default_data_dir()
    settings = Settings(data_dir=str(folder))
    path = folder / "config.json"
    if path.is_file():
        settings = settings.update({k: v for k, v in json.loads(path.read_text("utf-8")).items() if k != "data_dir"})
    from_env = {
        name: env[f"IMGEDIT_{name.upper()}"]
        for name, _, _ in Settings.field_meta()
        if f"IMGEDIT_{name.upper()}" in env and name != "data_dir"
    }
    settings = settings.update(from_env)
    return settings.update({k: v for k, v in (overrides or {}).items() if v is not None})


def save_settings(settings: Settings, keys: list[str] | None = None) -> None:
    """Write the chosen settings (all but data_dir by default) into `<data dir>/config.json`."""
    path = Path(settings.data_dir) / "config.json"
    current = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    data = asdict(settings)
    for key in keys or [k for k in data if k != "data_dir"]:
        current[key] = data[key]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(current, indent=2, ensure_ascii=False), "utf-8")
    os.replace(tmp, path)


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def load_rules(data_dir: str | os.PathLike | None = None) -> dict[str, Any]:
    """The default rules merged with `<data dir>/rules.json` if the user wrote one."""
    rules = json.loads((DEFAULTS_DIR / "rules.json").read_text("utf-8"))
    if data_dir:
        user = Path(data_dir) / "rules.json"
        if user.is_file():
            rules = deep_merge(rules, json.loads(user.read_text("utf-8")))
    rules.pop("_comment", None)
    return rules


def label_rule(rules: dict[str, Any], label: str) -> dict[str, int]:
    """Per-label mask rule (dilate, erode, feather), falling back to `_default`."""
    table = rules["labels"]
    base = dict(table.get("_default", {}))
    base.update(table.get(label, {}))
    return base
