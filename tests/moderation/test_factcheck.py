"""Fact-check notes through the services: writing, rating, who sees what, writer pauses."""

from __future__ import annotations

import pytest

from huzhu.aid.services import aid_request_post
from huzhu.audit.models import AuditEvent, AuditEventType
from huzhu.core.errors import Conflict, Forbidden, InvalidInput
from huzhu.moderation.factcheck import (
    note_rate,
    note_write,
    note_writing_paused_until,
    notes_for_target,
)
from huzhu.moderation.models import Note
from huzhu.notifications.models import Notification
from tests.factories import join, make_user
from tests.moderation.conftest import member_of


def _deal(group, author, n=1):
    return aid_request_post(
        actor=author,
        group=group,
        kind="groupbuy",
        title=f"9.9 元抽纸 {n}",
        link=f"https://mobile.yangkeduo.com/goods.html?goods_id={1000 + n}",
        size=3,
    )


def test_writing_needs_standing_and_is_once_per_item(group, alice, bob):
    deal = _deal(group, alice)
    with pytest.raises(Forbidden) as exc:
        note_write(actor=bob, target=deal, tag="price_mismatch", text="实际价格是 19.9 元")
    assert exc.value.code == "standing_too_low"  # 30 days in the group: level 1
    writer = member_of(group, "writer", "核实员", days=45)
    note = note_write(actor=writer, target=deal, tag="price_mismatch", text="实际价格是 19.9 元")
    assert note.status == "needs_more"
    with pytest.raises(Conflict):
        note_write(actor=writer, target=deal, tag="expired", text="已经下架了好像")
    with pytest.raises(InvalidInput):
        note_write(actor=alice, target=_deal(group, bob, 2), tag="bogus", text="随便写写的")
    assert AuditEvent.objects.filter(event_type=AuditEventType.FACTCHECK_NOTE_CREATED).exists()


def test_new_members_cannot_rate_and_authors_cannot_rate_their_own(group, alice):
    writer = member_of(group, "writer", "核实员", days=45)
    note = note_write(
        actor=writer, target=_deal(group, alice), tag="accurate", text="价格属实，已下单"
    )
    newbie = join(group, make_user("newbie", "新人"), newcomer=True).user
    with pytest.raises(Forbidden):
        note_rate(actor=newbie, note_id=note.pk, helpful=True)
    with pytest.raises(InvalidInput):
        note_rate(actor=writer, note_id=note.pk, helpful=True)


def test_a_group_with_two_camps(group):
    """Six members of each camp rate every note: camp-only notes stay hidden, bridging notes show."""
    author = member_of(group, "seller", "卖家")
    writers = [member_of(group, f"writer{i}", f"写手{i}", days=45) for i in range(6)]
    camp_a = [member_of(group, f"camp_a{i}", f"甲{i}") for i in range(6)]
    camp_b = [member_of(group, f"camp_b{i}", f"乙{i}") for i in range(6)]
    kinds = ["a", "a", "b", "b", "both", "both"]
    notes = []
    for i, kind in enumerate(kinds):
        note = note_write(
            actor=writers[i],
            target=_deal(group, author, i),
            tag="accurate",
            text=f"核实内容 {i} 号",
        )
        notes.append((kind, note))
    for kind, note in notes:
        for rater in camp_a:
            note_rate(actor=rater, note_id=note.pk, helpful=kind in ("a", "both"))
        for rater in camp_b:
            note_rate(actor=rater, note_id=note.pk, helpful=kind in ("b", "both"))
    status = {note.pk: Note.objects.get(pk=note.pk).status for _, note in notes}
    assert [status[n.pk] for k, n in notes if k == "both"] == ["helpful", "helpful"]
    assert all(status[n.pk] != "helpful" for k, n in notes if k != "both")
    assert Note.objects.get(pk=notes[-1][1].pk).scored_by == "mf"
    # Everyone sees the bridging note on the deal; a camp-only note is shown only to raters.
    view = notes_for_target(viewer=author, target=notes[-1][1].target)
    assert [n.pk for n in view.shown] == [notes[-1][1].pk]
    view = notes_for_target(viewer=author, target=notes[0][1].target)
    assert view.shown == []


def test_writers_rated_unhelpful_are_paused(group, alice):
    writer = member_of(group, "writer", "乱写的人", days=45)
    raters = [member_of(group, f"rater{i}", f"评价者{i}") for i in range(3)]
    for n in range(3):
        note = note_write(
            actor=writer, target=_deal(group, alice, n), tag="expired", text=f"这个已经过期了 {n}"
        )
        for rater in raters:
            note_rate(actor=rater, note_id=note.pk, helpful=False)
        assert Note.objects.get(pk=note.pk).status == "not_helpful"
    assert note_writing_paused_until(user=writer, group_id=group.pk) is not None
    with pytest.raises(Forbidden) as exc:
        note_write(actor=writer, target=_deal(group, alice, 9), tag="expired", text="又过期了吧")
    assert exc.value.code == "note_writing_paused"
    assert Notification.objects.filter(user=writer, kind="moderation.note_writing_paused").exists()
    assert AuditEvent.objects.filter(event_type=AuditEventType.FACTCHECK_WRITER_PAUSED).exists()
