"""Personal API tokens through the API: the secret is shown once, it works, it can be revoked, and
only a browser session can mint new ones."""

from __future__ import annotations

import pytest
from django.test import Client

from huzhu.accounts.models import ApiToken
from tests.api.conftest import ApiClient, error, token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(owner):
    client = Client()  # CSRF is covered in test_auth; here the session is the point
    client.force_login(owner)
    return client


def create(browser, body):
    return browser.post("/api/v1/me/tokens", body, content_type="application/json")


def test_created_secret_is_shown_once_and_works(browser, owner):
    response = create(browser, {"name": "微信机器人", "scope": "read"})
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["secret"].startswith(f"hz_{body['prefix']}_")
    assert body["scope"] == "read" and body["active"] is True and body["revoked_at"] is None

    api = ApiClient(body["secret"])
    assert api.get("/me").json()["id"] == owner.pk
    listed = api.get("/me/tokens").json()
    assert listed["count"] == 1
    assert listed["items"][0]["name"] == "微信机器人"
    assert "secret" not in listed["items"][0]
    assert listed["items"][0]["last_used_at"] is not None
    # Only a hash is stored.
    assert body["secret"] not in str(ApiToken.objects.values_list("token_hash", flat=True))


def test_scope_defaults_to_read_only(browser):
    assert create(browser, {"name": "脚本"}).json()["scope"] == "read"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "scope": "read"}, "name"),
        ({"name": "x" * 61, "scope": "read"}, "name"),
        ({"name": "bot", "scope": "admin"}, "scope"),
        ({"scope": "read"}, "name"),
    ],
)
def test_bad_token_input_is_422_naming_the_field(browser, body, field):
    response = create(browser, body)
    assert error(response) == (422, "invalid")
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_whitespace_name_is_refused_by_the_service(browser):
    assert error(create(browser, {"name": "   "})) == (400, "invalid_name")


def test_tokens_cannot_mint_tokens(owner):
    api = ApiClient(token_for(owner, scope="read_write"))
    assert error(api.post("/me/tokens", {"name": "更多"})) == (403, "session_required")
    assert ApiToken.objects.filter(user=owner).count() == 1


def test_too_many_tokens_is_409(browser, settings):
    settings.API_TOKEN_MAX_PER_USER = 2
    assert create(browser, {"name": "a"}).status_code == 201
    assert create(browser, {"name": "b"}).status_code == 201
    assert error(create(browser, {"name": "c"})) == (409, "too_many_tokens")


def test_revoke_stops_the_token_and_is_idempotent(browser, owner):
    secret = create(browser, {"name": "bot", "scope": "read_write"}).json()["secret"]
    token = ApiToken.objects.get(user=owner)
    api = ApiClient(secret)
    revoked = api.delete(f"/me/tokens/{token.pk}")  # a bot may revoke itself
    assert revoked.status_code == 200
    assert revoked.json()["active"] is False and revoked.json()["revoked_at"]
    assert error(api.get("/me")) == (401, "not_authenticated")
    again = browser.delete(f"/api/v1/me/tokens/{token.pk}")
    assert again.status_code == 200 and again.json()["revoked_at"] == revoked.json()["revoked_at"]


def test_another_users_token_is_not_found(owner, outsider):
    theirs = ApiToken.objects.get(
        pk=ApiClient(token_for(outsider)).get("/me/tokens").json()["items"][0]["id"]
    )
    api = ApiClient(token_for(owner))
    assert error(api.delete(f"/me/tokens/{theirs.pk}")) == (404, "not_found")
    assert error(api.delete("/me/tokens/0")) == (422, "invalid")
    listed = api.get("/me/tokens").json()
    assert theirs.pk not in [t["id"] for t in listed["items"]]
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_token_list_is_paginated(browser):
    for n in range(5):
        create(browser, {"name": f"t{n}"})
    page = browser.get("/api/v1/me/tokens", {"limit": 2, "offset": 1}).json()
    assert page["count"] == 5
    assert [t["name"] for t in page["items"]] == ["t3", "t2"]  # newest first
