"""modules/shared.py: opts, cmd_opts, state and sd_model (the real one loads the model on first
access; the double holds whatever the test put there)."""

import argparse

from modules import options, shared_state

OptionInfo = options.OptionInfo

cmd_opts = argparse.Namespace(api_auth=None, api=True, nowebui=False, skip_install=False)
opts = options.Options({
    "samples_save": True, "samples_format": "png", "outdir_samples": "", "outdir_img2img_samples": "outputs/img2img-images",
    "outdir_grids": "", "outdir_img2img_grids": "outputs/img2img-grids", "control_net_unit_count": 3,
    "live_previews_enable": True, "show_progress_every_n_steps": 10, "live_previews_image_format": "png",
})
for _key, _value in list(opts.data.items()):  # the WebUI's own options, declared before any extension's
    opts.add_option(_key, OptionInfo(_value, _key))
state = shared_state.State()
parallel_processing_allowed = True
sd_model = None
config_filename = "config.json"  # the real one is <data path>/config.json; tests point it at tmp_path
demo = None


class TotalTQDM:  # the console's "Total progress" bar (modules/shared_total_tqdm.py): what clear() reset
    def __init__(self):
        self.cleared = 0

    def clear(self):
        self.cleared += 1


total_tqdm = TotalTQDM()
