"""Language switch: English is one POST away, persists in a cookie, and pages are really English."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from huzhu.groups.services import group_create, invite_create
from tests.factories import make_user
from tests.web.helpers import html_text, text

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]+")


DECORATION = re.compile(r'<span[^>]*aria-hidden="true"[^>]*>[^<]*</span>')


def visible_text(response: Any) -> str:
    """Text a reader sees, minus decorative glyphs (the 互 logo mark) and the "中文" switch."""
    return html_text(DECORATION.sub("", response.content.decode())).replace("中文", "")


def english(client: Client) -> Client:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/groups/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    return client


def test_default_is_chinese_and_the_switch_offers_english(client: Client) -> None:
    response = client.get("/")
    assert '<html lang="zh-Hans">' in response.content.decode()
    assert 'name="language" value="en"' in response.content.decode()


def test_switch_to_english_persists_and_back(client: Client) -> None:
    client.force_login(make_user("alice", "Alice"))
    english(client)
    page = client.get("/groups/")
    assert '<html lang="en">' in page.content.decode()
    assert "My groups" in text(page)
    assert "Create a new group" in text(page)
    assert "我的群" not in text(page)
    # the switch back is offered and works
    assert 'name="language" value="zh-hans"' in page.content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/groups/"})
    assert "我的群" in text(client.get("/groups/"))


def test_every_page_is_english_after_the_switch(client: Client) -> None:
    """No Chinese text is left on any page once English is chosen (user content is in English
    here, and the only Chinese allowed is the "中文" switch back)."""
    alice = make_user("alice", "Alice")
    group = group_create(actor=alice, name="Moms group-buy", rules="Be kind", description="Hi")
    invite = invite_create(actor=alice, group=group)
    outsider = Client()
    outsider.force_login(make_user("bob", "Bob"))
    english(outsider)
    visitor = english(Client())
    client.force_login(alice)
    english(client)
    pages = [
        (visitor, "/"),
        (visitor, "/signup/"),
        (visitor, "/login/"),
        (visitor, "/privacy/"),
        (visitor, "/community-rules/"),
        (visitor, f"/join/{invite.code}/"),
        (visitor, "/no-such-page/"),
        (client, "/groups/"),
        (client, f"/groups/{group.pk}/"),
        (client, f"/groups/{group.pk}/settings/"),
        (client, f"/groups/{group.pk}/audit/"),
        (client, "/tokens/"),
        (client, "/account/password/"),
        (outsider, f"/groups/{group.pk}/"),
        (outsider, f"/join/{invite.code}/"),
    ]
    for who, url in pages:
        body = visible_text(who.get(url))
        assert not CJK.findall(body), (url, CJK.findall(body))


def test_form_errors_are_english_too(client: Client) -> None:
    english(client)
    response = client.post(
        "/signup/",
        {"username": "a b", "display_name": "A", "password1": "x", "password2": "x"},
    )
    assert response.status_code == 400
    assert "3–30 letters, digits or underscores" in text(response)
    assert not CJK.findall(visible_text(response))
