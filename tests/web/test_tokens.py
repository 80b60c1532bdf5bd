"""The API tokens page: create (secret shown once), list, revoke, and bad input."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from huzhu.accounts.models import ApiToken
from huzhu.accounts.services import api_token_authenticate, api_token_create
from tests.factories import make_user
from tests.web.helpers import text

pytestmark = pytest.mark.django_db

SECRET = re.compile(r"hz_[0-9a-f]{8}_[A-Za-z0-9_-]{20,}")


def test_create_token_shows_the_secret_once(owner_client: Client, owner) -> None:
    response = owner_client.post("/tokens/", {"name": "拼团机器人", "scope": "read_write"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    found = SECRET.search(response.content.decode())
    assert found is not None
    token = api_token_authenticate(secret=found.group(0))
    assert token is not None and token.user == owner and token.can_write
    assert "这个密钥只显示这一次" in text(response)
    # the list shows the token, but never its secret again
    page = owner_client.get("/tokens/")
    assert "拼团机器人" in text(page)
    assert "读写" in text(page)
    assert found.group(0) not in page.content.decode()
    assert not SECRET.search(page.content.decode())


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"name": "", "scope": "read"}, 400, "令牌名称须为 1–60 个字符。"),
        ({"name": "长" * 61, "scope": "read"}, 400, "令牌名称须为 1–60 个字符。"),
        ({"name": "bot", "scope": "admin"}, 400, "选择一个有效的选项"),
    ],
)
def test_create_token_bad_input(
    owner_client: Client, data: dict[str, str], status: int, message: str
) -> None:
    response = owner_client.post("/tokens/", data)
    assert response.status_code == status
    assert message in text(response)
    assert not ApiToken.objects.exists()


def test_token_limit_is_a_conflict(owner_client: Client, owner, settings) -> None:
    settings.API_TOKEN_MAX_PER_USER = 2
    for n in range(2):
        api_token_create(user=owner, name=f"t{n}", scope="read")
    response = owner_client.post("/tokens/", {"name": "third", "scope": "read"})
    assert response.status_code == 409
    assert "最多同时拥有 2 个有效令牌" in text(response)


def test_revoke_token(owner_client: Client, owner) -> None:
    token, secret = api_token_create(user=owner, name="旧脚本", scope="read")
    response = owner_client.post(f"/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert api_token_authenticate(secret=secret) is None
    page = owner_client.get("/tokens/")
    assert "令牌“旧脚本”已撤销" in text(page)
    assert "已撤销" in text(page)


def test_cannot_see_or_revoke_someone_elses_token(owner_client: Client) -> None:
    other = make_user("other", "别人")
    token, secret = api_token_create(user=other, name="别人的令牌", scope="read")
    assert "别人的令牌" not in text(owner_client.get("/tokens/"))
    response = owner_client.post(f"/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert "没有找到这个令牌。" in text(response)
    assert api_token_authenticate(secret=secret) is not None
