"""``huzhu purge``: apply the retention rules and erase accounts past their grace period.

Run it daily (cron or a systemd timer); it is idempotent.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from huzhu.privacy.retention import retention_purge


class Command(BaseCommand):
    help = "Purge deleted messages (30 days), old security logs (>6 months), expired exports; erase deleted accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = retention_purge()
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n}")
