"""Wellbeing pages: only one's own data, the heartbeat, limits, the lock, reports with SVG charts,
digests and the owner's group page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client

from huzhu.notifications.services import notification_create
from huzhu.wellbeing.models import UsageDay, WellbeingSettings
from huzhu.wellbeing.services import wellbeing_heartbeat, wellbeing_settings_update
from tests.factories import join, make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Shanghai


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_heartbeats_count_time_and_return_the_reminder_once(member):
    WellbeingSettings.objects.create(user=member, daily_minutes_budget=1)
    client = client_for(member)
    answers = []
    for offset in range(0, 61, 30):
        with time_machine.travel(NOW + timedelta(seconds=offset), tick=False):
            answers.append(client.post("/me/wellbeing/beat/").json())
    assert [a["active_seconds"] for a in answers] == [0, 30, 60]
    assert [a["reminder"] for a in answers] == ["", "", "100"]
    assert "用完了你定的 1 分钟" in answers[-1]["reminder_text"]
    assert client.get("/me/wellbeing/beat/").status_code == 405


def test_usage_page_shows_own_figures_and_charts_without_inline_styles(member):
    with time_machine.travel(NOW, tick=False):
        for offset in range(0, 301, 30):
            wellbeing_heartbeat(user=member, at=NOW + timedelta(seconds=offset))
        body = client_for(member).get("/me/wellbeing/").content.decode()
    assert 'data-testid="today-minutes">5<' in body
    assert body.count('<svg class="chart"') == 2
    assert "style=" not in body and "<script>" not in body
    other = make_user()
    with time_machine.travel(NOW, tick=False):
        body = client_for(other).get("/me/wellbeing/").content.decode()
    assert 'data-testid="today-minutes">0<' in body


def test_limits_form_saves_and_rejects_half_quiet_hours(member):
    client = client_for(member)
    form = {
        "daily_minutes_budget": "45",
        "daily_request_budget": "",
        "question_nudge_at": "3",
        "quiet_start": "23:00",
        "quiet_end": "",
        "digest_hour": "20",
    }
    response = client.post("/me/wellbeing/limits/", form)
    assert response.status_code == 200
    assert "免打扰需要同时填写开始和结束时间" in response.content.decode()
    form["quiet_end"] = "07:00"
    assert client.post("/me/wellbeing/limits/", form).status_code == 302
    prefs = WellbeingSettings.objects.get(user=member)
    assert (prefs.daily_minutes_budget, prefs.quiet_start, prefs.quiet_end) == (
        45,
        time(23, 0),
        time(7, 0),
    )


def test_lock_needs_confirmation_and_sends_the_member_to_rest(member):
    client = client_for(member)
    client.post("/me/wellbeing/lock/", {})
    assert client.get("/me/wellbeing/rest/").status_code == 302  # not locked
    response = client.post("/me/wellbeing/lock/", {"confirm": "yes"})
    assert response["Location"] == "/me/wellbeing/rest/"
    assert "今天到此为止" in client.get("/me/wellbeing/rest/").content.decode()
    assert client.post("/me/wellbeing/beat/").json()["locked"] is True


def test_digest_page_lists_what_waited_and_is_private(owner, member):
    wellbeing_settings_update(
        user=member,
        daily_minutes_budget=None,
        daily_request_budget=None,
        quiet_start=time(0, 0),
        quiet_end=time(23, 59),
        digest_mode=False,
    )
    notification_create(user=member, kind="aid.thanked", actor=owner, params={"title": "拼奶粉"})
    WellbeingSettings.objects.filter(user=member).update(quiet_start=None, quiet_end=None)
    answer = client_for(member).post("/me/wellbeing/beat/").json()
    assert answer["digests_released"] == 1
    bell = member.notifications.get()
    body = client_for(member).get(bell.url).content.decode()
    assert "群主小王 感谢你在「拼奶粉」中的帮助" in body
    assert client_for(owner).get(bell.url).status_code == 404


def test_weekly_report_page_has_the_four_svg_charts(member):
    last_monday = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)
    for offset in range(0, 601, 30):
        wellbeing_heartbeat(user=member, at=last_monday + timedelta(seconds=offset))
    with time_machine.travel(NOW, tick=False):
        body = client_for(member).get("/me/wellbeing/reports/").content.decode()
        current = client_for(member).get("/me/wellbeing/reports/2026-11-23/")
        assert client_for(member).get("/me/wellbeing/reports/2026-11-24/").status_code == 404
        assert client_for(member).get("/me/wellbeing/reports/2026-11-30/").status_code == 404
    assert 'data-testid="report-minutes">10<' in body
    assert len(re.findall(r'<svg class="chart"', body)) == 4
    assert "style=" not in body
    assert current.status_code == 200 and "本周（进行中）" in current.content.decode()


def test_group_page_is_for_the_owner_and_sets_quiet_hours(owner, group, member):
    assert client_for(member).get(f"/groups/{group.pk}/wellbeing/").status_code == 403
    client = client_for(owner)
    body = client.get(f"/groups/{group.pk}/wellbeing/").content.decode()
    assert "群成员少于 5 人，不显示群健康数据" in body
    response = client.post(f"/groups/{group.pk}/wellbeing/", {"start": "23:00", "end": "07:00"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.config["wellbeing"] == {"quiet_start": "23:00", "quiet_end": "07:00"}


def test_header_has_one_me_menu_with_the_wellbeing_pages(member, settings):
    body = client_for(member).get("/groups/").content.decode()
    assert 'data-interval="0"' in body  # no background heartbeats under tests by default
    settings.WELLBEING_HEARTBEAT_SECONDS = 30
    body = client_for(member).get("/groups/").content.decode()
    assert 'class="menu me-menu' in body
    for url in ("/me/wellbeing/", "/me/wellbeing/limits/", "/me/wellbeing/reports/", "/tokens/"):
        assert f'href="{url}"' in body
    assert 'id="wellbeing-script"' in body and 'data-interval="30"' in body


def test_question_nudge_only_from_the_nth_question(owner, group, member):
    join(group)
    client = client_for(member)
    html = client.get(f"/me/wellbeing/nudge/?group={group.pk}&q=高数").content.decode()
    assert "先看看这些是否能解决" not in html  # first question of the day: no nudge
    assert UsageDay.objects.count() == 0


def test_pages_read_in_english(member):
    client = client_for(member)
    client.cookies["django_language"] = "en"
    body = client.get("/me/wellbeing/").content.decode()
    assert "Healthy use" in body and "Only you can see these figures" in body
    assert "健康使用" not in body
    WellbeingSettings.objects.create(user=member, daily_minutes_budget=1)
    with time_machine.travel(NOW, tick=False):
        client.post("/me/wellbeing/beat/")
    with time_machine.travel(NOW + timedelta(seconds=60), tick=False):
        text = client.post("/me/wellbeing/beat/").json()["reminder_text"]
    assert text == "You have used 1 minutes today, all of your 1 minutes. Time for a break."
