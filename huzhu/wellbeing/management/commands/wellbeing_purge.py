"""``huzhu wellbeing_purge``: delete usage data older than the 90 days promised to members."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from huzhu.wellbeing.services import RETENTION_DAYS, wellbeing_purge


class Command(BaseCommand):
    help = "Delete wellbeing usage data older than 90 days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=RETENTION_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        counts = wellbeing_purge(at=timezone.now(), keep_days=max(1, options["days"]))
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
