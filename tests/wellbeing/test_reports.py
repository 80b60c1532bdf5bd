"""Weekly reports with frozen time: figures per local week, top categories, the 8-week trend,
idempotent scheduled generation (task and command) and CSP-safe SVG charts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from huzhu.aid.services import aid_request_post, answer_accept, answer_post
from huzhu.notifications.models import Notification
from huzhu.wellbeing.models import WeeklyReport
from huzhu.wellbeing.reports import (
    weekly_report_charts,
    weekly_report_compute,
    weekly_reports_generate,
)
from huzhu.wellbeing.services import wellbeing_heartbeat
from huzhu.wellbeing.tasks import weekly_reports_task

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 16)
# Tuesday 17 Nov, 10:00 in Shanghai.
TUESDAY = datetime(2026, 11, 17, 2, 0, tzinfo=UTC)
NEXT_MONDAY_MORNING = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # 08:00 in Shanghai


def active(user, start, minutes):
    for offset in range(0, minutes * 60 + 1, 30):
        wellbeing_heartbeat(user=user, at=start + timedelta(seconds=offset))


def ask_and_accept(asker, helper, group, title, category, answer):
    q = aid_request_post(actor=asker, group=group, kind="question", title=title, category=category)
    answer = answer_post(actor=helper, request_id=q.pk, body=answer)
    answer_accept(actor=asker, answer_id=answer.pk)


def test_report_figures_categories_and_trend(owner, group, member):
    active(member, TUESDAY - timedelta(days=7), 30)  # the week before: part of the trend
    active(member, TUESDAY, 12)
    active(member, TUESDAY + timedelta(days=2), 8)
    with time_machine.travel(TUESDAY, tick=False):
        ask_and_accept(
            member, owner, group, "微积分的极限怎么理解", "study", "先看课本上的例题再做习题"
        )
        ask_and_accept(
            member, owner, group, "英语作文怎么提高分数", "study", "每天背一篇范文，先模仿"
        )
        ask_and_accept(owner, member, group, "周末带孩子去哪里玩", "life", "可以去植物园看看")
    data = weekly_report_compute(user=member, monday=MONDAY)
    assert data["minutes"] == 20
    assert [d["minutes"] for d in data["days"]] == [0, 12, 0, 8, 0, 0, 0]
    assert (data["given"], data["received"], data["posted"]) == (1, 2, 2)
    assert data["top_categories"][0] == {"key": "question:study", "label": "学习", "count": 2}
    assert [w["minutes"] for w in data["trend"]] == [0, 0, 0, 0, 0, 0, 30, 20]
    assert data["trend"][-1]["week_start"] == "2026-11-16"


def test_scheduled_generation_is_idempotent_and_tells_the_member(owner, member):
    active(member, TUESDAY, 5)
    with time_machine.travel(NEXT_MONDAY_MORNING, tick=False):
        assert weekly_reports_generate(at=NEXT_MONDAY_MORNING) == 1
        assert weekly_reports_generate(at=NEXT_MONDAY_MORNING) == 0
    report = WeeklyReport.objects.get(user=member)
    assert report.week_start == MONDAY and report.data["minutes"] == 5
    bell = Notification.objects.get(user=member)
    assert (bell.kind, bell.url) == ("wellbeing.weekly_report", "/me/wellbeing/reports/2026-11-16/")
    assert not WeeklyReport.objects.filter(user=owner).exists()  # inactive that week


def test_the_task_and_the_command_generate_reports(member):
    active(member, TUESDAY, 3)
    with time_machine.travel(NEXT_MONDAY_MORNING, tick=False):
        assert weekly_reports_task.call("2026-11-16") == 1
        out = StringIO()
        call_command("weekly_reports", "--now", "--week", "2026-11-16", stdout=out)
    assert "0 weekly reports made" in out.getvalue()
    out = StringIO()
    call_command("weekly_reports", stdout=out)
    assert "enqueued" in out.getvalue()


def test_charts_are_inline_svg_with_presentation_attributes_only(member):
    active(member, TUESDAY, 7)
    charts = weekly_report_charts(
        data=weekly_report_compute(user=member, monday=MONDAY), budget_minutes=5
    )
    assert set(charts) == {"minutes", "balance", "trend_minutes", "trend_balance"}
    for svg in charts.values():
        assert svg.startswith('<svg class="chart"') and 'role="img"' in svg
        assert "style" not in svg and "<script" not in svg
    assert "<title>二 分钟: 7分钟</title>" in charts["minutes"]
    assert 'stroke-dasharray="4 3"' in charts["minutes"]  # the budget line
