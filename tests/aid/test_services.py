"""Service-level tests for every mutual-aid rule."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from huzhu.aid.models import (
    AidRequest,
    AidStatus,
    DisputeStatus,
    Help,
    HelpStatus,
    LedgerEntry,
    Publication,
)
from huzhu.aid.selectors import (
    aid_request_get,
    aid_requests_list,
    help_queue,
    ledger_balance,
    ledger_balances,
    ledger_group_total,
    profile_given_received,
    who_helped_me,
    whom_i_owe,
)
from huzhu.aid.services import (
    aid_request_expire,
    aid_request_post,
    aid_rules_update,
    answer_accept,
    answer_post,
    help_dispute,
    help_dispute_resolve,
    help_give,
    request_close,
    request_thank,
)
from huzhu.audit.models import AuditEvent, AuditEventType
from huzhu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from huzhu.notifications.models import Notification
from huzhu.notifications.services import notification_text
from tests.aid.conftest import groupbuy
from tests.factories import make_group, make_user

pytestmark = pytest.mark.django_db(transaction=False)


# --- posting ----------------------------------------------------------------------------------


def test_groupbuy_from_pinduoduo_share_text_publishes_clean_link(alice, group):
    req = groupbuy(alice, group, size=3)
    assert req.platform == "pinduoduo"
    assert req.goods_id == "123456789"
    assert req.title == "维达抽纸 3层130抽*24包"
    assert req.price == Decimal("29.90")
    assert req.clean_link == "https://mobile.yangkeduo.com/goods.html?goods_id=123456789"
    assert "share_uin" not in req.clean_link and "refer_share_uid" not in req.clean_link
    assert req.target == 2 and req.status == AidStatus.OPEN
    assert req.deadline - req.created_at == timedelta(hours=24)


def test_fields_stay_editable_over_the_parse(alice, group):
    req = groupbuy(alice, group, title="纸巾 24包 一起拼", price="25.5", size=4)
    assert (req.title, req.price, req.size) == ("纸巾 24包 一起拼", Decimal("25.50"), 4)


def test_short_link_in_chatter_is_understood(alice, group):
    req = aid_request_post(
        actor=alice,
        group=group,
        kind="boost",
        text="姐妹们帮我砍一刀，还差3刀助力 p.pinduoduo.com/AbCdEf 谢谢啦",
    )
    assert req.platform == "pinduoduo" and req.clean_link == "https://p.pinduoduo.com/AbCdEf"
    assert req.needed == 3


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("快来拼 https://www.example.com/goods?id=1", "link_not_shopping"),
        ("快来拼 https://mobile-yangkeduo.top/goods.html?goods_id=1", "link_suspicious"),
        ("没有链接的拼团", "missing_link"),
    ],
)
def test_non_shopping_or_missing_link_is_refused(alice, group, text, code):
    with pytest.raises(InvalidInput) as exc:
        aid_request_post(actor=alice, group=group, kind="groupbuy", text=text)
    assert exc.value.code == code


@pytest.mark.parametrize(("size", "ok"), [(1, False), (2, True), (10, True), (11, False)])
def test_groupbuy_size_is_2_to_10(alice, group, size, ok):
    if ok:
        assert groupbuy(alice, group, size=size).size == size
    else:
        with pytest.raises(InvalidInput):
            groupbuy(alice, group, size=size)


@pytest.mark.parametrize(("needed", "ok"), [(0, False), (1, True), (100, True), (101, False)])
def test_boost_needs_1_to_100(alice, group, needed, ok):
    text = "帮我砍一刀 https://mobile.yangkeduo.com/goods.html?goods_id=77"
    if ok:
        assert (
            aid_request_post(
                actor=alice, group=group, kind="boost", text=text, needed=needed
            ).needed
            == needed
        )
    else:
        with pytest.raises(InvalidInput):
            aid_request_post(actor=alice, group=group, kind="boost", text=text, needed=needed or -1)


def test_question_needs_a_category(alice, group):
    with pytest.raises(InvalidInput):
        aid_request_post(actor=alice, group=group, kind="question", title="考研英语怎么复习")
    q = aid_request_post(
        actor=alice, group=group, kind="question", title="考研英语怎么复习", category="study"
    )
    assert q.deadline is None and q.get_category_display() == "学习"


def test_same_goods_open_offers_the_existing_one(alice, bob, group):
    first = groupbuy(alice, group)
    with pytest.raises(Conflict) as exc:
        groupbuy(bob, group)
    assert exc.value.code == "same_goods_open"
    assert exc.value.extra["existing_id"] == first.pk
    assert "直接加入那一个" in str(exc.value)
    groupbuy(bob, group, goods=987654321)  # different goods is fine


def test_same_goods_can_still_be_posted_on_purpose(alice, bob, group):
    first = groupbuy(alice, group)
    second = groupbuy(bob, group, post_anyway=True)
    assert second.pk != first.pk and second.goods_id == first.goods_id


def test_post_idempotency_key_returns_the_first(alice, group):
    a = groupbuy(alice, group, idempotency_key="k1")
    b = groupbuy(alice, group, idempotency_key="k1")
    assert a.pk == b.pk


def test_outsider_cannot_post(outsider, group):
    with pytest.raises(NotFound):
        groupbuy(outsider, group)


# --- fairness rules ---------------------------------------------------------------------------


def test_help_before_post_explains_how_many_more(owner, alice, bob, carol, dave, group):
    alice_req = groupbuy(alice, group, size=5)
    bob_req = groupbuy(bob, group, goods=6, size=5)
    aid_rules_update(actor=owner, group=group, help_before_post=2)
    with pytest.raises(Forbidden) as exc:
        groupbuy(dave, group)
    assert str(exc.value) == "本群实行先帮后发：再帮助 2 位群友后即可发布"
    assert exc.value.code == "fairness_rule"
    help_give(actor=dave, request_id=alice_req.pk)
    with pytest.raises(Forbidden) as exc:
        groupbuy(dave, group, goods=5)
    assert "再帮助 1 位群友后即可发布" in str(exc.value)
    help_give(actor=dave, request_id=bob_req.pk)
    mine = groupbuy(dave, group, goods=7)
    # The rule applies before each new request: after posting, the count starts again.
    with pytest.raises(Forbidden):
        groupbuy(dave, group, goods=8)
    assert mine.requester == dave


def test_open_request_cap(owner, alice, group):
    aid_rules_update(actor=owner, group=group, max_open_requests=1)
    first = groupbuy(alice, group, goods=1)
    with pytest.raises(Forbidden) as exc:
        groupbuy(alice, group, goods=2)
    assert "最多同时有 1 个进行中的请求" in str(exc.value)
    request_close(actor=alice, request_id=first.pk)
    groupbuy(alice, group, goods=2)


def test_daily_request_cap_resets_the_next_day(owner, alice, group):
    aid_rules_update(actor=owner, group=group, max_requests_per_day=1)
    groupbuy(alice, group, goods=1)
    with pytest.raises(Forbidden) as exc:
        groupbuy(alice, group, goods=2)
    assert "每天最多发布 1 个请求" in str(exc.value)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        groupbuy(alice, group, goods=2)


def test_daily_help_cap(owner, alice, bob, group):
    aid_rules_update(actor=owner, group=group, max_helps_per_day=1)
    help_give(actor=bob, request_id=groupbuy(alice, group, goods=1, size=5).pk)
    second = groupbuy(alice, group, goods=2, size=5)
    with pytest.raises(Forbidden) as exc:
        help_give(actor=bob, request_id=second.pk)
    assert exc.value.code == "help_daily_cap"


def test_only_the_owner_changes_rules_and_it_is_audited(owner, alice, group):
    with pytest.raises(Forbidden):
        aid_rules_update(actor=alice, group=group, help_before_post=1)
    with pytest.raises(InvalidInput):
        aid_rules_update(actor=owner, group=group, groupbuy_window_hours=73)
    aid_rules_update(actor=owner, group=group, groupbuy_window_hours=6)
    event = AuditEvent.objects.get(event_type=AuditEventType.AID_SETTINGS_CHANGED)
    assert event.extra["changes"] == {"groupbuy_window_hours": [24, 6]}
    req = groupbuy(alice, group)
    assert req.deadline - req.created_at == timedelta(hours=6)


# --- helping ----------------------------------------------------------------------------------


def test_groupbuy_completes_when_full_and_ledger_moves(alice, bob, carol, dave, group):
    req = groupbuy(alice, group, size=3)
    help_give(actor=bob, request_id=req.pk)
    help_give(actor=carol, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == AidStatus.COMPLETED and req.helps_count == 2
    with pytest.raises(Conflict) as exc:
        help_give(actor=dave, request_id=req.pk)
    assert exc.value.code == "groupbuy_full" and "满员" in str(exc.value)
    assert ledger_balance(user=alice, group=group) == -2
    assert ledger_balance(user=bob, group=group) == 1
    assert ledger_balance(user=carol, group=group) == 1
    assert ledger_group_total(group=group) == 0


def test_requester_cannot_help_self_and_repeat_is_one_help(alice, bob, group):
    req = groupbuy(alice, group, size=5)
    with pytest.raises(Forbidden):
        help_give(actor=alice, request_id=req.pk)
    h1 = help_give(actor=bob, request_id=req.pk, idempotency_key="tap-1")
    h2 = help_give(actor=bob, request_id=req.pk, idempotency_key="tap-1")
    h3 = help_give(actor=bob, request_id=req.pk)
    assert h1.pk == h2.pk == h3.pk
    assert Help.objects.filter(request=req).count() == 1
    assert LedgerEntry.objects.filter(group=group).count() == 2


def test_boost_needs_k_distinct_helpers(alice, bob, carol, group):
    req = aid_request_post(
        actor=alice,
        group=group,
        kind="boost",
        text="帮我砍一刀 https://mobile.yangkeduo.com/goods.html?goods_id=55",
        needed=2,
    )
    help_give(actor=bob, request_id=req.pk)
    help_give(actor=bob, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == AidStatus.OPEN and req.remaining == 1
    help_give(actor=carol, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == AidStatus.COMPLETED


def test_requester_is_notified_on_help_and_completion(
    alice, bob, group, django_capture_on_commit_callbacks
):
    req = groupbuy(alice, group, size=2)
    with django_capture_on_commit_callbacks(execute=True):
        help_give(actor=bob, request_id=req.pk)
    texts = sorted(
        notification_text(notification=n) for n in Notification.objects.filter(user=alice)
    )
    assert texts == [
        "你的「维达抽纸 3层130抽*24包」已完成",
        "小博 帮助了你的「维达抽纸 3层130抽*24包」",
    ]
    assert Notification.objects.filter(user=bob, kind="aid.groupbuy_joined_completed").exists()


def test_nonmember_cannot_help(alice, outsider, group):
    req = groupbuy(alice, group)
    with pytest.raises(NotFound):
        help_give(actor=outsider, request_id=req.pk)
    with pytest.raises(NotFound):
        aid_request_get(user=outsider, request_id=req.pk)


# --- disputes ---------------------------------------------------------------------------------


def test_dispute_goes_to_moderators_and_upheld_reverses_ledger(
    owner, alice, bob, group, django_capture_on_commit_callbacks
):
    req = groupbuy(alice, group, size=3)
    h = help_give(actor=bob, request_id=req.pk)
    with pytest.raises(NotFound):
        help_dispute(actor=bob, help_id=h.pk)  # only the requester disputes
    with django_capture_on_commit_callbacks(execute=True):
        dispute = help_dispute(actor=alice, help_id=h.pk, reason="没看到助力")
    h.refresh_from_db()
    assert h.status == HelpStatus.DISPUTED
    assert AuditEvent.objects.filter(event_type=AuditEventType.HELP_DISPUTED).exists()
    assert Notification.objects.filter(user=owner, kind="aid.help_disputed").exists()
    with pytest.raises(Forbidden):
        help_dispute_resolve(actor=alice, dispute_id=dispute.pk, upheld=True)
    help_dispute_resolve(actor=owner, dispute_id=dispute.pk, upheld=True)
    dispute.refresh_from_db()
    req.refresh_from_db()
    assert dispute.status == DisputeStatus.UPHELD and req.helps_count == 0
    assert ledger_balance(user=bob, group=group) == 0
    assert ledger_balance(user=alice, group=group) == 0
    assert LedgerEntry.objects.filter(group=group).count() == 4  # append-only: reversal pair


def test_rejected_dispute_keeps_the_help(owner, alice, bob, group):
    req = groupbuy(alice, group, size=3)
    h = help_give(actor=bob, request_id=req.pk)
    d = help_dispute(actor=alice, help_id=h.pk)
    help_dispute_resolve(actor=owner, dispute_id=d.pk, upheld=False)
    h.refresh_from_db()
    assert h.status == HelpStatus.OK and ledger_balance(user=bob, group=group) == 1


# --- questions --------------------------------------------------------------------------------


def test_question_answer_accept_thank(owner, alice, bob, carol, group):
    q = aid_request_post(
        actor=alice, group=group, kind="question", title="租房合同要注意什么", category="life"
    )
    with pytest.raises(Forbidden):
        answer_post(actor=alice, request_id=q.pk, body="自问自答")
    a1 = answer_post(actor=bob, request_id=q.pk, body="合同里写清楚租期和房租")
    answer_post(actor=carol, request_id=q.pk, body="拍照留存房屋现状")
    with pytest.raises(NotFound):
        answer_accept(actor=bob, answer_id=a1.pk)  # only the asker accepts
    answer_accept(actor=alice, answer_id=a1.pk)
    q.refresh_from_db()
    assert q.status == AidStatus.RESOLVED
    assert ledger_balance(user=bob, group=group) == 2
    assert ledger_balance(user=alice, group=group) == -2
    with pytest.raises(Conflict):
        answer_post(actor=carol, request_id=q.pk, body="晚到的回答")
    assert request_thank(actor=alice, request_id=q.pk, helper_id=carol.pk) == 1
    assert request_thank(actor=alice, request_id=q.pk, helper_id=carol.pk) == 0  # idempotent
    with pytest.raises(InvalidInput):
        request_thank(actor=alice, request_id=q.pk, helper_id=owner.pk)


def test_answer_weight_follows_the_group_setting(owner, alice, bob, group):
    aid_rules_update(actor=owner, group=group, answer_weight=5)
    q = aid_request_post(
        actor=alice, group=group, kind="question", title="简历怎么写", category="work"
    )
    answer_accept(actor=alice, answer_id=answer_post(actor=bob, request_id=q.pk, body="STAR").pk)
    assert ledger_balance(user=bob, group=group) == 5


def test_asker_closes_question(alice, bob, group):
    q = aid_request_post(
        actor=alice, group=group, kind="question", title="求推荐书", category="other"
    )
    with pytest.raises(NotFound):
        request_close(actor=bob, request_id=q.pk)
    request_close(actor=alice, request_id=q.pk)
    q.refresh_from_db()
    assert q.status == AidStatus.CLOSED


# --- expiry -----------------------------------------------------------------------------------


def test_expiry_task_fails_an_unfilled_groupbuy(
    alice, bob, group, django_capture_on_commit_callbacks
):
    req = groupbuy(alice, group, size=3)
    help_give(actor=bob, request_id=req.pk)
    assert aid_request_expire(request_id=req.pk) is False  # not due yet
    with time_machine.travel(req.deadline + timedelta(seconds=1)):
        with django_capture_on_commit_callbacks(execute=True):
            assert aid_request_expire(request_id=req.pk) is True
        assert aid_request_expire(request_id=req.pk) is False  # idempotent
    req.refresh_from_db()
    assert req.status == AidStatus.FAILED
    assert Notification.objects.filter(user=alice, kind="aid.request_expired").exists()
    assert Notification.objects.filter(user=bob, kind="aid.request_expired").exists()
    assert ledger_balance(user=bob, group=group) == 1  # help given still counts


def test_expiry_is_scheduled_at_the_deadline(alice, group, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        req = groupbuy(alice, group)
    task = DBTaskResult.objects.get(task_path="huzhu.aid.tasks.aid_request_expire_task")
    assert task.run_after == req.deadline
    assert task.args_kwargs["args"] == [req.pk]


def test_lazy_expiry_on_read_without_a_worker(alice, bob, group):
    req = groupbuy(alice, group, size=3)
    with time_machine.travel(req.deadline + timedelta(minutes=5)):
        with pytest.raises(Conflict) as exc:
            help_give(actor=bob, request_id=req.pk)
        assert exc.value.code == "request_expired"
        listed = list(aid_requests_list(user=bob, group=group, status="open"))
        assert listed == []
        req.refresh_from_db()
        assert req.status == AidStatus.FAILED


# --- selectors --------------------------------------------------------------------------------


def test_help_queue_orders_by_reciprocity_then_deadline_then_fewest_helps(
    owner, alice, bob, carol, dave, group
):
    aid_rules_update(actor=owner, group=group, groupbuy_window_hours=10)
    # Carol helped Bob once: Carol's requests come first in Bob's queue.
    bob_req = groupbuy(bob, group, goods=1, size=10)
    help_give(actor=carol, request_id=bob_req.pk)
    aid_rules_update(actor=owner, group=group, groupbuy_window_hours=5)
    alice_soon = groupbuy(alice, group, goods=2, size=10)
    aid_rules_update(actor=owner, group=group, groupbuy_window_hours=5)
    dave_soon_busy = groupbuy(dave, group, goods=3, size=10)
    help_give(actor=owner, request_id=dave_soon_busy.pk)
    aid_rules_update(actor=owner, group=group, groupbuy_window_hours=48)
    carol_late = groupbuy(carol, group, goods=4, size=10)
    queue = help_queue(user=bob, group=group)
    # Carol first (she helped Bob), then the nearest deadline; never Bob's own request.
    assert [r.pk for r in queue] == [carol_late.pk, alice_soon.pk, dave_soon_busy.pk]
    help_give(actor=bob, request_id=carol_late.pk)
    assert carol_late.pk not in [r.pk for r in help_queue(user=bob, group=group)]


def test_fewest_helps_breaks_deadline_ties(owner, alice, bob, carol, dave, group):
    with time_machine.travel(timezone.now(), tick=False):
        busy = groupbuy(alice, group, goods=1, size=10)
        quiet = groupbuy(carol, group, goods=2, size=10)
    help_give(actor=dave, request_id=busy.pk)
    assert [r.pk for r in help_queue(user=bob, group=group)] == [quiet.pk, busy.pk]


def test_balances_who_helped_me_whom_i_owe_profile(owner, alice, bob, carol, group):
    req = groupbuy(alice, group, size=3)
    help_give(actor=bob, request_id=req.pk)
    help_give(actor=carol, request_id=req.pk)
    other = groupbuy(bob, group, goods=2, size=3)
    help_give(actor=alice, request_id=other.pk)
    balances = {b.display_name: b.balance for b in ledger_balances(group=group)}
    assert balances == {"阿丽": -1, "小博": 0, "小卡": 1}
    assert sum(balances.values()) == 0
    assert {c.display_name: c.count for c in who_helped_me(user=alice, group=group)} == {
        "小博": 1,
        "小卡": 1,
    }
    assert [(c.display_name, c.count) for c in whom_i_owe(user=alice, group=group)] == [("小卡", 1)]
    second_group = make_group(owner, name="考研学习互助群")
    profile = {p.group_name: (p.given, p.received) for p in profile_given_received(user=alice)}
    assert profile == {"宝妈拼团互助群": (1, 2)}
    assert second_group.name not in profile


def test_held_request_is_hidden_until_a_moderator_approves(owner, alice, bob, group, monkeypatch):
    from huzhu.aid.services import Screened, aid_request_moderate

    monkeypatch.setattr(
        "huzhu.aid.services._screen",
        lambda **kw: Screened(
            action="hold", text=kw["text"], reason="疑似仿冒链接", clean_links=[]
        ),
    )
    req = groupbuy(alice, group)
    assert req.publication == Publication.HELD
    assert AuditEvent.objects.filter(event_type=AuditEventType.AID_REQUEST_HELD).exists()
    assert list(aid_requests_list(user=bob, group=group)) == []
    assert list(aid_requests_list(user=alice, group=group)) == [req]
    with pytest.raises(Forbidden):
        aid_request_moderate(actor=bob, request_id=req.pk, approve=True)
    aid_request_moderate(actor=owner, request_id=req.pk, approve=True)
    assert list(aid_requests_list(user=bob, group=group)) == [req]


def test_blocked_text_is_refused_with_the_reason(alice, group, monkeypatch):
    from huzhu.aid.services import Screened

    monkeypatch.setattr(
        "huzhu.aid.services._screen",
        lambda **kw: Screened(
            action="block", text=kw["text"], reason="含有赌博内容", clean_links=[]
        ),
    )
    with pytest.raises(InvalidInput) as exc:
        groupbuy(alice, group)
    assert "含有赌博内容" in str(exc.value)


def test_ledger_is_append_only(alice, bob, group):
    help_give(actor=bob, request_id=groupbuy(alice, group).pk)
    entry = LedgerEntry.objects.first()
    entry.amount = 100
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_a_second_user_not_in_group_sees_nothing(alice, group):
    stranger = make_user()
    with pytest.raises(NotFound):
        list(aid_requests_list(user=stranger, group=group))


# --- the real screening engine ---------------------------------------------------------------


def test_phone_number_in_a_request_is_masked(alice, group):
    req = aid_request_post(
        actor=alice,
        group=group,
        kind="question",
        title="孩子发烧去哪家医院",
        body="着急，可以打我电话 13812345678",
        category="life",
    )
    assert req.screening_action == "redact"
    assert "13812345678" not in req.body and "138****5678" in req.body
    assert req.title == "孩子发烧去哪家医院"


def test_illegal_text_is_blocked_with_the_engine_reason(alice, group):
    with pytest.raises(InvalidInput) as exc:
        aid_request_post(
            actor=alice, group=group, kind="question", title="刷单兼职日结", category="work"
        )
    assert exc.value.code == "screening_blocked" and "违法违规" in str(exc.value)
    assert not AidRequest.objects.exists()


def test_doubtful_text_is_held_for_moderators(owner, alice, bob, group):
    req = aid_request_post(
        actor=alice, group=group, kind="question", title="代开发票", category="work"
    )
    assert req.publication == Publication.HELD and "等待管理员审核" in req.screening_reason
    assert list(aid_requests_list(user=bob, group=group)) == []


def test_answers_are_screened_too(alice, bob, group):
    q = aid_request_post(
        actor=alice, group=group, kind="question", title="哪里买菜便宜", category="life"
    )
    answer = answer_post(actor=bob, request_id=q.pk, body="加我微信 abc12345 告诉你")
    assert answer.screening_action == "redact" and "abc12345" not in answer.body


def test_help_is_a_handful_of_queries(alice, bob, group, django_assert_max_num_queries):
    req = groupbuy(alice, group, size=5)
    # Lock the request (with membership, earlier help and the requester's quiet-hours settings
    # in the same statement), then help row, counter, ledger pair and notification: one
    # statement on PostgreSQL, four elsewhere (+ the savepoint pair of the test transaction).
    from django.db import connection

    with django_assert_max_num_queries(4 if connection.vendor == "postgresql" else 7):
        help_give(actor=bob, request_id=req.pk)


def test_helps_and_completion_are_announced_after_commit(alice, bob, carol, group):
    from huzhu.realtime.testing import capture_events

    req = groupbuy(alice, group, size=3)
    with capture_events() as events:
        help_give(actor=bob, request_id=req.pk)
        help_give(actor=carol, request_id=req.pk)
    assert [(e.type, e.aid["helps_count"], e.aid["status"]) for e in events] == [
        ("aid.updated", 1, "open"),
        ("aid.updated", 2, "completed"),
    ]
    assert all(e.group_id == group.pk and not e.audience.moderators_only for e in events)
    with capture_events() as events, pytest.raises(Forbidden):
        help_give(actor=alice, request_id=req.pk)
    assert events == []
