"""Chat Edit, the WebUI entry: registers the tab, the Settings section, the API routes, the in-process
`host` executor and the `controlnet` segmenter. Nothing else happens here; ControlNet, ReActor and
roop are looked up when an edit runs, so the WebUI starts the same without them."""

from modules import script_callbacks, scripts

from lib_imgedit.executors import register
from lib_imgedit.host import entry
from lib_imgedit.host.img2img import HostExecutor
from lib_imgedit.segment import register as register_segmenter

entry.extension_dir = scripts.basedir()  # only right while this file is imported; later it is the WebUI's root
entry.console_logging()

register(HostExecutor)
register_segmenter("controlnet", "lib_imgedit.host.segmenter:ControlNetSegmenter")


def on_ui_tabs():
    return [(entry.build_tab(), "Chat Edit", "imgedit")]


def on_app_started(demo, app):
    entry.mount(app)


def _on(register_callback, fn):
    try:
        register_callback(fn, name="imgedit")
    except TypeError:  # before 1.9 the registrars took no name
        register_callback(fn)


_on(script_callbacks.on_ui_tabs, on_ui_tabs)
_on(script_callbacks.on_ui_settings, entry.register_settings)
_on(script_callbacks.on_app_started, on_app_started)
