"""Resources: share, edit, delete, confirm, expiry, re-share, savings, share text and QR code."""

from __future__ import annotations

import zlib
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from huzhu.audit.models import AuditEvent
from huzhu.core.errors import Forbidden, InvalidInput, NotFound
from huzhu.resources.models import ResourcePublication, ResourceStatus
from huzhu.resources.savings import savings_for_group, savings_for_member
from huzhu.resources.services import (
    resource_confirm,
    resource_delete,
    resource_edit,
    resource_get,
    resource_is_stale,
    resource_qr_png,
    resource_reshare,
    resource_share,
    resource_share_text,
    resources_visible,
)
from tests.factories import join, make_user
from tests.resources.helpers import share_deal


def test_share_deal_stores_clean_link_platform_and_tags(group, alice):
    deal = share_deal(alice, group)
    assert deal.link == "https://mobile.yangkeduo.com/goods.html?goods_id=123456789"
    assert "share_uin" not in deal.link and "refer_share_uid" not in deal.link
    assert deal.platform == "pinduoduo"
    assert deal.goods_id == "123456789"
    assert deal.tag_list == ["纸巾", "日用"]
    assert deal.saving == Decimal("15.10")
    assert list(resources_visible(user=alice, group=group)) == [deal]


def test_deal_needs_shopping_link_and_sane_prices(group, alice):
    with pytest.raises(InvalidInput) as err:
        share_deal(alice, group, link="https://example.com/x")
    assert err.value.code == "link_not_shopping"
    with pytest.raises(InvalidInput) as err:
        share_deal(alice, group, price="50", original_price="45")
    assert err.value.code == "invalid_price"
    with pytest.raises(InvalidInput) as err:
        share_deal(alice, group, price="")
    assert err.value.code == "missing_price"
    with pytest.raises(InvalidInput):
        share_deal(alice, group, price="abc")


def test_lookalike_link_is_refused_for_every_kind(group, alice):
    with pytest.raises(InvalidInput) as err:
        resource_share(
            actor=alice,
            group=group,
            kind="guide",
            title="攻略",
            link="https://yangkeduo-login.com.evil.cn/goods.html",
        )
    assert err.value.code in ("link_suspicious", "invalid_link")


def test_share_screens_title_and_body_and_masks(group, alice, screen):
    screen.action = "redact"
    screen.replace = ("13812345678", "138****5678")
    tip = resource_share(
        actor=alice, group=group, kind="tip", title="快递代收", body="有事打我电话13812345678"
    )
    assert tip.body == "有事打我电话138****5678"
    assert tip.screening_action == "redact"
    assert screen.calls == [("快递代收\n有事打我电话13812345678", group.pk)]


def test_blocked_text_is_refused_and_held_text_is_hidden_from_others(group, alice, bob, screen):
    screen.action = "block"
    screen.reason = "疑似诈骗"
    with pytest.raises(InvalidInput) as err:
        resource_share(actor=alice, group=group, kind="tip", title="刷单返利")
    assert "疑似诈骗" in str(err.value)
    screen.action = "hold"
    held = resource_share(actor=alice, group=group, kind="tip", title="兼职信息")
    assert held.publication == ResourcePublication.HELD
    assert resource_get(user=alice, resource_id=held.pk) == held
    with pytest.raises(NotFound):
        resource_get(user=bob, resource_id=held.pk)
    assert held not in resources_visible(user=bob)


def test_non_member_cannot_share_or_see(group, alice, outsider):
    deal = share_deal(alice, group)
    with pytest.raises(NotFound):
        share_deal(outsider, group)
    with pytest.raises(NotFound):
        resource_get(user=outsider, resource_id=deal.pk)
    assert list(resources_visible(user=outsider)) == []


def test_idempotent_share(group, alice):
    first = share_deal(alice, group, idempotency_key="k1")
    again = share_deal(alice, group, idempotency_key="k1")
    assert first.pk == again.pk


