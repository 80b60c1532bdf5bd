"""Private moderator notes on a member: written and read only by the group's moderators."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record
from huzhu.core.errors import InvalidInput, NotFound
from huzhu.groups.models import Group, Membership
from huzhu.moderation.access import access_moderator
from huzhu.moderation.models import MemberNote

if TYPE_CHECKING:
    from huzhu.accounts.models import User


@transaction.atomic
def member_note_add(*, actor: User, group: Group, member: User, text: str) -> MemberNote:
    group, _membership = access_moderator(user=actor, group_id=group.pk)
    if not Membership.objects.filter(group=group, user=member).exists():
        raise NotFound(_("没有找到这位成员。"))
    text = (text or "").strip()
    if not 1 <= len(text) <= 1000:
        raise InvalidInput(_("备注需要 1 到 1000 个字。"), code="invalid_text")
    note = MemberNote.objects.create(group=group, member=member, author=actor, text=text)
    # The note's text stays out of the audit log: the log is visible to the owner, the note
    # to all moderators, but the text may be sensitive and belongs only in one place.
    audit_record(
        event_type=AuditEventType.MEMBER_NOTE_ADDED,
        actor=actor,
        group=group,
        target_user=member,
        target=note,
    )
    return note


def member_notes_list(*, actor: User, group: Group, member: User) -> QuerySet[MemberNote]:
    access_moderator(user=actor, group_id=group.pk)
    return MemberNote.objects.filter(group=group, member=member).select_related("author")
