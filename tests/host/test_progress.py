"""A turn of the Chat Edit tab in the WebUI as the page's `requestProgress` sees it: the doubles'
`modules.progress.progressapi` computes `/internal/progress` from shared.state as A1111 1.10.1 and
Forge do (progress, ETA from time_start, live preview, textinfo), polled while the turn runs."""

import threading
import time

import numpy as np
import pytest
from sd_helpers import gradient, sd_request

from lib_imgedit.core.errors import Interrupted, UpstreamError
from lib_imgedit.core.instruction import validate_instruction
from lib_imgedit.core.labels import LabelMap
from lib_imgedit.engine.service import EditService
from lib_imgedit.executors import EXECUTORS
from lib_imgedit.host.img2img import HostExecutor
from lib_imgedit.host.tab import WebUITabHost

INPAINT = {"operation": "inpaint", "targets": ["thing"], "prompt": "a leather jacket", "strength": 0.6}
ADJUST = {"operation": "adjust", "targets": ["thing"], "adjust": {"blur": 0.5}}


class Page:
    """The page's two polls of /internal/progress for one task (progress and live preview), every
    20 ms, passing back the last preview id as requestProgress does, until stopped."""

    def __init__(self, webui, task):
        self.webui, self.task, self.seen = webui, task, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        last = -1
        while not self._stop.is_set():
            res = self.webui.progress.progressapi(self.task, id_live_preview=last)
            last = res["id_live_preview"]
            self.seen.append({**res, "at": time.time(), "job_count": self.webui.shared.state.job_count})
            time.sleep(0.02)

    def stop(self):
        self._stop.set()
        self._thread.join()
        return self.seen


def leftover(webui):
    """What a finished job leaves in shared.state: its start time, steps, job number and preview."""
    state = webui.shared.state
    state.begin(job="task(previous)")
    state.job_no, state.sampling_step, state.sampling_steps = 3, 19, 20
    state.current_image, state.id_live_preview = object(), 9
    state.end()
    state.time_start -= 1000


def turn(host, task, fn, reports=None):
    """One turn as the tab runs it: `fn(report)` inside host.generating(gradio's bar, task)."""
    bar = (lambda d, t, x: reports.append((d, t, x))) if reports is not None else (lambda d, t, x: None)
    with host.generating(bar, task) as report:
        return fn(report)


def after_the_turn(webui, task):
    res = webui.progress.progressapi(task)
    state = webui.shared.state
    assert res["completed"] and not res["active"] and not res["queued"], "the page removes its bar"
    assert (state.job, state.job_count, state.interrupted) == ("", 0, False), "the state ended as the WebUI ends a job"
    assert task not in webui.progress.pending_tasks and not webui.call_queue.queue_lock.locked()


