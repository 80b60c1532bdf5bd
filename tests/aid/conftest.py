"""Fixtures for mutual aid: a group with members A, B, C, D and real-shaped share texts."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.factories import join, make_user

PDD_SHARE = (
    "【拼多多】我在拼多多发现了一个好东西，快来和我一起拼吧！【29.9元】维达抽纸 3层130抽*24包 "
    "https://mobile.yangkeduo.com/goods.html?goods_id={goods}&share_uin=ABCDEFGH12345"
    "&refer_share_uid=8823451&page_from=23&_wv=41729"
)


def pdd_share(goods: int = 123456789) -> str:
    return PDD_SHARE.format(goods=goods)


@pytest.fixture(autouse=True)
def _chinese():
    """Messages are asserted in Chinese, whatever language an earlier test left active."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def alice(group):
    return join(group, make_user("alice", "阿丽")).user


@pytest.fixture
def bob(group):
    return join(group, make_user("bob", "小博")).user


@pytest.fixture
def carol(group):
    return join(group, make_user("carol", "小卡")).user


@pytest.fixture
def dave(group):
    return join(group, make_user("dave", "大卫")).user
