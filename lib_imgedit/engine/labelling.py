"""Labelling: how EditService reads what is in a picture. The configured segmenters as one chain,
made again when their settings change; a picture segmented with it, large downloads the user has not
agreed to held back (`model_offers.py`) and what was downloaded or skipped reported as notes, at once or
(`segment_first`, with the `labels_in_background` setting) the fast segmenters' labels first and a
function that reads the rest (`background_labels.py` runs it); whether
a named thing outside the labels can be looked for (grounding); and the turn in which the user agrees
to large downloads, which reads the current picture again with every model. It holds the segmenter
chain (built lazily, behind a lock, keyed by the settings it was built from); the rest is the
`ServiceCore` it is given.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

import numpy as np

from .. import models
from ..core.lang import is_zh
from ..core.progress import ProgressFn
from ..models import offers as model_offers
from ..segment import LabelMap, build_segmenter, grounding
from ..segment.combine import SegmenterChain
from ..store import Session
from .phrase_targets import SUBJECT_SHARE, subject_share
from .replies import describe_labels, with_notes
from .service_core import ServiceCore
from .turn_outcome import TurnOutcome


class Labelling:
    """A part of EditService: segmenters, grounding and the model-download turn."""

    def __init__(self, core: ServiceCore):
        self.core = core
        self._chain: tuple[tuple[Any, ...], SegmenterChain] | None = None
        self._chain_lock = threading.Lock()

    def segmenter(self) -> SegmenterChain:
        """The configured segmenters combined (`segment/combine.py`); made again when their settings change,
        so a model that failed is tried again only after a settings change or a restart."""
        s = self.core.settings
        key = (s.segmenters, s.models_dir, s.models_offline, s.data_dir, s.webui_api_url, s.commercial_models_only)
        with self._chain_lock:
            if self._chain is None or self._chain[0] != key:
                self._chain = (key, build_segmenter(s))
            return self._chain[1]

    def segment(self, image: np.ndarray, notes: list[str] | None = None, progress: ProgressFn | None = None,
                held: list[dict[str, Any]] | None = None) -> LabelMap:
        """The picture's label map. A large download the user has not agreed to is passed over and goes to
        `held` (`model_offers.py`); what was downloaded or skipped (a model that cannot be had) goes to
        `notes`, and a download's progress to `progress`."""
        chain = self.segmenter()
        hold, fetched = self._downloads(chain, held)
        chain.progress = progress  # the chain is shared: a download reports to the turn that started it last
        try:
            return chain.segment(image, hold=hold)
        finally:
            chain.progress = None
            if notes is not None:
                notes += chain.take_notes() + model_offers.downloaded(fetched, self.core.settings)

    def segment_first(self, image: np.ndarray, notes: list[str], progress: ProgressFn | None = None,
                      held: list[dict[str, Any]] | None = None) -> tuple[LabelMap, Callable[[], tuple[LabelMap, list[str]]] | None]:
        """The picture's first labels, as `segment` gives them but, with `labels_in_background`, from the
        fast segmenters only (`SegmenterChain.segment_first`), and a function that reads the picture with
        the others and returns every label with what it has to say (the models downloaded or skipped).
        None instead of the function when the first labels are all there will be."""
        if not self.core.settings.labels_in_background:
            return self.segment(image, notes, progress, held), None
        chain = self.segmenter()
        hold, fetched = self._downloads(chain, held)
        chain.progress = progress
        try:
            first, rest = chain.segment_first(image, hold=hold)
        finally:
            chain.progress = None
            notes += chain.take_notes()
        if rest is None:
            notes += model_offers.downloaded(fetched, self.core.settings)
            return first, None

        def read() -> tuple[LabelMap, list[str]]:
            try:
                labels = rest()
            finally:  # the chain is shared: what it noted meanwhile is said once, here
                said = chain.take_notes() + model_offers.downloaded(fetched, self.core.settings)
            return labels, said

        return first, read

    def _downloads(self, chain: SegmenterChain, held: list[dict[str, Any]] | None) -> tuple[set[str], list[dict[str, Any]]]:
        """The segmenters to pass over this time (a large download the user has not agreed to, also added
        to `held`) and the downloads that may happen (`SegmenterChain.pending_downloads`)."""
        pending = chain.pending_downloads()
        wait = model_offers.held_back(pending, self.core.settings)
        if held is not None:
            held += wait
        return {p["name"] for p in wait}, [p for p in pending if p not in wait]

    def read_all(self, image: np.ndarray) -> tuple[LabelMap, list[str]]:
        """Every segmenter's labels of a picture (a large download the user has not agreed to passed
        over), with what was downloaded or skipped."""
        notes: list[str] = []
        return self.segment(image, notes, None, []), notes

    def grounding_available(self, labels: LabelMap | None = None) -> bool:
        """Whether a named thing that is not among the labels can be looked for (then the planner may
        target it, and `PhraseTargets` finds it, says it is not there, or offers the subject for it). A
        download that failed still counts, and so do downloads turned off where `labels` has one large
        subject: `PhraseTargets` then says why and offers what can be done."""
        s = self.core.settings
        if grounding.grounding_available(s)[0]:
            return True
        if models.is_offline(s):
            return labels is not None and subject_share(labels) >= SUBJECT_SHARE
        return models.failed_error(grounding.grounder(s).spec, s) is not None

    def download_models(self, session: Session, text: str, progress: ProgressFn | None) -> TurnOutcome:
        """The user agreed to large downloads: remember it for the server (the setting), download every
        model the chain and grounding would use (with progress; failures of earlier tries are tried
        again), then read the current picture again and give its node the new labels (no new step).
        A model that still cannot be had is named in one sentence with what to do."""
        zh = is_zh(text)
        if not self.core.settings.download_large_models:
            self.core.settings = self.core.settings.update({"download_large_models": True})
            self.core.persist_settings(self.core.settings, ["download_large_models"])
        got, errors = self._fetch_models(progress)
        notes = [f"已下载 {models.short_title(s)}（{s.size_mb:.0f} MB）" if zh else f"downloaded {models.short_title(s)} "
                 f"({s.size_mb:.0f} MB)" for s in got] + ([models.unavailable_sentence(errors, self.core.settings)] if errors else [])
        node = self.core.current(session)
        user_msg = self.core.store.new_message(session.id, "user", text, node=node.id if node else None,
                                          data={"download_models": True})
        if node is None or not got:
            if errors:
                reply = notes[-1]
            elif node is None:
                reply = "好的，需要时会下载大模型。请上传一张图片。" if zh else "OK: large models will be downloaded when needed. Upload a picture."
            else:
                reply = ("识别图片的模型都已下载；其他大模型会在需要时下载。" if zh else
                         "The models that read the picture are already here; other large models will download when needed.")
            msg = self.core.store.new_message(session.id, "assistant", reply, node=node.id if node else None,
                                         data={"download_models": True})
            self.core.store.commit_turn(session.id, [], [user_msg, msg], None, expect_current=session.current)
            return TurnOutcome(session.id, node.id if node else None, reply, notes=notes)
        fresh, old = self.segment(self.core.node_image(node), None, progress), self.core.node_labels(node)
        # the new models' labels, and the old ones they do not give (provided by the API, found by name)
        labels = LabelMap(fresh.width, fresh.height, {**old.masks, **fresh.masks}, fresh.faces, fresh.source)
        self.core.store.set_labelmap(session.id, node.id, self.core.blobs.put(labels.to_bytes(), "npz"))
        reply = with_notes(describe_labels(labels, zh), notes)
        msg = self.core.store.new_message(session.id, "assistant", reply, node=node.id,
                                     data={"labels": labels.summary(), "download_models": True})
        self.core.store.commit_turn(session.id, [], [user_msg, msg], None, expect_current=session.current)
        return TurnOutcome(session.id, node.id, reply, self.core.blobs.get(node.image), labels=labels.summary(),
                           suggestions=node.suggestions, executor="segment", notes=notes, faces=len(labels.faces))

    def _fetch_models(self, progress: ProgressFn | None) -> tuple[list[models.ModelSpec], list[models.ModelUnavailable]]:
        """Download what the chain and grounding would use and is not on disk: (got, could not get)."""
        models.forget_failures()  # the user asked: try again what failed before
        with self._chain_lock:
            self._chain = None  # a fresh chain, so the segmenters that failed are used again
        wanted = [models.spec(p["model"]) for p in self.segmenter().pending_downloads()]
        finder = grounding.grounder(self.core.settings, progress)
        if finder.available()[0] and not models.is_present(finder.spec, self.core.settings):
            wanted.append(finder.spec)
        got, errors = [], []
        for spec in wanted:
            try:
                models.ensure_files(spec, progress, self.core.settings)
                got.append(spec)
            except models.ModelUnavailable as exc:
                errors.append(exc)
        return got, errors
