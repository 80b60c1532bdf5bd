"""Mutual-aid pages: every page renders for members, actions work with and without htmx."""

from __future__ import annotations

import pytest
from django.test import Client

from huzhu.aid.models import AidRequest, Help
from huzhu.aid.services import aid_request_post, aid_rules_update, answer_post, help_give
from tests.aid.conftest import pdd_share

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_post_form_publishes_a_card_with_the_clean_link(alice, group):
    c = client_for(alice)
    page = c.get(f"/groups/{group.pk}/aid/new/")
    assert page.status_code == 200 and "分享口令" in page.content.decode()
    preview = c.post(f"/groups/{group.pk}/aid/preview/", {"text": pdd_share()}, headers=HTMX)
    html = preview.content.decode()
    assert "https://mobile.yangkeduo.com/goods.html?goods_id=123456789" in html
    assert "share_uin" not in html and "29.9" in html
    r = c.post(
        f"/groups/{group.pk}/aid/new/", {"kind": "groupbuy", "text": pdd_share(), "size": "3"}
    )
    req = AidRequest.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/groups/{group.pk}/aid/{req.pk}/"
    detail = c.get(r["Location"]).content.decode()
    assert "维达抽纸 3层130抽*24包" in detail
    assert 'href="https://mobile.yangkeduo.com/goods.html?goods_id=123456789"' in detail
    assert "<progress" in detail and "data-deadline" in detail
    assert "share_uin" not in detail


def test_post_form_shows_refusal_and_same_goods_offer(owner, alice, bob, dave, group):
    first = aid_request_post(actor=alice, group=group, kind="groupbuy", text=pdd_share())
    r = client_for(bob).post(
        f"/groups/{group.pk}/aid/new/", {"kind": "groupbuy", "text": pdd_share()}
    )
    html = r.content.decode()
    assert r.status_code == 409 and "加入那一个" in html
    assert f"/groups/{group.pk}/aid/{first.pk}/" in html
    assert 'name="post_anyway"' in html and "仍然发布我的" in html
    r = client_for(bob).post(
        f"/groups/{group.pk}/aid/new/",
        {"kind": "groupbuy", "text": pdd_share(), "post_anyway": "1"},
    )
    assert r.status_code == 302
    assert AidRequest.objects.filter(requester=bob, goods_id=first.goods_id).exists()
    aid_rules_update(actor=owner, group=group, help_before_post=2)
    page = client_for(dave).get(f"/groups/{group.pk}/aid/new/").content.decode()
    assert "再帮助 2 位群友后即可发布" in page
    r = client_for(dave).post(
        f"/groups/{group.pk}/aid/new/", {"kind": "groupbuy", "text": pdd_share(55)}
    )
    assert r.status_code == 403 and "再帮助 2 位群友后即可发布" in r.content.decode()


def test_help_button_with_htmx_updates_the_detail(alice, bob, group):
    req = aid_request_post(actor=alice, group=group, kind="groupbuy", text=pdd_share(), size=3)
    c = client_for(bob)
    r = c.post(f"/groups/{group.pk}/aid/{req.pk}/help/", {"idempotency_key": "k"}, headers=HTMX)
    html = r.content.decode()
    assert r.status_code == 200 and 'id="aid-detail"' in html and "你已参团" in html
    assert "已参团 1/2" in html
    again = c.post(f"/groups/{group.pk}/aid/{req.pk}/help/", {"idempotency_key": "k"})
    assert again.status_code == 302
    assert Help.objects.filter(request=req).count() == 1


def test_own_help_is_refused_as_a_flash(alice, group):
    req = aid_request_post(actor=alice, group=group, kind="groupbuy", text=pdd_share())
    r = client_for(alice).post(f"/groups/{group.pk}/aid/{req.pk}/help/", headers=HTMX)
    assert r.status_code == 403 and r["HX-Retarget"] == "#flash"


def test_list_filters_queue_ledger_rules_notifications(
    owner, alice, bob, group, django_capture_on_commit_callbacks
):
    gb = aid_request_post(actor=alice, group=group, kind="groupbuy", text=pdd_share(), size=2)
    q = aid_request_post(
        actor=alice, group=group, kind="question", title="考研英语怎么背单词", category="study"
    )
    c = client_for(bob)
    html = c.get(f"/groups/{group.pk}/aid/", {"kind": "question"}).content.decode()
    assert "考研英语怎么背单词" in html and "维达抽纸" not in html
    part = c.get(f"/groups/{group.pk}/aid/", {"status": "open"}, headers=HTMX).content.decode()
    assert part.startswith('<div id="aid-list">') or 'id="aid-list"' in part
    queue = c.get(f"/groups/{group.pk}/aid/queue/").content.decode()
    assert "维达抽纸" in queue and "考研英语怎么背单词" in queue
    r = c.post(
        f"/groups/{group.pk}/aid/{gb.pk}/help/", {"from": "queue"}, headers=HTMX
    ).content.decode()
    assert 'id="aid-queue"' in r and "维达抽纸" not in r
    ledger = client_for(alice).get(f"/groups/{group.pk}/aid/ledger/").content.decode()
    assert 'data-testid="my-balance">-1<' in ledger and "小博" in ledger
    rules = client_for(bob).get(f"/groups/{group.pk}/aid/rules/").content.decode()
    assert "先帮后发：未开启" in rules
    r = client_for(owner).post(
        f"/groups/{group.pk}/aid/rules/",
        {
            "help_before_post": 1,
            "max_open_requests": 0,
            "max_requests_per_day": 0,
            "max_helps_per_day": 0,
            "groupbuy_window_hours": 12,
            "answer_weight": 2,
        },
    )
    assert r.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        answer_post(actor=bob, request_id=q.pk, body="用艾宾浩斯曲线")
    notes = client_for(alice).get("/notifications/").content.decode()
    assert "小博 回答了你的求助「考研英语怎么背单词」" in notes


