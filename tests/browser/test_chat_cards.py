"""A group-buy shared into chat is a live card: B watches its count rise as members join.

A opens the group-buy's page and presses 分享到群聊; B, already in the chat, sees the card arrive;
C presses 我已参团 on the request's page; B's card shows the new count and then 已成团 without a
reload (aid.updated over the one WebSocket).
"""

from __future__ import annotations

import re

import pytest

from huzhu.aid.models import AidRequest
from huzhu.aid.services import aid_request_post
from huzhu.core.gate import content_screen
from tests.aid.conftest import screening_without_classifier
from tests.browser.conftest import log_in_as
from tests.factories import join, make_group, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHARE = (
    "【拼多多】快来和我一起拼吧！【29.9元】维达抽纸 3层130抽*24包 "
    "https://mobile.yangkeduo.com/goods.html?goods_id=24681357&share_uin=QW7RTY2MZK"
)


def open_as(new_page, base: str, user):
    page = new_page()
    # The help button opens the shop link in a new tab: tests never reach the internet.
    page.context.route(re.compile(r"^(?!" + re.escape(base) + ")"), lambda route: route.abort())
    log_in_as(page, base, user)
    return page


def test_a_shared_group_buy_card_counts_helps_live(asgi_live_server, new_page, monkeypatch):
    screening_without_classifier(monkeypatch)  # see tests/aid/conftest.py
    base = asgi_live_server.url
    owner = make_user("qunzhu", "群主老王")
    group = make_group(owner, name="宝妈拼团互助群")
    a, b, c, d = (
        join(group, make_user(u, n)).user
        for u, n in (("ali", "阿丽"), ("bob", "小博"), ("carol", "小卡"), ("dave", "大卫"))
    )
    request = aid_request_post(actor=a, group=group, kind="groupbuy", text=SHARE, size=3)
    content_screen(text="预热", author=owner, group=group)  # load the screening engine up front

    bob = open_as(new_page, base, b)
    bob.goto(f"{base}/groups/{group.pk}/chat/")
    bob.wait_for_selector("#chat-conn:text('已连接')")

    # A shares the group-buy from its page and lands in the chat at the card.
    alice = open_as(new_page, base, a)
    alice.goto(f"{base}/groups/{group.pk}/aid/{request.pk}/")
    alice.get_by_role("button", name="分享到群聊").click()
    alice.wait_for_url(re.compile(rf"/groups/{group.pk}/chat/"))
    mine = alice.locator(f".chat-card[data-card-id='{request.pk}']")
    assert "维达抽纸" in mine.inner_text()

    # B sees the card arrive live, with the count as it is.
    card = bob.locator(f".chat-card[data-card-type='aid'][data-card-id='{request.pk}']")
    card.wait_for(timeout=5000)
    assert "拼团" in card.inner_text() and "维达抽纸 3层130抽*24包" in card.inner_text()
    assert "已参团 0/2" in card.inner_text() and "进行中" in card.inner_text()

    # C joins on the request's page: B's card counts it without a reload.
    for user, expected in ((c, "已参团 1/2"), (d, "已参团 2/2")):
        page = open_as(new_page, base, user)
        page.goto(f"{base}/groups/{group.pk}/aid/{request.pk}/")
        page.get_by_role("button", name="我已参团").click()
        page.locator(".aid-actions .badge", has_text="你已参团").wait_for()
        bob.locator(".chat-card .chat-card-progress", has_text=expected).wait_for(timeout=5000)
        assert not page.problems, page.problems
    bob.locator(".chat-card .chat-card-status", has_text="已成团").wait_for(timeout=5000)
    assert AidRequest.objects.get(pk=request.pk).status == "completed"

    # A reload renders the same card from the database; it links to the request.
    bob.reload()
    card = bob.locator(f".chat-card[data-card-id='{request.pk}']")
    assert "已参团 2/2" in card.inner_text() and "已成团" in card.inner_text()
    assert card.get_attribute("href") == f"/groups/{group.pk}/aid/{request.pk}/"
    assert not bob.problems, bob.problems
    assert not alice.problems, alice.problems
