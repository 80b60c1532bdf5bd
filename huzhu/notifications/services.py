"""Notification use cases: create (for any feature), mark read; selectors for the bell and list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.core.errors import NotFound
from huzhu.notifications.kinds import notification_kind_message
from huzhu.notifications.models import Notification
from huzhu.wellbeing.gate import (
    wellbeing_notification_hold,
    wellbeing_should_deliver_now,
    wellbeing_user_ids_holding,
)

if TYPE_CHECKING:
    from huzhu.accounts.models import User
    from huzhu.groups.models import Group

LIST_LIMIT = 50


def notification_create(
    *,
    user: User,
    kind: str,
    group: Group | None = None,
    actor: User | None = None,
    params: dict[str, Any] | None = None,
    url: str = "",
) -> Notification | None:
    """Notify ``user``; nobody is notified about their own action (returns None then). In the
    user's quiet hours or digest mode the notification waits for their digest (None then)."""
    notification = notification_prepare(
        user=user, kind=kind, group=group, actor=actor, params=params, url=url
    )
    if notification is not None:
        notification.save(force_insert=True)
    return notification


def notification_prepare(
    *,
    user: User,
    kind: str,
    group: Group | None = None,
    actor: User | None = None,
    params: dict[str, Any] | None = None,
    url: str = "",
) -> Notification | None:
    """``notification_create`` without the final insert: the unsaved row to deliver now, for a
    caller that writes it together with its own rows in one statement (the help path). Same
    rules: None for one's own action, and in quiet hours or digest mode the notification is held
    for the digest here and None is returned."""
    if actor is not None and actor.pk == user.pk:
        return None
    now = timezone.now()
    if not wellbeing_should_deliver_now(user=user, at=now, kind=kind):
        wellbeing_notification_hold(
            users=[user], kind=kind, group=group, actor=actor, params=params, url=url, at=now
        )
        return None
    return Notification(
        user=user, kind=kind, group=group, actor=actor, params=params or {}, url=url
    )


def notification_create_many(
    *,
    users: Iterable[User],
    kind: str,
    group: Group | None = None,
    actor: User | None = None,
    params: dict[str, Any] | None = None,
    url: str = "",
) -> list[Notification]:
    users = [u for u in users if actor is None or u.pk != actor.pk]
    now = timezone.now()
    holding = wellbeing_user_ids_holding(user_ids=[u.pk for u in users], at=now, kind=kind)
    if holding:
        wellbeing_notification_hold(
            users=[u for u in users if u.pk in holding],
            kind=kind,
            group=group,
            actor=actor,
            params=params,
            url=url,
            at=now,
        )
    rows = [
        Notification(user=u, kind=kind, group=group, actor=actor, params=params or {}, url=url)
        for u in users
        if u.pk not in holding
    ]
    return Notification.objects.bulk_create(rows)


def notification_text(*, notification: Notification) -> str:
    """The notification's sentence in the active language."""
    params = {str(k): v for k, v in (notification.params or {}).items()}
    actor = notification.actor
    params.setdefault("actor", (actor.display_name or actor.username) if actor else "")
    template = str(notification_kind_message(kind=notification.kind))
    try:
        return template % params
    except (KeyError, ValueError, TypeError):
        # A template that no longer matches old params must not break the bell.
        return template


@transaction.atomic
def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    notification = Notification.objects.filter(pk=notification_id, user=user).first()
    if notification is None:
        raise NotFound(_("没有找到这条通知。"))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_for_user(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user).select_related("actor", "group")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
