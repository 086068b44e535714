"""Whether a text is Chinese (planners and replies answer in the language the user wrote in), and the
tab's words in Chinese (`localizations/zh_CN.json`, the dictionary the page translates the tab with), so
a reply names a setting as the tab shows it."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")  # CJK ideographs: extension A, unified, compatibility
ZH_STRINGS = Path(__file__).resolve().parents[2] / "localizations" / "zh_CN.json"


def is_zh(text: str | None) -> bool:
    return bool(CJK.search(text or ""))


@functools.cache
def _zh_strings() -> dict[str, str]:
    return json.loads(ZH_STRINGS.read_text("utf-8"))


def translated(text: str, zh: bool) -> str:
    """A text of the tab in Chinese when `zh` (as the page shows it), else as it is."""
    return _zh_strings().get(text, text) if zh else text


def setting_name(name: str, zh: bool = False) -> str:
    """A setting as the tab's Settings shows it (its label), in Chinese for a Chinese reply."""
    from .config import Settings

    return translated(next(m["label"] for n, _, m in Settings.field_meta() if n == name), zh)
