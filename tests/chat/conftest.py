"""Chat test fixtures: a controllable screening verdict and a clean cache per test."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest

from huzhu.screening.types import Finding, Severity, Verdict


class FakeScreen:
    """Stands in for the screening gate so each test chooses the verdict it is about."""

    def __init__(self) -> None:
        self.next: Verdict | None = None
        self.calls: list[str] = []

    def __call__(self, *, text: str, author: object, group: object) -> Verdict:
        self.calls.append(text)
        verdict, self.next = self.next, None
        return verdict or Verdict(action="allow", text=text, findings=[])

    def redact_phone(self, text: str, phone: str) -> None:
        start = text.index(phone)
        self.next = Verdict(
            action="redact",
            text=text.replace(phone, phone[:3] + "****" + phone[-4:]),
            findings=[
                Finding("pii", "phone", start, start + len(phone), Severity.MEDIUM, "pii.phone")
            ],
            reason_zh="包含手机号",
        )

    def hold(self, text: str) -> None:
        self.next = Verdict(action="hold", text=text, findings=[], reason_zh="疑似广告，待审核")

    def block(self, text: str) -> None:
        self.next = Verdict(action="block", text=text, findings=[], reason_zh="包含诈骗信息")


@pytest.fixture(autouse=True)
def fake_screen(monkeypatch: pytest.MonkeyPatch) -> FakeScreen:
    fake = FakeScreen()
    monkeypatch.setattr("huzhu.chat.services._screen", fake)
    return fake


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings: Any) -> None:
    # A fresh key prefix per test isolates rate-limit counters without flushing a shared Redis.
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = caches
