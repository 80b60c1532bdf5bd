"""WebSocket URL routes: one socket per browser at ``/ws/``."""

from __future__ import annotations

from typing import Any

from django.urls import path

from huzhu.realtime.consumers import RealtimeConsumer

websocket_urlpatterns: list[Any] = [
    path("ws/", RealtimeConsumer.as_asgi()),
]
