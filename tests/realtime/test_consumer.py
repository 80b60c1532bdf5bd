"""The WebSocket consumer: one socket per browser, events for all of the user's groups."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from huzhu.chat.models import Message
from huzhu.chat.services import message_send
from huzhu.groups.services import membership_remove
from huzhu.realtime import publish
from tests.factories import join, make_group, make_user
from tests.realtime.wsclient import Socket, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGE_EVENTS = ("message.created", "message.edited", "message.deleted")


def run(coro_fn):
    async_to_sync(coro_fn)()


def test_a_socket_without_a_session_is_refused(db):
    async def body():
        sock = Socket(cookie=None)
        connected, _code = await sock.connect()
        assert not connected

    run(body)


def test_hello_lists_every_group_with_its_last_sequence_number(group, owner, member):
    other = make_group(owner, name="考研学习互助群")
    message_send(actor=owner, group=group, text="第一条")
    message_send(actor=owner, group=group, text="第二条")
    cookie = session_cookie(owner)

    async def body():
        sock = Socket(cookie)
        assert (await sock.connect())[0]
        hello = await sock.wait_for("hello")
        assert hello["groups"] == {
            str(group.pk): {"role": "owner", "last_seq": 2},
            str(other.pk): {"role": "owner", "last_seq": 0},
        }
        await sock.close()

    run(body)


def test_a_message_sent_on_one_socket_reaches_every_member_once(group, owner, member):
    outsider_group = make_group(make_user(), name="别的群")
    stranger = join(outsider_group).user
    cookies = [session_cookie(u) for u in (owner, member, stranger)]

    async def body():
        a, b, c = (Socket(ck) for ck in cookies)
        for s in (a, b, c):
            assert (await s.connect())[0]
            await s.wait_for("hello")
        reply = await b.request("send", group_id=group.pk, text="今晚八点拼团", client_key="x1")
        assert reply["ok"] and reply["created"] and reply["message"]["seq"] == 1
        for s in (a, b):
            event = await s.wait_for("message.created")
            assert event["group_id"] == group.pk
            assert event["message"]["text"] == "今晚八点拼团"
            assert event["message"]["sender"]["name"] == "群友小李"
        # Exactly once, and nothing for someone outside the group.
        assert await a.quiet_for(0.3, MESSAGE_EVENTS) == []
        assert await c.quiet_for(0.1, MESSAGE_EVENTS) == []
        # A resend with the same key (the reply was lost) publishes nothing new.
        again = await b.request("send", group_id=group.pk, text="今晚八点拼团", client_key="x1")
        assert (
            again["ok"]
            and not again["created"]
            and again["message"]["id"] == reply["message"]["id"]
        )
        assert await a.quiet_for(0.3, MESSAGE_EVENTS) == []
        for s in (a, b, c):
            await s.close()

    run(body)
    assert Message.objects.count() == 1


def test_one_publish_per_event_however_many_sockets(group, owner, member, monkeypatch):
    for _ in range(3):
        join(group)
    published: list[str] = []
    monkeypatch.setattr(publish, "_listeners", [lambda e: published.append(e.type)])
    cookies = [session_cookie(m.user) for m in group.memberships.all()]

    async def body():
        socks = [Socket(ck) for ck in cookies]
        for s in socks:
            assert (await s.connect())[0]
            await s.wait_for("hello")
        await database_sync_to_async(message_send)(actor=owner, group=group, text="五个人都在")
        for s in socks:
            await s.wait_for("message.created")
        for s in socks:
            await s.close()

    run(body)
    assert published.count("message.created") == 1


def test_a_removed_member_stops_receiving_at_once(group, owner, member):
    cookies = [session_cookie(owner), session_cookie(member)]

    async def body():
        a, b = Socket(cookies[0]), Socket(cookies[1])
        for s in (a, b):
            assert (await s.connect())[0]
            await s.wait_for("hello")
        await database_sync_to_async(membership_remove)(actor=owner, group=group, user_id=member.pk)
        removed = await b.wait_for("member.removed")
        assert removed["user_id"] == member.pk and removed["status"] == "removed"
        await a.request("send", group_id=group.pk, text="移出之后的消息")
        await a.wait_for("message.created")
        assert await b.quiet_for(0.4, MESSAGE_EVENTS) == []
        # Nor can the removed member read it by asking.
        reply = await b.request("resync", group_id=group.pk, after=0)
        assert not reply["ok"] and reply["code"] == "not_found"
        for s in (a, b):
            await s.close()

    run(body)


def test_a_new_member_open_socket_starts_receiving_at_once(group, owner):
    newcomer = make_user("newcomer", "新来的")
    cookie = session_cookie(newcomer)

    async def body():
        sock = Socket(cookie)
        assert (await sock.connect())[0]
        assert (await sock.wait_for("hello"))["groups"] == {}
        await database_sync_to_async(join)(group, newcomer)
        joined = await sock.wait_for("member.joined")
        assert joined["user_id"] == newcomer.pk
        await database_sync_to_async(message_send)(actor=owner, group=group, text="欢迎新朋友")
        event = await sock.wait_for("message.created")
        assert event["message"]["text"] == "欢迎新朋友"
        await sock.close()

    run(body)


def test_resync_over_the_socket_returns_what_was_missed_in_pages(group, owner, member):
    group.config = {"chat": {"rate_limit": 1000}}
    group.save()
    for i in range(1, 8):
        message_send(actor=owner, group=group, text=f"离线时的消息{i}")
    cookie = session_cookie(member)

    async def body():
        sock = Socket(cookie)
        assert (await sock.connect())[0]
        hello = await sock.wait_for("hello")
        assert hello["groups"][str(group.pk)]["last_seq"] == 7
        seen, cursor, more = [], 2, True
        while more:
            page = await sock.request("resync", group_id=group.pk, after=cursor, limit=2)
            seen += [m["seq"] for m in page["messages"]]
            cursor, more = page["cursor"], page["more"]
        assert seen == [3, 4, 5, 6, 7] and cursor == 7
        history = await sock.request("history", group_id=group.pk, before_seq=3, limit=10)
        assert [m["text"] for m in history["messages"]] == ["离线时的消息1", "离线时的消息2"]
        await sock.close()

    run(body)


def test_held_message_reaches_only_sender_and_moderators(group, owner, member, fake_screen):
    bystander = join(group).user
    cookies = [session_cookie(u) for u in (owner, member, bystander)]

    async def body():
        mod, sender, other = (Socket(ck) for ck in cookies)
        for s in (mod, sender, other):
            assert (await s.connect())[0]
            await s.wait_for("hello")
        fake_screen.hold("加我微信 领取返利")
        reply = await sender.request("send", group_id=group.pk, text="加我微信 领取返利")
        assert reply["ok"] and reply["message"]["status"] == "held"
        assert "审核中" in reply["notice"]
        for s in (mod, sender):
            assert (await s.wait_for("message.created"))["message"]["status"] == "held"
        assert await other.quiet_for(0.4, MESSAGE_EVENTS) == []
        for s in (mod, sender, other):
            await s.close()

    run(body)


def test_blocked_and_muted_sends_reply_with_the_reason(group, owner, member, fake_screen):
    from datetime import timedelta

    from django.utils import timezone

    from huzhu.groups.models import Membership

    cookie = session_cookie(member)

    async def body():
        sock = Socket(cookie)
        assert (await sock.connect())[0]
        await sock.wait_for("hello")
        fake_screen.block("兼职刷单日结")
        reply = await sock.request("send", group_id=group.pk, text="兼职刷单日结")
        assert not reply["ok"] and reply["code"] == "blocked"
        assert "包含诈骗信息" in reply["message"]
        until = timezone.now() + timedelta(minutes=30)
        await database_sync_to_async(
            lambda: Membership.objects.filter(user=member).update(muted_until=until)
        )()
        reply = await sock.request("send", group_id=group.pk, text="还能说话吗")
        assert not reply["ok"] and reply["code"] == "muted"
        assert reply["muted_until"].startswith(timezone.localtime(until).strftime("%Y-%m-%dT%H:%M"))
        await sock.close()

    run(body)
    assert not Message.objects.exists()


def test_edit_and_delete_reach_other_sockets(group, owner, member):
    cookies = [session_cookie(owner), session_cookie(member)]

    async def body():
        a, b = Socket(cookies[0]), Socket(cookies[1])
        for s in (a, b):
            assert (await s.connect())[0]
            await s.wait_for("hello")
        sent = await b.request("send", group_id=group.pk, text="明天考试")
        await a.wait_for("message.created")
        mid = sent["message"]["id"]
        assert (await b.request("edit", message_id=mid, text="后天考试"))["ok"]
        edited = await a.wait_for("message.edited")
        assert edited["message"]["text"] == "后天考试" and edited["message"]["edited"]
        assert (await b.request("delete", message_id=mid))["ok"]
        deleted = await a.wait_for("message.deleted")
        assert deleted["message"]["deleted"] and deleted["message"]["text"] == ""
        assert deleted["cursor"] > edited["cursor"] > 1
        for s in (a, b):
            await s.close()

    run(body)


def test_a_released_held_message_reaches_everyone(group, owner, member, fake_screen):
    bystander = join(group).user
    cookies = [session_cookie(u) for u in (owner, member, bystander)]

    async def body():
        mod, sender, other = (Socket(ck) for ck in cookies)
        for s in (mod, sender, other):
            assert (await s.connect())[0]
            await s.wait_for("hello")
        fake_screen.hold("拼团群二维码 http://t.cn/x")
        sent = await sender.request("send", group_id=group.pk, text="拼团群二维码 http://t.cn/x")
        await mod.wait_for("message.created")
        reply = await other.request("review", message_id=sent["message"]["id"], approve=True)
        assert not reply["ok"] and reply["code"] == "not_found"
        reply = await mod.request("review", message_id=sent["message"]["id"], approve=True)
        assert reply["ok"] and reply["message"]["status"] == "published"
        released = await other.wait_for("message.edited")
        assert released["message"]["text"] == "拼团群二维码 http://t.cn/x"
        assert released["message"]["seq"] == 1 and released["cursor"] == 2
        for s in (mod, sender, other):
            await s.close()

    run(body)
