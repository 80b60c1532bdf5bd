"""Fact-check notes (核实) on deals, resources and requests: write, rate, score, show.

Members write a short tagged note on a piece of content; others rate it helpful or not. After
each rating the group's notes are re-scored with the bridging model (``bridging.py``); a note is
shown to everyone only once it is ``helpful``. Writers whose notes are repeatedly rated not
helpful lose the right to write notes for a while.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record
from huzhu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from huzhu.groups.models import Membership, MembershipStatus
from huzhu.moderation import bridging
from huzhu.moderation import notifications as kinds
from huzhu.moderation.contracts import content_adapter_for
from huzhu.moderation.models import Note, NoteRating, NoteStatus, NoteTag
from huzhu.moderation.standing import standing_for
from huzhu.notifications.services import notification_create

if TYPE_CHECKING:
    from django.db.models import Model

    from huzhu.accounts.models import User

MAX_NOTE_CHARS = 280
PAUSE_AFTER_UNHELPFUL = 3  # notes rated not helpful …
PAUSE_WINDOW = timedelta(days=30)  # … within this window …
PAUSE_LENGTH = timedelta(days=7)  # … pause writing for this long after the last one


def _member(*, user: User, group_id: int) -> Membership:
    membership = Membership.objects.filter(
        group_id=group_id, user_id=user.pk, status=MembershipStatus.ACTIVE
    ).first()
    if membership is None:
        raise NotFound(_("没有找到这条内容。"))
    return membership


def note_writing_paused_until(*, user: User, group_id: int) -> datetime | None:
    """When the writer may write notes again, or None if they may now."""
    now = timezone.now()
    unhelpful = list(
        Note.objects.filter(
            author=user,
            group_id=group_id,
            status=NoteStatus.NOT_HELPFUL,
            scored_at__gte=now - PAUSE_WINDOW,
        )
        .order_by("-scored_at")
        .values_list("scored_at", flat=True)[:PAUSE_AFTER_UNHELPFUL]
    )
    if len(unhelpful) < PAUSE_AFTER_UNHELPFUL or unhelpful[0] is None:
        return None
    until = unhelpful[0] + PAUSE_LENGTH
    return until if until > now else None


@transaction.atomic
def note_write(*, actor: User, target: Model, tag: str, text: str) -> Note:
    adapter = content_adapter_for(target)
    if adapter is None:
        raise InvalidInput(_("这类内容不能添加核实。"), code="not_notable")
    group_id = adapter.group_id(target)
    _member(user=actor, group_id=group_id)
    if tag not in NoteTag.values:
        raise InvalidInput(_("请选择核实标签。"), code="invalid_tag")
    text = " ".join((text or "").split())
    if not 5 <= len(text) <= MAX_NOTE_CHARS:
        raise InvalidInput(
            _("核实内容需要 5 到 %(n)d 个字。") % {"n": MAX_NOTE_CHARS}, code="invalid_text"
        )
    if adapter.author(target).pk == actor.pk:
        raise InvalidInput(_("不能核实自己发布的内容。"), code="own_content")
    if not standing_for(user=actor, group=group_id).can("write_notes"):
        raise Forbidden(_("信用等级达到“可信成员”后才能撰写核实。"), code="standing_too_low")
    until = note_writing_paused_until(user=actor, group_id=group_id)
    if until is not None:
        raise Forbidden(
            _("你最近的核实多次被评为没有帮助，%(until)s 后才能再写。")
            % {"until": formats.date_format(timezone.localtime(until), "SHORT_DATETIME_FORMAT")},
            code="note_writing_paused",
        )
    try:
        with transaction.atomic():
            note = Note.objects.create(
                group_id=group_id,
                content_type=ContentType.objects.get_for_model(target),
                object_id=target.pk,
                author=actor,
                tag=tag,
                text=text,
            )
    except IntegrityError:
        raise Conflict(_("你已经为这条内容写过核实了。"), code="already_noted") from None
    audit_record(
        event_type=AuditEventType.FACTCHECK_NOTE_CREATED,
        actor=actor,
        group=note.group,
        target_user=adapter.author(target),
        target=note,
        extra={"tag": tag, "on": f"{note.content_type.model}:{target.pk}"},
    )
    return note


@transaction.atomic
def note_rate(*, actor: User, note_id: int, helpful: bool) -> Note:
    """Rate a note (a second rating replaces the first), then re-score the group's notes."""
    note = Note.objects.select_related("group").filter(pk=note_id).first()
    if note is None:
        raise NotFound(_("没有找到这条核实。"))
    _member(user=actor, group_id=note.group_id)
    if note.author_id == actor.pk:
        raise InvalidInput(_("不能评价自己写的核实。"), code="own_note")
    if not standing_for(user=actor, group=note.group_id).can("rate_notes"):
        raise Forbidden(_("入群满一天且信用正常后才能评价核实。"), code="standing_too_low")
    NoteRating.objects.update_or_create(
        note=note, rater=actor, defaults={"helpful": helpful, "group_id": note.group_id}
    )
    notes_rescore(group_id=note.group_id)
    note.refresh_from_db()
    return note


