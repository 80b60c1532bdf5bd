"""API rate limits: per user per minute (Zulip's default, 200) and per IP for anonymous calls;
and the posting limit: resources, questions and answers of one member share one budget
(``POSTING_RATE_PER_MEMBER`` per ``POSTING_RATE_WINDOW_SECONDS``, default 10 per 10 minutes, set
with ``HUZHU_POSTING_RATE`` / ``HUZHU_POSTING_RATE_WINDOW``). Chat and reports keep their own.

A fixed one-minute window counted in the cache (on Redis one atomic ``SET NX`` + ``INCR``
round trip), so every process and machine shares the count. Over the limit the API answers 429 with
``Retry-After`` (seconds to the next window) in its usual error shape.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from huzhu.core.errors import RateLimited

if TYPE_CHECKING:
    from huzhu.accounts.models import User

WINDOW = 60


def _client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a proxy rewrites it.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _identity(request: HttpRequest) -> tuple[str, int]:
    """(cache key part, limit): a user if the request is authenticated, else its IP address."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        from huzhu.api.auth import bearer_token

        # Looked up once per request: the API's authentication reuses this answer.
        token = bearer_token(request, header[len("Bearer ") :].strip())
        if token is not None:
            return f"u{token.user_id}", settings.API_RATE_PER_USER_MINUTE
    else:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"u{user.pk}", settings.API_RATE_PER_USER_MINUTE
    return f"ip{_client_ip(request)}", settings.API_RATE_ANON_PER_IP_MINUTE


def rate_limit_hit(
    *,
    identity: str,
    limit: int,
    now: float | None = None,
    window_seconds: int = WINDOW,
    scope: str = "api",
) -> int:
    """Count one request; return 0 if allowed, else the seconds until the window resets."""
    now = time.time() if now is None else now
    window = int(now // window_seconds)
    count = _count(f"rl:{scope}:{identity}:{window}", ttl=window_seconds + 5)
    if count <= limit:
        return 0
    return max(1, int((window + 1) * window_seconds - now))


def _count(key: str, *, ttl: int) -> int:
    """Add one to the counter ``key`` (created with ``ttl`` seconds to live) and return it.

    Redis: create-if-missing and increment in one round trip (Django's ``add`` + ``incr`` take
    three: SET NX, then EXISTS + INCRBY). Other caches: increment first, which is one call for
    every request of a window but its first."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if isinstance(backend, RedisCache):
        k = backend.make_and_validate_key(key)
        client = backend._cache.get_client(k, write=True)  # type: ignore[attr-defined]
        pipe = client.pipeline(transaction=False)
        pipe.set(k, 0, ex=ttl, nx=True)
        pipe.incr(k)
        return int(pipe.execute()[1])
    try:
        return int(cache.incr(key))
    except ValueError:  # the window's first request (or the key just expired)
        if cache.add(key, 1, timeout=ttl):
            return 1
        return int(cache.incr(key))  # another process created it in between


def posting_rate_check(*, user: User) -> None:
    """Count one post (a resource, a question or an answer) of ``user``; over the shared budget
    raise 429 with the seconds to wait. Called by those services after their input checks, so a
    form with a mistake costs nothing; refused and held posts count (they were attempts)."""
    if not settings.RATE_LIMITS_ENABLED:
        return
    limit = settings.POSTING_RATE_PER_MEMBER
    window = settings.POSTING_RATE_WINDOW_SECONDS
    if limit <= 0:
        return
    wait = rate_limit_hit(identity=f"u{user.pk}", limit=limit, window_seconds=window, scope="post")
    if wait:
        raise RateLimited(
            _(
                "发布太频繁了：每 %(minutes)d 分钟最多发布 %(n)d 条（分享资源、提问和回答合计），"
                "请 %(wait)d 秒后再试。"
            )
            % {"minutes": max(1, window // 60), "n": limit, "wait": wait},
            retry_after=wait,
            code="posting_rate_limited",
        )


class ApiRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.RATE_LIMITS_ENABLED and request.path.startswith("/api/"):
            identity, limit = _identity(request)
            wait = rate_limit_hit(identity=identity, limit=limit)
            if wait:
                response = JsonResponse(
                    {"code": "rate_limited", "message": _("请求太频繁，请稍后再试。")},
                    status=429,
                    json_dumps_params={"ensure_ascii": False},
                )
                response["Retry-After"] = str(wait)
                return response
        return self.get_response(request)
