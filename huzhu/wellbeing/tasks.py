"""Background tasks for wellbeing (Django tasks API; the database backend's worker runs them).

Schedule them with cron through the management commands, e.g.::

    # every Monday 06:00 (server time): last week's reports
    0 6 * * 1   huzhu weekly_reports
    # every 10 minutes: digests whose quiet hours ended or whose daily time came
    */10 * * * * huzhu wellbeing_digests
    # every night: delete usage data older than 90 days
    30 3 * * *  huzhu wellbeing_purge
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task


@task()
def weekly_reports_task(week_start: str = "") -> int:
    from huzhu.wellbeing.reports import weekly_reports_generate

    monday = date.fromisoformat(week_start) if week_start else None
    return weekly_reports_generate(at=timezone.now(), monday=monday)


@task()
def wellbeing_digests_task() -> int:
    from huzhu.wellbeing.services import wellbeing_digests_release

    return wellbeing_digests_release(at=timezone.now())


@task()
def wellbeing_purge_task() -> dict[str, int]:
    from huzhu.wellbeing.services import wellbeing_purge

    return wellbeing_purge(at=timezone.now())
