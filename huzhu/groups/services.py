"""Group use cases: create, settings, invites, joining, leaving, roles, removal, ownership transfer.

Every change writes an audit row in the same transaction.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record
from huzhu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from huzhu.groups.models import Group, Invite, Membership, MembershipStatus, Role
from huzhu.realtime.membership import membership_event_publish

if TYPE_CHECKING:
    from huzhu.accounts.models import User

NAME_MAX = 40
DESCRIPTION_MAX = 500
RULES_MAX = 5000
INVITE_MAX_HOURS = 30 * 24
INVITE_MAX_USES = 2000
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O/1/I: codes are read aloud and typed


def _clean_group_fields(
    *, name: str, description: str, rules: str, capacity: int | None
) -> dict[str, Any]:
    name = name.strip()
    if not name:
        raise InvalidInput(_("请填写群名称。"), code="invalid_name")
    if len(name) > NAME_MAX:
        raise InvalidInput(
            _("群名称最多 %(max)d 个字符。") % {"max": NAME_MAX}, code="invalid_name"
        )
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInput(
            _("群简介最多 %(max)d 个字符。") % {"max": DESCRIPTION_MAX}, code="invalid_description"
        )
    if len(rules) > RULES_MAX:
        raise InvalidInput(
            _("群规最多 %(max)d 个字符。") % {"max": RULES_MAX}, code="invalid_rules"
        )
    if capacity is None:
        capacity = settings.GROUP_DEFAULT_CAPACITY
    if not 2 <= capacity <= settings.GROUP_MAX_CAPACITY:
        raise InvalidInput(
            _("人数上限须在 2 到 %(max)d 之间。") % {"max": settings.GROUP_MAX_CAPACITY},
            code="invalid_capacity",
        )
    return {
        "name": name,
        "description": description.strip(),
        "rules": rules.strip(),
        "capacity": capacity,
    }


def group_create(
    *,
    actor: User,
    name: str,
    description: str = "",
    rules: str = "",
    capacity: int | None = None,
    invite_only: bool = True,
) -> Group:
    fields = _clean_group_fields(name=name, description=description, rules=rules, capacity=capacity)
    with transaction.atomic():
        group = Group.objects.create(created_by=actor, invite_only=invite_only, **fields)
        Membership.objects.create(
            group=group, user=actor, role=Role.OWNER, rules_accepted_at=timezone.now()
        )
        audit_record(
            event_type=AuditEventType.GROUP_CREATED,
            actor=actor,
            group=group,
            target=group,
            extra={"name": group.name},
        )
    return group


def group_update_settings(
    *,
    actor: User,
    group: Group,
    name: str,
    description: str,
    rules: str,
    capacity: int | None,
    invite_only: bool,
) -> Group:
    fields = _clean_group_fields(name=name, description=description, rules=rules, capacity=capacity)
    _require_admin(actor=actor, group=group)
    active = group.memberships.filter(status=MembershipStatus.ACTIVE).count()
    if fields["capacity"] < active:
        raise InvalidInput(
            _("人数上限不能低于当前成员数（%(count)d 人）。") % {"count": active},
            code="invalid_capacity",
        )
    with transaction.atomic():
        locked = Group.objects.select_for_update().get(pk=group.pk)
        changes = {
            key: [getattr(locked, key), value]
            for key, value in {**fields, "invite_only": invite_only}.items()
            if getattr(locked, key) != value
        }
        if not changes:
            return locked
        for key, (_old, new) in changes.items():
            setattr(locked, key, new)
        if "rules" in changes:
            locked.rules_updated_at = timezone.now()
        locked.save()
        audit_record(
            event_type=AuditEventType.GROUP_SETTINGS_CHANGED,
            actor=actor,
            group=locked,
            target=locked,
            extra={"changes": changes},
        )
    return locked


def _membership(*, user: User, group: Group) -> Membership | None:
    return Membership.objects.filter(group=group, user=user, status=MembershipStatus.ACTIVE).first()


def _require_admin(*, actor: User, group: Group) -> Membership:
    membership = _membership(user=actor, group=group)
    if membership is None or not membership.is_admin:
        raise Forbidden(_("只有群主和管理员可以这样做。"))
    return membership


def _require_owner(*, actor: User, group: Group) -> Membership:
    membership = _membership(user=actor, group=group)
    if membership is None or not membership.is_owner:
        raise Forbidden(_("只有群主可以这样做。"))
    return membership


def invite_create(
    *, actor: User, group: Group, expires_in_hours: int = 168, max_uses: int = 0
) -> Invite:
    _require_admin(actor=actor, group=group)
    if not 1 <= expires_in_hours <= INVITE_MAX_HOURS:
        raise InvalidInput(
            _("邀请有效期须在 1 到 %(max)d 小时之间。") % {"max": INVITE_MAX_HOURS},
            code="invalid_expiry",
        )
    if not 0 <= max_uses <= INVITE_MAX_USES:
        raise InvalidInput(
            _("使用次数上限须在 0（不限）到 %(max)d 之间。") % {"max": INVITE_MAX_USES},
            code="invalid_max_uses",
        )
    code = "".join(secrets.choice(INVITE_ALPHABET) for _i in range(8))
    with transaction.atomic():
        invite = Invite.objects.create(
            group=group,
            code=code,
            created_by=actor,
            expires_at=timezone.now() + timedelta(hours=expires_in_hours),
            max_uses=max_uses,
        )
        audit_record(
            event_type=AuditEventType.INVITE_CREATED,
            actor=actor,
            group=group,
            target=invite,
            extra={"code": code, "expires_in_hours": expires_in_hours, "max_uses": max_uses},
        )
    return invite


def invite_revoke(*, actor: User, group: Group, invite_id: int) -> Invite:
    _require_admin(actor=actor, group=group)
    invite = Invite.objects.filter(group=group, pk=invite_id).first()
    if invite is None:
        raise NotFound(_("没有找到这个邀请。"))
    if invite.revoked_at is None:
        with transaction.atomic():
            invite.revoked_at = timezone.now()
            invite.save(update_fields=["revoked_at"])
            audit_record(
                event_type=AuditEventType.INVITE_REVOKED,
                actor=actor,
                group=group,
                target=invite,
                extra={"code": invite.code},
            )
    return invite


def invite_lookup(*, code: str) -> Invite:
    """Find a usable invite by its code; raise a clear error if it is unknown, revoked, expired or used up."""
    code = code.strip().upper()
    invite = Invite.objects.select_related("group").filter(code=code).first() if code else None
    if invite is None:
        raise NotFound(_("邀请码无效，请向群主或管理员索取新的邀请。"), code="invite_invalid")
    if invite.revoked_at is not None:
        raise InvalidInput(
            _("这个邀请已被撤销，请向群主或管理员索取新的邀请。"), code="invite_revoked"
        )
    if invite.expires_at <= timezone.now():
        raise InvalidInput(
            _("这个邀请已过期，请向群主或管理员索取新的邀请。"), code="invite_expired"
        )
    if invite.max_uses and invite.uses >= invite.max_uses:
        raise InvalidInput(
            _("这个邀请的使用次数已满，请向群主或管理员索取新的邀请。"), code="invite_used_up"
        )
    return invite


def group_join(*, user: User, code: str, accept_rules: bool) -> Membership:
    """Join a group through an invite. Accepting the group's rules is required and its time recorded."""
    invite = invite_lookup(code=code)
    if not accept_rules:
        raise InvalidInput(_("加入前需要阅读并同意群规。"), code="rules_not_accepted")
    with transaction.atomic():
        group = Group.objects.select_for_update().get(pk=invite.group_id)
        invite = Invite.objects.select_for_update().get(pk=invite.pk)
        if invite.max_uses and invite.uses >= invite.max_uses:
            raise InvalidInput(
                _("这个邀请的使用次数已满，请向群主或管理员索取新的邀请。"), code="invite_used_up"
            )
        existing = Membership.objects.filter(group=group, user=user).first()
        if existing is not None and existing.status == MembershipStatus.ACTIVE:
            return existing
        if existing is not None and existing.status == MembershipStatus.BANNED:
            raise Forbidden(_("你已被禁止加入这个群。"), code="banned")
        if (
            existing is not None
            and existing.status == MembershipStatus.REMOVED
            and existing.left_at is not None
            and invite.created_at <= existing.left_at
        ):
            raise Forbidden(_("你已被移出这个群，旧的邀请不能再使用，请联系群主。"), code="removed")
        active = Membership.objects.filter(group=group, status=MembershipStatus.ACTIVE).count()
        if active >= group.capacity:
            raise Conflict(
                _("这个群已满员（%(cap)d 人），暂时无法加入。") % {"cap": group.capacity},
                code="group_full",
            )
        now = timezone.now()
        if existing is None:
            membership = Membership.objects.create(
                group=group, user=user, rules_accepted_at=now, joined_at=now
            )
        else:
            membership = existing
            membership.status = MembershipStatus.ACTIVE
            membership.role = Role.MEMBER
            membership.rules_accepted_at = now
            membership.joined_at = now
            membership.left_at = None
            membership.save()
        Invite.objects.filter(pk=invite.pk).update(uses=F("uses") + 1)
        audit_record(
            event_type=AuditEventType.MEMBER_JOINED,
            actor=user,
            group=group,
            target_user=user,
            target=membership,
            extra={"invite": invite.code, "rules_accepted_at": now.isoformat()},
        )
        membership_event_publish(membership=membership, joined=True)
    return membership


