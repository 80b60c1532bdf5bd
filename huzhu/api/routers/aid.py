"""Mutual aid over the JSON API: everything the pages can do, so a bot can post a group-buy.

Writes a client may repeat (post, help, answer) take an idempotency key, in the body or in the
``Idempotency-Key`` header: a retry with the same key returns the first result.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictBool

from huzhu.aid import selectors, services
from huzhu.aid.models import AidRequest, AidRequestRevision, Answer, Help, HelpDispute
from huzhu.aid.rules import RULE_LIMITS, aid_rules_get
from huzhu.api.auth import request_user
from huzhu.api.pagination import Pagination
from huzhu.api.schemas import (
    MAX_ID,
    GroupId,
    IdempotencyHeader,
    PersonOut,
    Text,
    UserId,
    errors,
    person_out,
)
from huzhu.core.errors import Conflict
from huzhu.groups.access import access_group

router = Router()

RequestId = Annotated[int, Path(ge=1, le=MAX_ID, description="请求 ID / aid request id")]
HelpId = Annotated[int, Path(ge=1, le=MAX_ID, description="帮助 ID / help id")]
AnswerId = Annotated[int, Path(ge=1, le=MAX_ID, description="回答 ID / answer id")]
DisputeId = Annotated[int, Path(ge=1, le=MAX_ID, description="争议 ID / dispute id")]
KindName = Literal["groupbuy", "boost", "question"]
StatusName = Literal["open", "completed", "failed", "resolved", "closed"]
CategoryName = Literal["study", "work", "life", "shopping", "other"]


# --- schemas -----------------------------------------------------------------------------------


class AidRequestOut(Schema):
    id: int
    group_id: int
    kind: KindName
    title: str
    body: str
    requester: PersonOut
    link: str = Field(description="已去除分享者参数的链接 / clean link")
    platform: str
    goods_id: str
    price: Decimal | None
    size: int | None = Field(description="拼团人数 / group-buy size (2–10)")
    needed: int | None = Field(description="需要助力数 / helps a boost needs (1–100)")
    target: int | None = Field(description="完成所需帮助数 / helps to complete")
    helps_count: int
    remaining: int | None
    category: str
    status: StatusName
    publication: Literal["published", "held", "rejected"]
    screening_reason: str
    deadline: datetime | None
    created_at: datetime
    finished_at: datetime | None
    edited_at: datetime | None = Field(description="最后一次修改的时间 / last edited (null: never)")

    @classmethod
    def build(cls, r: AidRequest) -> "AidRequestOut":
        status = r.status
        # Lazy expiry: an overdue row still marked open is reported failed.
        if status == "open" and not r.is_open:
            status = "failed"
        return cls(
            id=r.pk,
            group_id=r.group_id,
            kind=r.kind,  # type: ignore[arg-type]
            title=r.title,
            body=r.body,
            requester=person_out(r.requester),
            link=r.clean_link,
            platform=r.platform,
            goods_id=r.goods_id,
            price=r.price,
            size=r.size,
            needed=r.needed,
            target=r.target,
            helps_count=r.helps_count,
            remaining=r.remaining,
            category=r.category,
            status=status,  # type: ignore[arg-type]
            publication=r.publication,  # type: ignore[arg-type]
            screening_reason=r.screening_reason,
            deadline=r.deadline,
            created_at=r.created_at,
            finished_at=r.finished_at,
            edited_at=r.edited_at,
        )


class HelpOut(Schema):
    id: int
    request_id: int
    helper: PersonOut
    status: Literal["ok", "disputed", "revoked"]
    thanked: bool
    created_at: datetime

    @classmethod
    def build(cls, h: Help) -> "HelpOut":
        return cls(
            id=h.pk,
            request_id=h.request_id,
            helper=person_out(h.helper),
            status=h.status,  # type: ignore[arg-type]
            thanked=h.thanked_at is not None,
            created_at=h.created_at,
        )


class AnswerOut(Schema):
    id: int
    request_id: int
    author: PersonOut
    body: str
    accepted: bool
    thanked: bool
    publication: str
    created_at: datetime

    @classmethod
    def build(cls, a: Answer) -> "AnswerOut":
        return cls(
            id=a.pk,
            request_id=a.request_id,
            author=person_out(a.author),
            body=a.body,
            accepted=a.accepted,
            thanked=a.thanked_at is not None,
            publication=a.publication,
            created_at=a.created_at,
        )


class AidRequestDetailOut(AidRequestOut):
    helps: list[HelpOut]
    answers: list[AnswerOut]


class AidRequestIn(Schema):
    kind: KindName | None = Field(
        None, description="不填则从分享口令判断 / read from the share text when omitted"
    )
    text: str = Field(
        "", max_length=2000, description="粘贴的分享口令或链接 / pasted share text or link"
    )
    title: str = Field("", max_length=100)
    body: str = Field("", max_length=2000)
    link: str = Field("", max_length=1000)
    price: Decimal | None = Field(None, ge=0, lt=100_000_000, decimal_places=2)
    size: int | None = Field(None, ge=2, le=10)
    needed: int | None = Field(None, ge=1, le=100)
    category: CategoryName | Literal[""] = ""
    idempotency_key: str = Field("", max_length=64)
    post_anyway: bool = Field(
        False,
        description="同款已在进行时仍然发布 / publish even if the same goods are already open (409)",
    )


class AidRequestPatch(Schema):
    """Only the fields sent change. The link, kind and deadline never change after posting."""

    title: Text | None = Field(None, min_length=1, max_length=100)
    body: Text | None = Field(None, max_length=2000)
    price: Decimal | None = Field(
        None, ge=0, lt=100_000_000, decimal_places=2, description="null 清除价格 / null clears it"
    )
    size: int | None = Field(
        None, ge=2, le=10, description="拼团人数，有人参团后不能修改 / frozen after the first help"
    )
    needed: int | None = Field(
        None,
        ge=1,
        le=100,
        description="需要助力数，有人助力后不能修改 / frozen after the first help",
    )
    category: CategoryName | None = None


class AidRequestRevisionOut(Schema):
    id: int
    editor: PersonOut | None
    title: str
    body: str
    price: Decimal | None
    size: int | None
    needed: int | None
    category: str
    screening_action: str = Field(
        description="替换它的版本的审核结果 / verdict of the next version"
    )
    created_at: datetime = Field(description="被修改的时间 / when it was replaced")

    @classmethod
    def build(cls, v: AidRequestRevision) -> "AidRequestRevisionOut":
        return cls(
            id=v.pk,
            editor=person_out(v.editor) if v.editor else None,
            title=v.title,
            body=v.body,
            price=v.price,
            size=v.size,
            needed=v.needed,
            category=v.category,
            screening_action=v.screening_action,
            created_at=v.created_at,
        )


class ParseIn(Schema):
    text: str = Field(max_length=2000)


class ParseOut(Schema):
    platform: str
    link_class: str
    clean_link: str
    goods_id: str
    title: str
    price: Decimal | None
    kind: str
    size: int | None
    needed: int | None
    is_short_link: bool


class KeyIn(Schema):
    idempotency_key: str = Field("", max_length=64)


class DisputeIn(Schema):
    reason: str = Field("", max_length=300)


class DisputeOut(Schema):
    id: int
    help_id: int
    request_id: int
    helper: PersonOut
    reporter: PersonOut
    reason: str
    status: Literal["open", "upheld", "rejected"]
    created_at: datetime

    @classmethod
    def build(cls, d: HelpDispute) -> "DisputeOut":
        return cls(
            id=d.pk,
            help_id=d.help_id,
            request_id=d.help.request_id,
            helper=person_out(d.help.helper),
            reporter=person_out(d.reporter),
            reason=d.reason,
            status=d.status,  # type: ignore[arg-type]
            created_at=d.created_at,
        )


class DisputeResolveIn(Schema):
    upheld: StrictBool = Field(description="争议成立则撤销这次帮助 / revoke the help if upheld")


class AnswerIn(Schema):
    body: str = Field(min_length=1, max_length=5000)
    idempotency_key: str = Field("", max_length=64)


class ThankIn(Schema):
    helper_id: int = Field(ge=1, le=MAX_ID)


class ThankOut(Schema):
    thanked: int


class ModerateIn(Schema):
    approve: StrictBool


class RulesIO(Schema):
    help_before_post: int = Field(description="先帮后发：发布前需帮助的次数，0 = 关闭")
    max_open_requests: int = Field(description="每人同时进行中的请求上限，0 = 不限")
    max_requests_per_day: int = Field(description="每人每天发布上限，0 = 不限")
    max_helps_per_day: int = Field(description="每人每天帮助上限，0 = 不限")
    groupbuy_window_hours: int = Field(description="拼团/助力时限（小时，1–72）")
    answer_weight: int = Field(description="回答被采纳获得的互助值（默认 2）")


class RulesPatch(Schema):
    help_before_post: int | None = Field(None, ge=0, le=RULE_LIMITS["help_before_post"][1])
    max_open_requests: int | None = Field(None, ge=0, le=RULE_LIMITS["max_open_requests"][1])
    max_requests_per_day: int | None = Field(None, ge=0, le=RULE_LIMITS["max_requests_per_day"][1])
    max_helps_per_day: int | None = Field(None, ge=0, le=RULE_LIMITS["max_helps_per_day"][1])
    groupbuy_window_hours: int | None = Field(None, ge=1, le=72)
    answer_weight: int | None = Field(None, ge=1, le=RULE_LIMITS["answer_weight"][1])


class BalanceOut(Schema):
    user_id: int
    name: str
    balance: int
    given: int
    received: int


class CounterpartOut(Schema):
    user_id: int
    name: str
    count: int


class MyLedgerOut(Schema):
    balance: int
    who_helped_me: list[CounterpartOut]
    whom_i_owe: list[CounterpartOut] = Field(description="净欠的互助值 / net 互助值 I owe them")


class ProfileGroupOut(Schema):
    group_id: int
    group_name: str
    given: int
    received: int
    balance: int


class FiltersIn(Schema):
    kind: KindName | None = None
    status: StatusName | None = None


# --- requests ----------------------------------------------------------------------------------


@router.post(
    "/parse",
    response={200: ParseOut, **errors(422)},
    summary="解析分享口令 / Parse a share text",
    description="What the post form previews: platform, clean link, goods id, title, price.",
)
def parse_endpoint(request: HttpRequest, payload: ParseIn) -> ParseOut:
    p = services.share_text_preview(text=payload.text)
    return ParseOut(
        platform=p.platform,
        link_class=p.link_class,
        clean_link=p.clean_link,
        goods_id=p.goods_id,
        title=p.title,
        price=p.price,
        kind=p.kind,
        size=p.size,
        needed=p.needed,
        is_short_link=p.is_short_link,
    )


@router.get(
    "/groups/{group_id}/requests",
    response={200: list[AidRequestOut], **errors(404, 422)},
    summary="群内互助请求 / List a group's aid requests",
)
@paginate(Pagination)
def request_list(
    request: HttpRequest, group_id: GroupId, filters: Query[FiltersIn]
) -> list[AidRequestOut]:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    qs = selectors.aid_requests_list(
        user=user, group=group, kind=filters.kind or "", status=filters.status or ""
    )
    return [AidRequestOut.build(r) for r in qs[:500]]


@router.post(
    "/groups/{group_id}/requests",
    response={201: AidRequestOut, **errors(400, 403, 404, 409, 422, 429)},
    summary="发布拼团、助力或求助 / Post a group-buy, boost or question",
    description=(
        "For a group-buy or boost, paste the share text in `text`; empty fields are filled from "
        "it and the link is published without sharer parameters. 409 `same_goods_open` carries "
        "`existing_id`: join that request instead, or send again with `post_anyway`. Questions count towards the member's posting "
        "limit (429 `posting_rate_limited` with `Retry-After`)."
    ),
)
def request_post(
    request: HttpRequest,
    group_id: GroupId,
    payload: AidRequestIn,
    idempotency_key: IdempotencyHeader = "",
) -> Any:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    data = payload.model_dump()
    data["idempotency_key"] = data["idempotency_key"] or idempotency_key
    data["kind"] = data["kind"] or ""
    try:
        r = services.aid_request_post(actor=user, group=group, **data)
    except Conflict as exc:
        if exc.code != "same_goods_open":
            raise
        from huzhu.api.v1 import api

        return api.create_response(
            request,
            {
                "code": exc.code,
                "message": str(exc.message),
                "existing_id": exc.extra["existing_id"],
            },
            status=409,
        )
    return Status(201, AidRequestOut.build(r))


@router.get(
    "/requests/{request_id}",
    response={200: AidRequestDetailOut, **errors(404, 422)},
    summary="请求详情 / An aid request with its helps and answers",
)
def request_detail(request: HttpRequest, request_id: RequestId) -> AidRequestDetailOut:
    user = request_user(request)
    r, _m = selectors.aid_request_get(user=user, request_id=request_id)
    base = AidRequestOut.build(r).model_dump()
    return AidRequestDetailOut(
        **base,
        helps=[HelpOut.build(h) for h in selectors.request_helps(request=r)],
        answers=[AnswerOut.build(a) for a in selectors.request_answers(request=r, user=user)],
    )


@router.patch(
    "/requests/{request_id}",
    response={200: AidRequestOut, **errors(400, 403, 404, 409, 422)},
    summary="修改请求 / Edit a request (requester only)",
    description=(
        "Only the fields sent change; `price: null` clears the price. The text is screened as "
        "a post is: 400 `screening_blocked` leaves the published version unchanged; a held edit "
        "answers 200 with `publication: held` (back in the moderators' queue), or 409 "
        "`edit_needs_review` when members already joined or helped (nothing changes). 409 "
        "`frozen_after_help` when `size` or `needed` changes after someone helped, "
        "`request_not_editable` once the request is completed, expired, resolved, closed or "
        "rejected. Sending the current values again changes nothing."
    ),
)
def request_edit(
    request: HttpRequest, request_id: RequestId, payload: AidRequestPatch
) -> AidRequestOut:
    sent = payload.model_dump(exclude_unset=True)
    # null means "clear" only for the price; elsewhere it is the same as leaving the field out.
    changes = {k: v for k, v in sent.items() if v is not None or k == "price"}
    r = services.aid_request_edit(actor=request_user(request), request_id=request_id, **changes)
    return AidRequestOut.build(r)


@router.get(
    "/requests/{request_id}/revisions",
    response={200: list[AidRequestRevisionOut], **errors(403, 404, 422)},
    summary="修改记录 / Earlier versions of an edited request (requester and moderators)",
)
def request_revisions(request: HttpRequest, request_id: RequestId) -> list[AidRequestRevisionOut]:
    user = request_user(request)
    r, membership = selectors.aid_request_get(user=user, request_id=request_id)
    revisions = selectors.aid_request_revisions(user=user, request=r, membership=membership)
    return [AidRequestRevisionOut.build(v) for v in revisions]


@router.post(
    "/requests/{request_id}/helps",
    response={201: HelpOut, **errors(400, 403, 404, 409, 422)},
    summary="我已参团 / 已助力 — record a help",
    description=(
        "One help per member per request; a repeat returns the first help. 409 `groupbuy_full` "
        "when another member took the last slot first."
    ),
)
def help_endpoint(
    request: HttpRequest,
    request_id: RequestId,
    payload: KeyIn | None = None,
    idempotency_key: IdempotencyHeader = "",
) -> Status[HelpOut]:
    user = request_user(request)
    key = (payload.idempotency_key if payload else "") or idempotency_key
    h = services.help_give(actor=user, request_id=request_id, idempotency_key=key)
    return Status(201, HelpOut.build(h))


@router.post(
    "/requests/{request_id}/answers",
    response={201: AnswerOut, **errors(400, 403, 404, 409, 422, 429)},
    summary="回答求助 / Answer a question",
)
def answer_endpoint(
    request: HttpRequest,
    request_id: RequestId,
    payload: AnswerIn,
    idempotency_key: IdempotencyHeader = "",
) -> Status[AnswerOut]:
    user = request_user(request)
    a = services.answer_post(
        actor=user,
        request_id=request_id,
        body=payload.body,
        idempotency_key=payload.idempotency_key or idempotency_key,
    )
    return Status(201, AnswerOut.build(a))


@router.post(
    "/answers/{answer_id}/accept",
    response={200: AnswerOut, **errors(404, 409, 422)},
    summary="采纳回答 / Accept an answer (asker only)",
)
def accept_endpoint(request: HttpRequest, answer_id: AnswerId) -> AnswerOut:
    return AnswerOut.build(services.answer_accept(actor=request_user(request), answer_id=answer_id))


@router.post(
    "/requests/{request_id}/thank",
    response={200: ThankOut, **errors(400, 404, 422)},
    summary="感谢帮助者 / Thank a helper",
)
def thank_endpoint(request: HttpRequest, request_id: RequestId, payload: ThankIn) -> ThankOut:
    n = services.request_thank(
        actor=request_user(request), request_id=request_id, helper_id=payload.helper_id
    )
    return ThankOut(thanked=n)


@router.post(
    "/requests/{request_id}/close",
    response={200: AidRequestOut, **errors(404, 409, 422)},
    summary="关闭请求 / Close a request (requester or moderator)",
)
def close_endpoint(request: HttpRequest, request_id: RequestId) -> AidRequestOut:
    r = services.request_close(actor=request_user(request), request_id=request_id)
    return AidRequestOut.build(r)


@router.post(
    "/requests/{request_id}/moderate",
    response={200: AidRequestOut, **errors(403, 404, 409, 422)},
    summary="审核被拦下的请求 / Publish or reject a held request (moderators)",
)
def moderate_endpoint(
    request: HttpRequest, request_id: RequestId, payload: ModerateIn
) -> AidRequestOut:
    r = services.aid_request_moderate(
        actor=request_user(request), request_id=request_id, approve=payload.approve
    )
    return AidRequestOut.build(r)


# --- disputes ----------------------------------------------------------------------------------


@router.post(
    "/helps/{help_id}/dispute",
    response={201: DisputeOut, **errors(404, 409, 422)},
    summary="标记未收到帮助 / Mark a claimed help as not received",
)
def dispute_endpoint(
    request: HttpRequest, help_id: HelpId, payload: DisputeIn
) -> Status[DisputeOut]:
    d = services.help_dispute(actor=request_user(request), help_id=help_id, reason=payload.reason)
    return Status(201, DisputeOut.build(d))


@router.get(
    "/groups/{group_id}/disputes",
    response={200: list[DisputeOut], **errors(404, 422)},
    summary="待处理的帮助争议 / Open help disputes (moderators)",
)
def dispute_list(request: HttpRequest, group_id: GroupId) -> list[DisputeOut]:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    return [DisputeOut.build(d) for d in selectors.open_disputes(user=user, group=group)]


@router.post(
    "/disputes/{dispute_id}/resolve",
    response={200: DisputeOut, **errors(403, 404, 409, 422)},
    summary="处理帮助争议 / Resolve a help dispute (moderators)",
)
def resolve_endpoint(
    request: HttpRequest, dispute_id: DisputeId, payload: DisputeResolveIn
) -> DisputeOut:
    d = services.help_dispute_resolve(
        actor=request_user(request), dispute_id=dispute_id, upheld=payload.upheld
    )
    return DisputeOut.build(d)


# --- queue, ledger, rules ----------------------------------------------------------------------


@router.get(
    "/groups/{group_id}/queue",
    response={200: list[AidRequestOut], **errors(404, 422)},
    summary="待我帮助 / Requests I can help with",
    description="Reciprocity first (members who helped me), then nearest deadline, then fewest helps.",
)
def queue_endpoint(request: HttpRequest, group_id: GroupId) -> list[AidRequestOut]:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    return [AidRequestOut.build(r) for r in selectors.help_queue(user=user, group=group)]


@router.get(
    "/groups/{group_id}/balances",
    response={200: list[BalanceOut], **errors(404, 422)},
    summary="互助值 / Every member's balance in the group",
    description="Lists the members whose ledger privacy setting lets the caller see it, and the caller.",
)
def balances_endpoint(request: HttpRequest, group_id: GroupId) -> list[BalanceOut]:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    return [
        BalanceOut(
            user_id=b.user_id,
            name=b.display_name,
            balance=b.balance,
            given=b.given,
            received=b.received,
        )
        for b in selectors.ledger_balances(group=group, viewer=user)
    ]


@router.get(
    "/groups/{group_id}/ledger/me",
    response={200: MyLedgerOut, **errors(404, 422)},
    summary="我的互助值 / My balance, who helped me, whom I owe",
)
def my_ledger_endpoint(request: HttpRequest, group_id: GroupId) -> MyLedgerOut:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    return MyLedgerOut(
        balance=selectors.ledger_balance(user=user, group=group),
        who_helped_me=[
            CounterpartOut(user_id=c.user_id, name=c.display_name, count=c.count)
            for c in selectors.who_helped_me(user=user, group=group)
        ],
        whom_i_owe=[
            CounterpartOut(user_id=c.user_id, name=c.display_name, count=c.count)
            for c in selectors.whom_i_owe(user=user, group=group)
        ],
    )


@router.get(
    "/profile",
    response={200: list[ProfileGroupOut], **errors(422)},
    summary="我的帮助与受助（按群） / Given and received per group",
)
def profile_endpoint(request: HttpRequest) -> list[ProfileGroupOut]:
    return [
        ProfileGroupOut(
            group_id=p.group_id,
            group_name=p.group_name,
            given=p.given,
            received=p.received,
            balance=p.balance,
        )
        for p in selectors.profile_given_received(user=request_user(request))
    ]


class MemberProfileOut(Schema):
    user: PersonOut
    groups: list[ProfileGroupOut]


@router.get(
    "/users/{user_id}/profile",
    response={200: MemberProfileOut, **errors(404, 422)},
    summary="群友的帮助与受助 / A member's given and received, in the groups you share",
    description="Only groups from which the member's privacy settings show both their groups and "
    "their ledger to the caller are listed (an empty list: hidden).",
)
def member_profile_endpoint(request: HttpRequest, user_id: UserId) -> MemberProfileOut:
    user, rows = selectors.member_profile(viewer=request_user(request), user_id=user_id)
    return MemberProfileOut(
        user=person_out(user),
        groups=[
            ProfileGroupOut(
                group_id=p.group_id,
                group_name=p.group_name,
                given=p.given,
                received=p.received,
                balance=p.balance,
            )
            for p in rows
        ],
    )


@router.get(
    "/groups/{group_id}/rules",
    response={200: RulesIO, **errors(404, 422)},
    summary="互助规则 / The group's fairness rules",
)
def rules_get(request: HttpRequest, group_id: GroupId) -> RulesIO:
    group, _m = access_group(user=request_user(request), group_id=group_id)
    return RulesIO(**aid_rules_get(group=group).as_dict())


@router.patch(
    "/groups/{group_id}/rules",
    response={200: RulesIO, **errors(400, 403, 404, 422)},
    summary="修改互助规则 / Change the fairness rules (owner)",
    description="Only the fields sent change. 0 switches a cap off.",
)
def rules_patch(request: HttpRequest, group_id: GroupId, payload: RulesPatch) -> RulesIO:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    changes = {k: v for k, v in payload.model_dump().items() if v is not None}
    return RulesIO(**services.aid_rules_update(actor=user, group=group, **changes).as_dict())
