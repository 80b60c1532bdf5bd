"""Who may call the API: bearer tokens (read-only or read-write, revocable) and the browser session
with CSRF on writes. Token requests leave no cookies behind."""

from __future__ import annotations

import pytest
from django.test import Client

from huzhu.accounts.services import api_token_create, api_token_revoke
from huzhu.groups.models import Group
from tests.api.conftest import ApiClient, error, token_for

pytestmark = pytest.mark.django_db


def test_no_credentials_is_401_with_a_chinese_message():
    response = ApiClient().get("/me")
    assert error(response) == (401, "not_authenticated")
    assert "登录" in response.json()["message"]
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("secret", ["nonsense", "hz_deadbeef_not-a-real-secret", ""])
def test_unknown_token_is_401(owner, secret):
    assert error(ApiClient(secret).get("/me")) == (401, "not_authenticated")


def test_token_identifies_its_user(owner):
    response = ApiClient(token_for(owner, scope="read")).get("/me")
    assert response.status_code == 200
    assert response.json() == {
        "id": owner.pk,
        "username": "owner",
        "display_name": "群主小王",
        "auth": "token",
        "token_scope": "read",
    }


def test_read_only_token_reads_but_cannot_write(owner, group):
    api = ApiClient(token_for(owner, scope="read"))
    assert api.get(f"/groups/{group.pk}").status_code == 200
    response = api.post("/groups", {"name": "新群"})
    assert error(response) == (403, "token_read_only")
    assert "只读" in response.json()["message"]
    assert error(api.delete(f"/groups/{group.pk}/invites/1")) == (403, "token_read_only")
    assert not Group.objects.filter(name="新群").exists()


def test_revoked_token_is_refused_at_once(owner):
    token, secret = api_token_create(user=owner, name="bot", scope="read_write")
    api = ApiClient(secret)
    assert api.get("/me").status_code == 200
    api_token_revoke(user=owner, token_id=token.pk)
    assert error(api.get("/me")) == (401, "not_authenticated")
    # A revoked token on a write is "not authenticated", not a confusing CSRF error.
    assert error(api.post("/groups", {"name": "新群"})) == (401, "not_authenticated")


def test_token_of_a_deactivated_user_is_refused(owner):
    api = ApiClient(token_for(owner))
    owner.is_active = False
    owner.save()
    assert error(api.get("/me")) == (401, "not_authenticated")


def test_token_requests_set_no_cookies(owner, group):
    api = ApiClient(token_for(owner))
    for response in (
        api.get("/me"),
        api.get(f"/groups/{group.pk}/members"),
        api.post(f"/groups/{group.pk}/invites", {"expires_in_hours": 2}),
        api.get("/groups/999999"),
    ):
        assert response.status_code in (200, 201, 404)
        assert not response.cookies, response.cookies


def test_session_reads_without_csrf_but_writes_need_it(owner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    me = browser.get("/api/v1/me").json()
    assert me["username"] == "owner" and me["auth"] == "session" and me["token_scope"] is None

    refused = browser.post("/api/v1/groups", {"name": "新群"}, content_type="application/json")
    assert error(refused) == (403, "csrf_failed")
    assert not Group.objects.filter(name="新群").exists()

    browser.get("/api/v1/docs")  # any page that renders the CSRF token sets the cookie
    csrf = browser.cookies["csrftoken"].value
    created = browser.post(
        "/api/v1/groups",
        {"name": "新群"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert created.status_code == 201
    assert created.json()["my_role"] == "owner"


def test_stale_session_cookie_is_401_not_csrf(db):
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["sessionid"] = "expired-or-forged"
    response = browser.post("/api/v1/groups", {"name": "新群"}, content_type="application/json")
    assert error(response) == (401, "not_authenticated")


def test_bearer_token_wins_over_a_session(owner, outsider):
    browser = Client()
    browser.force_login(outsider)
    response = browser.get("/api/v1/me", headers={"Authorization": f"Bearer {token_for(owner)}"})
    assert response.json()["username"] == "owner"