def test_question_detail_accept_and_thank(alice, bob, group):
    q = aid_request_post(
        actor=alice, group=group, kind="question", title="简历怎么写", category="work"
    )
    client_for(bob).post(f"/groups/{group.pk}/aid/{q.pk}/answer/", {"body": "用 STAR 法则"})
    answer = q.answers.get()
    c = client_for(alice)
    r = c.post(f"/groups/{group.pk}/aid/{q.pk}/answers/{answer.pk}/accept/", headers=HTMX)
    assert "已采纳" in r.content.decode() and "已解决" in r.content.decode()
    r = c.post(f"/groups/{group.pk}/aid/{q.pk}/thank/{bob.pk}/", headers=HTMX)
    assert "已感谢" in r.content.decode()


def test_dispute_page_for_moderators(owner, alice, bob, group):
    req = aid_request_post(actor=alice, group=group, kind="groupbuy", text=pdd_share(), size=3)
    h = help_give(actor=bob, request_id=req.pk)
    client_for(alice).post(f"/groups/{group.pk}/aid/{req.pk}/helps/{h.pk}/dispute/")
    page = client_for(owner).get(f"/groups/{group.pk}/aid/disputes/").content.decode()
    assert "阿丽 表示没有收到 小博 的帮助" in page
    dispute_id = h.dispute.pk
    r = client_for(owner).post(
        f"/groups/{group.pk}/aid/disputes/", {"dispute_id": dispute_id, "upheld": "1"}
    )
    assert r.status_code == 302
    h.refresh_from_db()
    assert h.status == "revoked"


def test_outsider_gets_404_on_every_page(alice, outsider, group):
    req = aid_request_post(actor=alice, group=group, kind="groupbuy", text=pdd_share())
    c = client_for(outsider)
    for url in [
        f"/groups/{group.pk}/aid/",
        f"/groups/{group.pk}/aid/new/",
        f"/groups/{group.pk}/aid/queue/",
        f"/groups/{group.pk}/aid/ledger/",
        f"/groups/{group.pk}/aid/{req.pk}/",
    ]:
        assert c.get(url).status_code == 404, url


def test_aid_pages_are_english_after_the_switch(owner, group):
    """Everything our templates print is translated (user content here is ASCII on purpose)."""
    import re

    from huzhu.groups.services import group_update_settings
    from tests.factories import join, make_user

    alice = join(group, make_user("amy", "Amy")).user
    bob = join(group, make_user("ben", "Ben")).user

    group_update_settings(
        actor=owner,
        group=group,
        name="Moms",
        description="",
        rules="",
        capacity=None,
        invite_only=True,
    )
    gb = aid_request_post(
        actor=alice,
        group=group,
        kind="groupbuy",
        size=3,
        title="Tissues",
        text="https://mobile.yangkeduo.com/goods.html?goods_id=42",
    )
    help_give(actor=bob, request_id=gb.pk)
    q = aid_request_post(
        actor=alice, group=group, kind="question", title="Books?", category="study"
    )
    answer_post(actor=bob, request_id=q.pk, body="Read the textbook first")
    c = client_for(alice)
    c.cookies["django_language"] = "en"
    cjk = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]+")
    for url in [
        f"/groups/{group.pk}/aid/",
        f"/groups/{group.pk}/aid/new/",
        f"/groups/{group.pk}/aid/{gb.pk}/",
        f"/groups/{group.pk}/aid/{q.pk}/",
        f"/groups/{group.pk}/aid/queue/",
        f"/groups/{group.pk}/aid/ledger/",
        f"/groups/{group.pk}/aid/rules/",
    ]:
        html = c.get(url).content.decode()
        ours = html[html.index('<nav class="tabs aid-tabs"') : html.index("</main>")]
        text = re.sub(r"<[^>]+>", " ", ours)
        assert not cjk.findall(text), (url, cjk.findall(text))


def test_member_profile_shows_shared_groups_only(owner, alice, bob, group, outsider):
    from huzhu.privacy.services import privacy_settings_update
    from tests.factories import make_group

    req = aid_request_post(actor=alice, group=group, kind="groupbuy", text=pdd_share(), size=3)
    help_give(actor=bob, request_id=req.pk)
    other = make_group(bob, name="考研学习互助群")  # Alice is not in it
    privacy_settings_update(
        user=bob, groups_visibility="group_members", ledger_visibility="group_members"
    )
    page = client_for(alice).get(f"/people/{bob.pk}/aid/").content.decode()
    assert "小博" in page and "宝妈拼团互助群" in page and "帮助 1 · 受助 0" in page
    assert other.name not in page
    assert client_for(outsider).get(f"/people/{bob.pk}/aid/").status_code == 404


def test_a_finished_request_says_so_instead_of_none_missing(alice, bob, carol, group):
    groupbuy = aid_request_post(actor=alice, group=group, kind="groupbuy", text=pdd_share(), size=2)
    help_give(actor=bob, request_id=groupbuy.pk)
    boost = aid_request_post(actor=alice, group=group, kind="boost", text=pdd_share(987), needed=1)
    help_give(actor=carol, request_id=boost.pk)
    c = client_for(alice)
    html = c.get(f"/groups/{group.pk}/aid/{groupbuy.pk}/").content.decode()
    assert "已参团 1/1，已成团" in html and "还差 0 人" not in html
    assert "完成于" in html and "截止于" not in html
    html = c.get(f"/groups/{group.pk}/aid/{boost.pk}/").content.decode()
    assert "已助力 1/1，助力完成" in html and "还差 0 次" not in html
