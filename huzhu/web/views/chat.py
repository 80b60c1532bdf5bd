"""The group chat page: the last 50 messages from the database, then live updates over ``/ws/``.

The page is rendered in full on the server (so it is useful before the script runs) and
``web/chat.js`` takes over: live events, sending, replies, @mentions, history and resync.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from huzhu.chat.selectors import chat_last_seq, messages_before
from huzhu.groups.access import access_group
from huzhu.groups.models import Membership, MembershipStatus
from huzhu.groups.services import group_active_count
from huzhu.realtime.presence import online_count

if TYPE_CHECKING:
    from huzhu.accounts.models import User

FIRST_PAGE = 50
MENTION_CANDIDATES = 500


@login_required
@require_GET
def chat_page(request: HttpRequest, group_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    group, membership = access_group(user=user, group_id=group_id)
    # The counter is read before the messages, so the client's cursor never skips a change.
    last_seq = chat_last_seq(group=group)
    messages = messages_before(
        viewer=user, group=group, limit=FIRST_PAGE, is_moderator=membership.is_admin
    )
    members = list(
        Membership.objects.filter(group=group, status=MembershipStatus.ACTIVE)
        .exclude(user_id=user.pk)
        .values_list("user__display_name", "user__username")[:MENTION_CANDIDATES]
    )
    context = {
        "group": group,
        "membership": membership,
        "tab": "chat",
        "nav": "groups",
        "messages_page": messages,
        "last_seq": last_seq,
        "has_older": bool(messages) and messages[0]["seq"] > 1,
        "online": online_count(group_id=group.pk),
        "mention_names": sorted({display or username for display, username in members}),
        "muted_until": membership.muted_until if membership.is_muted else None,
        "member_count": group_active_count(group=group),
    }
    return render(request, "web/chat/page.html", context)
