"""Fetch a catalogued model once, check it, and find it again without the network.

Files go to `<models dir>/<model name>/<path in the repository>` through huggingface_hub's
`hf_hub_download(local_dir=...)`, which resumes a `.incomplete` file left by an interrupted download.
The models folder is the `models_dir` setting, else the one the WebUI adapter registered
(`<WebUI>/models/imgedit`), else `<data dir>/models`. After a download each file's sha256 is compared
with the entry's pinned value or, when the entry has none, with the sha256 the hub itself advertises for
a Git LFS file (its ETag); a mismatch deletes the file. A checked file is recorded in
`<model dir>/.imgedit.json`, so later runs find it with no network at all.

With `models_offline` (or HF_HUB_OFFLINE=1) nothing touches the network and a missing model is a clear
error. A download that failed is remembered for the rest of the process (per model, folder and
offline switch), so a segmenter that cannot load costs one attempt, not one per upload;
`forget_failures()` allows another try.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.config import Settings, default_data_dir
from ..core.errors import ExecutorUnavailable
from ..core.lang import setting_name
from .catalog import ModelFile, ModelSpec, spec

if TYPE_CHECKING:
    from ..core.progress import ProgressFn

log = logging.getLogger("imgedit")
MARKER = ".imgedit.json"
_host_dir: Path | None = None
_failed: dict[tuple[str, str, bool], ModelUnavailable] = {}
_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()


class ModelUnavailable(ExecutorUnavailable):
    """A model is not on disk and cannot be downloaded now (offline, network, bad checksum). `message` is
    one plain sentence for the user; `model` names the entry and `reason` says why in a few words."""

    def __init__(self, message: str, model: str = "", reason: str = "", title: str = "") -> None:
        super().__init__(message)
        self.model, self.reason, self.title = model, reason or message, title or model


def short_title(s: ModelSpec) -> str:
    """The model's name without the parenthesised description, for sentences."""
    return s.title.split(" (")[0]


def what_to_do(names: list[str], settings: Settings | None = None) -> str:
    """How to get models that could not be downloaded here, in one clause."""
    folder = f"put the files into {models_dir(settings)} (`python -m lib_imgedit models` lists them)"
    if is_offline(settings):
        return f"{folder}, or allow downloads (“{setting_name('models_offline')}”: off)"
    command = "python -m lib_imgedit models download" + (f" {names[0]}" if len(names) == 1 else "")
    return f"set “{setting_name('hf_endpoint')}” in Settings (or HF_ENDPOINT) to a mirror of the hub, {folder}, or run `{command}` where the hub can be reached and copy them here"


def unavailable_sentence(failures: list[ModelUnavailable], settings: Settings | None = None) -> str:
    """One sentence naming every model that could not be had, why, and what to do."""
    named = [f for f in failures if f.model]
    if not named:  # raised by hand, with its own message
        return "; ".join(dict.fromkeys(f.message for f in failures))
    names = list(dict.fromkeys(f.model for f in named))
    titles = list(dict.fromkeys(f.title for f in named))
    reasons = list(dict.fromkeys(f.reason for f in named))
    listed = titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]
    return f"Could not get {listed} ({'; '.join(reasons)}): {what_to_do(names, settings)}."


def set_host_models_dir(path: str | os.PathLike | None) -> None:
    """Called by the WebUI adapter: models go under the WebUI's own models folder."""
    global _host_dir
    _host_dir = Path(path) if path else None


def models_dir(settings: Settings | None = None) -> Path:
    if settings is not None and settings.models_dir:
        return Path(settings.models_dir).expanduser()
    if _host_dir is not None:
        return _host_dir
    data = settings.data_dir if settings is not None and settings.data_dir else default_data_dir()
    return Path(data).expanduser() / "models"


def is_offline(settings: Settings | None = None) -> bool:
    env = os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")
    return env or bool(settings is not None and settings.models_offline)


def _spec(model: str | ModelSpec) -> ModelSpec:
    return model if isinstance(model, ModelSpec) else spec(model)


def local_path(model: str | ModelSpec, role: str = "model", settings: Settings | None = None) -> Path:
    s = _spec(model)
    return models_dir(settings) / s.name / s.file(role).path


