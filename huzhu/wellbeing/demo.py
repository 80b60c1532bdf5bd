"""Demo content for healthy use: members' own limits, five weeks of foreground time (heavier on
weekends and evenings for some, a steady light user or two), a group with quiet hours 23:00–07:00,
and last week's reports. Run after the aid demo, so the reports show helps given and received.
"""

from __future__ import annotations

import random
from datetime import time, timedelta
from typing import Any

from django.utils import timezone

from huzhu.groups.models import Group, Role
from huzhu.wellbeing.clock import local_day
from huzhu.wellbeing.group import group_quiet_hours_update
from huzhu.wellbeing.models import UsageDay
from huzhu.wellbeing.reports import weekly_reports_generate
from huzhu.wellbeing.services import wellbeing_settings_update

DAYS = 35


def demo_load(*, groups: list[Group], users: list[Any], rng: random.Random) -> None:
    now = timezone.now()
    today = local_day(now, None)
    for i, user in enumerate(users):
        style = i % 4  # 0 heavy, 1 moderate with limits, 2 light, 3 evening-only
        if style in (1, 3):
            wellbeing_settings_update(
                user=user,
                daily_minutes_budget=[45, 60, 30][i % 3],
                daily_request_budget=3 if style == 1 else None,
                quiet_start=time(23, 0),
                quiet_end=time(7, 0),
                digest_mode=style == 3 and i % 8 == 3,
            )
        base = {0: 75, 1: 40, 2: 12, 3: 25}[style]
        rows = []
        for back in range(DAYS):
            day = today - timedelta(days=back)
            weekend = day.weekday() >= 5
            minutes = max(0, int(rng.gauss(base * (1.4 if weekend else 1.0), base * 0.35)))
            if back == 0:
                minutes = minutes // 2  # today is not over
            if minutes:
                rows.append(
                    UsageDay(
                        user=user,
                        day=day,
                        active_seconds=minutes * 60 + rng.randrange(60),
                        reminded_80=style == 1 and minutes >= 36,
                    )
                )
        UsageDay.objects.bulk_create(rows, ignore_conflicts=True)

    # The study group rests at night: members cannot post 23:00–07:00 (owner and admins can).
    study = next((g for g in groups if "考研" in g.name), groups[0] if groups else None)
    if study is not None:
        owner = study.memberships.get(role=Role.OWNER).user
        group_quiet_hours_update(actor=owner, group_id=study.pk, start=time(23, 0), end=time(7, 0))
    weekly_reports_generate(at=now)
