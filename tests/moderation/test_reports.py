"""Reports: weighted, one per reporter per item, rate limited; enough weight hides content."""

from __future__ import annotations

import pytest

from huzhu.audit.models import AuditEvent, AuditEventType
from huzhu.chat.models import Message
from huzhu.core.errors import Conflict, InvalidInput, NotFound, RateLimited
from huzhu.moderation.hooks import moderation_hidden_ids, moderation_is_hidden
from huzhu.moderation.models import Report, ReviewItem
from huzhu.moderation.reports import report_create
from huzhu.moderation.sanctions import moderation_settings_update
from huzhu.notifications.models import Notification
from tests.factories import join, make_user
from tests.moderation.conftest import send


def test_two_weighted_reports_hide_a_scam_message(group, mod, alice, bob, scammer):
    message = send(scammer, group)
    first = report_create(actor=alice, target=message, reason="scam", text="骗钱的")
    assert first.weight == pytest.approx(1.0)
    assert not moderation_is_hidden(message)
    message.refresh_from_db()
    assert message.status == "published"

    report_create(actor=bob, target=message, reason="scam")
    item = ReviewItem.objects.get()
    assert item.score == pytest.approx(2.0)
    assert item.hidden and moderation_is_hidden(message)
    assert moderation_hidden_ids(Message, group_id=group.pk) == {message.pk}
    message.refresh_from_db()
    assert message.status == "held"  # members no longer see it; sender and moderators do
    assert Notification.objects.filter(user=mod, kind="moderation.content_hidden").exists()
    assert AuditEvent.objects.filter(event_type=AuditEventType.CONTENT_HIDDEN).count() == 1
    assert AuditEvent.objects.filter(event_type=AuditEventType.REPORT_CREATED).count() == 2


def test_new_members_weigh_less(group, alice, scammer):
    newcomer = join(group, make_user("newbie", "新人"), newcomer=True).user  # first day
    message = send(scammer, group)
    report = report_create(actor=newcomer, target=message, reason="ad")
    assert report.weight == pytest.approx(0.5)
    report_create(actor=alice, target=message, reason="ad")
    assert ReviewItem.objects.get().score == pytest.approx(1.5)
    assert not moderation_is_hidden(message)


def test_owner_threshold_is_respected(group, owner, alice, scammer):
    moderation_settings_update(actor=owner, group=group, hide_threshold=1.0)
    message = send(scammer, group)
    report_create(actor=alice, target=message, reason="false_info")
    assert moderation_is_hidden(message)


def test_one_report_per_reporter_per_item(group, alice, scammer):
    message = send(scammer, group)
    report_create(actor=alice, target=message, reason="scam")
    with pytest.raises(Conflict) as exc:
        report_create(actor=alice, target=message, reason="ad")
    assert exc.value.code == "already_reported"
    assert Report.objects.count() == 1


def test_cannot_report_own_content_or_from_outside(group, alice, outsider):
    message = send(alice, group)
    with pytest.raises(InvalidInput):
        report_create(actor=alice, target=message, reason="scam")
    with pytest.raises(NotFound):
        report_create(actor=outsider, target=message, reason="scam")


def test_reason_must_be_known(group, alice, scammer):
    with pytest.raises(InvalidInput):
        report_create(actor=alice, target=send(scammer, group), reason="boring")


def test_reporting_is_rate_limited(group, owner, alice, scammer):
    config = dict(group.config)
    config["moderation"] = {"reports_per_hour": 2}
    group.config = config
    group.save()
    messages = [send(scammer, group, f"广告 {i}") for i in range(3)]
    report_create(actor=alice, target=messages[0], reason="ad")
    report_create(actor=alice, target=messages[1], reason="ad")
    with pytest.raises(RateLimited) as exc:
        report_create(actor=alice, target=messages[2], reason="ad")
    assert exc.value.retry_after > 0


def test_report_a_member(group, alice, bob, scammer):
    report_create(actor=alice, member=scammer, group=group, reason="harassment", text="私聊骚扰")
    report_create(actor=bob, member=scammer, group=group, reason="harassment")
    item = ReviewItem.objects.get()
    assert item.is_member_report and item.target_user == scammer
    assert item.reports.count() == 2
    with pytest.raises(Conflict):
        report_create(actor=alice, member=scammer, group=group, reason="harassment")


def test_report_an_aid_request(group, alice, bob, scammer):
    from huzhu.aid.services import aid_request_post

    request = aid_request_post(
        actor=scammer,
        group=group,
        kind="question",
        title="低价代购 iPhone",
        body="先付定金",
        category="shopping",
    )
    report_create(actor=alice, target=request, reason="false_info")
    report_create(actor=bob, target=request, reason="scam")
    request.refresh_from_db()
    assert request.publication == "held"
    assert moderation_is_hidden(request)


def test_hiding_tells_members_without_the_text(group, alice, bob, scammer):
    from huzhu.realtime.testing import capture_events

    message = send(scammer, group)
    report_create(actor=alice, target=message, reason="scam")
    with capture_events() as events:
        report_create(actor=bob, target=message, reason="scam")
    everyone, moderators = events
    assert everyone.type == moderators.type == "message.edited"
    assert not everyone.audience.moderators_only and everyone.message["text"] == ""
    assert everyone.message["status"] == "held"
    assert moderators.audience.moderators_only and scammer.pk in moderators.audience.user_ids
    assert "保证金" in moderators.message["text"]
