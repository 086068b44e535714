"""Several segmenters, one label map, by the rules in `defaults/combine.json`.

`SegmenterChain` walks the `segmenters` setting in order. Each segmenter plays a kind: `scene` (objects
and stuff: a downloaded SegFormer or MaskFormer, ControlNet's OneFormer), `people` (MediaPipe: person,
face parts, face boxes) or `parsing` (a human-parsing model: hair, clothes, arms...). The first
segmenter of each kind that can run does; one that cannot (model not downloaded, downloads off, a
failure) is skipped with one note and the next of its kind is tried, never a crash. The kinds run side
by side in threads; the parsing model runs on the crop around each person MediaPipe found, while the
scene model still computes (without MediaPipe: after the others, on their person), and not at all when
there is no person.
`combine` then merges the kinds' maps as the rules say (see the file's `_comment`).

`segment_first` reads the picture in two goes: the fast members (`fast` in the rules: MediaPipe, which
needs no downloaded model) at once, and a function that reads it with the others later (the engine runs
it in the background) and combines every kind's map, the fast ones' reused.
"""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ClassVar

import numpy as np

from ..core.config import DEFAULTS_DIR
from ..core.labels import LabelMap
from .base import Segmenter
from .instances import split_instances

if TYPE_CHECKING:
    from collections.abc import Collection

    from ..core.config import Settings
    from ..core.progress import ProgressFn

log = logging.getLogger("imgedit")
_NOT_RUN = object()  # the parsing model has not run yet
RULES_PATH = DEFAULTS_DIR / "combine.json"
WHOLE_PICTURE = "picture"  # the one label when nothing could segment
WHOLE_PICTURE_SOURCE = "whole picture"


def load_combine_rules(data_dir: str | Path | None = None) -> dict[str, Any]:
    """The default rules, with `<data dir>/combine.json` laid over them when the user wrote one."""
    from ..core.config import deep_merge

    rules = json.loads(RULES_PATH.read_text("utf-8"))
    user = Path(data_dir) / "combine.json" if data_dir else None
    if user is not None and user.is_file():
        rules = deep_merge(rules, json.loads(user.read_text("utf-8")))
    rules.pop("_comment", None)
    return rules




def combine(maps: dict[str, LabelMap], vocab: dict[str, set[str]], rules: dict[str, Any]) -> LabelMap:
    """One LabelMap from each kind's map. `vocab[kind]` is every label that kind can name, so that a
    preferred kind that ran but found none of a label (no hair under a cap) decides it is absent."""
    first = next(iter(maps.values()))
    W, H = first.width, first.height
    maps = {kind: _with_groups(lm, rules.get("groups", {}).get(kind, {})) for kind, lm in maps.items()}
    vocab = {kind: set(vocab.get(kind, ())) | set(rules.get("groups", {}).get(kind, {})) for kind in maps}
    prefer = rules.get("prefer", {})
    union = set(rules.get("union", ()))
    names: list[str] = []
    for lm in maps.values():
        names += [n for n in lm.names if n not in names]
    out: dict[str, np.ndarray] = {}
    source: dict[str, str] = {}
    for name in names:
        order = list(prefer.get(name, prefer.get("_default", ())))
        order += [k for k in maps if k not in order]
        having = [k for k in order if k in maps and name in maps[k].masks]
        if name in union and having:
            out[name] = np.logical_or.reduce([maps[k].masks[name] for k in having])
            source[name] = having[0]
            continue
        decider = next((k for k in order if k in maps and (name in vocab[k] or name in maps[k].masks)), None)
        if decider is not None and name in maps[decider].masks:
            out[name], source[name] = maps[decider].masks[name].copy(), decider
    for kind, anchor in rules.get("inside", {}).items():
        if anchor in out:
            for name in [n for n, k in source.items() if k == kind and n != anchor]:
                out[name] &= out[anchor]
    for kind, anchor in rules.get("outside", {}).items():
        if anchor in out:
            for name in [n for n, k in source.items() if k == kind and n != anchor]:
                out[name] &= ~out[anchor]
    for name, parts in rules.get("subtract", {}).items():
        if name in out:
            for part in parts:
                if part in out:
                    out[name] &= ~out[part]
    for name, anchor in rules.get("complement", {}).items():
        if anchor in out:
            out[name] = ~out[anchor]
    faces = next((maps[k].faces for k in ("people", *maps) if k in maps and maps[k].faces), [])
    sources = "+".join(lm.source for lm in maps.values() if lm.source)
    merged = LabelMap(W, H, out, list(faces), sources).drop_empty()
    return split_instances(merged, list(rules.get("instances", ())))


