"""Resource fixtures: members A and B in one group, a second group, a controllable screen."""

from __future__ import annotations

import pytest

from huzhu.resources.services import Screened
from tests.factories import join, make_group, make_user


class ScreenStub:
    """Allows everything unless a test sets ``action`` (and optionally ``text``)."""

    def __init__(self) -> None:
        self.action = "allow"
        self.reason = ""
        self.replace: tuple[str, str] | None = None
        self.calls: list[tuple[str, int]] = []

    def __call__(self, *, text, author, group):
        self.calls.append((text, group.pk))
        shown = text.replace(*self.replace) if self.replace else text
        return Screened(action=self.action, text=shown, reason=self.reason)


@pytest.fixture(autouse=True)
def screen(monkeypatch, request):
    if "real_screening" in request.fixturenames:
        return None
    stub = ScreenStub()
    monkeypatch.setattr("huzhu.resources.services._screen", stub)
    return stub


@pytest.fixture
def real_screening():
    """Request the real screening engine instead of the stand-in."""


@pytest.fixture
def alice(group):
    return join(group, make_user("alice", "阿丽")).user


@pytest.fixture
def bob(group):
    return join(group, make_user("bob", "小博")).user


@pytest.fixture
def other_group(owner):
    return make_group(owner, name="考研学习互助群")


PDD_LINK = (
    "https://mobile.yangkeduo.com/goods.html?goods_id=123456789"
    "&share_uin=ABCDEFGH12345&refer_share_uid=8823451&_wv=41729"
)
