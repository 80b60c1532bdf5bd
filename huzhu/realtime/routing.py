"""WebSocket URL routes (filled in by the realtime chat work)."""

from __future__ import annotations

from typing import Any

websocket_urlpatterns: list[Any] = []
