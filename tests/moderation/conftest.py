"""Moderation fixtures: a group with two moderators and members who joined weeks ago (so they
are past first-day limits), plus helpers to post chat messages and aid requests."""

from __future__ import annotations

import copy
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from huzhu.groups.models import Membership
from huzhu.groups.services import membership_set_role
from tests.chat.fakes import FakeScreen
from tests.factories import join, make_group, make_user


@pytest.fixture(autouse=True)
def fake_screen(monkeypatch: pytest.MonkeyPatch) -> FakeScreen:
    fake = FakeScreen()
    monkeypatch.setattr("huzhu.chat.services._screen", fake)
    return fake


@pytest.fixture(autouse=True)
def _aid_screening_allows(monkeypatch: pytest.MonkeyPatch) -> None:
    from huzhu.aid.services import Screened

    monkeypatch.setattr(
        "huzhu.aid.services._screen",
        lambda *, text, author, group, kind: Screened(
            action="allow", text=text, reason="", clean_links=[]
        ),
    )


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings: Any) -> None:
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = caches


def age(user, group, days: int = 30) -> None:
    """Pretend ``user`` joined ``group`` ``days`` ago."""
    Membership.objects.filter(user=user, group=group).update(
        joined_at=timezone.now() - timedelta(days=days)
    )


def member_of(group, username: str, name: str, days: int = 30):
    user = join(group, make_user(username, name)).user
    age(user, group, days)
    return user


@pytest.fixture
def mod(group, owner):
    user = member_of(group, "mod1", "管理员甲")
    membership_set_role(actor=owner, group=group, user_id=user.pk, role="admin")
    return user


@pytest.fixture
def mod2(group, owner):
    user = member_of(group, "mod2", "管理员乙")
    membership_set_role(actor=owner, group=group, user_id=user.pk, role="admin")
    return user


@pytest.fixture
def alice(group):
    return member_of(group, "alice", "阿丽")


@pytest.fixture
def bob(group):
    return member_of(group, "bob", "小博")


@pytest.fixture
def carol(group):
    return member_of(group, "carol", "小卡")


@pytest.fixture
def scammer(group):
    return member_of(group, "scammer", "骗子")


@pytest.fixture
def other_group(db):
    other_owner = make_user("owner2", "别的群主")
    return make_group(other_owner, name="考研学习互助群")


def send(user, group, text: str = "加我微信领红包，先交 50 元保证金"):
    from huzhu.chat.services import message_send

    return message_send(actor=user, group=group, text=text).message
