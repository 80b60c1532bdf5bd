"""Gentle nudges: suggestions shown next to what the member is doing, never a block.

- on the N-th question of the day, matching search results first ("先看看这些是否能解决");
- past the member's own daily request budget, a reminder of the budget;
- when taking far more help than giving, an invitation to help someone;
- past the daily minutes budget, a suggestion to take a break.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext as _

from huzhu.groups.models import Membership, MembershipStatus
from huzhu.wellbeing.clock import day_bounds, local_day
from huzhu.wellbeing.models import UsageDay
from huzhu.wellbeing.selectors import (
    give_take_between,
    questions_posted_between,
    requests_posted_between,
    wellbeing_settings_get,
)

if TYPE_CHECKING:
    from huzhu.accounts.models import User

GIVE_TAKE_DAYS = 30
GIVE_TAKE_MIN_RECEIVED = 5
GIVE_TAKE_RATIO = 3  # received at least this many times what was given
SEARCH_KINDS = ["question", "answer", "resource"]
SEARCH_LIMIT = 5


@dataclass(slots=True)
class Nudge:
    kind: str  # search_first | request_budget | give_back | take_break
    message: str
    url: str = ""
    link_text: str = ""
    hits: list[Any] = field(default_factory=list)


def _search_hits(*, user: User, query: str, group_id: int | None) -> list[Any]:
    from huzhu.search.query import search

    result = search(user=user, query=query, kinds=SEARCH_KINDS, limit=SEARCH_LIMIT)
    hits = list(result.hits)
    if group_id is not None:
        # The member's own group first: its answers know the group's context.
        hits.sort(key=lambda h: h.doc.group_id != group_id)
    return hits


def _help_queue_url(*, user: User, group_id: int | None) -> str:
    gid = group_id or (
        Membership.objects.filter(user_id=user.pk, status=MembershipStatus.ACTIVE)
        .order_by("joined_at")
        .values_list("group_id", flat=True)
        .first()
    )
    return reverse("web:aid_queue", args=[gid]) if gid else ""


def wellbeing_nudges(
    *,
    user: User,
    at: datetime,
    query: str = "",
    group_id: int | None = None,
    posting: bool = False,
) -> list[Nudge]:
    """The nudges that fit now. ``posting``: the member is writing a new request; ``query``: its
    title so far (for "search first")."""
    prefs = wellbeing_settings_get(user=user)
    day = local_day(at, prefs.time_zone)
    start, end = day_bounds(day, prefs.time_zone)
    nudges: list[Nudge] = []

    if posting:
        asked = questions_posted_between(user=user, start=start, end=end)
        if query.strip() and asked + 1 >= prefs.question_nudge_at:
            hits = _search_hits(user=user, query=query, group_id=group_id)
            if hits:
                nudges.append(
                    Nudge(
                        kind="search_first",
                        message=_("这是你今天的第 %(n)d 条求助。先看看这些是否能解决：")
                        % {"n": asked + 1},
                        hits=hits,
                    )
                )
        budget = prefs.daily_request_budget
        if budget:
            posted = requests_posted_between(user=user, start=start, end=end)
            if posted >= budget:
                nudges.append(
                    Nudge(
                        kind="request_budget",
                        message=_(
                            "你今天已经发了 %(posted)d 条求助，到了你给自己定的每天 %(budget)d 条。"
                            "还要发的话也可以，只是先想一想：是不是明天再问也行？"
                        )
                        % {"posted": posted, "budget": budget},
                    )
                )

    given, received = give_take_between(
        user=user, start=at - timedelta(days=GIVE_TAKE_DAYS), end=at
    )
    if received >= GIVE_TAKE_MIN_RECEIVED and received >= GIVE_TAKE_RATIO * max(given, 1):
        url = _help_queue_url(user=user, group_id=group_id)
        nudges.append(
            Nudge(
                kind="give_back",
                message=_(
                    "最近 30 天群友帮了你 %(received)d 次，你帮了别人 %(given)d 次。"
                    "有空的话，也去帮帮等待中的群友吧。"
                )
                % {"received": received, "given": given},
                url=url,
                link_text=_("看看谁在等帮助"),
            )
        )

    if prefs.daily_minutes_budget:
        used = (
            UsageDay.objects.filter(user_id=user.pk, day=day)
            .values_list("active_seconds", flat=True)
            .first()
        ) or 0
        if used >= prefs.daily_minutes_budget * 60:
            nudges.append(
                Nudge(
                    kind="take_break",
                    message=_(
                        "今天已经用了 %(used)d 分钟，超过了你定的 %(budget)d 分钟。"
                        "起来走走，喝杯水，休息一下吧。"
                    )
                    % {"used": used // 60, "budget": prefs.daily_minutes_budget},
                    url=reverse("web:wellbeing"),
                    link_text=_("查看今天的使用"),
                )
            )
    return nudges
