"""The trust-and-safety pages: report dialog, queue actions, sanctions and appeals, standing,
notes, settings; and who may open which page."""

from __future__ import annotations

import pytest
from django.test import Client

from huzhu.chat.models import Message
from huzhu.moderation.models import Appeal, ReviewItem, Sanction
from huzhu.moderation.reports import report_create
from huzhu.moderation.sanctions import sanction_issue
from tests.moderation.conftest import member_of, send

HTMX = {"HX-Request": "true"}


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_report_dialog_over_htmx_hides_after_second_report(group, alice, bob, scammer):
    message = send(scammer, group)
    url = f"/report/message/{message.pk}/"
    page = login(alice).get(url, headers=HTMX)
    assert page.status_code == 200
    html = page.content.decode()
    assert "举报聊天消息" in html and "保证金" in html and "<html" not in html
    done = login(alice).post(url, {"reason": "scam", "text": "要转账"}, headers=HTMX)
    assert "已收到你的举报" in done.content.decode()
    again = login(alice).post(url, {"reason": "scam"}, headers=HTMX)
    assert again.status_code == 409
    login(bob).post(url, {"reason": "scam"})
    assert Message.objects.get(pk=message.pk).status == "held"


def test_report_form_needs_a_reason(group, alice, scammer):
    message = send(scammer, group)
    response = login(alice).post(f"/report/message/{message.pk}/", {"text": "?"})
    assert response.status_code == 400
    assert ReviewItem.objects.count() == 0


def test_outsiders_cannot_open_the_report_dialog(group, outsider, scammer):
    message = send(scammer, group)
    assert login(outsider).get(f"/report/message/{message.pk}/").status_code == 404


def test_queue_page_is_for_moderators(group, mod, alice, outsider, other_group):
    assert login(alice).get(f"/groups/{group.pk}/moderation/").status_code == 403
    assert login(outsider).get(f"/groups/{group.pk}/moderation/").status_code == 404
    other_owner = other_group.memberships.get(role="owner").user
    assert login(other_owner).get(f"/groups/{group.pk}/moderation/").status_code == 404
    page = login(mod).get(f"/groups/{group.pk}/moderation/")
    assert page.status_code == 200 and "队列是空的" in page.content.decode()


def test_moderator_removes_and_mutes_from_the_queue(group, mod, alice, bob, scammer):
    message = send(scammer, group)
    report_create(actor=alice, target=message, reason="scam")
    report_create(actor=bob, target=message, reason="scam")
    client = login(mod)
    page = client.get(f"/groups/{group.pk}/moderation/").content.decode()
    item = ReviewItem.objects.get()
    assert f'id="review-{item.pk}"' in page and "已暂时隐藏" in page and "保证金" in page
    claimed = client.post(f"/moderation/items/{item.pk}/claim/", headers=HTMX).content.decode()
    assert "放弃认领" in claimed and "已认领" in claimed
    done = client.post(
        f"/moderation/items/{item.pk}/resolve/",
        {"action": "remove_sanction", "sanction_kind": "mute", "sanction_hours": "24"},
        headers=HTMX,
    ).content.decode()
    assert "已删除" in done
    assert Sanction.objects.get().kind == "mute"
    assert Message.objects.get(pk=message.pk).deleted_at is not None


def test_member_sees_sanction_and_appeals_and_other_moderator_decides(group, mod, mod2, scammer):
    sanction = sanction_issue(
        actor=mod, group=group, user=scammer, kind="mute", hours=24, reason="false_info"
    )
    page = login(scammer).get("/me/sanctions/").content.decode()
    assert "禁言" in page and "发布经核实的虚假信息" in page and "到期" in page and "申诉" in page
    login(scammer).post(f"/me/sanctions/{sanction.pk}/appeal/", {"text": "我转发的是官方通知"})
    appeal = Appeal.objects.get()
    own = login(mod).get(f"/groups/{group.pk}/moderation/appeals/{appeal.pk}/").content.decode()
    assert "不能由你处理申诉" in own
    assert (
        login(mod)
        .post(f"/groups/{group.pk}/moderation/appeals/{appeal.pk}/", {"grant": "1"})
        .status_code
        == 403
    )
    listing = login(mod2).get(f"/groups/{group.pk}/moderation/appeals/").content.decode()
    assert "我转发的是官方通知" in listing
    login(mod2).post(
        f"/groups/{group.pk}/moderation/appeals/{appeal.pk}/", {"grant": "1", "text": "核实无误"}
    )
    page = login(scammer).get("/me/sanctions/").content.decode()
    assert "申诉成立" in page and "核实无误" in page and "已撤销" in page


def test_standing_page_explains_how_to_rise(group, alice):
    page = login(alice).get(f"/groups/{group.pk}/standing/").content.decode()
    assert "成员" in page and "如何提升" in page and "每帮助群友一次" in page


def test_owner_edits_the_ladder(group, owner, mod):
    client = login(owner)
    page = client.get(f"/groups/{group.pk}/moderation/settings/")
    assert page.status_code == 200
    data = {
        "hide_threshold": "3",
        "ladder_window_days": "60",
        "warning_days": "14",
        "step_1_kind": "warning",
        "step_2_kind": "mute",
        "step_2_hours": "48",
        "step_3_kind": "group_ban",
    }
    assert client.post(f"/groups/{group.pk}/moderation/settings/", data).status_code == 302
    group.refresh_from_db()
    assert group.config["moderation"]["ladder"] == [
        {"kind": "warning"},
        {"kind": "mute", "hours": 48},
        {"kind": "group_ban"},
    ]
    assert login(mod).post(f"/groups/{group.pk}/moderation/settings/", data).status_code == 403


