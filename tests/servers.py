"""Real processes for tests and benchmarks: `python -m lib_imgedit serve` and `redis-server`, each on
a free port of 127.0.0.1. Their output goes to a log file (a pipe nobody reads would fill and stall them)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
API = "/sdapi/v1/imgedit"
REDIS_SERVER = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python -m lib_imgedit serve` on a free port; `extra` are its flags, `env` extra variables."""

    def __init__(self, data_dir: Path, *extra: str, env: dict[str, str] | None = None, timeout: float = 60):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(data_dir).parent / f"serve-{self.port}.log"  # beside the data, cleaned up with it
        full_env = {**os.environ, "IMGEDIT_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1", **(env or {})}
        full_env.pop("OPENAI_BASE_URL", None)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "lib_imgedit", "serve", "--port", str(self.port), *extra],
                                         cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=1, auth=("u", "p")).status_code in (200, 401):
                    return
            except requests.ConnectionError:
                time.sleep(0.2)
            if self.proc.poll() is not None:
                raise RuntimeError(self.output())
        self.kill()
        raise TimeoutError(f"server did not start:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text("utf-8", errors="replace")

    def api(self, path: str = "") -> str:
        return f"{self.url}{API}{path}"

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        self.proc.wait(timeout=30)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill(signal.SIGTERM)


class RedisServer:
    """A throw-away `redis-server` (no persistence) on a free port."""

    def __init__(self, work_dir: Path):
        if REDIS_SERVER is None:
            raise FileNotFoundError("redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(work_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        client = redis.Redis(port=self.port)
        deadline = time.time() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)
