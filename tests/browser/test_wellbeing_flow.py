"""Healthy use end to end, in phone-sized Chromium.

1. A member sets a 1-minute daily budget in the form and keeps a page open: the page's heartbeats
   (every 3 s here instead of 30 s) really count a minute of foreground time, and the reminder
   appears on the page — first at 80%, then "用完了" at 100%.
2. A member in quiet hours gets no live notification while a group mate answers their question;
   when quiet hours end (the member clears them) the bell shows one digest, which lists the
   answer that waited.
3. On the request form, a member's N-th question of the day first sees matching answers
   ("先看看这些是否能解决"), highlighted; the form stays usable.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from huzhu.aid.services import aid_request_post, answer_post
from huzhu.notifications.models import Notification
from huzhu.wellbeing.models import HeldNotification, UsageDay
from tests.aid.conftest import screening_without_classifier
from tests.browser.conftest import log_in_as
from tests.factories import join, make_group, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_duplicate_windows():
    """See tests/wellbeing/conftest.py: the gate's in-process duplicate windows outlive tests."""
    from huzhu.core import gate

    gate._windows.clear()
    yield
    gate._windows.clear()


def set_limits(page, base: str, **fields: str) -> None:
    page.goto(f"{base}/me/wellbeing/limits/")
    for name in ("daily_minutes_budget", "quiet_start", "quiet_end"):
        page.fill(f"#id_{name}", fields.get(name, ""))
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(f"{base}/me/wellbeing/")


def test_a_one_minute_budget_reminds_after_a_real_minute(live_server, new_page, settings):
    settings.WELLBEING_HEARTBEAT_SECONDS = 3
    base = live_server.url
    member = make_user("xiaomei", "王小美")
    page = new_page()
    log_in_as(page, base, member)
    started = time.monotonic()  # before the first heartbeat of this member
    # The header's 我的 menu leads to the limits.
    page.goto(f"{base}/groups/")
    page.locator(".me-menu > summary").click()
    page.locator(".me-menu").get_by_role("link", name="使用限制").click()
    page.wait_for_url(f"{base}/me/wellbeing/limits/")
    set_limits(page, base, daily_minutes_budget="1")

    page.goto(f"{base}/groups/")
    reminder = page.get_by_test_id("wellbeing-reminder")
    reminder.filter(has_text="快到你定的 1 分钟了").wait_for(timeout=75_000)
    reminder.filter(has_text="用完了你定的 1 分钟").wait_for(timeout=30_000)
    elapsed = time.monotonic() - started
    # The minute was really counted from heartbeats, not assumed: at least a minute passed.
    assert elapsed >= 60, elapsed
    page.goto("about:blank")  # no more heartbeats while this thread reads the database
    assert UsageDay.objects.get(user=member).active_seconds >= 60
    assert sorted(Notification.objects.filter(user=member).values_list("kind", flat=True)) == [
        "wellbeing.budget_100",
        "wellbeing.budget_80",
    ]
    page.goto(f"{base}/me/wellbeing/")
    assert page.get_by_test_id("today-minutes").inner_text() in ("1", "2")
    assert page.locator("svg.meter").count() == 1
    assert not page.problems, page.problems


def test_quiet_hours_hold_notifications_and_the_digest_lists_them(
    live_server, new_page, monkeypatch
):
    screening_without_classifier(monkeypatch)  # the question and answer are not the point here
    base = live_server.url
    owner = make_user("qunzhu", "群主小王")
    group = make_group(owner, name="考研互助群")
    member = join(group, make_user("xiaoli", "群友小李")).user
    question = aid_request_post(
        actor=member, group=group, kind="question", title="英语作文怎么提分", category="study"
    )
    page = new_page()
    log_in_as(page, base, member)
    local = timezone.localtime()
    set_limits(
        page,
        base,
        quiet_start=(local - timedelta(hours=1)).strftime("%H:%M"),
        quiet_end=(local + timedelta(hours=1)).strftime("%H:%M"),
    )

    page.goto("about:blank")  # SQLite in tests: no page writes while this thread writes
    answer_post(actor=owner, request_id=question.pk, body="每天背一篇范文，先模仿再创新")
    assert HeldNotification.objects.filter(user=member).count() == 1
    page.goto(f"{base}/groups/")
    bell = page.get_by_test_id("bell")
    assert bell.locator(".badge").count() == 0  # nothing live during quiet hours
    page.goto(f"{base}/me/wellbeing/")
    assert page.get_by_text("有 1 条通知在等你的下一次汇总").is_visible()

    set_limits(page, base)  # quiet hours over
    assert bell.locator(".badge").inner_text() == "1"
    bell.click()
    page.get_by_role("button", name=re.compile("你的通知汇总：有 1 条通知在等你")).click()
    page.wait_for_url(re.compile(r"/me/wellbeing/digests/\d+/$"))
    assert page.get_by_text("群主小王 回答了你的求助「英语作文怎么提分」").is_visible()
    assert not page.problems, page.problems


def test_the_request_form_shows_matching_answers_first(live_server, new_page, monkeypatch):
    from huzhu.search.services import search_index_build
    from huzhu.wellbeing.services import wellbeing_settings_update

    screening_without_classifier(monkeypatch)
    base = live_server.url
    owner = make_user("qunzhu2", "群主老周")
    group = make_group(owner, name="宝妈育儿互助群")
    member = join(group, make_user("mama", "新手妈妈")).user
    old = aid_request_post(
        actor=owner, group=group, kind="question", title="宝宝湿疹用什么药膏比较好", category="life"
    )
    search_index_build(kind="aid_request", object_ids=[old.pk])
    wellbeing_settings_update(
        user=member,
        daily_minutes_budget=None,
        daily_request_budget=None,
        quiet_start=None,
        quiet_end=None,
        digest_mode=False,
        question_nudge_at=1,  # from the first question of the day
    )
    page = new_page()
    log_in_as(page, base, member)
    page.goto(f"{base}/groups/{group.pk}/aid/new/")
    page.select_option("#id_kind", "question")
    page.fill("#id_title", "宝宝湿疹反复怎么办")
    nudge = page.locator("[data-nudge=search_first]")
    nudge.wait_for()
    assert "先看看这些是否能解决" in nudge.inner_text()
    link = nudge.get_by_role("link", name=re.compile("湿疹"))
    assert link.get_attribute("href") == f"/groups/{group.pk}/aid/{old.pk}/"
    assert nudge.locator("mark").count() >= 1
    # A suggestion, not a block: the form is still there to post.
    assert page.locator("form.aid-post-form button[type=submit]").is_enabled()
    assert not page.problems, page.problems
