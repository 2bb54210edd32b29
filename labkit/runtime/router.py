"""The router: an HTTP/1.1 proxy on the public port that sends each request, parsed
with h11, to the target that is active when the request arrives, over a small pool of
keep-alive connections per target. Switching releases is one pointer assignment, and
client connections are bounded in number and in idle time, so a silent client holds
no backend connection."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from dataclasses import dataclass, field

import h11

from labkit.runtime.upstream import CHUNK, Pool, Upstream, UpstreamError, nodelay

# Hop-by-hop headers: they describe one connection and are not passed on.
_HOP = {b"connection", b"keep-alive", b"proxy-connection", b"te", b"trailer", b"upgrade",
        b"expect"}  # the router answers Expect: 100-continue itself


@dataclass
class Target:
    version: str
    port: int  # 0 for a target reached through ``socket_path`` only
    connections: int = 0  # requests in flight to this target
    idle: asyncio.Event = field(default_factory=asyncio.Event)
    pool: Pool = field(init=False)
    socket_path: str | None = None  # a swarm task's Unix socket

    def __post_init__(self) -> None:
        self.idle.set()
        self.pool = Pool(self.port, socket_path=self.socket_path)


class Router:
    def __init__(self, *, idle_timeout: float = 15.0, max_connections: int = 1024) -> None:
        self.active: Target | None = None
        self.server: asyncio.base_events.Server | None = None
        self.port: int | None = None
        self.idle_timeout = idle_timeout
        self.max_connections = max_connections
        self.clients: set[asyncio.StreamWriter] = set()

    async def listen(self, port: int) -> int:
        self.server = await asyncio.start_server(
            self._client, "127.0.0.1", port, reuse_address=True, backlog=1024
        )
        self.port = self.server.sockets[0].getsockname()[1]
        return self.port

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
        for writer in list(self.clients):
            writer.close()
        if self.active is not None:
            self.active.pool.close()
        if self.server is not None:
            with contextlib.suppress(Exception):
                await self.server.wait_closed()

    def switch(self, target: Target) -> tuple[Target | None, int]:
        """Point the next request at ``target``; returns the old target and the ns it took."""
        started = time.perf_counter_ns()
        old, self.active = self.active, target
        took = time.perf_counter_ns() - started
        if old is not None and old is not target:
            old.pool.close()  # connections still busy close when their exchange ends
        return old, took

    # -- one client connection ----------------------------------------------------------
    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nodelay(writer)
        if len(self.clients) >= self.max_connections:
            await _refuse(reader, writer, f"the router is at its limit of "
                                          f"{self.max_connections} connections\n")
            return
        self.clients.add(writer)
        conn = h11.Connection(h11.SERVER)
        try:
            while await self._exchange(conn, reader, writer):
                conn.start_next_cycle()
        except h11.RemoteProtocolError as err:
            with contextlib.suppress(Exception):
                await _answer(conn, writer, err.error_status_hint, "malformed request\n")
        except (OSError, asyncio.TimeoutError, h11.LocalProtocolError):
            pass  # the client went away, stayed silent too long, or cannot be answered
        finally:
            self.clients.discard(writer)
            writer.close()

    async def _exchange(self, conn: h11.Connection, reader, writer) -> bool:
        """Serve one request; True if the connection can carry another."""
        event = await self._receive(conn, reader)
        if not isinstance(event, h11.Request):
            return False
        target = self.active
        if target is None:
            return await _answer(conn, writer, 503, "no release is serving\n")
        target.connections += 1
        target.idle.clear()
        try:
            return await self._forward(conn, reader, writer, target, event)
        finally:
            target.connections -= 1
            if target.connections == 0:
                target.idle.set()

    async def _forward(self, conn, reader, writer, target: Target, request: h11.Request) -> bool:
        head = request
        if _needs_rewrite(request):
            headers = [(k, v) for k, v in request.headers if k not in _HOP]
            if not any(k == b"host" for k, _ in headers):
                host = "localhost" if target.socket_path else f"127.0.0.1:{target.port}"
                headers.append((b"host", host.encode()))
            head = h11.Request(method=request.method, target=request.target, headers=headers)
        while True:
            try:
                upstream = await target.pool.get()
            except (OSError, asyncio.TimeoutError):
                return await _answer(conn, writer, 502,
                                     f"release {target.version} is not answering\n")
            progress: list[str] = []
            try:
                keep = await self._relay(conn, reader, writer, upstream, head, progress)
            except UpstreamError:
                upstream.close()
                if upstream.reused and not progress:
                    continue  # a kept connection the release had closed: try a fresh one
                if conn.our_state is not h11.SEND_RESPONSE:
                    return False  # the answer has begun; the client sees it cut short
                return await _answer(conn, writer, 502, f"release {target.version} closed "
                                                        f"the connection mid-request\n")
            except BaseException:
                upstream.close()
                raise
            target.pool.put(upstream, keep=target is self.active)
            return keep

    async def _relay(self, conn, reader, writer, upstream: Upstream, head, progress) -> bool:
        """Stream one request up and its response down; ``progress`` notes what was consumed."""
        upstream.queue(head)
        if conn.they_are_waiting_for_100_continue:
            await _send(conn, writer, h11.InformationalResponse(status_code=100, headers=[]))
        while conn.their_state is h11.SEND_BODY:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                await upstream.flush()
                conn.receive_data(await _read(reader, self.idle_timeout))
            elif isinstance(event, h11.Data):
                progress.append("body")
                upstream.queue(event)
            elif not isinstance(event, h11.EndOfMessage):
                return False
        upstream.queue(h11.EndOfMessage())
        await upstream.flush()
        while True:
            out = []
            for event in await upstream.next_events():
                if isinstance(event, h11.InformationalResponse):
                    continue
                progress.append("response")
                if isinstance(event, h11.Response) and _needs_rewrite(event):
                    headers = [(k, v) for k, v in event.headers if k not in _HOP]
                    event = h11.Response(status_code=event.status_code, headers=headers,
                                         reason=event.reason)
                elif isinstance(event, h11.EndOfMessage):
                    event = h11.EndOfMessage()  # trailers are not passed on
                out.append(conn.send(event))
            writer.write(b"".join(out))
            await writer.drain()
            if conn.our_state is not h11.SEND_BODY and conn.our_state is not h11.SEND_RESPONSE:
                return conn.our_state is h11.DONE and conn.their_state is h11.DONE

    async def _receive(self, conn: h11.Connection, reader: asyncio.StreamReader):
        """The client's next event, waiting at most ``idle_timeout`` for each read."""
        while True:
            event = conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            conn.receive_data(await _read(reader, self.idle_timeout))


