"""The one WebSocket per browser (``/ws/``): events for all of the user's groups, plus requests.

Server → client: ``hello`` (the user's groups with their last sequence numbers), typed events
(``message.created`` …), ``sync.required`` (resync every group: events may have been missed),
and ``reply`` to a request. Client → server requests carry a ``req`` id that the reply echoes:
``send``, ``edit``, ``delete``, ``review`` (moderators), ``resync`` (changes after a cursor, paged), ``history`` (before a
seq) and ``ping``. The consumer is thin: it parses, checks access and calls one service.

This consumer does not use a Channels channel layer: events come from the process's registry
(see ``huzhu.realtime.bus``), so an idle socket costs nothing in Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.utils import translation
from django.utils.translation import gettext as _

from huzhu.core.errors import HuzhuError, InvalidInput
from huzhu.realtime.bus import get_bus
from huzhu.realtime.frames import direct_writer, text_frame
from huzhu.realtime.presence import presence
from huzhu.realtime.registry import registry

logger = logging.getLogger(__name__)

OUTBOX_MAX = 5000  # a socket this far behind is closed; its client reconnects and resyncs
CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_TOO_SLOW = 4408


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _active_roles(user_id: int) -> dict[int, str]:
    from huzhu.groups.models import Membership, MembershipStatus

    return dict(
        Membership.objects.filter(user_id=user_id, status=MembershipStatus.ACTIVE).values_list(
            "group_id", "role"
        )
    )


def _last_seqs(group_ids: list[int]) -> dict[int, int]:
    from huzhu.chat.models import ChatCounter

    found = dict(
        ChatCounter.objects.filter(group_id__in=group_ids).values_list("group_id", "last_seq")
    )
    return {g: found.get(g, 0) for g in group_ids}


# Requests (send, resync …) run in a small thread pool, so one slow database round trip or
# screening does not queue every other socket's request behind it (Channels' default is ONE
# thread per process for all database work). SQLite keeps the single thread: it has one writer.
DB_THREADS_DEFAULT = 8
_db_executor: ThreadPoolExecutor | None = None


def _request_executor() -> ThreadPoolExecutor | None:
    global _db_executor
    if _db_executor is None:
        threads = int(getattr(settings, "REALTIME_DB_THREADS", DB_THREADS_DEFAULT) or 1)
        if connection.vendor == "sqlite" or threads <= 1:
            return None
        _db_executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="huzhu-ws")
    return _db_executor


async def _in_db_thread(fn: Callable[..., Any], *args: Any) -> Any:
    executor = _request_executor()
    if executor is None:
        return await database_sync_to_async(fn)(*args)
    return await database_sync_to_async(fn, thread_sensitive=False, executor=executor)(*args)


class RealtimeConsumer(AsyncJsonWebsocketConsumer):
    # No channel layer: see the module docstring.
    channel_layer_alias = "huzhu-realtime-no-channel-layer"

    user_id: int
    roles: dict[int, str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_AUTHENTICATED)
            return
        self.user = user
        self.user_id = int(user.pk)
        self.language = self._language()
        self.roles = await database_sync_to_async(_active_roles)(self.user_id)
        self._closing = False
        await self.accept()
        # Under uvicorn every frame (events, replies) is written straight to the transport, in
        # order, from the event loop; elsewhere one writer task per socket sends through ASGI.
        self._direct = direct_writer(self.base_send, on_too_slow=lambda: self._too_slow("bytes"))
        self._outbox: asyncio.Queue[str] | None = None
        self._writer: asyncio.Task[None] | None = None
        if self._direct is None:
            self._outbox = asyncio.Queue(maxsize=OUTBOX_MAX)
            self._writer = asyncio.get_running_loop().create_task(self._write_forever())
        await get_bus().ensure_started()
        registry.add(self)
        self._registered = True
        # Registered before reading the sequence numbers: anything committed later arrives as an
        # event; anything in between is in both, and clients drop duplicates by message id.
        seqs = await database_sync_to_async(_last_seqs)(list(self.roles))
        self.deliver(
            _json(
                {
                    "type": "hello",
                    "user_id": self.user_id,
                    "groups": {
                        str(g): {"role": role, "last_seq": seqs.get(g, 0)}
                        for g, role in self.roles.items()
                    },
                }
            )
        )
        await presence.changed(user_id=self.user_id, group_ids=list(self.roles), online=True)

    async def disconnect(self, code: int) -> None:
        if not getattr(self, "_registered", False):
            return
        self._registered = False
        registry.remove(self)
        if self._writer is not None:
            self._writer.cancel()
        await presence.changed(user_id=self.user_id, group_ids=list(self.roles), online=False)

    def _language(self) -> str:
        headers = dict(self.scope.get("headers") or [])
        cookies = self.scope.get("cookies") or {}
        lang = cookies.get("django_language") or ""
        if not lang:
            accept = headers.get(b"accept-language", b"").decode("latin-1").lower()
            lang = "en" if accept.startswith("en") else "zh-hans"
        return "en" if lang.startswith("en") else "zh-hans"

    # --- outgoing --------------------------------------------------------------------------------
    def deliver(self, text: str, frame: bytes | None = None) -> None:
        """Send one event or reply without blocking (event-loop thread; the registry calls it
        for each event with the frame it built once for all recipients)."""
        direct = self._direct
        if direct is not None:
            direct.write(frame if frame is not None else text_frame(text.encode()))
            return
        assert self._outbox is not None
        try:
            self._outbox.put_nowait(text)
        except asyncio.QueueFull:
            self._too_slow("frames")

    def _too_slow(self, unit: str) -> None:
        if not self._closing:
            self._closing = True
            logger.warning("realtime: closing a socket that fell too many %s behind", unit)
            asyncio.get_running_loop().create_task(self.close(code=CLOSE_TOO_SLOW))

    async def _write_forever(self) -> None:
        # One writer per socket keeps frames in order without blocking the fan-out loop.
        assert self._outbox is not None
        try:
            while True:
                text = await self._outbox.get()
                await self.send(text_data=text)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.info("realtime: socket writer stopped", exc_info=True)

    # --- incoming --------------------------------------------------------------------------------
    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        action = str(content.get("action") or "")
        req = content.get("req")
        if action == "ping":
            self.deliver(_json({"type": "pong", "req": req}))
            return
        handler: Callable[[dict[str, Any]], dict[str, Any]] | None = getattr(
            self, f"_do_{action}", None
        )
        if handler is None:
            self.deliver(
                _json({"type": "reply", "req": req, "ok": False, "code": "unknown_action"})
            )
            return
        reply = await _in_db_thread(self._call, handler, content)
        reply.update({"type": "reply", "req": req})
        self.deliver(_json(reply))

    async def decode_json(self, text_data: str) -> Any:
        try:
            return json.loads(text_data)
        except ValueError:
            return None

    def _call(
        self, handler: Callable[[dict[str, Any]], dict[str, Any]], content: dict[str, Any]
    ) -> dict[str, Any]:
        """Run one request in a worker thread, in the user's language, errors as replies."""
        with translation.override(self.language):
            try:
                result = handler(content)
            except (OperationalError, InterfaceError):
                # The database is unreachable: nothing was saved; the client resends, same key.
                logger.warning("realtime: database unavailable for %s", handler.__name__)
                if not connection.in_atomic_block:
                    with contextlib.suppress(Exception):
                        connection.close()
                return {
                    "ok": False,
                    "code": "retry",
                    "message": _("服务器暂时无法保存消息，请稍后重试（内容不会丢失）。"),
                }
            except HuzhuError as exc:
                error: dict[str, Any] = {"ok": False, "code": exc.code, "message": str(exc.message)}
                error.update({k: v for k, v in exc.extra.items() if isinstance(v, str | int)})
                return error
            except Exception:
                logger.exception("realtime: request failed")
                return {"ok": False, "code": "error", "message": _("出错了，请稍后重试。")}
        return {"ok": True, **result}

    def _group(self, content: dict[str, Any]) -> Any:
        from huzhu.groups.access import access_group

        # A missing or malformed id is "not found", like a group the user is not in.
        return access_group(user=self.user, group_id=str(content.get("group_id") or ""))

    @staticmethod
    def _int(content: dict[str, Any], key: str, default: int | None = None) -> int | None:
        value = content.get(key, default)
        if value is None:
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise InvalidInput(_("请求内容不正确，请检查后重试。")) from None

    def _do_send(self, content: dict[str, Any]) -> dict[str, Any]:
        from huzhu.chat.services import message_send

        group, membership = self._group(content)
        result = message_send(
            actor=self.user,
            group=group,
            membership=membership,
            text=str(content.get("text") or ""),
            client_key=str(content.get("client_key") or ""),
            reply_to_id=self._int(content, "reply_to"),
            share_type=str(content.get("share_type") or ""),
            share_id=self._int(content, "share_id"),
        )
        return result.as_dict()

    def _do_edit(self, content: dict[str, Any]) -> dict[str, Any]:
        from huzhu.chat.services import message_edit

        message_id = self._int(content, "message_id") or 0
        return message_edit(
            actor=self.user, message_id=message_id, text=str(content.get("text") or "")
        ).as_dict()

    def _do_delete(self, content: dict[str, Any]) -> dict[str, Any]:
        from huzhu.chat.selectors import message_as_dict
        from huzhu.chat.services import message_delete

        message_id = self._int(content, "message_id") or 0
        return {"message": message_as_dict(message_delete(actor=self.user, message_id=message_id))}

    def _do_review(self, content: dict[str, Any]) -> dict[str, Any]:
        from huzhu.chat.selectors import message_as_dict
        from huzhu.chat.services import message_review

        message = message_review(
            actor=self.user,
            message_id=self._int(content, "message_id") or 0,
            approve=bool(content.get("approve")),
        )
        return {"message": message_as_dict(message)}

    def _do_resync(self, content: dict[str, Any]) -> dict[str, Any]:
        from huzhu.chat.selectors import messages_after

        group, membership = self._group(content)
        page = messages_after(
            viewer=self.user,
            group=group,
            after_seq=self._int(content, "after", 0) or 0,
            limit=self._int(content, "limit", 100) or 100,
            is_moderator=membership.is_admin,
        )
        return {
            "group_id": group.pk,
            "messages": page.messages,
            "cursor": page.cursor,
            "more": page.more,
        }

    def _do_history(self, content: dict[str, Any]) -> dict[str, Any]:
        from huzhu.chat.selectors import messages_before

        group, membership = self._group(content)
        messages = messages_before(
            viewer=self.user,
            group=group,
            before_seq=self._int(content, "before_seq"),
            limit=self._int(content, "limit", 50) or 50,
            is_moderator=membership.is_admin,
        )
        return {"group_id": group.pk, "messages": messages}
