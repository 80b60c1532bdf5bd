"""Group-level wellbeing: the owner's group quiet hours (posting paused, e.g. 23:00–07:00) and the
owner's aggregate figures, which never show or allow inferring one member's numbers.

Group quiet hours live in ``group.config["wellbeing"]`` and are read in the server time zone
(``settings.TIME_ZONE``, Asia/Shanghai by default), the group's shared clock.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from huzhu.aid.models import LedgerEntry
from huzhu.core.errors import Forbidden, InvalidInput
from huzhu.groups.access import access_group_owner
from huzhu.groups.models import Group, Membership, MembershipStatus
from huzhu.wellbeing.clock import in_window, local_day, parse_hhmm, window_end
from huzhu.wellbeing.models import UsageDay, WellbeingSettings

if TYPE_CHECKING:
    from huzhu.accounts.models import User

# Figures are shown only when at least this many members contribute to them, so no single
# member's usage can be read or subtracted out.
MIN_GROUP_SIZE = 5
MIN_CONTRIBUTORS = 5
AGGREGATE_DAYS = 7


def group_quiet_hours_get(*, group: Group) -> tuple[time, time] | None:
    config = (group.config or {}).get("wellbeing", {})
    start, end = parse_hhmm(config.get("quiet_start")), parse_hhmm(config.get("quiet_end"))
    if start is None or end is None or start == end:
        return None
    return start, end


def group_quiet_hours_active(*, group: Group, at: datetime) -> bool:
    """Whether posting in ``group`` is paused at ``at`` by the owner's group quiet hours."""
    hours = group_quiet_hours_get(group=group)
    return hours is not None and in_window(at, settings.TIME_ZONE, *hours)


def group_quiet_hours_check(*, group: Group, membership: Membership, at: datetime) -> None:
    """For aid and chat services: refuse a member's post during group quiet hours (owner and
    admins may still post, e.g. an urgent notice)."""
    if membership.is_admin or not group_quiet_hours_active(group=group, at=at):
        return
    hours = group_quiet_hours_get(group=group)
    assert hours is not None
    until = window_end(at, settings.TIME_ZONE, *hours)
    raise Forbidden(
        _("本群 %(start)s–%(end)s 是安静时段，暂停发言和发布，%(end)s 后再来吧。")
        % {"start": hours[0].strftime("%H:%M"), "end": hours[1].strftime("%H:%M")},
        code="group_quiet_hours",
        until=until.isoformat(),
    )


@transaction.atomic
def group_quiet_hours_update(
    *, actor: User, group_id: int, start: time | None, end: time | None
) -> Group:
    """The owner sets (or with two empty times clears) the group's quiet hours."""
    from huzhu.audit.models import AuditEventType
    from huzhu.audit.services import audit_record

    group, _membership = access_group_owner(user=actor, group_id=group_id)
    if (start is None) != (end is None) or (start is not None and start == end):
        raise InvalidInput(
            _("请同时填写不同的开始和结束时间，或都留空以关闭。"), code="invalid_quiet_hours"
        )
    group = Group.objects.select_for_update().get(pk=group.pk)
    config = dict(group.config or {})
    section = dict(config.get("wellbeing", {}))
    old = (section.get("quiet_start"), section.get("quiet_end"))
    new = (start.strftime("%H:%M") if start else None, end.strftime("%H:%M") if end else None)
    section["quiet_start"], section["quiet_end"] = new
    config["wellbeing"] = section
    group.config = config
    group.save(update_fields=["config"])
    audit_record(
        event_type=AuditEventType.GROUP_SETTINGS_CHANGED,
        actor=actor,
        group=group,
        target=group,
        extra={"wellbeing.quiet_hours": {"from": list(old), "to": list(new)}},
    )
    return group


# --- aggregate figures for the owner -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupFigures:
    members: int
    enough_members: bool
    days: int
    # None = hidden because fewer than MIN_CONTRIBUTORS members contribute to it.
    median_daily_minutes: int | None = None
    members_with_budget_percent: int | None = None
    members_with_quiet_hours_percent: int | None = None
    helps_in_group: int | None = None
    members_helping_percent: int | None = None
    members_taking_only_percent: int | None = None


def _percent(part: int, whole: int) -> int:
    return round(part * 100 / whole) if whole else 0


def group_wellbeing_figures(*, actor: User, group_id: int, at: datetime) -> GroupFigures:
    """Aggregates over the group's active members for the last ``AGGREGATE_DAYS`` days."""
    group, _membership = access_group_owner(user=actor, group_id=group_id)
    member_ids = list(
        Membership.objects.filter(group=group, status=MembershipStatus.ACTIVE).values_list(
            "user_id", flat=True
        )
    )
    n = len(member_ids)
    if n < MIN_GROUP_SIZE:
        return GroupFigures(members=n, enough_members=False, days=AGGREGATE_DAYS)
    last = local_day(at, settings.TIME_ZONE)
    first = last - timedelta(days=AGGREGATE_DAYS - 1)
    per_member = (
        UsageDay.objects.filter(user_id__in=member_ids, day__gte=first, day__lte=last)
        .values("user_id")
        .annotate(s=Sum("active_seconds"))
    )
    daily_minutes = [row["s"] / 60 / AGGREGATE_DAYS for row in per_member if row["s"]]
    median = (
        round(statistics.median(daily_minutes)) if len(daily_minutes) >= MIN_CONTRIBUTORS else None
    )
    prefs = WellbeingSettings.objects.filter(user_id__in=member_ids).aggregate(
        budget=Count("id", filter=Q(daily_minutes_budget__isnull=False)),
        quiet=Count("id", filter=Q(quiet_start__isnull=False)),
    )
    start = at - timedelta(days=AGGREGATE_DAYS)
    ledger = (
        LedgerEntry.objects.filter(group=group, member_id__in=member_ids, created_at__gte=start)
        .values("member_id")
        .annotate(
            given=Count("id", filter=Q(amount__gt=0)),
            received=Count("id", filter=Q(amount__lt=0)),
        )
    )
    helpers = sum(1 for row in ledger if row["given"])
    takers = sum(1 for row in ledger if row["received"] and not row["given"])
    helps = sum(row["given"] for row in ledger)

    def shown(count: int) -> int | None:
        # A share is shown only when both it and its complement cover at least
        # MIN_CONTRIBUTORS members: "none", "all" or "all but one" would tell about each member.
        if count < MIN_CONTRIBUTORS or n - count < MIN_CONTRIBUTORS:
            return None
        return _percent(count, n)

    return GroupFigures(
        members=n,
        enough_members=True,
        days=AGGREGATE_DAYS,
        median_daily_minutes=median,
        members_with_budget_percent=shown(prefs["budget"]),
        members_with_quiet_hours_percent=shown(prefs["quiet"]),
        helps_in_group=helps if helpers >= MIN_CONTRIBUTORS else None,
        members_helping_percent=shown(helpers),
        members_taking_only_percent=shown(takers),
    )
