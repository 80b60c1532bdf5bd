"""Groups through the API: my groups, create, read, settings, leave, transfer. Outsiders see 404s
that are indistinguishable from a group that does not exist."""

from __future__ import annotations

import pytest

from huzhu.audit.models import AuditEvent, AuditEventType
from huzhu.groups.models import Group, Membership
from tests.api.conftest import error
from tests.factories import make_group

pytestmark = pytest.mark.django_db


def test_create_makes_me_owner_and_lists_the_group(as_user, outsider):
    api = as_user(outsider)
    response = api.post(
        "/groups",
        {"name": "考研学习互助群", "description": "一起上岸", "rules": "互相督促", "capacity": 50},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "考研学习互助群" and body["rules"] == "互相督促"
    assert body["capacity"] == 50 and body["invite_only"] is True
    assert body["my_role"] == "owner" and body["member_count"] == 1
    mine = api.get("/groups").json()
    assert mine["count"] == 1
    assert mine["items"][0] == {
        "id": body["id"],
        "name": "考研学习互助群",
        "description": "一起上岸",
        "capacity": 50,
        "my_role": "owner",
        "joined_at": mine["items"][0]["joined_at"],
    }
    assert AuditEvent.objects.filter(
        event_type=AuditEventType.GROUP_CREATED, group_id=body["id"]
    ).exists()


def test_create_uses_defaults(as_user, outsider):
    body = as_user(outsider).post("/groups", {"name": "上班族生活互助群"}).json()
    assert body["capacity"] == 500 and body["description"] == "" and body["invite_only"] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "群" * 41}, "name"),
        ({"name": ""}, "name"),
        ({}, "name"),
        ({"name": "群", "description": "字" * 501}, "description"),
        ({"name": "群", "rules": "规" * 5001}, "rules"),
        ({"name": "群", "capacity": 1}, "capacity"),
        ({"name": "群", "capacity": 2001}, "capacity"),
        ({"name": "群", "capacity": "很多"}, "capacity"),
        ({"name": "群", "invite_only": "yes"}, "invite_only"),
        ({"name": ["群"]}, "name"),
    ],
)
def test_bad_group_input_is_422_naming_the_field(as_user, outsider, body, field):
    response = as_user(outsider).post("/groups", body)
    assert error(response) == (422, "invalid")
    assert field in {e["field"] for e in response.json()["errors"]}
    assert field in response.json()["message"]
    assert not Group.objects.exists()


def test_blank_name_is_refused_by_the_service(as_user, outsider):
    assert error(as_user(outsider).post("/groups", {"name": "   "})) == (400, "invalid_name")


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"群"'])
def test_body_that_is_not_a_json_object_is_refused(as_user, outsider, raw):
    status, code = error(as_user(outsider).post("/groups", raw))
    assert (status, code) in {(400, "bad_request"), (422, "invalid")}
    assert not Group.objects.exists()


def test_my_groups_lists_only_mine_and_paginates(as_user, owner, group, outsider):
    others = make_group(outsider, name="别人的群")
    mine = [make_group(owner, name=f"群{n}") for n in range(3)]
    api = as_user(owner)
    listed = api.get("/groups").json()
    assert listed["count"] == 4
    assert others.pk not in {g["id"] for g in listed["items"]}
    page = api.get("/groups", limit=2, offset=1).json()
    assert page["count"] == 4 and len(page["items"]) == 2
    assert [g["id"] for g in page["items"]] == [mine[1].pk, mine[0].pk]  # newest joined first


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"offset": -1}, "offset")],
)
def test_pagination_limits(as_user, owner, params, field):
    response = as_user(owner).get("/groups", **params)
    assert error(response) == (422, "invalid")
    assert response.json()["errors"][0]["field"] == field


def test_member_reads_the_group(as_user, group, member):
    body = as_user(member).get(f"/groups/{group.pk}").json()
    assert body["id"] == group.pk and body["my_role"] == "member"
    assert body["member_count"] == 2 and "先帮后发" in body["rules"]


