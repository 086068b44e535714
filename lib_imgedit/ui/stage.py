"""The picture stage: the current picture with the brush and eraser canvas, before/after, the
segmentation overlay, the legend of labels (a click selects that region), and the box over the
picture where a turn's progress and live preview show."""

from __future__ import annotations

import html
import time
from typing import Any

import gradio as gr
import numpy as np

from ..core import images
from ..core.errors import ImgEditError
from ..core.labels import LabelMap
from ..store import Node
from .compat import args_js, client_of
from .view import legend_html

STAGE_HTML = """
<div id="imgedit_stage" class="imgedit-stage" data-tool="none">
  <div class="imgedit-toolbar">
    <button type="button" class="imgedit-tool" data-tool="brush"><i class="imgedit-icon imgedit-icon-brush"></i><span>Brush</span></button>
    <button type="button" class="imgedit-tool" data-tool="eraser"><i class="imgedit-icon imgedit-icon-eraser"></i><span>Eraser</span></button>
    <label class="imgedit-size"><span>Size</span><input type="range" min="4" max="160" value="40"></label>
    <button type="button" class="imgedit-action" data-action="clear"><span>Clear mask</span></button>
    <span class="imgedit-spacer"></span>
    <button type="button" class="imgedit-action" data-action="compare" disabled><span>Before / after</span></button>
    <a class="imgedit-action imgedit-download" download="imgedit.png" aria-disabled="true"><span>Download</span></a>
  </div>
  <div class="imgedit-canvas-area">
    <div class="imgedit-frame">
      <img class="imgedit-before" alt="">
      <img class="imgedit-current" alt="">
      <canvas class="imgedit-mask"></canvas>
      <input type="range" class="imgedit-compare-slider" min="0" max="100" value="50" aria-label="before/after">
    </div>
    <div class="imgedit-empty"><span>Drop a photo here, or use Upload a photo.</span></div>
    <div class="imgedit-progress-slot"></div>
    <div id="imgedit_live" class="imgedit-live"></div>
  </div>
  <div class="imgedit-hint"><span>Paint with the brush to limit the next edit to that area; click a label to select its region.</span></div>
</div>
"""


class StagePart:
    c: dict[str, Any]

    def stage_column(self) -> None:
        c = self.c
        gr.HTML(STAGE_HTML, elem_id="imgedit_stage_box")
        # The one component a turn's progress shows on; the page script puts it over the picture.
        # Marked when the host's own progress display (the WebUI's requestProgress) is to be used.
        c["progress"] = gr.HTML("", elem_id="imgedit_progress",
                                elem_classes=["imgedit-page-progress"] if self.host.page_progress else None)
        with gr.Row(elem_id="imgedit_labels_row"):
            c["overlay"] = gr.Checkbox(label="Show segmentation overlay", value=False, elem_id="imgedit_overlay", scale=0, min_width=260)
            c["legend"] = gr.HTML("", elem_id="imgedit_legend")

    def stage_view(self, labels: LabelMap) -> dict[Any, Any]:
        return {self.c["legend"]: legend_html(labels.summary(), len(labels.faces))}

    def overlay_file(self, sid: str, client: str, node: Node) -> str:
        # named after the picture it belongs to: the page script shows it only over that picture
        name = f"overlay-{node.image[:64]}-{(node.labelmap or '')[:16]}.png"
        return self.files.derived(name, lambda: self.service.node_png(sid, client, node.id, True))

    def mask_png(self, data: str | None) -> bytes | None:
        return images.decode_base64(data, int(self.service.settings.max_upload_mb * 1e6)) if data else None

    def on_overlay(self, sid: str | None, request: gr.Request) -> dict[Any, Any]:
        """The current picture's overlay, whichever way the box was ticked: the page script shows it
        or not by the box's state, so quick clicks whose answers arrive out of order do no harm."""
        client = client_of(request)
        try:
            session = self.service.get_session(sid, client) if sid else None
        except ImgEditError:
            return self.unchanged("overlay_file")
        if session is None or not session.current:
            return self.unchanged("overlay_file")
        return {self.c["overlay_file"]: self.overlay_file(sid, client, self.service.store.get_node(sid, session.current))}

    def on_pick(self, label: str, sid: str | None, request: gr.Request) -> dict[Any, Any]:
        """A legend label's region as a mask for the brush canvas (RGBA: yellow where selected)."""
        try:
            session = self.service.get_session(sid, client_of(request)) if sid else None
            if session is None or not session.current:
                return self.unchanged("pick")
            mask = self.service.node_labels(self.service.store.get_node(sid, session.current)).masks.get(label)
        except ImgEditError:
            return self.unchanged("pick")
        if mask is None:
            return self.unchanged("pick")
        rgba = np.zeros(mask.shape + (4,), np.uint8)
        rgba[mask] = (255, 214, 0, 255)
        data = "data:image/png;base64," + images.png_b64(images.encode_png(rgba))
        img = f'<img class="imgedit-pick" data-n="{time.time_ns()}" data-label="{html.escape(label)}" src="{data}">'
        return {self.c["pick"]: img}

    def wire_stage(self) -> None:
        c = self.c
        c["overlay"].change(self.safe(self.on_overlay, "errors"), [c["sid"]], [c["overlay_file"]], show_progress="hidden")
        c["pick_btn"].click(self.safe(self.on_pick, "errors"), [c["pick_in"], c["sid"]], [c["pick"]], show_progress="hidden",
                            **args_js(2, pickedLabel=0))
