"""The ``huzhu`` console command.

``huzhu screen`` runs the screening engine without loading Django (fast start, usable as a filter);
every other subcommand is a Django management command (``huzhu serve``, ``huzhu demo``,
``huzhu createsuperuser``, ``huzhu migrate`` …).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "screen":
        from huzhu.screening.cli import main as screen_main

        return screen_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["huzhu", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
