"""modules/progress.py (A1111 1.10.1; Forge's is the same): the task registry the WebUI's generations
fill, and `progressapi`, what `/internal/progress` answers the page's `requestProgress`, computed from
shared.state as the real one does (progress, ETA, live preview, textinfo)."""

import base64
import io
import time
from collections import OrderedDict

from modules import shared

current_task = None
pending_tasks = OrderedDict()
finished_tasks = []
recorded_results = []
started = []  # the double records each start_task(id)


def start_task(id_task):
    global current_task
    current_task = id_task
    pending_tasks.pop(id_task, None)
    started.append(id_task)


def finish_task(id_task):
    global current_task
    if current_task == id_task:
        current_task = None
    finished_tasks.append(id_task)
    if len(finished_tasks) > 16:
        finished_tasks.pop(0)


def record_results(id_task, res):
    recorded_results.append((id_task, res))
    if len(recorded_results) > 2:
        recorded_results.pop(0)


def add_task_to_queue(id_job):
    pending_tasks[id_job] = time.time()


def progressapi(id_task, id_live_preview=-1, live_preview=True):
    """The ProgressResponse as a dict."""
    opts = shared.opts
    active = id_task == current_task
    queued = id_task in pending_tasks
    completed = id_task in finished_tasks
    if not active:
        textinfo = "Waiting..."
        if queued:
            sorted_queued = sorted(pending_tasks.keys(), key=lambda x: pending_tasks[x])
            textinfo = f"In queue: {sorted_queued.index(id_task) + 1}/{len(sorted_queued)}"
        return {"active": active, "queued": queued, "completed": completed, "progress": None, "eta": None,
                "live_preview": None, "id_live_preview": -1, "textinfo": textinfo}

    progress = 0
    job_count, job_no = shared.state.job_count, shared.state.job_no
    sampling_steps, sampling_step = shared.state.sampling_steps, shared.state.sampling_step
    if job_count > 0:
        progress += job_no / job_count
    if sampling_steps > 0 and job_count > 0:
        progress += 1 / job_count * sampling_step / sampling_steps
    progress = min(progress, 1)

    elapsed_since_start = time.time() - shared.state.time_start
    predicted_duration = elapsed_since_start / progress if progress > 0 else None
    eta = predicted_duration - elapsed_since_start if predicted_duration is not None else None

    preview = None
    if opts.live_previews_enable and live_preview:
        shared.state.set_current_image()
        if shared.state.id_live_preview != id_live_preview:
            image = shared.state.current_image
            if image is not None:
                buffered = io.BytesIO()
                image.save(buffered, format=opts.live_previews_image_format)
                preview = f"data:image/{opts.live_previews_image_format};base64," + base64.b64encode(buffered.getvalue()).decode("ascii")
                id_live_preview = shared.state.id_live_preview
    return {"active": active, "queued": queued, "completed": completed, "progress": progress, "eta": eta,
            "live_preview": preview, "id_live_preview": id_live_preview, "textinfo": shared.state.textinfo}
