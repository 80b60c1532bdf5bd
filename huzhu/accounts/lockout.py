"""The response shown when login throttling (django-axes) locks a username and IP out."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def lockout_response(
    request: HttpRequest, response: Any = None, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    retry_at = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    message = _("登录失败次数过多，请在 %(minutes)d 分钟后（%(time)s 之后）再试。") % {
        "minutes": minutes,
        "time": date_format(retry_at, "H:i"),
    }
    if request.path.startswith("/api/"):
        resp: HttpResponse = JsonResponse({"code": "login_locked", "message": message}, status=429)
    else:
        resp = render(
            request, "web/login.html", {"lockout_message": message, "form": None}, status=429
        )
    resp["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return resp
