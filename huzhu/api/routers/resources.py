"""Shared resources over the JSON API (mounted at ``/api/v1/resources``): list, share, edit,
delete, confirm, re-share, share text, QR code and savings. A resource in a group the caller is not
an active member of answers 404, like one that does not exist.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from huzhu.api.auth import request_user
from huzhu.api.pagination import Pagination
from huzhu.api.schemas import (
    MAX_ID,
    GroupId,
    IdempotencyHeader,
    PersonOut,
    Text,
    errors,
    person_out,
)
from huzhu.groups.access import access_group
from huzhu.resources import savings, services
from huzhu.resources.models import Resource

router = Router()

ResourceId = Annotated[int, Path(ge=1, le=MAX_ID, description="资源 ID / resource id")]
KindName = Literal["deal", "guide", "study", "experience", "tip"]
VerdictName = Literal["valid", "expired", "price_changed"]
Price = Annotated[Decimal, Field(ge=0, lt=1_000_000, max_digits=10, decimal_places=2)]


class ResourceOut(Schema):
    id: int
    group_id: int
    kind: KindName
    title: str
    body: str
    tags: list[str]
    author: PersonOut
    original_author: PersonOut | None = Field(
        description="转发时的原作者 / first author of a re-share"
    )
    reshared_from_id: int | None
    platform: str
    link: str = Field(description="已去除分享者参数的链接 / clean link")
    price: Decimal | None
    original_price: Decimal | None
    current_price: Decimal | None = Field(description="群友最新反馈价格 / latest reported price")
    saving: Decimal | None = Field(description="原价 − 到手价 / original − paid")
    valid_until: datetime | None
    expired: bool = Field(description="已过期 / expired (past its date or voted expired)")
    stale: bool = Field(description="很久没人确认，请帮忙确认 / needs reconfirmation")
    valid_votes: int
    expired_votes: int
    price_votes: int
    publication: Literal["published", "held"]
    screening_reason: str
    created_at: datetime
    edited_at: datetime | None

    @classmethod
    def build(cls, r: Resource) -> "ResourceOut":
        return cls(
            id=r.pk,
            group_id=r.group_id,
            kind=r.kind,  # type: ignore[arg-type]
            title=r.title,
            body=r.body,
            tags=r.tag_list,
            author=person_out(r.author),
            original_author=person_out(r.original_author) if r.original_author else None,
            reshared_from_id=r.reshared_from_id,
            platform=r.platform,
            link=r.link,
            price=r.price,
            original_price=r.original_price,
            current_price=r.current_price,
            saving=r.saving,
            valid_until=r.valid_until,
            expired=r.is_expired,
            stale=services.resource_is_stale(r),
            valid_votes=r.valid_votes,
            expired_votes=r.expired_votes,
            price_votes=r.price_votes,
            publication=r.publication,  # type: ignore[arg-type]
            screening_reason=r.screening_reason,
            created_at=r.created_at,
            edited_at=r.edited_at,
        )


class ResourceIn(Schema):
    kind: KindName
    title: Text = Field(max_length=services.TITLE_MAX)
    body: Text = Field("", max_length=services.BODY_MAX)
    tags: list[Annotated[Text, Field(max_length=services.TAG_MAX)]] = Field(
        default_factory=list, max_length=services.TAGS_MAX
    )
    link: Text = Field("", max_length=2000, description="优惠必填：商品链接 / deals: goods link")
    price: Price | None = Field(None, description="优惠必填：到手价 / deals: price paid")
    original_price: Price | None = None
    valid_until: datetime | None = None
    idempotency_key: Text = Field("", max_length=64)


class ResourceEditIn(Schema):
    title: Text | None = Field(None, max_length=services.TITLE_MAX)
    body: Text | None = Field(None, max_length=services.BODY_MAX)
    tags: list[Annotated[Text, Field(max_length=services.TAG_MAX)]] | None = Field(
        None, max_length=services.TAGS_MAX
    )
    link: Text | None = Field(None, max_length=2000)
    price: Price | None = None
    original_price: Price | None = None
    valid_until: datetime | None = None


class ConfirmIn(Schema):
    verdict: VerdictName = Field(description="仍有效 / 已失效 / 价格变了")
    new_price: Price | None = Field(None, description="价格变了时必填 / required for price_changed")
    bought: bool = Field(False, description="我也买了（计入省钱）/ I bought it (counts savings)")
    paid_price: Price | None = None


class ReshareIn(Schema):
    group_id: int = Field(ge=1, le=MAX_ID, description="转发到的群 / target group")
    idempotency_key: Text = Field("", max_length=64)


class ShareTextOut(Schema):
    text: str
    link: str
    qr_url: str


class SavingsOut(Schema):
    total: Decimal
    deals: int = Field(description="通过优惠购买次数 / purchases through deals")
    groupbuys: int = Field(description="完成的拼团次数 / completed group-buys")
    by_group: dict[int, Decimal]


class GroupSavingsOut(Schema):
    total: Decimal
    deals: int
    groupbuys: int
    by_member: dict[int, Decimal]


class ResourceListFilters(Schema):
    kind: KindName | None = None
    tag: Text | None = Field(None, max_length=services.TAG_MAX)
    include_expired: bool = Field(False, description="包括已过期 / include expired")


@router.get(
    "/groups/{group_id}",
    response={200: list[ResourceOut], **errors(404, 422)},
    summary="群内资源 / List a group's resources",
)
@paginate(Pagination)
def resource_list(
    request: HttpRequest, group_id: GroupId, filters: Query[ResourceListFilters]
) -> list[ResourceOut]:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    qs = services.resources_visible(
        user=user,
        group=group,
        kind=filters.kind or "",
        tag=filters.tag or "",
        include_expired=filters.include_expired,
    )
    return [ResourceOut.build(r) for r in qs[:500]]


@router.post(
    "/groups/{group_id}",
    response={201: ResourceOut, **errors(400, 403, 404, 422, 429)},
    summary="分享资源 / Share a resource",
    description="The text is screened with the group's rules; a deal's link is stored clean.",
)
def resource_create(
    request: HttpRequest,
    group_id: GroupId,
    payload: ResourceIn,
    idempotency_key: IdempotencyHeader = "",
) -> Status[ResourceOut]:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    resource = services.resource_share(
        actor=user,
        group=group,
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        tags=payload.tags,
        link=payload.link,
        price=payload.price,
        original_price=payload.original_price,
        valid_until=payload.valid_until,
        idempotency_key=payload.idempotency_key or idempotency_key,
    )
    return Status(201, ResourceOut.build(resource))


@router.get(
    "/{resource_id}",
    response={200: ResourceOut, **errors(404, 422)},
    summary="资源详情 / A resource",
)
def resource_detail(request: HttpRequest, resource_id: ResourceId) -> ResourceOut:
    return ResourceOut.build(
        services.resource_get(user=request_user(request), resource_id=resource_id)
    )


@router.patch(
    "/{resource_id}",
    response={200: ResourceOut, **errors(400, 403, 404, 422)},
    summary="编辑资源 / Edit own resource",
)
def resource_update(
    request: HttpRequest, resource_id: ResourceId, payload: ResourceEditIn
) -> ResourceOut:
    resource = services.resource_edit(
        actor=request_user(request),
        resource_id=resource_id,
        title=payload.title,
        body=payload.body,
        tags=payload.tags,
        link=payload.link,
        price=payload.price,
        original_price=payload.original_price,
        valid_until=payload.valid_until,
    )
    return ResourceOut.build(resource)


@router.delete(
    "/{resource_id}",
    response={204: None, **errors(403, 404, 422)},
    summary="删除资源 / Delete a resource (author, or a group admin)",
)
def resource_remove(request: HttpRequest, resource_id: ResourceId) -> Status[None]:
    services.resource_delete(actor=request_user(request), resource_id=resource_id)
    return Status(204, None)


@router.post(
    "/{resource_id}/confirm",
    response={200: ResourceOut, **errors(400, 404, 422)},
    summary="确认优惠 / Confirm: still valid, expired, or price changed",
)
def resource_confirm(
    request: HttpRequest, resource_id: ResourceId, payload: ConfirmIn
) -> ResourceOut:
    resource = services.resource_confirm(
        actor=request_user(request),
        resource_id=resource_id,
        verdict=payload.verdict,
        new_price=payload.new_price,
        bought=payload.bought,
        paid_price=payload.paid_price,
    )
    return ResourceOut.build(resource)


@router.post(
    "/{resource_id}/reshare",
    response={201: ResourceOut, **errors(400, 403, 404, 422, 429)},
    summary="转发到我的另一个群 / Re-share into another of my groups",
)
def resource_reshare(
    request: HttpRequest, resource_id: ResourceId, payload: ReshareIn
) -> Status[ResourceOut]:
    resource = services.resource_reshare(
        actor=request_user(request),
        resource_id=resource_id,
        group_id=payload.group_id,
        idempotency_key=payload.idempotency_key,
    )
    return Status(201, ResourceOut.build(resource))


@router.get(
    "/{resource_id}/share-text",
    response={200: ShareTextOut, **errors(404, 422)},
    summary="微信分享文案 / Share text for WeChat",
)
def resource_share_text(request: HttpRequest, resource_id: ResourceId) -> ShareTextOut:
    resource = services.resource_get(user=request_user(request), resource_id=resource_id)
    return ShareTextOut(
        text=services.resource_share_text(resource=resource),
        link=resource.link,
        qr_url=f"/api/v1/resources/{resource.pk}/qr.png",
    )


@router.get(
    "/{resource_id}/qr.png",
    response={200: None, **errors(404, 422)},
    summary="二维码图片 / QR code PNG of the clean link",
)
def resource_qr(request: HttpRequest, resource_id: ResourceId) -> HttpResponse:
    resource = services.resource_get(user=request_user(request), resource_id=resource_id)
    response = HttpResponse(services.resource_qr_png(resource=resource), content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


@router.get(
    "/savings/me",
    response={200: SavingsOut, **errors(422)},
    summary="我省了多少 / My estimated savings",
)
def my_savings(request: HttpRequest) -> SavingsOut:
    result = savings.savings_for_member(user=request_user(request))
    return SavingsOut(
        total=result.total, deals=result.deals, groupbuys=result.groupbuys, by_group=result.by_group
    )


@router.get(
    "/groups/{group_id}/savings",
    response={200: GroupSavingsOut, **errors(404, 422)},
    summary="群友一共省了多少 / A group's estimated savings",
)
def group_savings(request: HttpRequest, group_id: GroupId) -> GroupSavingsOut:
    group, _m = access_group(user=request_user(request), group_id=group_id)
    result = savings.savings_for_group(group=group)
    return GroupSavingsOut(
        total=result.total,
        deals=result.deals,
        groupbuys=result.groupbuys,
        by_member=result.by_member,
    )
