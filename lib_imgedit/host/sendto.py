"""Send-to-img2img / inpaint buttons for the Chat Edit tab, wired the WebUI's way: the WebUI connects
every registered binding after all tabs are built, sending the picture (and, with an infotext, the
prompt, steps, seed...) to the target tab and switching to it."""

from __future__ import annotations

from typing import Any, Sequence


def _paste_module() -> Any:
    try:
        from modules import infotext_utils
    except ImportError:  # before 1.8 the module had its old name
        from modules import generation_parameters_copypaste as infotext_utils
    return infotext_utils


def add_send_to_buttons(image: Any, infotext: Any = None, tabs: Sequence[str] = ("img2img", "inpaint")) -> dict[str, Any]:
    """Create one "Send to <tab>" button per tab, in the current gradio layout, bound to `image`
    (a gr.Gallery, or a gr.Image of any type) and optionally `infotext` (a gr.Textbox holding the
    result's generation parameters). Returns {tab: button}."""
    import gradio as gr

    paste = _paste_module()
    source = image
    if isinstance(image, gr.Image) and getattr(image, "type", "pil") != "pil":
        # the WebUI's binding hands the value to PIL-only code: mirror a file-path image as PIL
        source = gr.Image(type="pil", visible=False, elem_id="imgedit_send_to_source")
        image.change(lambda value: value, inputs=[image], outputs=[source], show_progress="hidden")  # gradio 3.41 and 4 both take the string
    buttons = {}
    for tab in tabs:
        button = gr.Button(f"Send to {tab}", elem_id=f"imgedit_send_to_{tab}", size="sm")
        paste.register_paste_params_button(paste.ParamBinding(
            paste_button=button, tabname=tab, source_text_component=infotext, source_image_component=source))
        buttons[tab] = button
    return buttons
