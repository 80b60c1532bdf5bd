"""The JSON API's shorter middleware chain and the CSP header built once
(``huzhu/core/middleware.py``): API answers keep every header, language and CSRF behaviour of
the full chain; web pages still get the whole chain."""

from __future__ import annotations

import pytest
from csp.constants import NONCE
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings

from huzhu.core.middleware import CSPMiddleware
from tests.api.conftest import ApiClient, error, token_for

LEFT_OUT = {
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
    "huzhu.privacy.consent.ConsentMiddleware",
}


def test_api_chain_is_the_sites_chain_in_order_minus_what_json_never_uses():
    fork = settings.MIDDLEWARE.index("huzhu.core.middleware.ApiMiddlewareFork")
    after_fork = settings.MIDDLEWARE[fork + 1 :]
    assert [m for m in after_fork if m not in LEFT_OUT] == settings.API_MIDDLEWARE
    # Security headers and HTTPS redirects come before the fork: every request gets them.
    assert settings.MIDDLEWARE[:fork] == ["django.middleware.security.SecurityMiddleware"]


def _site_policy(path: str = "/") -> str:
    response = DjangoCSPMiddleware(lambda r: HttpResponse())(RequestFactory().get(path))
    return response["Content-Security-Policy"]


@pytest.mark.django_db
def test_api_answers_keep_the_sites_headers_and_leave_no_cookie(owner):
    response = ApiClient(token_for(owner)).get("/me")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == _site_policy()
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Content-Language"] == "zh-hans"
    assert "Accept-Language" in response["Vary"]
    assert not response.cookies
    # The API chain has no flash messages: they were never read or written for JSON.
    assert not hasattr(response.wsgi_request, "_messages")


@pytest.mark.django_db
def test_api_speaks_the_requested_language(owner):
    response = ApiClient(language="en").get("/me")
    assert error(response) == (401, "not_authenticated")
    assert response["Content-Language"] == "en"
    assert "log in" in response.json()["message"]


@pytest.mark.django_db
def test_api_session_writes_still_need_the_csrf_token(owner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    refused = browser.post("/api/v1/groups", {"name": "新群"}, content_type="application/json")
    assert error(refused) == (403, "csrf_failed")


@pytest.mark.django_db
def test_unknown_api_path_is_json_under_the_api_chain():
    response = Client().get("/api/nothing-here")
    assert error(response) == (404, "not_found")
    assert response["Content-Security-Policy"] == _site_policy()


@pytest.mark.django_db
def test_web_pages_still_take_the_whole_chain(owner):
    browser = Client()
    browser.force_login(owner)
    response = browser.get("/")
    assert response["Content-Security-Policy"] == _site_policy()
    assert hasattr(response.wsgi_request, "_messages")


# --- the CSP header built once ------------------------------------------------------------------


def _both(request_path: str = "/", view=None):
    view = view or (lambda request: HttpResponse("x"))
    ours = CSPMiddleware(view)(RequestFactory().get(request_path))
    theirs = DjangoCSPMiddleware(view)(RequestFactory().get(request_path))
    return ours, theirs


def test_plain_response_gets_django_csps_policy():
    ours, theirs = _both()
    assert ours["Content-Security-Policy"] == theirs["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in ours


def test_per_view_override_is_built_as_django_csp_builds_it():
    def view(request):
        response = HttpResponse("x")
        response._csp_update = {"img-src": ["https://img.example.com"]}
        return response

    ours, theirs = _both(view=view)
    assert "https://img.example.com" in ours["Content-Security-Policy"]
    assert ours["Content-Security-Policy"] == theirs["Content-Security-Policy"]


def test_exempt_response_and_existing_header_are_left_alone():
    def exempt(request):
        response = HttpResponse("x")
        response._csp_exempt = True
        return response

    ours, _theirs = _both(view=exempt)
    assert "Content-Security-Policy" not in ours

    def own(request):
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    ours, _theirs = _both(view=own)
    assert ours["Content-Security-Policy"] == "default-src 'none'"


def test_a_nonce_is_in_the_header_and_cannot_be_asked_for_afterwards():
    seen = {}

    def view(request):
        seen["nonce"] = str(request.csp_nonce)
        return HttpResponse("x")

    policy = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", NONCE]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        response = CSPMiddleware(view)(RequestFactory().get("/"))
        assert f"'nonce-{seen['nonce']}'" in response["Content-Security-Policy"]
        plain = CSPMiddleware(lambda r: HttpResponse("x"))(RequestFactory().get("/"))
        assert "nonce" not in plain["Content-Security-Policy"]

    late = RequestFactory().get("/")
    CSPMiddleware(lambda r: HttpResponse("x"))(late)
    with pytest.raises(CSPNonceError):
        str(late.csp_nonce)


def test_a_settings_change_rebuilds_the_policy():
    before, _ = _both()
    policy = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["https://cdn.example.com"]}}
    with override_settings(CONTENT_SECURITY_POLICY=policy):
        during, theirs = _both()
        assert during["Content-Security-Policy"] == theirs["Content-Security-Policy"]
        assert "cdn.example.com" in during["Content-Security-Policy"]
    after, _ = _both()
    assert after["Content-Security-Policy"] == before["Content-Security-Policy"]
