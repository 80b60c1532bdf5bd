"""This process's registry of open sockets, by group and by user, and local fan-out.

An event reaches each server process once (from the in-process bus or from the process's single
Redis subscription); the registry then hands the already-serialised text to every local socket that
may see it. Membership events are applied here first, so a removed or banned member's sockets stop
receiving the group at once and a new member's open sockets start at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import defaultdict
from typing import Protocol

from huzhu.realtime.events import (
    Envelope,
    MemberJoined,
    MemberRemoved,
    MemberRoleChanged,
    event_decode,
)
from huzhu.realtime.frames import text_frame

logger = logging.getLogger(__name__)

MODERATOR_ROLES = frozenset({"owner", "admin"})


class Connection(Protocol):
    """What the registry needs from a socket (the WebSocket consumer implements it)."""

    user_id: int
    roles: dict[int, str]  # group_id -> role, only for active memberships

    def deliver(self, text: str, frame: bytes | None = None) -> None:
        """Send ``text`` without blocking (called on the event loop). ``frame``, when given, is
        ``text`` already encoded as a WebSocket frame, shared by every recipient."""


class LocalRegistry:
    def __init__(self) -> None:
        self.by_group: dict[int, set[Connection]] = defaultdict(set)
        self.by_user: dict[int, set[Connection]] = defaultdict(set)
        self.loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self.delivered = 0  # sockets written to, for the benchmark and tests

    # --- connections (event-loop thread) -----------------------------------------------------
    def add(self, conn: Connection) -> None:
        self.loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self.by_user[conn.user_id].add(conn)
        for group_id in conn.roles:
            self.by_group[group_id].add(conn)

    def remove(self, conn: Connection) -> None:
        for group_id in list(conn.roles):
            self._unlink(group_id, conn)
        users = self.by_user.get(conn.user_id)
        if users is not None:
            users.discard(conn)
            if not users:
                del self.by_user[conn.user_id]

    def _unlink(self, group_id: int, conn: Connection) -> None:
        conns = self.by_group.get(group_id)
        if conns is not None:
            conns.discard(conn)
            if not conns:
                del self.by_group[group_id]

    def local_user_ids(self, group_id: int) -> set[int]:
        return {c.user_id for c in self.by_group.get(group_id, ())}

    def connection_count(self) -> int:
        return sum(len(c) for c in self.by_user.values())

    # --- delivery -----------------------------------------------------------------------------
    def dispatch_raw(self, raw: str | bytes) -> None:
        try:
            envelope = event_decode(raw)
        except (ValueError, KeyError):
            logger.warning("realtime: dropping undecodable event")
            return
        self.dispatch(envelope)

    def dispatch(self, env: Envelope) -> None:
        """Deliver one event to the local sockets allowed to see it (event-loop thread)."""
        if env.type == "sync.required":
            self.broadcast(env.body)
            return
        group_id = env.group_id
        removed: set[Connection] = set()
        if env.membership is not None:
            removed = self._apply_membership(env)
        conns = self.by_group.get(group_id)
        targets: list[Connection] = list(conns) if conns else []
        targets.extend(removed)  # the removed member learns that they were removed, then nothing
        if not targets:
            return
        # Serialised once, framed once: each recipient costs one write of the same bytes.
        body = env.body
        frame = text_frame(body.encode())
        audience = env.audience
        if audience.moderators_only:
            allowed = audience.user_ids
            targets = [
                c
                for c in targets
                if c.user_id in allowed or c.roles.get(group_id) in MODERATOR_ROLES
            ]
        for conn in targets:
            conn.deliver(body, frame)
        self.delivered += len(targets)

    def _apply_membership(self, env: Envelope) -> set[Connection]:
        data = env.membership or {}
        user_id = int(data.get("user_id", 0))
        conns = self.by_user.get(user_id, set())
        if env.type == MemberJoined.type or env.type == MemberRoleChanged.type:
            for conn in conns:
                conn.roles[env.group_id] = str(data.get("role") or "member")
                self.by_group[env.group_id].add(conn)
            return set()
        if env.type == MemberRemoved.type:
            removed = {c for c in conns if env.group_id in c.roles}
            for conn in removed:
                conn.roles.pop(env.group_id, None)
                self._unlink(env.group_id, conn)
            return removed
        return set()

    def broadcast(self, text: str) -> None:
        """Send ``text`` to every local socket (for example "resync now" after a Redis outage)."""
        frame = text_frame(text.encode())
        for conns in list(self.by_user.values()):
            for conn in conns:
                conn.deliver(text, frame)

    # --- thread-safe entry points -------------------------------------------------------------
    def call_soon(self, fn: object, *args: object) -> None:
        """Run ``fn(*args)`` on the registry's event loop, from any thread."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return  # no socket has ever connected to this process: nobody to deliver to
        if threading.get_ident() == self._loop_thread:
            loop.call_soon(fn, *args)  # type: ignore[arg-type]
        else:
            # The loop may close between the check and the call.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(fn, *args)  # type: ignore[arg-type]


registry = LocalRegistry()