def membership_leave(*, user: User, group: Group) -> None:
    membership = _membership(user=user, group=group)
    if membership is None:
        raise NotFound(_("你不在这个群里。"))
    if membership.role == Role.OWNER:
        raise Conflict(_("群主不能直接退出，请先把群主转让给其他成员。"), code="owner_cannot_leave")
    with transaction.atomic():
        membership.status = MembershipStatus.LEFT
        membership.left_at = timezone.now()
        membership.role = Role.MEMBER
        membership.save(update_fields=["status", "left_at", "role"])
        audit_record(
            event_type=AuditEventType.MEMBER_LEFT,
            actor=user,
            group=group,
            target_user=user,
            target=membership,
        )
        membership_event_publish(membership=membership)


def _target_membership(*, group: Group, user_id: int) -> Membership:
    target = (
        Membership.objects.select_related("user")
        .filter(group=group, user_id=user_id, status=MembershipStatus.ACTIVE)
        .first()
    )
    if target is None:
        raise NotFound(_("这个用户不是本群成员。"))
    return target


def membership_set_role(*, actor: User, group: Group, user_id: int, role: str) -> Membership:
    _require_owner(actor=actor, group=group)
    if role not in (Role.ADMIN, Role.MEMBER):
        raise InvalidInput(_("只能设为管理员或普通成员。"), code="invalid_role")
    target = _target_membership(group=group, user_id=user_id)
    if target.role == Role.OWNER:
        raise Conflict(_("不能更改群主的角色，请使用“转让群主”。"), code="cannot_change_owner")
    if target.role == role:
        return target
    with transaction.atomic():
        old = target.role
        target.role = role
        target.save(update_fields=["role"])
        audit_record(
            event_type=AuditEventType.MEMBER_ROLE_CHANGED,
            actor=actor,
            group=group,
            target_user=target.user,
            target=target,
            extra={"from": old, "to": role},
        )
        membership_event_publish(membership=target)
    return target


