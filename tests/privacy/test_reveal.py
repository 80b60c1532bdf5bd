"""Revealing an encrypted field needs the password and leaves an audit row; addresses for a
group-buy are visible (masked) to their owner and the organiser only."""

from __future__ import annotations

import pytest

from huzhu.audit.models import AuditEvent, AuditEventType
from huzhu.core.errors import Conflict, Forbidden, NotFound
from huzhu.privacy.services import (
    address_reveal,
    address_share,
    address_withdraw,
    addresses_visible_to,
    recovery_phone_masked,
    recovery_phone_reveal,
    recovery_phone_set,
)
from tests.factories import PASSWORD


def _share(alice, groupbuy):
    return address_share(
        actor=alice,
        request_id=groupbuy.pk,
        recipient_name="阿丽",
        phone="13900001111",
        address="上海市徐汇区漕溪北路 1 号 2 栋",
    )


def test_phone_masked_then_revealed_with_password_and_audited(member):
    recovery_phone_set(user=member, phone="13812345678")
    assert recovery_phone_masked(user=member) == "138****5678"
    with pytest.raises(Forbidden):
        recovery_phone_reveal(user=member, password="wrong")
    assert not AuditEvent.objects.filter(event_type=AuditEventType.PRIVATE_FIELD_REVEALED).exists()
    assert recovery_phone_reveal(user=member, password=PASSWORD) == "13812345678"
    event = AuditEvent.objects.get(event_type=AuditEventType.PRIVATE_FIELD_REVEALED)
    assert event.actor == member and event.extra == {"field": "recovery_phone"}


def test_organiser_sees_masked_address_and_reveals_with_password(member, alice, groupbuy):
    row = _share(alice, groupbuy)
    seen = addresses_visible_to(user=member)["shared_with_me"]
    assert [a["phone"] for a in seen] == ["139****1111"]
    assert "漕溪北路" not in seen[0]["address"]
    revealed = address_reveal(actor=member, address_id=row.pk, password=PASSWORD)
    assert revealed["address"] == "上海市徐汇区漕溪北路 1 号 2 栋"
    event = AuditEvent.objects.get(event_type=AuditEventType.PRIVATE_FIELD_REVEALED)
    assert event.actor == member and event.target_user == alice


def test_other_members_and_outsiders_cannot_reveal(group, member, alice, outsider, groupbuy):
    from tests.factories import join, make_user

    row = _share(alice, groupbuy)
    bystander = join(group, make_user("bystander")).user
    for who in (bystander, outsider):
        with pytest.raises(NotFound):
            address_reveal(actor=who, address_id=row.pk, password=PASSWORD)
        assert addresses_visible_to(user=who)["shared_with_me"] == []


def test_share_twice_conflicts_and_withdraw_erases(member, alice, groupbuy):
    row = _share(alice, groupbuy)
    with pytest.raises(Conflict):
        _share(alice, groupbuy)
    address_withdraw(actor=alice, address_id=row.pk)
    with pytest.raises(NotFound):
        address_reveal(actor=member, address_id=row.pk, password=PASSWORD)
    row.refresh_from_db()
    assert row.address_encrypted == ""
    _share(alice, groupbuy)  # may share again after withdrawing


def test_outsider_cannot_share_for_a_groupbuy_of_another_group(outsider, groupbuy):
    with pytest.raises(NotFound):
        _share(outsider, groupbuy)
