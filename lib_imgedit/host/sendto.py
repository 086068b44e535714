"""Send-to-img2img / inpaint buttons for the Chat Edit tab, wired the WebUI's way: the WebUI connects
every registered binding after all tabs are built, sending the picture (and, with an infotext, the
prompt, steps, seed...) to the target tab and switching to it."""

from __future__ import annotations

from typing import Any


def _paste_module() -> Any:
    try:
        from modules import infotext_utils
    except ImportError:  # before 1.8 the module had its old name
        from modules import generation_parameters_copypaste as infotext_utils
    return infotext_utils


def bind_send_to(buttons: dict[str, Any], image: Any, infotext: Any = None) -> None:
    """Bind each `{tab: button}` to send `image` (a gr.Gallery, or a gr.Image of type "pil": the
    WebUI's paste code hands the value to PIL-only code, A1111's image editor or Forge's canvas) and
    optionally `infotext` (a gr.Textbox holding the result's generation parameters) to that tab."""
    paste = _paste_module()
    for tab, button in buttons.items():
        paste.register_paste_params_button(paste.ParamBinding(
            paste_button=button, tabname=tab, source_text_component=infotext, source_image_component=image))
