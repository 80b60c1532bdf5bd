"""Reading chat: what a member may see, in order, paged; and the JSON shape clients receive.

Held (and rejected) messages are visible only to their sender and the group's moderators; deleted
messages are tombstones (no text) for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from huzhu.chat.cards import messages_attach_cards
from huzhu.chat.models import ChatCounter, Message, MessageStatus

if TYPE_CHECKING:
    from huzhu.accounts.models import User
    from huzhu.groups.models import Group

RESYNC_PAGE_MAX = 200
HISTORY_PAGE_MAX = 100
EXCERPT_CHARS = 60


def message_as_dict(message: Message) -> dict[str, Any]:
    """The client shape of one message (the same in events, resync pages and the API)."""
    sender = message.sender
    deleted = message.deleted_at is not None
    reply: dict[str, Any] | None = None
    if message.reply_to_id is not None and message.reply_to is not None:
        target = message.reply_to
        reply = {
            "id": target.pk,
            "seq": target.seq,
            "sender_name": target.sender.display_name or target.sender.username,
            "excerpt": "" if target.deleted_at else target.text[:EXCERPT_CHARS],
            "deleted": target.deleted_at is not None,
        }
    return {
        "id": message.pk,
        "group_id": message.group_id,
        "seq": message.seq,
        "cursor": message.cursor,
        "sender": {
            "id": message.sender_id,
            "name": sender.display_name or sender.username,
        },
        "text": "" if deleted else message.text,
        "status": message.status,
        "reply_to": reply,
        "mentions": list(message.mentions or []),
        "client_key": message.client_key,
        "created_at": message.created_at.isoformat(),
        "edited": message.edited_at is not None,
        "deleted": deleted,
        "card": None if deleted else _card(message),
    }


def _card(message: Message) -> dict[str, Any] | None:
    if not message.shared_type or not message.shared_id:
        return None
    card = getattr(message, "card", None)
    if card is None:  # not batch-loaded (a single message): load it now
        from huzhu.chat.cards import messages_attach_cards

        messages_attach_cards([message])
        card = getattr(message, "card", None)
    return card


def _visible(*, viewer: User, is_moderator: bool) -> Q:
    under_review = [MessageStatus.HELD, MessageStatus.REJECTED]
    if is_moderator:
        return Q(status__in=[MessageStatus.PUBLISHED, *under_review])
    return Q(status=MessageStatus.PUBLISHED) | Q(status__in=under_review, sender_id=viewer.pk)


def _base(*, group: Group, viewer: User, is_moderator: bool) -> QuerySet[Message]:
    return (
        Message.objects.filter(group=group)
        .filter(_visible(viewer=viewer, is_moderator=is_moderator))
        .select_related("sender", "reply_to", "reply_to__sender")
    )


def chat_last_seq(*, group: Group) -> int:
    return ChatCounter.objects.filter(group=group).values_list("last_seq", flat=True).first() or 0


@dataclass(frozen=True, slots=True)
class ResyncPage:
    messages: list[dict[str, Any]]
    cursor: int  # ask for changes after this next time
    more: bool


def messages_after(
    *, viewer: User, group: Group, after_seq: int, limit: int = 100, is_moderator: bool = False
) -> ResyncPage:
    """Every change (new, edited, deleted message) after ``after_seq``, oldest first, paged.

    ``after_seq`` is the cursor the client last saw (``message.cursor`` of live events, or the
    ``cursor`` of the previous page).
    """
    limit = max(1, min(limit, RESYNC_PAGE_MAX))
    # Read the counter first: every change numbered up to it is already committed (the counter
    # row and the message are written in one transaction), so nothing can be skipped.
    last = chat_last_seq(group=group)
    rows = list(
        _base(group=group, viewer=viewer, is_moderator=is_moderator)
        .filter(cursor__gt=after_seq)
        .order_by("cursor")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    messages_attach_cards(rows)
    cursor = rows[-1].cursor if more else max([last, after_seq, *(m.cursor for m in rows)])
    return ResyncPage(messages=[message_as_dict(m) for m in rows], cursor=cursor, more=more)


def messages_before(
    *,
    viewer: User,
    group: Group,
    before_seq: int | None = None,
    limit: int = 50,
    is_moderator: bool = False,
) -> list[dict[str, Any]]:
    """The ``limit`` messages before ``before_seq`` (or the latest), oldest first: history."""
    limit = max(1, min(limit, HISTORY_PAGE_MAX))
    qs = _base(group=group, viewer=viewer, is_moderator=is_moderator)
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
    rows = list(qs.order_by("-seq")[:limit])
    rows.reverse()
    messages_attach_cards(rows)
    return [message_as_dict(m) for m in rows]