def test_edit_only_by_author_and_screened_again(group, alice, bob, screen):
    guide = resource_share(
        actor=alice, group=group, kind="guide", title="双十一攻略", body="先领券"
    )
    with pytest.raises(Forbidden):
        resource_edit(actor=bob, resource_id=guide.pk, title="改标题")
    screen.calls.clear()
    edited = resource_edit(actor=alice, resource_id=guide.pk, body="先领券再凑单", tags="双十一")
    assert edited.body == "先领券再凑单"
    assert edited.tag_list == ["双十一"]
    assert edited.edited_at is not None
    assert screen.calls == [("双十一攻略\n先领券再凑单", group.pk)]


def test_delete_by_author_or_admin_with_audit(group, owner, alice, bob):
    mine = share_deal(alice, group)
    with pytest.raises(Forbidden):
        resource_delete(actor=bob, resource_id=mine.pk)
    resource_delete(actor=alice, resource_id=mine.pk)
    with pytest.raises(NotFound):
        resource_get(user=alice, resource_id=mine.pk)
    assert not AuditEvent.objects.filter(event_type="resource.removed").exists()
    other = share_deal(bob, group, title="另一个优惠")
    resource_delete(actor=owner, resource_id=other.pk, reason="广告")
    event = AuditEvent.objects.get(event_type="resource.removed")
    assert event.actor == owner and event.target_user == bob and event.extra["reason"] == "广告"


def test_confirmations_count_once_per_member_and_price_change(group, alice, bob):
    deal = share_deal(alice, group)
    resource_confirm(actor=bob, resource_id=deal.pk, verdict="valid")
    deal = resource_confirm(actor=bob, resource_id=deal.pk, verdict="valid")
    assert deal.valid_votes == 1
    deal = resource_confirm(actor=bob, resource_id=deal.pk, verdict="price_changed", new_price="32")
    assert (deal.valid_votes, deal.price_votes) == (0, 1)
    assert deal.current_price == Decimal("32.00")
    assert deal.saving == Decimal("13.00")
    with pytest.raises(InvalidInput):
        resource_confirm(actor=bob, resource_id=deal.pk, verdict="price_changed")
    with pytest.raises(InvalidInput):
        resource_confirm(actor=bob, resource_id=deal.pk, verdict="maybe")


def test_enough_expired_votes_mark_deal_expired_and_drop_it_from_lists(group, alice):
    deal = share_deal(alice, group)
    voters = [join(group, make_user()).user for _ in range(3)]
    for voter in voters[:2]:
        deal = resource_confirm(actor=voter, resource_id=deal.pk, verdict="expired")
        assert deal.status == ResourceStatus.ACTIVE
    deal = resource_confirm(actor=voters[2], resource_id=deal.pk, verdict="expired")
    assert deal.status == ResourceStatus.EXPIRED and deal.is_expired
    assert deal not in resources_visible(user=alice)
    assert deal in resources_visible(user=alice, include_expired=True)


def test_author_alone_can_mark_own_deal_expired(group, alice):
    deal = share_deal(alice, group)
    deal = resource_confirm(actor=alice, resource_id=deal.pk, verdict="expired")
    assert deal.status == ResourceStatus.EXPIRED


def test_group_sets_how_many_votes_expire_a_deal(group, alice, bob):
    group.config = {"resources": {"expire_votes": 1}}
    group.save()
    deal = share_deal(alice, group)
    deal = resource_confirm(actor=bob, resource_id=deal.pk, verdict="expired")
    assert deal.status == ResourceStatus.EXPIRED


def test_deal_past_its_date_is_expired_on_read(group, alice):
    deal = share_deal(alice, group, valid_until=timezone.now() + timedelta(hours=2))
    assert deal in resources_visible(user=alice)
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        deal.refresh_from_db()
        assert deal.is_expired
        assert deal not in resources_visible(user=alice)


def test_stale_resources_ask_for_reconfirmation(group, alice, bob):
    deal = share_deal(alice, group)
    assert not resource_is_stale(deal)
    later = timezone.now() + timedelta(days=4)
    assert resource_is_stale(deal, now=later)
    with time_machine.travel(later):
        deal = resource_confirm(actor=bob, resource_id=deal.pk, verdict="valid")
        assert not resource_is_stale(deal)


