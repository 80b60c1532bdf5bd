"""Wellbeing use cases for one member: limits, the usage clock (heartbeats), budget reminders, the
self-chosen lock, digests of held notifications, export and the 90-day purge.

Nothing here blocks a member unless they chose it (the lock until tomorrow); budgets only remind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.core.errors import InvalidInput, NotFound
from huzhu.notifications.services import notification_create
from huzhu.wellbeing import notifications as kinds
from huzhu.wellbeing.clock import day_bounds, in_window, local_day, zone
from huzhu.wellbeing.models import (
    Digest,
    DigestReason,
    HeldNotification,
    UsageDay,
    WeeklyReport,
    WellbeingSettings,
)

if TYPE_CHECKING:
    from huzhu.accounts.models import User

RETENTION_DAYS = 90
MAX_BUDGET_MINUTES = 24 * 60
MAX_REQUEST_BUDGET = 100


def heartbeat_seconds() -> int:
    """How often pages report that they are in the foreground (``WELLBEING_HEARTBEAT_SECONDS``).

    0 turns the page heartbeats off. That is the default under tests: background writes from
    every open page would race other browser tests' database work on SQLite; the wellbeing
    browser test turns them on (every few seconds) itself."""
    default = 0 if getattr(settings, "TESTING", False) else 30
    return int(getattr(settings, "WELLBEING_HEARTBEAT_SECONDS", default))


def idle_seconds() -> int:
    """A gap between heartbeats longer than this is not counted: the clock stopped."""
    return int(getattr(settings, "WELLBEING_IDLE_SECONDS", 120))


# --- limits ------------------------------------------------------------------------------------


def _valid_zone(name: str) -> str:
    if zone(name).key != name:
        raise InvalidInput(_("不认识这个时区。"), code="invalid_time_zone")
    return name


def wellbeing_settings_update(
    *,
    user: User,
    daily_minutes_budget: int | None,
    daily_request_budget: int | None,
    quiet_start: time | None,
    quiet_end: time | None,
    digest_mode: bool,
    digest_hour: int = 20,
    question_nudge_at: int = 3,
    time_zone: str = "",
) -> WellbeingSettings:
    """Save the member's own limits. The lock, once chosen, is not lifted by changing limits."""
    if daily_minutes_budget is not None and not 1 <= daily_minutes_budget <= MAX_BUDGET_MINUTES:
        raise InvalidInput(_("每日时长应在 1 到 1440 分钟之间。"), code="invalid_minutes_budget")
    if daily_request_budget is not None and not 1 <= daily_request_budget <= MAX_REQUEST_BUDGET:
        raise InvalidInput(_("每日求助条数应在 1 到 100 之间。"), code="invalid_request_budget")
    if (quiet_start is None) != (quiet_end is None):
        raise InvalidInput(_("免打扰需要同时填写开始和结束时间。"), code="invalid_quiet_hours")
    if quiet_start is not None and quiet_start == quiet_end:
        raise InvalidInput(_("免打扰的开始和结束时间不能相同。"), code="invalid_quiet_hours")
    if not 0 <= digest_hour <= 23:
        raise InvalidInput(_("汇总时间应在 0 到 23 点之间。"), code="invalid_digest_hour")
    if not 1 <= question_nudge_at <= 50:
        raise InvalidInput(_("应在 1 到 50 之间。"), code="invalid_question_nudge_at")
    with transaction.atomic():
        prefs, _created = WellbeingSettings.objects.select_for_update().get_or_create(
            user_id=user.pk
        )
        prefs.daily_minutes_budget = daily_minutes_budget
        prefs.daily_request_budget = daily_request_budget
        prefs.quiet_start = quiet_start
        prefs.quiet_end = quiet_end
        prefs.digest_mode = digest_mode
        prefs.digest_hour = digest_hour
        prefs.question_nudge_at = question_nudge_at
        if time_zone:
            prefs.time_zone = _valid_zone(time_zone)
        prefs.save()
    # Quiet hours turned off (or moved) may mean what waited is due now.
    wellbeing_digests_release(user=user, at=timezone.now())
    return prefs


def wellbeing_lock_until_tomorrow(*, user: User, at: datetime) -> datetime:
    """The member's own choice: no Huzhu pages for them until their next local midnight."""
    with transaction.atomic():
        prefs, _created = WellbeingSettings.objects.select_for_update().get_or_create(
            user_id=user.pk
        )
        _start, tomorrow = day_bounds(local_day(at, prefs.time_zone), prefs.time_zone)
        prefs.locked_until = tomorrow
        prefs.save(update_fields=["locked_until", "updated_at"])
    return tomorrow


