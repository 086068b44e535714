import json
import re
import sys

sys.modules["modules.generation_parameters_copypaste"] = sys.modules[__name__]  # alias for old name, as in 1.10

registered_param_bindings = []


class ParamBinding:
    def __init__(self, paste_button, tabname, source_text_component=None, source_image_component=None,
                 source_tabname=None, override_settings_component=None, paste_field_names=None):
        self.paste_button = paste_button
        self.tabname = tabname
        self.source_text_component = source_text_component
        self.source_image_component = source_image_component
        self.source_tabname = source_tabname
        self.override_settings_component = override_settings_component
        self.paste_field_names = paste_field_names or []


def register_paste_params_button(binding: ParamBinding):
    registered_param_bindings.append(binding)


# As modules/infotext_utils.py (1.10): quote() for values, and the parser PNG Info and the send-to
# buttons use: the last line is parameters only when it holds at least three `Key: value` pairs.
re_param_code = r'\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)'
re_param = re.compile(re_param_code)
re_imagesize = re.compile(r"^(\d+)x(\d+)$")


def quote(text):
    if ',' not in str(text) and '\n' not in str(text) and ':' not in str(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def unquote(text):
    if len(text) == 0 or text[0] != '"' or text[-1] != '"':
        return text
    try:
        return json.loads(text)
    except Exception:
        return text


def parse_generation_parameters(x: str, skip_fields=None):
    res = {}
    prompt = ""
    negative_prompt = ""
    done_with_prompt = False
    *lines, lastline = x.strip().split("\n")
    if len(re_param.findall(lastline)) < 3:
        lines.append(lastline)
        lastline = ''
    for line in lines:
        line = line.strip()
        if line.startswith("Negative prompt:"):
            done_with_prompt = True
            line = line[16:].strip()
        if done_with_prompt:
            negative_prompt += ("" if negative_prompt == "" else "\n") + line
        else:
            prompt += ("" if prompt == "" else "\n") + line
    res["Prompt"] = prompt
    res["Negative prompt"] = negative_prompt
    for k, v in re_param.findall(lastline):
        if v and v[0] == '"' and v[-1] == '"':
            v = unquote(v)
        m = re_imagesize.match(v)
        if m is not None:
            res[f"{k}-1"] = m.group(1)
            res[f"{k}-2"] = m.group(2)
        else:
            res[k] = v
    return res
