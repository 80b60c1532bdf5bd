"""Gentle nudges: search first on the N-th question of the day, the member's own request budget,
an invitation to give back, and a break past the minutes budget — suggestions, never blocks."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client

from huzhu.aid.services import aid_request_post, answer_accept, answer_post
from huzhu.search.services import search_index_build
from huzhu.wellbeing.nudges import wellbeing_nudges
from huzhu.wellbeing.services import wellbeing_heartbeat, wellbeing_settings_update
from tests.factories import join, make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def limits(user, **values):
    base = {
        "daily_minutes_budget": None,
        "daily_request_budget": None,
        "quiet_start": None,
        "quiet_end": None,
        "digest_mode": False,
    }
    return wellbeing_settings_update(user=user, **{**base, **values})


def ask(user, group, title, category="study"):
    return aid_request_post(
        actor=user, group=group, kind="question", title=title, category=category
    )


def test_the_nth_question_of_the_day_sees_matching_answers_first(owner, group, member):
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        old = ask(owner, group, "宝宝湿疹用什么药膏比较好")
        search_index_build(kind="aid_request", object_ids=[old.pk])
    limits(member, question_nudge_at=2)
    with time_machine.travel(NOW, tick=False):
        query = "宝宝湿疹"
        assert wellbeing_nudges(user=member, at=NOW, query=query, posting=True) == []
        ask(member, group, "高数期末怎么复习")
        nudges = wellbeing_nudges(user=member, at=NOW, query=query, posting=True)
        assert [n.kind for n in nudges] == ["search_first"]
        assert "先看看这些是否能解决" in nudges[0].message
        assert nudges[0].hits[0].doc.object_id == old.pk
        client = Client()
        client.force_login(member)
        html = client.get(f"/me/wellbeing/nudge/?group={group.pk}&q={query}").content.decode()
    assert f'href="/groups/{group.pk}/aid/{old.pk}/"' in html
    assert "<mark>" in html  # the matching words are highlighted


def test_past_the_request_budget_a_reminder_but_posting_still_works(group, member):
    limits(member, daily_request_budget=1)
    with time_machine.travel(NOW, tick=False):
        ask(member, group, "租房合同要注意什么")
        nudges = wellbeing_nudges(user=member, at=NOW, posting=True)
        assert [n.kind for n in nudges] == ["request_budget"]
        assert ask(member, group, "押金一般是几个月").pk  # not blocked


def test_taking_far_more_than_giving_invites_to_help(owner, group, member):
    helpers = [join(group, make_user()).user for _ in range(5)]
    with time_machine.travel(NOW - timedelta(days=2), tick=False):
        for i, helper in enumerate(helpers):
            q = ask(member, group, f"第{i + 1}个问题：孩子挑食怎么办才好呢")
            a = answer_post(actor=helper, request_id=q.pk, body=f"我家是这样做的，第{i + 1}种办法")
            answer_accept(actor=member, answer_id=a.pk)
    nudges = wellbeing_nudges(user=member, at=NOW)
    assert [n.kind for n in nudges] == ["give_back"]
    assert nudges[0].url == f"/groups/{group.pk}/aid/queue/"
    assert wellbeing_nudges(user=helpers[0], at=NOW) == []


def test_past_the_minutes_budget_a_break_is_suggested(member):
    limits(member, daily_minutes_budget=1, quiet_start=time(1, 0), quiet_end=time(2, 0))
    for offset in range(0, 61, 30):
        wellbeing_heartbeat(user=member, at=NOW + timedelta(seconds=offset))
    assert [n.kind for n in wellbeing_nudges(user=member, at=NOW)] == ["take_break"]
