"""The requester's edit page: prefilled, keeps what was typed on every refusal, shows 已编辑."""

from __future__ import annotations

import pytest
from django.test import Client

from huzhu.aid.models import AidRequest
from huzhu.aid.services import aid_request_edit, aid_request_post, help_give
from tests.aid.conftest import pdd_share

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_edit_link_form_and_edited_marker(alice, bob, group):
    req = aid_request_post(actor=alice, group=group, kind="groupbuy", text=pdd_share(), size=3)
    c = client_for(alice)
    detail = c.get(f"/groups/{group.pk}/aid/{req.pk}/").content.decode()
    assert f"/groups/{group.pk}/aid/{req.pk}/edit/" in detail and "已编辑" not in detail
    assert (
        f"/aid/{req.pk}/edit/"
        not in client_for(bob).get(f"/groups/{group.pk}/aid/{req.pk}/").content.decode()
    )
    page = c.get(f"/groups/{group.pk}/aid/{req.pk}/edit/").content.decode()
    assert 'value="维达抽纸 3层130抽*24包"' in page and 'value="29.90"' in page
    assert "链接发布后不能修改" in page and 'name="needed"' not in page
    r = c.post(
        f"/groups/{group.pk}/aid/{req.pk}/edit/",
        {"title": "维达抽纸 24包", "body": "差两人", "price": "25.8", "size": "3"},
    )
    assert r.status_code == 302 and r["Location"] == f"/groups/{group.pk}/aid/{req.pk}/"
    detail = client_for(bob).get(r["Location"]).content.decode()
    assert "维达抽纸 24包" in detail and "已编辑" in detail and "修改记录" not in detail
    assert "已编辑" in client_for(bob).get(f"/groups/{group.pk}/aid/").content.decode()


def test_screening_refusal_keeps_the_typed_text(alice, group):
    req = aid_request_post(
        actor=alice, group=group, kind="question", title="孩子发烧去哪家医院", category="life"
    )
    r = client_for(alice).post(
        f"/groups/{group.pk}/aid/{req.pk}/edit/",
        {"title": "刷单兼职日结", "body": "我写了很长的说明", "category": "work"},
    )
    html = r.content.decode()
    assert r.status_code == 400 and "内容未通过审核" in html
    assert 'value="刷单兼职日结"' in html and "我写了很长的说明</textarea>" in html
    assert AidRequest.objects.get(pk=req.pk).title == "孩子发烧去哪家医院"


def test_validation_error_keeps_the_typed_text(alice, group):
    req = aid_request_post(actor=alice, group=group, kind="groupbuy", text=pdd_share())
    r = client_for(alice).post(
        f"/groups/{group.pk}/aid/{req.pk}/edit/",
        {"title": "新标题", "body": "说明文字", "price": "-1", "size": "3"},
    )
    html = r.content.decode()
    assert r.status_code == 400 and 'value="新标题"' in html and "说明文字</textarea>" in html


def test_size_is_shown_frozen_after_a_help(alice, bob, group):
    req = aid_request_post(actor=alice, group=group, kind="groupbuy", text=pdd_share(), size=3)
    help_give(actor=bob, request_id=req.pk)
    c = client_for(alice)
    page = c.get(f"/groups/{group.pk}/aid/{req.pk}/edit/").content.decode()
    assert "已有群友参团，成团人数不能再修改" in page and "disabled" in page
    r = c.post(
        f"/groups/{group.pk}/aid/{req.pk}/edit/",
        {"title": "新标题", "body": "", "price": "29.9", "size": "6"},
    )
    assert r.status_code == 302
    req.refresh_from_db()
    assert (req.title, req.size) == ("新标题", 3)


def test_others_get_403_and_moderators_see_earlier_versions(owner, alice, bob, group):
    req = aid_request_post(actor=alice, group=group, kind="groupbuy", text=pdd_share())
    assert client_for(bob).get(f"/groups/{group.pk}/aid/{req.pk}/edit/").status_code == 403
    aid_request_edit(actor=alice, request_id=req.pk, title="新标题")
    page = client_for(owner).get(f"/groups/{group.pk}/aid/{req.pk}/").content.decode()
    assert "修改记录（1 次）" in page and "维达抽纸 3层130抽*24包" in page


def test_closed_request_edit_page_explains(alice, group):
    from huzhu.aid.services import request_close

    req = aid_request_post(actor=alice, group=group, kind="groupbuy", text=pdd_share())
    request_close(actor=alice, request_id=req.pk)
    c = client_for(alice)
    assert f"/aid/{req.pk}/edit/" not in c.get(f"/groups/{group.pk}/aid/{req.pk}/").content.decode()
    page = c.get(f"/groups/{group.pk}/aid/{req.pk}/edit/").content.decode()
    assert "这个请求已经关闭了，不能再修改。" in page and "保存修改" not in page


def test_author_is_told_when_personal_data_was_hidden(alice, group):
    c = client_for(alice)
    r = c.post(
        f"/groups/{group.pk}/aid/new/",
        {
            "kind": "question",
            "title": "孩子发烧去哪家医院",
            "body": "急，电话 13812345678",
            "category": "life",
        },
        follow=True,
    )
    html = r.content.decode()
    assert "已发布。 其中的个人信息（如手机号、微信号）已自动隐藏" in html
    assert "138****5678" in html and "13812345678" not in html
    req = AidRequest.objects.get()
    r = c.post(
        f"/groups/{group.pk}/aid/{req.pk}/edit/",
        {"title": req.title, "body": "急，电话 13912345678", "category": "life"},
        follow=True,
    )
    assert "修改已保存。 其中的个人信息" in r.content.decode()
    r = c.post(  # only the category changes: nothing new was hidden, nothing to say
        f"/groups/{group.pk}/aid/{req.pk}/edit/",
        {"title": req.title, "body": "急，电话 139****5678", "category": "study"},
        follow=True,
    )
    assert "修改已保存。" in r.content.decode() and "其中的个人信息" not in r.content.decode()
