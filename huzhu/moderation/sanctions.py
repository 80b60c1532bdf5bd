"""Sanctions (处罚): warning, mute, removal, group ban, platform ban; the owner's escalation
ladder; lifting a sanction (after a granted appeal). Group bans are shared through ban lists.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record
from huzhu.core.errors import Forbidden, InvalidInput, NotFound
from huzhu.groups.models import Group, Membership, MembershipStatus, Role
from huzhu.moderation import notifications as kinds
from huzhu.moderation.access import access_moderator
from huzhu.moderation.group_config import ModerationConfig, moderation_config
from huzhu.moderation.models import ReviewItem, Sanction, SanctionKind, SanctionReason
from huzhu.notifications.services import notification_create

if TYPE_CHECKING:
    from huzhu.accounts.models import User

GROUP_KINDS = (
    SanctionKind.WARNING,
    SanctionKind.MUTE,
    SanctionKind.REMOVAL,
    SanctionKind.GROUP_BAN,
)
MAX_MUTE_HOURS = 24 * 365


def _sanctions_url() -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("web:my_sanctions")
    except NoReverseMatch:
        return ""


def sanctions_counted(*, group: Group, user: User, config: ModerationConfig) -> int:
    """Sanctions that count for the ladder: in this group, not lifted, within the window."""
    since = timezone.now() - timedelta(days=config.ladder_window_days)
    return Sanction.objects.filter(
        group=group, user=user, revoked_at__isnull=True, created_at__gte=since
    ).count()


def ladder_next_step(*, group: Group, user: User) -> tuple[int, dict[str, Any]]:
    """(step index, step) the ladder gives for this member's next sanction."""
    config = moderation_config(group=group)
    step = min(sanctions_counted(group=group, user=user, config=config), len(config.ladder) - 1)
    return step, config.ladder[step]


def _validate_step(step: Any) -> dict[str, Any]:
    if not isinstance(step, dict) or step.get("kind") not in GROUP_KINDS:
        raise InvalidInput(
            _("处罚阶梯的每一步必须是警告、禁言、移出或禁止入群。"), code="invalid_ladder"
        )
    clean: dict[str, Any] = {"kind": step["kind"]}
    if step["kind"] == SanctionKind.MUTE:
        hours = step.get("hours")
        if not isinstance(hours, int) or not 1 <= hours <= MAX_MUTE_HOURS:
            raise InvalidInput(_("禁言时长应在 1 小时到 365 天之间。"), code="invalid_ladder")
        clean["hours"] = hours
    return clean


@transaction.atomic
def moderation_settings_update(
    *,
    actor: User,
    group: Group,
    hide_threshold: float | None = None,
    ladder: list[dict[str, Any]] | None = None,
    ladder_window_days: int | None = None,
    warning_days: int | None = None,
) -> ModerationConfig:
    """The owner edits the report threshold, the escalation ladder and its window."""
    membership = Membership.objects.filter(
        group=group, user=actor, status=MembershipStatus.ACTIVE
    ).first()
    if membership is None:
        raise NotFound(_("没有找到这个群，或你不是群成员。"))
    if not membership.is_owner:
        raise Forbidden(_("只有群主可以修改处罚设置。"))
    caller_group = group
    group = Group.objects.select_for_update().get(pk=group.pk)
    old = moderation_config(group=group)
    new = ModerationConfig(**old.as_dict())
    if hide_threshold is not None:
        if not 0.5 <= hide_threshold <= 20:
            raise InvalidInput(_("隐藏阈值应在 0.5 到 20 之间。"), code="invalid_threshold")
        new.hide_threshold = float(hide_threshold)
    if ladder is not None:
        if not 1 <= len(ladder) <= 10:
            raise InvalidInput(_("处罚阶梯需要 1 到 10 步。"), code="invalid_ladder")
        new.ladder = [_validate_step(step) for step in ladder]
    if ladder_window_days is not None:
        if not 1 <= ladder_window_days <= 365:
            raise InvalidInput(_("统计天数应在 1 到 365 之间。"), code="invalid_window")
        new.ladder_window_days = ladder_window_days
    if warning_days is not None:
        if not 1 <= warning_days <= 365:
            raise InvalidInput(_("警告有效天数应在 1 到 365 之间。"), code="invalid_window")
        new.warning_days = warning_days
    changes = {
        key: {"from": value, "to": new.as_dict()[key]}
        for key, value in old.as_dict().items()
        if new.as_dict()[key] != value
    }
    if changes:
        config = dict(group.config or {})
        config["moderation"] = {**(config.get("moderation") or {}), **new.as_dict()}
        group.config = config
        group.save(update_fields=["config"])
        caller_group.config = config  # the caller's instance reads the new settings too
        audit_record(
            event_type=AuditEventType.MODERATION_SETTINGS_CHANGED,
            actor=actor,
            group=group,
            target=group,
            extra=changes,
        )
    return new


