"""In a real browser: the language switch persists across pages, the copy-link button copies an
invite link, and revoking an invite swaps the panel in place."""

from __future__ import annotations

import pytest

from huzhu.groups.services import invite_create
from tests.browser.conftest import log_in
from tests.factories import make_group, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_language_switch_persists(live_server, new_page) -> None:
    owner = make_user("alice", "Alice")
    group = make_group(owner, name="Moms group-buy")
    page = new_page()
    log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    assert page.locator("#members-heading").inner_text() == "群成员"
    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"{live_server.url}/groups/{group.pk}/")
    assert page.locator("#members-heading").inner_text() == "Members"
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(f"{live_server.url}/tokens/")  # another page, same cookie
    assert page.locator("h1").inner_text() == "API tokens"
    page.get_by_role("button", name="中文").click()
    page.wait_for_url(f"{live_server.url}/tokens/")
    assert page.locator("h1").inner_text() == "API 令牌"
    assert not page.problems, page.problems


def test_copy_and_revoke_an_invite(live_server, new_page) -> None:
    owner = make_user("alice", "王小美")
    group = make_group(owner)
    invite = invite_create(actor=owner, group=group, max_uses=3)
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/groups/{group.pk}/")
    row = page.locator(f".invite-list li[data-code='{invite.code}']")
    copy = row.get_by_role("button", name="复制链接")
    copy.click()
    row.get_by_role("button", name="已复制").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == (
        f"{live_server.url}/join/{invite.code}/"
    )
    page.on("dialog", lambda dialog: dialog.accept())  # "撤销邀请 …？"
    row.get_by_role("button", name="撤销").click()
    page.locator("#flash").get_by_text(f"邀请 {invite.code} 已撤销。").wait_for()
    assert page.locator(".invite-list").count() == 0
    page.locator(".spent summary").click()
    assert "已撤销" in page.locator(f".spent li[data-code='{invite.code}']").inner_text()
    invite.refresh_from_db()
    assert invite.revoked_at is not None
    assert not page.problems, page.problems


def test_every_page_fits_a_360px_phone(live_server, new_page) -> None:
    owner = make_user("alice", "王小美")
    group = make_group(owner, description="一起拼奶粉、纸尿裤，互相助力砍价。" * 3)
    invite = invite_create(actor=owner, group=group, max_uses=5)
    visitor = new_page(viewport={"width": 360, "height": 740})
    page = new_page(viewport={"width": 360, "height": 740})
    log_in(page, live_server.url, "alice")
    for who, path in [
        (visitor, "/"),
        (visitor, "/signup/"),
        (visitor, "/login/"),
        (visitor, "/privacy/"),
        (visitor, f"/join/{invite.code}/"),
        (page, "/groups/"),
        (page, f"/groups/{group.pk}/"),
        (page, f"/groups/{group.pk}/settings/"),
        (page, f"/groups/{group.pk}/audit/"),
        (page, "/tokens/"),
        (page, "/account/password/"),
    ]:
        who.goto(f"{live_server.url}{path}")
        width = who.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)
    assert not page.problems and not visitor.problems, page.problems + visitor.problems
