"""The history strip (the latest steps of the session on one scrolling row, and the current one
even when it is older, marked and kept in view by the page script), undo and redo, a click to go
back to a step, and the host's send-to buttons."""

from __future__ import annotations

from typing import Any, Callable

import gradio as gr

from .compat import args_js
from .pages import NodeLookup, history_nodes
from .view import history_items


class HistoryPart:
    c: dict[str, Any]

    def history_column(self) -> None:
        c = self.c
        with gr.Row(elem_id="imgedit_history_row"):
            c["undo"] = gr.Button("Undo", size="sm", elem_id="imgedit_undo", min_width=80)
            c["redo"] = gr.Button("Redo", size="sm", elem_id="imgedit_redo", min_width=80)
            c["send_to"] = {tab: gr.Button(f"Send to {tab}", size="sm", elem_id=f"imgedit_send_to_{tab}", min_width=120)
                            for tab in self.host.send_to}
        c["gallery"] = gr.Gallery(label="History (click a step to go back to it; the next edit branches from there)",
                                  columns=6, height=150, allow_preview=False, object_fit="cover", elem_id="imgedit_history")

    def history_view(self, sid: str, current: str | None, lookup: NodeLookup, zh: bool) -> dict[Any, Any]:
        """The latest steps (and the current one), not the whole tree: see `pages.history_nodes`."""
        nodes = history_nodes(self.service.store, sid, current, lookup)
        return {self.c["gallery"]: history_items(nodes, current, self.files.thumb, zh, by_id=lookup),
                self.c["node_ids"]: [n.id for n in nodes]}

    def on_history(self, op: str) -> Callable[..., dict[Any, Any]]:
        def handler(sid: str | None, task: str, notes: list, request: gr.Request) -> dict[Any, Any]:
            result = self.work(sid, request, notes, None, lambda client, _r: getattr(self.service, op)(sid, client), task=task)
            return {self.c["progress"]: "", self.c["result"]: result}

        handler.__name__ = f"on_{op}"
        return handler

    def on_jump(self, sid: str | None, node_ids: list[str], task: str, notes: list, evt: gr.SelectData,
                request: gr.Request) -> dict[Any, Any]:
        index = evt.index if isinstance(evt.index, int) else -1
        if not 0 <= index < len(node_ids):
            result = {"sid": sid, "notes": notes, "turn": task}
        else:
            result = self.work(sid, request, notes, None, lambda client, _r: self.service.jump(sid, client, node_ids[index]), task=task)
        return {self.c["progress"]: "", self.c["result"]: result}

    def wire_history(self) -> None:
        c = self.c
        for op in ("undo", "redo"):
            self.turn_event(c[op].click, self.on_history(op), [c["sid"], c["task"], c["notes"]], args_js(3, beginTurn=1))
        self.turn_event(c["gallery"].select, self.on_jump, [c["sid"], c["node_ids"], c["task"], c["notes"]], args_js(4, beginTurn=2))
