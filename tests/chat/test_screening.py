"""Chat with the real screening engine: what a member sees for each verdict."""

from __future__ import annotations

import pytest

import huzhu.chat.services as chat_services
from huzhu.chat.models import Message, MessageStatus
from huzhu.chat.selectors import messages_after
from huzhu.chat.services import MessageBlocked, message_send

pytestmark = pytest.mark.django_db

REAL_SCREEN = chat_services._screen  # captured before the fixtures swap in the fake


@pytest.fixture(autouse=True)
def real_screen(fake_screen, monkeypatch):
    monkeypatch.setattr(chat_services, "_screen", REAL_SCREEN)


def test_a_phone_number_is_masked_and_the_sender_is_told(group, owner, member):
    result = message_send(actor=member, group=group, text="有需要的联系我 13812345678")
    assert result.message.status == MessageStatus.PUBLISHED
    assert "13812345678" not in result.message.text and "5678" in result.message.text
    assert result.notice == "手机号已隐藏"
    shown = messages_after(viewer=owner, group=group, after_seq=0).messages[0]["text"]
    assert "13812345678" not in shown


def test_a_scam_message_is_blocked_with_the_reason_and_not_stored(group, member):
    with pytest.raises(MessageBlocked) as exc:
        message_send(actor=member, group=group, text="刷单返利，日赚500，加微信")
    assert "违法违规" in str(exc.value.message)
    assert not Message.objects.exists()


def test_a_short_link_is_held_for_review(group, owner, member):
    result = message_send(actor=member, group=group, text="加我领红包 http://t.cn/abc")
    assert result.message.status == MessageStatus.HELD
    others = messages_after(viewer=owner, group=group, after_seq=0, is_moderator=False)
    assert others.messages == []
