"""Editing a request in a phone-sized Chromium: A posts a group-buy, opens it, taps 编辑, fixes the
title and sees it with 已编辑; then types a scam text and is refused in Chinese with the text
still in the box, while the published version stays as it was."""

from __future__ import annotations

import re

import pytest

from huzhu.aid.models import AidRequest
from tests.aid.conftest import screening_without_classifier
from tests.browser.test_aid_flow import SHARE, open_as, post_share
from tests.factories import join, make_group, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCAM = "刷单兼职日结，日赚 500，加微信 abc12345 联系"


def test_requester_edits_title_then_is_refused_a_scam_text(asgi_live_server, new_page, monkeypatch):
    screening_without_classifier(monkeypatch)  # see tests/aid/conftest.py
    base = asgi_live_server.url
    group = make_group(make_user("qunzhu", "群主老王"), name="宝妈拼团互助群")
    a = join(group, make_user("ali", "阿丽")).user
    b = join(group, make_user("bob", "小博")).user

    alice = open_as(new_page, base, a)
    post_share(alice, base, group.pk, SHARE.format(goods=55501), size="3")
    alice.locator("#aid-preview .aid-clean-link").wait_for()
    alice.get_by_role("button", name="发布", exact=True).click()
    alice.wait_for_url(re.compile(r"/aid/\d+/$"))
    detail_url = alice.url

    # --- 编辑: the form is prefilled; the new title shows with 已编辑 ------------------------------
    alice.get_by_role("link", name="编辑", exact=True).click()
    alice.wait_for_url(re.compile(r"/aid/\d+/edit/$"))
    title = alice.locator("input[name=title]")
    assert title.input_value() == "维达抽纸 3层130抽*24包"
    title.fill("维达抽纸 24包 顺丰包邮")
    alice.get_by_role("button", name="保存修改").click()
    alice.wait_for_url(detail_url)
    card = alice.locator(".aid-detail")
    assert "维达抽纸 24包 顺丰包邮" in card.locator("h2").inner_text()
    assert "已编辑" in card.inner_text()
    assert "修改已保存" in alice.content()

    # --- a scam text is refused in Chinese; what was typed is still in the box ------------------
    alice.get_by_role("link", name="编辑", exact=True).click()
    alice.wait_for_url(re.compile(r"/aid/\d+/edit/$"))
    alice.locator("textarea[name=body]").fill(SCAM)
    alice.get_by_role("button", name="保存修改").click()
    alice.locator(".form-errors").wait_for()
    assert "内容未通过审核" in alice.locator(".form-errors").inner_text()
    assert alice.locator("textarea[name=body]").input_value() == SCAM
    assert alice.locator("input[name=title]").input_value() == "维达抽纸 24包 顺丰包邮"

    request = AidRequest.objects.get()
    assert (request.title, request.body) == ("维达抽纸 24包 顺丰包邮", "")
    bob = open_as(new_page, base, b)
    bob.goto(detail_url)
    shown = bob.locator(".aid-detail").inner_text()
    assert "维达抽纸 24包 顺丰包邮" in shown and "已编辑" in shown and "刷单" not in shown
    assert bob.get_by_role("link", name="编辑", exact=True).count() == 0
    assert not alice.problems and not bob.problems


def test_a_shared_card_follows_the_edit_live(asgi_live_server, new_page, monkeypatch):
    """B has the chat open with A's group-buy card: A's new title shows without a reload; an
    edit held for review hides the card, and the moderator's approval brings it back."""
    from huzhu.aid.services import (
        Screened,
        aid_request_edit,
        aid_request_moderate,
        aid_request_post,
    )
    from huzhu.chat.services import message_send
    from huzhu.core.gate import content_screen

    screening_without_classifier(monkeypatch)
    base = asgi_live_server.url
    owner = make_user("qunzhu", "群主老王")
    group = make_group(owner, name="宝妈拼团互助群")
    a = join(group, make_user("ali", "阿丽")).user
    b = join(group, make_user("bob", "小博")).user
    request = aid_request_post(
        actor=a, group=group, kind="groupbuy", text=SHARE.format(goods=55502), size=3
    )
    message_send(actor=a, group=group, text="一起拼", share_type="aid", share_id=request.pk)
    content_screen(text="预热", author=owner, group=group)  # load the screening engine up front

    bob = open_as(new_page, base, b)
    bob.goto(f"{base}/groups/{group.pk}/chat/")
    bob.wait_for_selector("#chat-conn:text('已连接')")
    card = bob.locator(f".chat-card[data-card-type='aid'][data-card-id='{request.pk}']")
    assert "维达抽纸 3层130抽*24包" in card.inner_text()

    aid_request_edit(actor=a, request_id=request.pk, title="维达抽纸 24包 顺丰包邮")
    bob.locator(".chat-card .chat-card-title", has_text="维达抽纸 24包 顺丰包邮").wait_for(
        timeout=5000
    )

    monkeypatch.setattr(
        "huzhu.aid.services._screen",
        lambda **kw: Screened(action="hold", text=kw["text"], reason="疑似引流", clean_links=[]),
    )
    aid_request_edit(actor=a, request_id=request.pk, title="进群领券")
    bob.locator(".chat-card-gone", has_text="分享的内容已不可见").wait_for(timeout=5000)
    assert "进群领券" not in bob.content()

    aid_request_moderate(actor=owner, request_id=request.pk, approve=True)
    bob.locator(".chat-card .chat-card-title", has_text="进群领券").wait_for(timeout=5000)
    assert "已参团 0/2" in bob.locator(f".chat-card[data-card-id='{request.pk}']").inner_text()
    assert not bob.problems, bob.problems
