"""Announce a membership change so open sockets follow it at once.

Group and moderation services call ``membership_event_publish(membership=...)`` inside their
transaction after changing a membership's status or role: an active membership becomes
``member.joined`` / ``member.role_changed``; left, removed or banned becomes ``member.removed``,
and that user's sockets stop receiving the group as soon as the event reaches their process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from huzhu.realtime.events import MemberJoined, MemberRemoved, MemberRoleChanged
from huzhu.realtime.publish import event_publish_on_commit

if TYPE_CHECKING:
    from huzhu.groups.models import Membership


def membership_event_publish(*, membership: Membership, joined: bool = False) -> None:
    if membership.status != "active":
        event_publish_on_commit(
            MemberRemoved(
                group_id=membership.group_id, user_id=membership.user_id, status=membership.status
            )
        )
    elif joined:
        user = membership.user
        event_publish_on_commit(
            MemberJoined(
                group_id=membership.group_id,
                user_id=membership.user_id,
                display_name=user.display_name or user.username,
                role=membership.role,
            )
        )
    else:
        event_publish_on_commit(
            MemberRoleChanged(
                group_id=membership.group_id, user_id=membership.user_id, role=membership.role
            )
        )
