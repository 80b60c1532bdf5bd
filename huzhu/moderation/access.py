"""Who may moderate where: the group's owner and admins, and platform staff everywhere.

Non-members get "not found" (the group's existence does not leak), members who are not
moderators get "forbidden" — the same rules as ``huzhu.groups.access``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from huzhu.core.errors import Forbidden, NotFound
from huzhu.groups.models import Group, Membership, MembershipStatus

if TYPE_CHECKING:
    from huzhu.accounts.models import User


def access_moderator(*, user: User, group_id: int | str) -> tuple[Group, Membership | None]:
    """The group and the moderator's membership (None for staff acting outside their groups)."""
    try:
        gid = int(group_id)
    except (TypeError, ValueError):
        raise NotFound(_("没有找到这个群，或你不是群成员。")) from None
    membership = (
        Membership.objects.select_related("group")
        .filter(group_id=gid, user_id=user.pk, status=MembershipStatus.ACTIVE)
        .first()
    )
    if membership is not None and membership.is_admin:
        return membership.group, membership
    if user.is_staff:
        group = Group.objects.filter(pk=gid).first()
        if group is not None:
            return group, membership
    if membership is None:
        raise NotFound(_("没有找到这个群，或你不是群成员。"))
    raise Forbidden(_("只有群主和管理员可以审核。"), code="not_moderator")


def is_moderator(*, user: User, group_id: int) -> bool:
    try:
        access_moderator(user=user, group_id=group_id)
    except (NotFound, Forbidden):
        return False
    return True


def group_moderators(*, group_id: int) -> list[User]:
    return [
        m.user
        for m in Membership.objects.select_related("user").filter(
            group_id=group_id, status=MembershipStatus.ACTIVE, role__in=("owner", "admin")
        )
    ]
