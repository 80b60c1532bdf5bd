"""Privacy settings decide what a member profile shows; aliases per group; relayed contact."""

from __future__ import annotations

import pytest
from django.test import Client

from huzhu.core.errors import Conflict, Forbidden, NotFound
from huzhu.groups.services import membership_set_role
from huzhu.privacy.services import (
    contact_request_answer,
    contact_request_send,
    contact_requests_for,
    display_name_in_group,
    group_alias_set,
    privacy_allows,
    privacy_settings_update,
)
from tests.factories import make_group


def test_visibility_follows_settings(group, owner, member, alice):
    membership_set_role(actor=owner, group=group, user_id=alice.pk, role="admin")
    # Defaults: profile to group members, groups to nobody, ledger to admins.
    assert privacy_allows(viewer=alice, owner=member, aspect="profile", group=group)
    assert not privacy_allows(viewer=owner, owner=member, aspect="groups", group=group)
    assert privacy_allows(viewer=alice, owner=member, aspect="ledger", group=group)
    privacy_settings_update(user=member, profile_visibility="nobody", ledger_visibility="nobody")
    assert not privacy_allows(viewer=alice, owner=member, aspect="profile", group=group)
    assert not privacy_allows(viewer=owner, owner=member, aspect="ledger", group=group)
    assert privacy_allows(viewer=member, owner=member, aspect="ledger", group=group)


def test_outsider_sees_nothing_even_when_open(group, member, outsider):
    privacy_settings_update(user=member, profile_visibility="group_members")
    assert not privacy_allows(viewer=outsider, owner=member, aspect="profile", group=group)


def test_alias_is_per_group(group, owner, member):
    other = make_group(owner, name="考研互助群")
    from tests.factories import join

    join(other, member)
    group_alias_set(user=member, group=group, alias="拼团小李")
    assert display_name_in_group(user=member, group=group) == "拼团小李"
    assert display_name_in_group(user=member, group=other) == "群友小李"
    group_alias_set(user=member, group=group, alias="")
    assert display_name_in_group(user=member, group=group) == "群友小李"


def test_contact_relay_shows_details_only_when_shared(group, member, alice):
    req = contact_request_send(
        sender=alice,
        group=group,
        recipient_id=member.pk,
        message="想问问奶粉拼团的事",
        share_contact="wx: ali_2026",
    )
    # Before answering, the recipient does not see what the sender offered.
    assert contact_requests_for(user=member)[0]["their_contact"] == ""
    with pytest.raises(Conflict):
        contact_request_send(sender=alice, group=group, recipient_id=member.pk, message="再问一次")
    contact_request_answer(actor=member, request_id=req.pk, accept=True)
    assert contact_requests_for(user=member)[0]["their_contact"] == "wx: ali_2026"
    # The recipient accepted without sharing: the sender still sees nothing of theirs.
    assert contact_requests_for(user=alice)[0]["their_contact"] == ""
    req.refresh_from_db()
    assert "ali_2026" not in req.sender_contact_encrypted


def test_declined_request_hides_senders_contact(group, member, alice):
    req = contact_request_send(
        sender=alice, group=group, recipient_id=member.pk, message="你好", share_contact="138"
    )
    contact_request_answer(actor=member, request_id=req.pk, accept=False)
    assert contact_requests_for(user=member)[0]["their_contact"] == ""
    with pytest.raises(NotFound):  # only the recipient answers, once
        contact_request_answer(actor=alice, request_id=req.pk, accept=True)


def test_contact_refused_across_groups_and_when_closed(group, member, alice, outsider):
    with pytest.raises(NotFound):
        contact_request_send(sender=outsider, group=group, recipient_id=member.pk, message="hi")
    with pytest.raises(NotFound):
        contact_request_send(sender=alice, group=group, recipient_id=outsider.pk, message="hi")
    privacy_settings_update(user=member, accept_contact_requests=False)
    with pytest.raises(Forbidden):
        contact_request_send(sender=alice, group=group, recipient_id=member.pk, message="hi")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_profile_page_respects_settings_and_hides_other_groups(group, member, alice, outsider):
    privacy_settings_update(user=member, profile_visibility="nobody", ledger_visibility="nobody")
    url = f"/groups/{group.pk}/members/{member.pk}/profile/"
    body = _client(alice).get(url).content.decode()
    assert 'data-testid="profile-hidden"' in body and 'data-testid="balance"' not in body
    assert _client(outsider).get(url).status_code == 404
    response = _client(alice).post(url, {"message": "你好，想请教拼团", "share_contact": ""})
    assert response.status_code == 302
    assert "你好，想请教拼团" in _client(member).get("/account/contacts/").content.decode()
