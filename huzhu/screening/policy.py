"""Declarative screening rules, like Reddit's AutoModerator (the ``policy`` stage).

Owns ``Rule``, ``RuleSet``, the default rules and ``rules_load`` (validation with Chinese and English
error messages). A rule matches when ALL of its conditions hold; inside one list ANY item will do:

- finding filters (one finding must satisfy all of them): ``kinds``, ``categories``,
  ``min_severity``, ``link_classes``, ``score_above`` (classifier score), ``min_count`` (how many
  distinct places in the text must satisfy the filter);
- ``with``: a second finding filter that another finding must also satisfy (e.g. a contact
  number together with an advertising word);
- ``words`` (substrings) and ``regex`` (patterns) over the normalized text;
- ``standing_below`` / ``standing_above``: the author's standing (no standing → not matched).

Its ``action`` (``allow | redact | hold | block``) applies; the strictest action of all matched
rules wins. An ``allow`` rule with finding filters *exempts* the findings it matched: later rules
no longer see them (a group can allow short links for trusted members, or let members share
phone numbers). Group rules run before the defaults; ``defaults: false`` drops the defaults.

Example (JSON or TOML, as a dict with ``rules``)::

    {"rules": [
      {"id": "no-jd", "words": ["京东"], "action": "hold",
       "reason": {"zh": "本群只做拼多多", "en": "This group is for Pinduoduo only"}},
      {"id": "trusted-short-links", "link_classes": ["shortener"], "standing_above": 50,
       "action": "allow"}
    ]}
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from huzhu.screening import classify
from huzhu.screening.normalize import normalize
from huzhu.screening.types import ACTION_ORDER, Finding, Severity

__all__ = [
    "DEFAULT_RULES",
    "Decision",
    "Rule",
    "RuleError",
    "RuleSet",
    "default_ruleset",
    "rules_load",
]

KINDS = ("pii", "lexicon", "link", "classifier", "duplicate")
_SEVERITY_BY_NAME = {s.name.lower(): s for s in Severity}


class RuleError(ValueError):
    """Invalid rules; ``problems`` lists (field path, Chinese message, English message)."""

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        self.problems = problems
        lines = [f"{path}: {zh} / {en}" for path, zh, en in problems]
        super().__init__("规则有误 / invalid rules:\n" + "\n".join(lines))


@dataclass(frozen=True, slots=True)
class FindingFilter:
    kinds: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    min_severity: Severity | None = None
    link_classes: frozenset[str] = frozenset()
    score_above: float | None = None
    min_count: int = 1

    @property
    def empty(self) -> bool:
        return (
            not self.kinds
            and not self.categories
            and self.min_severity is None
            and not self.link_classes
            and self.score_above is None
        )

    def accepts(self, f: Finding) -> bool:
        if self.kinds and f.kind not in self.kinds:
            return False
        if self.categories and f.category not in self.categories:
            return False
        if self.min_severity is not None and f.severity < self.min_severity:
            return False
        if self.link_classes and (f.kind != "link" or f.category not in self.link_classes):
            return False
        if self.score_above is not None:
            score = f.detail.get("score")
            if not isinstance(score, int | float) or score < self.score_above:
                return False
        return True

    def select(self, findings: Iterable[Finding]) -> list[Finding]:
        return [f for f in findings if self.accepts(f)]


def _distinct_spans(findings: list[Finding]) -> int:
    """How many different places matched: one word listed in two categories counts once."""
    if len(findings) < 2:
        return len(findings)
    return len({(f.start, f.end) for f in findings})


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    action: str
    reason_zh: str = ""
    reason_en: str = ""
    filter: FindingFilter = field(default_factory=FindingFilter)
    also: FindingFilter | None = None
    words: tuple[str, ...] = ()
    regex: tuple[re.Pattern[str], ...] = ()
    standing_below: float | None = None
    standing_above: float | None = None

    def match(
        self, text: str, findings: Sequence[Finding], standing: float | None
    ) -> tuple[bool, list[Finding]]:
        """(matched, findings that made it match)."""
        if self.standing_below is not None and (
            standing is None or standing >= self.standing_below
        ):
            return False, []
        if self.standing_above is not None and (
            standing is None or standing <= self.standing_above
        ):
            return False, []
        if self.words and not any(w in text for w in self.words):
            return False, []
        if self.regex and not any(r.search(text) for r in self.regex):
            return False, []
        matched: list[Finding] = []
        if not self.filter.empty:
            matched = self.filter.select(findings)
            if _distinct_spans(matched) < self.filter.min_count:
                return False, []
        if self.also is not None:
            others = self.also.select(findings)
            if _distinct_spans(others) < self.also.min_count:
                return False, []
            matched = matched + [f for f in others if f not in matched]
        return True, matched


@dataclass(frozen=True, slots=True)
class Decision:
    action: str
    reason_zh: str
    reason_en: str
    rules: tuple[str, ...]
    exempt: frozenset[int]  # ids (id()) of findings exempted by allow rules
    extra: tuple[Finding, ...] = ()


def _gate(rule: Rule) -> frozenset[str] | None:
    """Finding kinds without which ``rule`` cannot match (None: it may match without findings).

    Lets ``decide`` skip most rules at once: a message with no findings at all only meets rules on
    words, patterns or standing.
    """
    if rule.filter.empty and rule.also is None:
        return None
    if not rule.filter.empty:
        if rule.filter.kinds:
            return rule.filter.kinds
        if rule.filter.link_classes:
            return frozenset({"link"})
        return frozenset(KINDS)
    assert rule.also is not None
    return rule.also.kinds or frozenset(KINDS)


class RuleSet:
    """An ordered list of rules (group rules first, then the defaults unless turned off)."""

    __slots__ = (
        "_compiled",
        "_memo_ok",
        "_standing",
        "_textual",
        "_token",
        "rules",
        "use_defaults",
    )

    def __init__(self, rules: tuple[Rule, ...] = (), use_defaults: bool = True) -> None:
        self.rules = tuple(rules)
        self.use_defaults = use_defaults
        all_rules = self.rules + (DEFAULT_RULES if use_defaults else ())
        self._compiled = tuple((rule, _gate(rule), ACTION_ORDER[rule.action]) for rule in all_rules)
        self._textual = any(gate is None for _rule, gate, _order in self._compiled)
        # Without rules on words or patterns a decision depends only on what ``_signature`` keeps
        # of the findings (and on the standing): decisions are remembered by that signature.
        # Remembered decisions live in one bounded table for all rule sets (a server keeps one
        # rule set per group): keyed by this rule set's token, the standing when a rule reads it,
        # and the signature.
        self._memo_ok = not any(rule.words or rule.regex for rule in all_rules)
        self._standing = any(
            rule.standing_below is not None or rule.standing_above is not None for rule in all_rules
        )
        self._token = next(_TOKENS)

    def __repr__(self) -> str:
        return f"RuleSet({len(self.rules)} rules, defaults={self.use_defaults})"

    @property
    def reads_text(self) -> bool:
        """Whether a rule can match without findings (on words, patterns or standing): when not,
        a text without findings is always allowed."""
        return self._textual

    def all_rules(self) -> tuple[Rule, ...]:
        return tuple(rule for rule, _gate, _order in self._compiled)

    def decide(
        self, text: str, findings: Sequence[Finding], *, standing: float | None = None
    ) -> Decision:
        """The action for a normalized ``text`` and its findings."""
        if not findings and not self._textual:
            return _ALLOW
        if not self._memo_ok:
            return self._decide(text, findings, standing)
        key = _signature(findings, self._token, standing if self._standing else None)
        known = _MEMO.get(key)
        if known is None:
            decision = self._decide(text, findings, standing)
            exempt = decision.exempt
            positions = tuple(i for i, f in enumerate(findings) if id(f) in exempt)
            if len(_MEMO) >= _MEMO_SIZE:
                _MEMO.clear()
            _MEMO[key] = (decision, positions)
            return decision
        decision, positions = known
        if not positions:
            return decision
        return Decision(
            decision.action,
            decision.reason_zh,
            decision.reason_en,
            decision.rules,
            frozenset(id(findings[i]) for i in positions),
        )

    def _decide(self, text: str, findings: Sequence[Finding], standing: float | None) -> Decision:
        kinds = {f.kind for f in findings}
        remaining = list(findings)
        exempt: set[int] = set()
        best = 0
        best_rule: Rule | None = None
        fired: list[str] = []
        for rule, gate, order in self._compiled:
            if gate is not None and gate.isdisjoint(kinds):
                continue
            if order and order <= best:
                continue  # cannot make the verdict stricter
            ok, matched = rule.match(text, remaining, standing)
            if not ok:
                continue
            fired.append(rule.id)
            if not order:  # allow: exempt the findings it matched from later rules
                if matched:
                    ids = {id(f) for f in matched}
                    exempt |= ids
                    remaining = [f for f in remaining if id(f) not in ids]
                    kinds = {f.kind for f in remaining}
                continue
            best, best_rule = order, rule
        if best_rule is None:
            return Decision("allow", "", "", tuple(fired), frozenset(exempt))
        return Decision(
            best_rule.action,
            best_rule.reason_zh,
            best_rule.reason_en,
            tuple(fired),
            frozenset(exempt),
        )


_MEMO_SIZE = 8192  # a few MB at most
_MEMO: dict[tuple[Any, ...], tuple[Decision, tuple[int, ...]]] = {}
_TOKENS = count()


def _signature(findings: Sequence[Finding], token: int, standing: float | None) -> tuple[Any, ...]:
    """What the rules can see of ``findings``: per finding its kind, category, severity and score,
    which earlier finding has the same span (``min_count`` counts distinct spans) and which earlier
    finding it equals (``with`` merges equal findings). Texts are not in it: only rule sets
    without words or patterns use it."""
    spans: dict[tuple[int, int], int] = {}
    parts: list[Any] = [token, standing]
    for i, f in enumerate(findings):
        span = (f.start, f.end)
        first = spans.setdefault(span, i)
        same = first
        if first != i:
            same = next(
                (j for j in range(first, i) if findings[j] == f), i
            )  # the first earlier finding equal to this one (or itself)
        parts.append((f.kind, f.category, f.severity, f.detail.get("score"), first, same))
    return tuple(parts)


# ---------------------------------------------------------------------------------------------
# Loading and validation.

_RULE_KEYS = {
    "id",
    "action",
    "reason",
    "kinds",
    "categories",
    "min_severity",
    "link_classes",
    "score_above",
    "min_count",
    "with",
    "words",
    "regex",
    "standing_below",
    "standing_above",
}
_FILTER_KEYS = {"kinds", "categories", "min_severity", "link_classes", "score_above", "min_count"}
_LINK_CLASSES = ("platform", "shortener", "bad", "lookalike", "other")


def _str_list(
    value: Any,
    path: str,
    problems: list[tuple[str, str, str]],
    *,
    choices: Sequence[str] | None = None,
) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append((path, "应为非空字符串列表", "must be a list of non-empty strings"))
        return ()
    if choices is not None:
        for i, v in enumerate(value):
            if v not in choices:
                problems.append(
                    (
                        f"{path}[{i}]",
                        f"不支持的值 {v!r}，可选：{', '.join(choices)}",
                        f"unknown value {v!r}; choose from: {', '.join(choices)}",
                    )
                )
    return tuple(value)


def _number(value: Any, path: str, problems: list[tuple[str, str, str]]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append((path, "应为数字", "must be a number"))
        return None
    return float(value)


def _filter(
    data: Mapping[str, Any], path: str, problems: list[tuple[str, str, str]]
) -> FindingFilter:
    kinds = (
        _str_list(data["kinds"], f"{path}.kinds", problems, choices=KINDS)
        if "kinds" in data
        else ()
    )
    categories = (
        _str_list(data["categories"], f"{path}.categories", problems)
        if "categories" in data
        else ()
    )
    link_classes = (
        _str_list(data["link_classes"], f"{path}.link_classes", problems, choices=_LINK_CLASSES)
        if "link_classes" in data
        else ()
    )
    min_severity = None
    if "min_severity" in data:
        name = data["min_severity"]
        if not isinstance(name, str) or name.lower() not in _SEVERITY_BY_NAME:
            choices = ", ".join(_SEVERITY_BY_NAME)
            problems.append(
                (
                    f"{path}.min_severity",
                    f"不支持的严重程度 {name!r}，可选：{choices}",
                    f"unknown severity {name!r}; choose from: {choices}",
                )
            )
        else:
            min_severity = _SEVERITY_BY_NAME[name.lower()]
    score_above = (
        _number(data["score_above"], f"{path}.score_above", problems)
        if "score_above" in data
        else None
    )
    if score_above is not None and not 0.0 <= score_above <= 1.0:
        problems.append((f"{path}.score_above", "应在 0 到 1 之间", "must be between 0 and 1"))
    min_count = 1
    if "min_count" in data:
        value = data["min_count"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append((f"{path}.min_count", "应为正整数", "must be a positive integer"))
        else:
            min_count = value
    return FindingFilter(
        frozenset(kinds),
        frozenset(categories),
        min_severity,
        frozenset(link_classes),
        score_above,
        min_count,
    )


def _rule(data: Any, path: str, problems: list[tuple[str, str, str]]) -> Rule | None:
    if not isinstance(data, Mapping):
        problems.append(
            (path, "每条规则应为一个对象（字典）", "each rule must be an object (mapping)")
        )
        return None
    start = len(problems)
    for key in sorted(set(data) - _RULE_KEYS):
        problems.append(
            (
                f"{path}.{key}",
                f"未知字段 {key!r}，可用字段：{', '.join(sorted(_RULE_KEYS))}",
                f"unknown field {key!r}; allowed: {', '.join(sorted(_RULE_KEYS))}",
            )
        )
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not rule_id.strip():
        problems.append(
            (f"{path}.id", "缺少规则编号（非空字符串）", "missing rule id (non-empty string)")
        )
        rule_id = ""
    action = data.get("action")
    if action not in ACTION_ORDER:
        problems.append(
            (
                f"{path}.action",
                f"动作应为 allow / redact / hold / block 之一，而不是 {action!r}",
                f"action must be one of allow / redact / hold / block, not {action!r}",
            )
        )
    reason = data.get("reason", "")
    reason_zh = reason_en = ""
    if isinstance(reason, str):
        reason_zh = reason_en = reason
    elif isinstance(reason, Mapping) and all(isinstance(v, str) for v in reason.values()):
        reason_zh = reason.get("zh", reason.get("en", ""))
        reason_en = reason.get("en", reason_zh)
    else:
        problems.append(
            (
                f"{path}.reason",
                "理由应为字符串或 {zh, en} 对象",
                "reason must be a string or a {zh, en} object",
            )
        )
    flt = _filter(data, path, problems)
    also = None
    if "with" in data:
        other = data["with"]
        if not isinstance(other, Mapping):
            problems.append((f"{path}.with", "应为一个条件对象", "must be a condition object"))
        else:
            for key in sorted(set(other) - _FILTER_KEYS):
                problems.append(
                    (f"{path}.with.{key}", f"未知字段 {key!r}", f"unknown field {key!r}")
                )
            also = _filter(other, f"{path}.with", problems)
    words = _str_list(data["words"], f"{path}.words", problems) if "words" in data else ()
    patterns: list[re.Pattern[str]] = []
    if "regex" in data:
        for i, pattern in enumerate(_str_list(data["regex"], f"{path}.regex", problems)):
            try:
                patterns.append(re.compile(pattern))
            except re.error as exc:
                problems.append(
                    (
                        f"{path}.regex[{i}]",
                        f"正则表达式无效：{exc}",
                        f"invalid regular expression: {exc}",
                    )
                )
    standing_below = (
        _number(data["standing_below"], f"{path}.standing_below", problems)
        if "standing_below" in data
        else None
    )
    standing_above = (
        _number(data["standing_above"], f"{path}.standing_above", problems)
        if "standing_above" in data
        else None
    )
    if (
        flt.empty
        and also is None
        and not words
        and not patterns
        and standing_below is None
        and standing_above is None
        and len(problems) == start
    ):
        problems.append(
            (
                path,
                "规则没有任何匹配条件，会匹配所有消息",
                "the rule has no condition and would match every message",
            )
        )
    if len(problems) > start:
        return None
    # Words are matched on normalized text: store them normalized (lower case, simplified …).
    return Rule(
        id=rule_id,
        action=str(action),
        reason_zh=reason_zh,
        reason_en=reason_en,
        filter=flt,
        also=also,
        words=tuple(normalize(w).text for w in words),
        regex=tuple(patterns),
        standing_below=standing_below,
        standing_above=standing_above,
    )


def rules_load(data: Mapping[str, Any] | Sequence[Any]) -> RuleSet:
    """Validate and build a ``RuleSet`` from a dict (``{"rules": [...], "defaults": bool}``) or a
    list of rules. Raises ``RuleError`` listing every problem with its field path."""
    problems: list[tuple[str, str, str]] = []
    use_defaults = True
    if isinstance(data, Mapping):
        unknown = sorted(set(data) - {"rules", "defaults"})
        for key in unknown:
            problems.append(
                (
                    key,
                    f"未知字段 {key!r}，可用：rules, defaults",
                    f"unknown field {key!r}; allowed: rules, defaults",
                )
            )
        if "defaults" in data:
            if not isinstance(data["defaults"], bool):
                problems.append(("defaults", "应为 true 或 false", "must be true or false"))
            else:
                use_defaults = data["defaults"]
        items = data.get("rules", [])
    elif isinstance(data, list | tuple):
        items = data
    else:
        raise RuleError(
            [("", "规则应为列表或含 rules 的对象", "rules must be a list or an object with rules")]
        )
    if not isinstance(items, list | tuple):
        raise RuleError([("rules", "应为规则列表", "must be a list of rules")])
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        rule = _rule(item, f"rules[{i}]", problems)
        if rule is None:
            continue
        if rule.id in seen:
            problems.append(
                (f"rules[{i}].id", f"规则编号 {rule.id!r} 重复", f"duplicate rule id {rule.id!r}")
            )
            continue
        seen.add(rule.id)
        rules.append(rule)
    if problems:
        raise RuleError(problems)
    return RuleSet(tuple(rules), use_defaults)


# ---------------------------------------------------------------------------------------------
# Defaults. Order matters only for allow rules; otherwise the strictest action wins.

_SERIOUS = ["scam", "gambling", "porn", "drugs", "weapons"]
_CONTACT = ["phone", "landline", "qq", "wechat", "email"]

_CLASSIFIER_REASONS = {
    "scam": ("疑似诈骗信息", "Looks like a scam"),
    "ads": ("疑似违法广告", "Looks like illegal advertising"),
    "abuse": ("疑似辱骂或人身攻击", "Looks abusive"),
}


def _classifier_rules() -> list[dict[str, Any]]:
    """Hold and block bands of the classifier alone, one pair per class.

    The bands come from ``classify.THRESHOLDS``, calibrated with the model on the dev set, so a
    retrained model and its bands move together.
    """
    rules: list[dict[str, Any]] = []
    for category, (hold, block) in classify.THRESHOLDS.items():
        zh, en = _CLASSIFIER_REASONS.get(
            category, ("疑似违规内容", "Looks like prohibited content")
        )
        rules.append(
            {
                "id": f"default.classifier-{category}",
                "kinds": ["classifier"],
                "categories": [category],
                "score_above": hold,
                "action": "hold",
                "reason": {"zh": f"模型判断{zh}，等待管理员审核", "en": f"{en}; held for review"},
            }
        )
        rules.append(
            {
                "id": f"default.classifier-{category}-sure",
                "kinds": ["classifier"],
                "categories": [category],
                "score_above": block,
                "action": "block",
                "reason": {"zh": f"高度{zh}", "en": f"Almost certainly: {en.lower()}"},
            }
        )
    return rules


_DEFAULT_DATA: list[dict[str, Any]] = [
    {
        "id": "default.link-bad",
        "kinds": ["link"],
        "link_classes": ["bad", "lookalike"],
        "action": "block",
        "reason": {
            "zh": "含有可疑或仿冒的链接",
            "en": "Contains a known bad or look-alike link",
        },
    },
    {
        "id": "default.lexicon-critical",
        "kinds": ["lexicon"],
        "categories": _SERIOUS,
        "min_severity": "critical",
        "action": "block",
        "reason": {"zh": "含有违法违规内容", "en": "Contains illegal content"},
    },
    {
        "id": "default.lexicon-high",
        "kinds": ["lexicon"],
        "categories": [*_SERIOUS, "ads"],
        "min_severity": "high",
        "action": "hold",
        "reason": {
            "zh": "疑似诈骗、违法广告或违规内容，等待管理员审核",
            "en": "Looks like a scam, illegal advertising or prohibited content; held for review",
        },
    },
    {
        "id": "default.lexicon-medium-several",
        "kinds": ["lexicon"],
        "categories": [*_SERIOUS, "ads"],
        "min_severity": "medium",
        "min_count": 2,
        "action": "hold",
        "reason": {
            "zh": "多处疑似诈骗或广告用语，等待管理员审核",
            "en": "Several scam or advertising phrases; held for review",
        },
    },
    {
        "id": "default.lexicon-many",
        "kinds": ["lexicon"],
        "categories": [*_SERIOUS, "ads"],
        "min_severity": "low",
        "min_count": 3,
        "action": "hold",
        "reason": {
            "zh": "多处疑似诈骗或广告用语，等待管理员审核",
            "en": "Several scam or advertising phrases; held for review",
        },
    },
    {
        "id": "default.classifier-with-words",
        "kinds": ["classifier"],
        "categories": ["scam", "ads"],
        "with": {"kinds": ["lexicon"], "categories": [*_SERIOUS, "ads"]},
        "action": "hold",
        "reason": {
            "zh": "模型与词库都提示疑似诈骗或违法广告，等待管理员审核",
            "en": "Both the classifier and the word lists point to a scam or illegal advertising; "
            "held for review",
        },
    },
    {
        "id": "default.contact-with-ad",
        "kinds": ["pii"],
        "categories": _CONTACT,
        "with": {
            "kinds": ["lexicon", "classifier"],
            "categories": [*_SERIOUS, "ads"],
            "min_severity": "medium",
        },
        "action": "hold",
        "reason": {
            "zh": "广告或诈骗用语附带联系方式（疑似引流），等待管理员审核",
            "en": "Advertising or scam wording with contact details; held for review",
        },
    },
    {
        "id": "default.contact-with-ad-words",
        "kinds": ["pii"],
        "categories": _CONTACT,
        "with": {"kinds": ["lexicon"], "categories": [*_SERIOUS, "ads"], "min_count": 2},
        "action": "hold",
        "reason": {
            "zh": "广告或诈骗用语附带联系方式（疑似引流），等待管理员审核",
            "en": "Advertising or scam wording with contact details; held for review",
        },
    },
    {
        "id": "default.abuse",
        "kinds": ["lexicon"],
        "categories": ["abuse"],
        "min_severity": "high",
        "action": "hold",
        "reason": {
            "zh": "疑似辱骂或人身攻击，等待管理员审核",
            "en": "Looks abusive; held for review",
        },
    },
    *_classifier_rules(),
    {
        "id": "default.link-shortener",
        "kinds": ["link"],
        "link_classes": ["shortener"],
        "action": "hold",
        "reason": {
            "zh": "短链接无法确认去向，等待管理员审核",
            "en": "Short links hide where they lead; held for review",
        },
    },
    {
        "id": "default.duplicate",
        "kinds": ["duplicate"],
        "categories": ["repeat", "copy", "flood"],
        "action": "hold",
        "reason": {
            "zh": "重复发送或刷屏，等待管理员审核",
            "en": "Repeated or flooding messages; held for review",
        },
    },
    {
        "id": "default.pii",
        "kinds": ["pii"],
        "action": "redact",
        "reason": {
            "zh": "含有个人信息（手机号、证件号、银行卡等），已自动隐藏",
            "en": "Personal data (phone, ID or card numbers …) was hidden",
        },
    },
]

DEFAULT_RULES: tuple[Rule, ...] = ()
_ALLOW = Decision("allow", "", "", (), frozenset())


def default_ruleset() -> RuleSet:
    return _DEFAULT_RULESET


def _build_defaults() -> tuple[Rule, ...]:
    problems: list[tuple[str, str, str]] = []
    rules = [_rule(item, f"defaults[{i}]", problems) for i, item in enumerate(_DEFAULT_DATA)]
    if problems:
        raise RuleError(problems)
    return tuple(r for r in rules if r is not None)


DEFAULT_RULES = _build_defaults()
_DEFAULT_RULESET = RuleSet((), True)
