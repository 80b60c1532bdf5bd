"""Chat use cases: send, edit and delete a message; the group's chat settings.

Each write checks the member's access and limits, screens the text, writes inside one transaction
(taking the group's next sequence number under a row lock) and publishes the realtime event after
commit. A database outage surfaces as a retryable error (code ``retry``, HTTP 503); the client
resends with the same idempotency key, and the key makes sure the message lands once.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from huzhu.chat import limits
from huzhu.chat.cards import share_target_check
from huzhu.chat.models import ChatCounter, Message, MessageRevision, MessageStatus
from huzhu.chat.selectors import message_as_dict
from huzhu.core.errors import Conflict, Forbidden, HuzhuError, InvalidInput, NotFound, RateLimited
from huzhu.groups.models import Membership, MembershipStatus
from huzhu.moderation.hooks import review_item_close_for, review_item_enqueue
from huzhu.moderation.standing import FIRST_DAY, standing_for, standing_require
from huzhu.realtime.events import Audience, MessageCreated, MessageDeleted, MessageEdited
from huzhu.realtime.publish import event_publish_on_commit
from huzhu.screening.types import Verdict
from huzhu.wellbeing.group import group_quiet_hours_check

if TYPE_CHECKING:
    from huzhu.accounts.models import User
    from huzhu.groups.models import Group

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
MAX_CLIENT_KEY_CHARS = 64
MENTION_KIND = "chat.mention"
_MENTION_RE = re.compile(r"@([^\s@，。,!！?？:：;；、]{1,40})")

# How the sender is told what was hidden from a redacted message.
_PII_LABELS = {
    "phone": gettext_noop("手机号"),
    "landline": gettext_noop("电话号码"),
    "id_card": gettext_noop("身份证号"),
    "bank_card": gettext_noop("银行卡号"),
    "email": gettext_noop("邮箱"),
    "qq": gettext_noop("QQ 号"),
    "wechat": gettext_noop("微信号"),
    "address": gettext_noop("地址"),
    "plate": gettext_noop("车牌号"),
    "passport": gettext_noop("护照号"),
}


class RetryLater(HuzhuError):
    """The database is unavailable: nothing was saved; resend with the same idempotency key."""

    status = 503
    code = "retry"


class MessageBlocked(HuzhuError):
    """Screening refused the text; nothing was published (the client keeps it in the composer)."""

    status = 422
    code = "blocked"


P = ParamSpec("P")
R = TypeVar("R")


def _retryable_db(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn "database unreachable" into a clear retryable error instead of a 500."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except (OperationalError, InterfaceError) as exc:
            logger.warning("chat: database unavailable in %s: %s", fn.__name__, exc)
            # A broken connection must not be reused by the next request in this thread.
            if not connection.in_atomic_block:
                with contextlib.suppress(Exception):  # the connection is already broken
                    connection.close()
            raise RetryLater(_("服务器暂时无法保存消息，请稍后重试（内容不会丢失）。")) from exc

    return wrapper


@dataclass(frozen=True, slots=True)
class SendResult:
    message: Message
    created: bool  # False: an earlier send with the same key already stored it
    notice: str = ""  # shown to the sender only, e.g. "手机号已隐藏"

    def as_dict(self) -> dict[str, Any]:
        return {
            "message": message_as_dict(self.message),
            "created": self.created,
            "notice": self.notice,
        }


# A share without a comment has no text to screen.
_NOTHING_TO_SCREEN = Verdict(action="allow", text="", findings=[])


# --- helpers ----------------------------------------------------------------------------------
def _screen(*, text: str, author: User, group: Group) -> Verdict:
    # Imported here: the gate loads the screening engine and its word lists.
    from huzhu.core.gate import content_screen

    return content_screen(text=text, author=author, group=group, kind="message")


def _active_membership(*, user: User, group: Group) -> Membership:
    membership = Membership.objects.filter(
        group=group, user_id=user.pk, status=MembershipStatus.ACTIVE
    ).first()
    if membership is None:
        raise NotFound(_("没有找到这个群，或你不是群成员。"))
    return membership


def _next_seq(*, group_id: int) -> int:
    """Take the group's next sequence number; the row stays locked until commit.

    One ``UPDATE … RETURNING`` on PostgreSQL and SQLite (3.35+): concurrent senders queue on the
    row lock (SQLite: on the write lock), so numbers are unique and commit in order.
    """
    table = ChatCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = last_seq + 1 WHERE group_id = %s RETURNING last_seq",  # noqa: S608
            [group_id],
        )
        row = cursor.fetchone()
    if row is not None:
        return int(row[0])
    ChatCounter.objects.get_or_create(group_id=group_id)
    return _next_seq(group_id=group_id)


def _message_insert_numbered(message: Message) -> None:
    """Store the unsaved ``message`` with the group's next sequence number (also its cursor).

    PostgreSQL: ONE statement — ``WITH s AS (UPDATE counter … RETURNING last_seq) INSERT …
    SELECT … FROM s RETURNING id, seq`` — so the counter's row lock, which every send to the group
    queues on until commit, is held across this one round trip and the commit, not two round
    trips and the commit. A reused client key fails the statement on the unique
    ``(sender, client_key)`` constraint (IntegrityError): the transaction rolls back, the counter
    increment with it (no gap), and the caller returns the first message. SQLite (one writer at a
    time anyway): the counter UPDATE and the ORM insert, as before.
    """
    if connection.vendor != "postgresql":
        seq = _next_seq(group_id=message.group_id)
        message.seq = message.cursor = seq
        message.save(force_insert=True)
        return
    meta = Message._meta
    columns: list[str] = []
    values: list[str] = []
    params: list[Any] = []
    for field in meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname in ("seq", "cursor"):
            values.append("s.last_seq")
            continue
        value = field.get_db_prep_save(field.pre_save(message, add=True), connection)
        # Typed parameters (INSERT … SELECT does not take them from the columns); strings as
        # text, so an over-long value still fails on the column instead of being cut by the cast.
        if field.get_internal_type() in ("CharField", "TextField"):
            cast = "text"
        else:
            cast = field.db_type(connection) or "text"
        values.append(f"CAST(%s AS {cast})")
        params.append(value)
    counter = connection.ops.quote_name(ChatCounter._meta.db_table)
    sql = (
        f"WITH s AS (UPDATE {counter} SET last_seq = last_seq + 1 WHERE group_id = %s"  # noqa: S608
        f" RETURNING last_seq) INSERT INTO {connection.ops.quote_name(meta.db_table)}"
        f" ({', '.join(columns)}) SELECT {', '.join(values)} FROM s RETURNING id, seq"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [message.group_id, *params])
        row = cursor.fetchone()
    if row is None:  # the group's first message: no counter row yet
        ChatCounter.objects.get_or_create(group_id=message.group_id)
        _message_insert_numbered(message)
        return
    message.pk, message.seq = int(row[0]), int(row[1])
    message.cursor = message.seq
    message._state.adding = False
    message._state.db = connection.alias


def _text_clean(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("消息不能为空。"), code="empty")
    if len(text) > MAX_MESSAGE_CHARS:
        raise InvalidInput(
            _("消息太长了，最多 %(n)d 个字。") % {"n": MAX_MESSAGE_CHARS}, code="too_long"
        )
    return text


def _search_index_new(message: Message) -> None:
    # Coalesced: at most one indexing task per group every few seconds, not one per message.
    from huzhu.search.services import search_index_upsert

    search_index_upsert("chat_message", message, coalesce=True)


def _search_index_edit(message: Message) -> None:
    from huzhu.search.services import search_index_upsert

    search_index_upsert("chat_message", message)


def _redaction_notice(verdict: Verdict) -> str:
    labels: list[str] = []
    for finding in verdict.findings:
        if finding.kind == "pii":
            label = _PII_LABELS.get(finding.category, gettext_noop("个人信息"))
            if label not in labels:
                labels.append(label)
    if not labels:
        return verdict.reason_zh or _("部分内容已隐藏")
    return _("%(what)s已隐藏") % {"what": "、".join(_(label) for label in labels)}


def _moderation_audience(message: Message) -> Audience:
    if message.status in (MessageStatus.HELD, MessageStatus.REJECTED):
        return Audience(moderators_only=True, user_ids=(message.sender_id,))
    return Audience()


def _mentioned_members(*, group: Group, text: str, sender: User) -> list[User]:
    names = set(_MENTION_RE.findall(text))
    if not names:
        return []
    from django.db.models import Q

    rows = (
        Membership.objects.filter(group=group, status=MembershipStatus.ACTIVE)
        .filter(Q(user__username__in=names) | Q(user__display_name__in=names))
        .exclude(user_id=sender.pk)
        .select_related("user")[:20]
    )
    return [m.user for m in rows]


def _notify_mentions(*, message: Message, users: list[User], group: Group) -> None:
    from huzhu.notifications.services import notification_create_many

    if not users:
        return
    notification_create_many(
        users=users,
        kind=MENTION_KIND,
        group=group,
        actor=message.sender,
        params={"group": group.name, "excerpt": message.text[:50]},
        url=f"/groups/{group.pk}/chat/#m{message.seq}",
    )


def mentions_notify_on_release(message: Message) -> None:
    """A held message was released: its mentioned members get the notification they would have
    had on an immediate publish (once: a later re-show after a report does not notify again)."""
    if (
        message.screening_action != "hold"  # published at once: notified when sent
        or not message.mentions
        or (message.screening or {}).get("mentions_notified")
    ):
        return
    from huzhu.accounts.models import User

    group = message.group
    users = list(
        User.objects.filter(
            pk__in=message.mentions,
            memberships__group_id=message.group_id,
            memberships__status=MembershipStatus.ACTIVE,
        ).exclude(pk=message.sender_id)
    )
    _notify_mentions(message=message, users=users, group=group)
    message.screening = dict(message.screening or {}, mentions_notified=True)
    Message.objects.filter(pk=message.pk).update(screening=message.screening)


def _audit_moderation(*, event_type: str, actor: User, message: Message, **extra: Any) -> None:
    from huzhu.audit.models import AuditEventType
    from huzhu.audit.services import audit_record

    audit_record(
        event_type=AuditEventType(event_type),
        actor=actor,
        group=message.group,
        target_user=message.sender,
        target=message,
        extra={"seq": message.seq, **extra},
    )


def _wait_phrase(seconds: int) -> str:
    return _("请 %(n)d 秒后再发。") % {"n": seconds}


def _first_day_cap_check(*, membership: Membership, actor: User, group: Group) -> None:
    """A newcomer's first-day message cap (``standing.limits``), counted since they joined."""
    now = timezone.now()
    if membership.is_admin or now - membership.joined_at >= FIRST_DAY:
        return  # standing costs a few queries: only members in their first day pay for it
    cap = standing_for(user=actor, group=group).limits.get("messages_per_day")
    if cap is None:
        return
    sent = Message.objects.filter(
        group=group, sender_id=actor.pk, created_at__gte=membership.joined_at
    ).count()
    if sent >= cap:
        until = timezone.localtime(membership.joined_at + FIRST_DAY)
        raise Forbidden(
            _("新成员入群第一天最多发 %(max)d 条消息，%(until)s 后解除限制。")
            % {"max": cap, "until": formats.date_format(until, "Y-m-d H:i")},
            code="first_day_limit",
        )


