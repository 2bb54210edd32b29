"""The router: requests (not connections) routed to the active release, bounded in
time and count, with clear errors. Unit tests run a Router on its own event loop
against small real HTTP backends on 127.0.0.1; the last ones drive a workspace
through the CLI."""

from __future__ import annotations

import asyncio
import hashlib
import http.client
import json
import os
import socket
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from support import base_env, lab, lab_json, public_url, wait_for

from labkit.runtime.router import Router, Target

# -- a small real backend ------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10  # an idle keep-alive connection ends on its own
    disable_nagle_algorithm = True

    def do_GET(self):
        if self.path == "/version":
            self._send({"version": self.server.version})
        elif self.path == "/stream":  # a chunked response of 40 x 25,000 bytes
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(40):
                chunk = bytes([65 + i % 26]) * 25000
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/slow":
            self.server.slow_started.set()
            self.server.slow_release.wait(10)
            self._send({"version": self.server.version, "slow": True})
        elif self.path == "/drop":  # the release dies before it answers
            self.close_connection = True
        elif self.path == "/cut":  # the release dies in the middle of its answer
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
            self.close_connection = True

    def do_POST(self):  # answers with the length and digest of the body it read
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().strip(), 16)
                body += self.rfile.read(size)
                self.rfile.readline()
                if size == 0:
                    break
        else:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._send({"length": len(body), "sha256": hashlib.sha256(body).hexdigest(),
                    "chunked": "Transfer-Encoding" in self.headers})

    def _send(self, doc):
        data = json.dumps(doc).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class Backend(ThreadingHTTPServer):
    """Says its version; accepts at most ``limit`` connections at once, like waitress."""

    daemon_threads = True

    def __init__(self, version: str, limit: int = 1000) -> None:
        self.version = version
        self.slots = threading.BoundedSemaphore(limit)
        self.lock = threading.Lock()
        self.open = 0
        self.accepted = 0
        self.slow_started = threading.Event()
        self.slow_release = threading.Event()
        super().__init__(("127.0.0.1", 0), Handler)
        self.port = self.server_address[1]
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.start()

    def get_request(self):
        if not self.slots.acquire(timeout=0.05):
            raise OSError("at the connection limit")  # the connection waits in the backlog
        try:
            conn = super().get_request()
        except OSError:
            self.slots.release()
            raise
        with self.lock:
            self.open += 1
            self.accepted += 1
        return conn

    def shutdown_request(self, request):
        super().shutdown_request(request)
        with self.lock:
            self.open -= 1
        self.slots.release()

    def stop(self) -> None:
        self.slow_release.set()
        self.shutdown()
        self.server_close()
        self.thread.join()


