"""Test helper: capture the events a service publishes (after commit), Zulip-style.

    with capture_events() as events:
        message_send(...)
    assert [e.type for e in events] == ["message.created"]

Works under pytest-django's ``db`` fixture too: on-commit callbacks registered inside the block
are run when it exits, as they would be on a real commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test import TestCase

from huzhu.realtime import publish
from huzhu.realtime.events import Event


@contextmanager
def capture_events(*, execute: bool = True) -> Iterator[list[Event]]:
    events: list[Event] = []
    publish._listeners.append(events.append)
    try:
        if connection.in_atomic_block:
            # Inside a test transaction nothing commits: run the on-commit callbacks ourselves.
            with TestCase.captureOnCommitCallbacks(execute=execute):
                yield events
        else:
            yield events
    finally:
        publish._listeners.remove(events.append)
