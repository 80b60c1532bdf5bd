"""In a real browser: Bob hides his ledger in his privacy settings; the group owner, who saw his
balance before, no longer sees it on his profile, in the group's balance table or on his page of
given and received; Bob still sees his own."""

from __future__ import annotations

import pytest

from huzhu.aid.services import Screened, aid_request_post, help_give
from tests.aid.conftest import pdd_share
from tests.browser.conftest import log_in_as
from tests.factories import join, make_group, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_hides_ledger_and_others_see_it_hidden(asgi_live_server, new_page, monkeypatch):
    monkeypatch.setattr(
        "huzhu.aid.services._screen",
        lambda *, text, author, group, kind: Screened(
            action="allow", text=text, reason="", clean_links=[]
        ),
    )
    base = asgi_live_server.url
    owner = make_user("qunzhu", "群主老王")
    group = make_group(owner, name="宝妈拼团互助群")
    alice = join(group, make_user("ali", "阿丽")).user
    bob = join(group, make_user("bob", "小博")).user
    request = aid_request_post(actor=alice, group=group, kind="groupbuy", text=pdd_share(), size=3)
    help_give(actor=bob, request_id=request.pk)

    boss = new_page()
    log_in_as(boss, base, owner)
    profile = f"{base}/groups/{group.pk}/members/{bob.pk}/profile/"
    boss.goto(profile)
    # By default a member's ledger is shown to the group's owner and admins.
    assert boss.locator("[data-testid=balance]").inner_text() == "本群互助值：1"

    # --- Bob chooses 仅自己 for his ledger ----------------------------------------------------------
    page = new_page()
    log_in_as(page, base, bob)
    page.goto(f"{base}/account/privacy/")
    page.select_option("select[name=ledger_visibility]", label="仅自己")
    page.locator("form", has=page.locator("select[name=ledger_visibility]")).get_by_role(
        "button", name="保存", exact=True
    ).click()
    page.get_by_text("隐私设置已保存。").wait_for()
    page.goto(profile)
    assert page.locator("[data-testid=balance]").inner_text() == "本群互助值：1"  # his own

    # --- the owner looks again ---------------------------------------------------------------------
    boss.goto(profile)
    assert boss.locator("h1").inner_text() == "小博"
    assert boss.locator("[data-testid=balance]").count() == 0
    boss.goto(f"{base}/groups/{group.pk}/aid/ledger/")
    members = [
        row.get_attribute("data-member") for row in boss.locator(".aid-balances tbody tr").all()
    ]
    assert "小博" not in members and "阿丽" in members
    boss.goto(f"{base}/people/{bob.pk}/aid/")
    assert boss.locator("[data-testid=ledger-hidden]").is_visible()

    for p in (boss, page):
        assert not p.problems, p.problems
