"""Settings the web layer relies on that tests cannot see directly (tests swap the hasher)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_outside_tests_passwords_are_hashed_with_argon2_first() -> None:
    # Tests use a fast hasher; a fresh interpreter without pytest loads the real list.
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUZHU_")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"
