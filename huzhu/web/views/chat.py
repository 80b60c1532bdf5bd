"""The group chat page: the last 50 messages from the database, then live updates over ``/ws/``.

The page is rendered in full on the server (so it is useful before the script runs) and
``web/chat.js`` takes over: live events, sending, replies, @mentions, history and resync.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huzhu.chat.selectors import chat_last_seq, messages_before
from huzhu.chat.services import message_send
from huzhu.groups.access import access_group
from huzhu.groups.models import Membership, MembershipStatus
from huzhu.groups.services import group_active_count
from huzhu.realtime.presence import online_count

if TYPE_CHECKING:
    from huzhu.accounts.models import User

FIRST_PAGE = 50
MENTION_CANDIDATES = 500


def card_labels() -> dict[str, Any]:
    """The words of a shared card, in the reader's language (chat.js uses the same table)."""
    from huzhu.aid.models import AidKind, AidStatus
    from huzhu.resources.models import ResourceKind

    return {
        "aid_kind": {str(k): str(v) for k, v in AidKind.choices},
        "aid_status": {str(k): str(v) for k, v in AidStatus.choices},
        "resource_kind": {str(k): str(v) for k, v in ResourceKind.choices},
        "resource_status": {"active": _("有效"), "expired": _("已过期")},
        "groupbuy_progress": _("已参团 %(done)s/%(total)s"),
        "boost_progress": _("已助力 %(done)s/%(total)s"),
        "resource_votes": _("仍有效 %(valid)s · 已失效 %(expired)s"),
        "groupbuy_completed": _("已成团"),
        "unavailable": _("分享的内容已不可见"),
    }


def _card_view(card: dict[str, Any], labels: dict[str, Any]) -> dict[str, Any]:
    """A card with its words, for the server-rendered first page."""
    view = dict(card, json=json.dumps(card, ensure_ascii=False))
    if not card.get("available"):
        return view
    kind = card["type"]
    view["kind_label"] = labels[f"{kind}_kind"].get(card.get("kind"), "")
    view["status_label"] = labels[f"{kind}_status"].get(card.get("status"), "")
    if kind == "aid" and card.get("kind") == "groupbuy" and card.get("status") == "completed":
        view["status_label"] = labels["groupbuy_completed"]
    if kind == "aid" and card.get("target"):
        template = labels["groupbuy_progress" if card["kind"] == "groupbuy" else "boost_progress"]
        view["progress"] = template % {"done": card["helps_count"], "total": card["target"]}
    elif kind == "resource":
        view["progress"] = labels["resource_votes"] % {
            "valid": card.get("valid_votes", 0),
            "expired": card.get("expired_votes", 0),
        }
    return view


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
    labels = card_labels()
    for m in messages:
        if m.get("card"):
            m["card"] = _card_view(m["card"], labels)
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
        "card_labels": labels,
    }
    return render(request, "web/chat/page.html", context)


@login_required
@require_POST
def chat_share(request: HttpRequest, group_id: int) -> HttpResponse:
    """ "分享到群聊" on an aid request's or a resource's page: a live card in the group's chat."""
    user: User = request.user  # type: ignore[assignment]
    group, _membership = access_group(user=user, group_id=group_id)
    try:
        share_id = int(request.POST.get("share_id") or 0)
    except ValueError:
        share_id = 0
    result = message_send(
        actor=user,
        group=group,
        text=request.POST.get("text", ""),
        client_key=request.POST.get("client_key", "")[:64],
        share_type=request.POST.get("share_type", ""),
        share_id=share_id,
    )
    messages.success(request, _("已分享到群聊。"))
    return redirect(reverse("web:chat", args=[group.pk]) + f"#m{result.message.seq}")
