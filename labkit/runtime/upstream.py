"""Connections from the router to one backend: a few are kept open between requests
and reused, the rest close when their exchange ends. Each carries h11's client-side
state, and every failure on it is raised as :class:`UpstreamError`."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import h11

CHUNK = 65536
CONNECT_TIMEOUT = 5.0  # a backend at its connection limit leaves the connect pending


class UpstreamError(Exception):
    """The backend refused, closed or garbled the exchange."""


class Upstream:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.http = h11.Connection(h11.CLIENT)
        self.pending: list[bytes] = []
        self.reused = False

    def queue(self, event) -> None:
        """Add ``event`` to what the next :meth:`flush` writes."""
        try:
            self.pending.append(self.http.send(event))
        except h11.LocalProtocolError as err:
            raise UpstreamError(str(err)) from None

    async def flush(self) -> None:
        data, self.pending = b"".join(self.pending), []
        if data:
            try:
                self.writer.write(data)
                await self.writer.drain()
            except OSError as err:
                raise UpstreamError(str(err)) from None

    async def next_events(self) -> list:
        """The response events one read brings (at least one), up to its end."""
        events: list = []
        try:
            while True:
                event = self.http.next_event()
                if event is h11.NEED_DATA:
                    if events:
                        return events
                    self.http.receive_data(await self.reader.read(CHUNK))
                elif isinstance(event, h11.ConnectionClosed):
                    raise UpstreamError("closed the connection")
                else:
                    events.append(event)
                    if isinstance(event, h11.EndOfMessage):
                        return events
        except (OSError, h11.RemoteProtocolError) as err:
            raise UpstreamError(str(err)) from None

    def reusable(self) -> bool:
        return self.http.our_state is h11.DONE and self.http.their_state is h11.DONE

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


class Pool:
    """Keep-alive connections to the backend on ``port`` (or on the Unix socket
    ``socket_path``, a swarm task's); at most ``keep`` wait idle."""

    def __init__(self, port: int, keep: int = 16, socket_path: str | None = None) -> None:
        self.port = port
        self.socket_path = socket_path
        self.keep = keep
        self.idle: list[Upstream] = []

    async def get(self) -> Upstream:
        """An idle connection that is still open, else a new one (OSError or
        asyncio.TimeoutError when the backend refuses or does not accept in time)."""
        while self.idle:
            upstream = self.idle.pop()
            if not upstream.reader.at_eof() and not upstream.writer.is_closing():
                upstream.reused = True
                return upstream
            upstream.close()
        if self.socket_path is not None:
            opening = asyncio.open_unix_connection(self.socket_path)
        else:
            opening = asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = await asyncio.wait_for(opening, CONNECT_TIMEOUT)
        nodelay(writer)
        return Upstream(reader, writer)

    def put(self, upstream: Upstream, *, keep: bool) -> None:
        if keep and upstream.reusable() and len(self.idle) < self.keep:
            upstream.http.start_next_cycle()
            self.idle.append(upstream)
        else:
            upstream.close()

    def close(self) -> None:
        for upstream in self.idle:
            upstream.close()
        self.idle.clear()


def nodelay(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
