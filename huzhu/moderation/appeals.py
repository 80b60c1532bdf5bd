"""Appeals (申诉): one per sanction, filed by the sanctioned member, decided by a different
moderator (or the owner) — never by the moderator who issued the sanction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record
from huzhu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from huzhu.groups.models import Group
from huzhu.moderation import notifications as kinds
from huzhu.moderation.access import access_moderator, group_moderators
from huzhu.moderation.models import Appeal, AppealStatus, Sanction, SanctionKind
from huzhu.moderation.sanctions import sanction_lift
from huzhu.notifications.services import notification_create, notification_create_many

if TYPE_CHECKING:
    from huzhu.accounts.models import User


def _url(name: str, **kwargs: int) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


@transaction.atomic
def appeal_file(*, actor: User, sanction_id: int, text: str) -> Appeal:
    sanction = (
        Sanction.objects.select_for_update(of=("self",))
        .select_related("group")
        .filter(pk=sanction_id, user=actor)
        .first()
    )
    if sanction is None:
        raise NotFound(_("没有找到这项处罚。"))
    text = (text or "").strip()
    if not 5 <= len(text) <= 1000:
        raise InvalidInput(_("请用 5 到 1000 个字说明申诉理由。"), code="invalid_text")
    if sanction.revoked_at is not None:
        raise Conflict(_("这项处罚已经撤销了。"), code="sanction_lifted")
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(sanction=sanction, appellant=actor, text=text)
    except IntegrityError:
        raise Conflict(_("每项处罚只能申诉一次。"), code="already_appealed") from None
    audit_record(
        event_type=AuditEventType.APPEAL_FILED,
        actor=actor,
        group=sanction.group,
        target_user=actor,
        target=appeal,
        extra={"sanction": sanction.pk},
    )
    if sanction.group_id is not None:
        deciders = [
            u for u in group_moderators(group_id=sanction.group_id) if u.pk != sanction.issued_by_id
        ]
        notification_create_many(
            users=deciders,
            kind=kinds.APPEAL_FILED,
            group=sanction.group,
            actor=actor,
            url=_url("web:appeal_detail", group_id=sanction.group_id, appeal_id=appeal.pk),
        )
    return appeal


def _check_decider(*, actor: User, appeal: Appeal) -> None:
    sanction = appeal.sanction
    if sanction.kind == SanctionKind.PLATFORM_BAN:
        if not actor.is_staff:
            raise Forbidden(_("只有平台工作人员可以处理这项申诉。"))
    else:
        assert sanction.group_id is not None
        access_moderator(user=actor, group_id=sanction.group_id)
    if sanction.issued_by_id == actor.pk:
        raise Forbidden(
            _("不能处理针对自己所作处罚的申诉，请由另一位管理员或群主处理。"),
            code="own_sanction",
        )
    if appeal.appellant_id == actor.pk:
        raise Forbidden(_("不能处理自己的申诉。"), code="own_appeal")


@transaction.atomic
def appeal_decide(*, actor: User, appeal_id: int, grant: bool, text: str = "") -> Appeal:
    """Grant (the sanction is lifted) or reject (it stands) an appeal, with a short reason."""
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("sanction", "sanction__group", "sanction__user")
        .filter(pk=appeal_id)
        .first()
    )
    if appeal is None:
        raise NotFound(_("没有找到这项申诉。"))
    _check_decider(actor=actor, appeal=appeal)
    if appeal.status != AppealStatus.PENDING:
        raise Conflict(_("这项申诉已经处理过了。"), code="appeal_decided")
    text = (text or "").strip()[:1000]
    appeal.status = AppealStatus.GRANTED if grant else AppealStatus.REJECTED
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.decision_text = text
    appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_text"])
    if grant:
        sanction_lift(actor=actor, sanction=appeal.sanction, why="appeal_granted")
    audit_record(
        event_type=AuditEventType.APPEAL_DECIDED,
        actor=actor,
        group=appeal.sanction.group,
        target_user=appeal.appellant,
        target=appeal,
        extra={"sanction": appeal.sanction_id, "granted": grant, "text": text},
    )
    notification_create(
        user=appeal.appellant,
        kind=kinds.APPEAL_DECIDED,
        group=appeal.sanction.group,
        actor=actor,
        params={"outcome": str(appeal.get_status_display())},
        url=_url("web:my_sanctions"),
    )
    return appeal


def appeals_pending(*, actor: User, group: Group) -> QuerySet[Appeal]:
    """Pending appeals in the group that this moderator may decide (not their own sanctions)."""
    access_moderator(user=actor, group_id=group.pk)
    return (
        Appeal.objects.filter(sanction__group=group, status=AppealStatus.PENDING)
        .exclude(Q(sanction__issued_by=actor) | Q(appellant=actor))
        .select_related("sanction", "sanction__user", "sanction__issued_by", "appellant")
    )


def appeal_for_moderator(*, actor: User, group: Group, appeal_id: int) -> Appeal:
    access_moderator(user=actor, group_id=group.pk)
    appeal = (
        Appeal.objects.select_related(
            "sanction", "sanction__user", "sanction__issued_by", "appellant", "decided_by"
        )
        .filter(pk=appeal_id, sanction__group=group)
        .first()
    )
    if appeal is None:
        raise NotFound(_("没有找到这项申诉。"))
    return appeal
