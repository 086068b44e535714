"""Every catalogued model as the user needs to see it: size, licence, files, where it is looked for,
whether it is there and checked. `python -m lib_imgedit models` prints it; the Settings page can show
`model_list(settings)` as it is.

    for row in model_list(settings): row["name"], row["present"], row["verified"], row["files"] ...
"""

from __future__ import annotations

import os
from typing import Any

from ..core.config import Settings
from ..core.lang import setting_name
from .catalog import catalog
from .download import MARKER, _read_marker, is_offline, models_dir


def model_list(settings: Settings | None = None) -> list[dict[str, Any]]:
    """One dict per model: name, title, kind, size_mb, licence, commercial, repo, revision, source,
    folder, files ([{path, size_mb, present, verified}]), present and verified (every file), used (the
    settings use it: commercial_models_only leaves out the others)."""
    root = models_dir(settings)
    only_commercial = bool(getattr(settings, "commercial_models_only", False))
    rows = []
    for name, s in catalog().items():
        folder = root / name
        marker = _read_marker(folder)
        checked = marker.get("files", {}) if marker.get("revision") == s.revision else {}
        files = []
        for f in s.files:
            path = folder / f.path
            entry = checked.get(f.path)
            present = path.is_file()
            verified = bool(present and entry and path.stat().st_size == entry["size"]
                            and (f.sha256 is None or entry["sha256"] == f.sha256))
            files.append({"path": f.path, "size_mb": f.size_mb, "present": present, "verified": verified})
        rows.append({
            "name": name, "title": s.title, "kind": s.kind, "size_mb": s.size_mb, "licence": s.licence,
            "commercial": s.commercial, "repo": s.repo, "revision": s.revision, "source": s.source, "folder": str(folder),
            "files": files, "present": all(f["present"] for f in files), "verified": all(f["verified"] for f in files),
            "used": s.commercial or not only_commercial,
        })  # fmt: skip
    return rows


def hub_address(settings: Settings | None = None) -> str:
    """Where downloads go: the setting's mirror, else huggingface_hub's own HF_ENDPOINT, else the hub."""
    return (settings.hf_endpoint if settings else "") or os.environ.get("HF_ENDPOINT") or "https://huggingface.co"


def format_list(rows: list[dict[str, Any]], settings: Settings | None = None) -> str:
    """The rows as text for a terminal."""
    out = [f"Models folder: {models_dir(settings)}" + ("  (downloads off)" if is_offline(settings) else ""),
           f"Hub: {hub_address(settings)} (set HF_ENDPOINT for a mirror, or “{setting_name('hf_endpoint')}” in Settings)", ""]
    for r in rows:
        state = "verified" if r["verified"] else "present, not checked" if r["present"] else "missing"
        use = "" if r["used"] else "  [not used: Only models that allow commercial use is on]"
        out.append(f"{r['name']}: {r['title']}  {r['size_mb']:.0f} MB, {state}{use}")
        out.append(f"  licence: {r['licence']}" + ("" if r["commercial"] else "  (not known to allow commercial use)"))
        out.append(f"  from {r['repo']} at {r['revision']}")
        for f in r["files"]:
            mark = "ok" if f["verified"] else "present" if f["present"] else "missing"
            out.append(f"  {mark:8} {r['folder']}/{f['path']}  ({f['size_mb']:g} MB)")
    out += ["", f"A file put there by hand is checked against its sha256 on first use (recorded in {MARKER})."]
    return "\n".join(out)
