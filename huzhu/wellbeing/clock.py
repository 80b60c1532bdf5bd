"""Local time for wellbeing: a member's day, week and quiet-hour windows in their time zone.

Pure functions (no database), so budgets and quiet hours are easy to test at any instant.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from huzhu.wellbeing.models import DEFAULT_TIME_ZONE


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def local_day(at: datetime, tz: str | None) -> date:
    return at.astimezone(zone(tz)).date()


def day_bounds(day: date, tz: str | None) -> tuple[datetime, datetime]:
    """The instants where ``day`` starts and the next day starts, in ``tz``."""
    z = zone(tz)
    start = datetime.combine(day, time.min, tzinfo=z)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=z)
    return start, end


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def in_window(at: datetime, tz: str | None, start: time | None, end: time | None) -> bool:
    """Whether ``at`` falls in the daily window [start, end) in ``tz``; windows may wrap midnight
    (23:00–07:00). No window (either end missing, or start == end) is never active."""
    if start is None or end is None or start == end:
        return False
    now = at.astimezone(zone(tz)).time().replace(tzinfo=None)
    if start < end:
        return start <= now < end
    return now >= start or now < end


def window_end(at: datetime, tz: str | None, start: time | None, end: time | None) -> datetime:
    """When the window that contains ``at`` ends (``at`` itself when outside it)."""
    if not in_window(at, tz, start, end) or end is None:
        return at
    z = zone(tz)
    local = at.astimezone(z)
    candidate = datetime.combine(local.date(), end, tzinfo=z)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), end, tzinfo=z)
    return candidate


def parse_hhmm(value: str | None) -> time | None:
    if not value:
        return None
    try:
        hours, minutes = str(value).split(":", 1)
        return time(int(hours), int(minutes))
    except ValueError:
        return None
