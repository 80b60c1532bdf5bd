"""``huzhu serve``: migrate, load demo data on first start, then run uvicorn and the task worker.

Ctrl-C (or SIGTERM) stops both processes cleanly. ``HOST`` and ``PORT`` override the address.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run Huzhu: web server (uvicorn, ASGI) and background-task worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("HUZHU_WEB_WORKERS", "1"))
        )
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")
        parser.add_argument(
            "--no-demo", action="store_true", help="do not load demo data on first start"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        if not options["no_demo"] and not get_user_model().objects.exists():
            self.stdout.write("首次启动：正在载入演示数据 / first start: loading demo data …")
            call_command("demo")
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)

        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
        procs: list[subprocess.Popen[bytes]] = []
        if not options["no_worker"]:
            procs.append(
                subprocess.Popen([sys.executable, "-m", "huzhu.cli", "db_worker"], env=env)
            )
        uvicorn_cmd = [
            sys.executable,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--host",
            options["host"],
            "--port",
            str(options["port"]),
            "--workers",
            str(options["workers"]),
            "--no-server-header",
        ]
        if settings.PRODUCTION:
            uvicorn_cmd += ["--proxy-headers"]
        procs.append(subprocess.Popen(uvicorn_cmd, env=env))
        url = f"http://{options['host']}:{options['port']}"
        self.stdout.write(
            self.style.SUCCESS(
                f"互助 Huzhu 正在运行 / is running at {url}  (Ctrl-C 停止 / to stop)"
            )
        )

        stopping = False

        def _stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        try:
            while not stopping and all(p.poll() is None for p in procs):
                time.sleep(0.3)
        finally:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for p in procs:
                try:
                    p.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    p.kill()
        self.stdout.write("已停止 / stopped.")
