"""Helpers for consumer tests: authenticated communicators and waiting for a frame of a type."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from channels.testing import WebsocketCommunicator
from django.test import Client

from config.asgi import application


def session_cookie(user: Any) -> bytes:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return f"sessionid={client.cookies['sessionid'].value}".encode()


class Socket:
    """A test browser tab: one communicator plus the frames it has received."""

    def __init__(self, cookie: bytes | None) -> None:
        headers = [(b"origin", b"http://testserver")]
        if cookie:
            headers.append((b"cookie", cookie))
        self.comm = WebsocketCommunicator(application, "/ws/", headers=headers)
        self.frames: list[dict[str, Any]] = []  # everything received, in order
        self.pending: list[dict[str, Any]] = []  # received but not yet taken by a wait
        self._req = 0

    async def connect(self) -> tuple[bool, Any]:
        return await self.comm.connect()

    async def next(self, timeout: float = 2) -> dict[str, Any] | None:
        """The next frame, or None after ``timeout``.

        Polls instead of using the communicator's timeout, which would cancel the application.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.comm.output_queue.empty():
            if self.comm.future.done():
                self.comm.future.result()  # raise what the application raised
                return None
            if loop.time() >= deadline:
                return None
            await asyncio.sleep(0.005)
        frame = json.loads(await self.comm.receive_from(timeout=1))
        self.frames.append(frame)
        self.pending.append(frame)
        return frame

    def _take(self, match: Any) -> dict[str, Any] | None:
        for i, frame in enumerate(self.pending):
            if match(frame):
                return self.pending.pop(i)
        return None

    async def wait_for(self, kind: str, timeout: float = 3, match: Any = None) -> dict[str, Any]:
        """The first unseen frame of type ``kind`` (others stay pending for later waits)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout

        def wanted(frame: dict[str, Any]) -> bool:
            return frame.get("type") == kind and (match is None or match(frame))

        while True:
            found = self._take(wanted)
            if found is not None:
                return found
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"no {kind} frame within {timeout}s; got {self.frames}")
            await self.next(timeout=remaining)

    async def request(self, action: str, **fields: Any) -> dict[str, Any]:
        self._req += 1
        req = self._req
        await self.comm.send_json_to({"action": action, "req": req, **fields})
        return await self.wait_for("reply", timeout=5, match=lambda f: f.get("req") == req)

    async def quiet_for(self, seconds: float, kinds: tuple[str, ...]) -> list[dict[str, Any]]:
        """Frames of ``kinds`` received within ``seconds`` (expected: none)."""
        while await self.next(timeout=seconds) is not None:
            pass
        got = [f for f in self.pending if f.get("type") in kinds]
        self.pending = [f for f in self.pending if f.get("type") not in kinds]
        return got

    async def close(self) -> None:
        await self.comm.disconnect()
