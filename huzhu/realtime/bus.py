"""The event bus: one publish per event for the whole cluster, one subscription per process.

Embedded mode (no ``HUZHU_REDIS_URL``): events go straight to this process's registry.
Scale-out: an event is one Redis ``PUBLISH`` on a single channel; every server process holds ONE
pub/sub subscription (redis.asyncio) and fans out to its own sockets through the registry, so the
cost in Redis is per event, not per recipient (unlike channels-redis ``group_send``).

Redis trouble never fails a send: a failed publish is logged and swallowed, the event still reaches
this process's sockets, and when the subscription comes back every local socket is told to resync
from the database (``sync.required``), which is where nothing is ever lost.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import time
from typing import Any

from django.conf import settings

from huzhu.realtime.registry import LocalRegistry, registry

logger = logging.getLogger(__name__)

SYNC_REQUIRED = json.dumps({"type": "sync.required"})
# The same hint as a wire event (routing header, newline, body) for every process.
SYNC_REQUIRED_WIRE = json.dumps({"g": 0, "t": "sync.required"}) + "\n" + SYNC_REQUIRED


class InProcessBus:
    """Embedded mode: publishing is handing the event to this process's registry."""

    def __init__(self, reg: LocalRegistry) -> None:
        self.registry = reg

    def publish(self, raw: str) -> None:
        self.registry.call_soon(self.registry.dispatch_raw, raw)

    async def ensure_started(self) -> None:
        return None

    @property
    def healthy(self) -> bool:
        return True


class RedisBus:
    def __init__(self, reg: LocalRegistry, url: str, channel: str) -> None:
        self.registry = reg
        self.url = url
        self.channel = channel
        self._sync_client: Any = None
        self._client_lock = threading.Lock()
        self._task: asyncio.Task[None] | None = None
        self._task_loop: asyncio.AbstractEventLoop | None = None
        self._needs_sync_hint = False
        self._publish_failed_at = 0.0
        self.publish_failures = 0

    # --- publishing (any thread, usually a service's on_commit in a worker thread) ------------
    def _client(self) -> Any:
        if self._sync_client is None:
            with self._client_lock:
                if self._sync_client is None:
                    import redis
                    from redis.backoff import NoBackoff
                    from redis.retry import Retry

                    # Fail fast: a send must never wait long on Redis; clients resync anyway.
                    self._sync_client = redis.Redis.from_url(
                        self.url,
                        socket_connect_timeout=0.5,
                        socket_timeout=0.5,
                        retry=Retry(NoBackoff(), 1),
                        health_check_interval=0,
                    )
        return self._sync_client

    def publish(self, raw: str) -> None:
        try:
            client = self._client()
            if self._needs_sync_hint:
                # Events were lost while Redis failed; sockets whose subscription stayed up
                # would not otherwise know, so tell every process to have its clients resync.
                client.publish(self.channel, SYNC_REQUIRED_WIRE)
                self._needs_sync_hint = False
            client.publish(self.channel, raw)
        except Exception:
            self._needs_sync_hint = True
            # Swallowed on purpose: the message is committed; clients catch up through resync.
            self.publish_failures += 1
            now = time.monotonic()
            if now - self._publish_failed_at > 5:
                logger.warning(
                    "realtime: publish to Redis failed; clients will resync", exc_info=True
                )
            self._publish_failed_at = now
            # This process's own sockets still get the event live.
            self.registry.call_soon(self.registry.dispatch_raw, raw)

    # --- subscribing (the event loop of a server process) ------------------------------------
    async def ensure_started(self) -> None:
        loop = asyncio.get_running_loop()
        if self._task is not None and not self._task.done() and self._task_loop is loop:
            return
        ready = asyncio.Event()
        self._task_loop = loop
        self._task = loop.create_task(self._subscribe_forever(ready), name="huzhu-realtime-bus")
        try:
            # Wait briefly so a socket accepted right after this sees events published next.
            await asyncio.wait_for(ready.wait(), timeout=2)
        except TimeoutError:
            logger.warning(
                "realtime: Redis subscription not ready; continuing, clients will resync"
            )

    async def _subscribe_forever(self, ready: asyncio.Event) -> None:
        import redis.asyncio as aioredis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        backoff = 0.1
        lost = False
        while True:
            # No read timeout: the subscription is idle between events (redis-py's default 5 s
            # would drop it every quiet moment); a dead server still ends the read at once.
            client = aioredis.Redis.from_url(
                self.url,
                socket_connect_timeout=1,
                socket_timeout=None,
                socket_keepalive=True,
                retry=Retry(NoBackoff(), 0),
            )
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                ready.set()
                if lost:
                    logger.warning(
                        "realtime: Redis subscription restored; asking clients to resync"
                    )
                    self.registry.broadcast(SYNC_REQUIRED)
                lost = False
                backoff = 0.1
                while True:
                    message = await pubsub.get_message(timeout=None)
                    if message is not None and message.get("type") == "message":
                        self.registry.dispatch_raw(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception:
                if not lost:
                    logger.warning("realtime: Redis subscription lost; retrying", exc_info=True)
                lost = True
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 1.0)
            finally:
                try:
                    await pubsub.aclose()
                    await client.aclose()
                except Exception:  # noqa: S110 - closing a dead connection may fail; nothing to do
                    pass

    @property
    def healthy(self) -> bool:
        return time.monotonic() - self._publish_failed_at > 5


_bus: InProcessBus | RedisBus | None = None
_bus_pid: int | None = None


def get_bus() -> InProcessBus | RedisBus:
    """This process's bus (re-created after a fork, whose Redis connections must not be shared)."""
    global _bus, _bus_pid
    if _bus is None or _bus_pid != os.getpid():
        url = getattr(settings, "REALTIME_REDIS_URL", "") or getattr(settings, "REDIS_URL", "")
        if url:
            channel = getattr(settings, "REALTIME_CHANNEL", "huzhu:events")
            _bus = RedisBus(registry, url, channel)
        else:
            _bus = InProcessBus(registry)
        _bus_pid = os.getpid()
    return _bus


def bus_reset() -> None:
    """Forget the bus (tests that switch settings)."""
    global _bus
    _bus = None