def _needs_rewrite(event: h11.Request | h11.Response) -> bool:
    """Whether ``event`` has hop-by-hop headers or is not HTTP/1.1 (most pass as they are)."""
    return event.http_version != b"1.1" or any(k in _HOP for k, _ in event.headers)


if sys.version_info >= (3, 11):
    async def _read(reader: asyncio.StreamReader, timeout: float) -> bytes:
        async with asyncio.timeout(timeout):
            return await reader.read(CHUNK)
else:  # pragma: no cover
    async def _read(reader: asyncio.StreamReader, timeout: float) -> bytes:
        return await asyncio.wait_for(reader.read(CHUNK), timeout)


async def _send(conn: h11.Connection, writer: asyncio.StreamWriter, event) -> None:
    data = conn.send(event)
    if data:
        writer.write(data)
        await writer.drain()


async def _answer(conn: h11.Connection, writer, status: int, body: str) -> bool:
    """The router's own short plain-text answer; the connection closes after it."""
    payload = body.encode()
    await _send(conn, writer, h11.Response(status_code=status, headers=[
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(payload)).encode()), (b"connection", b"close")]))
    await _send(conn, writer, h11.Data(data=payload))
    await _send(conn, writer, h11.EndOfMessage())
    return False


async def _refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: str) -> None:
    """Answer 503 without parsing the request; read what the client sends (a little) first,
    so closing does not reset the connection before the answer arrives."""
    payload = body.encode()
    with contextlib.suppress(Exception):
        writer.write(
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(payload), payload))
        writer.write_eof()
        await writer.drain()
        for _ in range(16):
            if not await _read(reader, 1.0):
                break
    writer.close()
