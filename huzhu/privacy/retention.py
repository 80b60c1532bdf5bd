"""Retention: purge what we promised not to keep, keep what the law says to keep.

- Deleted chat messages: text, screening details and revisions gone after 30 days (the row
  stays as a tombstone so sequence numbers and replies still line up).
- Security logs (login attempts): kept at least six months, purged after.
- Exports: deleted once expired (``EXPORT_KEEP_HOURS``, 48 h after they were built).
- Accounts past their deletion grace period: erased.
The audit log is never purged.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record


def retention_purge(*, now: Any = None) -> dict[str, int]:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from huzhu.chat.models import Message, MessageRevision
    from huzhu.privacy.data_rights import exports_expired_delete
    from huzhu.privacy.services import accounts_erase_due

    now = now or timezone.now()
    counts: dict[str, int] = {}
    message_cutoff = now - timedelta(days=settings.RETENTION_DELETED_MESSAGES_DAYS)
    log_cutoff = now - timedelta(days=max(settings.RETENTION_SECURITY_LOG_DAYS, 183))
    with transaction.atomic():
        stale = Message.objects.filter(deleted_at__lt=message_cutoff).exclude(text="", screening={})
        ids = list(stale.values_list("pk", flat=True))
        counts["revisions"] = MessageRevision.objects.filter(message_id__in=ids).delete()[0]
        counts["deleted_messages"] = Message.objects.filter(pk__in=ids).update(
            text="", screening={}
        )
        counts["login_attempts"] = AccessAttempt.objects.filter(
            attempt_time__lt=log_cutoff
        ).delete()[0]
        counts["login_logs"] = AccessLog.objects.filter(attempt_time__lt=log_cutoff).delete()[0]
        counts["login_failures"] = AccessFailureLog.objects.filter(
            attempt_time__lt=log_cutoff
        ).delete()[0]
        counts["exports"] = exports_expired_delete(now=now)
    counts["accounts_erased"] = accounts_erase_due(now=now)
    if any(counts.values()):
        with transaction.atomic():
            audit_record(event_type=AuditEventType.RETENTION_PURGED, actor=None, extra=counts)
    return counts
