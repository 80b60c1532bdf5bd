"""Editing a request after posting (issue 4: "fields stay editable"): who may edit, what is frozen
once others have helped, screening of the new text, history, events, search and races."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from huzhu.aid.models import AidRequest, AidRequestRevision, AidStatus, Help, Publication
from huzhu.aid.selectors import aid_requests_list
from huzhu.aid.services import (
    Screened,
    aid_request_edit,
    aid_request_moderate,
    aid_request_post,
    answer_accept,
    answer_post,
    help_give,
    request_close,
)
from huzhu.audit.models import AuditEvent, AuditEventType
from huzhu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from huzhu.realtime.testing import capture_events
from tests.aid.conftest import groupbuy, pdd_share
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=False)


def question(user, group, **kw):
    kw.setdefault("title", "孩子发烧去哪家医院")
    kw.setdefault("category", "life")
    return aid_request_post(actor=user, group=group, kind="question", **kw)


def screening_says(monkeypatch, action, reason="疑似诈骗"):
    monkeypatch.setattr(
        "huzhu.aid.services._screen",
        lambda **kw: Screened(action=action, text=kw["text"], reason=reason, clean_links=[]),
    )


# --- who may edit -----------------------------------------------------------------------------


def test_requester_fixes_title_price_and_body(alice, group):
    req = groupbuy(alice, group, size=3)
    edited = aid_request_edit(
        actor=alice,
        request_id=req.pk,
        title="维达抽纸 24包（顺丰包邮）",
        price="25.8",
        body="差两人",
    )
    req.refresh_from_db()
    assert (req.title, req.price, req.body) == (
        "维达抽纸 24包（顺丰包邮）",
        Decimal("25.80"),
        "差两人",
    )
    assert req.edited_at is not None and edited.edited_at == req.edited_at
    # The link, the goods and the deadline are what they were.
    assert req.clean_link == "https://mobile.yangkeduo.com/goods.html?goods_id=123456789"
    assert req.deadline - req.created_at == timedelta(hours=24)
    revision = AidRequestRevision.objects.get(request=req)
    assert (revision.title, revision.price, revision.body) == (
        "维达抽纸 3层130抽*24包",
        Decimal("29.90"),
        "",
    )
    assert revision.editor == alice


def test_only_the_requester_edits(owner, alice, bob, group):
    req = groupbuy(alice, group)
    for other in (bob, owner):  # moderators have their own path (close, review, remove)
        with pytest.raises(Forbidden) as exc:
            aid_request_edit(actor=other, request_id=req.pk, title="改掉")
        assert exc.value.code == "not_requester"
    with pytest.raises(NotFound):
        aid_request_edit(actor=make_user(), request_id=req.pk, title="改掉")
    with pytest.raises(NotFound):
        aid_request_edit(actor=alice, request_id=987654, title="改掉")
    assert AidRequest.objects.get().title == "维达抽纸 3层130抽*24包"


def test_a_held_request_of_someone_else_is_not_found(alice, bob, group, monkeypatch):
    screening_says(monkeypatch, "hold")
    req = groupbuy(alice, group)
    with pytest.raises(NotFound):
        aid_request_edit(actor=bob, request_id=req.pk, title="改掉")


def test_a_muted_requester_cannot_edit(owner, alice, group):
    from huzhu.moderation.sanctions import sanction_issue

    req = question(alice, group)
    sanction_issue(actor=owner, group=group, user=alice, reason="ad", kind="mute", hours=1)
    with pytest.raises(Forbidden) as exc:
        aid_request_edit(actor=alice, request_id=req.pk, title="改掉")
    assert exc.value.code == "muted"


# --- what can change, and when ----------------------------------------------------------------


def test_size_changes_until_the_first_help_then_is_frozen(alice, bob, group):
    req = groupbuy(alice, group, size=3)
    aid_request_edit(actor=alice, request_id=req.pk, size=4)
    help_give(actor=bob, request_id=req.pk)
    with pytest.raises(Conflict) as exc:
        aid_request_edit(actor=alice, request_id=req.pk, size=5)
    assert exc.value.code == "frozen_after_help" and "已有群友参团" in str(exc.value)
    # The rest still changes, and resending the frozen value as it is does no harm.
    aid_request_edit(actor=alice, request_id=req.pk, title="新标题", size=4)
    req.refresh_from_db()
    assert (req.size, req.title, req.helps_count) == (4, "新标题", 1)


def test_boost_target_is_frozen_after_a_help(alice, bob, group):
    req = aid_request_post(actor=alice, group=group, kind="boost", text=pdd_share(), needed=3)
    help_give(actor=bob, request_id=req.pk)
    with pytest.raises(Conflict) as exc:
        aid_request_edit(actor=alice, request_id=req.pk, needed=1)
    assert "已有群友助力" in str(exc.value)


def test_fields_of_another_kind_are_refused_and_values_validated(alice, group):
    q = question(alice, group)
    with pytest.raises(InvalidInput) as exc:
        aid_request_edit(actor=alice, request_id=q.pk, size=3)
    assert exc.value.code == "field_not_editable"
    aid_request_edit(actor=alice, request_id=q.pk, price=None, category="study")  # empty: ignored
    assert AidRequest.objects.get(pk=q.pk).category == "study"
    g = groupbuy(alice, group)
    for kwargs, code in (
        ({"title": "  "}, "invalid_title"),
        ({"title": "长" * 101}, "invalid_title"),
        ({"body": "长" * 2001}, "invalid_body"),
        ({"price": "abc"}, "invalid_price"),
        ({"size": 11}, "invalid_size"),
        ({"category": "study"}, "field_not_editable"),
    ):
        with pytest.raises(InvalidInput) as exc:
            aid_request_edit(actor=alice, request_id=g.pk, **kwargs)
        assert exc.value.code == code
    with pytest.raises(InvalidInput) as exc:
        aid_request_edit(actor=alice, request_id=q.pk, category="games")
    assert exc.value.code == "invalid_category"


def test_price_can_be_cleared(alice, group):
    req = groupbuy(alice, group)
    aid_request_edit(actor=alice, request_id=req.pk, price=None)
    assert AidRequest.objects.get(pk=req.pk).price is None


def test_finished_requests_are_not_editable(alice, bob, carol, group):
    completed = groupbuy(alice, group, goods=1, size=2)
    help_give(actor=bob, request_id=completed.pk)
    closed = groupbuy(alice, group, goods=2)
    request_close(actor=alice, request_id=closed.pk)
    resolved = question(alice, group)
    answer_accept(
        actor=alice,
        answer_id=answer_post(actor=carol, request_id=resolved.pk, body="去儿童医院").pk,
    )
    for req, words in ((completed, "完成"), (closed, "关闭"), (resolved, "解决")):
        with pytest.raises(Conflict) as exc:
            aid_request_edit(actor=alice, request_id=req.pk, title="改掉")
        assert exc.value.code == "request_not_editable" and words in str(exc.value)


def test_an_overdue_request_is_not_editable(alice, group):
    req = groupbuy(alice, group)
    with (
        time_machine.travel(timezone.now() + timedelta(hours=25)),
        pytest.raises(Conflict) as exc,
    ):
        aid_request_edit(actor=alice, request_id=req.pk, title="改掉")
    assert "过期" in str(exc.value)


def test_a_rejected_request_is_not_editable(owner, alice, group, monkeypatch):
    screening_says(monkeypatch, "hold")
    req = groupbuy(alice, group)
    aid_request_moderate(actor=owner, request_id=req.pk, approve=False)
    with pytest.raises(Conflict) as exc:
        aid_request_edit(actor=alice, request_id=req.pk, title="改掉")
    assert "未通过审核" in str(exc.value)


def test_a_repeat_changes_nothing_and_writes_no_history(alice, group):
    req = question(alice, group)
    aid_request_edit(actor=alice, request_id=req.pk, title="孩子发烧 39 度去哪家医院")
    aid_request_edit(actor=alice, request_id=req.pk, title="孩子发烧 39 度去哪家医院")
    assert AidRequestRevision.objects.filter(request=req).count() == 1


def test_questions_stay_editable_after_answers(alice, bob, group):
    q = question(alice, group)
    answer_post(actor=bob, request_id=q.pk, body="去儿童医院")
    aid_request_edit(actor=alice, request_id=q.pk, body="补充：孩子三岁，在浦东")
    assert AidRequest.objects.get(pk=q.pk).body == "补充：孩子三岁，在浦东"


# --- screening --------------------------------------------------------------------------------


def test_blocked_edit_is_refused_and_the_published_version_stays(alice, group):
    req = question(alice, group, body="着急")
    with pytest.raises(InvalidInput) as exc:
        aid_request_edit(actor=alice, request_id=req.pk, title="刷单兼职日结")
    assert exc.value.code == "screening_blocked" and "违法违规" in str(exc.value)
    req.refresh_from_db()
    assert (req.title, req.publication, req.edited_at) == (
        "孩子发烧去哪家医院",
        Publication.PUBLISHED,
        None,
    )
    assert not AidRequestRevision.objects.exists()


def test_phone_number_in_an_edit_is_masked(alice, group):
    req = question(alice, group)
    aid_request_edit(actor=alice, request_id=req.pk, body="着急，可以打我电话 13812345678")
    req.refresh_from_db()
    assert req.screening_action == "redact"
    assert "13812345678" not in req.body and "138****5678" in req.body
    assert req.publication == Publication.PUBLISHED


def test_redacted_groupbuy_edit_keeps_title_and_link(alice, group):
    req = groupbuy(alice, group)
    aid_request_edit(actor=alice, request_id=req.pk, body="有问题打 13812345678")
    req.refresh_from_db()
    assert req.body == "有问题打 138****5678"
    assert req.title == "维达抽纸 3层130抽*24包" and req.clean_link.endswith("123456789")


def test_held_edit_goes_back_to_review(owner, alice, bob, group, monkeypatch):
    from huzhu.moderation.models import ReviewItem

    req = groupbuy(alice, group)
    screening_says(monkeypatch, "hold", reason="疑似引流")
    with capture_events():
        aid_request_edit(actor=alice, request_id=req.pk, title="加群领券")
    req.refresh_from_db()
    assert req.publication == Publication.HELD and req.title == "加群领券"
    assert list(aid_requests_list(user=bob, group=group)) == []
    event = AuditEvent.objects.get(event_type=AuditEventType.AID_REQUEST_HELD)
    assert event.extra["edit"] is True and event.extra["reason"] == "疑似引流"
    assert ReviewItem.objects.filter(object_id=req.pk, status="open").exists()
    with capture_events() as events:
        aid_request_moderate(actor=owner, request_id=req.pk, approve=True)
    assert list(aid_requests_list(user=bob, group=group)) == [req]
    # Chat cards made unavailable by the held edit come back whole (title included).
    [event] = [e for e in events if e.type == "aid.updated"]
    assert event.aid["available"] is True and event.aid["title"] == "加群领券"


def test_members_who_joined_are_told_of_an_edit(alice, bob, carol, group):
    from huzhu.notifications.models import Notification
    from huzhu.notifications.services import notification_text

    req = groupbuy(alice, group, size=3)
    help_give(actor=bob, request_id=req.pk)
    aid_request_edit(actor=alice, request_id=req.pk, price="25.80")
    told = Notification.objects.filter(kind="aid.joined_request_edited")
    # Bob joined and is told (with a link to the request); Carol did not join; Alice made the edit.
    assert [n.user_id for n in told] == [bob.pk]
    [note] = told
    assert note.url == f"/groups/{group.pk}/aid/{req.pk}/" and note.actor_id == alice.pk
    assert "修改了你参与的" in notification_text(notification=note)


def test_held_edit_after_members_joined_is_refused_and_the_request_stays(
    alice, bob, group, monkeypatch
):
    from huzhu.moderation.models import ReviewItem

    req = groupbuy(alice, group, size=3)
    help_give(actor=bob, request_id=req.pk)
    screening_says(monkeypatch, "hold", reason="疑似引流")
    with pytest.raises(Conflict) as refused:
        aid_request_edit(actor=alice, request_id=req.pk, title="加群领券")
    assert refused.value.code == "edit_needs_review"
    assert "已有群友参与" in str(refused.value.message)
    req.refresh_from_db()
    # Bob's group-buy is still there as it was, nothing waits in the queue, no version written.
    assert req.publication == Publication.PUBLISHED and req.title != "加群领券"
    assert list(aid_requests_list(user=bob, group=group)) == [req]
    assert not ReviewItem.objects.filter(object_id=req.pk).exists()
    assert not req.revisions.exists()


def test_editing_a_held_request_keeps_it_held(alice, group, monkeypatch):
    screening_says(monkeypatch, "hold")
    req = groupbuy(alice, group)
    screening_says(monkeypatch, "allow", reason="")
    aid_request_edit(actor=alice, request_id=req.pk, title="普通标题")
    req.refresh_from_db()
    assert req.publication == Publication.HELD  # a moderator still decides


def test_price_or_category_alone_is_not_screened_again(alice, group, monkeypatch):
    req = groupbuy(alice, group)

    def fail(**kw):
        raise AssertionError("screened")

    monkeypatch.setattr("huzhu.aid.services._screen", fail)
    aid_request_edit(actor=alice, request_id=req.pk, price="19.9")


# --- history, events, search ------------------------------------------------------------------


def test_edit_is_announced_after_commit_with_the_card(alice, group):
    req = groupbuy(alice, group)
    with capture_events() as events:
        aid_request_edit(actor=alice, request_id=req.pk, title="新标题")
    [event] = [e for e in events if e.type == "aid.updated"]
    assert event.aid["id"] == req.pk and event.aid["title"] == "新标题"
    assert event.audience.moderators_only is False


def test_held_edit_is_announced_as_unavailable(alice, group, monkeypatch):
    req = groupbuy(alice, group)
    screening_says(monkeypatch, "hold")
    with capture_events() as events:
        aid_request_edit(actor=alice, request_id=req.pk, title="加群领券")
    [event] = [e for e in events if e.type == "aid.updated"]
    assert event.aid == {"type": "aid", "id": req.pk, "available": False}


def test_edit_is_reindexed_for_search(alice, group, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "huzhu.aid.services._search_index", lambda kind, obj: calls.append((kind, obj.title))
    )
    req = question(alice, group)
    aid_request_edit(actor=alice, request_id=req.pk, title="孩子咳嗽去哪家医院")
    assert calls[-1] == ("aid_request", "孩子咳嗽去哪家医院")


def test_edit_keeps_helps_and_status(alice, bob, group):
    req = groupbuy(alice, group, size=3)
    help_give(actor=bob, request_id=req.pk)
    aid_request_edit(actor=alice, request_id=req.pk, title="新标题")
    req.refresh_from_db()
    assert req.helps_count == 1 and req.status == AidStatus.OPEN
    assert Help.objects.filter(request=req).count() == 1


# --- races ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_edit_racing_a_help_loses_neither(group):
    from tests.concurrency import run_together
    from tests.factories import join

    a, b = join(group).user, join(group).user
    for round_ in range(4):
        req = aid_request_post(
            actor=a, group=group, kind="groupbuy", text=pdd_share(2000 + round_), size=3
        )
        edit, help_ = run_together(
            [
                lambda req=req, title=f"第 {round_} 次修改": aid_request_edit(
                    actor=a, request_id=req.pk, title=title, size=4
                ),
                lambda req=req: help_give(actor=b, request_id=req.pk),
            ]
        )
        assert isinstance(help_, Help), help_
        req.refresh_from_db()
        assert req.helps_count == 1 and Help.objects.filter(request=req).count() == 1
        if isinstance(edit, AidRequest):  # the edit came first: its size stands
            assert (req.title, req.size) == (f"第 {round_} 次修改", 4)
        else:  # the help came first: the size is frozen, and nothing of the edit was written
            assert isinstance(edit, Conflict) and edit.code == "frozen_after_help"
            assert (req.title, req.size) == ("维达抽纸 3层130抽*24包", 3)
