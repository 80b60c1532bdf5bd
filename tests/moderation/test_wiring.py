"""Moderation wired into the content apps: report links and notes on their pages, standing
privileges and first-day caps at posting time, held content pushed into the queue when held."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from huzhu.aid.services import Screened, aid_request_post, answer_post
from huzhu.chat.services import message_send
from huzhu.core.errors import Forbidden
from huzhu.moderation.models import ReviewItem, ReviewSource, ReviewStatus
from huzhu.moderation.review import review_open_count, review_queue_sync
from huzhu.moderation.standing import FIRST_DAY_LIMITS
from tests.factories import join, make_user
from tests.moderation.conftest import send

PDD = "https://mobile.yangkeduo.com/goods.html?goods_id=123456789&share_uin=AB12"


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def page(user: Any, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def newbie(group):
    return join(group, make_user("newbie", "新人"), newcomer=True).user


@pytest.fixture
def real_chat_screening(monkeypatch):
    """Chat with the real screening gate, so a link in the text is found as screening finds it."""
    from huzhu.core.gate import content_screen

    monkeypatch.setattr(
        "huzhu.chat.services._screen",
        lambda *, text, author, group: content_screen(
            text=text, author=author, group=group, kind="message"
        ),
    )


# --- report links and notes on the content pages ---------------------------------------------


def test_chat_messages_of_others_carry_a_report_link(group, alice, bob):
    message = send(alice, group, "今晚八点团购截单，大家记得付款")
    url = reverse("web:report", args=["message", message.pk])
    chat = f"/groups/{group.pk}/chat/"
    assert f'href="{url}"' in page(bob, chat)
    # Not on one's own message; and the page tells chat.js how to build the link for live ones.
    html = page(alice, chat)
    assert f'href="{url}"' not in html
    assert reverse("web:report", args=["message", 0]) in html and 'data-report="举报"' in html


def test_aid_request_and_answer_pages_carry_report_links_and_notes(group, alice, bob):
    deal = aid_request_post(actor=alice, group=group, kind="groupbuy", text=f"维达抽纸 {PDD}")
    html = page(bob, reverse("web:aid_request", args=[group.pk, deal.pk]))
    assert reverse("web:report", args=["aid_request", deal.pk]) in html
    assert reverse("web:notes", args=["aid_request", deal.pk]) in html  # fact-check notes panel

    question = aid_request_post(
        actor=alice, group=group, kind="question", title="考研英语怎么背单词", category="study"
    )
    answer = answer_post(actor=bob, request_id=question.pk, body="每天早上背五十个，周末复习")
    html = page(alice, reverse("web:aid_request", args=[group.pk, question.pk]))
    assert reverse("web:report", args=["answer", answer.pk]) in html
    assert reverse("web:report", args=["aid_request", question.pk]) not in html  # her own


def test_resource_page_carries_a_report_link_and_notes(group, alice, bob, monkeypatch):
    from huzhu.resources.services import Screened as ResourceScreened
    from huzhu.resources.services import resource_share

    monkeypatch.setattr(
        "huzhu.resources.services._screen",
        lambda *, text, author, group: ResourceScreened(action="allow", text=text, reason=""),
    )
    resource = resource_share(actor=alice, group=group, kind="tip", title="冰箱除味用小苏打")
    html = page(bob, reverse("web:resource_detail", args=[resource.pk]))
    assert reverse("web:report", args=["resource", resource.pk]) in html
    assert reverse("web:notes", args=["resource", resource.pk]) in html


def test_members_list_offers_report_member_except_for_oneself(group, alice, bob):
    html = page(bob, reverse("web:group_home", args=[group.pk]))
    assert reverse("web:report_member", args=[group.pk, alice.pk]) in html
    assert reverse("web:report_member", args=[group.pk, bob.pk]) not in html


def test_report_member_page_goes_back_to_the_members_list_only_inside_the_site(group, alice, bob):
    report = reverse("web:report_member", args=[group.pk, alice.pk])
    home = reverse("web:group_home", args=[group.pk])
    html = page(bob, f"{report}?next={home}%23members")
    assert f'href="{home}#members"' in html
    html = page(bob, f"{report}?next=javascript:alert(1)")
    assert 'href="javascript:' not in html


# --- privileges from standing, at posting time -----------------------------------------------


@pytest.mark.usefixtures("real_chat_screening")
def test_a_newcomer_is_refused_a_link_in_chat_with_the_reason(group, newbie, alice):
    with pytest.raises(Forbidden) as refused:
        message_send(actor=newbie, group=group, text=f"这个纸巾很划算 {PDD}")
    assert refused.value.code == "standing_too_low"
    assert "发布链接" in str(refused.value) and "24 小时" in str(refused.value)
    # Without a link the newcomer may talk; an established member may post the link.
    assert message_send(actor=newbie, group=group, text="大家好，我是新来的").created
    assert message_send(actor=alice, group=group, text=f"这个纸巾很划算 {PDD}").created


def test_a_newcomer_cannot_start_a_group_buy_and_the_post_page_says_why(group, newbie):
    with pytest.raises(Forbidden) as refused:
        aid_request_post(actor=newbie, group=group, kind="groupbuy", text=f"维达抽纸 {PDD}")
    assert refused.value.code == "standing_too_low" and "发起拼团" in str(refused.value)

    client = Client()
    client.force_login(newbie)
    response = client.post(
        reverse("web:aid_post", args=[group.pk]),
        {"kind": "groupbuy", "text": f"维达抽纸 {PDD}", "idempotency_key": "k1"},
    )
    assert response.status_code == 403
    assert "信用等级达到“成员”后才能发起拼团" in response.content.decode()


def test_first_day_caps_bite_with_the_time_they_lift(group, newbie):
    group.config = {"chat": {"rate_limit": 1000}}
    group.save()
    cap = FIRST_DAY_LIMITS["messages_per_day"]
    for n in range(cap):
        message_send(actor=newbie, group=group, text=f"第{n}条")
    with pytest.raises(Forbidden) as refused:
        message_send(actor=newbie, group=group, text="再来一条")
    assert refused.value.code == "first_day_limit"
    assert f"新成员入群第一天最多发 {cap} 条消息" in str(refused.value)
    assert "后解除限制" in str(refused.value)

    for n in range(FIRST_DAY_LIMITS["requests_per_day"]):
        aid_request_post(
            actor=newbie, group=group, kind="question", title=f"问题{n}", category="life"
        )
    with pytest.raises(Forbidden) as refused:
        aid_request_post(actor=newbie, group=group, kind="question", title="问题", category="life")
    assert "新成员入群第一天最多发布 3 个请求" in str(refused.value)
    # The post page shows it before the newcomer types anything.
    assert "新成员入群第一天最多发布 3 个请求" in page(
        newbie, reverse("web:aid_post", args=[group.pk])
    )


# --- held content enters the queue when it is held ---------------------------------------------


def test_a_held_chat_message_is_queued_without_a_moderator_opening_the_queue(
    group, alice, fake_screen, django_capture_on_commit_callbacks
):
    fake_screen.hold("加我微信领红包")
    with django_capture_on_commit_callbacks(execute=True):
        message = send(alice, group, "加我微信领红包")
    assert message.status == "held"
    item = ReviewItem.objects.get(object_id=message.pk, content_type__model="message")
    assert item.group_id == group.pk and item.status == ReviewStatus.OPEN
    assert item.sources == [ReviewSource.SCREENING] and item.target_user_id == alice.pk
    assert item.findings["reason_zh"] == "疑似广告，待审核"
    assert review_open_count(group=group) == 1  # the moderators' badge counts it already
    assert review_queue_sync(group=group) == 0  # nothing left for the queue to pull


def test_a_held_aid_request_is_queued_when_it_is_held(
    group, alice, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(
        "huzhu.aid.services._screen",
        lambda *, text, author, group, kind: Screened(
            action="hold", text=text, reason="疑似刷单", clean_links=[]
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        request = aid_request_post(
            actor=alice, group=group, kind="question", title="求兼职刷单", category="work"
        )
    assert request.publication == "held"
    item = ReviewItem.objects.get(object_id=request.pk, content_type__model="aidrequest")
    assert item.status == ReviewStatus.OPEN and item.findings["reason"] == "疑似刷单"
    assert review_queue_sync(group=group) == 0


def test_the_first_day_refusal_reads_in_english(group, newbie):
    with translation.override("en"):
        for n in range(FIRST_DAY_LIMITS["requests_per_day"]):
            aid_request_post(
                actor=newbie, group=group, kind="question", title=f"问题{n}", category="life"
            )
        with pytest.raises(Forbidden) as refused:
            aid_request_post(
                actor=newbie, group=group, kind="question", title="问题", category="life"
            )
        assert str(refused.value).startswith("On their first day in a group, new members can")
        with pytest.raises(Forbidden) as refused:
            aid_request_post(actor=newbie, group=group, kind="boost", text=f"砍一刀 {PDD}")
        assert "新成员" not in str(refused.value) and "24" in str(refused.value)
