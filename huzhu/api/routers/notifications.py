"""In-app notifications (the bell): list, unread count, mark read."""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from huzhu.api.auth import request_user
from huzhu.api.pagination import Pagination
from huzhu.api.schemas import MAX_ID, errors
from huzhu.notifications.models import Notification
from huzhu.notifications.services import (
    notification_mark_all_read,
    notification_mark_read,
    notification_text,
    notification_unread_count,
    notifications_for_user,
)

router = Router()

NotificationId = Annotated[int, Path(ge=1, le=MAX_ID, description="通知 ID / notification id")]


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    group_id: int | None
    read: bool
    created_at: datetime

    @classmethod
    def build(cls, n: Notification) -> "NotificationOut":
        return cls(
            id=n.pk,
            kind=n.kind,
            text=notification_text(notification=n),
            url=n.url,
            group_id=n.group_id,
            read=n.read_at is not None,
            created_at=n.created_at,
        )


class UnreadOut(Schema):
    unread: int


class ListFilter(Schema):
    unread_only: bool = False


@router.get(
    "",
    response={200: list[NotificationOut], **errors(422)},
    summary="我的通知 / My notifications, newest first",
)
@paginate(Pagination)
def notification_list(request: HttpRequest, filters: Query[ListFilter]) -> list[NotificationOut]:
    qs = notifications_for_user(user=request_user(request), unread_only=filters.unread_only)
    return [NotificationOut.build(n) for n in qs[:200]]


@router.get("/unread", response={200: UnreadOut}, summary="未读数 / Unread count")
def unread(request: HttpRequest) -> UnreadOut:
    return UnreadOut(unread=notification_unread_count(user=request_user(request)))


@router.post(
    "/{notification_id}/read",
    response={200: NotificationOut, **errors(404, 422)},
    summary="标为已读 / Mark one read",
)
def mark_read(request: HttpRequest, notification_id: NotificationId) -> NotificationOut:
    n = notification_mark_read(user=request_user(request), notification_id=notification_id)
    return NotificationOut.build(n)


@router.post("/read-all", response={200: UnreadOut}, summary="全部已读 / Mark all read")
def mark_all_read(request: HttpRequest) -> UnreadOut:
    notification_mark_all_read(user=request_user(request))
    return UnreadOut(unread=0)
