"""The privacy API: settings, phone with audited reveal, addresses, contacts, consent, export,
deletion; and the API rate limits (429 with Retry-After)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from huzhu.audit.models import AuditEvent, AuditEventType
from huzhu.privacy.ratelimit import rate_limit_hit
from tests.api.conftest import ApiClient, token_for
from tests.factories import PASSWORD

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def api(db):
    return lambda user: ApiClient(token_for(user))


def test_settings_round_trip(api, member):
    client = api(member)
    assert client.get("/privacy/settings").json()["groups_visibility"] == "nobody"
    response = client.patch("/privacy/settings", {"ledger_visibility": "nobody"})
    assert response.status_code == 200 and response.json()["ledger_visibility"] == "nobody"
    assert client.patch("/privacy/settings", {"ledger_visibility": "all"}).status_code == 422


def test_phone_masked_and_reveal_needs_password(api, member):
    client = api(member)
    assert client.request("put", "/privacy/phone", {"phone": "12345"}).status_code == 400
    assert client.request("put", "/privacy/phone", {"phone": "13812345678"}).json() == {
        "masked": "138****5678"
    }
    assert client.post("/privacy/phone/reveal", {"password": "nope"}).status_code == 403
    response = client.post("/privacy/phone/reveal", {"password": PASSWORD})
    assert response.json() == {"phone": "13812345678"}
    assert AuditEvent.objects.filter(event_type=AuditEventType.PRIVATE_FIELD_REVEALED).count() == 1


def test_address_shared_to_organiser_only(api, member, alice, outsider, groupbuy):
    body = {
        "recipient_name": "阿丽",
        "phone": "13900001111",
        "address": "上海市徐汇区漕溪北路 1 号",
    }
    response = api(alice).post(f"/privacy/groupbuys/{groupbuy.pk}/address", body)
    assert response.status_code == 201 and response.json()["phone"] == "139****1111"
    address_id = response.json()["id"]
    assert api(outsider).post(f"/privacy/groupbuys/{groupbuy.pk}/address", body).status_code == 404
    reveal = f"/privacy/addresses/{address_id}/reveal"
    outsider_answer = api(outsider).post(reveal, {"password": PASSWORD})
    missing_answer = api(outsider).post("/privacy/addresses/999999/reveal", {"password": PASSWORD})
    assert outsider_answer.status_code == missing_answer.status_code == 404
    assert outsider_answer.content == missing_answer.content
    assert api(member).post(reveal, {"password": PASSWORD}).json()["address"].endswith("1 号")
    assert api(alice).delete(f"/privacy/addresses/{address_id}").status_code == 204
    assert api(member).post(reveal, {"password": PASSWORD}).status_code == 404


def test_contact_request_over_api(api, group, member, alice):
    sent = api(alice).post(
        f"/privacy/groups/{group.pk}/contacts",
        {"recipient_id": member.pk, "message": "你好", "share_contact": "wx ali"},
    )
    assert sent.status_code == 201 and sent.json()["their_contact"] == ""
    answered = api(member).post(
        f"/privacy/contacts/{sent.json()['id']}/answer", {"accept": True, "share_contact": ""}
    )
    assert answered.json()["status"] == "accepted" and answered.json()["their_contact"] == "wx ali"


def test_export_and_deletion_over_api(settings, django_capture_on_commit_callbacks, api, member):
    settings.TASKS = IMMEDIATE
    client = api(member)
    with django_capture_on_commit_callbacks(execute=True):
        job = client.post("/privacy/exports").json()
    status = client.get(f"/privacy/exports/{job['id']}").json()
    assert status["status"] == "done" and status["download_url"]
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert client.post("/privacy/deletion", {"password": "nope"}).status_code == 403
    assert client.post("/privacy/deletion", {"password": PASSWORD}).status_code == 200
    assert client.get("/privacy/settings").status_code == 401  # token revoked, account off


def test_consent_over_api(settings, api, member):
    client = api(member)
    assert client.get("/privacy/consent").json()["missing"] == []
    settings.PRIVACY_POLICY_VERSION = "2027-01-01"
    assert client.get("/privacy/consent").json()["missing"] == ["privacy_policy"]
    # A token cannot accept for the person (see test_api_consent.py); a signed-in browser can.
    assert client.post("/privacy/consent", {"accept": []}).status_code == 403
    web = Client()
    web.force_login(member)
    web.get("/account/consent/")  # sets the CSRF cookie
    headers = {"X-CSRFToken": web.cookies["csrftoken"].value}
    post = lambda body: web.post(  # noqa: E731
        "/api/v1/privacy/consent", body, content_type="application/json", headers=headers
    )
    assert post({"accept": []}).status_code == 400
    assert post({"accept": ["privacy_policy"]}).json()["missing"] == []
    assert client.get("/me").status_code == 200


@pytest.fixture
def limits(settings):
    cache.clear()
    settings.RATE_LIMITS_ENABLED = True
    settings.API_RATE_PER_USER_MINUTE = 5
    settings.API_RATE_ANON_PER_IP_MINUTE = 3
    yield
    cache.clear()


def test_user_rate_limit_answers_429_with_retry_after(limits, api, member, alice):
    client = api(member)
    statuses = [client.get("/me").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    response = client.get("/me")
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60
    # Per user: another member is not affected; a second token of the same user is.
    assert api(alice).get("/me").status_code == 200
    assert api(member).get("/me").status_code == 429


def test_anonymous_rate_limit_per_ip(limits, db):
    client = Client()
    statuses = [client.get("/api/v1/me").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    other_ip = Client(REMOTE_ADDR="10.9.9.9")
    assert other_ip.get("/api/v1/me").status_code == 401
    # Web pages are not API-limited.
    assert client.get("/").status_code == 200


def test_window_resets(limits):
    assert rate_limit_hit(identity="t", limit=1, now=120.0) == 0
    assert rate_limit_hit(identity="t", limit=1, now=150.0) == 30
    assert rate_limit_hit(identity="t", limit=1, now=180.5) == 0
