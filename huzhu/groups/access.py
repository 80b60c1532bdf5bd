"""Access helpers: the only way views and the API reach a group's data.

A group that the user is not an active member of is reported as "not found", never "forbidden",
so its existence does not leak to outsiders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from huzhu.core.errors import Forbidden, NotFound
from huzhu.groups.models import Group, Membership, MembershipStatus

if TYPE_CHECKING:
    from huzhu.accounts.models import User


def access_group(*, user: User, group_id: int | str) -> tuple[Group, Membership]:
    """Return the group and the user's active membership, or raise NotFound."""
    try:
        gid = int(group_id)
    except (TypeError, ValueError):
        raise NotFound(_("没有找到这个群，或你不是群成员。")) from None
    membership = (
        Membership.objects.select_related("group")
        .filter(group_id=gid, user_id=user.pk, status=MembershipStatus.ACTIVE)
        .first()
    )
    if membership is None:
        raise NotFound(_("没有找到这个群，或你不是群成员。"))
    return membership.group, membership


def access_group_admin(*, user: User, group_id: int | str) -> tuple[Group, Membership]:
    group, membership = access_group(user=user, group_id=group_id)
    if not membership.is_admin:
        raise Forbidden(_("只有群主和管理员可以这样做。"))
    return group, membership


def access_group_owner(*, user: User, group_id: int | str) -> tuple[Group, Membership]:
    group, membership = access_group(user=user, group_id=group_id)
    if not membership.is_owner:
        raise Forbidden(_("只有群主可以这样做。"))
    return group, membership
