"""The rate-limit counter (``huzhu.privacy.ratelimit._count``): one cache call per request on the
local cache, one round trip on Redis, and the same counts either way."""

from __future__ import annotations

import os
from unittest import mock

import pytest
from django.core.cache import cache, caches
from django.test import override_settings

from huzhu.privacy.ratelimit import _count

REDIS_URL = os.environ.get("HUZHU_REDIS_URL", "")
LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rc"}}


@pytest.fixture
def local_cache():
    """The local-memory cache, also when the suite runs against Redis."""
    with override_settings(CACHES=LOCAL):
        cache.clear()
        yield


def test_counts_up_from_one_and_starts_again_after_expiry(local_cache):
    assert [_count("t:a", ttl=60) for _ in range(3)] == [1, 2, 3]
    assert _count("t:b", ttl=60) == 1
    cache.delete("t:a")  # as if the window's key expired
    assert _count("t:a", ttl=60) == 1


def test_one_cache_call_once_the_window_exists(local_cache):
    _count("t:c", ttl=60)
    with (
        mock.patch.object(type(caches["default"]), "add", autospec=True) as add,
        mock.patch.object(
            type(caches["default"]), "incr", autospec=True, side_effect=lambda self, k: 7
        ) as incr,
    ):
        assert _count("t:c", ttl=60) == 7
    assert incr.call_count == 1 and add.call_count == 0


def test_a_key_created_by_another_process_in_between_is_incremented(local_cache):
    real_add = type(caches["default"]).add

    def add_after_someone_else(self, key, value, timeout=None, version=None):
        real_add(self, key, 4, timeout)  # another process counted first
        return False

    with mock.patch.object(type(caches["default"]), "add", add_after_someone_else):
        assert _count("t:d", ttl=60) == 5


@pytest.mark.skipif(not REDIS_URL, reason="needs HUZHU_REDIS_URL")
def test_redis_counts_in_one_round_trip_with_an_expiry():
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "huzhu-test-rate",
        }
    }
    with override_settings(CACHES=redis_cache):
        backend = caches["default"]
        backend.delete("t:r")
        assert [_count("t:r", ttl=30) for _ in range(3)] == [1, 2, 3]
        assert backend.get("t:r") == 3  # readable through Django's cache API
        key = backend.make_and_validate_key("t:r")
        client = backend._cache.get_client(key)
        assert 0 < client.ttl(key) <= 30
        backend.delete("t:r")
