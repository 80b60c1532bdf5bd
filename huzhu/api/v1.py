"""The JSON API v1: one NinjaAPI, one router per domain, errors as ``{"code", "message"}``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from huzhu.api.auth import session_auth, token_auth
from huzhu.core.errors import HuzhuError

api = NinjaAPI(
    title="Huzhu 互助 API",
    version="1.0.0",
    description="互助群平台 JSON API。Authenticate with a personal API token (Bearer) or the browser session.",
    auth=[token_auth, session_auth],
    urls_namespace="api-v1",
)


@api.exception_handler(HuzhuError)
def _huzhu_error(request: HttpRequest, exc: HuzhuError) -> HttpResponse:
    response = api.create_response(
        request, {"code": exc.code, "message": str(exc.message)}, status=exc.status
    )
    retry_after = exc.extra.get("retry_after")
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "not_authenticated", "message": _("请先登录，或提供有效的 API 令牌。")},
        status=401,
    )


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "invalid", "message": _("请求内容不正确，请检查后重试。"), "errors": exc.errors},
        status=422,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(
        request, {"code": "http_error", "message": str(exc)}, status=exc.status_code
    )


def _register_routers() -> None:
    from huzhu.api.routers import groups, me

    api.add_router("/me", me.router, tags=["me"])
    api.add_router("/groups", groups.router, tags=["groups"])


_register_routers()
