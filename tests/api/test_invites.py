"""Invites through the API: admins list, create and revoke them; anyone signed in may look up a
usable code and join by accepting the rules. Unusable codes reveal nothing of the group."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from huzhu.groups.models import Invite, Membership
from huzhu.groups.services import invite_create, invite_revoke
from tests.api.conftest import error
from tests.factories import make_group, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite(owner, group):
    return invite_create(actor=owner, group=group, expires_in_hours=24, max_uses=5)


def test_admin_creates_lists_and_revokes_invites(as_user, group, admin):
    api = as_user(admin)
    created = api.post(f"/groups/{group.pk}/invites", {"expires_in_hours": 48, "max_uses": 3})
    assert created.status_code == 201
    body = created.json()
    assert len(body["code"]) == 8 and body["max_uses"] == 3 and body["uses"] == 0
    assert body["usable"] is True and body["revoked_at"] is None
    listed = api.get(f"/groups/{group.pk}/invites").json()
    assert body["id"] in {i["id"] for i in listed["items"]}

    revoked = api.delete(f"/groups/{group.pk}/invites/{body['id']}")
    assert revoked.status_code == 200
    assert revoked.json()["usable"] is False and revoked.json()["revoked_at"]


def test_invite_defaults_to_a_week_and_unlimited_uses(as_user, owner, group):
    body = as_user(owner).post(f"/groups/{group.pk}/invites", {}).json()
    assert body["max_uses"] == 0
    Invite.objects.get(pk=body["id"])  # stored
    expires = Invite.objects.get(pk=body["id"]).expires_at
    assert timedelta(hours=167) < expires - timezone.now() <= timedelta(hours=168)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"expires_in_hours": 0}, "expires_in_hours"),
        ({"expires_in_hours": 721}, "expires_in_hours"),
        ({"max_uses": -1}, "max_uses"),
        ({"max_uses": 2001}, "max_uses"),
        ({"max_uses": "不限"}, "max_uses"),
    ],
)
def test_bad_invite_input_is_422(as_user, owner, group, body, field):
    response = as_user(owner).post(f"/groups/{group.pk}/invites", body)
    assert error(response) == (422, "invalid")
    assert response.json()["errors"][0]["field"] == field


def test_members_and_outsiders_cannot_manage_invites(as_user, group, member, outsider, invite):
    invites = f"/groups/{group.pk}/invites"
    assert error(as_user(member).get(invites)) == (403, "forbidden")
    assert error(as_user(member).post(invites, {})) == (403, "forbidden")
    assert error(as_user(member).delete(f"{invites}/{invite.pk}")) == (403, "forbidden")
    assert error(as_user(outsider).get(invites)) == (404, "not_found")
    assert error(as_user(outsider).delete(f"{invites}/{invite.pk}")) == (404, "not_found")


def test_invite_of_another_group_cannot_be_revoked_through_mine(as_user, outsider, invite):
    mine = make_group(outsider, name="我的群")
    response = as_user(outsider).delete(f"/groups/{mine.pk}/invites/{invite.pk}")
    assert error(response) == (404, "not_found")
    invite.refresh_from_db()
    assert invite.revoked_at is None


def test_lookup_shows_what_an_invitee_needs_and_no_ids(as_user, group, outsider, invite):
    response = as_user(outsider).get(f"/invites/{invite.code.lower()}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == invite.code
    assert body["group"] == {
        "name": "宝妈拼团互助群",
        "description": "",
        "rules": "1. 先帮后发\n2. 禁止广告",
        "member_count": 1,
        "capacity": 500,
    }
    assert "id" not in body and "id" not in body["group"]


def test_unusable_codes_reveal_nothing(as_user, owner, group, outsider, invite):
    api = as_user(outsider)
    unknown = api.get("/invites/NOSUCH99")
    assert error(unknown) == (404, "invite_invalid")
    invite_revoke(actor=owner, group=group, invite_id=invite.pk)
    revoked = api.get(f"/invites/{invite.code}")
    assert error(revoked) == (400, "invite_revoked")
    expiring = invite_create(actor=owner, group=group, expires_in_hours=1)
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert error(api.get(f"/invites/{expiring.code}")) == (400, "invite_expired")
    for response in (unknown, revoked):
        text = response.content.decode()
        assert group.name not in text and "先帮后发" not in text
    assert error(api.get(f"/invites/{'A' * 33}")) == (422, "invalid")


def test_join_requires_accepting_the_rules(as_user, group, outsider, invite):
    api = as_user(outsider)
    refused = api.post(f"/invites/{invite.code}/join", {"accept_rules": False})
    assert error(refused) == (400, "rules_not_accepted")
    assert "群规" in refused.json()["message"]
    assert error(api.post(f"/invites/{invite.code}/join", {})) == (422, "invalid")
    assert error(api.post(f"/invites/{invite.code}/join", {"accept_rules": "yes"})) == (
        422,
        "invalid",
    )
    assert not Membership.objects.filter(user=outsider).exists()

    joined = api.post(f"/invites/{invite.code}/join", {"accept_rules": True})
    assert joined.status_code == 200
    body = joined.json()
    assert body["id"] == group.pk and body["my_role"] == "member" and body["member_count"] == 2
    assert Membership.objects.get(user=outsider).rules_accepted_at is not None
    assert api.get(f"/groups/{group.pk}").status_code == 200
    # Joining again is harmless and uses the invite only once.
    assert api.post(f"/invites/{invite.code}/join", {"accept_rules": True}).status_code == 200
    invite.refresh_from_db()
    assert invite.uses == 1


def test_used_up_invite(as_user, owner, group):
    single = invite_create(actor=owner, group=group, max_uses=1)
    first, second = make_user(), make_user()
    assert (
        as_user(first).post(f"/invites/{single.code}/join", {"accept_rules": True}).status_code
        == 200
    )
    response = as_user(second).post(f"/invites/{single.code}/join", {"accept_rules": True})
    assert error(response) == (400, "invite_used_up")


def test_full_group_is_409(as_user, outsider):
    small = make_group(make_user(), name="小群", capacity=2)
    code = invite_create(actor=small.memberships.get().user, group=small).code
    assert (
        as_user(make_user()).post(f"/invites/{code}/join", {"accept_rules": True}).status_code
        == 200
    )
    response = as_user(outsider).post(f"/invites/{code}/join", {"accept_rules": True})
    assert error(response) == (409, "group_full")


def test_removed_member_cannot_reuse_an_old_invite(as_user, owner, group, outsider, invite):
    api = as_user(outsider)
    assert api.post(f"/invites/{invite.code}/join", {"accept_rules": True}).status_code == 200
    as_user(owner).delete(f"/groups/{group.pk}/members/{outsider.pk}")
    response = api.post(f"/invites/{invite.code}/join", {"accept_rules": True})
    assert error(response) == (403, "removed")
    fresh = invite_create(actor=owner, group=group)
    assert api.post(f"/invites/{fresh.code}/join", {"accept_rules": True}).status_code == 200
