"""API authentication: the browser's session (with CSRF) or a personal API token (Bearer).

Read-only tokens may only use safe methods.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer

from huzhu.accounts.services import api_token_authenticate
from huzhu.core.errors import Forbidden

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    openapi_description = "Personal API token: `Authorization: Bearer hz_…`"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = api_token_authenticate(secret=token)
        if api_token is None:
            return None
        if request.method not in SAFE_METHODS and not api_token.can_write:
            raise Forbidden(_("这个令牌只有只读权限。"), code="token_read_only")
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class SessionAuth(APIKeyCookie):
    """Django session cookie; unsafe methods need the CSRF token like any form post."""

    param_name = "sessionid"
    openapi_description = "Browser session (send the X-CSRFToken header on writes)"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


token_auth = TokenAuth()
session_auth = SessionAuth()
