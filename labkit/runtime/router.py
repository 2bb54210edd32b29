"""The router: a TCP relay on the public port that forwards each new connection
to the active backend. Switching releases is one pointer assignment."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from dataclasses import dataclass, field

_CHUNK = 65536


@dataclass
class Target:
    version: str
    port: int
    connections: int = 0
    idle: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.idle.set()


def _reply(status: str, body: str) -> bytes:
    payload = body.encode()
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
    ).encode() + payload


class Router:
    def __init__(self) -> None:
        self.active: Target | None = None
        self.server: asyncio.base_events.Server | None = None
        self.port: int | None = None

    async def listen(self, port: int) -> int:
        self.server = await asyncio.start_server(
            self._client, "127.0.0.1", port, reuse_address=True, backlog=512
        )
        self.port = self.server.sockets[0].getsockname()[1]
        return self.port

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            with contextlib.suppress(Exception):
                await self.server.wait_closed()

    def switch(self, target: Target) -> tuple[Target | None, int]:
        """Point new connections at ``target``; returns the old target and the ns it took."""
        import time

        started = time.perf_counter_ns()
        old, self.active = self.active, target
        return old, time.perf_counter_ns() - started

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        target = self.active
        _nodelay(writer)
        if target is None:
            await _refuse(writer, "503 Service Unavailable", "no release is serving\n")
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target.port)
        except OSError:
            await _refuse(writer, "502 Bad Gateway", f"release {target.version} is not answering\n")
            return
        _nodelay(up_writer)
        target.connections += 1
        target.idle.clear()
        try:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            target.connections -= 1
            if target.connections == 0:
                target.idle.set()
            for w in (writer, up_writer):
                with contextlib.suppress(Exception):
                    w.close()


def _nodelay(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


async def _refuse(writer: asyncio.StreamWriter, status: str, body: str) -> None:
    with contextlib.suppress(Exception):
        writer.write(_reply(status, body))
        await writer.drain()
        writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            data = await reader.read(_CHUNK)
            if not data:
                break
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError, asyncio.CancelledError):
        with contextlib.suppress(Exception):
            writer.close()
