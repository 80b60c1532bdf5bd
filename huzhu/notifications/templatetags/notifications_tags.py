"""``{% unread_notifications as n %}``: the bell's unread count for the signed-in user."""

from __future__ import annotations

from typing import Any

from django import template

from huzhu.notifications.services import notification_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return notification_unread_count(user=user)
