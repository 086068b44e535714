"""The instruction editor: the JSON of the current step (editable, run on the current picture or in
place of the current step) and a Form with a widget for every field of the instruction schema, one
step of a plan at a time, with steps added, removed and reordered."""

from __future__ import annotations

import json
from typing import Any, Callable

import gradio as gr

from ..core.errors import ImgEditError, InvalidInstruction
from ..core.instruction import plan_steps, validate_plan
from ..engine.service import TurnOutcome
from .compat import args_js, client_of, on_user_change
from .form import (
    FormField,
    change_steps,
    form_fields,
    form_values,
    step_at,
    step_choices,
    visible,
    with_form,
    with_step,
)
from .view import errors_html

STEP_ACTIONS = (("add", "Add step"), ("remove", "Remove step"), ("up", "Move up"), ("down", "Move down"))
# Rows of the form, by field group (the rest follow in schema order).
FORM_ROWS = (("operation", "targets"), ("prompt", "negative_prompt"), ("color",), ("adjust",), ("strength", "control"),
             ("mask",), ("aspect", "angle", "direction"), ("scale", "width", "height"), ("faces", "count"),
             ("question", "reply"))


def parse_code(code: str) -> dict[str, Any]:
    try:
        data = json.loads(code or "")
    except json.JSONDecodeError as exc:
        raise ValueError(f"the instruction is not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if not isinstance(data, dict):
        raise ValueError('the instruction must be a JSON object, like {"operation": "adjust", ...}')
    return data


def _dump(data: dict[str, Any] | None) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) if data else ""


def _index(step: str | None) -> int:
    return int(step) - 1 if str(step or "").isdigit() else 0


