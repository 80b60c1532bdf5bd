"""Members through the API: list, change roles (owner), remove (owner or admin)."""

from __future__ import annotations

import pytest

from huzhu.audit.models import AuditEvent, AuditEventType
from huzhu.groups.models import Membership
from tests.api.conftest import error
from tests.factories import join, make_group

pytestmark = pytest.mark.django_db


def test_members_owner_first_then_admins_then_members(as_user, owner, group, member, admin):
    listed = as_user(member).get(f"/groups/{group.pk}/members").json()
    assert listed["count"] == 3
    assert [(m["user_id"], m["role"]) for m in listed["items"]] == [
        (owner.pk, "owner"),
        (admin.pk, "admin"),
        (member.pk, "member"),
    ]
    assert listed["items"][0]["display_name"] == "群主小王"
    # Login names stay private; members see display names.
    assert "username" not in listed["items"][0]
    assert "owner" not in {m["display_name"] for m in listed["items"]}


def test_members_paginate_and_skip_people_who_left(as_user, owner, group):
    for _n in range(4):
        join(group)
    gone = join(group).user
    as_user(gone).post(f"/groups/{group.pk}/leave")
    page = as_user(owner).get(f"/groups/{group.pk}/members", limit=2, offset=4).json()
    assert page["count"] == 5 and len(page["items"]) == 1
    assert gone.pk not in {m["user_id"] for m in page["items"]}


def test_outsider_cannot_list_members(as_user, group, outsider):
    assert error(as_user(outsider).get(f"/groups/{group.pk}/members")) == (404, "not_found")


def test_owner_promotes_and_demotes(as_user, owner, group, member):
    api = as_user(owner)
    url = f"/groups/{group.pk}/members/{member.pk}"
    promoted = api.patch(url, {"role": "admin"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "admin"
    assert api.patch(url, {"role": "member"}).json()["role"] == "member"
    assert AuditEvent.objects.filter(event_type=AuditEventType.MEMBER_ROLE_CHANGED).count() == 2


def test_role_change_refusals(as_user, owner, group, member, admin, outsider):
    url = f"/groups/{group.pk}/members/{member.pk}"
    assert error(as_user(admin).patch(url, {"role": "admin"})) == (403, "forbidden")
    assert error(as_user(member).patch(url, {"role": "admin"})) == (403, "forbidden")
    assert error(as_user(outsider).patch(url, {"role": "admin"})) == (404, "not_found")
    api = as_user(owner)
    assert error(api.patch(url, {"role": "owner"})) == (422, "invalid")
    assert error(api.patch(url, {"role": "版主"})) == (422, "invalid")
    assert error(api.patch(url, {})) == (422, "invalid")
    own = f"/groups/{group.pk}/members/{owner.pk}"
    assert error(api.patch(own, {"role": "member"})) == (409, "cannot_change_owner")
    stranger = f"/groups/{group.pk}/members/{outsider.pk}"
    assert error(api.patch(stranger, {"role": "admin"})) == (404, "not_found")
    assert Membership.objects.get(group=group, user=member).role == "member"


def test_admin_removes_a_member_who_then_loses_access(as_user, group, member, admin):
    response = as_user(admin).delete(f"/groups/{group.pk}/members/{member.pk}")
    assert response.status_code == 204
    assert error(as_user(member).get(f"/groups/{group.pk}")) == (404, "not_found")
    assert Membership.objects.get(group=group, user=member).status == "removed"


def test_removal_refusals(as_user, owner, group, member, admin, outsider):
    members = f"/groups/{group.pk}/members"
    assert error(as_user(member).delete(f"{members}/{admin.pk}")) == (403, "forbidden")
    assert error(as_user(admin).delete(f"{members}/{owner.pk}")) == (
        403,
        "cannot_remove_admin",
    )
    assert error(as_user(admin).delete(f"{members}/{admin.pk}")) == (409, "cannot_remove_self")
    assert error(as_user(owner).delete(f"{members}/{outsider.pk}")) == (404, "not_found")
    assert error(as_user(outsider).delete(f"{members}/{member.pk}")) == (404, "not_found")
    assert Membership.objects.filter(group=group, status="active").count() == 3


def test_owner_removes_an_admin(as_user, owner, group, admin):
    assert as_user(owner).delete(f"/groups/{group.pk}/members/{admin.pk}").status_code == 204


def test_my_group_id_cannot_reach_members_of_another_group(as_user, owner, group, outsider):
    other = make_group(outsider, name="别人的群")
    stranger = join(other).user
    # Owner of `group` names a member of `other`: not found, and nothing changes there.
    response = as_user(owner).delete(f"/groups/{group.pk}/members/{stranger.pk}")
    assert error(response) == (404, "not_found")
    assert Membership.objects.get(group=other, user=stranger).status == "active"