def _apply_ban(*, group_id: int, user: User) -> Membership:
    """Ban ``user`` from a group, whether or not they are a member now (they cannot join later)."""
    now = timezone.now()
    membership = Membership.objects.select_for_update().filter(group_id=group_id, user=user).first()
    if membership is None:
        return Membership.objects.create(
            group_id=group_id,
            user=user,
            role=Role.MEMBER,
            status=MembershipStatus.BANNED,
            joined_at=now,
            left_at=now,
        )
    if membership.status != MembershipStatus.BANNED:
        membership.status = MembershipStatus.BANNED
        membership.role = Role.MEMBER
        membership.left_at = membership.left_at or now
        membership.save(update_fields=["status", "role", "left_at"])
    return membership


@transaction.atomic
def sanction_issue(
    *,
    actor: User,
    group: Group,
    user: User,
    reason: str,
    kind: str | None = None,
    hours: int | None = None,
    text: str = "",
    review_item: ReviewItem | None = None,
) -> Sanction:
    """Sanction a member. ``kind=None`` follows the group's escalation ladder."""
    group, actor_membership = access_moderator(user=actor, group_id=group.pk)
    if reason not in SanctionReason.values:
        raise InvalidInput(_("请选择处罚原因。"), code="invalid_reason")
    if user.pk == actor.pk:
        raise InvalidInput(_("不能处罚自己。"), code="self_sanction")
    target = Membership.objects.select_for_update().filter(group=group, user=user).first()
    if target is None:
        raise NotFound(_("没有找到这位成员。"))
    if target.role == Role.OWNER and target.is_active:
        raise Forbidden(_("不能处罚群主。"), code="sanction_owner")
    if target.is_admin and not (actor_membership is not None and actor_membership.is_owner):
        raise Forbidden(_("只有群主可以处罚管理员。"), code="sanction_admin")
    config = moderation_config(group=group)
    ladder_step: int | None = None
    if kind is None:
        ladder_step, step = ladder_next_step(group=group, user=user)
        kind = step["kind"]
        hours = step.get("hours", hours)
    if kind not in GROUP_KINDS:
        raise InvalidInput(_("请选择处罚方式。"), code="invalid_kind")
    now = timezone.now()
    expires_at = None
    if kind == SanctionKind.WARNING:
        expires_at = now + timedelta(days=config.warning_days)
    elif kind == SanctionKind.MUTE:
        hours = hours or 24
        if not 1 <= hours <= MAX_MUTE_HOURS:
            raise InvalidInput(_("禁言时长应在 1 小时到 365 天之间。"), code="invalid_duration")
        expires_at = now + timedelta(hours=hours)
        if target.muted_until is None or target.muted_until < expires_at:
            target.muted_until = expires_at
            target.save(update_fields=["muted_until"])
    elif kind == SanctionKind.REMOVAL:
        if target.is_active:
            target.status = MembershipStatus.REMOVED
            target.role = Role.MEMBER
            target.left_at = now
            target.save(update_fields=["status", "role", "left_at"])
    elif kind == SanctionKind.GROUP_BAN:
        _apply_ban(group_id=group.pk, user=user)
    sanction = Sanction.objects.create(
        group=group,
        user=user,
        kind=kind,
        reason=reason,
        text=(text or "").strip()[:500],
        issued_by=actor,
        review_item=review_item,
        ladder_step=ladder_step,
        created_at=now,
        expires_at=expires_at,
    )
    audit_record(
        event_type=AuditEventType.SANCTION_ISSUED,
        actor=actor,
        group=group,
        target_user=user,
        target=sanction,
        extra={
            "kind": kind,
            "reason": reason,
            "hours": hours if kind == SanctionKind.MUTE else None,
            "expires_at": expires_at.isoformat() if expires_at else None,
            "ladder_step": ladder_step,
            "review_item": review_item.pk if review_item else None,
        },
    )
    if kind == SanctionKind.GROUP_BAN:
        from huzhu.moderation.banlists import ban_lists_share

        ban_lists_share(sanction=sanction, actor=actor)
    notification_create(
        user=user,
        kind=kinds.SANCTIONED,
        group=group,
        actor=actor,
        params={
            "group": group.name,
            "kind": str(SanctionKind(kind).label),
            "reason": str(SanctionReason(reason).label),
            "sanction_id": sanction.pk,
        },
        url=_sanctions_url(),
    )
    return sanction