@pytest.mark.parametrize("kind", ["a1111", "forge"])
def test_a_turn_shows_its_progress_eta_and_live_preview(make_webui, settings, rules, kind):
    webui = make_webui(kind=kind)
    webui.processing.step_delay = 0.04
    webui.shared.opts.show_progress_every_n_steps = 2
    leftover(webui)
    host, reports = WebUITabHost(), []
    page = Page(webui, "task(one)")
    start = time.time()
    turn(host, "task(one)", lambda report: HostExecutor(settings, rules).run(sd_request(settings, rules, INPAINT, progress=report)),
         reports)
    took = time.time() - start
    seen = page.stop()
    active = [r for r in seen if r["active"]]
    assert len(active) > 5 and host.page_progress
    first = seen.index(active[0])
    assert all(r["active"] for r in seen[first:] if not r["completed"]), "active from start to end: the bar stays"
    progress = [r["progress"] for r in active]
    assert progress == sorted(progress) and 0 < progress[len(progress) // 2] < 1 and progress[-1] >= 0.9
    # the ETA of this turn: from its own start, not from the previous job's time_start 1000 s ago
    etas = [r["eta"] for r in active if r["progress"] and r["progress"] > 0.3]
    assert etas and all(0 <= eta < 2 * took + 1 for eta in etas), etas
    assert all(r["textinfo"] == "Chat Edit: Stable Diffusion inpaint" for r in active[-3:])
    # the sampler's previews reach the page, each once, with ids counted from this turn
    previews = [r for r in active if r["live_preview"]]
    ids = [r["id_live_preview"] for r in previews]
    assert len(previews) >= 3 and ids == sorted(set(ids)) and ids[0] == 1
    assert all(r["live_preview"].startswith("data:image/png;base64,") for r in previews)
    assert webui.progress.started == ["task(one)"] and webui.shared.state.begun[-1:] == ["task(one)"]
    assert webui.processing.runs[-1].state_job == "task(one)" and reports, "gradio's bar is told too"
    after_the_turn(webui, "task(one)")


def test_the_steps_of_a_plan_are_the_jobs_of_one_task(webui, settings, rules):
    """A plan of a host step and a local step, through the plan runner: job 1 of 2, then 2 of 2,
    the task active throughout (the page's bar is removed once its task is no longer active)."""
    EXECUTORS["host"] = HostExecutor
    webui.processing.step_delay = 0.04
    service = EditService(settings.update({"executors": "host,local"}))
    image = gradient()
    mask = np.zeros(image.shape[:2], bool)
    mask[20:40, 30:70] = True
    labels = LabelMap(image.shape[1], image.shape[0], {"thing": mask})
    steps = [validate_instruction(s, rules, labels.names) for s in (INPAINT, ADJUST)]
    host, page = WebUITabHost(), Page(webui, "task(plan)")
    done = turn(host, "task(plan)", lambda report: service.run_steps("s1", image, labels, steps, progress=report))
    seen = page.stop()
    assert [r.executor for r in done.results] == ["host", "local"]
    active = [r for r in seen if r["active"]]
    first = seen.index(active[0])
    assert all(r["active"] for r in seen[first:] if not r["completed"])
    progress = [r["progress"] for r in active]
    # the host step is the first half of the bar (the local step is over between two polls)
    assert progress == sorted(progress) and any(0 < p < 0.5 for p in progress) and progress[-1] >= 0.5
    assert {r["job_count"] for r in active} == {2}
    assert any(r["textinfo"] == "Chat Edit, step 1/2: Stable Diffusion inpaint" for r in active)
    assert webui.progress.started == ["task(plan)"] and webui.shared.state.begun[-1:] == ["task(plan)"]
    after_the_turn(webui, "task(plan)")


def test_an_error_ends_the_task_and_the_state(webui, settings, rules):
    webui.processing.fail_with = ValueError("boom")
    with pytest.raises(UpstreamError):
        turn(WebUITabHost(), "task(err)", lambda report: HostExecutor(settings, rules).run(sd_request(settings, rules, INPAINT, progress=report)))
    after_the_turn(webui, "task(err)")


@pytest.mark.parametrize("how", ["tab", "webui"])
def test_interrupt_ends_the_task_and_the_state_promptly(webui, settings, rules, how):
    """The tab's Interrupt (the service's cancel flag) or the WebUI's own button (shared.state.interrupt)."""
    webui.processing.step_delay = 0.05
    cancel = threading.Event()
    stop = cancel.set if how == "tab" else webui.shared.state.interrupt
    pressed = []
    threading.Timer(0.4, lambda: (pressed.append(time.time()), stop())).start()
    with pytest.raises(Interrupted):
        turn(WebUITabHost(), "task(int)", lambda report: HostExecutor(settings, rules).run(
            sd_request(settings, rules, INPAINT, progress=report, cancel=cancel)))
    assert time.time() - pressed[0] < 1.5, "the task ends within a watcher tick and a sampling step"
    after_the_turn(webui, "task(int)")


def test_a_second_turn_starts_with_fresh_progress(webui, settings, rules):
    host = WebUITabHost()
    webui.processing.step_delay = 0.02
    page = Page(webui, "task(a)")  # previews are made when the page asks for them
    turn(host, "task(a)", lambda report: HostExecutor(settings, rules).run(sd_request(settings, rules, INPAINT, progress=report)))
    assert page.stop() and webui.shared.state.id_live_preview > 0 and webui.shared.state.current_image is not None
    api = webui.progress.progressapi

    def second(report):
        res = api("task(b)")
        assert res["active"] and (res["progress"], res["eta"], res["live_preview"]) == (0, None, None)
        assert res["textinfo"] == "Chat Edit"
        time.sleep(1.0)  # planning: not part of the work the ETA extrapolates
        report(0, 4, "local adjust")
        time.sleep(0.3)
        report(1, 4, "local adjust")
        return api("task(b)")

    res = turn(host, "task(b)", second)
    assert res["progress"] == 0.25 and res["textinfo"] == "Chat Edit: local adjust"
    assert 0.6 <= res["eta"] < 3, "ETA from this turn's first step: 0.3 s a quarter (3.9 s with the planning)"
    assert api("task(a)")["completed"]
    after_the_turn(webui, "task(b)")
    assert webui.shared.total_tqdm.cleared == 2, "the console's Total progress starts afresh after each turn"
    HostExecutor(settings, rules).run(sd_request(settings, rules, INPAINT))  # an API edit: a job of its own
    assert webui.shared.total_tqdm.cleared == 3


def test_a_turn_waits_while_another_job_runs_and_never_touches_its_state(webui, settings, rules):
    """Another tab's generation (wrap_gradio_gpu_call: queue_lock, begin, start_task) runs when the turn
    starts: the turn is queued, its reports leave the other job's state alone, and its host step takes
    the task and the state once queue_lock is free."""
    lock, state, progress = webui.call_queue.queue_lock, webui.shared.state, webui.progress
    held, seen_by_other = threading.Event(), []

    def other_job():
        progress.add_task_to_queue("task(other)")
        with lock:
            state.begin(job="task(other)")
            progress.start_task("task(other)")
            state.job_count, state.sampling_steps, state.sampling_step = 1, 10, 5
            held.set()
            time.sleep(0.5)
            seen_by_other.append((state.job, state.job_count, state.sampling_steps, state.sampling_step, progress.current_task))
            progress.finish_task("task(other)")
            state.end()

    thread = threading.Thread(target=other_job)
    thread.start()
    held.wait()
    answers = []

    def ours(report):
        answers.append(progress.progressapi("task(ours)"))
        report(0, 1, "local adjust")  # a CPU step's report while the other job runs
        return HostExecutor(settings, rules).run(sd_request(settings, rules, INPAINT, progress=report))

    turn(WebUITabHost(), "task(ours)", ours)
    thread.join()
    assert answers[0]["queued"] and not answers[0]["active"] and answers[0]["textinfo"] == "In queue: 1/1"
    assert seen_by_other == [("task(other)", 1, 10, 5, "task(other)")], "the other job's state is its own"
    assert webui.processing.runs[-1].state_job == "task(ours)" and progress.started[-1] == "task(ours)"
    after_the_turn(webui, "task(ours)")


def test_without_a_task_id_nothing_is_registered(webui):
    reports = []
    turn(WebUITabHost(), "", lambda report: report(1, 2, "x"), reports)
    assert reports == [(1, 2, "x")] and webui.progress.started == [] and webui.shared.state.begun == []


def test_after_an_interrupt_the_turn_ends_only_when_the_webui_is_free(webui):
    """The WebUI's interrupted generation still holds queue_lock (VAE decode, scripts) and shared.state's
    job: the tab's turn ends, and "stopping..." goes, only once both are released."""
    import threading
    import time

    from lib_imgedit.host.tab import WebUITabHost

    lock, state = webui.call_queue.queue_lock, webui.shared.state
    lock.acquire()
    state.job_count = 1
    released = []

    def finish():
        time.sleep(0.4)
        state.job_count = 0
        released.append(time.monotonic())
        lock.release()

    threading.Thread(target=finish).start()
    WebUITabHost().settle(timeout=5)
    assert released and time.monotonic() >= released[0]
    assert not lock.locked()
    started = time.monotonic()
    WebUITabHost().settle(timeout=5)  # already free: at once
    assert time.monotonic() - started < 0.5
