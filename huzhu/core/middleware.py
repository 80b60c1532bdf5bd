"""A shorter middleware chain for the JSON API, and the site's CSP header built once.

``ApiMiddlewareFork`` sits near the top of ``MIDDLEWARE``. A request under ``/api/`` leaves the
site's chain there and goes through ``API_MIDDLEWARE`` instead, then to the same URL resolver
and views. The API chain leaves out what JSON calls never use — static files (WhiteNoise),
flash messages, django-axes (the API never signs anyone in with a password, so axes has no
lockout to answer there) and the web re-consent redirect (which exempts ``/api/`` itself; API
tokens get 403 ``consent_required`` from the token authentication). Everything a JSON call does
use stays, in the same order: sessions and authentication (browser-session API calls, which
ninja checks for CSRF on writes), CSRF (its cookie for the API docs page), the language,
security and framing headers, the CSP, the rate limit and the error middleware.

``CSPMiddleware``: django-csp builds the policy string from the settings on every response;
while a response carries no per-view override and no nonce was used, the string is the same
every time, so it is built once (again after a settings change in tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, PolicyParts
from csp.middleware import CSPMiddleware as _DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

API_PREFIX = "/api/"


class _ApiHandler(BaseHandler):
    """URL resolving and view calling exactly as Django's handler does, behind the API chain."""

    def load_api_middleware(self, paths: list[str]) -> Callable[[HttpRequest], HttpResponse]:
        # Django's BaseHandler.load_middleware for a synchronous chain, from ``paths``.
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        handler: Any = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for path in reversed(paths):
            middleware = import_string(path)(handler)
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler
        return handler


class ApiMiddlewareFork:
    """Requests under ``/api/`` continue through ``settings.API_MIDDLEWARE``; others go on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.api_chain = _ApiHandler().load_api_middleware(list(settings.API_MIDDLEWARE))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            return self.api_chain(request)
        return self.get_response(request)


_policy_cache: dict[bool, str] = {}


def _forget_policy(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policy_cache.clear()


setting_changed.connect(_forget_policy)


class CSPMiddleware(_DjangoCSPMiddleware):
    """django-csp's middleware (the same steps as its ``process_response``), with the policy of
    a response that has no per-view override and no nonce built once instead of every time."""

    def process_response(self, request: HttpRequest, response: Any) -> Any:
        if response.status_code in (500, 404) and settings.DEBUG:
            return response  # Django's debug pages, as django-csp leaves them
        for report_only, header, exempt, setting in _HEADERS:
            parts = self.get_policy_parts(
                request=request, response=response, report_only=report_only
            )
            policy = self._policy(parts, report_only)
            if policy and header not in response and not getattr(response, exempt, False):
                prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES")
                if not request.path_info.startswith(tuple(prefixes or ())):
                    response[header] = policy
        if getattr(request, "_csp_nonce", None) is None:
            # As django-csp: a nonce asked for after the header was written is an error.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response

    @staticmethod
    def _policy(parts: PolicyParts, report_only: bool) -> str:
        if (
            parts.config is None
            and parts.update is None
            and parts.replace is None
            and not parts.nonce
        ):
            policy = _policy_cache.get(report_only)
            if policy is None:
                policy = _policy_cache[report_only] = build_policy(report_only=report_only)
            return policy
        return build_policy(**asdict(parts), report_only=report_only)


_HEADERS = (
    (False, HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
    (True, HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
)
