"""A local stand-in ComfyUI on 127.0.0.1, written from ComfyUI 0.8's server.py and execution.py:
the same routes, request and answer shapes, and websocket messages ({"type", "data"}: status,
execution_start, executing, progress, executed, execution_success, execution_interrupted, and the
final executing with node None). POST /prompt validates the graph against an /object_info captured
from a real ComfyUI 0.8 (fixtures/comfy_object_info.json, trimmed to the nodes our templates use):
node types, required inputs, links (node, output index, type), combo values (model files the stand-in
"has", uploaded images) and, stricter than ComfyUI, inputs the node does not define.

Its "model" is a stand-in too: the output is the LoadImage picture at the ImageScale size, painted
PAINT inside the mask (everywhere when the workflow has none, as instruction-edit models redraw all) and shifted by a few levels everywhere (the drift of real
models), so tests can see that only the mask's pixels reach the user.
"""

from __future__ import annotations

import asyncio
import copy
import io
import json
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

FIXTURE = Path(__file__).parent / "fixtures" / "comfy_object_info.json"
MODEL_INPUTS = {("CheckpointLoaderSimple", "ckpt_name"), ("UNETLoader", "unet_name"), ("DualCLIPLoader", "clip_name1"),
                ("DualCLIPLoader", "clip_name2"), ("CLIPLoader", "clip_name"), ("VAELoader", "vae_name")}
DRIFT = 3
PAINT = (250, 10, 200)