def notes_rescore(
    *, group_id: int, params: bridging.Params | None = None
) -> dict[Hashable, bridging.NoteScore]:
    """Score every rated note of the group and store the statuses that changed."""
    ratings = [
        bridging.Rating(rater=rater, note=note, helpful=helpful)
        for rater, note, helpful in NoteRating.objects.filter(group_id=group_id).values_list(
            "rater_id", "note_id", "helpful"
        )
    ]
    scores = bridging.score_notes(ratings, params=params)
    now = timezone.now()
    notes = Note.objects.filter(pk__in=list(scores)).select_related("author", "group")
    newly_unhelpful_authors: set[Any] = set()
    for note in notes:
        score = scores[note.pk]
        changed = (
            note.status != score.status
            or note.intercept != score.intercept
            or note.scored_by != score.method
        )
        if not changed:
            continue
        if score.status == NoteStatus.NOT_HELPFUL and note.status != NoteStatus.NOT_HELPFUL:
            newly_unhelpful_authors.add(note.author)
        note.status = score.status
        note.intercept = score.intercept
        note.factor = score.factor
        note.scored_by = score.method
        note.scored_at = now
        note.save(update_fields=["status", "intercept", "factor", "scored_by", "scored_at"])
    for author in newly_unhelpful_authors:
        until = note_writing_paused_until(user=author, group_id=group_id)
        if until is not None:
            _audit_pause(author=author, group_id=group_id, until=until)
    return scores


def _audit_pause(*, author: User, group_id: int, until: datetime) -> None:
    from huzhu.groups.models import Group

    group = Group.objects.get(pk=group_id)
    audit_record(
        event_type=AuditEventType.FACTCHECK_WRITER_PAUSED,
        actor=None,
        group=group,
        target_user=author,
        extra={"until": until.isoformat()},
    )
    notification_create(
        user=author,
        kind=kinds.NOTE_WRITING_PAUSED,
        group=group,
        params={"until": formats.date_format(timezone.localtime(until), "SHORT_DATETIME_FORMAT")},
    )


@dataclass
class NotesView:
    shown: list[Note]  # helpful: everyone sees them
    to_rate: list[Note]  # needs more ratings, and this viewer may rate them
    mine: list[Note]  # the viewer's own notes on this item, whatever their status
    can_write: bool
    can_rate: bool
    paused_until: datetime | None


def notes_for_target(*, viewer: User, target: Model) -> NotesView:
    adapter = content_adapter_for(target)
    if adapter is None:
        raise InvalidInput(_("这类内容没有核实。"), code="not_notable")
    group_id = adapter.group_id(target)
    _member(user=viewer, group_id=group_id)
    standing = standing_for(user=viewer, group=group_id)
    ct = ContentType.objects.get_for_model(target)
    notes = list(Note.objects.filter(content_type=ct, object_id=target.pk).select_related("author"))
    rated = set(
        NoteRating.objects.filter(rater=viewer, note__in=notes).values_list("note_id", flat=True)
    )
    can_rate = standing.can("rate_notes")
    paused = note_writing_paused_until(user=viewer, group_id=group_id)
    own_content = adapter.author(target).pk == viewer.pk
    return NotesView(
        shown=[n for n in notes if n.status == NoteStatus.HELPFUL],
        to_rate=[
            n
            for n in notes
            if can_rate
            and n.status == NoteStatus.NEEDS_MORE
            and n.author_id != viewer.pk
            and n.pk not in rated
        ],
        mine=[n for n in notes if n.author_id == viewer.pk],
        can_write=standing.can("write_notes")
        and paused is None
        and not own_content
        and not any(n.author_id == viewer.pk for n in notes),
        can_rate=can_rate,
        paused_until=paused,
    )
