"""The chat page: the last 50 messages from the database, tombstones, 已编辑, held marks."""

from __future__ import annotations

import pytest
from django.test import Client

from huzhu.chat.services import message_delete, message_edit, message_send
from tests.factories import join

pytestmark = pytest.mark.django_db


def page_for(user, group):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.get(f"/groups/{group.pk}/chat/")


def test_the_page_shows_the_last_fifty_messages_in_order(group, owner, member):
    group.config = {"chat": {"rate_limit": 1000}}
    group.save()
    for i in range(1, 61):
        message_send(actor=owner, group=group, text=f"第{i}条消息")
    response = page_for(member, group)
    assert response.status_code == 200
    html = response.content.decode()
    assert "第10条消息" not in html and "第11条消息" in html and "第60条消息" in html
    assert html.index("第11条消息") < html.index("第60条消息")
    assert 'data-last-seq="60"' in html
    assert "加载更早的消息" in html
    assert "web/chat.js" in html and "<script>" not in html


def test_edited_and_deleted_messages_are_marked(group, owner, member):
    a = message_send(actor=member, group=group, text="原来的话").message
    b = message_send(actor=member, group=group, text="要删掉的话").message
    message_edit(actor=member, message_id=a.pk, text="改过的话")
    message_delete(actor=member, message_id=b.pk)
    html = page_for(owner, group).content.decode()
    assert "改过的话" in html and "已编辑" in html
    assert "要删掉的话" not in html and "此消息已删除" in html


def test_held_messages_show_only_to_sender_and_moderators(group, owner, member, fake_screen):
    other = join(group).user
    fake_screen.hold("待审核的广告")
    message_send(actor=member, group=group, text="待审核的广告")
    assert "审核中" in page_for(member, group).content.decode()
    assert "待审核的广告" in page_for(owner, group).content.decode()
    assert "待审核的广告" not in page_for(other, group).content.decode()


def test_outsiders_get_404(group, outsider):
    assert page_for(outsider, group).status_code == 404


def test_sharing_a_resource_from_its_page_shows_a_card_in_chat(group, owner, member):
    from huzhu.resources.services import resource_share

    resource = resource_share(actor=member, group=group, kind="tip", title="快递柜取件不排队")
    client = Client()
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    detail = client.get(f"/resources/{resource.pk}/").content.decode()
    assert "分享到群聊" in detail
    response = client.post(
        f"/groups/{group.pk}/chat/share/",
        {"share_type": "resource", "share_id": resource.pk, "client_key": "share-1"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/chat/#m1")
    client.post(  # a double submit shares once
        f"/groups/{group.pk}/chat/share/",
        {"share_type": "resource", "share_id": resource.pk, "client_key": "share-1"},
    )
    html = page_for(member, group).content.decode()
    assert html.count('class="chat-card chat-card-resource') == 1
    assert "快递柜取件不排队" in html and "生活技巧" in html and "仍有效 0 · 已失效 0" in html
    assert f'href="/resources/{resource.pk}/"' in html


def test_sharing_something_of_another_group_is_refused_with_a_clear_error(group, owner):
    client = Client()
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        f"/groups/{group.pk}/chat/share/", {"share_type": "aid", "share_id": "123456"}
    )
    assert response.status_code == 400
    assert "没有找到要分享的互助请求" in response.content.decode()
