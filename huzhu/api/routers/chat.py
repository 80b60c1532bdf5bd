"""Group chat over the JSON API: send (idempotent), resync after a cursor, history, edit, delete.

Browsers usually do the same over the WebSocket (``/ws/``); this API serves bots and scripts and
is the fallback when a socket is not available. A database outage answers 503 with code ``retry``:
resend with the same ``client_key`` and the message lands once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from huzhu.api.auth import request_user
from huzhu.api.schemas import MAX_ID, GroupId, errors
from huzhu.chat.selectors import chat_last_seq, message_as_dict, messages_after, messages_before
from huzhu.chat.services import (
    MAX_CLIENT_KEY_CHARS,
    MAX_MESSAGE_CHARS,
    chat_settings_update,
    message_delete,
    message_edit,
    message_send,
)
from huzhu.groups.access import access_group, access_group_owner
from huzhu.realtime.presence import online_count

router = Router()

MessageId = Annotated[int, Path(ge=1, le=MAX_ID, description="消息 ID / message id")]


class SenderOut(Schema):
    id: int
    name: str


class ReplyOut(Schema):
    id: int
    seq: int
    sender_name: str
    excerpt: str
    deleted: bool


class CardOut(Schema):
    """A shared request or resource as it is now; ``aid.updated`` / ``resource.updated`` events
    carry later changes. ``available`` false: it was deleted or hidden (no other fields)."""

    type: str = Field(description="aid | resource")
    id: int
    available: bool
    kind: str | None = None
    title: str | None = None
    status: str | None = Field(
        None, description="aid: open/completed/failed/…; resource: active/expired"
    )
    helps_count: int | None = None
    target: int | None = None
    remaining: int | None = None
    deadline: datetime | None = None
    price: str | None = None
    valid_votes: int | None = None
    expired_votes: int | None = None
    url: str | None = None


class MessageOut(Schema):
    id: int
    group_id: int
    seq: int = Field(description="在群内的序号 / position in the group's conversation")
    cursor: int = Field(description="最近一次变更的序号 / sequence number of its latest change")
    sender: SenderOut
    text: str
    status: str = Field(description="published | held (审核中, only sender and moderators)")
    reply_to: ReplyOut | None
    mentions: list[int]
    client_key: str
    created_at: datetime
    edited: bool
    deleted: bool
    card: CardOut | None = Field(
        None, description="分享到群聊的互助请求或资源的当前状态 / a shared request or resource"
    )


class SendIn(Schema):
    text: str = Field(
        "", max_length=MAX_MESSAGE_CHARS, description="可为空仅当分享时 / may be empty when sharing"
    )
    client_key: str = Field(
        "",
        max_length=MAX_CLIENT_KEY_CHARS,
        description="客户端生成的幂等键：超时后用同一个键重发不会重复 / idempotency key",
    )
    reply_to: int | None = Field(None, ge=1, le=MAX_ID)
    share_type: Literal["", "aid", "resource"] = Field(
        "", description="分享互助请求 (aid) 或资源 (resource) 为实时卡片 / share as a live card"
    )
    share_id: int | None = Field(None, ge=1, le=MAX_ID)


class SendOut(Schema):
    message: MessageOut
    created: bool = Field(description="false: an earlier send with this key already stored it")
    notice: str = Field(description="只给发送者看的提示，例如“手机号已隐藏” / shown to the sender")


class EditIn(Schema):
    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)


class PageOut(Schema):
    messages: list[MessageOut]
    cursor: int = Field(description="ask for changes after this value next time")
    more: bool


class HistoryOut(Schema):
    messages: list[MessageOut]


class StateOut(Schema):
    last_seq: int
    online: int


class ChatSettingsIn(Schema):
    slow_mode_seconds: int = Field(ge=0, le=3600, description="0 = 关闭 / off")


class ResyncQuery(Schema):
    after: int = Field(0, ge=0, le=MAX_ID, description="the last cursor the client saw")
    limit: int = Field(100, ge=1, le=200)


class HistoryQuery(Schema):
    before_seq: int | None = Field(None, ge=1, le=MAX_ID)
    limit: int = Field(50, ge=1, le=100)


@router.post(
    "/groups/{group_id}/messages",
    response={201: SendOut, 200: SendOut, **errors(400, 403, 404, 409, 422, 429, 503)},
    summary="发消息 / Send a message",
    description=(
        "Screened before anyone sees it: `redact` publishes the masked text and says what was "
        "hidden in `notice`; `hold` stores it for review (status `held`); `block` answers 422 "
        "with code `blocked` and stores nothing. 403 `muted` says until when; 429 carries "
        "Retry-After. Repeating a send with the same `client_key` returns the first message (200)."
    ),
)
def chat_send(request: HttpRequest, group_id: GroupId, payload: SendIn) -> Status[dict]:
    user = request_user(request)
    group, _membership = access_group(user=user, group_id=group_id)
    result = message_send(
        actor=user,
        group=group,
        text=payload.text,
        client_key=payload.client_key,
        reply_to_id=payload.reply_to,
        share_type=payload.share_type,
        share_id=payload.share_id,
    )
    return Status(201 if result.created else 200, result.as_dict())


@router.get(
    "/groups/{group_id}/messages",
    response={200: PageOut, **errors(404, 422, 503)},
    summary="同步消息 / Changes after a cursor (resync)",
    description=(
        "Every new, edited or deleted message after `after`, oldest change first, paged; "
        "keep asking with the returned `cursor` while `more` is true."
    ),
)
def chat_resync(
    request: HttpRequest, group_id: GroupId, query: Query[ResyncQuery]
) -> dict[str, object]:
    user = request_user(request)
    group, membership = access_group(user=user, group_id=group_id)
    page = messages_after(
        viewer=user,
        group=group,
        after_seq=query.after,
        limit=query.limit,
        is_moderator=membership.is_admin,
    )
    return {"messages": page.messages, "cursor": page.cursor, "more": page.more}


@router.get(
    "/groups/{group_id}/history",
    response={200: HistoryOut, **errors(404, 422)},
    summary="历史消息 / Messages before a sequence number",
)
def chat_history(
    request: HttpRequest, group_id: GroupId, query: Query[HistoryQuery]
) -> dict[str, object]:
    user = request_user(request)
    group, membership = access_group(user=user, group_id=group_id)
    messages = messages_before(
        viewer=user,
        group=group,
        before_seq=query.before_seq,
        limit=query.limit,
        is_moderator=membership.is_admin,
    )
    return {"messages": messages}


@router.get(
    "/groups/{group_id}/state",
    response={200: StateOut, **errors(404, 422)},
    summary="聊天状态 / Last sequence number and online count",
)
def chat_state(request: HttpRequest, group_id: GroupId) -> dict[str, int]:
    group, _membership = access_group(user=request_user(request), group_id=group_id)
    return {"last_seq": chat_last_seq(group=group), "online": online_count(group_id=group.pk)}


@router.put(
    "/groups/{group_id}/settings",
    response={200: ChatSettingsIn, **errors(403, 404, 422)},
    summary="慢速模式 / Slow mode (owner)",
)
def chat_settings(
    request: HttpRequest, group_id: GroupId, payload: ChatSettingsIn
) -> dict[str, int]:
    user = request_user(request)
    group, _membership = access_group_owner(user=user, group_id=group_id)
    chat_settings_update(actor=user, group=group, slow_mode_seconds=payload.slow_mode_seconds)
    return {"slow_mode_seconds": payload.slow_mode_seconds}


@router.patch(
    "/messages/{message_id}",
    response={200: SendOut, **errors(400, 403, 404, 409, 422, 503)},
    summary="编辑消息 / Edit my message",
    description="Others see 已编辑; the earlier text is kept for moderators.",
)
def chat_edit(request: HttpRequest, message_id: MessageId, payload: EditIn) -> dict[str, object]:
    result = message_edit(actor=request_user(request), message_id=message_id, text=payload.text)
    return result.as_dict()


@router.delete(
    "/messages/{message_id}",
    response={200: MessageOut, **errors(403, 404, 422, 503)},
    summary="删除消息 / Delete a message",
    description="The sender or a moderator; others see a tombstone.",
)
def chat_delete(request: HttpRequest, message_id: MessageId) -> dict[str, object]:
    message = message_delete(actor=request_user(request), message_id=message_id)
    return message_as_dict(message)
