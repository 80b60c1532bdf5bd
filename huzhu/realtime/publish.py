"""Publishing events: only after the transaction that made them true has committed.

Services call ``event_publish_on_commit(event)`` inside their atomic block; if the transaction
rolls back nothing is announced, and a failure to publish never undoes a committed write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

from huzhu.realtime.bus import get_bus
from huzhu.realtime.events import Event, event_encode

logger = logging.getLogger(__name__)

# Test hook (see huzhu.realtime.testing): called with every event actually published.
_listeners: list[Callable[[Event], None]] = []


def event_publish(event: Event) -> None:
    """Publish now. Prefer ``event_publish_on_commit`` inside services."""
    for listener in list(_listeners):
        listener(event)
    try:
        get_bus().publish(event_encode(event))
    except Exception:
        # Delivery is best effort; clients resync from the database.
        logger.warning("realtime: could not publish %s", event.type, exc_info=True)


def event_publish_on_commit(event: Event, *, using: str | None = None) -> None:
    """Publish ``event`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: event_publish(event), using=using)
