"""Group quiet hours reach the aid and chat services: members cannot post, admins can, and
posting resumes when the window ends."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import time_machine

from huzhu.aid.services import aid_request_post
from huzhu.chat.services import message_send
from huzhu.core.errors import Forbidden
from huzhu.wellbeing.group import group_quiet_hours_update

pytestmark = pytest.mark.django_db

NIGHT = datetime(2026, 11, 25, 16, 30, tzinfo=UTC)  # 00:30 in Shanghai
MORNING = datetime(2026, 11, 25, 23, 0, tzinfo=UTC)  # 07:00 in Shanghai: the window has ended


@pytest.fixture
def quiet_group(owner, group):
    return group_quiet_hours_update(
        actor=owner, group_id=group.pk, start=time(23, 0), end=time(7, 0)
    )


def ask(user, group):
    return aid_request_post(
        actor=user, group=group, kind="question", title="周末读书会几点开始", category="other"
    )


def test_members_cannot_post_or_chat_in_group_quiet_hours(quiet_group, member):
    with time_machine.travel(NIGHT, tick=False):
        with pytest.raises(Forbidden) as exc:
            ask(member, quiet_group)
        assert exc.value.code == "group_quiet_hours"
        with pytest.raises(Forbidden) as exc:
            message_send(actor=member, group=quiet_group, text="有人吗")
        assert exc.value.code == "group_quiet_hours"
    with time_machine.travel(MORNING, tick=False):
        assert ask(member, quiet_group).pk
        assert message_send(actor=member, group=quiet_group, text="早上好").created


def test_the_owner_can_still_post_an_urgent_notice(quiet_group, owner):
    with time_machine.travel(NIGHT, tick=False):
        assert message_send(actor=owner, group=quiet_group, text="紧急通知：明天活动取消").created