class RouterThread:
    """A Router on its own event loop in a thread, so tests can use plain sockets."""

    def __init__(self, **options) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever)
        self.thread.start()

        async def make():
            return Router(**options)

        self.router = self.call(make())
        self.port = self.call(self.router.listen(0))

    def call(self, coro, timeout: float = 10.0):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def switch(self, backend: Backend) -> Target:
        async def go():
            target = Target(backend.version, backend.port)
            self.router.switch(target)
            return target

        return self.call(go())

    def close(self) -> None:
        self.call(self.router.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


@pytest.fixture
def backends():
    made: list[Backend] = []

    def make(version: str, limit: int = 1000) -> Backend:
        made.append(Backend(version, limit))
        return made[-1]

    yield make
    for backend in made:
        backend.stop()


@pytest.fixture
def router():
    made: list[RouterThread] = []

    def make(**options) -> RouterThread:
        made.append(RouterThread(**options))
        return made[-1]

    yield make
    for running in made:
        running.close()


def idle_connections(port: int, count: int) -> list[socket.socket]:
    socks = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        socks.append(sock)
    return socks


def closed_by_peer(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(4096) == b""
    except BlockingIOError:
        return False
    except ConnectionError:
        return True


def request(conn: http.client.HTTPConnection, method: str, path: str, body=None,
            headers=None) -> tuple[int, bytes]:
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    return resp.status, resp.read()


def version_on(conn: http.client.HTTPConnection) -> str:
    status, body = request(conn, "GET", "/version")
    assert status == 200, body
    return json.loads(body)["version"]


# -- finding 1: idle connections must not take the service down ----------------------


def test_idle_connections_do_not_hold_backend_connections(backends, router):
    backend = backends("1.0.0", limit=10)
    running = router()
    running.switch(backend)
    socks = idle_connections(running.port, 30)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
        assert version_on(conn) == "1.0.0"
        conn.close()
        assert backend.accepted <= 2  # only requests opened backend connections
    finally:
        for sock in socks:
            sock.close()


def test_idle_clients_are_closed_before_and_between_requests(backends, router):
    backend = backends("1.0.0")
    running = router(idle_timeout=0.3)
    running.switch(backend)
    silent = socket.create_connection(("127.0.0.1", running.port), timeout=5)
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
    assert version_on(conn) == "1.0.0"
    wait_for(lambda: closed_by_peer(silent), timeout=5, what="the silent client to be closed")
    wait_for(lambda: closed_by_peer(conn.sock), timeout=5, what="the idle keep-alive to close")
    silent.close()
    conn.close()


def test_connections_past_the_cap_get_a_clear_503(backends, router):
    backend = backends("1.0.0")
    running = router(max_connections=5)
    running.switch(backend)
    socks = idle_connections(running.port, 5)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
        status, body = request(conn, "GET", "/version")
        assert status == 503
        assert body.decode().count("\n") == 1 and "connections" in body.decode()
        conn.close()
    finally:
        for sock in socks:
            sock.close()
    # Once they are gone, requests are served again.
    def served():
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
        try:
            return request(conn, "GET", "/version")[0] == 200
        finally:
            conn.close()

    wait_for(served, timeout=5, what="a request to be served after the idle clients left")


# -- finding 2: a flip reaches clients that keep their connection open ---------------


def test_next_request_on_an_open_connection_reaches_the_new_release(backends, router):
    old, new = backends("1.0.1"), backends("1.0.2")
    running = router()
    running.switch(old)
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
    assert version_on(conn) == "1.0.1"
    running.switch(new)
    assert version_on(conn) == "1.0.2"
    sock = conn.sock
    assert version_on(conn) == "1.0.2" and conn.sock is sock  # still the same connection
    conn.close()


def test_upstream_connections_to_a_retired_release_close_once_idle(backends, router):
    old, new = backends("1.0.1"), backends("1.0.2")
    running = router()
    target = running.switch(old)
    slow = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
    slow.request("GET", "/slow")
    wait_for(old.slow_started.is_set, timeout=5, what="the slow request to reach 1.0.1")
    assert target.connections == 1 and not target.idle.is_set()
    running.switch(new)
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
    assert version_on(conn) == "1.0.2"
    assert not target.idle.is_set()  # the supervisor's drain still waits for it
    old.slow_release.set()
    resp = slow.getresponse()
    assert json.loads(resp.read()) == {"version": "1.0.1", "slow": True}
    wait_for(target.idle.is_set, timeout=5, what="the old target to be idle")
    assert target.connections == 0
    wait_for(lambda: old.open == 0, timeout=5, what="upstream connections to 1.0.1 to close")
    slow.close()
    conn.close()


def test_upstream_connections_are_reused(backends, router):
    backend = backends("1.0.0")
    running = router()
    running.switch(backend)
    for _ in range(3):
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
        for _ in range(5):
            assert version_on(conn) == "1.0.0"
        conn.close()
    assert backend.accepted == 1


def test_clients_that_close_after_one_request_are_answered(backends, router):
    backend = backends("1.0.0")
    running = router()
    running.switch(backend)
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
    status, body = request(conn, "GET", "/version", headers={"Connection": "close"})
    assert status == 200 and json.loads(body) == {"version": "1.0.0"}
    conn.close()
    with socket.create_connection(("127.0.0.1", running.port), timeout=5) as sock:
        sock.sendall(b"GET /version HTTP/1.0\r\n\r\n")  # HTTP/1.0, no Host
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 200 ") and reply.endswith(b'{"version": "1.0.0"}')


# -- bodies both ways ---------------------------------------------------------------------


def test_request_bodies_stream_with_content_length_and_chunked(backends, router):
    backend = backends("1.0.0")
    running = router()
    running.switch(backend)
    payload = bytes(range(256)) * 4096  # 1 MiB
    digest = hashlib.sha256(payload).hexdigest()
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
    status, body = request(conn, "POST", "/echo", body=payload)
    assert status == 200
    assert json.loads(body) == {"length": len(payload), "sha256": digest, "chunked": False}
    parts = (payload[i:i + 100000] for i in range(0, len(payload), 100000))
    conn.request("POST", "/echo", body=parts, encode_chunked=True)
    resp = conn.getresponse()
    assert json.loads(resp.read()) == {"length": len(payload), "sha256": digest, "chunked": True}
    conn.close()


def test_chunked_responses_stream_through(backends, router):
    backend = backends("1.0.0")
    running = router()
    running.switch(backend)
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
    status, body = request(conn, "GET", "/stream")
    assert status == 200 and len(body) == 40 * 25000
    assert body[:3] == b"AAA" and body[-3:] == bytes([65 + 39 % 26]) * 3
    assert version_on(conn) == "1.0.0"  # the connection is still usable
    conn.close()


# -- errors ---------------------------------------------------------------------------------


def test_a_release_that_refuses_gives_a_502_naming_it(router):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = router()

    async def go():
        running.router.switch(Target("9.9.9", port))

    running.call(go())
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
    status, body = request(conn, "GET", "/version")
    assert status == 502
    assert body.decode().count("\n") == 1 and "9.9.9" in body.decode()
    conn.close()


def test_a_release_that_dies_mid_request_gives_a_502_naming_it(backends, router):
    backend = backends("1.0.3")
    running = router()
    running.switch(backend)
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
    status, body = request(conn, "GET", "/drop")
    assert status == 502
    assert body.decode().count("\n") == 1 and "1.0.3" in body.decode()
    conn.close()
    # Once the answer has started the client cannot get a 502; it sees the cut.
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
    conn.request("GET", "/cut")
    resp = conn.getresponse()
    with pytest.raises(http.client.IncompleteRead):
        resp.read()
    conn.close()
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
    assert version_on(conn) == "1.0.3"
    conn.close()


def test_malformed_requests_get_a_400(backends, router):
    backend = backends("1.0.0")
    running = router()
    running.switch(backend)
    for garbage in (b"NOT HTTP AT ALL\r\n\r\n", b"GET / HTTP/1.1\r\nbad header\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", running.port), timeout=5) as sock:
            sock.sendall(garbage)
            reply = b""
            while chunk := sock.recv(4096):
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 400 "), reply
    assert backend.accepted == 0


def test_no_release_serving_gives_a_503(router):
    running = router()
    conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=5)
    status, body = request(conn, "GET", "/")
    assert status == 503 and body == b"no release is serving\n"
    conn.close()


