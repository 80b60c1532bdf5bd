"""``huzhu reindex``: rebuild the search index in batches, with a progress bar.

Safe to run at any time, also while the server runs (each batch is its own short transaction);
useful after a restore, after enabling search on an existing database, or periodically (cron) to
repair updates a stopped worker missed.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from huzhu.search.models import SourceKind
from huzhu.search.segment import jieba_load
from huzhu.search.services import search_reindex
from huzhu.search.sources import source_count


class Command(BaseCommand):
    help = "Rebuild the search index (resources, questions and answers, requests, chat)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--kind",
            action="append",
            choices=SourceKind.values,
            help="only this kind (repeatable); default: all",
        )
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="processes that segment (and on PostgreSQL write) in parallel; default: one "
            "per core; 1 = all in this process",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kinds = options["kind"] or SourceKind.values
        jieba_load()  # load the dictionary before the clock starts
        expected = sum(source_count(k) for k in kinds)
        started = time.perf_counter()
        with tqdm(total=expected, unit="item", disable=options["verbosity"] == 0) as bar:
            done = search_reindex(
                kinds=kinds,
                batch_size=options["batch_size"],
                progress=bar.update,
                workers=max(1, options["workers"]),
            )
        elapsed = time.perf_counter() - started
        rate = done / elapsed if elapsed > 0 else 0.0
        self.stdout.write(f"indexed {done} items in {elapsed:.1f} s ({rate:.0f} items/s)")
