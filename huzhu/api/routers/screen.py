"""Screening as a service: external bots (for example a Wechaty bot in a real WeChat group) send
texts and get the engine's verdicts — the same schema as ``huzhu screen``."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from huzhu.api.auth import request_user
from huzhu.api.schemas import Text, errors
from huzhu.core.gate import MAX_TEXT_LENGTH, content_screen_many
from huzhu.groups.access import access_group
from huzhu.screening.cli import verdict_record

router = Router()

MAX_ITEMS = 100


class ScreenItemIn(Schema):
    id: str | int | None = Field(
        None, description="调用方自己的编号，原样返回 / your id, echoed back"
    )
    text: Annotated[Text, Field(max_length=MAX_TEXT_LENGTH)]


class ScreenIn(Schema):
    items: list[ScreenItemIn] = Field(..., min_length=1, max_length=MAX_ITEMS)
    group_id: int | None = Field(
        None,
        ge=1,
        le=2**63 - 1,
        description="按这个群的审核规则和词表审核（须为群成员）/ apply this group's rules and words (members only)",
    )


class FindingOut(Schema):
    kind: str
    category: str
    start: int = Field(
        description="原文中的起点（Unicode 码位）/ start in the original text, code points"
    )
    end: int = Field(description="终点（不含）/ end, exclusive")
    severity: str
    rule: str


class ScreenResultOut(Schema):
    id: str | int | None
    action: str = Field(description="allow | redact | hold | block")
    text: str = Field(
        description="可以展示的文本（个人信息已打码）/ what may be shown, personal data masked"
    )
    reason: str
    reason_en: str
    findings: list[FindingOut]
    clean_links: list[str]


class ScreenOut(Schema):
    results: list[ScreenResultOut]


@router.post(
    "",
    response={200: ScreenOut, **errors(400, 401, 403, 404, 422)},
    summary="审核文本 / Screen texts",
    description=f"Up to {MAX_ITEMS} texts per call, each up to {MAX_TEXT_LENGTH} characters. Results come "
    "back in the same order with the engine's action, the masked text, the reason and the findings "
    "(offsets into the original text). With `group_id` the group's own rules and words apply and the "
    "texts join its duplicate/flood window.",
)
def screen_texts(request: HttpRequest, payload: ScreenIn) -> dict[str, Any]:
    user = request_user(request)
    group = access_group(user=user, group_id=payload.group_id)[0] if payload.group_id else None
    verdicts = content_screen_many(
        texts=[item.text for item in payload.items], author=user, group=group
    )
    results = [
        verdict_record(item.id, verdict)
        for item, verdict in zip(payload.items, verdicts, strict=True)
    ]
    return {"results": results}
