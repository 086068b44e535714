"""Expiry: sessions idle longer than `session_ttl_days` are deleted, then every stored file no
session refers to any more. Run by a background thread of the server (`Sweeper`) and by
`python -m lib_imgedit gc`. Safe with several replicas on one store: each step is idempotent.
"""

from __future__ import annotations

import logging
import threading
import time

from ..core.blobs import BlobStore
from ..core.errors import ImgEditError, SessionNotFound
from ..store import SessionStore

log = logging.getLogger("imgedit")
FILE_GRACE_S = 3600.0  # an unreferenced file younger than this may belong to a turn about to commit


def sweep(store: SessionStore, blobs: BlobStore, ttl_s: float, file_grace_s: float = FILE_GRACE_S) -> tuple[int, int]:
    """Delete expired sessions (ttl_s <= 0: none) and unreferenced files; (sessions, files) removed."""
    sessions = 0
    if ttl_s > 0:
        for session_id in store.expired(ttl_s):
            with store.lock(session_id):  # never under a running turn, which may also revive the session
                try:
                    idle = store.get_session(session_id).updated < time.time() - ttl_s
                except SessionNotFound:  # another replica's sweep was first
                    continue
                if idle:
                    store.delete_session(session_id)
                    sessions += 1
    files = blobs.delete_unreferenced(store.referenced_blobs(), min_age_s=file_grace_s)
    return sessions, files


class Sweeper:
    """Runs `sweep` every `interval_s` on a daemon thread (default: a tenth of the TTL, 1 min to 1 h)."""

    def __init__(self, store: SessionStore, blobs: BlobStore, ttl_days: float, interval_s: float | None = None,
                 file_grace_s: float = FILE_GRACE_S):
        self.store, self.blobs, self.file_grace_s = store, blobs, file_grace_s
        self.ttl_s = ttl_days * 86400
        self.interval_s = interval_s if interval_s is not None else min(3600.0, max(60.0, self.ttl_s / 10))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="imgedit-sweeper", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                removed = sweep(self.store, self.blobs, self.ttl_s, self.file_grace_s)
                if any(removed):
                    log.info("expired %d sessions, removed %d unreferenced files", *removed)
            except ImgEditError as exc:  # a full disk or a lost Redis must not end the thread
                log.warning("the expiry sweep failed: %s", exc.message)
