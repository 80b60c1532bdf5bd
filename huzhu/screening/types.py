"""Value types shared by every screening stage: findings, verdicts and the screening context.

Plain dataclasses, no Django: the engine is usable as a library, from the CLI and from the web app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Literal

Action = Literal["allow", "redact", "hold", "block"]
FindingKind = Literal["pii", "lexicon", "link", "classifier", "duplicate"]

# Ordered so that max() picks the strictest action.
ACTION_ORDER: dict[str, int] = {"allow": 0, "redact": 1, "hold": 2, "block": 3}


class Severity(IntEnum):
    """How bad a finding is; policy maps severities to actions."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a stage found.

    ``start``/``end`` are Unicode code-point offsets into the ORIGINAL text, end exclusive.
    ``detail`` carries stage-specific extras (masked form, clean link, score …).
    """

    kind: FindingKind
    category: str
    start: int
    end: int
    severity: Severity
    rule: str
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "severity": self.severity.name.lower(),
            "rule": self.rule,
        }


@dataclass(slots=True)
class Verdict:
    """The engine's answer for one text."""

    action: Action
    text: str
    findings: list[Finding]
    reason_zh: str = ""
    reason_en: str = ""
    clean_links: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return self.reason_zh
