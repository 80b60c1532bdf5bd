"""What content apps call (see ``contracts.py``): is it hidden, which are hidden, enqueue held
content for review."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record
from huzhu.core.errors import InvalidInput
from huzhu.moderation.contracts import content_adapter_for
from huzhu.moderation.models import (
    Report,
    ReportStatus,
    ReviewItem,
    ReviewSource,
    ReviewStatus,
)

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import Model

    from huzhu.accounts.models import User


def moderation_is_hidden(target: Model) -> bool:
    """True while reports have hidden ``target`` pending a moderator's decision."""
    ct = ContentType.objects.get_for_model(target)
    return ReviewItem.objects.filter(
        content_type=ct, object_id=target.pk, status=ReviewStatus.OPEN, hidden=True
    ).exists()


def moderation_hidden_ids(model: type[Model], *, group_id: int) -> set[int]:
    """Ids of ``model`` objects in the group hidden pending review (one query, for lists)."""
    ct = ContentType.objects.get_for_model(model)
    return {
        object_id
        for object_id in ReviewItem.objects.filter(
            group_id=group_id, content_type=ct, status=ReviewStatus.OPEN, hidden=True
        ).values_list("object_id", flat=True)
        if object_id is not None
    }


def open_item_for(target: Model, *, lock: bool = False) -> ReviewItem | None:
    ct = ContentType.objects.get_for_model(target)
    qs = ReviewItem.objects.filter(content_type=ct, object_id=target.pk, status=ReviewStatus.OPEN)
    if lock:
        qs = qs.select_for_update()
    return qs.first()


def review_item_get_or_create(
    *, target: Model, source: str, findings: dict[str, Any] | None = None
) -> tuple[ReviewItem, bool]:
    """The open review item for ``target`` (locked), created if there is none."""
    adapter = content_adapter_for(target)
    if adapter is None:
        raise InvalidInput("this content cannot be moderated", code="not_moderatable")
    item = open_item_for(target, lock=True)
    if item is not None:
        if source not in item.sources:
            item.sources = [*item.sources, source]
            item.save(update_fields=["sources"])
        return item, False
    ct = ContentType.objects.get_for_model(target)
    try:
        with transaction.atomic():
            item = ReviewItem.objects.create(
                group_id=adapter.group_id(target),
                content_type=ct,
                object_id=target.pk,
                target_user=adapter.author(target),
                sources=[source],
                excerpt=adapter.text(target)[:2000],
                findings=findings or {},
            )
    except IntegrityError:
        # Another request opened it first.
        item = open_item_for(target, lock=True)
        assert item is not None
        return item, False
    return item, True


@transaction.atomic
def review_item_enqueue(
    *,
    target: Model,
    source: str = ReviewSource.SCREENING,
    findings: dict[str, Any] | None = None,
    actor: User | None = None,
) -> ReviewItem:
    """Put content into its group's review queue (for example right after screening held it)."""
    item, created = review_item_get_or_create(target=target, source=source, findings=findings)
    if created:
        audit_record(
            event_type=AuditEventType.REVIEW_ENQUEUED,
            actor=actor,
            group=item.group,
            target_user=item.target_user,
            target=item,
            extra={"source": source},
        )
    return item


def review_item_close(
    item: ReviewItem, *, actor: User, status: str, note: str = "", at: datetime | None = None
) -> None:
    """Mark ``item`` decided by ``actor`` (its reports are the caller's business)."""
    item.status = status
    item.hidden = False
    item.resolved_by = actor
    item.resolved_at = at or timezone.now()
    item.resolution_note = (note or "").strip()[:300]
    item.save(update_fields=["status", "hidden", "resolved_by", "resolved_at", "resolution_note"])


def review_item_close_for(*, target: Model, actor: User, approved: bool) -> ReviewItem | None:
    """A moderator decided ``target`` where it lives (e.g. in the chat): close its open queue item
    the same way, so the queue never shows an item that was already decided. Only items without
    open reports are closed here; reported content keeps its item for the reporters' outcome."""
    item = open_item_for(target, lock=True)
    if item is None or Report.objects.filter(review_item=item, status=ReportStatus.OPEN).exists():
        return item
    status = ReviewStatus.APPROVED if approved else ReviewStatus.REMOVED
    review_item_close(item, actor=actor, status=status)
    return item
