"""Whether a text is Chinese: planners and replies answer in the language the user wrote in."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")  # CJK ideographs: extension A, unified, compatibility


def is_zh(text: str | None) -> bool:
    return bool(CJK.search(text or ""))
