"""One Chat Edit turn as a WebUI progress task: what the page's `requestProgress` polls
(`/internal/progress` for the turn's task id, from `modules.progress`) and what `shared.state` says
meanwhile, as A1111 1.10 and Forge (the same progress and state code) compute it: progress =
(job_no + sampling_step / sampling_steps) / job_count, ETA from `time_start`, the live preview from
`current_latent`/`current_image` and `id_live_preview`.

The WebUI's own generations register their task and `begin` the state inside `queue_lock`
(`call_queue.wrap_gradio_gpu_call`). A turn is longer than its generations (planning, segmentation,
CPU steps, several steps of a plan) and must not hold `queue_lock` (the host executor takes it for
each generation), so it owns the task and the state only while no other job does: it claims them at
its start and at each report when the WebUI is idle, and always when the host executor holds
`queue_lock` for one of its steps. A plan's steps are the state's jobs (job_no of job_count), a step's
own progress its sampling steps; the ETA runs from the first step's start, so the time spent planning
does not inflate it, and nothing of the previous turn is left in the state.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import re
import threading
import time
from typing import Any, Iterator

from ..core.progress import ProgressFn

log = logging.getLogger("imgedit")

# "step 2/3: ..." is how the plan runner (execution.run_steps) names the step a report is about
_STEP = re.compile(r"step (\d+)/(\d+): ")
_CURRENT: contextvars.ContextVar[Turn | None] = contextvars.ContextVar("imgedit_turn", default=None)


def _webui() -> tuple[Any, Any]:
    from modules import progress, shared

    return progress, shared.state


class Turn:
    """The WebUI task `task` for one turn. Reports come from the turn's thread and from the host
    executor's watcher thread; a failing report is logged, never raised."""

    def __init__(self, task: str):
        self.task = task
        self.step, self.steps = 0, 1  # the plan step being run (0-based), of how many
        self.started: float | None = None  # the first step's start: what the ETA is measured from
        self.textinfo = "Chat Edit"
        self.in_host = False  # a host generation runs: the WebUI's sampler writes the sampling fields
        self.closed = False
        self._lock = threading.RLock()

    def owns(self) -> bool:
        progress, state = _webui()
        return progress.current_task == self.task and state.job == self.task

    def _busy(self) -> bool:
        """Another job holds the WebUI: its task is current, or it began the state (the API's own routes
        begin it without a task; a job begun with no name still has a job_count)."""
        progress, state = _webui()
        theirs = state.job != self.task and bool(state.job or state.job_count)
        return progress.current_task not in (None, self.task) or theirs

    def _claim(self, force: bool) -> bool:
        """Make this turn the WebUI's current task and `shared.state` describe it, unless another job
        runs (`force`: inside queue_lock, where ours is the job that runs)."""
        if self.closed:
            return False
        if self.owns():
            return True
        if not force and self._busy():
            return False
        progress, state = _webui()
        state.begin(job=self.task)
        progress.start_task(self.task)
        state.job_count, state.job_no, state.textinfo = self.steps, self.step, self.textinfo
        if self.started is not None:
            state.time_start = self.started
        return True

    def open(self) -> None:
        progress, _ = _webui()
        progress.add_task_to_queue(self.task)  # "In queue" on the page while another job runs
        self._claim(force=False)

    def report(self, done: int, total: int, text: str) -> None:
        """A progress report of the turn (`ProgressFn`)."""
        try:
            with self._lock:
                self._report(done, total, text)
        except Exception as exc:  # noqa: BLE001 - a progress display must not break the edit it shows
            log.debug("progress not shown in the WebUI: %s", exc)

    def _report(self, done: int, total: int, text: str) -> None:
        found = _STEP.match(text)
        step, steps = (int(found[1]) - 1, int(found[2])) if found else (self.step, self.steps)
        new_step = (step, steps) != (self.step, self.steps)
        self.step, self.steps = step, steps
        now = time.time()
        first = self.started is None
        if first:
            self.started = now
        if not self.in_host:
            self.textinfo = f"Chat Edit, {text}" if found else f"Chat Edit: {text}"
        if not self._claim(force=False):
            return
        _, state = _webui()
        if first:
            state.time_start = now
        if new_step or first:
            state.job_count, state.job_no = steps, step
        if not self.in_host:  # in a host generation the WebUI's sampler reports, more often than we do
            state.sampling_step, state.sampling_steps, state.textinfo = done, total, self.textinfo

    @contextlib.contextmanager
    def generation(self, report: ProgressFn | None, text: str) -> Iterator[None]:
        """Around one host generation, inside queue_lock: this turn's task is current, the state says
        which step of the turn runs, and the sampler's steps and live preview count from zero."""
        _, state = _webui()
        with self._lock:
            self._claim(force=True)
        (report or self.report)(0, 1, text)  # through the plan runner, which names the step
        with self._lock:
            state.sampling_step = state.sampling_steps = 0
            state.current_latent = None
            state.current_image_sampling_step = 0  # else no preview until the last step's count is passed
            self.in_host = True
        try:
            yield
        finally:
            self.in_host = False

    def close(self) -> None:
        """The turn ended (done, failed or interrupted): the page sees its task completed, and the
        state, when it still describes this turn, is ended as the WebUI ends a job."""
        self.closed = True
        try:
            progress, state = _webui()
            getattr(progress, "pending_tasks", {}).pop(self.task, None)  # never started: not left queued
            progress.finish_task(self.task)
            if state.job == self.task:
                state.end()
                state.skipped = state.interrupted = state.stopping_generation = False  # as wrap_gradio_call
            clear_total_progress()
        except Exception as exc:  # noqa: BLE001
            log.warning("the WebUI's progress task %s was not closed: %s", self.task, exc)


def clear_total_progress() -> None:
    """Reset the console's "Total progress" bar, as the WebUI does after each of its jobs
    (`shared.total_tqdm.clear()` in call_queue), so it does not count on across turns."""
    from modules import shared

    total = getattr(shared, "total_tqdm", None)
    if total is not None:
        total.clear()


@contextlib.contextmanager
def webui_turn(task: str) -> Iterator[Turn]:
    """Within this block, edits report to the WebUI progress task `task` (the "task(...)" id the page
    polls), which ends with the block, also on error or Interrupt."""
    turn = Turn(task)
    try:
        turn.open()
    except Exception as exc:  # noqa: BLE001 - an older host without these functions: no progress display
        log.warning("the turn is not shown in the WebUI's progress: %s", exc)
    token = _CURRENT.set(turn)
    try:
        yield turn
    finally:
        _CURRENT.reset(token)
        turn.close()


@contextlib.contextmanager
def host_generation(report: ProgressFn | None, text: str) -> Iterator[None]:
    """Around one host generation, inside queue_lock: `shared.state` describes the current turn
    (`webui_turn`), or, with none (an API request), a job of its own, as the WebUI's API routes do."""
    turn = _CURRENT.get()
    if turn is not None:
        with turn.generation(report, text):
            yield
        return
    _, state = _webui()
    state.begin(job="imgedit")
    state.textinfo = f"Chat Edit: {text}"
    try:
        yield
    finally:
        state.end()
        clear_total_progress()
