"""Production settings: ``check --deploy`` reports nothing, cookies and headers are hardened."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUZHU_", "DJANGO_"))}
    env |= {
        "HUZHU_ENV": "production",
        "HUZHU_SECRET_KEY": base64.b64encode(os.urandom(45)).decode(),
        "HUZHU_ALLOWED_HOSTS": "x.org",
        "HUZHU_FIELD_KEYS": "k1:" + base64.b64encode(os.urandom(32)).decode(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    return env


def test_check_deploy_is_clean_under_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookie_and_transport_settings():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS >= 31536000, "
        "s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["True", "True", "True", "Lax", "Lax", "True", "True", "False"]
