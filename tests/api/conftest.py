"""API test helpers: a client that speaks to /api/v1 as a user, through a real API token."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from huzhu.accounts.models import User
from huzhu.accounts.services import api_token_create

BASE = "/api/v1"


class ApiClient:
    """JSON requests to the API with a Bearer token (or none), in a chosen language."""

    def __init__(self, token: str | None = None, *, language: str | None = None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        if language:
            self.headers["Accept-Language"] = language

    def request(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        url = path if path.startswith("/") and path.startswith(BASE) else f"{BASE}{path}"
        kwargs: dict[str, Any] = {"headers": self.headers}
        if method == "get":
            return self.client.get(url, params, **kwargs)
        data = json.dumps(body) if body is not None and not isinstance(body, str) else body
        return getattr(self.client, method)(
            url, data=data or "", content_type="application/json", **kwargs
        )

    def get(self, path: str, **params: Any) -> Any:
        return self.request("get", path, **params)

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("post", path, body)

    def patch(self, path: str, body: Any = None) -> Any:
        return self.request("patch", path, body)

    def delete(self, path: str) -> Any:
        return self.request("delete", path)


def token_for(user: User, scope: str = "read_write") -> str:
    _token, secret = api_token_create(user=user, name="测试", scope=scope)
    return secret


@pytest.fixture
def as_user():
    """``as_user(user, scope=..., language=...)`` → an ApiClient authenticated as that user."""

    def make(user: User, *, scope: str = "read_write", language: str | None = None) -> ApiClient:
        return ApiClient(token_for(user, scope), language=language)

    return make


@pytest.fixture
def admin(group):
    """A member promoted to admin of ``group`` by its owner."""
    from huzhu.groups.services import membership_set_role
    from tests.factories import join, make_user

    user = join(group, make_user("admin", "管理员小张")).user
    owner = group.memberships.get(role="owner").user
    membership_set_role(actor=owner, group=group, user_id=user.pk, role="admin")
    return user


def error(response: Any) -> tuple[int, str]:
    """(status, code) of an API error, checking the error shape on the way."""
    body = response.json()
    assert set(body) >= {"code", "message"}, body
    assert body["message"], body
    return response.status_code, body["code"]
