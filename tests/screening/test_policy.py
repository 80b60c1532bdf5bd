"""Declarative rules: defaults, group rules, exemptions, validation messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from huzhu.screening import ScreenContext, rules_load, screen
from huzhu.screening.policy import RuleError
from huzhu.screening.types import Finding, Severity


def ctx(rules, **kw) -> ScreenContext:
    return ScreenContext(rules=rules_load(rules), **kw)


def test_group_word_rule_holds_with_its_reason() -> None:
    rules = [
        {
            "id": "no-jd",
            "words": ["京东"],
            "action": "hold",
            "reason": {"zh": "本群只做拼多多", "en": "Pinduoduo only"},
        }
    ]
    verdict = screen("京東有活动吗", context=ctx(rules))  # traditional form still matches
    assert verdict.action == "hold"
    assert verdict.reason_zh == "本群只做拼多多"
    assert verdict.reason_en == "Pinduoduo only"


def test_regex_rule() -> None:
    rules = [{"id": "no-price", "regex": [r"[0-9]+元"], "action": "hold"}]
    assert screen("只要9元", context=ctx(rules)).action == "hold"
    assert screen("只要九块", context=ctx(rules)).action == "allow"


def test_allow_rule_exempts_shorteners_for_trusted_members() -> None:
    rules = [
        {"id": "trusted", "link_classes": ["shortener"], "standing_above": 50, "action": "allow"}
    ]
    text = "看这个 https://t.cn/A6abc"
    assert screen(text, context=ctx(rules, standing=80)).action == "allow"
    assert screen(text, context=ctx(rules, standing=10)).action == "hold"
    assert screen(text, context=ctx(rules)).action == "hold"  # unknown standing


def test_allow_rule_can_let_a_group_share_phone_numbers() -> None:
    rules = [{"id": "phones-ok", "kinds": ["pii"], "categories": ["phone"], "action": "allow"}]
    verdict = screen("我的手机13812345678", context=ctx(rules))
    assert verdict.action == "allow"
    assert verdict.text == "我的手机13812345678"


def test_defaults_can_be_turned_off() -> None:
    verdict = screen("我的手机13812345678", context=ctx({"rules": [], "defaults": False}))
    assert verdict.action == "allow"


def test_standing_below_rule() -> None:
    rules = [{"id": "new-links", "link_classes": ["other"], "standing_below": 10, "action": "hold"}]
    assert screen("看 example.com/a", context=ctx(rules, standing=0)).action == "hold"
    assert screen("看 example.com/a", context=ctx(rules, standing=20)).action == "allow"


def test_with_condition_needs_both() -> None:
    rules = [
        {
            "id": "phone-and-word",
            "kinds": ["pii"],
            "categories": ["phone"],
            "with": {"kinds": ["lexicon"], "categories": ["custom"]},
            "action": "block",
        }
    ]
    ruleset = rules_load(rules)
    phone = Finding("pii", "phone", 0, 11, Severity.MEDIUM, "pii.phone", {"masked": "x"})
    word = Finding("lexicon", "custom", 12, 14, Severity.HIGH, "w")
    assert ruleset.decide("", [phone, word]).action == "block"
    assert ruleset.decide("", [phone]).action == "redact"


def test_score_threshold_rule() -> None:
    ruleset = rules_load(
        [{"id": "strict", "kinds": ["classifier"], "score_above": 0.3, "action": "block"}]
    )
    low = Finding("classifier", "ads", 0, 5, Severity.MEDIUM, "c", {"score": 0.2})
    high = Finding("classifier", "ads", 0, 5, Severity.MEDIUM, "c", {"score": 0.4})
    assert ruleset.decide("", [low]).action == "allow"
    assert ruleset.decide("", [high]).action == "block"


@pytest.mark.parametrize(
    ("rules", "path", "zh"),
    [
        ([{"id": "a", "action": "ban", "words": ["x"]}], "rules[0].action", "动作应为"),
        ([{"action": "hold", "words": ["x"]}], "rules[0].id", "缺少规则编号"),
        ([{"id": "a", "action": "hold"}], "rules[0]", "没有任何匹配条件"),
        ([{"id": "a", "action": "hold", "regex": ["("]}], "rules[0].regex[0]", "正则表达式无效"),
        ([{"id": "a", "action": "hold", "kinds": ["spam"]}], "rules[0].kinds[0]", "不支持的值"),
        ([{"id": "a", "action": "hold", "words": "x", "colour": 1}], "rules[0].colour", "未知字段"),
        (
            [{"id": "a", "action": "hold", "min_severity": "huge", "kinds": ["pii"]}],
            "rules[0].min_severity",
            "不支持的严重程度",
        ),
        (
            [{"id": "a", "action": "hold", "score_above": 3, "kinds": ["classifier"]}],
            "rules[0].score_above",
            "0 到 1",
        ),
        (
            [
                {"id": "a", "action": "hold", "words": ["x"]},
                {"id": "a", "action": "hold", "words": ["y"]},
            ],
            "rules[1].id",
            "重复",
        ),
        ({"rules": [], "defaults": "yes"}, "defaults", "true 或 false"),
        (
            [{"id": "a", "action": "hold", "with": {"kinds": ["pii"], "foo": 1}, "words": ["x"]}],
            "rules[0].with.foo",
            "未知字段",
        ),
        (["oops"], "rules[0]", "对象"),
    ],
)
def test_bad_rules_name_the_field_in_both_languages(rules, path: str, zh: str) -> None:
    with pytest.raises(RuleError) as info:
        rules_load(rules)
    problems = info.value.problems
    assert any(p == path and zh in z and e for p, z, e in problems), problems
    assert path in str(info.value)


def test_contact_details_with_two_ad_words_are_held() -> None:
    rules = rules_load({"rules": [], "defaults": True})
    phone = Finding("pii", "phone", 0, 11, Severity.MEDIUM, "pii.phone", {"masked": "x"})
    w1 = Finding("lexicon", "ads", 12, 14, Severity.LOW, "lexicon.ads:兼职")
    w2 = Finding("lexicon", "scam", 14, 16, Severity.LOW, "lexicon.scam:日结")
    assert rules.decide("", [phone, w1, w2]).action == "hold"
    assert rules.decide("", [phone, w1]).action == "redact"


def test_defaults_turn_findings_into_actions() -> None:
    assert screen("今天拼多多有活动吗，大家帮我砍一刀").action == "allow"
    assert screen("我的手机13812345678").action == "redact"
    assert screen("点 https://t.cn/A6abc 领券").action == "hold"
    assert screen("点击 http://pinduoduo.com.evil.cn/x 领红包").action == "block"


def test_remembered_decisions_equal_fresh_ones() -> None:
    """``RuleSet.decide`` remembers decisions by the findings' signature: on the whole dev set,
    with the defaults and with group rules that exempt findings, every verdict equals the one
    decided afresh (and the second pass, served from memory, too)."""
    lines = (Path(__file__).resolve().parent / "data" / "devset.jsonl").read_text(encoding="utf-8")
    texts = [json.loads(line)["text"] for line in lines.splitlines() if line.strip()]
    texts += [
        "我的手机13812345678，加微信 abc12345 刷单返利",
        "看这个 https://t.cn/A6abc 13812345678",
    ]
    group = [
        {"id": "phones-ok", "kinds": ["pii"], "categories": ["phone"], "action": "allow"},
        {"id": "trusted", "link_classes": ["shortener"], "standing_above": 50, "action": "allow"},
    ]
    for make in (lambda: rules_load([]), lambda: rules_load(group)):
        remembered, fresh = make(), make()
        fresh._memo_ok = False
        for standing in (None, 80.0):
            for _ in range(2):
                for text in texts:
                    a = screen(text, context=ScreenContext(rules=remembered, standing=standing))
                    b = screen(text, context=ScreenContext(rules=fresh, standing=standing))
                    assert (a.action, a.text, a.findings, a.reason_en) == (
                        b.action,
                        b.text,
                        b.findings,
                        b.reason_en,
                    ), text
