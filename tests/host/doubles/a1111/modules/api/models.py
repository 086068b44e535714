"""Double of modules/api/models.py (1.10): the response model of GET /sdapi/v1/options is built from the
options known when this module is first imported; ControlNet's scripts/api.py imports it while the
scripts load, before any on_ui_settings callback has added its options."""

from typing import Optional

from pydantic import Field, create_model

from modules.shared import opts

fields = {}
for key, metadata in opts.data_labels.items():
    value = opts.data.get(key)
    optType = opts.typemap.get(type(metadata.default), type(metadata.default)) if metadata.default else object
    fields.update({key: (Optional[optType], Field(default=metadata.default, description=metadata.label))})  # noqa: UP045 - as the WebUI

OptionsModel = create_model("Options", **fields)
