"""WebSocket text frames built once per event and written to every socket as the same bytes.

A server-to-client frame is not masked (RFC 6455 §5.1), so one event's frame is identical for
every recipient: the registry encodes it once and each socket's share of the fan-out is one
``transport.write``. This is only possible under uvicorn, whose ASGI ``send`` is a method of the
connection's protocol object (the transport is there); elsewhere (daphne, test communicators)
``direct_writer`` answers None and the consumer sends through ASGI as usual.

A frame without the RSV1 bit is a valid uncompressed message even when permessage-deflate was
negotiated (RFC 7692 §6), and a complete frame written in one call can never interleave with the
frames the WebSocket library writes itself (pings, close).
"""

from __future__ import annotations

import asyncio
import logging
import struct
import weakref
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

# Bytes queued in the kernel-side buffer of one socket beyond which the client counts as too
# slow: it is closed, reconnects and resyncs from the database (nothing is lost).
MAX_BUFFERED = 8 * 1024 * 1024


def text_frame(payload: bytes) -> bytes:
    """One unfragmented, unmasked text frame (FIN + opcode 1) carrying ``payload`` (UTF-8)."""
    n = len(payload)
    if n < 126:
        return bytes((0x81, n)) + payload
    if n < 65536:
        return struct.pack("!BBH", 0x81, 126, n) + payload
    return struct.pack("!BBQ", 0x81, 127, n) + payload


class DirectWriter:
    """Writes frames straight to a uvicorn WebSocket connection's transport, coalesced.

    Frames are queued per socket and written once per event-loop pass: at a quiet moment that is
    one write per event, as before; when the loop falls behind (several events dispatched in one
    pass) each socket gets ONE write for all of them, so the cost per delivery falls as the load
    rises instead of the backlog growing. Order is kept: every frame of a socket, events and
    replies alike, goes through the same queue.
    """

    __slots__ = ("_on_too_slow", "_pending", "_protocol", "_transport")

    def __init__(self, protocol: Any, transport: Any, on_too_slow: Callable[[], None]) -> None:
        self._protocol = protocol
        self._transport = transport
        self._pending: list[bytes] | None = None
        self._on_too_slow = on_too_slow

    @property
    def open(self) -> bool:
        if self._transport.is_closing():
            return False
        protocol = self._protocol
        closed = getattr(protocol, "closed_event", None)
        if closed is not None and closed.is_set():
            return False
        if getattr(protocol, "close_sent", False):
            return False
        # websockets' legacy protocol (uvicorn --ws websockets): OPEN until a close starts.
        state = getattr(protocol, "state", None)
        if state is not None and getattr(state, "name", "OPEN") != "OPEN":
            return False
        conn = getattr(protocol, "conn", None)  # wsproto / websockets-sansio implementations
        conn_state = getattr(conn, "state", None)
        return conn_state is None or getattr(conn_state, "name", "OPEN") == "OPEN"

    def write(self, frame: bytes) -> None:
        """Queue ``frame``; it is written at the end of this event-loop pass."""
        pending = self._pending
        if pending is not None:
            pending.append(frame)
            return
        self._pending = [frame]
        loop = asyncio.get_running_loop()
        dirty = _dirty.get(loop)
        if dirty is None:
            dirty = _dirty[loop] = []
            loop.call_soon(_flush_all, loop)
        dirty.append(self)

    def flush(self) -> None:
        pending, self._pending = self._pending, None
        if not pending or not self.open:
            return  # closing: the client reconnects and resyncs
        transport = self._transport
        transport.write(pending[0] if len(pending) == 1 else b"".join(pending))
        if transport.get_write_buffer_size() > MAX_BUFFERED:
            self._on_too_slow()


# Per event loop (a test may run several, one after another): the sockets with queued frames.
_dirty: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, list[DirectWriter]] = (
    weakref.WeakKeyDictionary()
)


def _flush_all(loop: asyncio.AbstractEventLoop) -> None:
    for writer in _dirty.pop(loop, ()):
        try:
            writer.flush()
        except Exception:
            logger.warning("realtime: could not write to a socket", exc_info=True)


def _uvicorn_protocol(send: Any) -> Any:
    """The uvicorn protocol object behind an ASGI ``send``, through Channels' wrappers."""
    for _ in range(8):
        owner = getattr(send, "__self__", None)
        if owner is None:
            return None
        if type(owner).__module__.startswith("uvicorn.protocols.websockets"):
            return owner
        # Channels' session middleware wraps send (it only acts on accept / HTTP responses).
        send = getattr(owner, "real_send", None)
    return None


def direct_writer(send: Any, *, on_too_slow: Callable[[], None]) -> DirectWriter | None:
    """A ``DirectWriter`` for the connection behind the ASGI ``send`` callable, or None."""
    protocol = _uvicorn_protocol(send)
    transport = getattr(protocol, "transport", None)
    if transport is None or not hasattr(transport, "get_write_buffer_size"):
        return None
    return DirectWriter(protocol, transport, on_too_slow)
