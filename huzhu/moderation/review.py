"""The review queue (审核): per group and platform-wide for staff. Moderators claim an item so two
do not work on it, then approve, remove, remove and sanction, or dismiss it. Reporters hear the
outcome; dismissing lowers the reporters' accuracy, removing raises it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record
from huzhu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from huzhu.groups.models import Group
from huzhu.moderation import notifications as kinds
from huzhu.moderation.access import access_moderator
from huzhu.moderation.contracts import content_adapter_for, held_sources
from huzhu.moderation.group_config import moderation_config
from huzhu.moderation.hooks import review_item_close, review_item_get_or_create
from huzhu.moderation.models import (
    Report,
    ReportStatus,
    ReviewItem,
    ReviewSource,
    ReviewStatus,
    Sanction,
    SanctionReason,
)
from huzhu.moderation.sanctions import sanction_issue
from huzhu.notifications.services import notification_create

if TYPE_CHECKING:
    from huzhu.accounts.models import User

ACTIONS = ("approve", "remove", "remove_sanction", "sanction", "dismiss")


def review_queue_sync(*, group: Group) -> int:
    """Pull held content and open help disputes that are not yet in the queue; returns how many.

    Content apps may enqueue held items themselves (``review_item_enqueue``); this catches the
    ones that did not, so nothing held waits unseen.
    """
    added = 0
    for label, source in held_sources().items():
        app_label, model_name = label.split(".")
        ct = ContentType.objects.get_by_natural_key(app_label, model_name)
        known = set(
            ReviewItem.objects.filter(group=group, content_type=ct).values_list(
                "object_id", flat=True
            )
        )
        for obj, findings in source(group.pk):
            if obj.pk in known:
                continue
            kind = (
                ReviewSource.DISPUTE
                if findings.get("source") == "dispute"
                else ReviewSource.SCREENING
            )
            with transaction.atomic():
                _item, created = review_item_get_or_create(
                    target=obj, source=kind, findings=findings
                )
            added += created
    return added


def review_queue(
    *, actor: User, group: Group, status: str = ReviewStatus.OPEN
) -> QuerySet[ReviewItem]:
    """The group's queue, oldest first (the queue shows age), after pulling in held content."""
    group, _membership = access_moderator(user=actor, group_id=group.pk)
    if status == ReviewStatus.OPEN:
        review_queue_sync(group=group)
    qs = ReviewItem.objects.filter(group=group).select_related(
        "target_user", "claimed_by", "resolved_by", "content_type"
    )
    if status:
        qs = qs.filter(status=status)
    if status != ReviewStatus.OPEN:
        qs = qs.order_by("-resolved_at", "-id")
    return qs.prefetch_related("reports__reporter")


def review_queue_platform(*, actor: User) -> QuerySet[ReviewItem]:
    """Staff see every group's open items, highest score first."""
    if not actor.is_staff:
        raise Forbidden(_("只有平台工作人员可以查看全平台审核队列。"))
    return (
        ReviewItem.objects.filter(status=ReviewStatus.OPEN)
        .select_related("group", "target_user", "claimed_by", "content_type")
        .order_by("-score", "created_at")
    )


def review_open_count(*, group: Group) -> int:
    return ReviewItem.objects.filter(group=group, status=ReviewStatus.OPEN).count()


@dataclass
class ReviewDetail:
    item: ReviewItem
    target: Any
    label: str
    text: str
    url: str
    reports: list[Report]
    author_sanctions: list[Sanction]
    author_removed_count: int
    author_standing: Any


