"""The review queue: who sees it, what enters it, claims, and the four decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from huzhu.audit.models import AuditEvent, AuditEventType
from huzhu.chat.models import Message
from huzhu.core.errors import Conflict, Forbidden, NotFound
from huzhu.groups.models import Membership
from huzhu.moderation.models import Report, ReviewItem, Sanction
from huzhu.moderation.reports import report_create
from huzhu.moderation.review import (
    review_item_claim,
    review_item_detail,
    review_item_resolve,
    review_queue,
    review_queue_platform,
)
from huzhu.moderation.standing import report_accuracy, standing_for
from huzhu.notifications.models import Notification
from tests.moderation.conftest import send


def _reported(group, author, *reporters, text="加微信返现，先交押金"):
    message = send(author, group, text)
    for reporter in reporters:
        report_create(actor=reporter, target=message, reason="scam")
    return message, ReviewItem.objects.get(object_id=message.pk, status="open")


def test_members_cannot_see_the_queue(group, alice, outsider, mod):
    with pytest.raises(Forbidden):
        review_queue(actor=alice, group=group)
    with pytest.raises(NotFound):
        review_queue(actor=outsider, group=group)
    with pytest.raises(Forbidden):
        review_queue_platform(actor=mod)


def test_other_groups_moderators_cannot_act_here(group, other_group, alice, bob, scammer):
    _message, item = _reported(group, scammer, alice, bob)
    other_owner = other_group.memberships.get(role="owner").user
    with pytest.raises(NotFound):
        review_queue(actor=other_owner, group=group)
    with pytest.raises(NotFound):
        review_item_resolve(actor=other_owner, item_id=item.pk, action="remove")
    with pytest.raises(NotFound):
        review_item_claim(actor=other_owner, item_id=item.pk)
    item.refresh_from_db()
    assert item.status == "open"


def test_staff_see_the_platform_queue(group, alice, bob, scammer):
    from tests.factories import make_user

    staff = make_user("staff", "平台客服")
    staff.is_staff = True
    staff.save()
    _reported(group, scammer, alice, bob)
    assert review_queue_platform(actor=staff).count() == 1


def test_screening_hold_enters_the_queue_and_approve_publishes(group, mod, alice, fake_screen):
    fake_screen.hold("你好")
    held = send(alice, group, "你好")
    assert held.status == "held"
    items = list(review_queue(actor=mod, group=group))
    assert [i.object_id for i in items] == [held.pk]
    assert items[0].sources == ["screening"]
    review_item_resolve(actor=mod, item_id=items[0].pk, action="approve")
    held.refresh_from_db()
    assert held.status == "published"
    assert list(review_queue(actor=mod, group=group)) == []  # not pulled in again


def test_help_dispute_enters_the_queue(group, mod, alice, bob):
    from huzhu.aid.models import HelpDispute
    from huzhu.aid.services import aid_request_post, help_dispute, help_give

    request = aid_request_post(
        actor=alice,
        group=group,
        kind="boost",
        title="帮我砍一刀",
        link="https://mobile.yangkeduo.com/goods.html?goods_id=1",
        needed=3,
    )
    help_ = help_give(actor=bob, request_id=request.pk)
    help_dispute(actor=alice, help_id=help_.pk, reason="没收到")
    (item,) = review_queue(actor=mod, group=group)
    assert item.sources == ["dispute"] and item.target_user == bob
    review_item_resolve(actor=mod, item_id=item.pk, action="remove")
    assert HelpDispute.objects.get().status == "upheld"


def test_claim_keeps_two_moderators_apart(group, mod, mod2, alice, bob, scammer):
    _message, item = _reported(group, scammer, alice, bob)
    review_item_claim(actor=mod, item_id=item.pk)
    with pytest.raises(Conflict):
        review_item_claim(actor=mod2, item_id=item.pk)
    with pytest.raises(Conflict):
        review_item_resolve(actor=mod2, item_id=item.pk, action="dismiss")
    # A forgotten claim lapses after the group's claim window.
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        review_item_claim(actor=mod2, item_id=item.pk)
    assert AuditEvent.objects.filter(event_type=AuditEventType.REVIEW_CLAIMED).count() == 2


def test_remove_upholds_reports_and_tells_everyone(group, mod, alice, bob, scammer):
    message, item = _reported(group, scammer, alice, bob)
    detail = review_item_detail(actor=mod, item_id=item.pk)
    assert "押金" in detail.text and len(detail.reports) == 2
    review_item_resolve(actor=mod, item_id=item.pk, action="remove", note="诈骗")
    message.refresh_from_db()
    assert message.deleted_at is not None
    assert set(Report.objects.values_list("status", flat=True)) == {"upheld"}
    assert Notification.objects.filter(kind="moderation.report_upheld").count() == 2
    assert Notification.objects.filter(user=scammer, kind="moderation.content_removed").exists()
    with pytest.raises(Conflict):
        review_item_resolve(actor=mod, item_id=item.pk, action="remove")
    # The removal counts against the author's standing.
    assert standing_for(user=scammer, group=group).components["removed_content"] == -10


def test_dismiss_restores_content_and_lowers_reporters_accuracy(group, mod, alice, bob):
    before, _ = report_accuracy(user_id=alice.pk)
    weight_before = standing_for(user=alice, group=group).report_weight
    message, item = _reported(group, bob, alice, text="今晚拼单的奶粉还有吗")
    review_item_resolve(actor=mod, item_id=item.pk, action="dismiss")
    message.refresh_from_db()
    assert message.status == "published"
    after, decided = report_accuracy(user_id=alice.pk)
    assert decided == 1 and after < before
    assert standing_for(user=alice, group=group).report_weight < weight_before
    assert Notification.objects.filter(user=alice, kind="moderation.report_dismissed").exists()


def test_approve_is_neutral_for_reporters(group, mod, alice, bob):
    _message, item = _reported(group, bob, alice)
    review_item_resolve(actor=mod, item_id=item.pk, action="approve")
    assert Report.objects.get().status == "declined"
    assert report_accuracy(user_id=alice.pk)[1] == 0


def test_remove_and_sanction_follows_the_ladder(group, mod, alice, bob, scammer):
    kinds = []
    for n in range(5):
        _message, item = _reported(group, scammer, alice, bob, text=f"骗局 {n}")
        review_item_resolve(actor=mod, item_id=item.pk, action="remove_sanction")
        kinds.append(Sanction.objects.filter(user=scammer).order_by("-id").first().kind)
        if n == 1:
            muted = Membership.objects.get(user=scammer, group=group).muted_until
            assert timedelta(hours=23) < muted - timezone.now() <= timedelta(hours=24)
            Membership.objects.filter(user=scammer, group=group).update(muted_until=None)
        if n == 2:
            Membership.objects.filter(user=scammer, group=group).update(muted_until=None)
        if n == 3:
            break
    assert kinds == ["warning", "mute", "mute", "group_ban"]
    assert Membership.objects.get(user=scammer, group=group).status == "banned"
    # The sanction reason follows the reports: scam.
    assert set(Sanction.objects.values_list("reason", flat=True)) == {"scam"}


def test_reported_member_can_be_sanctioned(group, mod, alice, bob, scammer):
    report_create(actor=alice, member=scammer, group=group, reason="harassment")
    item = ReviewItem.objects.get()
    review_item_resolve(
        actor=mod, item_id=item.pk, action="sanction", sanction_kind="mute", sanction_hours=2
    )
    sanction = Sanction.objects.get()
    assert sanction.kind == "mute" and sanction.reason == "harassment"
    assert Message.objects.count() == 0
