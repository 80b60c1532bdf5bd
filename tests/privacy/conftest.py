"""Privacy fixtures: Chinese messages, a group-buy posted through the real aid service."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.aid.conftest import pdd_share
from tests.factories import join, make_user


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def alice(group):
    return join(group, make_user("alice", "阿丽")).user


@pytest.fixture
def groupbuy(group, member):
    from huzhu.aid.services import aid_request_post

    return aid_request_post(actor=member, group=group, kind="groupbuy", text=pdd_share())
