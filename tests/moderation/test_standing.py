"""Standing (信用分): computed from history; levels, privileges, first-day limits, hints."""

from __future__ import annotations

from huzhu.aid.services import aid_request_post, help_give
from huzhu.moderation.sanctions import sanction_issue
from huzhu.moderation.standing import standing_for
from tests.factories import join, make_user
from tests.moderation.conftest import member_of


def test_newcomer_has_first_day_limits(group):
    newbie = join(group, make_user("newbie", "新人"), newcomer=True).user
    standing = standing_for(user=newbie, group=group)
    assert standing.first_day and standing.level.number == 0
    assert not standing.can("post_links") and not standing.can("create_groupbuys")
    assert standing.limits["requests_per_day"] == 3
    assert any("24 小时" in hint for hint in standing.how_to_rise())


def test_time_and_helps_raise_the_level(group, alice):
    standing = standing_for(user=alice, group=group)  # 30 days in the group
    assert standing.level.number == 1 and standing.components["days"] == 15
    assert standing.can("post_links") and not standing.can("write_notes")
    assert standing.points_to_next == 5
    for n in range(3):
        asker = member_of(group, f"asker{n}", f"求助者{n}")
        request = aid_request_post(
            actor=asker,
            group=group,
            kind="boost",
            title=f"砍一刀 {n}",
            link=f"https://mobile.yangkeduo.com/goods.html?goods_id={n + 10}",
            needed=2,
        )
        help_give(actor=alice, request_id=request.pk)
    standing = standing_for(user=alice, group=group)
    assert standing.components["helps"] == 6  # read from the aid ledger
    assert standing.level.number == 2 and standing.can("write_notes")
    assert standing.report_weight > 1.0


def test_sanctions_lower_standing_until_restricted(group, mod, alice):
    sanction_issue(actor=mod, group=group, user=alice, kind="mute", hours=1, reason="ad")
    sanction_issue(actor=mod, group=group, user=alice, kind="mute", hours=1, reason="ad")
    standing = standing_for(user=alice, group=group)
    assert standing.components["sanctions"] == -30
    assert standing.score < 0 and standing.level.number == -1
    assert standing.report_weight < 0.5 and not standing.can("rate_notes")


def test_moderators_have_every_privilege_and_weight(group, mod, outsider):
    standing = standing_for(user=mod, group=group)
    assert standing.can("write_notes") and standing.report_weight >= 2.0
    assert standing_for(user=outsider, group=group).report_weight == 0.0


def test_standing_require_explains_the_refusal(group, alice):
    import pytest

    from huzhu.core.errors import Forbidden
    from huzhu.moderation.standing import standing_require

    newbie = join(group, make_user("newbie", "新人"), newcomer=True).user
    with pytest.raises(Forbidden) as exc:
        standing_require(user=newbie, group=group, privilege="post_links")
    assert exc.value.code == "standing_too_low" and "24 小时" in str(exc.value)
    assert standing_require(user=alice, group=group, privilege="create_groupbuys").level.number == 1
