"""Plain Django views of the API package: the JSON 404 for paths under /api/ that match nothing."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _


def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """A bot that mistypes an endpoint gets the API's error shape, not the web site's HTML page."""
    return JsonResponse(
        {"code": "not_found", "message": _("没有找到。")},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