def test_member_page_notes_and_sanction(group, mod, alice, scammer):
    client = login(mod)
    url = f"/groups/{group.pk}/moderation/members/{scammer.pk}/"
    client.post(url, {"form": "note", "text": "屡次私信推销"})
    client.post(url, {"form": "sanction", "kind": "", "reason": "ad", "text": "刷广告"})
    page = client.get(url).content.decode()
    assert "屡次私信推销" in page and "警告" in page
    assert login(alice).get(url).status_code == 403


def test_notes_panel_write_and_rate(group, alice, bob):
    from huzhu.aid.services import aid_request_post

    deal = aid_request_post(
        actor=alice,
        group=group,
        kind="groupbuy",
        title="纸巾 24 包",
        link="https://mobile.yangkeduo.com/goods.html?goods_id=77",
        size=2,
    )
    writer = member_of(group, "writer", "核实员", days=45)
    url = f"/notes/aid_request/{deal.pk}/"
    panel = login(writer).get(url, headers=HTMX).content.decode()
    assert "写一条核实" in panel
    login(writer).post(url, {"tag": "expired", "text": "活动昨天已经结束了"}, headers=HTMX)
    panel = login(bob).get(url, headers=HTMX).content.decode()
    assert "活动昨天已经结束了" in panel and "需要你的评价" in panel
    from huzhu.moderation.models import Note

    note = Note.objects.get()
    rated = login(bob).post(f"/notes/{note.pk}/rate/", {"helpful": "1"}, headers=HTMX)
    assert rated.status_code == 200 and "需要你的评价" not in rated.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/groups/{gid}/standing/",
        "/groups/{gid}/moderation/",
        "/groups/{gid}/moderation/settings/",
        "/groups/{gid}/moderation/appeals/",
        "/me/sanctions/",
    ],
)
def test_pages_are_english_after_the_switch(group, owner, path):
    import re

    client = login(owner)
    client.cookies["django_language"] = "en"
    html = client.get(path.format(gid=group.pk)).content.decode()
    assert "How to rise" in html or "/standing/" not in path
    mine = re.findall(
        r'<section[^>]*aria-labelledby="(?:standing|queue|settings|banlists|appeals|sanctions)'
        r'-heading".*?</section>',
        html,
        re.S,
    )
    assert mine
    text = re.sub(r"<[^>]+>", " ", " ".join(mine))
    leftovers = set(re.findall(r"[\u4e00-\u9fff]+", text))
    assert not leftovers, leftovers


def test_queue_page_queries_do_not_grow_with_items(group, mod, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(mod)
    counts = []
    for batch in (2, 6):
        for i in range(batch):
            author = member_of(group, f"author{batch}x{i}", f"作者{batch}-{i}")
            report_create(actor=alice, target=send(author, group, f"广告 {batch} {i}"), reason="ad")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/groups/{group.pk}/moderation/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[1] <= counts[0], counts  # 2 items, then 8 items from 8 different authors


def test_owner_shares_bans_through_the_settings_page(group, owner, mod, scammer, other_group):
    from huzhu.groups.models import Membership
    from huzhu.moderation.models import BanList

    client = login(owner)
    url = f"/groups/{group.pk}/moderation/settings/"
    client.post(url, {"ban_list_action": "create", "name": "宝妈群联盟"})
    ban_list = BanList.objects.get()
    assert f"加入码：{ban_list.join_code}" in client.get(url).content.decode()
    other_owner = other_group.memberships.get(role="owner").user
    other_url = f"/groups/{other_group.pk}/moderation/settings/"
    login(other_owner).post(other_url, {"ban_list_action": "join", "code": ban_list.join_code})
    sanction_issue(actor=mod, group=group, user=scammer, kind="group_ban", reason="scam")
    assert Membership.objects.get(group=other_group, user=scammer).status == "banned"
    assert "宝妈群联盟" in login(other_owner).get(other_url).content.decode()
    assert login(mod).post(url, {"ban_list_action": "create", "name": "x"}).status_code == 403


def test_platform_queue_page_is_for_staff(group, mod, alice, bob, scammer):
    message = send(scammer, group)
    report_create(actor=alice, target=message, reason="scam")
    assert login(mod).get("/moderation/").status_code == 403
    mod.is_staff = True
    mod.save()
    page = login(mod).get("/moderation/").content.decode()
    assert group.name in page and "保证金" in page


def test_staff_ban_an_account_from_the_member_page(group, mod, scammer):
    url = f"/groups/{group.pk}/moderation/members/{scammer.pk}/"
    assert "封禁账号（平台工作人员）" not in login(mod).get(url).content.decode()
    login(mod).post(url, {"form": "platform_ban", "reason": "scam"})
    scammer.refresh_from_db()
    assert scammer.is_active  # a group moderator is not staff
    mod.is_staff = True
    mod.save()
    login(mod).post(url, {"form": "platform_ban", "reason": "scam", "text": "多群诈骗"})
    scammer.refresh_from_db()
    assert not scammer.is_active
    assert Sanction.objects.get(user=scammer).kind == "platform_ban"
