"""Weekly balance reports: time spent, helps given vs received, top categories and the trend over
recent weeks, for one member's local week (Monday–Sunday).

A report is computed once (by the background worker on schedule, ``huzhu weekly_reports``, or on
first view) and kept as figures, so later purges of raw usage do not change a past report.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from huzhu.aid.models import AidRequest, LedgerEntry
from huzhu.chat.models import Message
from huzhu.notifications.services import notification_create
from huzhu.wellbeing import notifications as kinds
from huzhu.wellbeing.charts import GREEN, ORANGE, Series, bar_chart, line_chart
from huzhu.wellbeing.clock import day_bounds, local_day, week_start
from huzhu.wellbeing.models import UsageDay, WeeklyReport
from huzhu.wellbeing.selectors import top_categories, usage_by_day, wellbeing_settings_get

if TYPE_CHECKING:
    from huzhu.accounts.models import User

TREND_WEEKS = 8


def last_complete_week(*, at: datetime, tz: str | None) -> date:
    """The Monday of the week before the one containing ``at``."""
    return week_start(local_day(at, tz)) - timedelta(days=7)


def _week_figures(*, user: User, monday: date, tz: str) -> dict[str, Any]:
    totals = usage_by_day(user=user, first=monday, last=monday + timedelta(days=6), tz=tz)
    return {
        "week_start": monday.isoformat(),
        "minutes": totals.active_seconds // 60,
        "given": totals.helps_given,
        "received": totals.helps_received,
        "posted": totals.requests_posted,
        "messages": totals.messages_sent,
        "days": [
            {
                "day": d.day.isoformat(),
                "minutes": d.active_seconds // 60,
                "given": d.helps_given,
                "received": d.helps_received,
            }
            for d in totals.days
        ],
    }


def weekly_report_compute(*, user: User, monday: date) -> dict[str, Any]:
    tz = wellbeing_settings_get(user=user).time_zone
    data = _week_figures(user=user, monday=monday, tz=tz)
    start, _ = day_bounds(monday, tz)
    _, end = day_bounds(monday + timedelta(days=6), tz)
    data["top_categories"] = [
        {"key": key, "label": label, "count": n}
        for key, label, n in top_categories(user=user, start=start, end=end)
    ]
    trend = []
    for back in range(TREND_WEEKS - 1, 0, -1):
        week = _week_figures(user=user, monday=monday - timedelta(days=7 * back), tz=tz)
        trend.append({k: week[k] for k in ("week_start", "minutes", "given", "received")})
    trend.append({k: data[k] for k in ("week_start", "minutes", "given", "received")})
    data["trend"] = trend
    data["time_zone"] = tz
    return data


def weekly_report_get_or_create(
    *, user: User, monday: date, at: datetime, notify: bool = False
) -> WeeklyReport:
    """The member's report for the week starting ``monday``; computed on first request."""
    report = WeeklyReport.objects.filter(user_id=user.pk, week_start=monday).first()
    if report is not None:
        return report
    data = weekly_report_compute(user=user, monday=monday)
    try:
        with transaction.atomic():
            report = WeeklyReport.objects.create(
                user_id=user.pk, week_start=monday, data=data, created_at=at
            )
            if notify:
                notification_create(
                    user=user,
                    kind=kinds.WEEKLY_REPORT,
                    params={"week": monday.isoformat()},
                    url=reverse("web:wellbeing_report_week", args=[monday.isoformat()]),
                )
    except IntegrityError:
        # Another worker made it first: idempotent.
        report = WeeklyReport.objects.get(user_id=user.pk, week_start=monday)
    return report


def weekly_reports_generate(*, at: datetime, monday: date | None = None) -> int:
    """Make last week's report for every member who was active that week (by usage, aid or
    chat) and tell them in the bell. Safe to run twice: existing reports are kept."""
    from huzhu.accounts.models import User

    # Each member's week is in their own zone; a day of margin on both sides finds them all.
    first = monday or last_complete_week(at=at, tz=None)
    start, _ = day_bounds(first - timedelta(days=1), None)
    _, end = day_bounds(first + timedelta(days=7), None)
    ids: set[int] = set(
        UsageDay.objects.filter(day__gte=first, day__lte=first + timedelta(days=6)).values_list(
            "user_id", flat=True
        )
    )
    ids |= set(
        LedgerEntry.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
            "member_id", flat=True
        )
    )
    ids |= set(
        AidRequest.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
            "requester_id", flat=True
        )
    )
    ids |= set(
        Message.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
            "sender_id", flat=True
        )
    )
    made = 0
    for user in User.objects.filter(pk__in=ids, is_active=True).iterator():
        week = monday or last_complete_week(at=at, tz=wellbeing_settings_get(user=user).time_zone)
        if WeeklyReport.objects.filter(user_id=user.pk, week_start=week).exists():
            continue
        weekly_report_get_or_create(user=user, monday=week, at=at, notify=True)
        made += 1
    return made


def _short(day_iso: str) -> str:
    d = date.fromisoformat(day_iso)
    return f"{d.month}/{d.day}"


def weekly_report_charts(
    *, data: dict[str, Any], budget_minutes: int | None
) -> dict[str, SafeString]:
    """The report's charts as inline SVG: minutes per day, give vs take per day, weekly trend."""
    weekdays = [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")]
    days = data.get("days", [])
    trend = data.get("trend", [])
    given_name, received_name = _("帮助别人"), _("得到帮助")
    return {
        "minutes": bar_chart(
            labels=weekdays[: len(days)],
            series=[Series(_("分钟"), [d["minutes"] for d in days], GREEN)],
            label=_("每天使用分钟数：%(values)s")
            % {"values": "、".join(str(d["minutes"]) for d in days)},
            unit=_("分钟"),
            limit=budget_minutes,
            limit_label=_("每日时长"),
        ),
        "balance": bar_chart(
            labels=weekdays[: len(days)],
            series=[
                Series(given_name, [d["given"] for d in days], GREEN),
                Series(received_name, [d["received"] for d in days], ORANGE),
            ],
            label=_("每天帮助别人 %(given)s 次，得到帮助 %(received)s 次")
            % {
                "given": "、".join(str(d["given"]) for d in days),
                "received": "、".join(str(d["received"]) for d in days),
            },
        ),
        "trend_minutes": line_chart(
            labels=[_short(w["week_start"]) for w in trend],
            series=[Series(_("分钟"), [w["minutes"] for w in trend], GREEN)],
            label=_("最近 %(n)d 周每周使用分钟数：%(values)s")
            % {"n": len(trend), "values": "、".join(str(w["minutes"]) for w in trend)},
            unit=_("分钟"),
        ),
        "trend_balance": line_chart(
            labels=[_short(w["week_start"]) for w in trend],
            series=[
                Series(given_name, [w["given"] for w in trend], GREEN),
                Series(received_name, [w["received"] for w in trend], ORANGE),
            ],
            label=_("最近 %(n)d 周帮助别人与得到帮助的次数") % {"n": len(trend)},
        ),
    }
