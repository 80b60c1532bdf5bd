"""``huzhu weekly_reports``: enqueue (or with --now, make) last week's reports for every active
member. Run it from cron every Monday morning; it is idempotent."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from huzhu.wellbeing.reports import weekly_reports_generate
from huzhu.wellbeing.tasks import weekly_reports_task


class Command(BaseCommand):
    help = "Make last week's wellbeing reports (via the task worker, or --now in this process)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", default="", help="Monday of the week, YYYY-MM-DD")
        parser.add_argument("--now", action="store_true", help="generate here, not in the worker")

    def handle(self, *args: Any, **options: Any) -> None:
        week = options["week"]
        if week and date.fromisoformat(week).weekday() != 0:
            self.stderr.write("--week must be a Monday")
            return
        if options["now"]:
            made = weekly_reports_generate(
                at=timezone.now(), monday=date.fromisoformat(week) if week else None
            )
            self.stdout.write(f"{made} weekly reports made")
        else:
            result = weekly_reports_task.enqueue(week)
            self.stdout.write(f"weekly reports enqueued ({result.id})")
