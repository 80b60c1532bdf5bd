"""Group pages: my groups, group home, members and invites (plain and htmx), settings, audit, leave."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from huzhu.audit.models import AuditEvent
from huzhu.groups.models import Group, Invite, Membership
from huzhu.groups.services import invite_create
from tests.factories import join, make_group, make_user
from tests.web.helpers import text

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
CSRF_VALUE = re.compile(r'value="[A-Za-z0-9]{64}"|content="[A-Za-z0-9]{64}"')


# --- my groups ----------------------------------------------------------------------------------


def test_my_groups_lists_my_groups_with_my_role(owner_client: Client, group: Group) -> None:
    response = owner_client.get("/groups/")
    assert response.status_code == 200
    body = text(response)
    assert group.name in body
    assert "群主" in body
    assert f'href="/groups/{group.pk}/"' in response.content.decode()


def test_my_groups_does_not_list_other_peoples_groups(
    outsider_client: Client, group: Group
) -> None:
    response = outsider_client.get("/groups/")
    assert group.name not in text(response)
    assert "你还没有加入任何群" in text(response)


def test_create_group(outsider_client: Client, outsider) -> None:
    response = outsider_client.post(
        "/groups/",
        {
            "name": "考研学习互助群",
            "description": "一起备考",
            "rules": "1. 每天打卡",
            "capacity": "200",
            "invite_only": "on",
        },
    )
    group = Group.objects.get(name="考研学习互助群")
    assert response.status_code == 302
    assert response["Location"] == f"/groups/{group.pk}/"
    assert group.capacity == 200 and group.invite_only
    assert Membership.objects.get(group=group, user=outsider).role == "owner"
    page = outsider_client.get(response["Location"])
    assert "群“考研学习互助群”已创建。" in text(page)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "   "}, "请填写群名称。"),
        ({"name": "群" * 41}, "群名称最多 40 个字符。"),
        ({"name": "好群", "description": "介" * 501}, "群简介最多 500 个字符。"),
        ({"name": "好群", "rules": "规" * 5001}, "群规最多 5000 个字符。"),
        ({"name": "好群", "capacity": "5000"}, "人数上限须在 2 到 2000 之间。"),
        ({"name": "好群", "capacity": "1"}, "人数上限须在 2 到 2000 之间。"),
        ({"name": "好群", "capacity": "很多"}, "输入整数"),
        ({}, "这个字段是必填项。"),
    ],
)
def test_create_group_bad_input(
    outsider_client: Client, data: dict[str, str], message: str
) -> None:
    response = outsider_client.post("/groups/", data)
    assert response.status_code == 400
    assert message in text(response)
    assert not Group.objects.filter(created_by__username="outsider").exists()


# --- group home and access ---------------------------------------------------------------------


def test_group_home_shows_rules_and_members_with_roles(
    member_client: Client, group: Group, owner, member
) -> None:
    response = member_client.get(f"/groups/{group.pk}/")
    assert response.status_code == 200
    body = text(response)
    assert "先帮后发" in body and "禁止广告" in body
    assert owner.display_name in body and member.display_name in body
    assert "群主" in body
    # a plain member sees no invites panel and no role actions
    html = response.content.decode()
    assert 'id="invites"' not in html
    assert not re.search(r"/members/\d+/(role|remove|transfer)/", html)
    # … only a report link for the other members
    assert f"/groups/{group.pk}/members/{owner.pk}/report/" in html


def test_owner_sees_invites_panel_and_member_actions(
    owner_client: Client, group: Group, member
) -> None:
    html = owner_client.get(f"/groups/{group.pk}/").content.decode()
    assert 'id="invites"' in html
    assert f"/groups/{group.pk}/members/{member.pk}/role/" in html
    assert f"/groups/{group.pk}/members/{member.pk}/remove/" in html
    assert f"/groups/{group.pk}/members/{member.pk}/transfer/" in html


def _scrub(html: str) -> str:
    """Drop what legitimately differs between two renders: CSRF tokens and the page's own URL."""
    html = CSRF_VALUE.sub("", html)
    return re.sub(r'name="next" value="[^"]*"', "", html)


