"""The wellbeing demo builds through the real services and gives owners figures to look at."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from huzhu.wellbeing.demo import demo_load
from huzhu.wellbeing.group import group_quiet_hours_active, group_wellbeing_figures
from huzhu.wellbeing.models import UsageDay, WeeklyReport, WellbeingSettings
from tests.factories import join, make_group, make_user

pytestmark = pytest.mark.django_db


def test_demo_load_gives_usage_limits_reports_and_quiet_hours():
    owner = make_user("demo_owner", "群主")
    group = make_group(owner, name="考研学习互助群")
    users = [owner] + [join(group, make_user()).user for _ in range(11)]
    demo_load(groups=[group], users=users, rng=random.Random(7))
    assert UsageDay.objects.values("user").distinct().count() == 12
    assert WellbeingSettings.objects.filter(daily_minutes_budget__isnull=False).count() == 6
    assert WeeklyReport.objects.count() == 12
    group.refresh_from_db()
    assert group_quiet_hours_active(
        group=group,
        at=timezone.now().replace(hour=16, minute=30),  # 00:30 in Shanghai
    )
    figures = group_wellbeing_figures(actor=owner, group_id=group.pk, at=timezone.now())
    assert figures.median_daily_minutes is not None and figures.median_daily_minutes > 0
    assert figures.members_with_budget_percent == 50
