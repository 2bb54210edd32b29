"""The container health check, against a small server on a Unix socket as a swarm
task serves."""

import socketserver
import threading
from http.server import BaseHTTPRequestHandler

import pytest

from minitutor import healthcheck


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    status = 200

    def get_request(self):
        request, _ = super().get_request()
        return request, ("local", 0)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"status": "ok"}' if self.server.status == 200 else b'{"error": "not ready"}'
        self.send_response(self.server.status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    srv = Server(str(tmp_path / "task.sock"), Handler)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join()


def test_a_healthy_answer_on_the_socket(server):
    assert healthcheck.check({"SOCKET": server.server_address}) == (True, "healthy")


def test_an_unhealthy_answer_says_what_it_was(server):
    server.status = 503
    healthy, why = healthcheck.check({"SOCKET": server.server_address})
    assert not healthy
    assert why == '/healthz answered 503: {"error": "not ready"}'


def test_no_service_is_unhealthy_with_a_reason(tmp_path):
    healthy, why = healthcheck.check({"SOCKET": str(tmp_path / "none.sock")})
    assert not healthy
    assert why.startswith("no answer from the service")
