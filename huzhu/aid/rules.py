"""A group's fairness rules and windows for mutual aid, kept in ``Group.config["aid"]``.

0 switches a cap off. The owner changes them through ``aid_rules_update`` (services).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from huzhu.groups.models import Group

CONFIG_KEY = "aid"


@dataclass(frozen=True, slots=True)
class AidRules:
    help_before_post: int = 0  # 先帮后发: helps given in this group before each new request
    max_open_requests: int = 0  # open requests per member at once
    max_requests_per_day: int = 0  # requests per member per day
    max_helps_per_day: int = 0  # helps per helper per day
    groupbuy_window_hours: int = 24  # 拼团 / 助力 deadline, 1–72 h
    answer_weight: int = 2  # 互助值 an accepted answer moves from asker to author

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


# (min, max) for each rule; validated by the service.
RULE_LIMITS: dict[str, tuple[int, int]] = {
    "help_before_post": (0, 20),
    "max_open_requests": (0, 50),
    "max_requests_per_day": (0, 50),
    "max_helps_per_day": (0, 500),
    "groupbuy_window_hours": (1, 72),
    "answer_weight": (1, 10),
}


def aid_rules_get(*, group: Group) -> AidRules:
    stored: dict[str, Any] = (group.config or {}).get(CONFIG_KEY, {}) or {}
    known = {f.name for f in fields(AidRules)}
    values: dict[str, int] = {}
    for key, value in stored.items():
        if key in known:
            try:
                values[key] = int(value)
            except (TypeError, ValueError):
                continue
    return AidRules(**values)
