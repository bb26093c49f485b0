"""A fault-injecting HTTP proxy for an S3-compatible test server (moto's) on 127.0.0.1.

One request per client connection (answers carry ``Connection: close``), so every request passes
the current mode:
  * ``refuse()``   : the listening socket is closed and open connections are reset (connection refused)
  * ``freeze()``   : connections are accepted and requests read, but nothing is answered until ``restore()``
  * ``throttle(share)``: that share of requests is answered ``503 SlowDown`` (deterministic: every k-th)
  * ``restore()``  : back to passing everything through (listening again on the same port)
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import threading

SLOW_DOWN = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
    b"<Message>Please reduce your request rate.</Message><RequestId>proxy</RequestId></Error>"
)


class FaultyStore:
    def __init__(self, upstream_port: int, host: str = "127.0.0.1"):
        self.host, self.upstream_port = host, upstream_port
        with socket.socket() as probe:
            probe.bind((host, 0))
            self.port = probe.getsockname()[1]
        self.endpoint = f"http://{host}:{self.port}"
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.Server | None = None
        self.clients: set[asyncio.StreamWriter] = set()
        self.share = 0.0
        self.counter = itertools.count()
        self.requests = self.throttled = 0
        self.thawed: asyncio.Event | None = None
        self.forward_held = False  # on restore: answer requests held while frozen (late), or drop them

    # -- control (from any thread) ---------------------------------------------------------------
    def start(self) -> FaultyStore:
        self.thread.start()
        self._call(self._init())
        self._call(self._listen())
        return self

    def stop(self) -> None:
        self._call(self._refuse())
        self._call(self._cancel_all())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    def refuse(self) -> None:
        self._call(self._refuse())

    def freeze(self, forward_held: bool = False) -> None:
        """Accept and read requests, answer none. On restore, held requests are dropped (the client
        sees its connection closed, if it still waits) or, with forward_held, passed on late."""
        self.forward_held = forward_held
        self._call(self._freeze())

    def throttle(self, share: float) -> None:
        self.share = share

    def restore(self) -> None:
        self.share = 0.0
        self._call(self._restore())

    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)

    # -- inside the loop ---------------------------------------------------------------------------
    async def _init(self):
        self.thawed = asyncio.Event()
        self.thawed.set()

    async def _listen(self):
        if self.server is None:
            self.server = await asyncio.start_server(self._serve, self.host, self.port, reuse_address=True)

    async def _refuse(self):
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
        for writer in list(self.clients):
            writer.transport.abort()  # a dead server: connections reset
        self.clients.clear()

    async def _cancel_all(self):
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():
                task.cancel()

    async def _freeze(self):
        self.thawed.clear()

    async def _restore(self):
        self.thawed.set()
        await self._listen()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.clients.add(writer)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method = lines[0].split(" ", 1)[0]
            headers = [line for line in lines[1:] if line]
            lower = {h.split(":", 1)[0].strip().lower(): h.split(":", 1)[1].strip() for h in headers}
            if lower.get("expect", "").lower() == "100-continue":
                writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            body = await self._body(reader, lower)
            self.requests += 1
            if not self.thawed.is_set():
                await self.thawed.wait()  # frozen: the request hangs here, unanswered
                if not self.forward_held:
                    return
            if self.share and self._throttle_this():
                self.throttled += 1
                payload = b"" if method == "HEAD" else SLOW_DOWN
                writer.write(
                    b"HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\n"
                    + f"Content-Length: {len(SLOW_DOWN)}\r\n".encode()
                    + b"Connection: close\r\n\r\n"
                    + payload
                )
                await writer.drain()
                return
            kept = [h for h in headers if h.split(":", 1)[0].strip().lower() not in ("connection", "expect")]
            request = "\r\n".join([lines[0], *kept, "Connection: close", "", ""]).encode("latin-1")
            up_reader, up_writer = await asyncio.open_connection(self.host, self.upstream_port)
            try:
                up_writer.write(request + body)
                await up_writer.drain()
                while data := await up_reader.read(1 << 16):
                    writer.write(data)
                    await writer.drain()
            finally:
                up_writer.close()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.clients.discard(writer)
            writer.close()

    def _throttle_this(self) -> bool:
        n = next(self.counter)
        return int((n + 1) * self.share) != int(n * self.share)  # every 1/share-th request

    @staticmethod
    async def _body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            raw = b""
            while True:
                size_line = await reader.readuntil(b"\r\n")
                raw += size_line
                size = int(size_line.split(b";", 1)[0], 16)
                if size == 0:
                    while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
                        raw += line  # trailers
                    return raw + b"\r\n"
                raw += await reader.readexactly(size + 2)
        return await reader.readexactly(int(headers.get("content-length", 0)))
