"""A group's request list follows the group live: A keeps the list open on her phone; when B joins
a group-buy its progress moves, and when C posts a new one it appears — without a reload (the one
WebSocket's aid.updated refetches the list with its filters)."""

from __future__ import annotations

import re

import pytest

from huzhu.aid.services import aid_request_post
from huzhu.core.gate import content_screen
from tests.aid.conftest import screening_without_classifier
from tests.browser.test_aid_flow import SHARE, open_as, post_share
from tests.factories import join, make_group, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_list_shows_helps_and_new_requests_live(asgi_live_server, new_page, monkeypatch):
    screening_without_classifier(monkeypatch)  # see tests/aid/conftest.py
    base = asgi_live_server.url
    owner = make_user("qunzhu", "群主老王")
    group = make_group(owner, name="宝妈拼团互助群")
    a, b, c = (
        join(group, make_user(u, n)).user
        for u, n in (("ali", "阿丽"), ("bob", "小博"), ("cat", "小卡"))
    )
    request = aid_request_post(
        actor=a, group=group, kind="groupbuy", text=SHARE.format(goods=77701), size=3
    )
    content_screen(text="预热", author=owner, group=group)  # load the screening engine up front

    alice = open_as(new_page, base, a)
    with alice.expect_websocket() as socket_info:
        alice.goto(f"{base}/groups/{group.pk}/aid/?status=open")
    socket_info.value.wait_for_event("framereceived")  # "hello": the socket is registered
    card = alice.locator(f".aid-card[data-request-id='{request.pk}']")
    assert "0/2" in card.inner_text()

    # B joins on the request's page; A's list counts it without a reload.
    bob = open_as(new_page, base, b)
    bob.goto(f"{base}/groups/{group.pk}/aid/{request.pk}/")
    bob.get_by_role("button", name="我已参团").click()
    bob.locator(".aid-actions .badge", has_text="你已参团").wait_for()
    alice.locator(f".aid-card[data-request-id='{request.pk}'] .list-sub", has_text="1/2").wait_for(
        timeout=5000
    )
    assert (
        alice.locator(f".aid-card[data-request-id='{request.pk}'] progress").get_attribute("value")
        == "1"
    )

    # C posts a new group-buy; it appears in A's list, which keeps its filter (?status=open).
    cat = open_as(new_page, base, c)
    post_share(cat, base, group.pk, SHARE.format(goods=77702), size="2")
    cat.locator("#aid-preview .aid-clean-link").wait_for()
    cat.get_by_role("button", name="发布", exact=True).click()
    cat.wait_for_url(re.compile(r"/aid/\d+/$"))
    alice.locator(".aid-card .list-sub", has_text="小卡").wait_for(timeout=5000)
    assert alice.locator(".aid-card").count() == 2
    assert alice.url.endswith("/aid/?status=open")
    for page in (alice, bob, cat):
        assert not page.problems, page.problems
