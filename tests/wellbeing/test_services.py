"""Wellbeing services with frozen time: the usage clock, budgets and reminders, the self-chosen
lock, quiet hours and digests, group quiet hours, owner aggregates, export and the purge."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from huzhu.aid.services import aid_request_post, answer_accept, answer_post
from huzhu.chat.services import message_send
from huzhu.core.errors import Forbidden, InvalidInput
from huzhu.notifications.models import Notification
from huzhu.notifications.services import notification_create, notification_create_many
from huzhu.wellbeing.gate import wellbeing_should_deliver_now
from huzhu.wellbeing.group import (
    group_quiet_hours_active,
    group_quiet_hours_check,
    group_quiet_hours_update,
    group_wellbeing_figures,
)
from huzhu.wellbeing.models import Digest, HeldNotification, UsageDay, WeeklyReport
from huzhu.wellbeing.selectors import usage_by_day
from huzhu.wellbeing.services import (
    wellbeing_digests_release,
    wellbeing_export,
    wellbeing_heartbeat,
    wellbeing_lock_until_tomorrow,
    wellbeing_locked_until,
    wellbeing_purge,
    wellbeing_settings_update,
)
from tests.factories import join

pytestmark = pytest.mark.django_db

# 2026-11-25 10:00 in Shanghai (UTC+8) is 02:00 UTC.
MORNING = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def limits(user, **overrides):
    values = {
        "daily_minutes_budget": None,
        "daily_request_budget": None,
        "quiet_start": None,
        "quiet_end": None,
        "digest_mode": False,
    }
    values.update(overrides)
    return wellbeing_settings_update(user=user, **values)


def beats(user, start, *, seconds, every=30):
    """Heartbeats every ``every`` seconds for ``seconds`` seconds starting at ``start``."""
    result = None
    for offset in range(0, seconds + 1, every):
        result = wellbeing_heartbeat(user=user, at=start + timedelta(seconds=offset))
    return result


# --- the usage clock -------------------------------------------------------------------------


def test_foreground_time_is_counted_between_heartbeats(member):
    result = beats(member, MORNING, seconds=300)
    assert result.active_seconds == 300
    assert UsageDay.objects.get(user=member).day.isoformat() == "2026-11-25"


def test_idle_over_two_minutes_stops_the_clock(member):
    beats(member, MORNING, seconds=60)
    # The tab was hidden for 10 minutes: nothing counts for the gap.
    result = beats(member, MORNING + timedelta(minutes=11), seconds=60)
    assert result.active_seconds == 120


def test_two_tabs_do_not_count_twice(member):
    for offset in range(0, 121, 15):  # two tabs beating every 30 s, 15 s apart
        wellbeing_heartbeat(user=member, at=MORNING + timedelta(seconds=offset))
    assert UsageDay.objects.get(user=member).active_seconds == 120


def test_days_are_local_to_the_members_time_zone(member):
    # 23:59 in Shanghai on the 25th is 15:59 UTC; one minute later it is the 26th in Shanghai.
    late = datetime(2026, 11, 25, 15, 58, tzinfo=UTC)
    beats(member, late, seconds=180)
    days = dict(UsageDay.objects.filter(user=member).values_list("day", "active_seconds"))
    assert {d.isoformat(): s for d, s in days.items()} == {"2026-11-25": 90, "2026-11-26": 90}
    wellbeing_settings_update(
        user=member,
        daily_minutes_budget=None,
        daily_request_budget=None,
        quiet_start=None,
        quiet_end=None,
        digest_mode=False,
        time_zone="Europe/Berlin",
    )
    wellbeing_heartbeat(user=member, at=late + timedelta(minutes=10))
    assert UsageDay.objects.filter(user=member, day="2026-11-25").exists()


# --- budgets, reminders and the lock --------------------------------------------------------


def test_budget_reminders_at_80_and_100_percent_once_each(member):
    limits(member, daily_minutes_budget=10)
    seen = []
    for offset in range(0, 15 * 60 + 1, 30):
        result = wellbeing_heartbeat(user=member, at=MORNING + timedelta(seconds=offset))
        if result.reminder:
            seen.append((result.reminder, result.active_seconds))
    assert seen == [("80", 480), ("100", 600)]
    kinds = list(Notification.objects.filter(user=member).values_list("kind", flat=True))
    assert sorted(kinds) == ["wellbeing.budget_100", "wellbeing.budget_80"]
    # Past the budget nothing is blocked: the clock keeps counting.
    assert UsageDay.objects.get(user=member).active_seconds == 900


def test_the_next_day_starts_a_fresh_budget(member):
    limits(member, daily_minutes_budget=1)
    assert beats(member, MORNING, seconds=60).reminder == "100"
    assert beats(member, MORNING + timedelta(days=1), seconds=60).reminder == "100"


def test_lock_until_tomorrow_is_the_members_choice_and_ends_at_local_midnight(member):
    until = wellbeing_lock_until_tomorrow(user=member, at=MORNING)
    assert until == datetime(2026, 11, 25, 16, 0, tzinfo=UTC)  # 00:00 on the 26th in Shanghai
    assert wellbeing_locked_until(user=member, at=MORNING + timedelta(hours=5)) == until
    # Changing limits does not lift it; time does.
    limits(member, daily_minutes_budget=30)
    assert wellbeing_heartbeat(user=member, at=MORNING + timedelta(hours=1)).locked_until == until
    assert wellbeing_locked_until(user=member, at=until + timedelta(seconds=1)) is None


def test_limits_are_validated(member):
    with pytest.raises(InvalidInput):
        limits(member, daily_minutes_budget=0)
    with pytest.raises(InvalidInput):
        limits(member, quiet_start=time(23, 0))
    with pytest.raises(InvalidInput):
        limits(member, quiet_start=time(8, 0), quiet_end=time(8, 0))


# --- quiet hours and digests ----------------------------------------------------------------


def test_quiet_hours_hold_notifications_and_the_digest_lists_them_afterwards(owner, group, member):
    limits(member, quiet_start=time(22, 0), quiet_end=time(7, 0))
    night = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # 23:00 Shanghai
    with time_machine.travel(night, tick=False):
        notification_create(user=member, kind="aid.thanked", actor=owner, params={"title": "A"})
        notification_create_many(
            users=[member, owner], kind="aid.request_completed", params={"title": "B"}
        )
    assert not Notification.objects.filter(user=member).exists()
    assert Notification.objects.filter(user=owner).count() == 1  # the owner has no quiet hours
    assert HeldNotification.objects.filter(user=member).count() == 2
    # Still quiet at 06:59: nothing released.
    assert wellbeing_digests_release(at=datetime(2026, 11, 25, 22, 59, tzinfo=UTC)) == 0
    morning = datetime(2026, 11, 25, 23, 1, tzinfo=UTC)  # 07:01 Shanghai
    assert wellbeing_digests_release(at=morning) == 1
    assert wellbeing_digests_release(at=morning) == 0  # idempotent
    digest = Digest.objects.get(user=member)
    assert digest.item_count == 2
    assert [h.params["title"] for h in digest.items.all()] == ["A", "B"]
    bell = Notification.objects.get(user=member)
    assert bell.kind == "wellbeing.digest"
    assert bell.params == {"count": 2}
    assert bell.url == f"/me/wellbeing/digests/{digest.pk}/"


def test_digest_mode_sends_one_summary_a_day_at_the_chosen_hour(owner, member):
    limits(member, digest_mode=True)
    morning = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # 09:00 Shanghai
    for i in range(3):
        with time_machine.travel(morning + timedelta(hours=i), tick=False):
            notification_create(user=member, kind="aid.thanked", actor=owner, params={"title": i})
    assert not wellbeing_should_deliver_now(user=member, at=morning)
    assert wellbeing_digests_release(at=datetime(2026, 11, 25, 11, 59, tzinfo=UTC)) == 0
    at_eight = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # 20:00 Shanghai
    assert wellbeing_digests_release(at=at_eight) == 1
    # A later notification the same evening waits for tomorrow's digest.
    with time_machine.travel(at_eight + timedelta(hours=1), tick=False):
        notification_create(user=member, kind="aid.thanked", actor=owner, params={"title": 9})
    assert wellbeing_digests_release(at=at_eight + timedelta(hours=2)) == 0
    assert wellbeing_digests_release(at=at_eight + timedelta(days=1)) == 1
    assert list(Digest.objects.filter(user=member).values_list("item_count", flat=True)) == [1, 3]


def test_the_first_heartbeat_after_quiet_hours_releases_what_waited(owner, member):
    limits(member, quiet_start=time(22, 0), quiet_end=time(7, 0))
    with time_machine.travel(datetime(2026, 11, 25, 15, 0, tzinfo=UTC), tick=False):
        notification_create(user=member, kind="aid.thanked", actor=owner, params={"title": "x"})
    quiet = wellbeing_heartbeat(user=member, at=datetime(2026, 11, 25, 22, 0, tzinfo=UTC))
    assert quiet.digests_released == 0
    result = wellbeing_heartbeat(user=member, at=datetime(2026, 11, 25, 23, 5, tzinfo=UTC))
    assert result.digests_released == 1
    assert Notification.objects.get(user=member).kind == "wellbeing.digest"


def test_turning_quiet_hours_off_releases_what_waited_at_once(owner, member):
    limits(member, quiet_start=time(0, 0), quiet_end=time(23, 59))
    with time_machine.travel(MORNING, tick=False):
        notification_create(user=member, kind="aid.thanked", actor=owner, params={"title": "x"})
    assert not Notification.objects.filter(user=member).exists()
    limits(member)
    assert Notification.objects.get(user=member).params == {"count": 1}


# --- group quiet hours and aggregates -------------------------------------------------------


def test_group_quiet_hours_pause_posting_for_members_not_admins(owner, group, member):
    group_quiet_hours_update(actor=owner, group_id=group.pk, start=time(23, 0), end=time(7, 0))
    group.refresh_from_db()
    night = datetime(2026, 11, 25, 16, 30, tzinfo=UTC)  # 00:30 Shanghai
    assert group_quiet_hours_active(group=group, at=night)
    assert not group_quiet_hours_active(group=group, at=MORNING)
    membership = group.memberships.get(user=member)
    with pytest.raises(Forbidden) as exc:
        group_quiet_hours_check(group=group, membership=membership, at=night)
    assert exc.value.code == "group_quiet_hours"
    assert "23:00–07:00" in str(exc.value)
    group_quiet_hours_check(group=group, membership=group.memberships.get(user=owner), at=night)
    with pytest.raises(Forbidden):
        group_quiet_hours_update(actor=member, group_id=group.pk, start=None, end=None)


def test_owner_sees_aggregates_only_for_big_enough_groups(owner, group):
    figures = group_wellbeing_figures(actor=owner, group_id=group.pk, at=MORNING)
    assert not figures.enough_members
    assert figures.median_daily_minutes is None
    members = [join(group).user for _ in range(11)]
    for i, user in enumerate(members):
        beats(user, MORNING - timedelta(days=1), seconds=60 * (i + 1), every=60)
    for user in members[:6]:
        limits(user, daily_minutes_budget=60)
    figures = group_wellbeing_figures(actor=owner, group_id=group.pk, at=MORNING)
    assert figures.enough_members and figures.members == 12
    # Medians of per-day averages over 7 days: 1..11 minutes → median 6 min / 7 days ≈ 1.
    assert figures.median_daily_minutes == 1
    assert figures.members_with_budget_percent == 50
    # Only 0 members use quiet hours: "none" is hidden, it tells about each member.
    assert figures.members_with_quiet_hours_percent is None
    with pytest.raises(Forbidden):
        group_wellbeing_figures(actor=members[0], group_id=group.pk, at=MORNING)


# --- derived counters, export and retention -------------------------------------------------


def test_usage_counts_helps_requests_and_messages_from_aid_and_chat(owner, group, member):
    with time_machine.travel(MORNING, tick=False):
        question = aid_request_post(
            actor=member, group=group, kind="question", title="高数第三章怎么复习", category="study"
        )
        answer = answer_post(actor=owner, request_id=question.pk, body="先把例题做一遍")
        answer_accept(actor=member, answer_id=answer.pk)
        message_send(actor=member, group=group, text="谢谢群主！")
    day = MORNING.date()
    totals = usage_by_day(user=member, first=day, last=day)
    assert (totals.requests_posted, totals.helps_received, totals.messages_sent) == (1, 1, 1)
    assert usage_by_day(user=owner, first=day, last=day).helps_given == 1


def test_export_holds_everything_and_the_purge_keeps_90_days(owner, member):
    limits(member, daily_minutes_budget=20, quiet_start=time(22, 0), quiet_end=time(7, 0))
    beats(member, MORNING - timedelta(days=100), seconds=60)
    beats(member, MORNING, seconds=60)
    WeeklyReport.objects.create(user=member, week_start=(MORNING - timedelta(days=100)).date())
    data = wellbeing_export(member)
    assert data["settings"]["quiet_start"] == "22:00"
    assert [d["active_seconds"] for d in data["usage_days"]] == [60, 60]
    assert wellbeing_export(owner)["usage_days"] == []
    counts = wellbeing_purge(at=MORNING)
    assert counts["usage_days"] == 1 and counts["weekly_reports"] == 1
    assert [d["day"] for d in wellbeing_export(member)["usage_days"]] == ["2026-11-25"]
