"""Who is online, per group: the number of distinct members with an open socket.

Embedded mode counts this process's sockets. With Redis, each process keeps its online members in
one sorted set per group (member ``<process>:<user>``, score = expiry), refreshed by a heartbeat,
so a crashed process's entries fade out on their own. Changes are announced as
``presence.changed`` at most once per second per group and process.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from typing import Any

from django.conf import settings

from huzhu.realtime.events import PresenceChanged, event_encode
from huzhu.realtime.registry import registry

logger = logging.getLogger(__name__)

TTL_SECONDS = 90
HEARTBEAT_SECONDS = 30
ANNOUNCE_DELAY = 1.0
PROCESS_ID = f"{socket.gethostname()}-{os.getpid()}"


def _key(group_id: int) -> str:
    # Namespaced like the event channel, so separate deployments (and test runs) sharing a
    # Redis do not count each other's sockets.
    return f"{getattr(settings, 'REALTIME_CHANNEL', 'huzhu:events')}:online:{group_id}"


def _redis_url() -> str:
    return getattr(settings, "REDIS_URL", "") or ""


_sync_client: Any = None


def _sync_redis() -> Any:
    global _sync_client
    if _sync_client is None:
        import redis

        _sync_client = redis.Redis.from_url(
            _redis_url(), socket_connect_timeout=0.5, socket_timeout=0.5
        )
    return _sync_client


def online_count(*, group_id: int) -> int:
    """Distinct members of ``group_id`` online now (sync; for page rendering)."""
    if not _redis_url():
        return len(registry.local_user_ids(group_id))
    try:
        members = _sync_redis().zrangebyscore(_key(group_id), time.time(), "+inf")
    except Exception:
        logger.info("presence: Redis unavailable, counting local sockets only")
        return len(registry.local_user_ids(group_id))
    return len({m.rsplit(b":", 1)[-1] for m in members})


class Presence:
    """Per-process presence bookkeeping, driven by the consumer on the event loop."""

    def __init__(self) -> None:
        self._pending: dict[int, asyncio.TimerHandle] = {}
        self._heartbeat: asyncio.Task[None] | None = None

    async def changed(self, *, user_id: int, group_ids: list[int], online: bool) -> None:
        if _redis_url():
            loop = asyncio.get_running_loop()
            if self._heartbeat is None or self._heartbeat.done():
                self._heartbeat = loop.create_task(self._heartbeat_forever())
            # Decide on the loop thread, which owns the registry; write in a worker thread.
            gone = [g for g in group_ids if user_id not in registry.local_user_ids(g)]
            await loop.run_in_executor(None, self._write, user_id, group_ids, online, gone)
        for group_id in group_ids:
            self._schedule_announce(group_id)

    def _write(self, user_id: int, group_ids: list[int], online: bool, gone: list[int]) -> None:
        member = f"{PROCESS_ID}:{user_id}"
        try:
            pipe = _sync_redis().pipeline(transaction=False)
            for group_id in group_ids:
                if online:
                    pipe.zadd(_key(group_id), {member: time.time() + TTL_SECONDS})
                elif group_id in gone:
                    pipe.zrem(_key(group_id), member)
            pipe.execute()
        except Exception:
            logger.info("presence: Redis unavailable; online counts are approximate")

    async def _heartbeat_forever(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            snapshot = {g: registry.local_user_ids(g) for g in list(registry.by_group)}
            await loop.run_in_executor(None, self._refresh_all, snapshot)

    def _refresh_all(self, snapshot: dict[int, set[int]]) -> None:
        expiry = time.time() + TTL_SECONDS
        try:
            pipe = _sync_redis().pipeline(transaction=False)
            for group_id, users in snapshot.items():
                key = _key(group_id)
                if users:
                    pipe.zadd(key, {f"{PROCESS_ID}:{u}": expiry for u in users})
                pipe.zremrangebyscore(key, "-inf", time.time())
            pipe.execute()
        except Exception:
            logger.info("presence: heartbeat failed; Redis unavailable")

    def _schedule_announce(self, group_id: int) -> None:
        if group_id in self._pending:
            return
        loop = asyncio.get_running_loop()
        self._pending[group_id] = loop.call_later(
            ANNOUNCE_DELAY, lambda: loop.create_task(self._announce(group_id))
        )

    async def _announce(self, group_id: int) -> None:
        self._pending.pop(group_id, None)
        from huzhu.realtime.bus import get_bus

        loop = asyncio.get_running_loop()
        count = await loop.run_in_executor(None, lambda: online_count(group_id=group_id))
        raw = event_encode(PresenceChanged(group_id=group_id, online=count))
        await loop.run_in_executor(None, get_bus().publish, raw)


presence = Presence()