def _links_check(*, verdict: Verdict, actor: User, group: Group) -> None:
    """Posting a link is a privilege of standing (a newcomer's link is the classic spam)."""
    if any(finding.kind == "link" for finding in verdict.findings):
        standing_require(user=actor, group=group, privilege="post_links")


def _review_enqueue_on_commit(message: Message) -> None:
    """Held by screening: into the group's review queue as soon as the message is committed, so
    moderators see it without opening the queue first (the queue's own pull covers a failure)."""
    findings = dict(message.screening or {}, action=message.screening_action)

    def enqueue() -> None:
        try:
            review_item_enqueue(target=message, findings=findings)
        except Exception:
            logger.exception("chat: could not enqueue held message %s for review", message.pk)

    transaction.on_commit(enqueue)


# --- use cases --------------------------------------------------------------------------------
@_retryable_db
def message_send(
    *,
    actor: User,
    group: Group,
    text: str,
    client_key: str = "",
    reply_to_id: int | None = None,
    share_type: str = "",
    share_id: int | None = None,
    membership: Membership | None = None,
) -> SendResult:
    """Send ``text`` to ``group``'s chat as ``actor``; safe to repeat with the same ``client_key``.

    ``share_type`` (``aid`` or ``resource``) and ``share_id`` share a published request or resource
    of the same group as a live card; the text is then an optional comment. ``membership``: the
    actor's active membership when the caller has just read it (``access_group``), saving a query.
    """
    sharing = bool(share_type or share_id)
    text = (text or "").strip() if sharing and not (text or "").strip() else _text_clean(text)
    client_key = (client_key or "").strip()
    if len(client_key) > MAX_CLIENT_KEY_CHARS:
        raise InvalidInput(_("client_key 太长。"), code="invalid_client_key")
    if not (
        membership is not None
        and membership.group_id == group.pk
        and membership.user_id == actor.pk
        and membership.status == MembershipStatus.ACTIVE
    ):
        membership = _active_membership(user=actor, group=group)

    if client_key and _key_used(sender=actor, client_key=client_key):
        existing = _by_key(sender=actor, client_key=client_key)
        if existing is not None:
            if existing.group_id != group.pk:
                raise Conflict(
                    _("这个 client_key 已用于另一个群的消息。"), code="client_key_reused"
                )
            return SendResult(message=existing, created=False)

    # The owner's group quiet hours pause posting (wellbeing); admins may still post.
    group_quiet_hours_check(group=group, membership=membership, at=timezone.now())
    if membership.is_muted:
        until = timezone.localtime(membership.muted_until)
        raise Forbidden(
            _("你已被禁言，%(until)s 后才能发言。")
            % {"until": formats.date_format(until, "Y-m-d H:i")},
            code="muted",
            muted_until=until.isoformat(),
        )

    chat_config = (group.config or {}).get("chat", {})
    if not membership.is_admin:
        slow = int(chat_config.get("slow_mode_seconds") or 0)
        wait = limits.slow_mode_hit(group_id=group.pk, user_id=actor.pk, seconds=slow)
        if wait is not None:
            raise RateLimited(
                _("本群已开启慢速模式，每 %(s)d 秒只能发一条。") % {"s": slow} + _wait_phrase(wait),
                retry_after=wait,
                code="slow_mode",
            )
    wait = limits.rate_limit_hit(
        group_id=group.pk,
        user_id=actor.pk,
        limit=int(chat_config.get("rate_limit") or limits.DEFAULT_RATE_LIMIT),
        window=int(chat_config.get("rate_window") or limits.DEFAULT_RATE_WINDOW),
    )
    if wait is not None:
        raise RateLimited(_("发得太快了。") + _wait_phrase(wait), retry_after=wait)
    _first_day_cap_check(membership=membership, actor=actor, group=group)

    if sharing:
        share_target_check(actor=actor, group=group, kind=share_type, pk=int(share_id or 0))
    verdict = _screen(text=text, author=actor, group=group) if text else _NOTHING_TO_SCREEN
    if verdict.action == "block":
        raise MessageBlocked(
            _("这条消息没有发出：%(reason)s")
            % {"reason": verdict.reason_zh or _("内容不符合群规")},
            reason_zh=verdict.reason_zh,
            reason_en=verdict.reason_en,
        )
    _links_check(verdict=verdict, actor=actor, group=group)
    notice = ""
    status = MessageStatus.PUBLISHED
    shown = text
    if verdict.action == "redact":
        shown = verdict.text
        notice = _redaction_notice(verdict)
    elif verdict.action == "hold":
        status = MessageStatus.HELD
        notice = _("消息审核中，管理员通过后大家才能看到。")

    reply_to = None
    if reply_to_id is not None:
        reply_to = Message.objects.filter(group=group, pk=reply_to_id).first()
        if reply_to is None:
            raise InvalidInput(_("要回复的消息不存在。"), code="reply_not_found")

    mentioned = _mentioned_members(group=group, text=shown, sender=actor)
    try:
        with transaction.atomic():
            message = Message(
                group=group,
                seq=0,  # both taken with the insert
                cursor=0,
                sender=actor,
                client_key=client_key,
                text=shown,
                reply_to=reply_to,
                status=status,
                screening_action=verdict.action,
                screening={
                    "findings": [f.as_dict() for f in verdict.findings],
                    "reason_zh": verdict.reason_zh,
                    "reason_en": verdict.reason_en,
                },
                mentions=[u.pk for u in mentioned],
                shared_type=share_type if sharing else "",
                shared_id=int(share_id or 0) if sharing else None,
            )
            _message_insert_numbered(message)
            message.sender = actor
            message.reply_to = reply_to
            if status == MessageStatus.PUBLISHED:
                _search_index_new(message)
            else:
                _review_enqueue_on_commit(message)
            event_publish_on_commit(
                MessageCreated(
                    group_id=group.pk,
                    message=message_as_dict(message),
                    audience=_moderation_audience(message),
                )
            )
    except IntegrityError:
        # Two sends with the same key raced; the other one won and is the message.
        if client_key:
            existing = _by_key(sender=actor, client_key=client_key)
            if existing is not None:
                return SendResult(message=existing, created=False)
        raise
    if status == MessageStatus.PUBLISHED:
        # After the insert's transaction: on PostgreSQL it holds the group's sequence row until
        # commit, and up to 20 notification rows need not make every other sender wait.
        _notify_mentions(message=message, users=mentioned, group=group)
    return SendResult(message=message, created=True, notice=notice)


