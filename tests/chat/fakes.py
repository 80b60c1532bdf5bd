"""A stand-in for the screening gate so each test chooses the verdict it is about."""

from __future__ import annotations

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
