"""Browser fixtures for end-to-end tests: headless Debian Chromium driven by Playwright.

Use them from any test under ``tests/browser/``::

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

    def test_something(live_server, new_page):
        alice = new_page()                      # a fresh browser context (own cookies) per user
        sign_up(alice, live_server.url, "alice", "王小美")
        ...
        assert not alice.problems               # console errors, CSP violations, page errors

``new_page`` pages are phone-sized (390×844) and Chinese (zh-CN) unless told otherwise, and record
every console error, CSP violation, uncaught script error and failed asset (CSS, JS, image,
font) in ``page.problems``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import CHROMIUM
from tests.factories import PASSWORD

# Playwright's sync API runs an asyncio loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told it is safe (it is: the test thread owns its connection).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000
ASSET_TYPES = {"stylesheet", "script", "image", "font", "media", "manifest"}

NewPage = Callable[..., Any]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[NewPage]:
    """A factory of pages, each in its own browser context (its own cookies: one per user)."""
    contexts: list[Any] = []

    def make(
        *, viewport: dict[str, int] | None = None, locale: str = "zh-CN", **context_options: Any
    ) -> Any:
        context = browser.new_context(
            viewport=viewport or PHONE, locale=locale, device_scale_factor=2, **context_options
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.problems = []

        def on_console(msg: Any) -> None:
            # A 4xx page or htmx response is often the point of a test (an error message); Chrome
            # logs each as "Failed to load resource". Broken assets are caught by on_response.
            if msg.text.startswith("Failed to load resource"):
                return
            if msg.type == "error" or "Content Security Policy" in msg.text:
                page.problems.append(f"console {msg.type}: {msg.text}")

        def on_response(response: Any) -> None:
            if response.status >= 400 and response.request.resource_type in ASSET_TYPES:
                page.problems.append(f"asset {response.status}: {response.url}")

        page.on("console", on_console)
        page.on("response", on_response)
        page.on("pageerror", lambda exc: page.problems.append(f"page error: {exc}"))
        return page

    yield make
    for context in contexts:
        context.close()


def sign_up(
    page: Any,
    base_url: str,
    username: str,
    display_name: str,
    password: str = PASSWORD,
    *,
    start: str | None = None,
) -> None:
    """Sign up through the form. ``start``: a page whose sign-up link to follow (e.g. an invite)
    instead of opening /signup/ directly. Waits until the sign-up has gone through."""
    if start is None:
        page.goto(f"{base_url}/signup/")
    page.fill("#id_username", username)
    page.fill("#id_display_name", display_name)
    page.fill("#id_password1", password)
    page.fill("#id_password2", password)
    page.check("#id_accept_privacy_policy")
    page.check("#id_accept_community_rules")
    page.check("#id_age_0")  # 14 or over
    page.get_by_role("button", name=re.compile("^(注册|Sign up)$")).click()
    page.wait_for_url(lambda url: "/signup/" not in url)


def log_in(page: Any, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def log_out(page: Any) -> None:
    page.locator("form[action='/logout/'] button").click()
    page.wait_for_selector("header a[href='/login/']")


class AsgiLiveServer:
    """uvicorn serving ``config.asgi:application`` (HTTP and WebSockets) on a spare port.

    pytest-django's ``live_server`` is WSGI, without WebSockets. This one runs uvicorn in a thread
    of the test process, so it shares the test database (also SQLite's in-memory one) and, in
    embedded mode, the in-process event bus.
    """

    def __init__(self) -> None:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: Any = None
        self.thread: Any = None

    def start(self) -> None:
        import threading
        import time

        import uvicorn

        from config.asgi import application

        config = uvicorn.Config(
            application,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="websockets",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the ASGI live server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
            self.thread.join(10)


@pytest.fixture
def asgi_live_server(transactional_db: Any) -> Iterator[AsgiLiveServer]:
    """A live ASGI server (WebSockets included) against the test database."""
    server = AsgiLiveServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def log_in_as(page: Any, base_url: str, user: Any) -> None:
    """Give ``page``'s browser context a logged-in session for ``user`` (no form round trip)."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}]
    )
