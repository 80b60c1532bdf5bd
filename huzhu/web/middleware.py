"""Turns a ``HuzhuError`` raised by a web view into a page (or an htmx flash) with its status.

Services raise typed errors; no web view has to catch them just to avoid a 500. A full request
gets ``web/error.html``; an htmx request gets the message swapped into the page's ``#flash`` area,
so a failed partial update never replaces a panel with an error page. A redirect answered to an
htmx request becomes an ``HX-Redirect`` (a full page load), so a panel is never replaced by a whole
page either. The JSON API renders its own errors and is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.contrib.auth.views import redirect_to_login as django_redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from huzhu.core.errors import HuzhuError, NotAuthenticated, RateLimited

REDIRECTS = {301, 302, 303, 307, 308}


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


# A view that caught a RateLimited and shows it on its form (status 429) notes the wait here;
# the middleware turns it into the Retry-After header.
_retry_after: ContextVar[int | None] = ContextVar("huzhu_retry_after", default=None)


def note_retry_after(seconds: int) -> None:
    _retry_after.set(seconds)


class HuzhuErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _retry_after.set(None)
        response = self.get_response(request)
        wait = _retry_after.get()
        if response.status_code == 429 and wait is not None and "Retry-After" not in response:
            response["Retry-After"] = str(wait)
        if is_htmx(request) and response.status_code in REDIRECTS and "Location" in response:
            # The browser's XHR would follow a redirect and htmx would swap the whole next page
            # (often the login page, when a session expired) into a panel. Navigate instead.
            return hx_redirect(response["Location"])
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, HuzhuError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotAuthenticated):
            return redirect_to_login(request)
        return render_error(request, exception)


def hx_redirect(url: str) -> HttpResponse:
    """Tell htmx to load ``url`` as a full page."""
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response


def redirect_to_login(request: HttpRequest) -> HttpResponse:
    return django_redirect_to_login(request.get_full_path())
