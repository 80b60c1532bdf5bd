"""Notifications: created for others (never for one's own action), read per user, translated."""

from __future__ import annotations

import pytest
from django.utils import translation

from huzhu.core.errors import NotFound
from huzhu.notifications.kinds import notification_kind_register
from huzhu.notifications.services import (
    notification_create,
    notification_mark_all_read,
    notification_mark_read,
    notification_text,
    notification_unread_count,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_no_notification_for_ones_own_action():
    user = make_user()
    assert notification_create(user=user, actor=user, kind="aid.help_received") is None


def test_text_is_rendered_in_the_readers_language_with_params():
    reader, actor = make_user(), make_user(display_name="小博")
    n = notification_create(
        user=reader, actor=actor, kind="aid.help_received", params={"title": "纸巾"}
    )
    assert notification_text(notification=n) == "小博 帮助了你的「纸巾」"
    with translation.override("en"):
        assert "纸巾" in notification_text(notification=n)


def test_a_bad_template_never_breaks_the_bell():
    from django.utils.translation import gettext_lazy

    notification_kind_register(kind="test.broken", message=gettext_lazy("缺参数 %(missing)s"))
    n = notification_create(user=make_user(), kind="test.broken")
    assert notification_text(notification=n) == "缺参数 %(missing)s"


def test_mark_read_only_ones_own():
    reader, other = make_user(), make_user()
    n = notification_create(user=reader, kind="aid.thanked", params={"title": "x"})
    notification_create(user=reader, kind="aid.thanked", params={"title": "y"})
    with pytest.raises(NotFound):
        notification_mark_read(user=other, notification_id=n.pk)
    notification_mark_read(user=reader, notification_id=n.pk)
    assert notification_unread_count(user=reader) == 1
    assert notification_mark_all_read(user=reader) == 1
    assert notification_unread_count(user=reader) == 0
