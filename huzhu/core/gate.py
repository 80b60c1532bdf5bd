"""The screening gate: how Django-side services run the pure screening engine on user text.

Builds the engine's context from the group (its rules and extra words, kept in
``Group.config["screening"]``), the author and a recent-message window per group for the
duplicate and flood checks. Services call ``content_screen`` before writing; they store the
verdict's action and show ``verdict.text``.

The recent windows live in this process (a bounded LRU of groups): near-duplicate detection
compares a message with the recent messages this process has seen. Cross-process flood limits
are enforced separately by the cache-backed rate limits of chat and aid.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from huzhu.core.errors import InvalidInput
from huzhu.screening import (
    RecentWindow,
    RuleError,
    RuleSet,
    ScreenContext,
    Verdict,
    rules_load,
    screen,
    screen_many,
)

if TYPE_CHECKING:
    from huzhu.accounts.models import User
    from huzhu.groups.models import Group

MAX_TEXT_LENGTH = 10_000
WINDOW_GROUPS = 1_000

_lock = threading.Lock()
_windows: OrderedDict[int, RecentWindow] = OrderedDict()
_rulesets: dict[str, RuleSet] = {}


def _window_for(group_id: int) -> RecentWindow:
    with _lock:
        window = _windows.get(group_id)
        if window is None:
            window = _windows[group_id] = RecentWindow()
            while len(_windows) > WINDOW_GROUPS:
                _windows.popitem(last=False)
        else:
            _windows.move_to_end(group_id)
        return window


def _ruleset_for(rules: Any) -> RuleSet | None:
    if not rules:
        return None
    key = hashlib.sha256(json.dumps(rules, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    ruleset = _rulesets.get(key)
    if ruleset is None:
        ruleset = rules_load(rules)
        if len(_rulesets) > 1_000:
            _rulesets.clear()
        _rulesets[key] = ruleset
    return ruleset


def group_screening_rules_validate(*, rules: Any) -> RuleSet:
    """Validate a group's screening rules, raising a clear user-facing error."""
    try:
        return rules_load(rules)
    except RuleError as exc:
        raise InvalidInput(
            _("审核规则有误：%(error)s") % {"error": exc}, code="invalid_rules"
        ) from exc


def content_screen(
    *,
    text: str,
    author: User | None = None,
    group: Group | None = None,
    kind: str = "message",
    standing: float | None = None,
    remember: bool = True,
) -> Verdict:
    """Screen one user text for publication in ``group`` by ``author``.

    ``kind`` names what is screened (message, request, answer, resource, profile); chat messages
    feed the duplicate window, other kinds are only checked against it.
    """
    return content_screen_many(
        texts=[text],
        author=author,
        group=group,
        kind=kind,
        standing=standing,
        remember=remember,
    )[0]


def content_screen_many(
    *,
    texts: list[str],
    author: User | None = None,
    group: Group | None = None,
    kind: str = "message",
    standing: float | None = None,
    remember: bool = True,
) -> list[Verdict]:
    """``content_screen`` for several texts of one author in one group, in order (the screening
    API takes up to 100 per call): the same verdicts, computed together."""
    for text in texts:
        if len(text) > MAX_TEXT_LENGTH:
            raise InvalidInput(
                _("内容太长了，最多 %(max)d 个字符。") % {"max": MAX_TEXT_LENGTH},
                code="text_too_long",
            )
    options: dict[str, Any] = (group.config or {}).get("screening", {}) if group is not None else {}
    try:
        ruleset = _ruleset_for(options.get("rules"))
    except RuleError:
        ruleset = None  # rules are validated when saved; a stale bad rule falls back to defaults
    context = ScreenContext(
        rules=ruleset,
        extra_words=options.get("extra_words") or None,
        author_id=author.pk if author is not None else None,
        standing=standing,
        window=_window_for(group.pk) if group is not None else None,
        remember=remember and kind == "message",
    )
    if len(texts) == 1:
        return [screen(texts[0], context=context)]
    return screen_many(texts, context=context)
