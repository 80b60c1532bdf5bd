"""Group use cases through the services: joining, roles, removal, ownership and their audit rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from huzhu.audit.models import AuditEvent, AuditEventType
from huzhu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from huzhu.groups.access import access_group
from huzhu.groups.models import MembershipStatus, Role
from huzhu.groups.services import (
    group_create,
    group_join,
    group_transfer_ownership,
    invite_create,
    invite_revoke,
    membership_leave,
    membership_remove,
    membership_set_role,
)
from tests.factories import join, make_group, make_user

pytestmark = pytest.mark.django_db


def test_creator_is_owner_and_creation_is_audited(owner):
    group = group_create(actor=owner, name="考研学习互助群", rules="互相督促")
    membership = group.memberships.get()
    assert membership.role == Role.OWNER and membership.rules_accepted_at is not None
    assert group.capacity == 500 and group.invite_only
    assert AuditEvent.objects.filter(
        group=group, event_type=AuditEventType.GROUP_CREATED, actor=owner
    ).exists()


@pytest.mark.parametrize("capacity", [1, 2001])
def test_capacity_outside_limits_is_refused(owner, capacity):
    with pytest.raises(InvalidInput, match="人数上限"):
        group_create(actor=owner, name="群", capacity=capacity)


def test_join_requires_accepting_rules(group):
    user = make_user()
    invite = invite_create(actor=group.memberships.get().user, group=group)
    with pytest.raises(InvalidInput, match="群规"):
        group_join(user=user, code=invite.code, accept_rules=False)
    membership = group_join(user=user, code=invite.code.lower(), accept_rules=True)
    assert membership.rules_accepted_at is not None
    assert (
        AuditEvent.objects.filter(event_type=AuditEventType.MEMBER_JOINED, target_user=user).count()
        == 1
    )


def test_expired_revoked_and_used_up_invites(owner, group):
    expired = invite_create(actor=owner, group=group, expires_in_hours=1)
    with (
        time_machine.travel(timezone.now() + timedelta(hours=2)),
        pytest.raises(InvalidInput, match="过期"),
    ):
        group_join(user=make_user(), code=expired.code, accept_rules=True)
    revoked = invite_create(actor=owner, group=group)
    invite_revoke(actor=owner, group=group, invite_id=revoked.pk)
    with pytest.raises(InvalidInput, match="撤销"):
        group_join(user=make_user(), code=revoked.code, accept_rules=True)
    once = invite_create(actor=owner, group=group, max_uses=1)
    group_join(user=make_user(), code=once.code, accept_rules=True)
    with pytest.raises(InvalidInput, match="次数已满"):
        group_join(user=make_user(), code=once.code, accept_rules=True)
    with pytest.raises(NotFound):
        group_join(user=make_user(), code="NOPE1234", accept_rules=True)


def test_full_group_refuses_with_conflict(owner):
    group = make_group(owner, capacity=2)
    join(group)
    with pytest.raises(Conflict, match="满员"):
        join(group)


def test_removed_member_cannot_reuse_old_invite(owner, group):
    invite = invite_create(actor=owner, group=group)
    user = make_user()
    group_join(user=user, code=invite.code, accept_rules=True)
    membership_remove(actor=owner, group=group, user_id=user.pk)
    with pytest.raises(Forbidden, match="移出"):
        group_join(user=user, code=invite.code, accept_rules=True)
    with pytest.raises(NotFound):
        access_group(user=user, group_id=group.pk)


def test_roles_transfer_and_leave(owner, group, member):
    with pytest.raises(Conflict, match="转让"):
        membership_leave(user=owner, group=group)
    with pytest.raises(Forbidden):
        membership_set_role(actor=member, group=group, user_id=owner.pk, role=Role.MEMBER)
    membership_set_role(actor=owner, group=group, user_id=member.pk, role=Role.ADMIN)
    group_transfer_ownership(actor=owner, group=group, user_id=member.pk)
    roles = dict(group.memberships.values_list("user__username", "role"))
    assert roles == {"owner": Role.ADMIN, "member": Role.OWNER}
    membership_leave(user=owner, group=group)
    assert group.memberships.get(user=owner).status == MembershipStatus.LEFT
    types = set(AuditEvent.objects.filter(group=group).values_list("event_type", flat=True))
    assert {
        AuditEventType.MEMBER_ROLE_CHANGED,
        AuditEventType.GROUP_OWNERSHIP_TRANSFERRED,
        AuditEventType.MEMBER_LEFT,
    } <= types


def test_admin_cannot_remove_owner_or_admin(owner, group, member):
    other = join(group).user
    membership_set_role(actor=owner, group=group, user_id=member.pk, role=Role.ADMIN)
    membership_set_role(actor=owner, group=group, user_id=other.pk, role=Role.ADMIN)
    with pytest.raises(Forbidden):
        membership_remove(actor=member, group=group, user_id=owner.pk)
    with pytest.raises(Forbidden):
        membership_remove(actor=member, group=group, user_id=other.pk)


def test_audit_rows_are_append_only(group):
    event = AuditEvent.objects.filter(group=group).first()
    assert event is not None
    event.extra = {"tampered": True}
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