@pytest.mark.parametrize("suffix", ["", "settings/", "audit/"])
def test_non_member_gets_the_same_404_as_a_missing_group(
    outsider_client: Client, group: Group, suffix: str
) -> None:
    hidden = outsider_client.get(f"/groups/{group.pk}/{suffix}")
    missing = outsider_client.get(f"/groups/{group.pk + 1000}/{suffix}")
    assert hidden.status_code == missing.status_code == 404
    assert "没有找到这个群，或你不是群成员。" in text(hidden)
    assert group.name not in text(hidden)
    assert _scrub(hidden.content.decode()) == _scrub(missing.content.decode())


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("post", "invites/"),
        ("post", "invites/1/revoke/"),
        ("post", "members/1/role/"),
        ("post", "members/1/remove/"),
        ("post", "members/1/transfer/"),
        ("post", "leave/"),
    ],
)
def test_non_member_actions_are_404_too(
    outsider_client: Client, group: Group, method: str, suffix: str
) -> None:
    response = getattr(outsider_client, method)(f"/groups/{group.pk}/{suffix}", {"role": "admin"})
    assert response.status_code == 404
    assert group.name not in text(response)


def test_group_pages_need_login(client: Client, group: Group) -> None:
    response = client.get(f"/groups/{group.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_htmx_request_without_session_navigates_to_login(client: Client, group: Group) -> None:
    response = client.post(f"/groups/{group.pk}/invites/", {}, headers=HX)
    # not a 302 that htmx would follow and swap the login page into the invites panel
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/login/?next=/groups/{group.pk}/invites/"


# --- settings ---------------------------------------------------------------------------------


def test_member_cannot_open_settings_or_audit(member_client: Client, group: Group) -> None:
    for suffix in ("settings/", "audit/"):
        response = member_client.get(f"/groups/{group.pk}/{suffix}")
        assert response.status_code == 403
        assert "只有群主和管理员可以这样做。" in text(response)


def test_admin_changes_settings_and_it_is_audited(owner_client: Client, group: Group) -> None:
    page = owner_client.get(f"/groups/{group.pk}/settings/")
    assert page.status_code == 200
    assert 'value="宝妈拼团互助群"' in page.content.decode()
    response = owner_client.post(
        f"/groups/{group.pk}/settings/",
        {"name": "宝妈互助群", "description": "新简介", "rules": "1. 友善", "capacity": "300"},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.capacity, group.invite_only) == ("宝妈互助群", 300, False)
    assert "群设置已保存。" in text(owner_client.get(response["Location"]))
    event = AuditEvent.objects.filter(group=group, event_type="group.settings_changed").get()
    assert event.extra["changes"]["name"] == ["宝妈拼团互助群", "宝妈互助群"]


def test_settings_capacity_below_member_count_is_refused(
    owner_client: Client, group: Group, member
) -> None:
    response = owner_client.post(
        f"/groups/{group.pk}/settings/", {"name": group.name, "capacity": "1"}
    )
    assert response.status_code == 400
    assert "人数上限须在 2 到 2000 之间。" in text(response)
    for _i in range(2):
        join(group)
    response = owner_client.post(
        f"/groups/{group.pk}/settings/", {"name": group.name, "capacity": "3"}
    )
    assert response.status_code == 400
    assert "人数上限不能低于当前成员数（4 人）。" in text(response)


# --- audit log --------------------------------------------------------------------------------


def test_audit_log_shows_labelled_events(owner_client: Client, group: Group, member, owner) -> None:
    response = owner_client.get(f"/groups/{group.pk}/audit/")
    assert response.status_code == 200
    body = text(response)
    for label in ("创建群", "创建邀请", "成员加入"):
        assert label in body
    assert f"操作人：{member.display_name}" in body
    assert f"对象：{member.display_name}" in body
    assert "rules_accepted_at" in body  # the JSON extra is shown


def test_audit_log_paginates(owner_client: Client, group: Group, owner) -> None:
    for _i in range(55):
        invite_create(actor=owner, group=group)
    first = owner_client.get(f"/groups/{group.pk}/audit/")
    assert "第 1 / 2 页" in text(first)
    assert owner_client.get(f"/groups/{group.pk}/audit/?page=2").status_code == 200


# --- invites ---------------------------------------------------------------------------------


def test_create_invite_with_htmx_returns_the_panel(owner_client: Client, group: Group) -> None:
    response = owner_client.post(
        f"/groups/{group.pk}/invites/", {"expires_in_hours": "24", "max_uses": "3"}, headers=HX
    )
    assert response.status_code == 200
    invite = Invite.objects.filter(group=group, max_uses=3).get()
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="invites"')
    assert f"http://testserver/join/{invite.code}/" in html
    assert "已用 0 / 3 次" in text(response)
    assert 'hx-swap-oob="true"' in html and f"邀请码 {invite.code}" in html
    assert 23.9 < (invite.expires_at - invite.created_at).total_seconds() / 3600 <= 24


def test_create_invite_without_htmx_redirects_to_the_group(
    owner_client: Client, group: Group
) -> None:
    response = owner_client.post(
        f"/groups/{group.pk}/invites/", {"expires_in_hours": "168", "max_uses": "0"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/groups/{group.pk}/"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"expires_in_hours": "5", "max_uses": "0"}, "选择一个有效的选项"),
        (
            {"expires_in_hours": "24", "max_uses": "5000"},
            "使用次数上限须在 0（不限）到 2000 之间。",
        ),
        ({"expires_in_hours": "24", "max_uses": "-1"}, "使用次数上限须在 0（不限）到 2000 之间。"),
    ],
)
def test_create_invite_bad_input(
    owner_client: Client, group: Group, data: dict[str, str], message: str
) -> None:
    before = Invite.objects.count()
    for extra in ({}, HX):
        response = owner_client.post(f"/groups/{group.pk}/invites/", data, headers=extra)
        assert response.status_code == 400
        assert message in text(response)
    assert Invite.objects.count() == before


def test_member_cannot_create_or_revoke_invites(member_client: Client, group: Group, owner) -> None:
    response = member_client.post(f"/groups/{group.pk}/invites/", {"expires_in_hours": "24"})
    assert response.status_code == 403
    assert "只有群主和管理员可以这样做。" in text(response)
    invite = invite_create(actor=owner, group=group)
    response = member_client.post(f"/groups/{group.pk}/invites/{invite.pk}/revoke/", headers=HX)
    assert response.status_code == 403
    # htmx errors go to the flash area, not into the panel
    assert response["HX-Retarget"] == "#flash"
    invite.refresh_from_db()
    assert invite.revoked_at is None


def test_revoke_invite(owner_client: Client, group: Group, owner) -> None:
    invite = invite_create(actor=owner, group=group)
    response = owner_client.post(f"/groups/{group.pk}/invites/{invite.pk}/revoke/", headers=HX)
    assert response.status_code == 200
    invite.refresh_from_db()
    assert invite.revoked_at is not None
    assert f"邀请 {invite.code} 已撤销。" in text(response)
    assert "已撤销" in text(response)


def test_revoke_unknown_invite_is_404(owner_client: Client, group: Group) -> None:
    response = owner_client.post(f"/groups/{group.pk}/invites/999999/revoke/")
    assert response.status_code == 404
    assert "没有找到这个邀请。" in text(response)


def test_invites_of_another_group_cannot_be_revoked(owner_client: Client, group: Group) -> None:
    other_owner = make_user("other", "别人")
    other = make_group(other_owner, name="别的群")
    join(other, Membership.objects.get(group=group, role="owner").user)
    invite = invite_create(actor=other_owner, group=other)
    response = owner_client.post(f"/groups/{group.pk}/invites/{invite.pk}/revoke/")
    assert response.status_code == 404
    invite.refresh_from_db()
    assert invite.revoked_at is None


# --- members: roles, removal, transfer, leave ------------------------------------------------------


def test_owner_promotes_and_demotes_with_htmx(owner_client: Client, group: Group, member) -> None:
    url = f"/groups/{group.pk}/members/{member.pk}/role/"
    response = owner_client.post(url, {"role": "admin"}, headers=HX)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<section class="card" id="members"')
    assert Membership.objects.get(group=group, user=member).role == "admin"
    assert f"已把 {member.display_name} 设为管理员。" in text(response)
    assert "取消管理员" in text(response)
    response = owner_client.post(url, {"role": "member"}, headers=HX)
    assert Membership.objects.get(group=group, user=member).role == "member"
    assert f"已取消 {member.display_name} 的管理员身份。" in text(response)


def test_role_change_bad_input(owner_client: Client, group: Group, member, owner) -> None:
    response = owner_client.post(f"/groups/{group.pk}/members/{member.pk}/role/", {"role": "owner"})
    assert response.status_code == 400
    assert "只能设为管理员或普通成员。" in text(response)
    response = owner_client.post(f"/groups/{group.pk}/members/{owner.pk}/role/", {"role": "admin"})
    assert response.status_code == 409
    assert "不能更改群主的角色" in text(response)
    response = owner_client.post(f"/groups/{group.pk}/members/999999/role/", {"role": "admin"})
    assert response.status_code == 404
    assert "这个用户不是本群成员。" in text(response)


def test_admin_cannot_change_roles_or_transfer(
    member_client: Client, group: Group, member, owner
) -> None:
    Membership.objects.filter(group=group, user=member).update(role="admin")
    other = join(group).user
    response = member_client.post(f"/groups/{group.pk}/members/{other.pk}/role/", {"role": "admin"})
    assert response.status_code == 403
    assert "只有群主可以这样做。" in text(response)
    response = member_client.post(f"/groups/{group.pk}/members/{other.pk}/transfer/")
    assert response.status_code == 403
    assert Membership.objects.get(group=group, user=owner).role == "owner"


def test_admin_removes_a_member_but_not_the_owner(
    member_client: Client, group: Group, member, owner
) -> None:
    Membership.objects.filter(group=group, user=member).update(role="admin")
    other = join(group, make_user("xiaozhang", "小张")).user
    response = member_client.post(f"/groups/{group.pk}/members/{other.pk}/remove/", headers=HX)
    assert response.status_code == 200
    assert Membership.objects.get(group=group, user=other).status == "removed"
    assert "已把 小张 移出本群。" in text(response)
    assert 'data-username="xiaozhang"' not in response.content.decode()
    response = member_client.post(f"/groups/{group.pk}/members/{owner.pk}/remove/", headers=HX)
    assert response.status_code == 403
    assert "管理员不能移出群主或其他管理员。" in text(response)


def test_plain_member_cannot_remove(member_client: Client, group: Group) -> None:
    other = join(group).user
    response = member_client.post(f"/groups/{group.pk}/members/{other.pk}/remove/")
    assert response.status_code == 403


def test_transfer_ownership(owner_client: Client, group: Group, member, owner) -> None:
    response = owner_client.post(f"/groups/{group.pk}/members/{member.pk}/transfer/", headers=HX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/groups/{group.pk}/"
    assert Membership.objects.get(group=group, user=member).role == "owner"
    assert Membership.objects.get(group=group, user=owner).role == "admin"
    response = owner_client.post(f"/groups/{group.pk}/members/{member.pk}/transfer/")
    assert response.status_code == 403  # no longer the owner


def test_owner_cannot_leave_without_transfer(owner_client: Client, group: Group) -> None:
    response = owner_client.post(f"/groups/{group.pk}/leave/")
    assert response.status_code == 409
    assert "群主不能直接退出，请先把群主转让给其他成员。" in text(response)


def test_member_leaves_and_then_cannot_see_the_group(
    member_client: Client, group: Group, member
) -> None:
    response = member_client.post(f"/groups/{group.pk}/leave/")
    assert response.status_code == 302
    assert response["Location"] == "/groups/"
    assert f"你已退出“{group.name}”。" in text(member_client.get("/groups/"))
    assert member_client.get(f"/groups/{group.pk}/").status_code == 404


def test_actions_are_post_only(owner_client: Client, group: Group, member) -> None:
    for suffix in ("leave/", "invites/", f"members/{member.pk}/remove/"):
        assert owner_client.get(f"/groups/{group.pk}/{suffix}").status_code == 405


def test_htmx_post_with_csrf_header_is_accepted(group: Group, owner) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    page = client.get(f"/groups/{group.pk}/").content.decode()
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert token is not None
    url = f"/groups/{group.pk}/invites/"
    assert client.post(url, {"expires_in_hours": "24"}, headers=HX).status_code == 403
    response = client.post(
        url, {"expires_in_hours": "24"}, HTTP_X_CSRFTOKEN=token.group(1), headers=HX
    )
    assert response.status_code == 200


def test_group_home_queries_do_not_grow_with_members(
    owner_client: Client, group: Group, owner, django_assert_max_num_queries
) -> None:
    join(group)
    invite_create(actor=owner, group=group)
    owner_client.get(f"/groups/{group.pk}/")  # warm up session and caches
    with CaptureQueriesContext(connection) as few:
        assert owner_client.get(f"/groups/{group.pk}/").status_code == 200
    for _i in range(15):
        join(group)
        invite_create(actor=owner, group=group)
    with django_assert_max_num_queries(len(few)):
        assert owner_client.get(f"/groups/{group.pk}/").status_code == 200