# -- through the CLI ------------------------------------------------------------------------


def test_keepalive_client_follows_a_rollback_and_a_deploy(built):
    lab("deploy", "1.0.1", cwd=built)
    lab("deploy", "1.0.2", cwd=built)
    url = public_url(built)
    port = int(url.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    assert version_on(conn) == "1.0.2"
    lab("rollback", cwd=built)
    assert version_on(conn) == "1.0.1"
    lab("deploy", "1.0.2", cwd=built)
    assert version_on(conn) == "1.0.2"
    conn.close()


def sockets_of(pid: int) -> int:
    fds = Path(f"/proc/{pid}/fd")
    return sum(1 for fd in fds.iterdir() if os.readlink(fd).startswith("socket:"))


def test_a_served_workspace_answers_at_once_while_300_idle_clients_wait(built):
    lab("deploy", "1.0.0", cwd=built)
    status = lab_json("status", cwd=built)
    port = status["supervisor"]["port"]
    backend = int(next(b for b in status["supervisor"]["backends"])["ident"])
    before = sockets_of(backend)
    socks = idle_connections(port, 300)  # 100 used to exhaust the backend's connections
    try:
        worst = 0.0
        for _ in range(5):
            start = time.monotonic()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            assert version_on(conn) == "1.0.0"
            conn.close()
            worst = max(worst, time.monotonic() - start)
        assert worst < 1.0, f"a request took {worst:.2f} s beside 300 idle clients"
        # The silent clients hold nothing at the backend: only requests open connections.
        assert sockets_of(backend) <= before + 2
    finally:
        for sock in socks:
            sock.close()

def test_router_bounds_are_set_from_the_environment(built):
    env = base_env(LAB_ROUTER_IDLE_TIMEOUT="0.5", LAB_ROUTER_MAX_CONNECTIONS="4")
    lab("deploy", "1.0.0", cwd=built, env=env)
    port = lab_json("status", cwd=built)["supervisor"]["port"]
    socks = idle_connections(port, 4)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    status, body = request(conn, "GET", "/version")
    assert status == 503 and b"connections" in body
    conn.close()
    for sock in socks:
        wait_for(lambda s=sock: closed_by_peer(s), timeout=5, what="idle clients to be closed")
        sock.close()
    # Misbehaving clients: garbage, a head cut short, a body cut short.
    for garbage in (b"\x16\x03\x01 not http\r\n\r\n", b"GET /version HT",
                    b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc"):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(garbage)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    assert version_on(conn) == "1.0.0"
    conn.close()
    log = (built / ".lab" / "supervisor.log").read_text()
    assert "Traceback" not in log and "Error" not in log, log


class UnixBackend(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """The backend of a swarm task: the same answers, on a Unix socket only."""

    daemon_threads = True

    def __init__(self, path: str, version: str) -> None:
        self.version = version

        class UnixHandler(Handler):
            disable_nagle_algorithm = False

            def address_string(self):
                return "local"

        super().__init__(path, UnixHandler)
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.start()

    def get_request(self):
        request, _ = super().get_request()
        return request, ("local", 0)

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self.thread.join()


def test_a_target_on_a_unix_socket_is_routed_and_switched_like_a_port(tmp_path, backends,
                                                                        router):
    task = UnixBackend(str(tmp_path / "task.sock"), "1.3.1")
    try:
        rt = router()

        async def to_socket():
            rt.router.switch(Target("1.3.1", 0, socket_path=task.server_address))

        rt.call(to_socket())
        conn = http.client.HTTPConnection("127.0.0.1", rt.port, timeout=5)
        assert version_on(conn) == "1.3.1"
        rt.switch(backends("1.2.4"))  # the same open connection follows the flip
        assert version_on(conn) == "1.2.4"
        conn.close()
    finally:
        task.stop()
