"""A remote WebUI that takes its time: img2img runs `steps` sampling steps of `step_s` seconds each,
reports them on /sdapi/v1/progress and stops early on /sdapi/v1/interrupt (as the real one does:
it answers with the picture so far). Enough of /sdapi/v1 for the `webui_api` executor."""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image, ImageOps


class SlowWebUI:
    def __init__(self, steps: int = 40, step_s: float = 0.5):
        self.steps, self.step_s = steps, step_s
        self.step = 0
        self.stop = threading.Event()
        self.calls: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def reply(self, obj, code: int = 200):
                body = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                path = self.path.split("?")[0]
                if path == "/sdapi/v1/progress":
                    return self.reply({"progress": owner.step / owner.steps,
                                       "state": {"sampling_step": owner.step, "sampling_steps": owner.steps}})
                if path == "/sdapi/v1/scripts":
                    return self.reply({"txt2img": [], "img2img": []})
                if path == "/sdapi/v1/options":
                    return self.reply({"sd_model_checkpoint": "slow-sd15.safetensors"})
                return self.reply({"detail": "Not Found"}, 404)

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                path = self.path.split("?")[0]
                owner.calls.append(path)
                if path == "/sdapi/v1/interrupt":
                    owner.stop.set()
                    return self.reply({})
                if path != "/sdapi/v1/img2img":
                    return self.reply({"detail": "Not Found"}, 404)
                owner.stop.clear()
                for step in range(owner.steps):
                    owner.step = step
                    if owner.stop.wait(owner.step_s):
                        break
                owner.step = 0
                src = body["init_images"][0].split(",")[-1]
                image = ImageOps.invert(Image.open(io.BytesIO(base64.b64decode(src))).convert("RGB"))
                buf = io.BytesIO()
                image.save(buf, "PNG")
                return self.reply({"images": [base64.b64encode(buf.getvalue()).decode()], "parameters": {},
                                   "info": json.dumps({"seed": 7})})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def wait_for(predicate, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while not predicate():
        if time.time() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(0.1)
