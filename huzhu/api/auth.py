"""API authentication: the browser's session (with CSRF) or a personal API token (Bearer).

Read-only tokens may only use safe methods. A token request never touches the session, so its
response sets no session or CSRF cookie. A token of someone who has not accepted the current
privacy policy and community rules gets 403 ``consent_required`` (see ``huzhu.privacy.consent``).

A bearer token is looked up once per request (``bearer_token``): the rate-limit middleware, which
counts a token's calls against its user, and the authentication here share the answer.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from huzhu.accounts.models import ApiToken, User
from huzhu.accounts.services import api_token_authenticate
from huzhu.core.errors import Forbidden, NotAuthenticated
from huzhu.privacy.consent import api_consent_require

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Anything else cannot be one of our tokens; refusing it early also keeps bytes such as NUL,
# which PostgreSQL cannot compare, away from the database.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_\-]{1,200}")


_LOOKUP_ATTR = "_huzhu_bearer_lookup"


def bearer_token(request: HttpRequest, secret: str) -> ApiToken | None:
    """The active API token for ``secret``, looked up at most once per request.

    One query answers both "which token" and "has its user accepted the current documents"
    (``token.consent_current``). Anything not shaped like one of our tokens is None at once.
    """
    memo = getattr(request, _LOOKUP_ATTR, None)
    if memo is not None and memo[0] == secret:
        return cast(ApiToken | None, memo[1])
    token = None
    if TOKEN_SHAPE.fullmatch(secret):
        from huzhu.privacy.services import current_versions

        token = api_token_authenticate(secret=secret, consent_versions=dict(current_versions()))
    setattr(request, _LOOKUP_ATTR, (secret, token))
    return token


class TokenAuth(HttpBearer):
    openapi_description = (
        "个人 API 令牌 / Personal API token: `Authorization: Bearer hz_…`. "
        "只读令牌只能发 GET 请求 / read-only tokens may only GET."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = bearer_token(request, token)
        if api_token is None:
            return None
        if request.method not in SAFE_METHODS and not api_token.can_write:
            raise Forbidden(_("这个令牌只有只读权限。"), code="token_read_only")
        if not getattr(api_token, "consent_current", False):
            api_consent_require(request=request, user=api_token.user)
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class SessionAuth(APIKeyCookie):
    """Django session cookie; unsafe methods need the CSRF token like any form post.

    The CSRF check runs only once the session is known to belong to a signed-in user, so a bot
    with a bad token gets "401 not authenticated", not a confusing CSRF error.
    """

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = (
        "浏览器会话 / Browser session cookie; 写操作需带 `X-CSRFToken` 头 / "
        "send the `X-CSRFToken` header on writes."
    )

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise Forbidden(
                _("安全校验失败：请刷新页面后重试（写操作需要 CSRF 令牌）。"), code="csrf_failed"
            )
        return user


token_auth = TokenAuth()
session_auth = SessionAuth()


def request_user(request: HttpRequest) -> User:
    """The authenticated user of an API request (auth has already run, so never anonymous)."""
    user = request.user
    if not user.is_authenticated:  # only reachable for an endpoint declared with auth=None
        raise NotAuthenticated(_("请先登录，或提供有效的 API 令牌。"))
    return cast(User, user)


def request_token(request: HttpRequest) -> ApiToken | None:
    """The API token that authenticated the request, or None for a browser session."""
    return getattr(request, "api_token", None)
