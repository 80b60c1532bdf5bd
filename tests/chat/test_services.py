"""Chat services: sequence numbers, idempotency, limits, screening outcomes, edit and delete."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import OperationalError
from django.utils import timezone

from huzhu.chat.models import Message, MessageRevision, MessageStatus
from huzhu.chat.selectors import messages_after, messages_before
from huzhu.chat.services import (
    MessageBlocked,
    RetryLater,
    chat_settings_update,
    message_delete,
    message_edit,
    message_review,
    message_revisions,
    message_send,
)
from huzhu.core.errors import Forbidden, NotFound, RateLimited
from huzhu.groups.models import Membership
from huzhu.groups.services import membership_remove
from huzhu.notifications.models import Notification
from huzhu.realtime.testing import capture_events
from tests.factories import join

pytestmark = pytest.mark.django_db


def test_messages_get_consecutive_sequence_numbers_and_publish_after_commit(group, owner, member):
    with capture_events() as events:
        a = message_send(actor=owner, group=group, text="大家好").message
        b = message_send(actor=member, group=group, text="你好呀").message
    assert (a.seq, b.seq) == (1, 2)
    assert [e.type for e in events] == ["message.created", "message.created"]
    assert events[1].as_client_dict()["message"]["text"] == "你好呀"
    assert events[1].as_client_dict()["cursor"] == 2


def test_nothing_is_published_when_the_transaction_rolls_back(group, owner):
    from django.db import transaction

    def send_then_fail() -> None:
        with transaction.atomic():
            message_send(actor=owner, group=group, text="会回滚")
            raise RuntimeError

    with capture_events() as events, pytest.raises(RuntimeError):
        send_then_fail()
    assert events == []
    assert not Message.objects.exists()


def test_a_resend_with_the_same_key_returns_the_first_message(group, member):
    with capture_events() as events:
        first = message_send(actor=member, group=group, text="拼团还差一人", client_key="k-1")
        again = message_send(actor=member, group=group, text="拼团还差一人", client_key="k-1")
    assert first.created and not again.created
    assert again.message.pk == first.message.pk
    assert Message.objects.count() == 1
    assert len(events) == 1


def test_a_resend_does_not_count_against_the_rate_limit(group, member):
    for i in range(5):
        message_send(actor=member, group=group, text=f"第{i}条", client_key=f"k{i}")
    # The client did not hear back about the fifth and resends it: not a sixth message.
    again = message_send(actor=member, group=group, text="第4条", client_key="k4")
    assert not again.created


def test_a_muted_member_is_told_until_when(group, member):
    until = timezone.now() + timedelta(hours=2)
    Membership.objects.filter(user=member, group=group).update(muted_until=until)
    with pytest.raises(Forbidden) as exc:
        message_send(actor=member, group=group, text="我还能说话吗")
    assert exc.value.code == "muted"
    local = timezone.localtime(until)
    assert local.strftime("%H:%M") in str(exc.value.message)
    assert not Message.objects.exists()


def test_rate_limit_is_five_messages_per_ten_seconds(group, member):
    with time_machine.travel("2026-11-25 08:00:00 +0000", tick=False) as clock:
        for i in range(5):
            message_send(actor=member, group=group, text=f"消息{i}")
        with pytest.raises(RateLimited) as exc:
            message_send(actor=member, group=group, text="第六条")
        assert 1 <= exc.value.retry_after <= 10
        clock.shift(20)
        message_send(actor=member, group=group, text="过一会儿再发")
    assert Message.objects.filter(sender=member).count() == 6


def test_slow_mode_allows_one_message_per_interval_and_spares_moderators(group, owner, member):
    chat_settings_update(actor=owner, group=group, slow_mode_seconds=30)
    group.refresh_from_db()
    with time_machine.travel("2026-11-25 08:00:00 +0000", tick=False) as clock:
        message_send(actor=member, group=group, text="第一条")
        with pytest.raises(RateLimited) as exc:
            message_send(actor=member, group=group, text="第二条")
        assert exc.value.code == "slow_mode"
        assert exc.value.retry_after == 30
        message_send(actor=owner, group=group, text="群主不受慢速模式限制")
        message_send(actor=owner, group=group, text="群主第二条")
        clock.shift(31)
        message_send(actor=member, group=group, text="三十秒后可以再发")


def test_only_the_owner_sets_slow_mode(group, member):
    with pytest.raises(Forbidden):
        chat_settings_update(actor=member, group=group, slow_mode_seconds=10)


def test_redacted_message_is_published_masked_and_the_sender_is_told(group, member, fake_screen):
    text = "有需要的联系我 13812345678"
    fake_screen.redact_phone(text, "13812345678")
    result = message_send(actor=member, group=group, text=text)
    assert result.message.text == "有需要的联系我 138****5678"
    assert result.message.status == MessageStatus.PUBLISHED
    assert result.notice == "手机号已隐藏"


def test_held_message_is_seen_only_by_sender_and_moderators(group, owner, member, fake_screen):
    other = join(group).user
    fake_screen.hold("加我微信领红包")
    with capture_events() as events:
        held = message_send(actor=member, group=group, text="加我微信领红包")
    assert held.message.status == MessageStatus.HELD
    assert "审核中" in held.notice
    audience = events[0].audience
    assert audience.moderators_only and audience.user_ids == (member.pk,)

    def texts(viewer, moderator=False):
        page = messages_after(viewer=viewer, group=group, after_seq=0, is_moderator=moderator)
        return [m["text"] for m in page.messages]

    assert texts(member) == ["加我微信领红包"]
    assert texts(owner, moderator=True) == ["加我微信领红包"]
    assert texts(other) == []
    # The other member's cursor still moves past the hidden message, so it is not asked again.
    assert messages_after(viewer=other, group=group, after_seq=0).cursor == 1


def test_blocked_message_is_not_stored_and_the_reason_is_returned(group, member, fake_screen):
    fake_screen.block("刷单返利，日赚500")
    with capture_events() as events, pytest.raises(MessageBlocked) as exc:
        message_send(actor=member, group=group, text="刷单返利，日赚500", client_key="b1")
    assert exc.value.code == "blocked"
    assert "包含诈骗信息" in str(exc.value.message)
    assert events == []
    assert not Message.objects.exists()
    # The number was not used up: the next message is still 1.
    assert message_send(actor=member, group=group, text="换个说法").message.seq == 1


def test_edit_keeps_history_for_moderators_and_others_see_edited(group, owner, member):
    sent = message_send(actor=member, group=group, text="周六拼团").message
    with capture_events() as events:
        message_edit(actor=member, message_id=sent.pk, text="周日拼团")
    sent.refresh_from_db()
    assert sent.text == "周日拼团" and sent.edited_at is not None
    assert events[0].type == "message.edited"
    assert events[0].as_client_dict()["message"]["edited"] is True
    assert [r.text for r in message_revisions(actor=owner, message_id=sent.pk)] == ["周六拼团"]
    with pytest.raises(Forbidden):
        message_revisions(actor=member, message_id=sent.pk)
    with pytest.raises(Forbidden):
        message_edit(actor=owner, message_id=sent.pk, text="群主改别人的")


def test_delete_leaves_a_tombstone_and_keeps_the_text_for_moderators(group, owner, member):
    sent = message_send(actor=member, group=group, text="发错群了").message
    with capture_events() as events:
        message_delete(actor=member, message_id=sent.pk)
    page = messages_after(viewer=owner, group=group, after_seq=0)
    assert page.messages[0]["deleted"] is True and page.messages[0]["text"] == ""
    assert events[0].type == "message.deleted"
    assert MessageRevision.objects.get(message=sent).text == "发错群了"


def test_moderators_can_delete_others_messages_but_members_cannot(group, owner, member):
    by_owner = message_send(actor=owner, group=group, text="群公告").message
    with pytest.raises(Forbidden):
        message_delete(actor=member, message_id=by_owner.pk)
    by_member = message_send(actor=member, group=group, text="广告").message
    message_delete(actor=owner, message_id=by_member.pk)
    assert Message.objects.get(pk=by_member.pk).deleted_by == owner


def test_edits_and_deletes_reach_a_client_that_resyncs(group, owner, member):
    a = message_send(actor=member, group=group, text="一").message
    message_send(actor=member, group=group, text="二")
    cursor = messages_after(viewer=owner, group=group, after_seq=0).cursor
    message_edit(actor=member, message_id=a.pk, text="一（改）")
    page = messages_after(viewer=owner, group=group, after_seq=cursor)
    assert [(m["seq"], m["text"], m["edited"]) for m in page.messages] == [(1, "一（改）", True)]


def test_resync_pages_through_everything_after_a_cursor(group, owner, member):
    chat = {"rate_limit": 1000}
    group.config = {"chat": chat}
    group.save()
    for i in range(1, 251):
        message_send(actor=member, group=group, text=f"第{i}条")
    seen: list[int] = []
    cursor, pages = 30, 0
    while True:
        page = messages_after(viewer=owner, group=group, after_seq=cursor, limit=100)
        seen += [m["seq"] for m in page.messages]
        cursor, pages = page.cursor, pages + 1
        if not page.more:
            break
    assert seen == list(range(31, 251))
    assert pages == 3 and cursor == 250
    history = messages_before(viewer=owner, group=group, before_seq=31, limit=10)
    assert [m["seq"] for m in history] == list(range(21, 31))


def test_replies_carry_an_excerpt_of_the_original(group, owner, member):
    q = message_send(actor=owner, group=group, text="谁有考研英语真题？").message
    a = message_send(actor=member, group=group, text="我有，私聊", reply_to_id=q.pk)
    assert a.as_dict()["message"]["reply_to"]["excerpt"] == "谁有考研英语真题？"


def test_mentioned_members_get_a_notification(group, owner, member):
    message_send(actor=owner, group=group, text="@群友小李 你的拼团成了")
    note = Notification.objects.get(user=member)
    assert note.kind == "chat.mention" and note.actor == owner


def test_removed_member_can_neither_send_nor_read(group, owner, member):
    message_send(actor=owner, group=group, text="内部消息")
    membership_remove(actor=owner, group=group, user_id=member.pk)
    with pytest.raises(NotFound):
        message_send(actor=member, group=group, text="我还在吗")


def test_a_database_outage_is_a_retryable_error(group, member, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr("huzhu.chat.services._message_insert_numbered", down)
        with pytest.raises(RetryLater) as exc:
            message_send(actor=member, group=group, text="数据库挂了", client_key="r1")
    assert exc.value.status == 503 and exc.value.code == "retry"
    # The retry with the same key lands exactly once.
    message_send(actor=member, group=group, text="数据库挂了", client_key="r1")
    message_send(actor=member, group=group, text="数据库挂了", client_key="r1")
    assert Message.objects.filter(client_key="r1").count() == 1


def test_outsiders_cannot_send(group, outsider):
    with pytest.raises(NotFound):
        message_send(actor=outsider, group=group, text="路过")


def test_a_moderator_releases_a_held_message_to_everyone(group, owner, member, fake_screen):
    other = join(group).user
    fake_screen.hold("团购链接 http://t.cn/abc")
    held = message_send(actor=member, group=group, text="团购链接 http://t.cn/abc").message
    cursor = messages_after(viewer=other, group=group, after_seq=0).cursor
    with pytest.raises(NotFound):  # members do not even see a held message
        message_review(actor=other, message_id=held.pk, approve=True)
    with capture_events() as events:
        message_review(actor=owner, message_id=held.pk, approve=True)
    assert events[0].type == "message.edited" and events[0].audience.moderators_only is False
    page = messages_after(viewer=other, group=group, after_seq=cursor)
    assert [(m["seq"], m["status"]) for m in page.messages] == [(held.seq, "published")]


def test_a_rejected_message_stays_hidden_and_the_sender_sees_the_outcome(
    group, owner, member, fake_screen
):
    other = join(group).user
    fake_screen.hold("可疑内容")
    held = message_send(actor=member, group=group, text="可疑内容").message
    message_review(actor=owner, message_id=held.pk, approve=False)
    assert messages_after(viewer=other, group=group, after_seq=0).messages == []
    mine = messages_after(viewer=member, group=group, after_seq=0).messages
    assert [m["status"] for m in mine] == ["rejected"]