def test_outsider_gets_the_same_404_as_for_a_missing_group(as_user, group, outsider):
    api = as_user(outsider)
    hidden = api.get(f"/groups/{group.pk}")
    missing = api.get(f"/groups/{group.pk + 1000}")
    assert error(hidden) == (404, "not_found")
    assert hidden.json() == missing.json()
    assert group.name not in hidden.content.decode()


@pytest.mark.parametrize("group_id", ["abc", "0", "-3", "99999999999999999999999"])
def test_malformed_group_ids_are_422_not_500(as_user, outsider, group_id):
    assert error(as_user(outsider).get(f"/groups/{group_id}")) == (422, "invalid")


def test_admin_updates_only_the_fields_sent(as_user, group, admin):
    response = as_user(admin).patch(f"/groups/{group.pk}", {"name": "宝妈拼团互助群（二群）"})
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "宝妈拼团互助群（二群）" and body["my_role"] == "admin"
    group.refresh_from_db()
    assert group.rules == "1. 先帮后发\n2. 禁止广告" and group.capacity == 500
    event = AuditEvent.objects.get(event_type=AuditEventType.GROUP_SETTINGS_CHANGED)
    assert event.actor == admin and set(event.extra["changes"]) == {"name"}


def test_owner_changes_rules_and_capacity(as_user, owner, group):
    body = (
        as_user(owner)
        .patch(f"/groups/{group.pk}", {"rules": "新群规", "capacity": 100, "invite_only": False})
        .json()
    )
    assert body["rules"] == "新群规" and body["capacity"] == 100 and body["invite_only"] is False


def test_settings_refusals(as_user, group, member, outsider):
    assert error(as_user(member).patch(f"/groups/{group.pk}", {"name": "改名"})) == (
        403,
        "forbidden",
    )
    assert error(as_user(outsider).patch(f"/groups/{group.pk}", {"name": "改名"})) == (
        404,
        "not_found",
    )


def test_capacity_below_member_count_is_refused(as_user, owner, group, member, admin):
    response = as_user(owner).patch(f"/groups/{group.pk}", {"capacity": 2})
    assert error(response) == (400, "invalid_capacity")
    assert "3" in response.json()["message"]


def test_member_leaves_and_loses_access(as_user, group, member):
    api = as_user(member)
    assert api.post(f"/groups/{group.pk}/leave").status_code == 204
    assert error(api.get(f"/groups/{group.pk}")) == (404, "not_found")
    assert api.get("/groups").json()["count"] == 0
    assert error(api.post(f"/groups/{group.pk}/leave")) == (404, "not_found")


def test_owner_cannot_leave_without_transfer(as_user, owner, group):
    response = as_user(owner).post(f"/groups/{group.pk}/leave")
    assert error(response) == (409, "owner_cannot_leave")
    assert "转让" in response.json()["message"]


def test_transfer_ownership(as_user, owner, group, member):
    response = as_user(owner).post(f"/groups/{group.pk}/transfer-ownership", {"user_id": member.pk})
    assert response.status_code == 200
    assert response.json()["user_id"] == member.pk and response.json()["role"] == "owner"
    assert Membership.objects.get(group=group, user=owner).role == "admin"
    assert as_user(owner).post(f"/groups/{group.pk}/leave").status_code == 204


def test_transfer_refusals(as_user, owner, group, member, admin, outsider):
    url = f"/groups/{group.pk}/transfer-ownership"
    assert error(as_user(admin).post(url, {"user_id": member.pk})) == (403, "forbidden")
    assert error(as_user(outsider).post(url, {"user_id": outsider.pk})) == (404, "not_found")
    owner_api = as_user(owner)
    assert error(owner_api.post(url, {"user_id": outsider.pk})) == (404, "not_found")
    assert error(owner_api.post(url, {"user_id": owner.pk})) == (409, "already_owner")
    assert error(owner_api.post(url, {"user_id": "小李"})) == (422, "invalid")
    assert error(owner_api.post(url, {})) == (422, "invalid")
    assert Membership.objects.get(group=group, user=owner).role == "owner"
