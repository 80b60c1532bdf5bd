"""``manage.py openapi_snapshot``: write the committed OpenAPI snapshot, or ``--check`` it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from huzhu.api.openapi import (
    SNAPSHOT_PATH,
    UPDATE_COMMAND,
    openapi_diff_summary,
    openapi_schema,
    openapi_text,
)


class Command(BaseCommand):
    help = "Write the API's OpenAPI document to docs/api/openapi.json, or check that it is current."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit non-zero with a summary when the snapshot is stale.",
        )
        parser.add_argument("--path", type=Path, default=SNAPSHOT_PATH, help="Snapshot file.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        live = openapi_schema()
        if options["check"]:
            if not path.exists():
                raise CommandError(f"{path} is missing: run `{UPDATE_COMMAND}` and commit it.")
            try:
                committed = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise CommandError(
                    f"{path} is not valid JSON ({exc}): run `{UPDATE_COMMAND}`."
                ) from exc
            if committed != live:
                raise CommandError(
                    f"The OpenAPI snapshot {path} is stale:\n"
                    f"{openapi_diff_summary(committed, live)}\n\n"
                    f"If the API change is intended, run `{UPDATE_COMMAND}` and commit the file."
                )
            self.stdout.write(f"OpenAPI snapshot is current ({path}).")
            return
        text = openapi_text(live)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            self.stdout.write(f"OpenAPI snapshot unchanged ({path}).")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}."))