def wellbeing_locked_until(*, user: User, at: datetime) -> datetime | None:
    until = (
        WellbeingSettings.objects.filter(user_id=user.pk)
        .values_list("locked_until", flat=True)
        .first()
    )
    return until if until is not None and until > at else None


# --- the usage clock ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BeatResult:
    day: Any
    active_seconds: int
    budget_minutes: int | None
    reminder: str  # "" | "80" | "100": a threshold crossed by this beat
    locked_until: datetime | None
    digests_released: int = 0

    @property
    def percent(self) -> int | None:
        if not self.budget_minutes:
            return None
        return min(999, self.active_seconds * 100 // (self.budget_minutes * 60))


def wellbeing_heartbeat(*, user: User, at: datetime) -> BeatResult:
    """A page in the foreground says "still here". Time since the previous heartbeat (from any
    tab or device) counts if it is under the idle limit, so two open tabs do not count twice."""
    with transaction.atomic():
        prefs, _created = WellbeingSettings.objects.select_for_update().get_or_create(
            user_id=user.pk
        )
        day = local_day(at, prefs.time_zone)
        if prefs.locked_until is not None and prefs.locked_until > at:
            usage = UsageDay.objects.filter(user_id=user.pk, day=day).first()
            return BeatResult(
                day=day,
                active_seconds=usage.active_seconds if usage else 0,
                budget_minutes=prefs.daily_minutes_budget,
                reminder="",
                locked_until=prefs.locked_until,
            )
        last = prefs.last_beat_at
        gap = (at - last).total_seconds() if last is not None else None
        counted = 0
        if last is not None and gap is not None and 0 < gap <= idle_seconds():
            # Whole seconds only; the clock advances by what was counted, so the fraction
            # carries over to the next heartbeat and nothing drifts up or down.
            counted = int(gap)
            prefs.last_beat_at = last + timedelta(seconds=counted)
            prefs.save(update_fields=["last_beat_at"])
        elif gap is None or gap > idle_seconds():
            prefs.last_beat_at = at  # the clock (re)starts here
            prefs.save(update_fields=["last_beat_at"])
        usage, _created = UsageDay.objects.get_or_create(user_id=user.pk, day=day)
        if counted:
            UsageDay.objects.filter(pk=usage.pk).update(
                active_seconds=F("active_seconds") + counted
            )
            usage.refresh_from_db()
        reminder = _budget_reminder(prefs=prefs, usage=usage, user=user)
    released = wellbeing_digests_release(user=user, at=at)
    return BeatResult(
        day=day,
        active_seconds=usage.active_seconds,
        budget_minutes=prefs.daily_minutes_budget,
        reminder=reminder,
        locked_until=None,
        digests_released=released,
    )


def _budget_reminder(*, prefs: WellbeingSettings, usage: UsageDay, user: User) -> str:
    budget = prefs.daily_minutes_budget
    if not budget:
        return ""
    used = usage.active_seconds
    minutes = used // 60
    if used >= budget * 60 and not usage.reminded_100:
        UsageDay.objects.filter(pk=usage.pk).update(reminded_100=True, reminded_80=True)
        notification_create(user=user, kind=kinds.BUDGET_100, params={"minutes": minutes})
        return "100"
    if used * 10 >= budget * 60 * 8 and not usage.reminded_80:
        UsageDay.objects.filter(pk=usage.pk).update(reminded_80=True)
        notification_create(user=user, kind=kinds.BUDGET_80, params={"minutes": minutes})
        return "80"
    return ""


# --- digests -----------------------------------------------------------------------------------


def _digest_due(prefs: WellbeingSettings, at: datetime) -> str | None:
    if in_window(at, prefs.time_zone, prefs.quiet_start, prefs.quiet_end):
        return None
    if not prefs.digest_mode:
        return DigestReason.QUIET_HOURS
    local = at.astimezone(zone(prefs.time_zone))
    due_at = local.replace(hour=prefs.digest_hour, minute=0, second=0, microsecond=0)
    if local < due_at:
        return None
    if prefs.last_digest_at is not None and prefs.last_digest_at >= due_at:
        return None
    return DigestReason.DAILY


def _digest_url(digest: Digest) -> str:
    try:
        return reverse("web:wellbeing_digest", args=[digest.pk])
    except NoReverseMatch:
        return ""


def wellbeing_digests_release(*, at: datetime, user: User | None = None) -> int:
    """Turn held notifications into one digest per member whose quiet hours have ended (or whose
    daily digest time has come). Safe to run often and from several workers: rows are claimed
    under a lock on the member's settings row. Returns how many digests were made."""
    waiting = HeldNotification.objects.filter(digest__isnull=True)
    if user is not None:
        waiting = waiting.filter(user_id=user.pk)
    user_ids = list(waiting.values_list("user_id", flat=True).distinct()[:1000])
    made = 0
    for user_id in user_ids:
        with transaction.atomic():
            prefs, _created = WellbeingSettings.objects.select_for_update().get_or_create(
                user_id=user_id
            )
            reason = _digest_due(prefs, at)
            if reason is None:
                continue
            items = HeldNotification.objects.filter(user_id=user_id, digest__isnull=True)
            count = items.count()
            if not count:
                continue
            digest = Digest.objects.create(
                user_id=user_id, reason=reason, item_count=count, created_at=at
            )
            items.update(digest=digest)
            prefs.last_digest_at = at
            prefs.save(update_fields=["last_digest_at"])
            notification_create(
                user=prefs.user,
                kind=kinds.DIGEST,
                params={"count": count},
                url=_digest_url(digest),
            )
            made += 1
    return made


def wellbeing_digest_get(*, user: User, digest_id: int) -> Digest:
    digest = Digest.objects.filter(pk=digest_id, user_id=user.pk).first()
    if digest is None:
        raise NotFound(_("没有找到这份通知汇总。"))
    return digest


def wellbeing_waiting_count(*, user: User) -> int:
    return HeldNotification.objects.filter(user_id=user.pk, digest__isnull=True).count()


# --- privacy: export and retention -------------------------------------------------------------


def wellbeing_export(user: User) -> dict[str, Any]:
    """Everything wellbeing keeps about ``user``, for the data export."""
    prefs = WellbeingSettings.objects.filter(user_id=user.pk).first()
    return {
        "settings": None
        if prefs is None
        else {
            "time_zone": prefs.time_zone,
            "daily_minutes_budget": prefs.daily_minutes_budget,
            "daily_request_budget": prefs.daily_request_budget,
            "question_nudge_at": prefs.question_nudge_at,
            "quiet_start": prefs.quiet_start.strftime("%H:%M") if prefs.quiet_start else None,
            "quiet_end": prefs.quiet_end.strftime("%H:%M") if prefs.quiet_end else None,
            "digest_mode": prefs.digest_mode,
            "digest_hour": prefs.digest_hour,
            "locked_until": prefs.locked_until.isoformat() if prefs.locked_until else None,
        },
        "usage_days": [
            {"day": d.isoformat(), "active_seconds": s}
            for d, s in UsageDay.objects.filter(user_id=user.pk)
            .order_by("day")
            .values_list("day", "active_seconds")
        ],
        "held_notifications": [
            {
                "kind": h.kind,
                "group_id": h.group_id,
                "params": h.params,
                "url": h.url,
                "created_at": h.created_at.isoformat(),
                "digest_id": h.digest_id,
            }
            for h in HeldNotification.objects.filter(user_id=user.pk).order_by("created_at")
        ],
        "digests": [
            {
                "id": d.pk,
                "reason": d.reason,
                "item_count": d.item_count,
                "created_at": d.created_at.isoformat(),
            }
            for d in Digest.objects.filter(user_id=user.pk).order_by("created_at")
        ],
        "weekly_reports": [
            {"week_start": r.week_start.isoformat(), "data": r.data}
            for r in WeeklyReport.objects.filter(user_id=user.pk).order_by("week_start")
        ],
    }


def wellbeing_purge(*, at: datetime, keep_days: int = RETENTION_DAYS) -> dict[str, int]:
    """Delete usage data older than ``keep_days`` (the retention promised to members)."""
    cutoff = at - timedelta(days=keep_days)
    cutoff_day = cutoff.date()
    counts = {
        "usage_days": UsageDay.objects.filter(day__lt=cutoff_day).delete()[0],
        "weekly_reports": WeeklyReport.objects.filter(week_start__lt=cutoff_day).delete()[0],
    }
    # Held rows go with their digest (cascade); a digest's count includes them.
    counts["digests"] = Digest.objects.filter(created_at__lt=cutoff).delete()[0]
    return counts
