"""Sanctions, the editable ladder, platform bans, shared ban lists and appeals."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from huzhu.audit.models import AuditEvent, AuditEventType
from huzhu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from huzhu.groups.models import Membership
from huzhu.groups.services import group_join, invite_create
from huzhu.moderation.appeals import appeal_decide, appeal_file, appeals_pending
from huzhu.moderation.banlists import ban_list_create, ban_list_subscribe
from huzhu.moderation.member_notes import member_note_add, member_notes_list
from huzhu.moderation.models import Sanction
from huzhu.moderation.sanctions import (
    active_warnings,
    ladder_next_step,
    moderation_settings_update,
    platform_ban,
    sanction_issue,
)
from huzhu.notifications.models import Notification
from tests.factories import join, make_group, make_user
from tests.moderation.conftest import send


def test_mute_sets_muted_until_and_chat_refuses(group, mod, scammer):
    from huzhu.chat.services import message_send

    sanction = sanction_issue(
        actor=mod, group=group, user=scammer, kind="mute", hours=24, reason="ad"
    )
    membership = Membership.objects.get(group=group, user=scammer)
    assert membership.is_muted and membership.muted_until == sanction.expires_at
    with pytest.raises(Forbidden) as exc:
        message_send(actor=scammer, group=group, text="再发一次广告")
    assert exc.value.code == "muted"
    assert Notification.objects.filter(user=scammer, kind="moderation.sanctioned").exists()
    assert AuditEvent.objects.filter(event_type=AuditEventType.SANCTION_ISSUED).count() == 1


def test_warnings_expire(group, mod, scammer):
    sanction_issue(actor=mod, group=group, user=scammer, kind="warning", reason="false_info")
    assert active_warnings(group=group, user=scammer).count() == 1
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert active_warnings(group=group, user=scammer).count() == 0


def test_false_information_is_its_own_reason(group, mod, scammer):
    sanction = sanction_issue(
        actor=mod, group=group, user=scammer, kind="warning", reason="false_info"
    )
    assert sanction.get_reason_display() == "发布经核实的虚假信息"


def test_removal_and_group_ban(group, mod, alice, scammer, owner):
    sanction_issue(actor=mod, group=group, user=alice, kind="removal", reason="rules")
    assert Membership.objects.get(group=group, user=alice).status == "removed"
    sanction_issue(actor=mod, group=group, user=scammer, kind="group_ban", reason="scam")
    invite = invite_create(actor=owner, group=group)
    with pytest.raises(Forbidden) as exc:
        group_join(user=scammer, code=invite.code, accept_rules=True)
    assert exc.value.code == "banned"


def test_who_may_be_sanctioned(group, owner, mod, mod2, alice):
    with pytest.raises(Forbidden):
        sanction_issue(actor=mod, group=group, user=owner, kind="warning", reason="other")
    with pytest.raises(Forbidden):
        sanction_issue(actor=mod, group=group, user=mod2, kind="warning", reason="other")
    with pytest.raises(Forbidden):
        sanction_issue(actor=alice, group=group, user=mod2, kind="warning", reason="other")
    with pytest.raises(InvalidInput):
        sanction_issue(actor=mod, group=group, user=mod, kind="warning", reason="other")
    # The owner may sanction an admin.
    sanction_issue(actor=owner, group=group, user=mod2, kind="warning", reason="other")


def test_owner_edits_the_ladder_and_window(group, owner, mod, scammer):
    with pytest.raises(Forbidden):
        moderation_settings_update(actor=mod, group=group, ladder=[{"kind": "warning"}])
    with pytest.raises(InvalidInput):
        moderation_settings_update(actor=owner, group=group, ladder=[{"kind": "platform_ban"}])
    moderation_settings_update(
        actor=owner,
        group=group,
        ladder=[{"kind": "mute", "hours": 2}, {"kind": "removal"}],
        ladder_window_days=30,
    )
    assert ladder_next_step(group=group, user=scammer) == (0, {"kind": "mute", "hours": 2})
    first = sanction_issue(actor=mod, group=group, user=scammer, reason="ad")
    assert first.kind == "mute" and first.ladder_step == 0
    assert ladder_next_step(group=group, user=scammer)[1] == {"kind": "removal"}
    # Older than the window: no longer counted.
    Sanction.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert ladder_next_step(group=group, user=scammer)[0] == 0
    assert AuditEvent.objects.filter(event_type=AuditEventType.MODERATION_SETTINGS_CHANGED).exists()


def test_default_ladder_counts_ninety_days(group, mod, scammer):
    old = sanction_issue(actor=mod, group=group, user=scammer, kind="warning", reason="ad")
    assert ladder_next_step(group=group, user=scammer)[1] == {"kind": "mute", "hours": 24}
    Sanction.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))
    assert ladder_next_step(group=group, user=scammer)[1] == {"kind": "warning"}


def test_platform_ban_is_for_staff(group, mod, scammer):
    with pytest.raises(Forbidden):
        platform_ban(actor=mod, user=scammer, reason="scam")
    staff = make_user("staff", "平台客服")
    staff.is_staff = True
    staff.save()
    platform_ban(actor=staff, user=scammer, reason="scam")
    scammer.refresh_from_db()
    assert not scammer.is_active


# --- appeals ------------------------------------------------------------------------------------


def test_appeal_is_decided_by_a_different_moderator(group, mod, mod2, scammer):
    sanction = sanction_issue(
        actor=mod, group=group, user=scammer, kind="mute", hours=24, reason="ad"
    )
    appeal = appeal_file(actor=scammer, sanction_id=sanction.pk, text="我发的是正规店铺链接")
    with pytest.raises(Conflict):
        appeal_file(actor=scammer, sanction_id=sanction.pk, text="再申诉一次可以吗")
    assert Notification.objects.filter(user=mod2, kind="moderation.appeal_filed").exists()
    assert not Notification.objects.filter(user=mod, kind="moderation.appeal_filed").exists()
    # The sanctioning moderator may not decide, nor see it among appeals to decide.
    assert list(appeals_pending(actor=mod, group=group)) == []
    with pytest.raises(Forbidden) as exc:
        appeal_decide(actor=mod, appeal_id=appeal.pk, grant=True)
    assert exc.value.code == "own_sanction"
    decided = appeal_decide(actor=mod2, appeal_id=appeal.pk, grant=True, text="链接核实无误")
    assert decided.status == "granted" and decided.decided_by == mod2
    assert not Membership.objects.get(group=group, user=scammer).is_muted
    sanction.refresh_from_db()
    assert sanction.revoked_at is not None and not sanction.is_active
    assert Notification.objects.filter(user=scammer, kind="moderation.appeal_decided").exists()
    with pytest.raises(Conflict):
        appeal_decide(actor=mod2, appeal_id=appeal.pk, grant=False)


def test_owner_may_decide_and_rejection_keeps_the_sanction(group, owner, mod, scammer):
    sanction = sanction_issue(
        actor=mod, group=group, user=scammer, kind="mute", hours=24, reason="ad"
    )
    appeal = appeal_file(actor=scammer, sanction_id=sanction.pk, text="我不是故意的，请原谅")
    appeal_decide(actor=owner, appeal_id=appeal.pk, grant=False, text="多人举报属实")
    assert Membership.objects.get(group=group, user=scammer).is_muted
    assert AuditEvent.objects.filter(event_type=AuditEventType.APPEAL_DECIDED).count() == 1


def test_only_the_sanctioned_member_appeals(group, mod, alice, scammer, outsider):
    sanction = sanction_issue(actor=mod, group=group, user=scammer, kind="warning", reason="ad")
    with pytest.raises(NotFound):
        appeal_file(actor=alice, sanction_id=sanction.pk, text="替他申诉一下")
    appeal = appeal_file(actor=scammer, sanction_id=sanction.pk, text="这是误会，请复核")
    with pytest.raises(NotFound):
        appeal_decide(actor=outsider, appeal_id=appeal.pk, grant=True)
    with pytest.raises(Forbidden):
        appeal_decide(actor=alice, appeal_id=appeal.pk, grant=True)


# --- shared ban lists -----------------------------------------------------------------------------


def test_shared_ban_list_across_groups_and_owners(group, owner, mod, scammer, other_group):
    second = make_group(owner, name="上班族生活互助群")
    join(second, scammer)
    ban_list = ban_list_create(actor=owner, group=group, name="王群主的群")
    ban_list_subscribe(actor=owner, group=second, join_code=ban_list.join_code)
    sanction = sanction_issue(actor=mod, group=group, user=scammer, kind="group_ban", reason="scam")
    assert Membership.objects.get(group=second, user=scammer).status == "banned"

    # Another owner opts in: existing bans apply to their group at once.
    other_owner = other_group.memberships.get(role="owner").user
    with pytest.raises(Forbidden):
        ban_list_subscribe(actor=mod, group=group, join_code=ban_list.join_code)
    ban_list_subscribe(actor=other_owner, group=other_group, join_code=ban_list.join_code)
    invite = invite_create(actor=other_owner, group=other_group)
    with pytest.raises(Forbidden):
        group_join(user=scammer, code=invite.code, accept_rules=True)

    # A granted appeal lifts the ban everywhere it spread.
    appeal = appeal_file(actor=scammer, sanction_id=sanction.pk, text="封错人了，请核实")
    appeal_decide(actor=owner, appeal_id=appeal.pk, grant=True)
    assert Membership.objects.get(group=second, user=scammer).status == "removed"
    group_join(user=scammer, code=invite.code, accept_rules=True)


# --- private moderator notes ----------------------------------------------------------------------


def test_member_notes_are_for_moderators_only(group, mod, mod2, alice, scammer):
    member_note_add(actor=mod, group=group, member=scammer, text="多次私聊群友推销")
    assert [n.text for n in member_notes_list(actor=mod2, group=group, member=scammer)] == [
        "多次私聊群友推销"
    ]
    with pytest.raises(Forbidden):
        member_notes_list(actor=alice, group=group, member=scammer)
    with pytest.raises(Forbidden):
        member_note_add(actor=alice, group=group, member=scammer, text="我也想写")
    event = AuditEvent.objects.get(event_type=AuditEventType.MEMBER_NOTE_ADDED)
    assert "推销" not in str(event.extra)


def test_sanctioned_member_message_stays_out_of_chat(group, mod, alice, scammer):
    # Sanction and messaging compose: a removed member cannot send.
    from huzhu.chat.services import message_send

    send(scammer, group, "hi")
    sanction_issue(actor=mod, group=group, user=scammer, kind="removal", reason="ad")
    with pytest.raises(NotFound):
        message_send(actor=scammer, group=group, text="还在吗")
