"""Trust and safety end to end, in phone-sized Chromiums over the real ASGI server.

A member reports a scam chat message; a second weighted report hides it; a moderator claims it,
removes it and mutes the author; the author sees the sanction and appeals; the moderator who
sanctioned cannot decide the appeal, a different moderator does, and the author sees the outcome.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from huzhu.chat.models import Message
from huzhu.chat.services import message_send
from huzhu.groups.models import Membership
from huzhu.groups.services import membership_set_role
from huzhu.moderation.models import Appeal, ReviewItem, Sanction
from tests.browser.conftest import log_in_as
from tests.factories import join, make_group, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCAM = "内部渠道低价代购，先转 200 元定金到我支付宝，名额有限"


def report(page, base: str, message_id: int, text: str) -> None:
    page.goto(f"{base}/report/message/{message_id}/")
    page.get_by_label("诈骗").check()
    page.fill("textarea[name=text]", text)
    page.get_by_role("button", name="提交举报").click()
    page.wait_for_selector("text=已收到你的举报")


def test_report_hide_remove_mute_appeal_decide(asgi_live_server, new_page):
    base = asgi_live_server.url
    owner = make_user("owner", "群主小王")
    group = make_group(owner, name="宝妈拼团互助群")
    # This test is about people deciding, not the automatic screening of the text.
    group.config = {"screening": {"rules": {"rules": [], "defaults": False}}}
    group.save(update_fields=["config"])
    mod1 = join(group, make_user("mod_one", "管理员甲")).user
    mod2 = join(group, make_user("mod_two", "管理员乙")).user
    for mod in (mod1, mod2):
        membership_set_role(actor=owner, group=group, user_id=mod.pk, role="admin")
    alice = join(group, make_user("alice", "阿丽")).user
    bob = join(group, make_user("bob", "小博")).user
    scammer = join(group, make_user("scammer", "低价代购")).user
    # Reporters who have been in the group a month weigh 1 each; the group's threshold is 2.
    Membership.objects.filter(group=group, user__in=[alice, bob]).update(
        joined_at=timezone.now() - timedelta(days=30)
    )
    message = message_send(actor=scammer, group=group, text=SCAM).message
    assert message.status == "published"

    pages = {}
    for user in (alice, bob, mod1, mod2, scammer):
        pages[user.username] = page = new_page()
        log_in_as(page, base, user)

    # 1. Alice reports the scam message: it stays visible (weight 1 < threshold 2).
    report(pages["alice"], base, message.pk, "让大家先转定金，是诈骗")
    assert Message.objects.get(pk=message.pk).status == "published"

    # 2. Bob's report brings the score to the threshold: the message is hidden from members.
    report(pages["bob"], base, message.pk, "")
    bob_page = pages["bob"]
    bob_page.goto(f"{base}/groups/{group.pk}/chat/")
    bob_page.wait_for_selector("#chat-list", state="attached")
    assert SCAM not in bob_page.locator("main").inner_text()
    assert SCAM in Message.objects.get(pk=message.pk).text  # hidden, not gone: moderators see it

    # 3. Moderator 1 claims it, removes it and mutes the author for a day.
    mod_page = pages["mod_one"]
    mod_page.goto(f"{base}/groups/{group.pk}/moderation/")
    item = ReviewItem.objects.get()
    row = mod_page.locator(f"#review-{item.pk}")
    assert SCAM in row.inner_text() and "已暂时隐藏" in row.inner_text()
    row.get_by_role("button", name="认领").click()
    mod_page.wait_for_selector(f"#review-{item.pk} >> text=放弃认领")
    row = mod_page.locator(f"#review-{item.pk}")
    row.locator("select[name=sanction_kind]").select_option("mute")
    row.locator("input[name=sanction_hours]").fill("24")
    row.get_by_role("button", name="删除并处罚").click()
    mod_page.wait_for_selector(f"#review-{item.pk}[data-status=removed]")
    assert Message.objects.get(pk=message.pk).deleted_at is not None
    sanction = Sanction.objects.get(user=scammer)
    assert sanction.kind == "mute" and sanction.issued_by == mod1

    # 4. The author sees what, why and until when, and appeals.
    author = pages["scammer"]
    author.goto(f"{base}/me/sanctions/")
    card = author.locator(f"#sanction-{sanction.pk}")
    text = card.inner_text()
    assert "禁言" in text and "诈骗" in text and "到期" in text
    card.locator("summary", has_text="申诉").click()
    card.locator("textarea[name=text]").fill("我只是转发朋友的代购信息，不知道是骗局")
    card.get_by_role("button", name="提交申诉").click()
    author.wait_for_selector("text=申诉已提交")
    appeal = Appeal.objects.get()

    # 5. The moderator who muted cannot decide it; a different moderator does.
    mod_page.goto(f"{base}/groups/{group.pk}/moderation/appeals/{appeal.pk}/")
    assert "不能由你处理申诉" in mod_page.locator("main").inner_text()
    assert mod_page.locator("button", has_text="提交处理结果").count() == 0
    mod2_page = pages["mod_two"]
    mod2_page.goto(f"{base}/groups/{group.pk}/moderation/appeals/")
    mod2_page.get_by_role("link", name="低价代购 · 禁言").click()
    mod2_page.get_by_label("维持处罚").check()
    mod2_page.fill("textarea[name=text]", "多人举报，内容确为诈骗")
    mod2_page.get_by_role("button", name="提交处理结果").click()
    mod2_page.wait_for_selector("text=申诉已处理")
    appeal.refresh_from_db()
    assert appeal.status == "rejected" and appeal.decided_by == mod2

    # 6. The author sees the outcome.
    author.goto(f"{base}/me/sanctions/")
    text = author.locator(f"#sanction-{sanction.pk}").inner_text()
    assert "申诉不成立" in text and "多人举报，内容确为诈骗" in text

    for name, page in pages.items():
        if name == "bob":
            continue  # the chat page's socket is the chat tests' business
        assert not page.problems, (name, page.problems)
