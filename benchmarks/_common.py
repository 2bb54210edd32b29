"""Shared pieces of the benchmarks: the CLI, workspaces, load generation."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
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


def status(ws: Path) -> dict:
    return json.loads(lab("status", "--json", cwd=ws).stdout)["data"]


def wait_version(port: int, version: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if get_version(port, timeout=1.0) == version:
            return
    raise SystemExit(f"{version} never answered on port {port}")


@contextlib.contextmanager
def served_workspace(workspace: Path | None, prefix: str, backend: str = "process"):
    """Yield (workspace, current, previous) and stop its supervisor afterwards.

    Without ``workspace``: lab 38-01's service in a temporary course on ``backend``,
    1.2.2 serving and 1.2.1 the warm previous release (a docker course's images go
    with it). With it: an existing workspace whose history has a current and a
    previous release.
    """
    tmp = tempfile.TemporaryDirectory(prefix=prefix)
    if workspace:
        ws = workspace.resolve()
        st = status(ws)
        current, previous = st["serving"], st["previous"]
    else:
        course = Path(tmp.name)
        env = base_env(LAB_COURSE=str(course), LAB_LEARNER="bench")
        lab("start", "38-01", "--backend", backend, cwd=course, env=env)
        ws = course / "learners" / "bench" / "phase-38"
        current, previous = "1.2.2", "1.2.1"
    try:
        yield ws, current, previous
    finally:
        lab("stop", cwd=ws, check=False)
        if not workspace and backend == "docker":
            remove_images(ws)
        tmp.cleanup()


def remove_images(ws: Path) -> None:
    """The images of a temporary docker course."""
    import docker

    api = docker.from_env()
    for image in api.images.list(filters={"label": f"org.labkit.workspace={ws}"}):
        for tag in image.tags or [image.id]:
            api.images.remove(tag, force=True)


def alternate(ws: Path, current: str, previous: str, flips: int) -> tuple[str, str]:
    """``flips`` alternating `lab deploy PREVIOUS` / `lab rollback`; returns the new pair."""
    for i in range(flips):
        if i % 2 == 0:
            lab("deploy", previous, cwd=ws)
        else:
            lab("rollback", cwd=ws)
        current, previous = previous, current
    return current, previous


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


def get_version_on(conn: http.client.HTTPConnection) -> str | None:
    """GET /version on an open keep-alive connection (None on any failure)."""
    try:
        conn.request("GET", "/version")
        resp = conn.getresponse()
        body = resp.read()
        return json.loads(body)["version"] if resp.status == 200 else None
    except (OSError, ValueError, http.client.HTTPException):
        conn.close()  # http.client reconnects on the next request
        return None


class PacedLoad:
    """Requests at a steady rate, counting failures: a fresh connection each, or one
    keep-alive connection per worker with ``keepalive``."""

    def __init__(self, port: int, rate: float, workers: int = 4, keepalive: bool = False) -> None:
        self.port = port
        self.interval = workers / rate
        self.workers = workers
        self.keepalive = keepalive
        self.stop = threading.Event()
        self.ok = 0
        self.failed = 0
        self.failures: list[str] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(workers)]
        self.started = self.ended = 0.0

    def _run(self, index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        next_at = time.monotonic() + index * self.interval / self.workers
        while not self.stop.is_set():
            now = time.monotonic()
            if now < next_at:
                self.stop.wait(next_at - now)
                continue
            next_at += self.interval
            version = get_version_on(conn) if self.keepalive else get_version(self.port)
            with self.lock:
                if version is None:
                    self.failed += 1
                    self.failures.append(f"{time.monotonic() - self.started:.3f}")
                else:
                    self.ok += 1
        conn.close()

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


def ensure_wrk() -> str:
    """Debian's wrk, the external load generator; installed with apt-get when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("[bench] installing wrk with apt-get", file=sys.stderr)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is missing: install Debian's package (apt-get install wrk)")
    return found


def throughput(port: int, seconds: float = 3.0, connections: int = 8) -> float:
    """Requests per second of GET /version that wrk measures on keep-alive connections.

    wrk is written in C and runs one thread, so the load generator is not what limits the
    figure; answers other than 2xx/3xx or socket errors make the run fail.
    """
    proc = subprocess.run(
        [ensure_wrk(), "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "5s",
         f"http://127.0.0.1:{port}/version"],
        capture_output=True, text=True, timeout=seconds + 30)
    out = proc.stdout
    rate = re.search(r"^Requests/sec:\s+([0-9.]+)", out, re.M)
    if proc.returncode != 0 or rate is None:
        raise SystemExit(f"wrk failed:\n{out}\n{proc.stderr}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
    if bad:
        raise SystemExit(f"wrk saw errors on port {port}:\n{out}")
    return float(rate.group(1))


def median(values):
    return statistics.median(values) if values else None