def test_reshare_into_own_other_group_keeps_attribution_and_screens_again(
    group, other_group, owner, alice, bob, screen
):
    join(other_group, alice)
    deal = share_deal(bob, group)
    screen.calls.clear()
    copy = resource_reshare(actor=alice, resource_id=deal.pk, group_id=other_group.pk)
    assert copy.group == other_group
    assert copy.reshared_from == deal
    assert copy.original_author == bob
    assert copy.author == alice
    assert copy.link == deal.link
    assert screen.calls and screen.calls[0][1] == other_group.pk
    # A re-share of the re-share still credits the first author and points at the first share.
    third = join(make_group_for(owner), alice).group
    again = resource_reshare(actor=alice, resource_id=copy.pk, group_id=third.pk)
    assert again.reshared_from == deal and again.original_author == bob
    with pytest.raises(InvalidInput) as err:
        resource_reshare(actor=alice, resource_id=deal.pk, group_id=other_group.pk)
    assert err.value.code == "already_shared"


def make_group_for(owner):
    from tests.factories import make_group

    return make_group(owner, name="上班族生活互助群")


def test_reshare_needs_membership_of_target(group, other_group, alice):
    deal = share_deal(alice, group)
    with pytest.raises(NotFound):
        resource_reshare(actor=alice, resource_id=deal.pk, group_id=other_group.pk)
    with pytest.raises(InvalidInput):
        resource_reshare(actor=alice, resource_id=deal.pk, group_id=group.pk)


def test_reshare_refused_when_target_group_rules_block(group, other_group, alice, screen):
    join(other_group, alice)
    deal = share_deal(alice, group)
    screen.action = "block"
    with pytest.raises(InvalidInput):
        resource_reshare(actor=alice, resource_id=deal.pk, group_id=other_group.pk)


def test_share_text_and_qr_png(group, alice):
    deal = share_deal(alice, group)
    text = resource_share_text(resource=deal)
    assert "维达抽纸" in text and "¥29.90" in text and "¥45.00" in text
    assert "https://mobile.yangkeduo.com/goods.html?goods_id=123456789" in text
    assert "share_uin" not in text
    assert "阿丽" in text
    png = resource_qr_png(resource=deal)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    # The IDAT chunk inflates to height × (1 + width) bytes of black and white pixels.
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    idat_len = int.from_bytes(png[33:37], "big")
    raw = zlib.decompress(png[41 : 41 + idat_len])
    assert width == height and len(raw) == height * (width + 1)
    assert set(raw) <= {0, 255}


def test_savings_from_deals_bought(group, other_group, alice, bob):
    deal = share_deal(alice, group)  # 45 → 29.90
    resource_confirm(actor=bob, resource_id=deal.pk, verdict="valid", bought=True)
    resource_confirm(
        actor=alice, resource_id=deal.pk, verdict="valid", bought=True, paid_price="25"
    )
    assert savings_for_member(user=bob).total == Decimal("15.10")
    assert savings_for_member(user=alice).total == Decimal("20.00")
    group_savings = savings_for_group(group=group)
    assert group_savings.total == Decimal("35.10")
    assert group_savings.by_member == {bob.pk: Decimal("15.10"), alice.pk: Decimal("20.00")}
    assert savings_for_group(group=other_group).total == Decimal("0")


def test_savings_count_completed_groupbuys_of_the_same_goods(group, alice, bob, monkeypatch):
    from huzhu.aid.services import Screened as AidScreened

    monkeypatch.setattr(
        "huzhu.aid.services._screen",
        lambda *, text, author, group, kind: AidScreened("allow", text, "", []),
    )
    from huzhu.aid.services import aid_request_post, help_give

    share_deal(alice, group)  # original price 45 for goods 123456789
    request = aid_request_post(
        actor=alice,
        group=group,
        kind="groupbuy",
        text="【拼多多】快来和我一起拼！【29.9元】维达抽纸 https://mobile.yangkeduo.com/goods.html?goods_id=123456789",
        size=2,
    )
    help_give(actor=bob, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == "completed"
    saving = Decimal("45.00") - request.price
    assert savings_for_member(user=bob).total == saving
    assert savings_for_member(user=bob).groupbuys == 1
    assert savings_for_group(group=group).total == 2 * saving
