"""Shared pieces of the benchmarks: the CLI, workspaces, load generation."""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support import RECORD_38_01, base_env, make_miniapp  # noqa: E402, F401 (re-exported)

LAB = str(Path(sys.executable).parent / "lab")


def lab(*args: str, cwd: Path, env: dict | None = None, check: bool = True):
    proc = subprocess.run([LAB, *args], cwd=cwd, env=env or base_env(), capture_output=True,
                          text=True)
    if check and proc.returncode != 0:
        raise SystemExit(f"lab {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def machine() -> dict:
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // 1024
    except OSError:
        pass
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu": model, "mem_mib": mem,
            "python": platform.python_version(), "kernel": platform.release()}


def get_version(port: int, timeout: float = 2.0) -> str | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/version", headers={"Connection": "close"})
        resp = conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            return None
        return json.loads(body)["version"]
    except (OSError, ValueError, http.client.HTTPException):
        return None
    finally:
        conn.close()


class PacedLoad:
    """Requests at a steady rate on fresh connections, counting failures."""

    def __init__(self, port: int, rate: float, workers: int = 4) -> None:
        self.port = port
        self.interval = workers / rate
        self.workers = workers
        self.stop = threading.Event()
        self.ok = 0
        self.failed = 0
        self.failures: list[str] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(workers)]
        self.started = self.ended = 0.0

    def _run(self, index: int) -> None:
        next_at = time.monotonic() + index * self.interval / self.workers
        while not self.stop.is_set():
            now = time.monotonic()
            if now < next_at:
                self.stop.wait(next_at - now)
                continue
            next_at += self.interval
            version = get_version(self.port)
            with self.lock:
                if version is None:
                    self.failed += 1
                    self.failures.append(f"{time.monotonic() - self.started:.3f}")
                else:
                    self.ok += 1

    def __enter__(self):
        self.started = time.monotonic()
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join()
        self.ended = time.monotonic()

    @property
    def rate(self) -> float:
        return (self.ok + self.failed) / max(self.ended - self.started, 1e-9)


def _hammer(port: int, seconds: float, queue) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    done = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn.request("GET", "/version")
            resp = conn.getresponse()
            resp.read()
            if resp.status == 200:
                done += 1
            if resp.will_close:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    queue.put(done)


def throughput(port: int, seconds: float = 3.0, clients: int = 4) -> float:
    """Requests per second from ``clients`` processes with keep-alive connections."""
    queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_hammer, args=(port, seconds, queue))
             for _ in range(clients)]
    for p in procs:
        p.start()
    total = sum(queue.get() for _ in procs)
    for p in procs:
        p.join()
    return total / seconds


def median(values):
    return statistics.median(values) if values else None
