"""API tokens after a new privacy policy or rules version: a clear 403 until the person accepts
on the web; reading what is missing, export and deletion still work."""

from __future__ import annotations

from django.test import Client

from tests.api.conftest import ApiClient, token_for


def test_token_of_member_without_new_consent_gets_consent_required(settings, member):
    api = ApiClient(token_for(member))
    assert api.get("/me").status_code == 200
    settings.PRIVACY_POLICY_VERSION = "2027-01-01"

    response = api.get("/me")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "consent_required"
    assert "隐私政策或社区规则已更新" in body["message"]
    assert "The privacy policy or the community rules have changed" in body["message"]
    assert body["consent_url"] == "/account/consent/"
    assert body["missing"] == ["privacy_policy"]
    # Writes too, and an English client reads the same code.
    english = ApiClient(token_for(member), language="en")
    r = english.post("/groups", {"name": "新群"})
    assert r.status_code == 403 and r.json()["code"] == "consent_required"

    # Still reachable: what is missing, export, deletion.
    assert api.get("/privacy/consent").json()["missing"] == ["privacy_policy"]
    assert api.post("/privacy/exports").status_code == 202
    # A token cannot accept on the person's behalf.
    r = api.post("/privacy/consent", {"accept": ["privacy_policy"]})
    assert r.status_code == 403 and r.json()["code"] == "consent_required"

    # The person accepts on the web; the same token works again.
    web = Client()
    web.force_login(member)
    assert web.post("/account/consent/", {"agree": "on", "next": "/groups/"}).status_code == 302
    assert api.get("/me").status_code == 200


def test_browser_session_api_is_not_blocked(settings, member):
    """The web's ConsentMiddleware already sends the person to the consent page."""
    settings.COMMUNITY_RULES_VERSION = "2027-02-02"
    web = Client()
    web.force_login(member)
    assert web.get("/api/v1/me").status_code == 200
