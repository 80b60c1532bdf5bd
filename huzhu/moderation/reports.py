"""Reports (举报): one per reporter per item, rate limited, weighted by the reporter's standing.

A report joins the target's open review item and adds the reporter's weight to its score; when the
score reaches the group's threshold the content is hidden until a moderator decides.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record
from huzhu.core.errors import Conflict, InvalidInput, NotFound, RateLimited
from huzhu.groups.models import Group, Membership, MembershipStatus
from huzhu.moderation import notifications as kinds
from huzhu.moderation.access import group_moderators
from huzhu.moderation.contracts import content_adapter_for
from huzhu.moderation.group_config import moderation_config
from huzhu.moderation.hooks import review_item_get_or_create
from huzhu.moderation.models import (
    Report,
    ReportReason,
    ReportStatus,
    ReviewItem,
    ReviewSource,
    ReviewStatus,
)
from huzhu.moderation.standing import standing_for
from huzhu.notifications.services import notification_create_many

if TYPE_CHECKING:
    from django.db.models import Model

    from huzhu.accounts.models import User

MAX_REPORT_TEXT = 500


def _check_rate(*, actor: User, group: Group) -> None:
    limit = moderation_config(group=group).reports_per_hour
    since = timezone.now() - timedelta(hours=1)
    recent = list(
        Report.objects.filter(reporter=actor, created_at__gte=since)
        .order_by("created_at")
        .values_list("created_at", flat=True)[: limit + 1]
    )
    if len(recent) >= limit:
        retry = int((recent[0] + timedelta(hours=1) - timezone.now()).total_seconds()) + 1
        raise RateLimited(
            _("举报太频繁了，请 %(minutes)d 分钟后再试。") % {"minutes": max(retry // 60, 1)},
            retry_after=max(retry, 1),
            code="report_rate_limited",
        )


def _reporter_membership(*, actor: User, group_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("group")
        .filter(group_id=group_id, user_id=actor.pk, status=MembershipStatus.ACTIVE)
        .first()
    )
    if membership is None:
        raise NotFound(_("没有找到要举报的内容。"))
    return membership


def _clean(*, reason: str, text: str) -> str:
    if reason not in ReportReason.values:
        raise InvalidInput(_("请选择举报原因。"), code="invalid_reason")
    text = (text or "").strip()
    if len(text) > MAX_REPORT_TEXT:
        raise InvalidInput(
            _("补充说明最多 %(n)d 个字。") % {"n": MAX_REPORT_TEXT}, code="text_too_long"
        )
    return text


def _hide_if_over(*, item: ReviewItem, target: Model | None, group: Group) -> None:
    threshold = moderation_config(group=group).hide_threshold
    if item.hidden or target is None or item.score < threshold:
        return
    adapter = content_adapter_for(target)
    assert adapter is not None
    item.hidden = True
    item.save(update_fields=["hidden"])
    adapter.set_visibility(target, hidden=True)
    audit_record(
        event_type=AuditEventType.CONTENT_HIDDEN,
        actor=None,
        group=group,
        target_user=item.target_user,
        target=item,
        extra={"score": round(item.score, 3), "threshold": threshold},
    )
    notification_create_many(
        users=group_moderators(group_id=group.pk),
        kind=kinds.CONTENT_HIDDEN,
        group=group,
        params={"excerpt": item.excerpt[:30]},
    )


@transaction.atomic
def report_create(
    *,
    actor: User,
    reason: str,
    text: str = "",
    target: Model | None = None,
    member: User | None = None,
    group: Group | None = None,
) -> Report:
    """Report a piece of content (``target``) or a member (``member`` in ``group``)."""
    text = _clean(reason=reason, text=text)
    if (target is None) == (member is None):
        raise InvalidInput(_("请选择要举报的内容或成员。"), code="invalid_target")
    if target is not None:
        adapter = content_adapter_for(target)
        if adapter is None:
            raise InvalidInput(_("这类内容不能举报。"), code="not_reportable")
        group_id = adapter.group_id(target)
        membership = _reporter_membership(actor=actor, group_id=group_id)
        author = adapter.author(target)
        if author.pk == actor.pk:
            raise InvalidInput(_("不能举报自己发布的内容。"), code="own_content")
        ct = ContentType.objects.get_for_model(target)
        if Report.objects.filter(reporter=actor, content_type=ct, object_id=target.pk).exists():
            raise Conflict(
                _("你已经举报过这条内容了，管理员处理后会通知你。"), code="already_reported"
            )
    else:
        assert member is not None
        if group is None:
            raise InvalidInput(_("请选择要举报的成员所在的群。"), code="invalid_target")
        membership = _reporter_membership(actor=actor, group_id=group.pk)
        if member.pk == actor.pk:
            raise InvalidInput(_("不能举报自己。"), code="own_content")
        if not Membership.objects.filter(group_id=group.pk, user_id=member.pk).exists():
            raise NotFound(_("没有找到这位成员。"))
        author = member
        ct = None
        if Report.objects.filter(
            reporter=actor,
            group_id=group.pk,
            target_user=member,
            content_type__isnull=True,
            status=ReportStatus.OPEN,
        ).exists():
            raise Conflict(
                _("你已经举报过这位成员了，管理员处理后会通知你。"), code="already_reported"
            )
    group_obj = membership.group
    _check_rate(actor=actor, group=group_obj)

    if target is not None:
        item, _created = review_item_get_or_create(target=target, source=ReviewSource.REPORT)
    else:
        existing = (
            ReviewItem.objects.select_for_update()
            .filter(
                group=group_obj,
                target_user=author,
                content_type__isnull=True,
                status=ReviewStatus.OPEN,
            )
            .first()
        )
        item = existing or ReviewItem.objects.create(
            group=group_obj, target_user=author, sources=[ReviewSource.REPORT]
        )
    weight = standing_for(user=actor, group=group_obj).report_weight
    try:
        with transaction.atomic():
            report = Report.objects.create(
                group=group_obj,
                reporter=actor,
                content_type=ct,
                object_id=target.pk if target is not None else None,
                target_user=author,
                review_item=item,
                reason=reason,
                text=text,
                weight=weight,
            )
    except IntegrityError:
        raise Conflict(
            _("你已经举报过了，管理员处理后会通知你。"), code="already_reported"
        ) from None
    item.score = item.score + weight
    item.save(update_fields=["score"])
    audit_record(
        event_type=AuditEventType.REPORT_CREATED,
        actor=actor,
        group=group_obj,
        target_user=author,
        target=report,
        extra={"reason": reason, "weight": weight, "review_item": item.pk, "score": item.score},
    )
    _hide_if_over(item=item, target=target, group=group_obj)
    return report


def reports_by_user(*, user: User) -> list[Report]:
    """The reporter's own reports, newest first, with their outcome."""
    return list(
        Report.objects.filter(reporter=user)
        .select_related("group", "review_item")
        .order_by("-created_at")[:100]
    )
