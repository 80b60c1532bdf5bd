"""Shared ban lists (like Telegram federations): an owner's several groups, or owners who opt in
together, share group bans. A ban in one subscribed group bans the member in all of them.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record
from huzhu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from huzhu.groups.access import access_group_owner
from huzhu.groups.models import Group, Membership, MembershipStatus, Role
from huzhu.moderation.models import BanList, BanListEntry, BanListGroup, Sanction, SanctionKind

if TYPE_CHECKING:
    from huzhu.accounts.models import User


def _ban_in(*, group_id: int, user: User) -> bool:
    """Ban from one group unless the user runs it; True if anything changed."""
    from huzhu.moderation.sanctions import _apply_ban

    membership = Membership.objects.filter(group_id=group_id, user=user).first()
    if membership is not None and membership.is_admin:
        return False  # never lock a group's own moderators out through someone else's list
    if membership is not None and membership.status == MembershipStatus.BANNED:
        return False
    _apply_ban(group_id=group_id, user=user)
    return True


@transaction.atomic
def ban_list_create(*, actor: User, group: Group, name: str) -> BanList:
    access_group_owner(user=actor, group_id=group.pk)
    name = (name or "").strip()
    if not 1 <= len(name) <= 60:
        raise InvalidInput(_("名单名称需要 1 到 60 个字。"), code="invalid_name")
    ban_list = BanList.objects.create(name=name, owner=actor, join_code=secrets.token_hex(6))
    BanListGroup.objects.create(ban_list=ban_list, group=group, added_by=actor)
    audit_record(
        event_type=AuditEventType.BAN_LIST_CREATED,
        actor=actor,
        group=group,
        target=ban_list,
        extra={"name": name},
    )
    return ban_list


@transaction.atomic
def ban_list_subscribe(*, actor: User, group: Group, join_code: str) -> BanListGroup:
    """The owner of ``group`` opts in to a list (their own, or one another owner shared the code of).

    The list's existing bans apply to the group at once.
    """
    access_group_owner(user=actor, group_id=group.pk)
    ban_list = BanList.objects.filter(join_code=(join_code or "").strip()).first()
    if ban_list is None:
        raise NotFound(_("没有找到这个共享封禁名单。"), code="ban_list_not_found")
    if BanListGroup.objects.filter(ban_list=ban_list, group=group).exists():
        raise Conflict(_("这个群已经在名单里了。"), code="already_subscribed")
    subscription = BanListGroup.objects.create(ban_list=ban_list, group=group, added_by=actor)
    banned = 0
    for entry in ban_list.entries.select_related("user"):
        banned += _ban_in(group_id=group.pk, user=entry.user)
    audit_record(
        event_type=AuditEventType.BAN_LIST_GROUP_ADDED,
        actor=actor,
        group=group,
        target=ban_list,
        extra={"name": ban_list.name, "bans_applied": banned},
    )
    return subscription


@transaction.atomic
def ban_list_unsubscribe(*, actor: User, group: Group, ban_list_id: int) -> None:
    access_group_owner(user=actor, group_id=group.pk)
    deleted, _rows = BanListGroup.objects.filter(ban_list_id=ban_list_id, group=group).delete()
    if not deleted:
        raise NotFound(_("这个群不在这个名单里。"))
    audit_record(
        event_type=AuditEventType.BAN_LIST_GROUP_REMOVED,
        actor=actor,
        group=group,
        extra={"ban_list": ban_list_id},
    )


def ban_lists_share(*, sanction: Sanction, actor: User) -> int:
    """After a group ban: add it to every list the group subscribes to and apply it to the other
    groups of those lists. Returns how many other groups it newly banned the member from."""
    assert sanction.kind == SanctionKind.GROUP_BAN and sanction.group_id is not None
    applied = 0
    for subscription in BanListGroup.objects.filter(group_id=sanction.group_id).select_related(
        "ban_list"
    ):
        ban_list = subscription.ban_list
        entry, created = BanListEntry.objects.get_or_create(
            ban_list=ban_list,
            user=sanction.user,
            defaults={
                "source_group_id": sanction.group_id,
                "sanction": sanction,
                "added_by": actor,
            },
        )
        if not created:
            continue
        for other in BanListGroup.objects.filter(ban_list=ban_list).exclude(
            group_id=sanction.group_id
        ):
            applied += _ban_in(group_id=other.group_id, user=sanction.user)
        audit_record(
            event_type=AuditEventType.BAN_LIST_ENTRY_ADDED,
            actor=actor,
            group=sanction.group,
            target_user=sanction.user,
            target=entry,
            extra={"ban_list": ban_list.pk, "name": ban_list.name},
        )
    return applied


def ban_lists_unshare(*, sanction: Sanction) -> None:
    """A lifted group ban leaves the lists it entered, and the bans it caused elsewhere end."""
    if sanction.group_id is None:
        return
    for entry in BanListEntry.objects.filter(sanction=sanction).select_related("ban_list"):
        for other in BanListGroup.objects.filter(ban_list=entry.ban_list).exclude(
            group_id=sanction.group_id
        ):
            own_ban = Sanction.objects.filter(
                group_id=other.group_id,
                user=sanction.user,
                kind=SanctionKind.GROUP_BAN,
                revoked_at__isnull=True,
            ).exists()
            if not own_ban:
                Membership.objects.filter(
                    group_id=other.group_id, user=sanction.user, status=MembershipStatus.BANNED
                ).update(status=MembershipStatus.REMOVED, role=Role.MEMBER)
        entry.delete()


def ban_lists_for_group(*, actor: User, group: Group) -> QuerySet[BanList]:
    access_group_owner(user=actor, group_id=group.pk)
    return BanList.objects.filter(subscriptions__group=group).prefetch_related(
        "subscriptions__group", "entries__user"
    )


def ban_list_owned_check(*, actor: User, ban_list: BanList) -> None:
    if ban_list.owner_id != actor.pk:
        raise Forbidden(_("只有名单的创建者可以这样做。"))
