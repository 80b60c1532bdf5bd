"""The approach to beat, for ``bench/fanout.py``: a plain Channels consumer with ``group_send``.

Same protocol and the same ``message_send`` service as Huzhu's consumer, but every event goes
through channels-redis ``group_send`` to one channel per socket (Redis work per recipient), the
textbook Channels chat. Run with ``uvicorn bench.plain_asgi:application``.
"""

from __future__ import annotations

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from django.conf import settings  # noqa: E402

# redis-py 8 reads with a 5 s timeout by default, the same as channels-redis's BZPOPMIN: idle
# consumers would crash with "Timeout reading". Give the channel layer's pool no read timeout.
settings.CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": settings.REDIS_URL, "socket_timeout": None}]},
    }
}

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.db import database_sync_to_async  # noqa: E402
from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from huzhu.chat.selectors import message_as_dict  # noqa: E402
from huzhu.chat.services import message_send  # noqa: E402
from huzhu.core.errors import HuzhuError  # noqa: E402
from huzhu.groups.access import access_group  # noqa: E402
from huzhu.groups.models import Membership, MembershipStatus  # noqa: E402
from huzhu.realtime import publish as _publish  # noqa: E402
from huzhu.realtime.events import MessageCreated  # noqa: E402

# Only group_send delivers here: Huzhu's own publish (one Redis PUBLISH) is switched off.
_publish.event_publish = lambda event: None  # type: ignore[assignment]


def _group_ids(user_id: int) -> list[int]:
    return list(
        Membership.objects.filter(user_id=user_id, status=MembershipStatus.ACTIVE).values_list(
            "group_id", flat=True
        )
    )


def _send(user: Any, content: dict[str, Any]) -> dict[str, Any]:
    group, _membership = access_group(user=user, group_id=content.get("group_id"))
    result = message_send(
        actor=user,
        group=group,
        text=str(content.get("text") or ""),
        client_key=str(content.get("client_key") or ""),
    )
    return {"ok": True, "group_id": group.pk, "message": message_as_dict(result.message)}


class PlainConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close()
            return
        self.user = user
        self.groups_joined = await database_sync_to_async(_group_ids)(user.pk)
        for gid in self.groups_joined:
            await self.channel_layer.group_add(f"chat-{gid}", self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "groups": {}})

    async def disconnect(self, code: int) -> None:
        for gid in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(f"chat-{gid}", self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if content.get("action") != "send":
            return
        try:
            reply = await database_sync_to_async(_send)(self.user, content)
        except HuzhuError as exc:
            await self.send_json(
                {"type": "reply", "req": content.get("req"), "ok": False, "code": exc.code}
            )
            return
        event = MessageCreated(group_id=reply["group_id"], message=reply["message"])
        await self.channel_layer.group_send(
            f"chat-{reply['group_id']}", {"type": "chat.event", "text": event.client_json()}
        )
        await self.send_json({"type": "reply", "req": content.get("req"), **reply})

    async def chat_event(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AuthMiddlewareStack(URLRouter([path("ws/", PlainConsumer.as_asgi())])),
    }
)
