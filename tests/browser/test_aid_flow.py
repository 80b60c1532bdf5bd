"""Mutual aid end to end in phone-sized Chromiums (issue 4).

A pastes a real-shaped Pinduoduo share text and sees a card with the clean link; B and C join;
the group-buy completes; balances show A −2, B +1, C +1. The owner then turns on 先帮后发 with
N = 1: D, who has helped nobody, is refused with the explanation, while B may post.
"""

from __future__ import annotations

import re

import pytest

from huzhu.aid.models import AidRequest, AidStatus
from tests.aid.conftest import screening_without_classifier
from tests.browser.conftest import log_in_as
from tests.factories import join, make_group, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHARE = (
    "【拼多多】我在拼多多发现了一个好东西，快来和我一起拼吧！【29.9元】维达抽纸 3层130抽*24包 "
    "https://mobile.yangkeduo.com/goods.html?goods_id={goods}&share_uin=QW7RTY2MZK"
    "&refer_share_uid=8823451&refer_share_channel=wechat&page_from=23&_wv=41729&_x_share_id=ab12"
)
CLEAN = "https://mobile.yangkeduo.com/goods.html?goods_id={goods}"


def offline_except(page, base: str) -> None:
    """The help button opens the shop link in a new tab: tests never reach the internet."""
    page.context.route(re.compile(r"^(?!" + re.escape(base) + ")"), lambda route: route.abort())


def open_as(new_page, base: str, user):
    page = new_page()
    offline_except(page, base)
    log_in_as(page, base, user)
    return page


def post_share(page, base: str, group_id: int, text: str, size: str | None = None) -> None:
    page.goto(f"{base}/groups/{group_id}/aid/new/")
    page.fill("textarea[name=text]", text)
    if size:
        page.fill("input[name=size]", size)


def test_groupbuy_from_share_text_to_balances_and_help_before_you_ask(
    asgi_live_server, new_page, monkeypatch
):
    screening_without_classifier(monkeypatch)  # see tests/aid/conftest.py
    base = asgi_live_server.url
    owner = make_user("qunzhu", "群主老王")
    group = make_group(owner, name="宝妈拼团互助群")
    a, b, c, d = (
        join(group, make_user(u, n)).user
        for u, n in (("ali", "阿丽"), ("bob", "小博"), ("carol", "小卡"), ("dave", "大卫"))
    )

    # --- A pastes the share text: a live preview shows the clean link, posting shows the card ---
    alice = open_as(new_page, base, a)
    post_share(alice, base, group.pk, SHARE.format(goods=987654321), size="3")
    preview = alice.locator("#aid-preview .aid-clean-link")
    preview.wait_for()
    assert preview.inner_text() == CLEAN.format(goods=987654321)
    assert "维达抽纸 3层130抽*24包" in alice.locator("#aid-preview").inner_text()
    alice.get_by_role("button", name="发布", exact=True).click()
    alice.wait_for_url(re.compile(r"/aid/\d+/$"))
    card = alice.locator(".aid-detail")
    assert "维达抽纸 3层130抽*24包" in card.locator("h2").inner_text()
    link = card.locator("a.aid-clean-link")
    assert link.get_attribute("href") == CLEAN.format(goods=987654321)
    assert "share_uin" not in alice.content() and "refer_share_uid" not in alice.content()
    assert "已参团 0/2，还差 2 人" in card.inner_text()
    request_url = alice.url
    request = AidRequest.objects.get()

    # --- B and C join; the group-buy completes ---------------------------------------------------
    for user in (b, c):
        page = open_as(new_page, base, user)
        page.goto(request_url)
        page.get_by_role("button", name="我已参团").click()
        page.locator(".aid-actions .badge", has_text="你已参团").wait_for()
        assert not page.problems, page.problems
    request.refresh_from_db()
    assert request.status == AidStatus.COMPLETED
    # A's open page follows live (aid.updated over the WebSocket), no reload.
    alice.locator(".aid-detail .badge", has_text="已成团").wait_for(timeout=5000)
    assert "已参团 2/2，已成团" in alice.locator(".aid-detail").inner_text()
    alice.reload()
    assert alice.locator("[data-testid=bell] .badge").inner_text() == "3"  # 2 helps + completed

    # --- balances: A −2, B +1, C +1 (members' ledgers are shown to admins by default) ----------
    alice.goto(f"{base}/groups/{group.pk}/aid/ledger/")
    assert alice.locator("[data-testid=my-balance]").inner_text() == "-2"
    boss = open_as(new_page, base, owner)
    boss.goto(f"{base}/groups/{group.pk}/aid/ledger/")
    balances = {
        row.get_attribute("data-member"): row.locator(".aid-balance-cell").inner_text()
        for row in boss.locator(".aid-balances tbody tr").all()
    }
    assert balances == {"阿丽": "-2", "小博": "+1", "小卡": "+1"}

    # --- the owner turns on 先帮后发 with N = 1 ----------------------------------------------------
    boss.goto(f"{base}/groups/{group.pk}/aid/rules/")
    boss.fill("input[name=help_before_post]", "1")
    boss.get_by_role("button", name="保存规则").click()
    boss.get_by_text("互助规则已保存。").wait_for()

    # --- D, who helped nobody, is refused with the explanation -----------------------------------
    dave = open_as(new_page, base, d)
    post_share(dave, base, group.pk, SHARE.format(goods=111222333))
    explanation = "本群实行先帮后发：再帮助 1 位群友后即可发布"
    assert dave.locator(".fairness-refusal").inner_text() == explanation
    dave.get_by_role("button", name="发布", exact=True).click()
    dave.locator(".form-errors, .errorlist", has_text=explanation).first.wait_for()
    assert AidRequest.objects.filter(requester=d).count() == 0

    # --- B, who helped A, may post ---------------------------------------------------------------
    bob = open_as(new_page, base, b)
    post_share(bob, base, group.pk, SHARE.format(goods=444555666))
    assert bob.locator(".fairness-refusal").count() == 0
    bob.get_by_role("button", name="发布", exact=True).click()
    bob.wait_for_url(re.compile(r"/aid/\d+/$"))
    assert AidRequest.objects.filter(requester=b).count() == 1

    for page in (alice, boss, dave, bob):
        assert not page.problems, page.problems
