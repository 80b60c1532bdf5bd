"""Test data built through the real services, so tests exercise what users exercise."""

from __future__ import annotations

import itertools
from datetime import timedelta

from huzhu.accounts.models import User
from huzhu.accounts.services import user_signup
from huzhu.groups.models import Group, Membership
from huzhu.groups.services import group_create, group_join, invite_create

PASSWORD = "correct-horse-battery-9"
_seq = itertools.count(1)


def make_user(
    username: str | None = None, display_name: str | None = None, password: str = PASSWORD
) -> User:
    n = next(_seq)
    username = username or f"user{n}"
    return user_signup(
        username=username,
        display_name=display_name or f"群友{n}",
        password=password,
        accept_privacy_policy=True,
        accept_community_rules=True,
    )


def make_group(owner: User | None = None, name: str = "宝妈拼团互助群", **kwargs: object) -> Group:
    owner = owner or make_user()
    return group_create(actor=owner, name=name, rules="1. 先帮后发\n2. 禁止广告", **kwargs)  # type: ignore[arg-type]


ESTABLISHED = timedelta(days=30)


def join(group: Group, user: User | None = None, *, newcomer: bool = False) -> Membership:
    """``user`` joins ``group`` by invite, as a member who joined a month ago.

    A member's first day in a group has limits (standing: no links, no group-buys, daily caps),
    which most tests are not about; ``newcomer=True`` keeps the join time at now.
    """
    user = user or make_user()
    owner = group.memberships.get(role="owner").user
    invite = invite_create(actor=owner, group=group)
    membership = group_join(user=user, code=invite.code, accept_rules=True)
    if not newcomer:
        membership.joined_at -= ESTABLISHED
        Membership.objects.filter(pk=membership.pk).update(joined_at=membership.joined_at)
    return membership
