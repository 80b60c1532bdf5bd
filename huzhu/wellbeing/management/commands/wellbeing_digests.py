"""``huzhu wellbeing_digests``: release digests that are due (quiet hours over, daily time come)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from huzhu.wellbeing.services import wellbeing_digests_release


class Command(BaseCommand):
    help = "Deliver wellbeing digests that are due."

    def handle(self, *args: Any, **options: Any) -> None:
        made = wellbeing_digests_release(at=timezone.now())
        self.stdout.write(f"{made} digests delivered")