def _with_groups(lm: LabelMap, groups: dict[str, list[str]]) -> LabelMap:
    masks = dict(lm.masks)
    for name, parts in groups.items():
        present = [masks[p] for p in parts if p in masks]
        if present and name not in masks:
            masks[name] = np.logical_or.reduce(present)
    return LabelMap(lm.width, lm.height, masks, list(lm.faces), lm.source)


def person_boxes(person: np.ndarray, margin: float, max_people: int, min_share: float) -> list[tuple[int, int, int, int]]:
    """(x0, y0, x1, y1) around each sizeable person blob, grown by `margin` of its size, largest first."""
    import cv2

    H, W = person.shape
    n, _, stats, _ = cv2.connectedComponentsWithStats(person.astype(np.uint8), connectivity=8)
    blobs = sorted((stats[i] for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= min_share * H * W),
                   key=lambda s: -s[cv2.CC_STAT_AREA])[:max_people]
    boxes = []
    for x, y, w, h, _ in blobs:
        mx, my = int(w * margin), int(h * margin)
        boxes.append((max(0, x - mx), max(0, y - my), min(W, x + w + mx), min(H, y + h + my)))
    return boxes


def parse_people(seg: Segmenter, image: np.ndarray, person: np.ndarray, rules: dict[str, Any]) -> LabelMap | None:
    """The parsing model's labels for every person, each parsed on its own crop, at picture size."""
    opts = rules.get("parsing", {})
    H, W = person.shape
    boxes = person_boxes(person, float(opts.get("margin", 0.1)), int(opts.get("max_people", 4)),
                         float(opts.get("min_share", 0.002)))
    if not boxes:
        return None
    masks: dict[str, np.ndarray] = {}
    source = ""
    for x0, y0, x1, y1 in boxes:
        part = seg.segment(np.ascontiguousarray(image[y0:y1, x0:x1]))
        source = part.source
        for name, m in part.masks.items():
            full = masks.setdefault(name, np.zeros((H, W), bool))
            full[y0:y1, x0:x1] |= m
    return LabelMap(W, H, masks, source=source)


def labels_of(seg: Segmenter) -> set[str]:
    """Every label a segmenter can name (a model's from its entry)."""
    spec = getattr(seg, "spec", None)
    if spec is not None:
        return {n for n in spec.label_names() if n}
    return set(getattr(seg, "labels", ()))


