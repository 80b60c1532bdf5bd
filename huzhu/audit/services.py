"""Writing to and reading from the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from huzhu.audit.models import AuditEvent, AuditEventType

if TYPE_CHECKING:
    from huzhu.accounts.models import User
    from huzhu.groups.models import Group


def audit_record(
    *,
    event_type: AuditEventType,
    actor: User | None,
    group: Group | None = None,
    target_user: User | None = None,
    target: Any = None,
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row. Call inside the service's transaction so it commits with the change."""
    target_type = target._meta.model_name if target is not None else ""
    target_id = str(target.pk) if target is not None else ""
    return AuditEvent.objects.create(
        event_type=event_type,
        actor=actor,
        group=group,
        target_user=target_user,
        target_type=target_type,
        target_id=target_id,
        extra=extra or {},
    )


def audit_events_for_group(*, group: Group) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(group=group).select_related("actor", "target_user")