class StandInComfy:
    def __init__(self, models: set[str] | None = None, step_delay: float = 0.0, steps_cap: int = 50):
        self.object_info = json.loads(FIXTURE.read_text("utf-8"))
        self.models = set(models or ())
        self.step_delay, self.steps_cap = step_delay, steps_cap
        self.inputs: dict[str, bytes] = {}
        self.outputs: dict[str, bytes] = {}
        self.history: dict[str, Any] = {}
        self.pending: list[tuple[str, dict, str]] = []
        self.running: list[tuple[str, dict, str]] = []
        self.prompts: list[dict[str, Any]] = []  # every accepted graph, for the tests
        self.calls: list[str] = []
        self.interrupted = threading.Event()
        self.number = 0
        self._sockets: dict[str, asyncio.Queue] = {}
        self._cond = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.url = ""

    # ------------------------------------------------------------ validation (execution.validate_prompt's shapes)
    def info_for(self, cls: str) -> dict[str, Any]:
        info = copy.deepcopy(self.object_info[cls])
        for (node, name) in MODEL_INPUTS:
            if node == cls:
                spec = info["input"]["required"][name]
                choices = sorted(self.models)
                info["input"]["required"][name] = [choices, *spec[1:]] if isinstance(spec[0], list) else \
                    ["COMBO", {**spec[1], "options": choices}]
        if cls == "LoadImage":
            info["input"]["required"]["image"] = [sorted(self.inputs), {"image_upload": True}]
        return info

    def validate(self, prompt: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, Any] = {}

        def bad(node: str, kind: str, message: str, details: str) -> None:
            errors.setdefault(node, {"errors": [], "dependent_outputs": [], "class_type": prompt[node].get("class_type")})
            errors[node]["errors"].append({"type": kind, "message": message, "details": details, "extra_info": {}})

        for nid, node in prompt.items():
            cls = node.get("class_type")
            if cls not in self.object_info:
                bad(nid, "invalid_prompt", f"Cannot execute because node {cls} does not exist.", f"Node ID '#{nid}'")
                continue
            info = self.info_for(cls)
            required, optional = info["input"].get("required", {}), info["input"].get("optional", {})
            inputs = node.get("inputs", {})
            for name in inputs:
                if name not in required and name not in optional:
                    bad(nid, "unknown_input", "Input not defined by the node", name)
            for name, spec in {**required, **optional}.items():
                if name not in inputs:
                    if name in required:
                        bad(nid, "required_input_missing", "Required input is missing", name)
                    continue
                value = inputs[name]
                kind = spec[0]
                if isinstance(value, list):
                    src = prompt.get(str(value[0]))
                    if src is None or src.get("class_type") not in self.object_info:
                        bad(nid, "bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]", name)
                        continue
                    outs = self.object_info[src["class_type"]]["output"]
                    got = outs[value[1]] if value[1] < len(outs) else None
                    want = "COMBO" if isinstance(kind, list) else kind
                    if got != want and want != "*":
                        bad(nid, "return_type_mismatch", "Return type mismatch between linked nodes", f"{name}, received_type({got}) mismatch input_type({want})")
                    continue
                choices = kind if isinstance(kind, list) else (spec[1].get("options") if kind == "COMBO" else None)
                if choices is not None and value not in choices:
                    bad(nid, "value_not_in_list", "Value not in list", f"{name}: '{value}' not in {choices[:5]}")
                elif kind in ("INT", "FLOAT"):
                    opts = spec[1] if len(spec) > 1 else {}
                    if not isinstance(value, (int, float)) or isinstance(value, bool):
                        bad(nid, "invalid_input_type", f"Failed to convert an input value to a {kind} value", name)
                    elif "min" in opts and value < opts["min"]:
                        bad(nid, "value_smaller_than_min", f"Value {value} smaller than min of {opts['min']}", name)
                    elif "max" in opts and value > opts["max"]:
                        bad(nid, "value_bigger_than_max", f"Value {value} bigger than max of {opts['max']}", name)
        return errors

    # ------------------------------------------------------------ the worker (main.py's prompt_worker)
    def send(self, kind: str, data: dict[str, Any], client_id: str | None) -> None:
        q = self._sockets.get(client_id or "")
        if q is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(q.put_nowait, json.dumps({"type": kind, "data": data}))

    def worker(self) -> None:
        while True:
            with self._cond:
                while not self.pending:
                    self._cond.wait()
                item = self.pending.pop(0)
                self.running.append(item)
            try:
                self.execute(*item)
            finally:
                with self._cond:
                    self.running.remove(item)

    def execute(self, prompt_id: str, prompt: dict[str, Any], client_id: str) -> None:
        self.interrupted.clear()
        messages = [("execution_start", {"prompt_id": prompt_id, "timestamp": int(time.time() * 1000)})]
        self.send(*messages[0], client_id)
        sampler = next(nid for nid, n in prompt.items() if n["class_type"] == "KSampler")
        steps = min(int(prompt[sampler]["inputs"]["steps"]), self.steps_cap)
        for nid in prompt:
            self.send("executing", {"node": nid, "display_node": nid, "prompt_id": prompt_id}, client_id)
        for i in range(1, steps + 1):
            time.sleep(self.step_delay)
            if self.interrupted.is_set():
                data = {"prompt_id": prompt_id, "node_id": sampler, "node_type": "KSampler", "executed": []}
                messages.append(("execution_interrupted", data))
                self.send("execution_interrupted", data, client_id)
                self.history[prompt_id] = {"prompt": [0, prompt_id, prompt, {}, []], "outputs": {},
                                           "status": {"status_str": "error", "completed": False, "messages": messages}}
                return
            self.send("progress", {"value": i, "max": steps, "prompt_id": prompt_id, "node": sampler}, client_id)
        name = f"imgedit_{len(self.outputs):05}_.png"
        self.outputs[name] = self.render(prompt)
        save = next(nid for nid, n in prompt.items() if n["class_type"] == "SaveImage")
        ui = {"images": [{"filename": name, "subfolder": "", "type": "output"}]}
        self.send("executed", {"node": save, "display_node": save, "output": ui, "prompt_id": prompt_id}, client_id)
        messages.append(("execution_success", {"prompt_id": prompt_id, "timestamp": int(time.time() * 1000)}))
        self.send("execution_success", messages[-1][1], client_id)
        self.history[prompt_id] = {"prompt": [0, prompt_id, prompt, {}, [save]], "outputs": {save: ui},
                                   "status": {"status_str": "success", "completed": True, "messages": messages}, "meta": {}}
        self.send("executing", {"node": None, "prompt_id": prompt_id}, client_id)

    def render(self, prompt: dict[str, Any]) -> bytes:
        loads = [n for n in prompt.values() if n["class_type"] == "LoadImage"]
        scale = next(n for n in prompt.values() if n["class_type"] == "ImageScale")["inputs"]
        size = (scale["width"], scale["height"])
        pic = np.asarray(Image.open(io.BytesIO(self.inputs[loads[0]["inputs"]["image"]])).convert("RGB").resize(size))
        out = np.clip(pic.astype(np.int16) + DRIFT, 0, 255).astype(np.uint8)
        inside = np.ones(pic.shape[:2], bool)
        if len(loads) > 1:
            inside = np.asarray(Image.open(io.BytesIO(self.inputs[loads[1]["inputs"]["image"]])).convert("L").resize(size)) > 127
        out[inside] = PAINT
        buf = io.BytesIO()
        Image.fromarray(out).save(buf, "PNG")
        return buf.getvalue()

    # ------------------------------------------------------------ the routes (server.py)
    def app(self) -> Any:
        from starlette.applications import Starlette
        from starlette.responses import JSONResponse, Response
        from starlette.routing import Route, WebSocketRoute

        def queue_info() -> dict[str, Any]:
            return {"exec_info": {"queue_remaining": len(self.pending) + len(self.running)}}

        async def object_info(request):
            self.calls.append("object_info")
            return JSONResponse({cls: self.info_for(cls) for cls in self.object_info})

        async def post_prompt(request):
            self.calls.append("prompt")
            body = await request.json()
            if "prompt" not in body:
                return JSONResponse({"error": {"type": "no_prompt", "message": "No prompt provided", "details": "No prompt provided",
                                               "extra_info": {}}, "node_errors": {}}, status_code=400)
            prompt = body["prompt"]
            errors = self.validate(prompt)
            if errors:
                return JSONResponse({"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation",
                                               "details": "", "extra_info": {}}, "node_errors": errors}, status_code=400)
            prompt_id = str(body.get("prompt_id") or uuid.uuid4())
            self.prompts.append(prompt)
            with self._cond:
                self.number += 1
                self.pending.append((prompt_id, prompt, body.get("client_id", "")))
                self._cond.notify()
            return JSONResponse({"prompt_id": prompt_id, "number": self.number, "node_errors": {}})

        async def history(request):
            pid = request.path_params["prompt_id"]
            return JSONResponse({pid: self.history[pid]} if pid in self.history else {})

        async def get_queue(request):
            return JSONResponse({"queue_running": [list(i[:2]) for i in self.running], "queue_pending": [list(i[:2]) for i in self.pending]})

        async def post_queue(request):
            body = await request.json()
            with self._cond:
                self.pending[:] = [i for i in self.pending if i[0] not in body.get("delete", [])]
            return Response(status_code=200)

        async def interrupt(request):
            self.calls.append("interrupt")
            body = json.loads(await request.body() or b"{}")
            if not body.get("prompt_id") or any(i[0] == body["prompt_id"] for i in self.running):
                self.interrupted.set()
            return Response(status_code=200)

        async def upload(request):
            form = await request.form()
            image = form.get("image")
            if image is None or not image.filename:
                return Response(status_code=400)
            self.inputs[image.filename] = await image.read()
            return JSONResponse({"name": image.filename, "subfolder": form.get("subfolder", ""), "type": form.get("type", "input")})

        async def view(request):
            q = request.query_params
            store = self.outputs if q.get("type", "output") == "output" else self.inputs
            if q.get("filename") not in store:
                return Response(status_code=404)
            return Response(store[q["filename"]], media_type="image/png")

        async def system_stats(request):
            return JSONResponse({"system": {"comfyui_version": "0.8.0 (stand-in)"}, "devices": []})

        async def ws(websocket):
            await websocket.accept()
            sid = websocket.query_params.get("clientId") or uuid.uuid4().hex
            q: asyncio.Queue = asyncio.Queue()
            self._sockets[sid] = q
            await websocket.send_text(json.dumps({"type": "status", "data": {"status": queue_info(), "sid": sid}}))
            try:
                while True:
                    await websocket.send_text(await q.get())
            except Exception:  # noqa: BLE001 - the client went away
                pass
            finally:
                self._sockets.pop(sid, None)

        async def on_start():
            self._loop = asyncio.get_running_loop()

        return Starlette(routes=[
            Route("/object_info", object_info), Route("/prompt", post_prompt, methods=["POST"]),
            Route("/prompt", lambda r: JSONResponse(queue_info())), Route("/history/{prompt_id}", history),
            Route("/queue", get_queue), Route("/queue", post_queue, methods=["POST"]),
            Route("/interrupt", interrupt, methods=["POST"]), Route("/upload/image", upload, methods=["POST"]),
            Route("/view", view), Route("/system_stats", system_stats), WebSocketRoute("/ws", ws),
        ], on_startup=[on_start])

    def start(self) -> StandInComfy:
        import uvicorn

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(self.app(), log_level="warning", ws="websockets-sansio", lifespan="on"))
        threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True).start()
        threading.Thread(target=self.worker, daemon=True).start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True


if __name__ == "__main__":  # a stand-in in its own process (bench/comfy.py): prints its URL, serves until killed
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--step-delay", type=float, default=0.0)
    ap.add_argument("--models", default="")
    args = ap.parse_args()
    s = StandInComfy(set(filter(None, args.models.split(","))), step_delay=args.step_delay).start()
    print(s.url, flush=True)
    threading.Event().wait()