@transaction.atomic
def platform_ban(*, actor: User, user: User, reason: str, text: str = "") -> Sanction:
    """Staff ban an account from the whole platform: it can no longer log in or use the API."""
    if not actor.is_staff:
        raise Forbidden(_("只有平台工作人员可以封禁账号。"), code="not_staff")
    if reason not in SanctionReason.values:
        raise InvalidInput(_("请选择处罚原因。"), code="invalid_reason")
    if user.pk == actor.pk or user.is_staff:
        raise Forbidden(_("不能封禁这个账号。"), code="sanction_staff")
    user.is_active = False
    user.save(update_fields=["is_active"])
    sanction = Sanction.objects.create(
        group=None,
        user=user,
        kind=SanctionKind.PLATFORM_BAN,
        reason=reason,
        text=(text or "").strip()[:500],
        issued_by=actor,
    )
    audit_record(
        event_type=AuditEventType.SANCTION_ISSUED,
        actor=actor,
        target_user=user,
        target=sanction,
        extra={"kind": SanctionKind.PLATFORM_BAN, "reason": reason},
    )
    return sanction


def sanction_lift(*, actor: User, sanction: Sanction, why: str) -> Sanction:
    """Undo a sanction's effect (call inside a transaction; access is the caller's job)."""
    now = timezone.now()
    sanction.revoked_at = now
    sanction.revoked_by = actor
    sanction.save(update_fields=["revoked_at", "revoked_by"])
    user = sanction.user
    if sanction.kind == SanctionKind.PLATFORM_BAN:
        user.is_active = True
        user.save(update_fields=["is_active"])
    elif sanction.group_id is not None:
        membership = (
            Membership.objects.select_for_update()
            .filter(group_id=sanction.group_id, user=user)
            .first()
        )
        if membership is not None:
            if sanction.kind == SanctionKind.MUTE:
                # Another mute still in force keeps the member muted until it ends.
                other = (
                    Sanction.objects.filter(
                        group_id=sanction.group_id,
                        user=user,
                        kind=SanctionKind.MUTE,
                        revoked_at__isnull=True,
                        expires_at__gt=now,
                    )
                    .exclude(pk=sanction.pk)
                    .order_by("-expires_at")
                    .first()
                )
                membership.muted_until = other.expires_at if other else None
                membership.save(update_fields=["muted_until"])
            elif sanction.kind == SanctionKind.GROUP_BAN:
                if membership.status == MembershipStatus.BANNED:
                    # Lifted, not readmitted: the member may join again with a new invite.
                    membership.status = MembershipStatus.REMOVED
                    membership.save(update_fields=["status"])
                from huzhu.moderation.banlists import ban_lists_unshare

                ban_lists_unshare(sanction=sanction)
    audit_record(
        event_type=AuditEventType.SANCTION_LIFTED,
        actor=actor,
        group=sanction.group,
        target_user=user,
        target=sanction,
        extra={"kind": sanction.kind, "why": why},
    )
    return sanction


def sanctions_for_user(*, user: User) -> QuerySet[Sanction]:
    """A member's own sanctions, newest first, with their appeal if any."""
    return Sanction.objects.filter(user=user).select_related("group", "issued_by", "appeal")


def sanctions_in_group(
    *, actor: User, group: Group, user: User | None = None
) -> QuerySet[Sanction]:
    access_moderator(user=actor, group_id=group.pk)
    qs = Sanction.objects.filter(group=group).select_related("user", "issued_by", "appeal")
    if user is not None:
        qs = qs.filter(user=user)
    return qs


def active_warnings(*, group: Group, user: User) -> QuerySet[Sanction]:
    now = timezone.now()
    return Sanction.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        group=group,
        user=user,
        kind=SanctionKind.WARNING,
        revoked_at__isnull=True,
    )