def _read_marker(folder: Path) -> dict[str, Any]:
    try:
        return json.loads((folder / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _write_marker(folder: Path, s: ModelSpec, f: ModelFile, digest: str, size: int) -> None:
    data = _read_marker(folder)
    if data.get("revision") != s.revision:
        data = {"repo": s.repo, "revision": s.revision, "files": {}}
    data["files"][f.path] = {"sha256": digest, "size": size}
    tmp = folder / (MARKER + ".tmp")
    tmp.write_text(json.dumps(data, indent=1), "utf-8")
    os.replace(tmp, folder / MARKER)


def _checked(folder: Path, s: ModelSpec, f: ModelFile) -> bool:
    """The file is on disk and was checked before (same revision, same size)."""
    path = folder / f.path
    marker = _read_marker(folder)
    entry = marker.get("files", {}).get(f.path) if marker.get("revision") == s.revision else None
    return bool(entry) and path.is_file() and path.stat().st_size == entry["size"]


def is_present(model: str | ModelSpec, settings: Settings | None = None) -> bool:
    """Every file of the model is on disk (downloaded and checked, or put there by hand: `ensure` checks
    those against a pinned sha256 before use), so using it needs no network."""
    s = _spec(model)
    folder = models_dir(settings) / s.name
    return all(_checked(folder, s, f) or (folder / f.path).is_file() for f in s.files)


def failure(model: str | ModelSpec, settings: Settings | None = None) -> str | None:
    """Why the model could not be had earlier in this process, if it could not."""
    error = failed_error(model, settings)
    return error.message if error else None


def failed_error(model: str | ModelSpec, settings: Settings | None = None) -> ModelUnavailable | None:
    """The error of an earlier failed try in this process, or None."""
    return _failed.get((_spec(model).name, str(models_dir(settings)), is_offline(settings)))


def missing_error(model: str | ModelSpec, settings: Settings | None = None, may_download: bool = True) -> ModelUnavailable | None:
    """Why the model cannot be used now without a download attempt: it failed before, or it is not on
    disk and downloads are off. None when it is present or may still be downloaded."""
    s = _spec(model)
    if is_present(s, settings):
        return None
    if not may_download or is_offline(settings):
        return _unavailable(s, "not downloaded, and downloads are off", settings)
    return failed_error(s, settings)


def forget_failures() -> None:
    _failed.clear()


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def ensure(model: str | ModelSpec, progress: ProgressFn | None = None, settings: Settings | None = None,
           *, endpoint: str | None = None) -> Path:
    """The path of the model's main file, downloading every file of the entry first if needed.

    `progress(done_bytes, total_bytes, message)` is called while downloading (for the chat and the
    console). Raises ModelUnavailable with a message for the user when the model cannot be had."""
    return ensure_files(model, progress, settings, endpoint=endpoint)["model"]


def ensure_files(model: str | ModelSpec, progress: ProgressFn | None = None, settings: Settings | None = None,
                 *, endpoint: str | None = None) -> dict[str, Path]:
    """Like `ensure`, the path of every file by role (e.g. `model` and `tokenizer`)."""
    s = _spec(model)
    root = models_dir(settings)
    folder = root / s.name
    key = (s.name, str(root), is_offline(settings))
    with _guard:
        lock = _locks.setdefault(f"{root}/{s.name}", threading.Lock())
    with lock:  # one download of a model at a time; the second caller then finds it on disk
        todo = [f for f in s.files if not _checked(folder, s, f) and not _adopt(folder, s, f)]
        if todo:
            if key in _failed:
                raise _failed[key]
            try:
                _download(s, todo, folder, progress, settings, endpoint or (settings.hf_endpoint if settings else "") or None)
            except ModelUnavailable as exc:
                _failed[key] = exc
                raise
        return {f.role: folder / f.path for f in s.files}


def _adopt(folder: Path, s: ModelSpec, f: ModelFile) -> bool:
    """A file put there by hand (or by an older download) is accepted when it matches the pinned
    sha256; with no pinned sha256 it is accepted as the user's choice."""
    path = folder / f.path
    if not path.is_file() or path.name.endswith(".incomplete"):
        return False
    digest = sha256_of(path)
    if f.sha256 and digest != f.sha256:
        log.warning("%s does not match the pinned sha256 of %s; downloading it again", path, s.name)
        return False
    if not f.sha256:
        log.info("using %s as found (the %s entry pins no sha256 for it)", path, s.name)
    _write_marker(folder, s, f, digest, path.stat().st_size)
    return True


def _download(s: ModelSpec, files: list[ModelFile], folder: Path, progress: ProgressFn | None,
              settings: Settings | None, endpoint: str | None) -> None:
    where = folder.parent
    if is_offline(settings):
        raise _unavailable(s, "not downloaded, and downloads are off", settings)
    from huggingface_hub import hf_hub_download

    try:
        metas = [_head(s, f, endpoint) for f in files]
    except Exception as exc:  # noqa: BLE001 - network, DNS, 404: the user needs the reason, not a trace
        raise _unavailable(s, _reason(exc), settings, exc) from None
    total = sum(m[0] or f.size or 0 for m, f in zip(metas, files, strict=True))
    title = f"{s.title} ({total / 1e6:.0f} MB) into {where}"
    log.info("downloading %s", title)
    done = 0
    for f, meta in zip(files, metas, strict=True):
        watcher = _Watcher(folder, done, total, title, progress)
        try:
            with watcher:
                hf_hub_download(s.repo, f.path, revision=s.revision, local_dir=folder, endpoint=endpoint)
        except Exception as exc:  # noqa: BLE001
            raise _unavailable(s, _reason(exc, "the download broke off") + "; a later try resumes where it stopped",
                               settings, exc) from None
        path = folder / f.path
        digest = sha256_of(path)
        expected = f.sha256 or meta[1]
        size = path.stat().st_size
        if (expected and digest != expected) or (f.size and size != f.size):
            path.unlink(missing_ok=True)
            _forget_hf_metadata(folder, f.path)
            log.info("%s: sha256 %s, expected %s", path, digest, expected)
            raise _unavailable(s, f"{f.path} failed its checksum and was deleted", settings)
        if not expected:
            log.info("%s has no sha256 to check against; its size is %d bytes", f.path, size)
        _write_marker(folder, s, f, digest, size)
        done += size
        if progress:
            progress(done, max(total, done), f"Downloaded {s.title}: {done / 1e6:.0f} of {max(total, done) / 1e6:.0f} MB")
    log.info("%s is ready in %s", s.name, folder)


def _head(s: ModelSpec, f: ModelFile, endpoint: str | None) -> tuple[int | None, str | None]:
    """(size, LFS sha256) of a file from one quick HEAD request. huggingface_hub's own HEAD retries a
    dead network for half a minute, which an upload must not wait for."""
    from huggingface_hub import hf_hub_url
    from huggingface_hub.utils import build_hf_headers, get_session

    url = hf_hub_url(s.repo, f.path, revision=s.revision, endpoint=endpoint)
    r = get_session().head(url, headers={**build_hf_headers(), "Accept-Encoding": "identity"}, timeout=15,
                           allow_redirects=False)  # the hub answers LFS files with a redirect carrying the sha256
    if r.status_code >= 400:
        raise OSError(f"HTTP {r.status_code} for {f.path} at {s.revision[:10]}")
    size = r.headers.get("X-Linked-Size") or r.headers.get("Content-Length")
    etag = (r.headers.get("X-Linked-Etag") or r.headers.get("ETag") or "").strip('"').removeprefix("W/").strip('"')
    return (int(size) if size and size.isdigit() else None), (etag if re.fullmatch(r"[0-9a-f]{64}", etag) else None)


def _forget_hf_metadata(folder: Path, path: str) -> None:
    """huggingface_hub's record of a deleted file, so the next try downloads it again."""
    for meta in (folder / ".cache" / "huggingface" / "download").glob(f"{path}.metadata"):
        meta.unlink(missing_ok=True)


def _unavailable(s: ModelSpec, reason: str, settings: Settings | None, exc: BaseException | None = None) -> ModelUnavailable:
    """The error for a model that cannot be had: one sentence for the user; the library's own error
    text only in the info log, shown with -v (it names exception classes and URLs a user cannot act on)."""
    if exc is not None:
        log.info("%s could not be downloaded: %s: %s", s.name, type(exc).__name__, exc)
    error = ModelUnavailable("", s.name, reason, short_title(s))
    error.message = unavailable_sentence([error], settings)
    error.args = (error.message,)
    return error


def _reason(exc: BaseException, otherwise: str = "the model hub cannot be reached") -> str:
    """What went wrong, in words: the hub not reachable, or the HTTP answer it gave."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    match = re.search(r"HTTP (\d{3})", str(exc))
    status = status or (int(match.group(1)) if match else None)
    if status == 404:
        return "the hub has no such file (HTTP 404)"
    if status in (401, 403):
        return f"the hub refused the download (HTTP {status})"
    if status:
        return f"the hub answered HTTP {status}"
    return otherwise


class _Watcher:
    """Reports the growth of huggingface_hub's `.incomplete` file from a thread, since hf_hub_download
    takes no progress callback."""

    def __init__(self, folder: Path, base: int, total: int, title: str, progress: ProgressFn | None) -> None:
        self.folder, self.base, self.total, self.title, self.progress = folder, base, total, title, progress
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _partial(self) -> int:
        files = (self.folder / ".cache" / "huggingface" / "download").rglob("*.incomplete")
        return max((p.stat().st_size for p in files if p.is_file()), default=0)

    def _run(self) -> None:
        last = -1
        while not self._stop.wait(0.5):
            try:
                done = self.base + self._partial()
            except OSError:
                continue
            if done != last and self.progress:
                last = done
                self.progress(done, max(self.total, done), f"Downloading {self.title}: {done / 1e6:.0f} of "
                                                           f"{self.total / 1e6:.0f} MB")

    def __enter__(self) -> _Watcher:
        if self.progress:
            self.progress(self.base, self.total, f"Downloading {self.title}")
            self._thread = threading.Thread(target=self._run, name="imgedit-download-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
