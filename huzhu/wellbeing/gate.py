"""May a notification reach a member now? The seam ``huzhu.notifications`` calls.

A member in quiet hours, or in digest mode, gets nothing live: the notification is held here and
listed in the next digest (``services.wellbeing_digests_release``). This module imports only
wellbeing models, so the notification service can import it without a cycle. A caller that has
loaded the member with ``select_related("wellbeing_settings")`` saves the settings query.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from huzhu.wellbeing.clock import in_window
from huzhu.wellbeing.models import HeldNotification, WellbeingSettings
from huzhu.wellbeing.notifications import PREFIX

if TYPE_CHECKING:
    from huzhu.accounts.models import User
    from huzhu.groups.models import Group


def _holds(prefs: WellbeingSettings, at: datetime) -> bool:
    return prefs.digest_mode or in_window(at, prefs.time_zone, prefs.quiet_start, prefs.quiet_end)


def wellbeing_should_deliver_now(*, user: User, at: datetime, kind: str = "") -> bool:
    """False in the member's quiet hours or digest mode (wellbeing's own kinds always pass)."""
    if kind.startswith(PREFIX):
        return True
    prefs = _prefs(user)
    return prefs is None or not _holds(prefs, at)


def _prefs(user: User) -> WellbeingSettings | None:
    """The user's settings: already loaded with the user (``select_related``) or one query."""
    related = type(user).wellbeing_settings.related  # reverse one-to-one (none stored: None)
    if related.is_cached(user):
        return cast(WellbeingSettings | None, related.get_cached_value(user))
    return WellbeingSettings.objects.filter(user_id=user.pk).first()


def wellbeing_user_ids_holding(
    *, user_ids: Iterable[int], at: datetime, kind: str = ""
) -> set[int]:
    """Of ``user_ids``, those whose notifications must wait now (one query for many users)."""
    if kind.startswith(PREFIX):
        return set()
    ids = list(user_ids)
    if not ids:
        return set()
    rows = WellbeingSettings.objects.filter(user_id__in=ids).exclude(
        digest_mode=False, quiet_start__isnull=True
    )
    return {p.user_id for p in rows if _holds(p, at)}


def wellbeing_notification_hold(
    *,
    users: Iterable[User],
    kind: str,
    group: Group | None = None,
    actor: User | None = None,
    params: dict[str, Any] | None = None,
    url: str = "",
    at: datetime,
) -> int:
    """Keep notifications for the next digest instead of delivering them."""
    rows = [
        HeldNotification(
            user_id=u.pk,
            kind=kind,
            group=group,
            actor=actor,
            params=params or {},
            url=url,
            created_at=at,
        )
        for u in users
    ]
    return len(HeldNotification.objects.bulk_create(rows))
