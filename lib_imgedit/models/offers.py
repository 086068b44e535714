"""Large model downloads are asked for once. A segmentation model over LARGE_MB is not downloaded while
segmenting (an upload, or the labels re-read after an edit), nor LaMa for a removal, nor the grounding model while looking for a
thing by name, until the user agreed: the reply offers it ("say 'download the models'"), and saying so in the chat, or turning on the
`download_large_models` setting, is the agreement. The service stores it in that setting (the data
folder's config.json standalone, the WebUI's Settings inside it), so it holds for the whole server
and is never asked again. Smaller models download on first use as before; a model that failed is not
offered or retried (the chain skips it for the session)."""

from __future__ import annotations

import re
from typing import Any

from .. import models
from ..core.config import Settings
from ..core.lang import setting_name

LARGE_MB = 100.0  # the rule, not a setting: a model this big is asked for first
EXAMPLES = 4  # labels an offer names
AGREE = re.compile(r"(please\s+)?(download|get|fetch)\s+(the\s+)?(large\s+|segmentation\s+)?models?(\s+please)?[\s.!]*"
                   r"|(请)?下载(大)?模型(吧)?[\s。！!]*", re.I)


def agrees(text: str) -> bool:
    """Whether the message is the user's agreement to download the models."""
    return AGREE.fullmatch(text.strip()) is not None


def held_back(pending: list[dict[str, Any]], settings: Settings) -> list[dict[str, Any]]:
    """The pending downloads (`SegmenterChain.pending_downloads()`) that wait for the user's agreement."""
    if settings.download_large_models:
        return []
    return [p for p in pending if p["size_mb"] > LARGE_MB]


def must_ask(spec: models.ModelSpec, settings: Settings) -> bool:
    """Whether using `spec` now means a large download the user has not agreed to."""
    return (not settings.download_large_models and spec.size_mb > LARGE_MB and not models.is_offline(settings)
            and not models.is_present(spec, settings))


def offer(held: list[dict[str, Any]], labels: list[str], zh: bool = False) -> str:
    """The sentence that asks for the held downloads, naming a few labels each would add."""
    if not held:
        return ""
    parts = [_one(p, labels, zh) for p in held]
    if zh:
        return f"用 {'、'.join(parts)} 我能看到更多：说“下载模型”，或在设置里打开“{setting_name('download_large_models', True)}”。"
    return f"I can see {' and '.join(parts)}: say 'download the models' or turn on “{setting_name('download_large_models')}” in Settings."


def _one(p: dict[str, Any], labels: list[str], zh: bool) -> str:
    more = [n.replace("_", " ") for n in p["labels"] if n not in labels]
    examples = ", ".join(more[:EXAMPLES]) + ("..." if len(more) > EXAMPLES else "")
    size = f"{p['size_mb']:.0f} MB"
    if zh:
        return f"{p['title']}（下载 {size}，{p['licence']}{'；' + examples if examples else ''}）"
    return f"more{f' ({examples})' if examples else ''} with {p['title']} ({size} download, {p['licence']})"


def downloaded(pending: list[dict[str, Any]], settings: Settings) -> list[str]:
    """Notes naming the pending downloads that are now on disk."""
    return [f"downloaded {p['title']} ({p['size_mb']:.0f} MB)" for p in pending
            if models.is_present(p["model"], settings)]
