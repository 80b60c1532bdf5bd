"""Huzhu's screening engine: plain Python, no Django.

``screen(text, context=ScreenContext(...)) -> Verdict`` (``screen_many(texts, context=...)`` for
many texts at once: same verdicts, faster); see ``engine`` for the pipeline and
``policy`` for group rules.
"""

from huzhu.screening.dedup import RecentWindow
from huzhu.screening.engine import ScreenContext, screen, screen_many
from huzhu.screening.policy import RuleError, RuleSet, rules_load
from huzhu.screening.types import ACTION_ORDER, Finding, Severity, Verdict

__all__ = [
    "ACTION_ORDER",
    "Finding",
    "RecentWindow",
    "RuleError",
    "RuleSet",
    "ScreenContext",
    "Severity",
    "Verdict",
    "rules_load",
    "screen",
    "screen_many",
]