class SegmenterChain(Segmenter):
    """The configured segmenters as one; `take_notes()` hands over what was skipped and why, once."""

    name: ClassVar[str] = "chain"
    parallel: ClassVar[bool] = True  # kinds side by side (bench/segment.py times both ways)

    def __init__(self, settings: Settings, order: list[str] | None = None, rules: dict[str, Any] | None = None,
                 progress: ProgressFn | None = None) -> None:
        self.settings = settings
        if order is None:
            from . import segmenter_order

            order = segmenter_order(settings)
        self.order = list(order)
        self.rules = rules if rules is not None else load_combine_rules(settings.data_dir)
        self.progress = progress  # download progress of a model fetched on first use
        self._made: dict[str, Segmenter | None] = {}
        self._failed: dict[str, str] = {}
        self._noted: set[str] = set()
        self._notes: list[str] = []
        self._unfetched: list[Any] = []  # models.ModelUnavailable of models that could not be had, told once
        self._lock = threading.Lock()

    def _progress(self, done: int, total: int, message: str) -> None:
        if self.progress is not None:
            self.progress(done, total, message)

    def member(self, name: str) -> Segmenter | None:
        with self._lock:  # one instance (one onnxruntime session) per segmenter, even with parallel uploads
            if name not in self._made:
                from . import create_segmenter

                self._made[name] = create_segmenter(name, self.settings, self._progress)
            return self._made[name]

    def kind(self, name: str, seg: Segmenter) -> str:
        return self.rules.get("kinds", {}).get(name) or getattr(seg, "kind", "scene")

    def _note(self, name: str, why: str, error: Any = None) -> None:
        """Note a skipped segmenter once; `error`: the ModelUnavailable of a model that could not be had."""
        if name in self._noted:
            return
        self._noted.add(name)
        log.info("segmenter %s skipped: %s", name, why)
        if error is not None:  # a model that could not be had: one sentence for all of them (take_notes)
            self._unfetched.append(error)
        else:
            self._notes.append(f"{name} skipped: {why}")

    def take_notes(self) -> list[str]:
        """What was skipped since the last call: models that could not be had in one sentence."""
        from .. import models

        with self._lock:
            notes, self._notes = self._notes, []
            unfetched, self._unfetched = self._unfetched, []
        return notes + ([models.unavailable_sentence(unfetched, self.settings)] if unfetched else [])

    def members(self) -> list[tuple[str, str, Segmenter]]:
        out = []
        for name in self.order:
            seg = self.member(name)
            if seg is not None:
                out.append((name, self.kind(name, seg), seg))
        return out

    def pending_downloads(self) -> list[dict[str, Any]]:
        """Models the next `segment` would download first (to ask the user once, or say how much):
        name, model, title, size in MB, licence, the labels it knows."""
        from .. import models

        out = []
        for name, _, seg in self.members():
            spec = getattr(seg, "spec", None)
            if spec is not None and name not in self._failed and seg.available()[0] and not models.is_present(spec, self.settings):
                out.append({"name": name, "model": spec.name, "title": spec.title, "size_mb": spec.size_mb,
                            "licence": spec.licence, "labels": sorted(labels_of(seg))})
        return out

    def available(self) -> tuple[bool, str]:
        reasons = []
        for name, _, seg in self.members():
            ok, why = (False, self._failed[name]) if name in self._failed else seg.available()
            if ok:
                return True, ""
            reasons.append(f"{name}: {why}")
        return False, "; ".join(reasons) or f"no known segmenter in {self.order}"

    def _try(self, name: str, run: Any) -> LabelMap | None:
        from .. import models

        try:
            return run()
        except models.ModelUnavailable as exc:  # said once in the reply (take_notes); the details are in the debug log
            self._failed[name] = exc.message
            self._note(name, exc.message, exc)
        except Exception as exc:  # noqa: BLE001 - a segmenter that fails is skipped for the session
            why = getattr(exc, "message", None) or str(exc).splitlines()[0][:200] if str(exc) else "it stopped"
            self._failed[name] = why
            log.warning("segmenter %s failed, skipped from now on: %s", name, why)
            log.debug("segmenter %s failed", name, exc_info=True)
            self._note(name, why)
        return None

    def _parse(self, parsers: list[tuple[str, Segmenter]], image: np.ndarray,
               person: np.ndarray) -> tuple[LabelMap, set[str]] | None:
        """The first parsing model that runs, on the crop around each person."""
        for name, seg in parsers:
            found = self._try(name, lambda seg=seg: parse_people(seg, np.asarray(image), person, self.rules))
            if found is not None:
                return found, labels_of(seg)
            if name not in self._failed:
                break
        return None

    def _usable(self, name: str, seg: Segmenter) -> bool:
        """Whether the segmenter can run now; when not, say why once."""
        ok, why = seg.available()
        if not ok:
            missing = getattr(seg, "missing", None)
            self._note(name, why, missing() if missing is not None else None)
        return ok

    def is_fast(self, name: str) -> bool:
        """Whether a member answers quickly: listed under `fast` in combine.json (the segmenters that
        need no downloaded model, MediaPipe); the others may be read after the first answer."""
        return name in self.rules.get("fast", ())

    def _plan(self, hold: Collection[str]) -> tuple[dict[str, list[tuple[str, Segmenter]]], list[tuple[str, Segmenter]]]:
        """The members to run, by kind, and the parsing models that can run."""
        parsers: list[tuple[str, Segmenter]] = []
        by_kind: dict[str, list[tuple[str, Segmenter]]] = {}
        for name, kind, seg in self.members():
            if name in self._failed or name in hold:
                continue
            if kind == "parsing":
                if self._usable(name, seg):
                    parsers.append((name, seg))
            else:
                by_kind.setdefault(kind, []).append((name, seg))
        return by_kind, parsers

    def _first_of(self, members: list[tuple[str, Segmenter]], image: np.ndarray) -> tuple[LabelMap, set[str]] | None:
        """The labels of the first member of a kind that can run (the next one is the fallback)."""
        for name, seg in members:
            if not self._usable(name, seg):
                continue
            found = self._try(name, lambda seg=seg: seg.segment(image))
            if found is not None:
                return found, labels_of(seg)
        return None

    def _side_by_side(self, jobs: dict[str, Callable[[], Any]]) -> dict[str, Any]:
        """Each job's result. Side by side in threads: onnxruntime and MediaPipe release the GIL while they compute."""
        if self.parallel and len(jobs) > 1:
            with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="imgedit-segment") as pool:
                futures = {key: pool.submit(job) for key, job in jobs.items()}
                return {key: future.result() for key, future in futures.items()}
        return {key: job() for key, job in jobs.items()}

    def _read(self, by_kind: dict[str, list[tuple[str, Segmenter]]], parsers: list[tuple[str, Segmenter]],
              image: np.ndarray, maps: dict[str, LabelMap], vocab: dict[str, set[str]], person: np.ndarray | None = None) -> None:
        """Run the kinds in `by_kind` and the parsing models, into `maps` and `vocab`. MediaPipe finds the
        people first: the parsing model runs on them while the scene model still computes (the person of
        the people kind is face- or pose-confirmed); `person`, when given, is that person found before."""
        anchor = self.rules.get("parsing", {}).get("needs", "person")

        def run_kind(kind: str) -> tuple[tuple[LabelMap, set[str]] | None, Any]:
            result = self._first_of(by_kind[kind], image)
            if self.parallel and kind == "people" and person is None and result is not None and parsers and anchor in result[0].masks:
                return result, self._parse(parsers, image, result[0].masks[anchor])
            return result, _NOT_RUN

        jobs: dict[str, Callable[[], Any]] = {kind: lambda kind=kind: run_kind(kind) for kind in by_kind}
        if person is not None and parsers:
            jobs[" parse"] = lambda: (None, self._parse(parsers, image, person))
        parsed: Any = _NOT_RUN
        for kind, (result, parse) in self._side_by_side(jobs).items():
            if result is not None:
                maps[kind], vocab[kind] = result
            parsed = parse if parse is not _NOT_RUN else parsed
        if parsed is _NOT_RUN and parsers:
            found = self._anchors(maps)
            parsed = self._parse(parsers, image, np.logical_or.reduce(found)) if found else None
        if parsed is not None and parsed is not _NOT_RUN:
            maps["parsing"], vocab["parsing"] = parsed

    def _anchors(self, maps: dict[str, LabelMap]) -> list[np.ndarray]:
        """The masks of the label the parsing model runs on (`needs`, the person) in the kinds' maps."""
        anchor = self.rules.get("parsing", {}).get("needs", "person")
        return [lm.masks[anchor] for lm in maps.values() if anchor in lm.masks]

    def segment(self, image: np.ndarray, hold: Collection[str] = ()) -> LabelMap:
        """The picture's labels; the segmenters in `hold` are passed over this time (a large download
        the user has not agreed to)."""
        maps: dict[str, LabelMap] = {}
        vocab: dict[str, set[str]] = {}
        self._read(*self._plan(hold), image, maps, vocab)
        if not maps:
            return self.whole_picture(image)
        return combine(maps, vocab, self.rules)

    def segment_first(self, image: np.ndarray, hold: Collection[str] = ()) -> tuple[LabelMap, Callable[[], LabelMap] | None]:
        """The labels of the fast members (`is_fast`), and a function that reads the picture with the
        others and gives every member's labels combined, the fast ones' maps reused (None when no slower
        member can run, or no fast one found anything: then the labels are all there is, as `segment`
        gives them). The function may run on another thread; what it skips goes to `take_notes` then."""
        by_kind, parsers = self._plan(hold)
        quick = {kind: members for kind, members in by_kind.items() if all(self.is_fast(name) for name, _ in members)}
        later = {kind: members for kind, members in by_kind.items()
                 if kind not in quick and any(self._usable(name, seg) for name, seg in members)}
        parse_now = all(self.is_fast(name) for name, _ in parsers)
        if not quick or not (later or not parse_now):
            return self.segment(image, hold), None
        maps: dict[str, LabelMap] = {}
        vocab: dict[str, set[str]] = {}
        self._read(quick, parsers if parse_now else [], image, maps, vocab)
        if not maps:  # the fast members failed: the others now, in this call
            self._read(later, [] if parse_now else parsers, image, maps, vocab)
            return (combine(maps, vocab, self.rules) if maps else self.whole_picture(image)), None
        first = combine(maps, vocab, self.rules)
        found = self._anchors(maps)
        if not later and not found:  # only a parsing model left, and no person for it
            return first, None
        person = np.logical_or.reduce(found) if found and not parse_now and self.parallel else None

        def rest() -> LabelMap:
            every, known = dict(maps), dict(vocab)
            self._read(later, [] if parse_now else parsers, image, every, known, person)
            return combine(every, known, self.rules)

        return first, rest

    def whole_picture(self, image: np.ndarray) -> LabelMap:
        """No segmenter could run (none installed, offline, all failed): the picture is one region,
        `picture`, so an upload still works and edits apply to the whole picture or a painted mask."""
        if WHOLE_PICTURE not in self._noted:  # once per chain, after the skipped segmenters' own notes
            self._noted.add(WHOLE_PICTURE)
            self._notes.append("no segmenter could run: the whole picture is one region, `picture`; paint a mask "
                               "to edit a part of it")
            log.warning("no segmenter could segment the picture (%s): the whole picture is one region", self.available()[1])
        h, w = np.asarray(image).shape[:2]
        return LabelMap(w, h, {WHOLE_PICTURE: np.ones((h, w), bool)}, source=WHOLE_PICTURE_SOURCE)
