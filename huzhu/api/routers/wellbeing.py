"""Healthy use (健康使用): my usage, my limits, heartbeats, the self-chosen lock, weekly reports,
digests, my data export; the group owner's quiet hours and aggregate figures.

Everything under ``/wellbeing`` except ``/groups/…`` is the caller's own data only.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from huzhu.api.auth import request_user
from huzhu.api.schemas import MAX_ID, GroupId, errors
from huzhu.core.errors import InvalidInput, NotFound
from huzhu.wellbeing.clock import local_day, parse_hhmm
from huzhu.wellbeing.group import (
    group_quiet_hours_get,
    group_quiet_hours_update,
    group_wellbeing_figures,
)
from huzhu.wellbeing.reports import last_complete_week, weekly_report_get_or_create
from huzhu.wellbeing.selectors import usage_by_day, wellbeing_settings_get
from huzhu.wellbeing.services import (
    wellbeing_digest_get,
    wellbeing_export,
    wellbeing_heartbeat,
    wellbeing_lock_until_tomorrow,
    wellbeing_settings_update,
)

router = Router()

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
DigestId = Annotated[int, Path(ge=1, le=MAX_ID, description="汇总 ID / digest id")]


def _hhmm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


# --- schemas -------------------------------------------------------------------------------------


class UsageDayOut(Schema):
    day: date
    active_minutes: int
    active_seconds: int
    helps_given: int
    helps_received: int
    requests_posted: int
    messages_sent: int


class WellbeingUsageOut(Schema):
    time_zone: str
    daily_minutes_budget: int | None
    days: list[UsageDayOut]


class WellbeingUsageQuery(Schema):
    days: int = Field(7, ge=1, le=90, description="最近几天 / how many recent days")


class WellbeingSettingsOut(Schema):
    time_zone: str
    daily_minutes_budget: int | None
    daily_request_budget: int | None
    question_nudge_at: int
    quiet_start: str | None = Field(None, description="HH:MM")
    quiet_end: str | None = Field(None, description="HH:MM")
    digest_mode: bool
    digest_hour: int
    locked_until: datetime | None


class WellbeingSettingsIn(Schema):
    daily_minutes_budget: int | None = Field(None, ge=1, le=1440)
    daily_request_budget: int | None = Field(None, ge=1, le=100)
    question_nudge_at: int = Field(3, ge=1, le=50)
    quiet_start: str | None = Field(None, pattern=HHMM, max_length=5)
    quiet_end: str | None = Field(None, pattern=HHMM, max_length=5)
    digest_mode: bool = False
    digest_hour: int = Field(20, ge=0, le=23)
    time_zone: str = Field("", max_length=64, description="IANA, e.g. Asia/Shanghai")


class HeartbeatOut(Schema):
    active_seconds: int
    daily_minutes_budget: int | None
    percent: int | None
    reminder: str = Field(description="'' | '80' | '100': a threshold this heartbeat crossed")
    locked_until: datetime | None
    digests_released: int


class WellbeingLockOut(Schema):
    locked_until: datetime


class WellbeingReportOut(Schema):
    week_start: date
    created_at: datetime
    data: dict[str, Any]


class DigestItemOut(Schema):
    kind: str
    text: str
    url: str
    group_id: int | None
    created_at: datetime


class DigestOut(Schema):
    id: int
    reason: str
    created_at: datetime
    items: list[DigestItemOut]


class GroupQuietHoursIn(Schema):
    start: str | None = Field(None, pattern=HHMM, max_length=5)
    end: str | None = Field(None, pattern=HHMM, max_length=5)


class GroupQuietHoursOut(Schema):
    start: str | None
    end: str | None
    active_now: bool


class GroupWellbeingOut(Schema):
    members: int
    enough_members: bool
    days: int
    median_daily_minutes: int | None
    members_with_budget_percent: int | None
    members_with_quiet_hours_percent: int | None
    helps_in_group: int | None
    members_helping_percent: int | None
    members_taking_only_percent: int | None


def _settings_out(request: HttpRequest) -> WellbeingSettingsOut:
    prefs = wellbeing_settings_get(user=request_user(request))
    return WellbeingSettingsOut(
        time_zone=prefs.time_zone,
        daily_minutes_budget=prefs.daily_minutes_budget,
        daily_request_budget=prefs.daily_request_budget,
        question_nudge_at=prefs.question_nudge_at,
        quiet_start=_hhmm(prefs.quiet_start),
        quiet_end=_hhmm(prefs.quiet_end),
        digest_mode=prefs.digest_mode,
        digest_hour=prefs.digest_hour,
        locked_until=prefs.locked_until
        if prefs.locked_until and prefs.locked_until > timezone.now()
        else None,
    )


# --- my usage and limits -------------------------------------------------------------------------


@router.get(
    "/usage",
    response={200: WellbeingUsageOut, **errors(422)},
    summary="我的使用情况 / My usage by day",
    description="Active minutes (foreground only), helps given and received, requests posted and "
    "messages sent, per local day in the member's time zone, oldest first. Only the caller's own.",
)
def usage(request: HttpRequest, query: Query[WellbeingUsageQuery]) -> WellbeingUsageOut:
    user = request_user(request)
    prefs = wellbeing_settings_get(user=user)
    today = local_day(timezone.now(), prefs.time_zone)
    totals = usage_by_day(
        user=user, first=today - timedelta(days=query.days - 1), last=today, tz=prefs.time_zone
    )
    return WellbeingUsageOut(
        time_zone=prefs.time_zone,
        daily_minutes_budget=prefs.daily_minutes_budget,
        days=[
            UsageDayOut(
                day=d.day,
                active_minutes=d.minutes,
                active_seconds=d.active_seconds,
                helps_given=d.helps_given,
                helps_received=d.helps_received,
                requests_posted=d.requests_posted,
                messages_sent=d.messages_sent,
            )
            for d in totals.days
        ],
    )


@router.get(
    "/settings",
    response={200: WellbeingSettingsOut},
    summary="我的使用限制 / My limits",
    description="Daily minutes and request budgets, quiet hours, digest mode, time zone.",
)
def settings_get(request: HttpRequest) -> WellbeingSettingsOut:
    return _settings_out(request)


@router.put(
    "/settings",
    response={200: WellbeingSettingsOut, **errors(400, 403, 422)},
    summary="设置使用限制 / Set my limits",
    description="Replaces all limits. Budgets only remind (at 80% and 100%); they never block. "
    "Quiet hours need both ends (HH:MM, may wrap midnight).",
)
def settings_put(request: HttpRequest, payload: WellbeingSettingsIn) -> WellbeingSettingsOut:
    wellbeing_settings_update(
        user=request_user(request),
        daily_minutes_budget=payload.daily_minutes_budget,
        daily_request_budget=payload.daily_request_budget,
        question_nudge_at=payload.question_nudge_at,
        quiet_start=parse_hhmm(payload.quiet_start),
        quiet_end=parse_hhmm(payload.quiet_end),
        digest_mode=payload.digest_mode,
        digest_hour=payload.digest_hour,
        time_zone=payload.time_zone,
    )
    return _settings_out(request)


@router.post(
    "/heartbeat",
    response={200: HeartbeatOut, **errors(403)},
    summary="前台心跳 / Foreground heartbeat",
    description="Send every ~30 s while the app is in the foreground and the member is active. "
    "Time between two heartbeats at most 2 minutes apart is counted; longer gaps are idle.",
)
def heartbeat(request: HttpRequest) -> HeartbeatOut:
    result = wellbeing_heartbeat(user=request_user(request), at=timezone.now())
    return HeartbeatOut(
        active_seconds=result.active_seconds,
        daily_minutes_budget=result.budget_minutes,
        percent=result.percent,
        reminder=result.reminder,
        locked_until=result.locked_until,
        digests_released=result.digests_released,
    )


@router.post(
    "/lock",
    response={200: WellbeingLockOut, **errors(403)},
    summary="锁定到明天 / Lock me out until tomorrow",
    description="The member's own choice: the web pages rest until local midnight. "
    "It cannot be lifted early.",
)
def lock(request: HttpRequest) -> WellbeingLockOut:
    until = wellbeing_lock_until_tomorrow(user=request_user(request), at=timezone.now())
    return WellbeingLockOut(locked_until=until)


@router.get(
    "/reports/{week_start}",
    response={200: WellbeingReportOut, **errors(404, 422)},
    summary="每周报告 / Weekly report",
    description="The report of the week starting on the given Monday (a past, complete week). "
    "Use `latest` for last week.",
)
def report(
    request: HttpRequest,
    week_start: Annotated[str, Path(max_length=10, description="YYYY-MM-DD or latest")],
) -> WellbeingReportOut:
    user = request_user(request)
    now = timezone.now()
    newest = last_complete_week(at=now, tz=wellbeing_settings_get(user=user).time_zone)
    if week_start == "latest":
        monday = newest
    else:
        try:
            monday = date.fromisoformat(week_start)
        except ValueError:
            raise InvalidInput(_("请用 YYYY-MM-DD 格式的周一日期。"), code="invalid_week") from None
        if monday.weekday() != 0 or monday > newest:
            raise NotFound(_("没有这一周的报告。"))
    stored = weekly_report_get_or_create(user=user, monday=monday, at=now)
    return WellbeingReportOut(
        week_start=stored.week_start, created_at=stored.created_at, data=stored.data
    )


@router.get(
    "/digests/{digest_id}",
    response={200: DigestOut, **errors(404, 422)},
    summary="通知汇总 / A digest",
    description="The notifications that waited during quiet hours or for the daily digest.",
)
def digest(request: HttpRequest, digest_id: DigestId) -> DigestOut:
    from huzhu.notifications.models import Notification
    from huzhu.notifications.services import notification_text

    found = wellbeing_digest_get(user=request_user(request), digest_id=digest_id)
    items = []
    for held in found.items.select_related("actor"):
        shaped = Notification(kind=held.kind, actor=held.actor, params=held.params)
        items.append(
            DigestItemOut(
                kind=held.kind,
                text=notification_text(notification=shaped),
                url=held.url,
                group_id=held.group_id,
                created_at=held.created_at,
            )
        )
    return DigestOut(id=found.pk, reason=found.reason, created_at=found.created_at, items=items)


@router.get(
    "/export",
    response={200: dict[str, Any]},
    summary="导出我的健康使用数据 / Export my wellbeing data",
    description="Limits, usage days (90 days kept), held notifications, digests, weekly reports.",
)
def export(request: HttpRequest) -> dict[str, Any]:
    return wellbeing_export(request_user(request))


# --- group owner ---------------------------------------------------------------------------------


def _quiet_out(group: Any) -> GroupQuietHoursOut:
    from huzhu.wellbeing.group import group_quiet_hours_active

    hours = group_quiet_hours_get(group=group)
    return GroupQuietHoursOut(
        start=_hhmm(hours[0]) if hours else None,
        end=_hhmm(hours[1]) if hours else None,
        active_now=group_quiet_hours_active(group=group, at=timezone.now()),
    )


@router.get(
    "/groups/{group_id}/quiet-hours",
    response={200: GroupQuietHoursOut, **errors(404, 422)},
    summary="群安静时段 / Group quiet hours",
    description="Any member may read them: posting is paused for members in this window.",
)
def group_quiet_hours(request: HttpRequest, group_id: GroupId) -> GroupQuietHoursOut:
    from huzhu.groups.access import access_group

    group, _membership = access_group(user=request_user(request), group_id=group_id)
    return _quiet_out(group)


@router.put(
    "/groups/{group_id}/quiet-hours",
    response={200: GroupQuietHoursOut, **errors(400, 403, 404, 422)},
    summary="设置群安静时段 / Set group quiet hours",
    description="Owner only. Both empty turns them off. Times are server time (Asia/Shanghai).",
)
def group_quiet_hours_put(
    request: HttpRequest, group_id: GroupId, payload: GroupQuietHoursIn
) -> GroupQuietHoursOut:
    group = group_quiet_hours_update(
        actor=request_user(request),
        group_id=group_id,
        start=parse_hhmm(payload.start),
        end=parse_hhmm(payload.end),
    )
    return _quiet_out(group)


@router.get(
    "/groups/{group_id}/figures",
    response={200: GroupWellbeingOut, **errors(403, 404, 422)},
    summary="群健康汇总 / Group wellbeing figures",
    description="Owner only. Aggregates over the last 7 days; never one member's figures. "
    "A figure is null when fewer than 5 members contribute to it (or to its complement), and all "
    "are null below 5 members.",
)
def group_figures(request: HttpRequest, group_id: GroupId) -> GroupWellbeingOut:
    figures = group_wellbeing_figures(
        actor=request_user(request), group_id=group_id, at=timezone.now()
    )
    return GroupWellbeingOut(
        members=figures.members,
        enough_members=figures.enough_members,
        days=figures.days,
        median_daily_minutes=figures.median_daily_minutes,
        members_with_budget_percent=figures.members_with_budget_percent,
        members_with_quiet_hours_percent=figures.members_with_quiet_hours_percent,
        helps_in_group=figures.helps_in_group,
        members_helping_percent=figures.members_helping_percent,
        members_taking_only_percent=figures.members_taking_only_percent,
    )
