"""BackgroundLabels: the slower segmenters' labels of an uploaded picture, read after the upload has
answered with the fast ones' (`Labelling.segment_first`).

One pool of worker threads for the service (`WORKERS`) and at most one reading per session at a time:
a newer upload's reading waits for the one running and replaces one still waiting (whose picture keeps
its first labels). When a reading is done, under the session's lock, the picture's label map is
replaced in place (no new step; labels found by name since are kept) and, if the reading is still the
session's latest, the session gets one message naming what was added, or why nothing could be.

Until then the session carries a marker in the store (`data["labels_pending"]`: the picture, its first
labels, the reply's language, which service started the reading and when), so the views say the labels
are pending (`labels_pending`) and an edit of that picture waits for them (`wait_for_labels`, at most
the `labels_wait_s` setting). A marker whose reading is not running here (the server was restarted, or
another replica started it) is taken over: at once by an edit, which reads the picture again with every
segmenter, and by a view once the marker is older than `labels_wait_s`. It holds the pool and the
readings in flight; the rest is the `ServiceCore` it is given.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..core.errors import ImgEditError, NotFound
from ..segment import LabelMap
from ..store import Node, Session, new_id
from .replies import describe_added
from .service_core import ServiceCore

log = logging.getLogger("imgedit")
WORKERS = 2  # readings in the background at once, for the whole service
MARKER = "labels_pending"

Reading = Callable[[], tuple[LabelMap, list[str]]]  # every label of the picture, and what to say about it


@dataclass(eq=False)
class _Job:
    session_id: str
    node_id: str
    first: list[str]  # the labels the upload answered with
    zh: bool
    read: Reading
    claim: bool = False  # taking over a marker another service wrote (a restart, another replica)
    done: threading.Event = field(default_factory=threading.Event)


class BackgroundLabels:
    """A part of EditService: the readings in the background, the marker that says one is pending, and
    the wait of an edit for it."""

    def __init__(self, core: ServiceCore, read_all: Callable[[np.ndarray], tuple[LabelMap, list[str]]],
                 workers: int = WORKERS):
        self.core = core
        self.read_all = read_all  # every segmenter on a stored picture: how a marker is taken over
        self.workers = workers
        self.owner = new_id(8)  # this service, in the markers it writes
        self._pool: ThreadPoolExecutor | None = None
        self._guard = threading.Lock()
        self._running: dict[str, _Job] = {}  # by session: the reading running (or submitted)
        self._next: dict[str, _Job] = {}  # by session: the one that runs after it

    # ---------------------------------------------------------------- the upload's side
    def after_upload(self, session: Session, node: Node, first: LabelMap, zh: bool, read: Reading | None) -> None:
        """Called by an upload under the session's lock, once its node is stored: with `read`, mark the
        labels pending and read the rest in the background; without, the session's earlier reading (if
        any) no longer speaks for it."""
        marked = isinstance(session.data.get(MARKER), dict)
        if read is None and not marked:
            return
        data = {k: v for k, v in session.data.items() if k != MARKER}
        if read is not None:
            data[MARKER] = {"node": node.id, "first": first.names, "zh": zh, "owner": self.owner, "since": time.time()}
        self.core.store.update_session(session.id, data=data)
        session.data = data
        if read is None:
            self._drop_waiting(session.id)
        else:
            self._queue(_Job(session.id, node.id, first.names, zh, read))

    # ---------------------------------------------------------------- the views' and edits' side
    def labels_pending(self, session: Session) -> bool:
        """Whether the current picture's labels are still being read. A marker no reading here answers
        to is taken over once it is older than `labels_wait_s` (its service is likely gone)."""
        marker = self._marker(session)
        if marker is None:
            return False
        if self._job(session.id, marker["node"]) is None:
            if marker.get("owner") == self.owner:  # ours and over: it could not be cleared
                return False
            if time.time() - float(marker.get("since") or 0) > self.core.settings.labels_wait_s:
                self._take_over(session, marker)
        return True

    def wait_for_labels(self, session_id: str, client: str) -> bool:
        """Before an edit: wait (at most `labels_wait_s`) for the current picture's labels still being
        read, taking the reading over when it is not running here. False when the wait ran out."""
        deadline = time.monotonic() + self.core.settings.labels_wait_s
        while True:  # again after each reading: a newer upload may have come meanwhile
            session = self.core.owned(session_id, client)
            marker = self._marker(session)
            if marker is None:
                return True
            job = self._job(session.id, marker["node"])
            if job is None:
                if marker.get("owner") == self.owner:  # ours and over
                    return True
                job = self._take_over(session, marker)
            if not job.done.wait(max(0.0, deadline - time.monotonic())):
                return False

    def close(self) -> None:
        """Let the pool's threads go once the readings submitted are done (benchmarks, tests)."""
        with self._guard:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False)

    # ---------------------------------------------------------------- internals
    @staticmethod
    def _marker(session: Session) -> dict[str, Any] | None:
        marker = session.data.get(MARKER)
        return marker if isinstance(marker, dict) and marker.get("node") and marker["node"] == session.current else None

    def _job(self, session_id: str, node_id: str) -> _Job | None:
        with self._guard:
            return next((j for j in (self._running.get(session_id), self._next.get(session_id))
                         if j is not None and j.node_id == node_id), None)

    def _take_over(self, session: Session, marker: dict[str, Any]) -> _Job:
        node_id = marker["node"]

        def read() -> tuple[LabelMap, list[str]]:
            return self.read_all(self.core.node_image(self.core.store.get_node(session.id, node_id)))

        job = _Job(session.id, node_id, list(marker.get("first") or []), bool(marker.get("zh")), read, claim=True)
        log.info("reading the labels of %s again: their reading is not running here", node_id)
        self._queue(job)
        return self._job(session.id, node_id) or job

    def _queue(self, job: _Job) -> None:
        with self._guard:
            waiting = self._next.pop(job.session_id, None)
            if waiting is not None:  # replaced before it started: its picture keeps its first labels
                waiting.done.set()
            if job.session_id in self._running:
                self._next[job.session_id] = job
            else:
                self._running[job.session_id] = job
                self._submit(job)

    def _drop_waiting(self, session_id: str) -> None:
        with self._guard:
            waiting = self._next.pop(session_id, None)
        if waiting is not None:
            waiting.done.set()

    def _submit(self, job: _Job) -> None:
        """Under `_guard`."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="imgedit-labels")
        self._pool.submit(self._run, job)

    def _run(self, job: _Job) -> None:
        try:
            if not job.claim or self._claim(job):
                self._finish(job, *self._read(job))
        except Exception:  # noqa: BLE001 - a thread of its own: logged, never raised into nowhere
            log.exception("the labels of %s could not be stored", job.node_id)
        finally:
            with self._guard:  # no longer running once done: who waits on it looks again and finds the next
                if self._running.get(job.session_id) is job:
                    del self._running[job.session_id]
                after = self._next.pop(job.session_id, None)
                if after is not None:
                    self._running[job.session_id] = after
                    self._submit(after)
            job.done.set()

    def _claim(self, job: _Job) -> bool:
        """Make this service the marker's owner, if it still names the picture."""
        with self.core.store.lock(job.session_id):
            try:
                session = self.core.store.get_session(job.session_id)
            except NotFound:
                return False
            marker = session.data.get(MARKER)
            if not isinstance(marker, dict) or marker.get("node") != job.node_id:
                return False
            data = {**session.data, MARKER: {**marker, "owner": self.owner, "since": time.time()}}
            self.core.store.update_session(job.session_id, data=data)
            return True

    @staticmethod
    def _read(job: _Job) -> tuple[LabelMap | None, list[str]]:
        """Every label of the picture, and the notes; on a failure, none and one plain sentence."""
        try:
            return job.read()
        except ImgEditError as exc:
            log.warning("reading the labels of %s failed: %s", job.node_id, exc.message)
            return None, [exc.message]
        except Exception as exc:  # noqa: BLE001 - said in one sentence; the details go to the log
            log.warning("reading the labels of %s failed: %s", job.node_id, exc)
            log.debug("reading the labels failed", exc_info=True)
            return None, ["the segmenters stopped: " + (str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__)]

    def _finish(self, job: _Job, labels: LabelMap | None, notes: list[str]) -> None:
        """Store the labels on the picture and, while the marker is this reading's, say what was added."""
        with self.core.store.lock(job.session_id):
            try:
                session = self.core.store.get_session(job.session_id)
                node = self.core.store.get_node(job.session_id, job.node_id)
            except NotFound:  # the session was deleted or expired meanwhile
                return
            stored = self.core.node_labels(node)
            found = LabelMap(stored.width, stored.height) if labels is None else labels  # what the reading adds
            if labels is not None:  # those found by name since (not among the first) stay
                kept = {n: m for n, m in stored.masks.items() if n not in job.first and n not in labels.masks}
                stored = LabelMap(labels.width, labels.height, {**labels.masks, **kept}, labels.faces, labels.source)
                self.core.store.set_labelmap(session.id, node.id, self.core.blobs.put(stored.to_bytes(), "npz"))
            marker = session.data.get(MARKER)
            if not isinstance(marker, dict) or marker.get("node") != job.node_id or marker.get("owner") != self.owner:
                return  # a newer upload, or another service that took the reading over, speaks for the session
            reply = describe_added(found, job.first, notes, job.zh)
            added = [i["name"] for i in found.summary() if i["name"] not in job.first]
            msg = self.core.store.new_message(session.id, "assistant", reply, node=node.id,
                                              data={"labels": stored.summary(), "labels_added": added})
            self.core.store.commit_turn(session.id, [], [msg], None)
            self.core.store.update_session(session.id, data={k: v for k, v in session.data.items() if k != MARKER})