def review_item_detail(*, actor: User, item_id: int) -> ReviewDetail:
    """What a moderator needs to decide: content, findings, reports and the author's history."""
    item = (
        ReviewItem.objects.select_related("group", "target_user", "claimed_by")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise NotFound(_("没有找到这条审核。"))
    try:
        access_moderator(user=actor, group_id=item.group_id)
    except NotFound:
        # Same answer as a missing item, so item ids of other groups reveal nothing.
        raise NotFound(_("没有找到这条审核。")) from None
    target = item.target if item.content_type_id else None
    adapter = content_adapter_for(target) if target is not None else None
    author = item.target_user
    from huzhu.moderation.standing import standing_for

    return ReviewDetail(
        item=item,
        target=target,
        label=str(adapter.label) if adapter else _("成员"),
        text=adapter.text(target) if adapter and target is not None else item.excerpt,
        url=adapter.url(target) if adapter and target is not None else "",
        reports=list(item.reports.select_related("reporter")),
        author_sanctions=list(
            Sanction.objects.filter(group=item.group, user=author).order_by("-created_at")[:10]
        )
        if author
        else [],
        author_removed_count=ReviewItem.objects.filter(
            group=item.group, target_user=author, status=ReviewStatus.REMOVED
        ).count()
        if author
        else 0,
        author_standing=standing_for(user=author, group=item.group) if author else None,
    )


def review_items_details(
    *, actor: User, group: Group, items: list[ReviewItem]
) -> list[ReviewDetail]:
    """``review_item_detail`` for a page of the queue in a bounded number of queries: targets are
    fetched per content type, sanctions and removal counts per group, standing once per author."""
    from collections import defaultdict

    from django.db.models import Count

    from huzhu.moderation.standing import standings_for

    access_moderator(user=actor, group_id=group.pk)
    ids_by_ct: dict[int, list[int]] = defaultdict(list)
    for item in items:
        if item.content_type_id and item.object_id:
            ids_by_ct[item.content_type_id].append(item.object_id)
    targets: dict[tuple[int, int], Any] = {}
    for ct_id, ids in ids_by_ct.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None:
            continue
        for pk, obj in model._default_manager.in_bulk(ids).items():
            targets[(ct_id, pk)] = obj
    authors = {item.target_user_id for item in items if item.target_user_id}
    sanctions_by_author: dict[int, list[Sanction]] = defaultdict(list)
    for sanction in Sanction.objects.filter(group=group, user_id__in=authors).order_by(
        "-created_at"
    ):
        if len(sanctions_by_author[sanction.user_id]) < 10:
            sanctions_by_author[sanction.user_id].append(sanction)
    removed = dict(
        ReviewItem.objects.filter(
            group=group, target_user_id__in=authors, status=ReviewStatus.REMOVED
        )
        .values_list("target_user_id")
        .annotate(n=Count("id"))
        .values_list("target_user_id", "n")
    )
    standings = standings_for(user_ids=list(authors), group_id=group.pk)
    details = []
    for item in items:
        target = targets.get((item.content_type_id or 0, item.object_id or 0))
        adapter = content_adapter_for(target) if target is not None else None
        author_id = item.target_user_id or 0
        details.append(
            ReviewDetail(
                item=item,
                target=target,
                label=str(adapter.label) if adapter else _("成员"),
                text=adapter.text(target) if adapter and target is not None else item.excerpt,
                url=adapter.url(target) if adapter and target is not None else "",
                reports=list(item.reports.all()),
                author_sanctions=sanctions_by_author.get(author_id, []),
                author_removed_count=removed.get(author_id, 0),
                author_standing=standings.get(author_id),
            )
        )
    return details


def _locked_open_item(*, actor: User, item_id: int) -> ReviewItem:
    item = (
        ReviewItem.objects.select_for_update(of=("self",))
        .select_related("group", "target_user")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise NotFound(_("没有找到这条审核。"))
    try:
        access_moderator(user=actor, group_id=item.group_id)
    except NotFound:
        # Same answer as a missing item, so item ids of other groups reveal nothing.
        raise NotFound(_("没有找到这条审核。")) from None
    if item.status != ReviewStatus.OPEN:
        raise Conflict(_("这条审核已经处理过了。"), code="review_resolved")
    return item


def _claimed_by_other(item: ReviewItem, actor: User) -> bool:
    if item.claimed_by_id is None or item.claimed_by_id == actor.pk or item.claimed_at is None:
        return False
    window = timedelta(minutes=moderation_config(group=item.group).claim_minutes)
    return item.claimed_at + window > timezone.now()


@transaction.atomic
def review_item_claim(*, actor: User, item_id: int, release: bool = False) -> ReviewItem:
    """Claim an item (or release one's claim). A claim expires after the group's claim window."""
    item = _locked_open_item(actor=actor, item_id=item_id)
    if release:
        if item.claimed_by_id == actor.pk:
            item.claimed_by = None
            item.claimed_at = None
            item.save(update_fields=["claimed_by", "claimed_at"])
        return item
    if _claimed_by_other(item, actor):
        name = item.claimed_by.display_name if item.claimed_by else ""
        raise Conflict(_("%(name)s 正在处理这条审核。") % {"name": name}, code="claimed_by_other")
    item.claimed_by = actor
    item.claimed_at = timezone.now()
    item.save(update_fields=["claimed_by", "claimed_at"])
    audit_record(
        event_type=AuditEventType.REVIEW_CLAIMED,
        actor=actor,
        group=item.group,
        target_user=item.target_user,
        target=item,
    )
    return item


def _sanction_reason(item: ReviewItem, reports: list[Report]) -> str:
    if ReviewSource.DISPUTE in item.sources:
        return SanctionReason.FALSE_HELP
    if not reports:
        return SanctionReason.RULES
    reason = Counter(r.reason for r in reports).most_common(1)[0][0]
    return reason if reason in SanctionReason.values else SanctionReason.OTHER


_REPORT_OUTCOME = {
    "approve": (ReportStatus.DECLINED, kinds.REPORT_DECLINED),
    "dismiss": (ReportStatus.DISMISSED, kinds.REPORT_DISMISSED),
    "remove": (ReportStatus.UPHELD, kinds.REPORT_UPHELD),
    "remove_sanction": (ReportStatus.UPHELD, kinds.REPORT_UPHELD),
    "sanction": (ReportStatus.UPHELD, kinds.REPORT_UPHELD),
}
_ITEM_STATUS = {
    "approve": ReviewStatus.APPROVED,
    "dismiss": ReviewStatus.DISMISSED,
    "remove": ReviewStatus.REMOVED,
    "remove_sanction": ReviewStatus.REMOVED,
    "sanction": ReviewStatus.REMOVED,
}


@transaction.atomic
def review_item_resolve(
    *,
    actor: User,
    item_id: int,
    action: str,
    note: str = "",
    sanction_kind: str | None = None,
    sanction_hours: int | None = None,
    sanction_reason: str | None = None,
) -> ReviewItem:
    """Decide an item.

    - ``approve``: the content is fine — published (if held) or shown again; reports closed
      without counting against the reporters;
    - ``dismiss``: the reports were unfounded — content shown again, reporters' accuracy drops;
    - ``remove``: the content is removed; reports upheld;
    - ``remove_sanction``: remove, and sanction the author (``sanction_kind`` or, when None, the
      group's escalation ladder);
    - ``sanction``: for a reported member (no content): uphold and sanction.
    """
    if action not in ACTIONS:
        raise InvalidInput(_("未知的审核操作。"), code="invalid_action")
    item = _locked_open_item(actor=actor, item_id=item_id)
    if _claimed_by_other(item, actor):
        raise Conflict(_("另一位管理员正在处理这条审核。"), code="claimed_by_other")
    target = item.target if item.content_type_id else None
    adapter = content_adapter_for(target) if target is not None else None
    if item.is_member_report and action in ("remove", "remove_sanction"):
        raise InvalidInput(_("举报的是成员，请选择“处罚”或“驳回”。"), code="invalid_action")
    if not item.is_member_report and action == "sanction":
        action = "remove_sanction"
    if item.target_user_id == actor.pk and action != "approve":
        raise Forbidden(_("涉及你自己的审核请交给其他管理员处理。"), code="own_item")

    if adapter is not None and target is not None:
        if action in ("approve", "dismiss"):
            adapter.publish(target, actor=actor)
            if item.hidden:
                adapter.set_visibility(target, hidden=False)
        else:
            adapter.remove(target, actor=actor)

    reports = list(item.reports.select_related("reporter"))
    sanction = None
    if action in ("remove_sanction", "sanction"):
        if item.target_user is None:
            raise InvalidInput(_("找不到要处罚的成员。"), code="no_author")
        sanction = sanction_issue(
            actor=actor,
            group=item.group,
            user=item.target_user,
            reason=sanction_reason or _sanction_reason(item, reports),
            kind=sanction_kind or None,
            hours=sanction_hours,
            text=note,
            review_item=item,
        )

    now = timezone.now()
    report_status, notify_kind = _REPORT_OUTCOME[action]
    Report.objects.filter(review_item=item, status=ReportStatus.OPEN).update(
        status=report_status, resolved_at=now
    )
    review_item_close(item, actor=actor, status=_ITEM_STATUS[action], note=note, at=now)
    audit_record(
        event_type=AuditEventType.REVIEW_RESOLVED,
        actor=actor,
        group=item.group,
        target_user=item.target_user,
        target=item,
        extra={
            "action": action,
            "sources": item.sources,
            "reports": len(reports),
            "score": round(item.score, 3),
            "sanction": sanction.pk if sanction else None,
        },
    )
    excerpt = item.excerpt[:30]
    for report in reports:
        notification_create(
            user=report.reporter,
            kind=notify_kind,
            group=item.group,
            params={"excerpt": excerpt, "report_id": report.pk},
        )
    if item.status == ReviewStatus.REMOVED and item.target_user and not item.is_member_report:
        notification_create(
            user=item.target_user,
            kind=kinds.CONTENT_REMOVED,
            group=item.group,
            actor=actor,
            params={"excerpt": excerpt, "reason": item.resolution_note or _("违反群规")},
        )
    return item
