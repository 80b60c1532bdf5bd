"""Flood control for chat: a per-member rate limit and the owner's slow mode.

Both live in the cache (Redis in scale-out), so they hold across server processes. If the cache is
unreachable they fail open: a Redis outage must not stop members from talking.
"""

from __future__ import annotations

import logging
import math
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

DEFAULT_RATE_LIMIT = 5  # messages …
DEFAULT_RATE_WINDOW = 10  # … per this many seconds


def rate_limit_hit(*, group_id: int, user_id: int, limit: int, window: int) -> int | None:
    """Count one send; return seconds to wait if it goes over ``limit`` per ``window``, else None.

    A sliding window estimated from two fixed buckets: increment first (atomic in Redis), then
    decide, so two processes cannot both let the sixth message through.
    """
    now = time.time()
    bucket = int(now // window)
    key = f"chat:rl:{group_id}:{user_id}:{bucket}"
    prev_key = f"chat:rl:{group_id}:{user_id}:{bucket - 1}"
    try:
        counts = _redis_counts(key, prev_key, ttl=window * 2 + 1)
        if counts is None:
            cache.add(key, 0, timeout=window * 2 + 1)
            current = cache.incr(key)
            previous = cache.get(prev_key) or 0
        else:
            current, previous = counts
    except Exception:
        logger.warning("chat: rate-limit cache unavailable; allowing the message", exc_info=True)
        return None
    elapsed = (now - bucket * window) / window
    estimate = previous * (1 - elapsed) + current
    if estimate <= limit:
        return None
    if current > limit:
        return max(1, math.ceil((bucket + 1) * window - now))
    # Over only because of the previous bucket's weight, which fades linearly.
    needed = (estimate - limit) / previous if previous else 0
    return max(1, math.ceil(needed * window))


def _redis_counts(key: str, prev_key: str, *, ttl: int) -> tuple[int, int] | None:
    """On Redis, create-if-missing + increment + read the previous bucket in ONE round trip
    (Django's cache API takes four: SET NX, EXISTS + INCRBY, GET). None for other backends."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    k = backend.make_and_validate_key(key)
    p = backend.make_and_validate_key(prev_key)
    client = backend._cache.get_client(k, write=True)  # type: ignore[attr-defined]
    pipe = client.pipeline(transaction=False)
    pipe.set(k, 0, ex=ttl, nx=True)
    pipe.incr(k)
    pipe.get(p)
    _created, current, previous = pipe.execute()
    return int(current), int(previous or 0)


def slow_mode_hit(*, group_id: int, user_id: int, seconds: int) -> int | None:
    """Allow one message per ``seconds``; return seconds to wait, else None."""
    if seconds <= 0:
        return None
    key = f"chat:slow:{group_id}:{user_id}"
    now = time.time()
    try:
        if cache.add(key, now, timeout=seconds):
            return None
        last = cache.get(key)
    except Exception:
        logger.warning("chat: slow-mode cache unavailable; allowing the message", exc_info=True)
        return None
    # Decide by the stored time, not only the key's expiry (clocks in tests, Redis eviction lag).
    if last is None or now - float(last) >= seconds:
        try:
            cache.set(key, now, timeout=seconds)
        except Exception:
            logger.warning("chat: slow-mode cache unavailable", exc_info=True)
        return None
    return max(1, math.ceil(seconds - (now - float(last))))
