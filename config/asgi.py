"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings
from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

# Load the URL configuration (the API's routers and their schemas: about a second of imports)
# while the worker starts, not during the first request it is sent.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from huzhu.realtime.routing import websocket_urlpatterns  # noqa: E402

# HUZHU_HTTP_THREADS=N (settings.HTTP_THREADS, default 4): plain HTTP on N persistent threads
# through the WSGI handler (less CPU per request than Django's per-request thread; see
# huzhu/core/http_threads.py). 0: Django's ASGI handler.
if settings.HTTP_THREADS > 0:
    from django.core.handlers.wsgi import WSGIHandler

    from huzhu.core.http_threads import ThreadedWSGIHttp

    http_app: object = ThreadedWSGIHttp(WSGIHandler(), settings.HTTP_THREADS)
else:
    http_app = django_asgi_app

application = ProtocolTypeRouter(
    {
        "http": http_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
