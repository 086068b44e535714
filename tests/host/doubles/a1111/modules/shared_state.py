"""modules/shared_state.py (A1111 1.10.1; Forge's State has the same fields and methods): what
generations, the progress API and the live preview use."""

import datetime
import time


class State:
    skipped = False
    interrupted = False
    stopping_generation = False
    job = ""
    job_no = 0
    job_count = 0
    processing_has_refined_job_count = False
    job_timestamp = "0"
    sampling_step = 0
    sampling_steps = 0
    current_latent = None
    current_image = None
    current_image_sampling_step = 0
    id_live_preview = 0
    textinfo = None
    time_start = None

    def __init__(self):
        self.begun = []  # the double records each begin(job)

    def interrupt(self):
        self.interrupted = True

    def skip(self):
        self.skipped = True

    def nextjob(self):
        from modules import shared

        if shared.opts.live_previews_enable and shared.opts.show_progress_every_n_steps == -1:
            self.do_set_current_image()
        self.job_no += 1
        self.sampling_step = 0
        self.current_image_sampling_step = 0

    def dict(self):
        return {"skipped": self.skipped, "interrupted": self.interrupted, "stopping_generation": self.stopping_generation,
                "job": self.job, "job_count": self.job_count, "job_timestamp": self.job_timestamp, "job_no": self.job_no,
                "sampling_step": self.sampling_step, "sampling_steps": self.sampling_steps}

    def begin(self, job: str = "(unknown)"):
        self.sampling_step = 0
        self.time_start = time.time()
        self.job_count = -1
        self.processing_has_refined_job_count = False
        self.job_no = 0
        self.job_timestamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
        self.current_latent = None
        self.current_image = None
        self.current_image_sampling_step = 0
        self.id_live_preview = 0
        self.skipped = False
        self.interrupted = False
        self.stopping_generation = False
        self.textinfo = None
        self.job = job
        self.begun.append(job)

    def end(self):
        self.job = ""
        self.job_count = 0

    def set_current_image(self):
        """A new preview from current_latent once show_progress_every_n_steps steps passed since the last."""
        from modules import shared

        if not shared.parallel_processing_allowed:
            return
        every = shared.opts.show_progress_every_n_steps
        if self.sampling_step - self.current_image_sampling_step >= every and shared.opts.live_previews_enable and every != -1:
            self.do_set_current_image()

    def do_set_current_image(self):
        if self.current_latent is None:
            return
        from modules import sd_samplers

        self.assign_current_image(sd_samplers.sample_to_image(self.current_latent))
        self.current_image_sampling_step = self.sampling_step

    def assign_current_image(self, image):
        self.current_image = image
        self.id_live_preview += 1
