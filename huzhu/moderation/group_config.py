"""A group's moderation settings, stored under ``Group.config["moderation"]``, with defaults.

The owner edits them; every reader goes through ``moderation_config`` so a missing or partial
setting falls back to the default.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from huzhu.groups.models import Group


def _default_ladder() -> list[dict[str, Any]]:
    # warning → 1-day mute → 7-day mute → group ban
    return [
        {"kind": "warning"},
        {"kind": "mute", "hours": 24},
        {"kind": "mute", "hours": 24 * 7},
        {"kind": "group_ban"},
    ]


@dataclass
class ModerationConfig:
    # Sum of reporter weights at which reported content is hidden pending review.
    hide_threshold: float = 2.0
    ladder: list[dict[str, Any]] = field(default_factory=_default_ladder)
    ladder_window_days: int = 90
    warning_days: int = 30  # a warning expires after this many days
    reports_per_hour: int = 10  # per reporter, across the platform
    claim_minutes: int = 30  # a claim older than this may be taken over

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def moderation_config(*, group: Group) -> ModerationConfig:
    raw = (group.config or {}).get("moderation") or {}
    defaults = ModerationConfig()
    values: dict[str, Any] = {}
    for name, default in defaults.as_dict().items():
        value = raw.get(name, default)
        if type(default) is float and isinstance(value, int | float):
            value = float(value)
        if isinstance(value, type(default)):
            values[name] = value
    return ModerationConfig(**values)
