"""The API docs page in a real browser under the real CSP: it renders every operation and the
browser reports no policy violation or script error."""

from __future__ import annotations

import pytest

from tests.conftest import CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_under_the_csp(live_server):
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on(
                "console",
                lambda msg: problems.append(msg.text) if msg.type in ("error", "warning") else None,
            )
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.goto(f"{live_server.url}/api/v1/docs")
            page.wait_for_selector(".opblock", timeout=20_000)
            assert page.locator(".opblock").count() >= 18
            page.locator(".opblock-summary", has_text="/api/v1/groups/{group_id}/leave").click()
            page.wait_for_selector(".opblock-body", timeout=10_000)
            assert "owner_cannot_leave" in page.locator(".opblock-body").first.inner_text()
            assert page.title() == "Huzhu 互助 API"
        finally:
            browser.close()
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert not problems, problems
