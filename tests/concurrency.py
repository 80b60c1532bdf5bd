"""Run service calls at the same time, for the concurrency tests of several apps.

On PostgreSQL the calls really run at once in threads (each with its own database connection)
and meet at a barrier first. SQLite serialises writers at the database level, so there they run
one after another in a random order: the rules under test are checked either way.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

from django.db import connection, connections

from huzhu.core.errors import HuzhuError

CONCURRENT = connection.vendor == "postgresql"


def run_together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run ``calls`` at once (PostgreSQL) or serially in random order (SQLite).

    Each result is the return value or the HuzhuError raised.
    """
    results: list[Any] = [None] * len(calls)

    def one(i: int) -> None:
        try:
            results[i] = calls[i]()
        except HuzhuError as exc:
            results[i] = exc

    if not CONCURRENT:
        order = list(range(len(calls)))
        random.shuffle(order)
        for i in order:
            one(i)
        return results

    barrier = threading.Barrier(len(calls))

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            one(i)
        except Exception as exc:  # surfaced by the caller's assertions
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results
