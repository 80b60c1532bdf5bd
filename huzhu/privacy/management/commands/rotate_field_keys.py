"""``huzhu rotate_field_keys``: re-encrypt every encrypted field to the newest key."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from huzhu.privacy import crypto
from huzhu.privacy.rotation import field_keys_rotate, rows_to_rotate


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field to the newest key in HUZHU_FIELD_KEYS."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        total = rows_to_rotate()
        with tqdm(total=total, unit="row", disable=options["no_progress"], file=sys.stderr) as bar:
            changed = field_keys_rotate(progress=bar.update)
        self.stdout.write(
            f"{changed} value(s) re-encrypted to key {crypto.keyring().newest} ({total} rows checked)."
        )
