"""Cards: an aid request or a resource shared into chat, shown with its current state.

A message that shares something stores only what it points at (``shared_type``, ``shared_id``).
The card is built when the message is read (page, resync, history) so it is never stale, and
browsers keep it current between reads from the ``aid.updated`` / ``resource.updated`` events.
A card carries codes, not words (``status: "completed"``): every reader sees it in their own
language, although the event that carries it is serialised once for everyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from huzhu.core.errors import InvalidInput

if TYPE_CHECKING:
    from huzhu.accounts.models import User
    from huzhu.aid.models import AidRequest
    from huzhu.chat.models import Message
    from huzhu.groups.models import Group
    from huzhu.resources.models import Resource

CardKey = tuple[str, int]


def aid_card(request: AidRequest) -> dict[str, Any]:
    from huzhu.aid.models import Publication

    if request.publication != Publication.PUBLISHED:
        return _unavailable("aid", request.pk)
    return {
        "type": "aid",
        "id": request.pk,
        "available": True,
        "kind": request.kind,
        "title": request.title,
        "status": request.status,
        "helps_count": request.helps_count,
        "target": request.target,
        "remaining": request.remaining,
        "deadline": request.deadline.isoformat() if request.deadline else None,
        "url": f"/groups/{request.group_id}/aid/{request.pk}/",
    }


def resource_card(resource: Resource) -> dict[str, Any]:
    from huzhu.resources.models import ResourcePublication, ResourceStatus

    if (
        resource.publication != ResourcePublication.PUBLISHED
        or resource.status == ResourceStatus.DELETED
    ):
        return _unavailable("resource", resource.pk)
    price = resource.current_price
    return {
        "type": "resource",
        "id": resource.pk,
        "available": True,
        "kind": resource.kind,
        "title": resource.title,
        "status": "expired" if resource.is_expired else "active",
        "price": str(price) if price is not None else None,
        "valid_votes": resource.valid_votes,
        "expired_votes": resource.expired_votes,
        "url": f"/resources/{resource.pk}/",
    }


def _unavailable(kind: str, pk: int) -> dict[str, Any]:
    return {"type": kind, "id": pk, "available": False}


def cards_load(keys: Iterable[CardKey]) -> dict[CardKey, dict[str, Any]]:
    """The current cards for ``keys``, two queries at most whatever their number."""
    from huzhu.aid.models import AidRequest
    from huzhu.resources.models import Resource

    aid_ids = {pk for kind, pk in keys if kind == "aid"}
    resource_ids = {pk for kind, pk in keys if kind == "resource"}
    cards: dict[CardKey, dict[str, Any]] = {}
    if aid_ids:
        for r in AidRequest.objects.filter(pk__in=aid_ids):
            cards["aid", r.pk] = aid_card(r)
    if resource_ids:
        for res in Resource.objects.filter(pk__in=resource_ids):
            cards["resource", res.pk] = resource_card(res)
    for key in set(keys) - set(cards):
        cards[key] = _unavailable(*key)  # deleted since it was shared
    return cards


def messages_attach_cards(messages: Iterable[Message]) -> None:
    """Give each sharing message its current card (``message.card``), in one batch."""
    rows = [m for m in messages if m.shared_type and m.shared_id]
    if not rows:
        return
    cards = cards_load([(m.shared_type, int(m.shared_id or 0)) for m in rows])
    for m in rows:
        m.card = cards[m.shared_type, int(m.shared_id or 0)]  # type: ignore[attr-defined]


def share_target_check(*, actor: User, group: Group, kind: str, pk: int) -> dict[str, Any]:
    """What ``actor`` may share into ``group``'s chat: a published request or resource of the
    same group. Returns its card; anything else is a clear error."""
    from huzhu.aid.models import AidRequest, Publication
    from huzhu.resources.models import Resource, ResourcePublication, ResourceStatus

    if kind == "aid":
        request = AidRequest.objects.filter(
            pk=pk, group=group, publication=Publication.PUBLISHED
        ).first()
        if request is None:
            raise InvalidInput(_("没有找到要分享的互助请求。"), code="share_not_found")
        return aid_card(request)
    if kind == "resource":
        resource = (
            Resource.objects.filter(pk=pk, group=group, publication=ResourcePublication.PUBLISHED)
            .exclude(status=ResourceStatus.DELETED)
            .first()
        )
        if resource is None:
            raise InvalidInput(_("没有找到要分享的资源。"), code="share_not_found")
        return resource_card(resource)
    raise InvalidInput(_("只能分享互助请求或资源。"), code="invalid_share")