def _key_used(*, sender: User, client_key: str) -> bool:
    """The cheap check run on every keyed send (a plain index lookup, no joins): a new key is by
    far the common case; only a resend loads the first message with ``_by_key``."""
    return Message.objects.filter(sender_id=sender.pk, client_key=client_key).order_by().exists()


def _by_key(*, sender: User, client_key: str) -> Message | None:
    # No ORDER BY (unlike .first()): the key is unique per sender, and ordering by id made
    # PostgreSQL walk the primary key instead of using the (sender, client_key) index.
    rows = list(
        Message.objects.select_related("sender", "reply_to", "reply_to__sender")
        .filter(sender_id=sender.pk, client_key=client_key)
        .order_by()[:1]
    )
    return rows[0] if rows else None


def _message_for_change(*, actor: User, message_id: int) -> tuple[Message, Membership]:
    message = (
        Message.objects.select_related("group", "sender", "reply_to", "reply_to__sender")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        raise NotFound(_("没有找到这条消息。"))
    membership = Membership.objects.filter(
        group_id=message.group_id, user_id=actor.pk, status=MembershipStatus.ACTIVE
    ).first()
    if membership is None:
        raise NotFound(_("没有找到这条消息。"))
    if message.status == MessageStatus.HELD and not (
        membership.is_admin or message.sender_id == actor.pk
    ):
        raise NotFound(_("没有找到这条消息。"))
    return message, membership


@_retryable_db
def message_edit(*, actor: User, message_id: int, text: str) -> SendResult:
    """Change one's own message; the old text is kept as a revision for moderators."""
    text = _text_clean(text)
    message, _membership = _message_for_change(actor=actor, message_id=message_id)
    if message.sender_id != actor.pk:
        raise Forbidden(_("只能编辑自己的消息。"), code="not_sender")
    if message.deleted_at is not None:
        raise Conflict(_("这条消息已删除，不能再编辑。"), code="deleted")
    if text == message.text:
        return SendResult(message=message, created=False)
    verdict = _screen(text=text, author=actor, group=message.group)
    if verdict.action == "block":
        raise MessageBlocked(
            _("修改没有保存：%(reason)s") % {"reason": verdict.reason_zh or _("内容不符合群规")},
            reason_zh=verdict.reason_zh,
            reason_en=verdict.reason_en,
        )
    _links_check(verdict=verdict, actor=actor, group=message.group)
    if verdict.action == "hold" and message.status == MessageStatus.PUBLISHED:
        # Others already saw the message; hiding it behind review on edit would be confusing.
        raise Conflict(
            _("修改后的内容需要人工审核，不能直接修改。可以删除后重新发送。"), code="edit_held"
        )
    notice = _redaction_notice(verdict) if verdict.action == "redact" else ""
    shown = verdict.text if verdict.action == "redact" else text
    with transaction.atomic():
        MessageRevision.objects.create(
            message=message, kind=MessageRevision.Kind.EDIT, text=message.text, actor=actor
        )
        message.cursor = _next_seq(group_id=message.group_id)
        message.text = shown
        message.edited_at = timezone.now()
        message.screening_action = verdict.action
        message.save(update_fields=["cursor", "text", "edited_at", "screening_action"])
        _search_index_edit(message)
        event_publish_on_commit(
            MessageEdited(
                group_id=message.group_id,
                message=message_as_dict(message),
                audience=_moderation_audience(message),
            )
        )
    return SendResult(message=message, created=False, notice=notice)


@_retryable_db
def message_delete(*, actor: User, message_id: int) -> Message:
    """Delete a message (the sender, or a moderator): others see a tombstone; text kept for review."""
    message, membership = _message_for_change(actor=actor, message_id=message_id)
    if message.sender_id != actor.pk and not membership.is_admin:
        raise Forbidden(_("只能删除自己的消息。"), code="not_sender")
    if message.deleted_at is not None:
        return message
    with transaction.atomic():
        MessageRevision.objects.create(
            message=message, kind=MessageRevision.Kind.DELETE, text=message.text, actor=actor
        )
        message.cursor = _next_seq(group_id=message.group_id)
        message.deleted_at = timezone.now()
        message.deleted_by = actor
        message.text = ""
        message.save(update_fields=["cursor", "deleted_at", "deleted_by", "text"])
        from huzhu.search.services import search_index_remove

        search_index_remove("chat_message", message)  # at once, inside this transaction
        if message.sender_id != actor.pk:
            _audit_moderation(
                event_type="chat.message_removed",
                actor=actor,
                message=message,
                status=message.status,
            )
        event_publish_on_commit(
            MessageDeleted(
                group_id=message.group_id,
                message=message_as_dict(message),
                audience=_moderation_audience(message),
            )
        )
    return message


def chat_settings_update(*, actor: User, group: Group, slow_mode_seconds: int) -> Group:
    """The owner's chat settings (slow mode: one message per N seconds per member; 0 = off)."""
    membership = _active_membership(user=actor, group=group)
    if not membership.is_owner:
        raise Forbidden(_("只有群主可以设置慢速模式。"))
    if not 0 <= slow_mode_seconds <= 3600:
        raise InvalidInput(_("慢速模式的间隔应在 0 到 3600 秒之间。"), code="invalid_slow_mode")
    from huzhu.audit.models import AuditEventType
    from huzhu.audit.services import audit_record

    with transaction.atomic():
        config = dict(group.config or {})
        chat = dict(config.get("chat", {}))
        old = chat.get("slow_mode_seconds", 0)
        chat["slow_mode_seconds"] = slow_mode_seconds
        config["chat"] = chat
        group.config = config
        group.save(update_fields=["config"])
        audit_record(
            event_type=AuditEventType.GROUP_SETTINGS_CHANGED,
            actor=actor,
            group=group,
            target=group,
            extra={"chat.slow_mode_seconds": {"from": old, "to": slow_mode_seconds}},
        )
    return group


@_retryable_db
def message_review(*, actor: User, message_id: int, approve: bool) -> Message:
    """A moderator decides on a held message: publish it to the group, or reject it.

    Either way the message takes a new cursor value, so clients that resync see the decision.
    """
    message, membership = _message_for_change(actor=actor, message_id=message_id)
    if not membership.is_admin:
        raise Forbidden(_("只有群主和管理员可以审核消息。"))
    if message.status != MessageStatus.HELD:
        raise Conflict(_("这条消息不在审核中。"), code="not_held")
    with transaction.atomic():
        message.cursor = _next_seq(group_id=message.group_id)
        message.status = MessageStatus.PUBLISHED if approve else MessageStatus.REJECTED
        message.save(update_fields=["cursor", "status"])
        _audit_moderation(
            event_type="chat.message_released" if approve else "chat.message_rejected",
            actor=actor,
            message=message,
        )
        review_item_close_for(target=message, actor=actor, approved=approve)
        if approve:
            mentions_notify_on_release(message)
            _search_index_new(message)
        event_publish_on_commit(
            MessageEdited(
                group_id=message.group_id,
                message=message_as_dict(message),
                audience=_moderation_audience(message),
            )
        )
    return message


def message_revisions(*, actor: User, message_id: int) -> list[MessageRevision]:
    """A message's earlier texts, for the group's moderators only."""
    message, membership = _message_for_change(actor=actor, message_id=message_id)
    if not membership.is_admin:
        raise Forbidden(_("只有群主和管理员可以查看修改记录。"))
    return list(message.revisions.select_related("actor"))
