"""Joining a group through an invite link: the rules, the checkbox, and every way it can fail."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from huzhu.groups.models import Group, Invite, Membership
from huzhu.groups.services import (
    group_update_settings,
    invite_create,
    invite_revoke,
    membership_remove,
)
from tests.web.helpers import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite(group: Group, owner) -> Invite:
    return invite_create(actor=owner, group=group, expires_in_hours=24, max_uses=5)


def test_join_page_shows_group_and_rules(
    outsider_client: Client, invite: Invite, group: Group
) -> None:
    response = outsider_client.get(f"/join/{invite.code}/")
    assert response.status_code == 200
    body = text(response)
    assert group.name in body
    assert "先帮后发" in body
    assert "我已阅读并同意群规" in body


def test_join_page_for_a_visitor_offers_sign_up_and_log_in_back_to_the_invite(
    client: Client, invite: Invite
) -> None:
    response = client.get(f"/join/{invite.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/signup/?next=/join/{invite.code}/"' in html
    assert f'href="/login/?next=/join/{invite.code}/"' in html
    assert 'name="accept_rules"' not in html


def test_visitor_posting_the_join_form_is_sent_to_log_in(client: Client, invite: Invite) -> None:
    response = client.post(f"/join/{invite.code}/", {"accept_rules": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_join_with_accepted_rules(
    outsider_client: Client, invite: Invite, group: Group, outsider
) -> None:
    response = outsider_client.post(f"/join/{invite.code.lower()}/", {"accept_rules": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"/groups/{group.pk}/"
    membership = Membership.objects.get(group=group, user=outsider)
    assert membership.status == "active" and membership.rules_accepted_at is not None
    page = outsider_client.get(response["Location"])
    assert f"欢迎加入“{group.name}”！" in text(page)
    # opening the invite again goes straight to the group
    again = outsider_client.get(f"/join/{invite.code}/")
    assert again.status_code == 302 and again["Location"] == f"/groups/{group.pk}/"


def test_join_without_accepting_the_rules(
    outsider_client: Client, invite: Invite, group: Group, outsider
) -> None:
    response = outsider_client.post(f"/join/{invite.code}/", {})
    assert response.status_code == 400
    assert "加入前需要阅读并同意群规。" in text(response)
    assert not Membership.objects.filter(group=group, user=outsider).exists()


def test_join_code_form_redirects_to_the_invite(outsider_client: Client, invite: Invite) -> None:
    response = outsider_client.get("/join/", {"code": f" {invite.code.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == f"/join/{invite.code}/"
    pasted = outsider_client.get("/join/", {"code": f"邀请码：{invite.code[:4]}-{invite.code[4:]}"})
    assert pasted["Location"] == f"/join/{invite.code}/"
    odd = outsider_client.get("/join/", {"code": "AB/CD?x=1"})
    assert odd.status_code == 302
    assert outsider_client.get(odd["Location"]).status_code == 404
    empty = outsider_client.get("/join/", {"code": ""})
    assert empty["Location"] == "/groups/"
    assert "请输入邀请码。" in text(outsider_client.get("/groups/"))


def test_unknown_invite(outsider_client: Client) -> None:
    response = outsider_client.get("/join/NOSUCHCD/")
    assert response.status_code == 404
    assert "邀请码无效，请向群主或管理员索取新的邀请。" in text(response)


def test_revoked_invite(outsider_client: Client, invite: Invite, group: Group, owner) -> None:
    invite_revoke(actor=owner, group=group, invite_id=invite.pk)
    for response in (
        outsider_client.get(f"/join/{invite.code}/"),
        outsider_client.post(f"/join/{invite.code}/", {"accept_rules": "on"}),
    ):
        assert response.status_code == 400
        assert "这个邀请已被撤销" in text(response)
        assert group.name not in text(response)


def test_expired_invite(outsider_client: Client, invite: Invite, group: Group) -> None:
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        response = outsider_client.get(f"/join/{invite.code}/")
    assert response.status_code == 400
    assert "这个邀请已过期" in text(response)


def test_used_up_invite(outsider_client: Client, group: Group, owner) -> None:
    invite = invite_create(actor=owner, group=group, max_uses=1)
    Invite.objects.filter(pk=invite.pk).update(uses=1)
    response = outsider_client.get(f"/join/{invite.code}/")
    assert response.status_code == 400
    assert "这个邀请的使用次数已满" in text(response)


def test_full_group(outsider_client: Client, group: Group, owner, member, invite: Invite) -> None:
    group_update_settings(
        actor=owner,
        group=group,
        name=group.name,
        description="",
        rules=group.rules,
        capacity=2,
        invite_only=True,
    )
    response = outsider_client.post(f"/join/{invite.code}/", {"accept_rules": "on"})
    assert response.status_code == 409
    assert "这个群已满员（2 人），暂时无法加入。" in text(response)


def test_removed_member_cannot_use_an_old_invite(
    member_client: Client, group: Group, owner, member, invite: Invite
) -> None:
    membership_remove(actor=owner, group=group, user_id=member.pk)
    response = member_client.post(f"/join/{invite.code}/", {"accept_rules": "on"})
    assert response.status_code == 403
    assert "你已被移出这个群，旧的邀请不能再使用，请联系群主。" in text(response)
    assert member_client.get(f"/groups/{group.pk}/").status_code == 404


def test_removed_member_may_rejoin_with_a_new_invite(
    member_client: Client, group: Group, owner, member
) -> None:
    membership_remove(actor=owner, group=group, user_id=member.pk)
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        fresh = invite_create(actor=owner, group=group)
        response = member_client.post(f"/join/{fresh.code}/", {"accept_rules": "on"})
    assert response.status_code == 302
    assert member_client.get(f"/groups/{group.pk}/").status_code == 200
