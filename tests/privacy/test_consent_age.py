"""Re-consent after a new policy version; age confirmation at sign-up (PIPL Art. 31)."""

from __future__ import annotations

import pytest
from django.test import Client

from huzhu.accounts.models import Consent
from huzhu.accounts.services import user_signup
from huzhu.core.errors import InvalidInput
from huzhu.privacy import crypto
from huzhu.privacy.models import AgeConfirmation

SIGNUP = {
    "username": "xiaoming",
    "display_name": "小明",
    "password1": "lychee-season-2026",
    "password2": "lychee-season-2026",
    "accept_privacy_policy": "on",
    "accept_community_rules": "on",
}


def test_new_policy_version_sends_user_to_reconsent_then_back(settings, member):
    client = Client()
    client.force_login(member)
    assert client.get("/groups/").status_code == 200
    settings.PRIVACY_POLICY_VERSION = "2027-01-01"
    response = client.get("/groups/")
    assert response.status_code == 302
    assert response["Location"] == "/account/consent/?next=%2Fgroups%2F"
    # Exports and deletion stay reachable without consenting; the API is not redirected.
    assert client.get("/account/data/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    assert client.post("/account/consent/", {"next": "/groups/"}).status_code == 400
    response = client.post("/account/consent/", {"agree": "on", "next": "/groups/"})
    assert response.status_code == 302 and response["Location"] == "/groups/"
    assert Consent.objects.filter(user=member, version="2027-01-01").exists()
    assert client.get("/groups/").status_code == 200


def test_htmx_request_gets_hx_redirect(settings, member):
    client = Client()
    client.force_login(member)
    settings.COMMUNITY_RULES_VERSION = "2027-02-02"
    response = client.get("/groups/", headers={"HX-Request": "true"})
    assert response.status_code == 204 and "/account/consent/" in response["HX-Redirect"]


@pytest.mark.django_db
def test_signup_page_needs_age_and_guardian_under_14(client):
    response = client.post("/signup/", SIGNUP)
    assert response.status_code == 400  # age not confirmed
    response = client.post("/signup/", {**SIGNUP, "age": "under_14"})
    assert response.status_code == 400
    assert "监护人同意" in response.content.decode()
    response = client.post(
        "/signup/",
        {**SIGNUP, "age": "under_14", "guardian_name": "王妈妈", "guardian_consent": "on"},
    )
    assert response.status_code == 302
    row = AgeConfirmation.objects.get(user__username="xiaoming")
    assert not row.is_14_or_over and row.guardian_consented_at is not None
    assert "王妈妈" not in row.guardian_name_encrypted
    assert crypto.decrypt(row.guardian_name_encrypted, purpose="guardian") == "王妈妈"


@pytest.mark.django_db
def test_signup_service_records_adults_and_refuses_children_without_guardian():
    user = user_signup(
        username="adult1",
        display_name="成年人",
        password="lychee-season-2026",
        accept_privacy_policy=True,
        accept_community_rules=True,
    )
    assert AgeConfirmation.objects.get(user=user).is_14_or_over
    with pytest.raises(InvalidInput):
        user_signup(
            username="child1",
            display_name="小朋友",
            password="lychee-season-2026",
            accept_privacy_policy=True,
            accept_community_rules=True,
            age_14_or_over=False,
        )
