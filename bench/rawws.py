"""A minimal WebSocket client for the fan-out benchmark: cheap enough that 500 of them in a few
processes measure the server, not the client library.

One ``asyncio.Protocol`` per socket: the handshake is written by hand, frames are parsed straight
from the receive buffer (server frames are unmasked), payloads are handed over as bytes (no UTF-8
decoding, no per-message task or queue), and every frame that arrives in one read shares one
clock reading. Text only, no extensions, no fragmentation (the servers under test send none).
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

OnText = Callable[[bytes, float], None]


class RawWebSocket(asyncio.Protocol):
    def __init__(self, host: str, path: str, origin: str, cookie: str, on_text: OnText) -> None:
        self._request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
            f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\nCookie: {cookie}\r\n\r\n"
        ).encode()
        self.on_text = on_text
        self.transport: Any = None
        self.open = asyncio.get_running_loop().create_future()
        self.closed = asyncio.get_running_loop().create_future()
        self._buf = bytearray()
        self._handshaken = False

    # --- asyncio.Protocol -----------------------------------------------------------------------
    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        transport.write(self._request)

    def data_received(self, data: bytes) -> None:
        buf = self._buf
        buf += data
        if not self._handshaken:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(buf[:end]).split(b"\r\n", 1)[0]
            del buf[: end + 4]
            if b" 101 " not in status + b" ":
                self._fail(ConnectionError(status.decode("latin-1")))
                return
            self._handshaken = True
            if not self.open.done():
                self.open.set_result(None)
        now = time.time()
        pos, size = 0, len(buf)
        while size - pos >= 2:
            b0, b1 = buf[pos], buf[pos + 1]
            n, head = b1 & 0x7F, 2
            if n == 126:
                if size - pos < 4:
                    break
                n, head = struct.unpack_from("!H", buf, pos + 2)[0], 4
            elif n == 127:
                if size - pos < 10:
                    break
                n, head = struct.unpack_from("!Q", buf, pos + 2)[0], 10
            if size - pos < head + n:
                break
            start = pos + head
            pos = start + n
            opcode = b0 & 0x0F
            if opcode == 1:
                self.on_text(bytes(buf[start:pos]), now)
            elif opcode == 9:  # ping → pong with the same payload
                self._write(0xA, bytes(buf[start:pos]))
            elif opcode == 8:
                self.transport.close()
        if pos:
            del buf[:pos]

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(exc or ConnectionError("closed"))
        if not self.closed.done():
            self.closed.set_result(None)

    def _fail(self, exc: BaseException) -> None:
        if not self.open.done():
            self.open.set_exception(exc)

    # --- sending (client frames are masked) -----------------------------------------------------
    def _write(self, opcode: int, payload: bytes) -> None:
        n = len(payload)
        if n < 126:
            head = bytes((0x80 | opcode, 0x80 | n))
        elif n < 65536:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        key = os.urandom(4)
        mask = int.from_bytes((key * (n // 4 + 1))[:n], "big")
        body = (int.from_bytes(payload, "big") ^ mask).to_bytes(n, "big") if n else b""
        self.transport.write(head + key + body)

    def send_text(self, text: str) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self._write(0x1, text.encode())

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self._write(0x8, struct.pack("!H", 1000))
            self.transport.close()


async def connect(url: str, *, origin: str, cookie: str, on_text: OnText) -> RawWebSocket:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    loop = asyncio.get_running_loop()
    _transport, ws = await loop.create_connection(
        lambda: RawWebSocket(f"{host}:{port}", parts.path or "/", origin, cookie, on_text),
        host,
        port,
    )
    await ws.open
    return ws
