"""Chat test fixtures: a controllable screening verdict and a clean cache per test."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest

from tests.chat.fakes import FakeScreen


@pytest.fixture(autouse=True)
def fake_screen(monkeypatch: pytest.MonkeyPatch) -> FakeScreen:
    fake = FakeScreen()
    monkeypatch.setattr("huzhu.chat.services._screen", fake)
    return fake


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings: Any) -> None:
    # A fresh key prefix per test isolates rate-limit counters without flushing a shared Redis.
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = caches


@pytest.fixture(autouse=True)
def _own_event_channel(settings: Any) -> Any:
    # With Redis configured, keep this run's events and presence on a namespace of its own.
    from huzhu.realtime.bus import bus_reset

    settings.REALTIME_CHANNEL = f"huzhu:test:{uuid.uuid4().hex[:12]}"
    bus_reset()
    yield
    bus_reset()
