"""Landing and policy pages, the base layout, error pages and the Content Security Policy."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.web.helpers import text

pytestmark = pytest.mark.django_db


def test_landing_explains_huzhu_and_offers_sign_up_and_log_in(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    body = text(response)
    assert "一起拼团、互相帮忙，更安全" in body
    assert 'href="/signup/"' in response.content.decode()
    assert 'href="/login/"' in response.content.decode()


def test_landing_sends_logged_in_users_to_their_groups(owner_client: Client) -> None:
    response = owner_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/groups/"


@pytest.mark.parametrize(
    ("url", "heading", "version_setting"),
    [
        ("/privacy/", "隐私政策", "PRIVACY_POLICY_VERSION"),
        ("/community-rules/", "社区规范", "COMMUNITY_RULES_VERSION"),
    ],
)
def test_policy_pages_show_their_version(
    client: Client, settings, url: str, heading: str, version_setting: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert heading in text(response)
    assert f"版本 {getattr(settings, version_setting)}" in text(response)


def test_header_for_a_logged_in_user(owner_client: Client) -> None:
    body = owner_client.get("/groups/").content.decode()
    assert 'href="/groups/"' in body
    assert 'href="/tokens/"' in body
    assert 'action="/logout/"' in body
    assert 'action="/i18n/setlang/"' in body
    assert 'name="language" value="en"' in body
    assert 'name="csrf-token"' in body


def test_unknown_url_gets_the_chinese_404_page(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "没有找到这个页面" in text(response)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+=", re.IGNORECASE)


def test_pages_have_a_strict_csp_and_nothing_inline(
    client: Client, owner_client: Client, group
) -> None:
    pages = [
        (client, "/"),
        (client, "/signup/"),
        (client, "/login/"),
        (client, "/privacy/"),
        (owner_client, "/groups/"),
        (owner_client, f"/groups/{group.pk}/"),
        (owner_client, f"/groups/{group.pk}/settings/"),
        (owner_client, f"/groups/{group.pk}/audit/"),
        (owner_client, "/tokens/"),
        (owner_client, "/account/password/"),
    ]
    for who, url in pages:
        response = who.get(url)
        assert response.status_code == 200, url
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp, url
        body = response.content.decode()
        assert not INLINE_SCRIPT.search(body), url
        assert not INLINE_STYLE.search(body), url
        assert not INLINE_HANDLER.search(body), url


def test_static_assets_are_served(client: Client) -> None:
    for path in ("/static/web/huzhu.css", "/static/web/huzhu.js", "/static/web/vendor/htmx.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path


def test_a_stale_form_gets_a_chinese_csrf_page() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert "页面已过期" in text(response)
