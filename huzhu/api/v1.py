"""The JSON API v1: one NinjaAPI, one router per domain, errors as ``{"code", "message"}``.

Every error a client can see has a stable ``code`` and a ``message`` in the request's language
(Chinese by default, English with ``Accept-Language: en``). Other helpers add their router with one
line in ``_register_routers`` and then run ``python manage.py openapi_snapshot``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from huzhu.api.auth import session_auth, token_auth
from huzhu.api.parser import SafeJSONParser
from huzhu.core.errors import HuzhuError

logger = logging.getLogger(__name__)

API_DESCRIPTION = """\
互助群平台的 JSON API。The JSON API of Huzhu, a platform for mutual-aid groups (互助群).

**认证 / Authentication** — a personal API token (`Authorization: Bearer hz_…`, created in the web
UI or with `POST /api/v1/me/tokens`), or the browser session (writes need the `X-CSRFToken`
header). Read-only tokens may only use `GET`.

**错误 / Errors** — every error is JSON `{"code": "...", "message": "..."}`: `code` is stable and
meant for programs, `message` is for people, in Chinese by default or English with
`Accept-Language: en`. Statuses: 400 bad input, 401 not authenticated, 403 not allowed,
404 not found (also for groups you are not a member of, so their existence never leaks),
409 conflict, 422 malformed request (with `errors` listing the fields), 429 rate limited.
When the privacy policy or community rules change, a token of someone who has not accepted the
new version gets 403 `consent_required` on every operation (except reading
`GET /privacy/consent`, exports and deletion) until they accept on the website (`consent_url`).

**分页 / Pagination** — lists take `limit` (1–100, default 20) and `offset`, and return
`{"items": [...], "count": total}`.
"""


class _Renderer(JSONRenderer):
    # Chinese text as UTF-8, not \uXXXX escapes: half the bytes and readable in logs.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Huzhu 互助 API",
    version="1.0.0",
    description=API_DESCRIPTION,
    auth=[token_auth, session_auth],
    urls_namespace="api-v1",
    renderer=_Renderer(),
    parser=SafeJSONParser(),
    # Served from our own static files (ninja is an installed app) with no inline script, so the
    # page works under the strict CSP; the validator badge would load an off-site image.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)


def _error(
    request: HttpRequest, *, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(HuzhuError)
def _huzhu_error(request: HttpRequest, exc: HuzhuError) -> HttpResponse:
    # ``body`` extra: more machine-readable fields for this error (e.g. where to go next).
    body = exc.extra.get("body") or {}
    response = _error(request, status=exc.status, code=exc.code, message=str(exc.message), **body)
    retry_after = exc.extra.get("retry_after")
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(
        request,
        status=401,
        code="not_authenticated",
        message=_("请先登录，或提供有效的 API 令牌。"),
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


def _field_errors(exc: ValidationError) -> list[dict[str, str]]:
    """Pydantic errors reduced to plain JSON (their ``ctx`` may hold exception objects).

    ``field`` drops ninja's wrappers ("body", "query", the parameter name), leaving the path a
    client sent, such as ``name`` or ``limit``.
    """
    out = []
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path", "header", "cookie", "form"):
            loc = loc[1:]
        if len(loc) > 1 and loc[0] in ("payload", "ninja_pagination"):
            loc = loc[1:]
        out.append(
            {
                "field": ".".join(loc),
                "type": str(err.get("type", "invalid")),
                "detail": str(err.get("msg", "")),
            }
        )
    return out


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = _field_errors(exc)
    fields = ", ".join(sorted({e["field"] for e in errors if e["field"]}))
    message = (
        _("请求内容不正确，请检查这些字段：%(fields)s。") % {"fields": fields}
        if fields
        else _("请求内容不正确，请检查后重试。")
    )
    return _error(request, status=422, code="invalid", message=message, errors=errors)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, status=404, code="not_found", message=_("没有找到。"))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja raises these for transport problems such as an unreadable body.
    if exc.status_code == 400:
        message = _("无法解析请求内容，请发送 JSON。")
        code = "bad_request"
    elif exc.status_code == 429:
        message = _("请求太频繁，请稍后再试。")
        code = "rate_limited"
    else:
        message = _("请求无法处理。")
        code = "http_error"
    return _error(request, status=exc.status_code, code=code, message=message)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    # The database is down (even authentication needs it): tell clients to retry, not a 500.
    logger.warning("database unavailable in API %s %s: %s", request.method, request.path, exc)
    response = _error(
        request, status=503, code="retry", message=_("服务器暂时无法访问数据库，请稍后重试。")
    )
    response["Retry-After"] = "2"
    return response


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, status=413, code="too_large", message=_("请求内容太大。"))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A bug, not bad input: log the traceback, but still answer in the API's error shape.
    logger.exception("unhandled error in API %s %s", request.method, request.path)
    return _error(request, status=500, code="server_error", message=_("服务器出错了，请稍后再试。"))


def _register_routers() -> None:
    from huzhu.api.routers import chat, groups, invites, me, tokens

    api.add_router("/me", me.router, tags=["me"])
    api.add_router("/me/tokens", tokens.router, tags=["tokens"])
    api.add_router("/groups", groups.router, tags=["groups"])
    api.add_router("/invites", invites.router, tags=["invites"])
    api.add_router("/chat", chat.router, tags=["chat"])
    api.add_router("/aid", "huzhu.api.routers.aid.router", tags=["aid"])
    api.add_router("/moderation", "huzhu.api.routers.moderation.router", tags=["moderation"])
    api.add_router(
        "/notifications", "huzhu.api.routers.notifications.router", tags=["notifications"]
    )
    api.add_router("/resources", "huzhu.api.routers.resources.router", tags=["resources"])
    api.add_router("/search", "huzhu.api.routers.search.router", tags=["search"])
    api.add_router("/privacy", "huzhu.api.routers.privacy.router", tags=["privacy"])
    api.add_router("/wellbeing", "huzhu.api.routers.wellbeing.router", tags=["wellbeing"])
    api.add_router("/screen", "huzhu.api.routers.screen.router", tags=["screening"])


_register_routers()
