"""Reading a member's usage: active time from wellbeing's own rows; helps, requests and messages
derived from the aid and chat tables (never copied), counted by local day in the member's zone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from huzhu.aid.models import AidKind, AidRequest, LedgerEntry, QuestionCategory
from huzhu.chat.models import Message
from huzhu.wellbeing.clock import day_bounds, zone
from huzhu.wellbeing.models import UsageDay, WellbeingSettings

if TYPE_CHECKING:
    from huzhu.accounts.models import User


def wellbeing_settings_get(*, user: User) -> WellbeingSettings:
    """The member's settings; an unsaved default row when they never set any."""
    prefs = WellbeingSettings.objects.filter(user_id=user.pk).first()
    return prefs or WellbeingSettings(user_id=user.pk)


@dataclass(slots=True)
class DayFigures:
    day: date
    active_seconds: int = 0
    helps_given: int = 0
    helps_received: int = 0
    requests_posted: int = 0
    messages_sent: int = 0

    @property
    def minutes(self) -> int:
        return self.active_seconds // 60


@dataclass(slots=True)
class Totals:
    active_seconds: int = 0
    helps_given: int = 0
    helps_received: int = 0
    requests_posted: int = 0
    messages_sent: int = 0
    days: list[DayFigures] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return self.active_seconds // 60


def _per_day(qs: QuerySet[Any], *, tz: str, value: str = "id") -> dict[date, int]:
    rows = (
        qs.annotate(d=TruncDate("created_at", tzinfo=zone(tz)))
        .values("d")
        .annotate(n=Count(value))
        .values_list("d", "n")
    )
    return dict(rows)


def usage_by_day(*, user: User, first: date, last: date, tz: str | None = None) -> Totals:
    """Figures for each local day from ``first`` to ``last`` inclusive, and their totals."""
    tz = tz or wellbeing_settings_get(user=user).time_zone
    start, _ = day_bounds(first, tz)
    _, end = day_bounds(last, tz)
    seconds = dict(
        UsageDay.objects.filter(user_id=user.pk, day__gte=first, day__lte=last).values_list(
            "day", "active_seconds"
        )
    )
    ledger = LedgerEntry.objects.filter(
        member_id=user.pk, created_at__gte=start, created_at__lt=end
    )
    given = _per_day(ledger.filter(amount__gt=0), tz=tz)
    received = _per_day(ledger.filter(amount__lt=0), tz=tz)
    posted = _per_day(
        AidRequest.objects.filter(requester_id=user.pk, created_at__gte=start, created_at__lt=end),
        tz=tz,
    )
    sent = _per_day(
        Message.objects.filter(sender_id=user.pk, created_at__gte=start, created_at__lt=end), tz=tz
    )
    totals = Totals()
    day = first
    while day <= last:
        figures = DayFigures(
            day=day,
            active_seconds=seconds.get(day, 0),
            helps_given=given.get(day, 0),
            helps_received=received.get(day, 0),
            requests_posted=posted.get(day, 0),
            messages_sent=sent.get(day, 0),
        )
        totals.days.append(figures)
        totals.active_seconds += figures.active_seconds
        totals.helps_given += figures.helps_given
        totals.helps_received += figures.helps_received
        totals.requests_posted += figures.requests_posted
        totals.messages_sent += figures.messages_sent
        day += timedelta(days=1)
    return totals


def questions_posted_between(*, user: User, start: datetime, end: datetime) -> int:
    return AidRequest.objects.filter(
        requester_id=user.pk, kind=AidKind.QUESTION, created_at__gte=start, created_at__lt=end
    ).count()


def requests_posted_between(*, user: User, start: datetime, end: datetime) -> int:
    return AidRequest.objects.filter(
        requester_id=user.pk, created_at__gte=start, created_at__lt=end
    ).count()


def give_take_between(*, user: User, start: datetime, end: datetime) -> tuple[int, int]:
    """(helps given, helps received) from the ledger."""
    sums = LedgerEntry.objects.filter(
        member_id=user.pk, created_at__gte=start, created_at__lt=end
    ).aggregate(
        given=Count("id", filter=Q(amount__gt=0)), received=Count("id", filter=Q(amount__lt=0))
    )
    return int(sums["given"] or 0), int(sums["received"] or 0)


def _category_label(kind: str, category: str) -> str:
    if kind == AidKind.QUESTION and category in QuestionCategory.values:
        return str(QuestionCategory(category).label)
    if kind in AidKind.values:
        return str(AidKind(kind).label)
    return kind


def top_categories(
    *, user: User, start: datetime, end: datetime, limit: int = 3
) -> list[tuple[str, str, int]]:
    """The kinds of aid the member took part in most (posted or helped): (key, label, count)."""
    counts: Counter[tuple[str, str]] = Counter()
    for kind, category in AidRequest.objects.filter(
        requester_id=user.pk, created_at__gte=start, created_at__lt=end
    ).values_list("kind", "category"):
        counts[(kind, category or "")] += 1
    for kind, category in LedgerEntry.objects.filter(
        member_id=user.pk, amount__gt=0, created_at__gte=start, created_at__lt=end
    ).values_list("request__kind", "request__category"):
        if kind:
            counts[(kind, category or "")] += 1
    out = []
    for (kind, category), n in counts.most_common(limit):
        key = f"{kind}:{category}" if kind == AidKind.QUESTION else kind
        out.append((key, _category_label(kind, category), n))
    return out


def active_seconds_between(*, user: User, first: date, last: date) -> int:
    total = UsageDay.objects.filter(user_id=user.pk, day__gte=first, day__lte=last).aggregate(
        s=Sum("active_seconds")
    )["s"]
    return int(total or 0)
