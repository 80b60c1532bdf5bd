"""The screening gate applies the engine with the group's own rules and words."""

from __future__ import annotations

import pytest

from huzhu.core.errors import InvalidInput
from huzhu.core.gate import content_screen, group_screening_rules_validate

pytestmark = pytest.mark.django_db


def test_phone_number_is_masked_before_publication(group, member):
    verdict = content_screen(text="有需要的加我 13812345678，一起拼", author=member, group=group)
    assert verdict.action == "redact"
    assert "13812345678" not in verdict.text
    assert "138****5678" in verdict.text


def test_scam_text_is_not_allowed(group, member):
    verdict = content_screen(
        text="招聘兼职刷单，日赚三百，先垫付后返利，加微信 abc12345 详聊",
        author=member,
        group=group,
    )
    assert verdict.action in {"hold", "block"}
    assert verdict.reason_zh


def test_normal_chatter_is_allowed(group, member):
    verdict = content_screen(
        text="今天的纸巾拼团还差一个人，大家帮忙点一下，谢谢！", author=member, group=group
    )
    assert verdict.action == "allow"
    assert verdict.text == "今天的纸巾拼团还差一个人，大家帮忙点一下，谢谢！"


def test_group_extra_words_apply_only_in_that_group(group, member):
    from tests.factories import make_group

    group.config = {"screening": {"extra_words": {"代购面膜": "ads"}}}
    group.save()
    other = make_group(name="另一个群")
    text = "出代购面膜，便宜出"
    assert any(
        f.kind == "lexicon" for f in content_screen(text=text, author=member, group=group).findings
    )
    assert not any(
        f.kind == "lexicon" and f.category == "ads"
        for f in content_screen(text=text, author=member, group=other).findings
    )


def test_oversize_text_gets_a_clear_error(group, member):
    with pytest.raises(InvalidInput, match="太长"):
        content_screen(text="字" * 10_001, author=member, group=group)


def test_bad_group_rules_are_refused_with_a_message():
    with pytest.raises(InvalidInput, match="审核规则有误"):
        group_screening_rules_validate(rules=[{"action": "explode"}])
