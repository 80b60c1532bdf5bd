"""Shared fixtures: users and groups made through the real services."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from tests.factories import join, make_group, make_user

# On CI (CI=true) property tests replay the same examples every run, so a landing never depends
# on a lucky draw; on a laptop they keep exploring new inputs.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fresh_screening_windows():
    """Group ids repeat across tests; the gate's per-process recent-message windows must not."""
    from huzhu.core import gate

    gate._windows.clear()
    yield
    gate._windows.clear()


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


CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    """Browser tests run last and need Debian's chromium. On a laptop without it they are skipped with the
    reason; on CI (HUZHU_REQUIRE_BROWSER=1) a missing browser fails the run instead."""
    import os

    browser_items = [item for item in items if item.get_closest_marker("browser")]
    # Playwright's sync API keeps an event loop in the main thread for the rest of the session,
    # which breaks async tests (Channels communicators) that run after it: browser tests go last.
    items[:] = [item for item in items if not item.get_closest_marker("browser")] + browser_items
    if not browser_items or os.path.exists(CHROMIUM):
        return
    if os.environ.get("HUZHU_REQUIRE_BROWSER"):
        raise pytest.UsageError(
            f"browser tests need {CHROMIUM}: apt-get install -y chromium fonts-noto-cjk"
        )
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is not installed (apt-get install -y chromium fonts-noto-cjk)"
    )
    for item in browser_items:
        item.add_marker(skip)
