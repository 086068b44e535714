"""modules/scripts.py: Script, the runner with its argument slices and its ordered-callbacks cache."""

import os

from modules import errors, script_callbacks


class AlwaysVisible:
    pass


class PostprocessImageArgs:
    def __init__(self, image):
        self.image = image


class Script:
    name = None
    filename = None
    args_from = None
    args_to = None
    alwayson = False
    is_txt2img = False
    is_img2img = False
    group = None
    infotext_fields = None
    paste_field_names = None
    setup_for_ui_only = False

    def title(self):
        raise NotImplementedError()

    def show(self, is_img2img):
        return True

    def setup(self, p, *args):
        pass

    def before_process(self, p, *args):
        pass

    def process(self, p, *args):
        pass

    def postprocess_image(self, p, pp: PostprocessImageArgs, *args):
        pass

    def postprocess(self, p, processed, *args):
        pass


class ScriptRunner:
    def __init__(self):
        self.scripts = []
        self.selectable_scripts = []
        self.alwayson_scripts = []
        self.titles = []
        self.title_map = {}
        self.infotext_fields = []
        self.paste_field_names = []
        self.inputs = [None]
        self.callback_map = {}
        self.callback_names = ["before_process", "process", "postprocess", "postprocess_image", "setup"]
        self.on_before_component_elem_id = {}
        self.on_after_component_elem_id = {}

    def add_alwayson(self, script, controls):
        """What initialize_scripts + setup_ui do for an always-on script: its slice of the inputs."""
        script.alwayson = True
        script.is_img2img = True
        self.scripts.append(script)
        self.alwayson_scripts.append(script)
        script.args_from = len(self.inputs)
        self.inputs += controls
        script.args_to = len(self.inputs)
        self.title_map[script.title().lower()] = script
        self.callback_map.clear()

    def list_scripts_for_method(self, method_name):
        return self.alwayson_scripts

    def create_ordered_callbacks_list(self, method_name, *, enable_user_sort=True):
        callbacks = []
        for script in self.list_scripts_for_method(method_name):
            if getattr(script.__class__, method_name, None) == getattr(Script, method_name, None):
                continue
            script_callbacks.add_callback(callbacks, script, category=f"script_{method_name}", name=script.__class__.__name__)
        return script_callbacks.sort_callbacks(f"script_{method_name}", callbacks, enable_user_sort=enable_user_sort)

    def ordered_scripts(self, method_name):
        """As 1.10: the ordered list is cached in callback_map and rebuilt only when the number of
        scripts changes, so a runner that shares this dict with another gets its scripts."""
        script_list = self.list_scripts_for_method(method_name)
        category = f"script_{method_name}"
        scrpts_len, callbacks = self.callback_map.get(category, (-1, None))
        if callbacks is None or scrpts_len != len(script_list):
            callbacks = self.create_ordered_callbacks_list(method_name)
            self.callback_map[category] = len(script_list), callbacks
        return callbacks

    def _each(self, method_name, p, *extra):
        for script in self.ordered_scripts(method_name):
            try:
                script_args = p.script_args[script.args_from:script.args_to]
                getattr(script, method_name)(p, *extra, *script_args)
            except Exception:
                errors.report(f"Error running {method_name}: {script.filename}", exc_info=True)

    def setup_scrips(self, p, *, is_ui=True):
        for script in self.ordered_scripts("setup"):
            if not is_ui and script.setup_for_ui_only:
                continue
            script.setup(p, *p.script_args[script.args_from:script.args_to])

    def before_process(self, p):
        self._each("before_process", p)

    def process(self, p):
        self._each("process", p)

    def postprocess_image(self, p, pp):
        self._each("postprocess_image", p, pp)

    def postprocess(self, p, processed):
        self._each("postprocess", p, processed)


current_basedir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def basedir():
    return current_basedir


scripts_txt2img: ScriptRunner = None
scripts_img2img: ScriptRunner = None
