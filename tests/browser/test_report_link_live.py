"""A chat message that arrives live (built by chat.js, not by the server) carries the same 举报
link as a server-rendered one, and the link opens the report dialog in place."""

from __future__ import annotations

import pytest

from huzhu.core.gate import content_screen
from huzhu.moderation.models import Report
from tests.browser.conftest import log_in_as
from tests.factories import join, make_group, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_live_message_can_be_reported_from_the_chat(asgi_live_server, new_page):
    base = asgi_live_server.url
    owner = make_user("alice", "王小美")
    group = make_group(owner, name="宝妈拼团互助群")
    bob = join(group, make_user("bob", "李大壮")).user
    content_screen(text="预热", author=owner, group=group)  # load the screening engine up front

    alice, bob_page = new_page(), new_page()
    for page, user in ((alice, owner), (bob_page, bob)):
        log_in_as(page, base, user)
        page.goto(f"{base}/groups/{group.pk}/chat/")
        page.wait_for_selector("#chat-conn:text('已连接')")

    alice.fill("#chat-input", "今晚八点一起拼水果，还差两人")
    alice.press("#chat-input", "Enter")
    message = bob_page.locator(".msg", has_text="今晚八点一起拼水果")
    message.wait_for()
    # The sender gets no link on her own message; the reader does.
    alice.locator(".msg", has_text="今晚八点一起拼水果").wait_for()
    assert alice.locator(".msg .report-link").count() == 0
    link = message.locator(".report-link")
    assert link.inner_text() == "举报"
    message_id = message.get_attribute("data-id")
    assert link.get_attribute("href").endswith(f"/report/message/{message_id}/")

    link.click()  # htmx loads the dialog into the slot next to the link
    dialog = message.locator(".report-dialog")
    dialog.wait_for()
    dialog.locator("input[name=reason]").first.check()
    dialog.get_by_role("button", name="提交举报").click()
    message.get_by_text("已收到你的举报").wait_for()
    assert Report.objects.filter(reporter=bob, object_id=int(message_id or 0)).count() == 1
    assert not alice.problems and not bob_page.problems
