"""modules/script_callbacks.py: the registrars take (callback, *, name=None) since 1.9."""

from collections import defaultdict

callback_map = defaultdict(list)


class ImageSaveParams:
    def __init__(self, image, p, filename, pnginfo):
        self.image = image
        self.p = p
        self.filename = filename
        self.pnginfo = pnginfo


def _add(category, callback, name):
    callback_map[category].append((name, callback))


def on_ui_tabs(callback, *, name=None):
    _add("callbacks_ui_tabs", callback, name)


def on_ui_settings(callback, *, name=None):
    _add("callbacks_ui_settings", callback, name)


def on_app_started(callback, *, name=None):
    _add("callbacks_app_started", callback, name)


def on_before_image_saved(callback, *, name=None):
    _add("callbacks_before_image_saved", callback, name)


def add_callback(callbacks, fun, *, name=None, category="unknown", filename=None):
    callbacks.append(fun)


def sort_callbacks(category, unordered_callbacks, *, enable_user_sort=True):
    return list(unordered_callbacks)