class EditorPart:
    c: dict[str, Any]

    def editor_box(self) -> None:
        c = self.c
        self.fields = form_fields(self.service.rules)
        with gr.Accordion("Instruction", open=True, elem_id="imgedit_instruction_box"):
            with gr.Tabs():
                with gr.Tab("JSON", elem_id="imgedit_tab_json"):
                    c["code"] = gr.Code(language="json", label="Instruction (JSON, editable)", lines=8, elem_id="imgedit_instruction")
                with gr.Tab("Form", elem_id="imgedit_tab_form") as c["form_tab"]:
                    self._form()
            c["errors"] = gr.HTML("", elem_id="imgedit_instruction_errors")
            with gr.Row():
                c["run"] = gr.Button("Run on current image", size="sm", elem_id="imgedit_run_json")
                c["rerun"] = gr.Button("Replace this step", size="sm", elem_id="imgedit_rerun_json")

    def _form(self) -> None:
        c = self.c
        with gr.Row(elem_id="imgedit_form_steps"):
            c["step"] = gr.Radio(["1"], value="1", label="Step", elem_id="imgedit_form_step", scale=3)
            c["step_buttons"] = {a: gr.Button(text, size="sm", elem_id=f"imgedit_step_{a}", min_width=60) for a, text in STEP_ACTIONS}
        by_group: dict[str, list[FormField]] = {}
        for f in self.fields:
            by_group.setdefault(f.group, []).append(f)
        rows = [row for row in FORM_ROWS] + [(g,) for g in by_group if not any(g in r for r in FORM_ROWS)]
        c["form"] = {}
        for row in rows:
            with gr.Row(elem_classes=["imgedit-form-row"]):
                for group in row:
                    for f in by_group.get(group, []):
                        c["form"][f.path] = self._widget(f)
                    if group == "color":
                        c["picker"] = gr.ColorPicker(label="Pick a colour", elem_id="imgedit_form_picker")
        c["form"] = {f.path: c["form"][f.path] for f in self.fields}  # the fields' order, whatever the layout

    def _widget(self, f: FormField) -> Any:
        kw = {"label": f.label, "info": f.help or None, "elem_id": "imgedit_form_" + f.path.replace(".", "_")}
        if f.kind == "choice":
            return gr.Dropdown(list(f.choices), value=f.choices[0] if f.path == "operation" else "", **kw)
        if f.kind == "multi":
            choices = [str(i) for i in range(32)] if f.path == "faces" else []
            return gr.Dropdown(choices, value=[], multiselect=True, **kw)
        if f.kind == "slider":
            return gr.Slider(f.lo, f.hi, value=0, step=f.step, min_width=160, **kw)
        if f.kind == "number":  # no minimum: gradio would refuse 0 ("not set") before the schema could explain
            return gr.Number(value=1 if f.path == "count" else 0, precision=0 if f.step == 1 else None, min_width=120, **kw)
        if f.kind == "check":
            return gr.Checkbox(value=False, **kw)
        return gr.Textbox(value="", lines=1, **kw)

    def form_outputs(self) -> list[Any]:
        return [self.c["step"], *self.form_widgets()]

    def form_widgets(self) -> list[Any]:
        """What `_widgets` updates: a widget per field, and the colour picker beside the colour."""
        return [*self.c["form"].values(), self.c["picker"]]

    def _widgets(self, step: dict[str, Any], labels: list[str] | None = None) -> dict[Any, Any]:
        """The form showing `step`: every widget's value, only the fields its operation uses."""
        values = form_values(self.fields, step)
        shown = visible(self.fields, step)
        out = {}
        for f, value, on in zip(self.fields, values, shown, strict=True):
            extra = {"choices": labels} if f.path == "targets" and labels is not None else {}
            if f.path == "targets" and labels is not None:
                value = [t for t in value if t in labels or t == "user_mask"]
            out[self.c["form"][f.path]] = gr.update(value=value, visible=on, **extra)
            if f.path == "color":
                out[self.c["picker"]] = gr.update(visible=on)
        return out

    def form_update(self, instruction: dict[str, Any] | None, labels: list[str]) -> dict[Any, Any]:
        """The editor showing `instruction` (JSON and form at its first step)."""
        c = self.c
        return {c["code"]: _dump(instruction), c["step"]: gr.update(choices=step_choices(instruction), value="1"),
                **self._widgets(step_at(instruction, 0), labels)}

    # ------------------------------------------------------------------ form handlers
    def _parse_or_error(self, code: str) -> tuple[dict[str, Any] | None, dict[Any, Any] | None]:
        try:
            return (parse_code(code) if (code or "").strip() else {}), None
        except ValueError as exc:
            return None, {self.c["errors"]: errors_html(f"fix the JSON before using the form: {exc}")}

    def on_form(self, code: str, step: str, *values: Any) -> dict[Any, Any]:
        """A form value changed: write it into the JSON (at the step shown)."""
        data, error = self._parse_or_error(code)
        if error:
            return error
        index = _index(step)
        updated = with_step(data, index, with_form(step_at(data, index), self.fields, list(values)))
        return {self.c["code"]: _dump(updated), self.c["errors"]: ""}

    def on_operation(self, code: str, step: str, *values: Any) -> dict[Any, Any]:
        """The operation changed: as any field, and the form shows the fields of the new one."""
        out = self.on_form(code, step, *values)
        if self.c["code"] in out:
            out.update(self._widgets(step_at(json.loads(out[self.c["code"]] or "{}"), _index(step))))
        return out

    def on_color(self, code: str, step: str, color: str) -> dict[Any, Any]:
        values = form_values(self.fields, step_at(self._parse_or_error(code)[0] or {}, _index(step)))
        values[[f.path for f in self.fields].index("color")] = color
        return {**self.on_form(code, step, *values), self.c["form"]["color"]: color}

    def on_form_show(self, code: str, step: str) -> dict[Any, Any]:
        """The Form tab opened or another step chosen: the form shows that step of the JSON."""
        data, error = self._parse_or_error(code)
        if error:
            return error
        index = min(_index(step), max(0, len(step_choices(data)) - 1))
        return {**self._widgets(step_at(data, index)), self.c["step"]: gr.update(choices=step_choices(data), value=str(index + 1)),
                self.c["errors"]: ""}

    def on_steps(self, action: str) -> Callable[..., dict[Any, Any]]:
        def handler(code: str, step: str) -> dict[Any, Any]:
            data, error = self._parse_or_error(code)
            if error:
                return error
            updated, index = change_steps(data, _index(step), action)
            return {self.c["code"]: _dump(updated), self.c["step"]: gr.update(choices=step_choices(updated), value=str(index + 1)),
                    self.c["errors"]: "", **self._widgets(step_at(updated, index))}

        handler.__name__ = f"on_steps_{action}"
        return handler

    # ------------------------------------------------------------------ running the editor's instruction
    def run_editor(self, code: str, sid: str | None, request: gr.Request, notes: list, mask: str | None, progress: Any,
                   task: str, text: str = "", replace: bool = False) -> dict[str, Any]:
        """Run the editor's instruction on the current picture or, with `replace`, in place of the
        current step (from its parent: a new branch). It is checked first, so a bad one changes
        nothing: its errors appear beside the editor, which keeps the user's text."""
        client = client_of(request)
        result = {"sid": sid, "notes": notes, "turn": task}
        try:
            if not sid:
                raise ValueError("upload a photo first: there is nothing to edit yet")
            instruction = parse_code(code)
            session = self.service.get_session(sid, client)
            target = self.service.store.get_node(sid, session.current) if session.current else None
            if replace:
                if target is None or not target.parent:
                    raise ValueError("this is the uploaded picture: there is no step to replace")
                target = self.service.store.get_node(sid, target.parent)
            if target is None:
                raise ValueError("upload a photo first: there is nothing to edit yet")
            validate_plan(instruction, self.service.rules, self.service.node_labels(target).names)
        except ValueError as exc:
            return {**result, "errors": errors_html(str(exc))}
        except InvalidInstruction as exc:
            return {**result, "errors": errors_html(exc.message, exc.details)}
        except ImgEditError as exc:
            return self.note(result, 0, None, exc)

        if replace:  # the plan's first step says it: run from the step's parent (engine/service.py)
            steps = plan_steps(instruction)
            steps[0]["replace"] = True

        def act(client: str, report: Any) -> TurnOutcome:
            return self.service.run_instruction(sid, client, instruction, text, mask_png=self.mask_png(mask), progress=report)

        return self.work(sid, request, notes, text or None, act, progress, task)

    def on_run(self, replace: bool) -> Callable[..., dict[Any, Any]]:
        def handler(mask: str, code: str, sid: str | None, task: str, notes: list, request: gr.Request,
                    progress: gr.Progress = gr.Progress()) -> dict[Any, Any]:
            result = self.run_editor(code, sid, request, notes, mask, progress, task, replace=replace)
            return {self.c["progress"]: "", self.c["result"]: result}

        handler.__name__ = "on_rerun" if replace else "on_run"
        return handler

    def wire_editor(self) -> None:
        c = self.c
        run_inputs = [c["mask"], c["code"], c["sid"], c["task"], c["notes"]]
        for key, replace in (("run", False), ("rerun", True)):
            self.turn_event(c[key].click, self.on_run(replace), run_inputs, args_js(5, maskData=0, beginTurn=3))
        widgets = list(c["form"].values())
        op = c["form"]["operation"]
        for widget in widgets:
            if widget is op:
                on_user_change(op, self.safe(self.on_operation, "errors"), [c["code"], c["step"], *widgets],
                                [c["code"], c["errors"], *self.form_widgets()])
            else:
                on_user_change(widget, self.safe(self.on_form, "errors"), [c["code"], c["step"], *widgets], [c["code"], c["errors"]])
        c["picker"].input(self.safe(self.on_color, "errors"), [c["code"], c["step"], c["picker"]],
                          [c["code"], c["errors"], c["form"]["color"]], show_progress="hidden")
        show = [*self.form_widgets(), c["step"], c["errors"]]
        c["form_tab"].select(self.safe(self.on_form_show, "errors"), [c["code"], c["step"]], show, show_progress="hidden")
        c["step"].input(self.safe(self.on_form_show, "errors"), [c["code"], c["step"]], show, show_progress="hidden")
        for action, button in c["step_buttons"].items():
            button.click(self.safe(self.on_steps(action), "errors"), [c["code"], c["step"]], [c["code"], *show], show_progress="hidden")