def membership_remove(*, actor: User, group: Group, user_id: int) -> Membership:
    actor_membership = _require_admin(actor=actor, group=group)
    target = _target_membership(group=group, user_id=user_id)
    if target.user_id == actor.pk:
        raise Conflict(_("不能移出自己；要离开请使用“退出群”。"), code="cannot_remove_self")
    if target.role == Role.OWNER or (target.role == Role.ADMIN and not actor_membership.is_owner):
        raise Forbidden(_("管理员不能移出群主或其他管理员。"), code="cannot_remove_admin")
    with transaction.atomic():
        target.status = MembershipStatus.REMOVED
        target.role = Role.MEMBER
        target.left_at = timezone.now()
        target.save(update_fields=["status", "role", "left_at"])
        audit_record(
            event_type=AuditEventType.MEMBER_REMOVED,
            actor=actor,
            group=group,
            target_user=target.user,
            target=target,
        )
        membership_event_publish(membership=target)
    return target


def group_transfer_ownership(*, actor: User, group: Group, user_id: int) -> Membership:
    owner = _require_owner(actor=actor, group=group)
    target = _target_membership(group=group, user_id=user_id)
    if target.pk == owner.pk:
        raise Conflict(_("你已经是群主了。"), code="already_owner")
    with transaction.atomic():
        owner.role = Role.ADMIN
        owner.save(update_fields=["role"])
        target.role = Role.OWNER
        target.save(update_fields=["role"])
        audit_record(
            event_type=AuditEventType.GROUP_OWNERSHIP_TRANSFERRED,
            actor=actor,
            group=group,
            target_user=target.user,
            target=target,
        )
        membership_event_publish(membership=owner)
        membership_event_publish(membership=target)
    return target


# --- selectors ---------------------------------------------------------------------------------


def groups_for_user(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .select_related("group")
        .order_by("-joined_at")
    )


def group_members(*, group: Group) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(group=group, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .annotate(
            role_rank=Case(When(role=Role.OWNER, then=0), When(role=Role.ADMIN, then=1), default=2)
        )
        .order_by("role_rank", "joined_at")
    )


def group_active_count(*, group: Group) -> int:
    return Membership.objects.filter(group=group, status=MembershipStatus.ACTIVE).count()


def group_invites(*, group: Group) -> QuerySet[Invite]:
    return Invite.objects.filter(group=group).order_by("-created_at")
