"""Content-addressed files (PNG images, label maps, masks) in the data folder.

A blob's name is the SHA-256 of its bytes, so writing the same image twice stores it once, a name
never comes from user input, and a half-written file can never be mistaken for a finished one (it is
written under a temporary name and renamed).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Iterable

from .errors import NotFound, StorageError

_KEY = re.compile(r"^[0-9a-f]{64}\.(png|npz)$")


class BlobStore:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):  # keys come from our database, but never trust a path
            raise NotFound(f"no such file {key!r}")
        return self.root / key[:2] / key

    def put(self, data: bytes, ext: str) -> str:
        key = f"{hashlib.sha256(data).hexdigest()}.{ext}"
        path = self._path(key)
        if path.exists():
            with contextlib.suppress(OSError):  # fresh again: the expiry sweep spares files a turn is about to commit
                os.utime(path)
            if path.exists():  # (unless a sweep removed it just now: then write it again)
                return key
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise StorageError(f"cannot write to the data folder {self.root}: {exc.strerror or exc}") from None
        return key

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"the stored file {key} is missing from {self.root}") from None

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def keys(self) -> Iterable[str]:
        if not self.root.is_dir():
            return
        for sub in self.root.iterdir():
            if sub.is_dir() and len(sub.name) == 2:
                for f in sub.iterdir():
                    if _KEY.match(f.name):
                        yield f.name

    def delete_unreferenced(self, referenced: set[str], min_age_s: float = 3600.0) -> int:
        """Remove blobs no node points to, and temporary files a killed process left behind; recent
        files are kept, since a turn may be about to commit them."""
        import time

        if not self.root.is_dir():
            return 0
        removed = 0
        now = time.time()
        for sub in self.root.iterdir():
            if not (sub.is_dir() and len(sub.name) == 2):
                continue
            for path in list(sub.iterdir()):
                name = path.name
                if not ((_KEY.match(name) and name not in referenced) or name.startswith(".tmp-")):
                    continue
                try:
                    if now - path.stat().st_mtime > min_age_s:
                        path.unlink()
                        removed += 1
                except FileNotFoundError:  # another replica's sweep was first
                    pass
        return removed
