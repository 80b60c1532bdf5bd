"""Turns a ``HuzhuError`` raised by a web view into a page (or an htmx flash) with its status.

Services raise typed errors; no web view has to catch them just to avoid a 500. A full request
gets ``web/error.html``; an htmx request gets the message swapped into the page's ``#flash`` area,
so a failed partial update never replaces a panel with an error page. The JSON API renders its
own errors and is left alone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login as django_redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from huzhu.core.errors import HuzhuError, NotAuthenticated, RateLimited


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def error_title(status: int) -> str:
    titles = {
        400: _("请求有误"),
        403: _("没有权限"),
        404: _("没有找到"),
        409: _("操作冲突"),
        429: _("操作太频繁"),
    }
    return titles.get(status, _("出错了"))


def render_error(request: HttpRequest, exc: HuzhuError) -> HttpResponse:
    context = {"error_message": exc.message, "error_title": error_title(exc.status)}
    if is_htmx(request):
        response = render(request, "web/_error_flash.html", context, status=exc.status)
        response["HX-Retarget"] = "#flash"
        response["HX-Reswap"] = "innerHTML"
    else:
        response = render(request, "web/error.html", context, status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


class HuzhuErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, HuzhuError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotAuthenticated):
            return redirect_to_login(request)
        return render_error(request, exception)


def redirect_to_login(request: HttpRequest) -> HttpResponse:
    response = django_redirect_to_login(request.get_full_path())
    if is_htmx(request):
        # htmx would follow a 302 and swap the login page into a panel; send the browser instead.
        hx = HttpResponse(status=204)
        hx["HX-Redirect"] = response["Location"]
        return hx
    return response
