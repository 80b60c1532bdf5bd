"""Group chat in two phone-sized Chromiums over a real ASGI server with WebSockets.

A sends, B sees it within a second; B's socket is cut and B stays offline while A sends three
more; when B is back it shows all three exactly once, in order (resync from the database).
"""

from __future__ import annotations

import asyncio
import re
import time

import pytest

from huzhu.core.gate import content_screen
from huzhu.realtime.registry import registry
from tests.browser.conftest import log_in_as
from tests.factories import join, make_group, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cut_sockets_of(user_id: int) -> None:
    """Close the user's WebSockets from the server side, like a dropped connection."""

    closing: list[asyncio.Future[None]] = []

    def close_all() -> None:
        for conn in list(registry.by_user.get(user_id, ())):
            closing.append(asyncio.ensure_future(conn.close(code=4000)))  # type: ignore[attr-defined]

    registry.call_soon(close_all)


def texts(page) -> list[str]:
    return page.locator("#chat-list .msg .msg-text").all_inner_texts()


def test_two_members_chat_and_a_reconnect_loses_nothing(asgi_live_server, new_page):
    base = asgi_live_server.url
    owner = make_user("alice", "王小美")
    group = make_group(owner, name="宝妈拼团互助群")
    bob = join(group, make_user("bob", "李大壮")).user
    # Four quick messages from one sender would be held as flooding; this test is about delivery.
    group.config = {"screening": {"rules": {"rules": [], "defaults": False}}}
    group.save(update_fields=["config"])
    content_screen(text="预热", author=owner, group=group)  # load the screening engine up front

    alice, bob_page = new_page(), new_page()
    # B's WebSockets go through a switch we control (Chromium's offline mode spares WebSockets).
    cut = {"on": False}

    def bob_socket(ws) -> None:
        if cut["on"]:
            ws.close()
        else:
            ws.connect_to_server()

    bob_page.route_web_socket(re.compile(r"/ws/$"), bob_socket)
    for page, user in ((alice, owner), (bob_page, bob)):
        log_in_as(page, base, user)
        page.goto(f"{base}/groups/{group.pk}/chat/")
        page.wait_for_selector("#chat-conn:text('已连接')")

    # A sends; B sees it within a second.
    alice.fill("#chat-input", "今晚八点一起拼水果，还差两人")
    started = time.monotonic()
    alice.press("#chat-input", "Enter")
    bob_page.wait_for_selector(
        "#chat-list .msg-text:text('今晚八点一起拼水果，还差两人')", timeout=1000
    )
    assert time.monotonic() - started < 1.0
    assert alice.input_value("#chat-input") == ""  # sent, so the composer is cleared

    # B's socket is cut and B stays offline while A sends three more.
    cut["on"] = True
    cut_sockets_of(bob.pk)
    bob_page.wait_for_selector("#chat-conn:text('连接已断开，正在重新连接…')")
    later = ["第一条：水果团已满", "第二条：明天十点取货", "第三条：记得带袋子"]
    for text in later:
        alice.fill("#chat-input", text)
        alice.press("#chat-input", "Enter")
        alice.wait_for_selector(f"#chat-list .msg-text:text('{text}')")
    assert later[0] not in texts(bob_page)

    # B comes back: all three, exactly once, in order.
    assert bob_page.inner_text("#chat-conn") == "连接已断开，正在重新连接…"
    cut["on"] = False
    bob_page.wait_for_selector(f"#chat-list .msg-text:text('{later[-1]}')", timeout=15_000)
    shown = texts(bob_page)
    assert shown == ["今晚八点一起拼水果，还差两人", *later]
    assert texts(alice) == shown
    assert not alice.problems and not bob_page.problems


def test_blocked_text_stays_in_the_composer_with_the_reason(asgi_live_server, new_page):
    base = asgi_live_server.url
    owner = make_user("carol", "张老师")
    group = make_group(owner, name="考研学习互助群")
    page = new_page()
    log_in_as(page, base, owner)
    page.goto(f"{base}/groups/{group.pk}/chat/")
    page.wait_for_selector("#chat-conn:text('已连接')")

    page.fill("#chat-input", "刷单返利，日赚500，加微信")
    page.press("#chat-input", "Enter")
    page.wait_for_selector("#chat-error:text('违法违规')")
    assert page.input_value("#chat-input") == "刷单返利，日赚500，加微信"
    assert texts(page) == []

    page.fill("#chat-input", "有资料的联系我 13812345678")
    page.press("#chat-input", "Enter")
    page.wait_for_selector("#chat-notice:text('手机号已隐藏')")
    assert "13812345678" not in texts(page)[0]
    assert not page.problems
