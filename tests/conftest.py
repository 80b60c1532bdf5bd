"""Shared fixtures: users and groups made through the real services."""

from __future__ import annotations

import pytest

from tests.factories import join, make_group, make_user


@pytest.fixture
def owner(db):
    return make_user("owner", "群主小王")


@pytest.fixture
def group(owner):
    return make_group(owner)


@pytest.fixture
def member(group):
    return join(group, make_user("member", "群友小李")).user


@pytest.fixture
def outsider(db):
    return make_user("outsider", "路人")
