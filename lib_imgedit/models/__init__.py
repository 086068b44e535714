"""Downloaded models: the catalog (`defaults/models/*.json`) and the one download path.

    from lib_imgedit import models
    path = models.ensure("lama", progress=lambda done, total, msg: ..., settings=settings)  # -> Path
    entry = models.spec("lama")  # repository, revision, files, licence, input size...
    models.is_present("lama", settings)  # on disk and checked: no network needed
    models.model_list(settings)  # every model: size, licence, files, where, present and verified (Settings)

`ensure` downloads on first use into the models folder (`models_dir` setting, else the WebUI's
`models/imgedit`, else `<data dir>/models`), checks the sha256, and raises `ModelUnavailable` (an
`ExecutorUnavailable`, HTTP 503) with a message for the user when the model cannot be had: downloads
switched off (`models_offline`), no network, a bad checksum. A failure is not retried in the same
process until `forget_failures()`.
"""

from .catalog import ModelFile, ModelSpec, catalog, parse_spec, spec
from .download import (
    ModelUnavailable,
    ensure,
    ensure_files,
    failed_error,
    failure,
    forget_failures,
    is_offline,
    is_present,
    local_path,
    missing_error,
    models_dir,
    set_host_models_dir,
    short_title,
    unavailable_sentence,
)
from .listing import format_list, model_list

__all__ = [
    "ModelFile", "ModelSpec", "ModelUnavailable", "catalog", "ensure", "ensure_files", "failed_error", "failure",
    "forget_failures", "format_list", "is_offline", "is_present", "local_path", "missing_error", "model_list", "models_dir", "parse_spec",
    "set_host_models_dir", "short_title", "spec", "unavailable_sentence",
]  # fmt: skip
