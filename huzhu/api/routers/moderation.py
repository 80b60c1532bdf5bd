"""Trust and safety over the JSON API: reports, the review queue, sanctions, appeals, standing,
fact-check notes, moderator notes on members and shared ban lists.

Content is named by ``target_type`` (``message``, ``aid_request``, ``answer``, ``resource``) and
``target_id``. Everything goes through the moderation services; access rules are theirs.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictBool

from huzhu.accounts.models import User
from huzhu.api.auth import request_user
from huzhu.api.pagination import Pagination
from huzhu.api.schemas import MAX_ID, GroupId, PersonOut, Text, UserId, errors, person_out
from huzhu.core.errors import Forbidden, InvalidInput, NotFound
from huzhu.groups.access import access_group
from huzhu.moderation import appeals, banlists, factcheck, member_notes, reports, review, sanctions
from huzhu.moderation.access import access_moderator
from huzhu.moderation.group_config import moderation_config
from huzhu.moderation.models import (
    Appeal,
    BanList,
    MemberNote,
    Note,
    ReviewItem,
    Sanction,
)
from huzhu.moderation.standing import Standing, standing_for
from huzhu.moderation.targets import target_resolve, target_type_of

router = Router()

ItemId = Annotated[int, Path(ge=1, le=MAX_ID, description="审核条目 ID / review item id")]
SanctionId = Annotated[int, Path(ge=1, le=MAX_ID, description="处罚 ID / sanction id")]
AppealId = Annotated[int, Path(ge=1, le=MAX_ID, description="申诉 ID / appeal id")]
NoteId = Annotated[int, Path(ge=1, le=MAX_ID, description="核实 ID / note id")]
BanListId = Annotated[int, Path(ge=1, le=MAX_ID, description="名单 ID / ban list id")]
TargetType = Literal["message", "aid_request", "answer", "resource"]
ReasonName = Literal["false_info", "scam", "ad", "harassment", "privacy", "other"]
SanctionReasonName = Literal[
    "false_info", "scam", "ad", "harassment", "privacy", "false_help", "rules", "other"
]
SanctionKindName = Literal["warning", "mute", "removal", "group_ban"]
TagName = Literal["price_mismatch", "expired", "suspicious_link", "misleading", "accurate", "other"]


def _person(user: Any) -> PersonOut | None:
    return None if user is None else person_out(user)


def _user(user_id: int) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("没有找到这位成员。"))
    return user


# --- reports ------------------------------------------------------------------------------------


class ReportIn(Schema):
    reason: ReasonName
    text: Text = Field("", max_length=500, description="补充说明 / optional details")
    target_type: TargetType | None = Field(None, description="举报内容 / content type")
    target_id: int | None = Field(None, ge=1, le=MAX_ID)
    group_id: int | None = Field(None, ge=1, le=MAX_ID, description="举报成员时 / for a member")
    member_id: int | None = Field(None, ge=1, le=MAX_ID, description="举报成员 / member reported")


class ReportOut(Schema):
    id: int
    group_id: int
    reason: str
    text: str
    weight: float = Field(description="举报权重 / this report's weight")
    status: Literal["open", "upheld", "declined", "dismissed"]
    review_item_id: int
    created_at: datetime

    @classmethod
    def build(cls, r: Any) -> "ReportOut":
        return cls(
            id=r.pk,
            group_id=r.group_id,
            reason=r.reason,
            text=r.text,
            weight=r.weight,
            status=r.status,
            review_item_id=r.review_item_id,
            created_at=r.created_at,
        )


@router.post(
    "/reports",
    response={201: ReportOut, **errors(400, 403, 404, 409, 422, 429)},
    summary="举报 / Report content or a member",
    description="Give `target_type` + `target_id` for content, or `group_id` + `member_id` for a "
    "member. One report per reporter per item (409 `already_reported`); rate limited "
    "(429 `report_rate_limited` with `Retry-After`). When the reports' weights pass the group's "
    "threshold the content is hidden pending review.",
)
def report_create(request: HttpRequest, payload: ReportIn) -> Any:
    user = request_user(request)
    if payload.target_type and payload.target_id:
        target = target_resolve(
            viewer=user, target_type=payload.target_type, target_id=payload.target_id
        )
        report = reports.report_create(
            actor=user, target=target, reason=payload.reason, text=payload.text
        )
    elif payload.group_id and payload.member_id:
        group, _m = access_group(user=user, group_id=payload.group_id)
        report = reports.report_create(
            actor=user,
            member=_user(payload.member_id),
            group=group,
            reason=payload.reason,
            text=payload.text,
        )
    else:
        raise InvalidInput(_("请选择要举报的内容或成员。"), code="invalid_target")
    return Status(201, ReportOut.build(report))


@router.get(
    "/me/reports",
    response={200: list[ReportOut], **errors()},
    summary="我的举报 / My reports and their outcome",
)
def my_reports(request: HttpRequest) -> list[ReportOut]:
    return [ReportOut.build(r) for r in reports.reports_by_user(user=request_user(request))]


# --- review queue -------------------------------------------------------------------------------


class ReviewItemOut(Schema):
    id: int
    group_id: int
    target_type: str | None
    target_id: int | None
    author: PersonOut | None
    sources: list[str]
    excerpt: str
    score: float
    hidden: bool
    status: Literal["open", "approved", "removed", "dismissed"]
    report_count: int
    claimed_by: PersonOut | None
    claimed_at: datetime | None
    created_at: datetime
    age_seconds: int = Field(description="在队列中的时长 / seconds in the queue")

    @classmethod
    def build(cls, item: ReviewItem) -> "ReviewItemOut":
        from django.utils import timezone

        model = item.content_type.model_class() if item.content_type is not None else None
        return cls(
            id=item.pk,
            group_id=item.group_id,
            target_type=target_type_of(model) if model is not None else None,
            target_id=item.object_id,
            author=_person(item.target_user),
            sources=list(item.sources),
            excerpt=item.excerpt[:300],
            score=round(item.score, 3),
            hidden=item.hidden,
            status=item.status,  # type: ignore[arg-type]
            report_count=len(item.reports.all()),
            claimed_by=_person(item.claimed_by),
            claimed_at=item.claimed_at,
            created_at=item.created_at,
            age_seconds=int((timezone.now() - item.created_at).total_seconds()),
        )


class QueueFilterIn(Schema):
    status: Literal["open", "approved", "removed", "dismissed"] = "open"


@router.get(
    "/groups/{group_id}/queue",
    response={200: list[ReviewItemOut], **errors(403, 404, 422)},
    summary="审核队列 / A group's review queue",
    description="Moderators only (403 for members, 404 for non-members). Open items oldest "
    "first: screening holds, reported content and members, help disputes.",
)
@paginate(Pagination)
def queue(request: HttpRequest, group_id: GroupId, filters: Query[QueueFilterIn]) -> Any:
    user = request_user(request)
    group, _m = access_moderator(user=user, group_id=group_id)
    items = review.review_queue(actor=user, group=group, status=filters.status)
    return [ReviewItemOut.build(i) for i in items]


@router.get(
    "/queue",
    response={200: list[ReviewItemOut], **errors(403, 422)},
    summary="全平台审核队列 / The platform-wide queue (staff)",
)
@paginate(Pagination)
def platform_queue(request: HttpRequest) -> Any:
    items = review.review_queue_platform(actor=request_user(request)).prefetch_related("reports")
    return [ReviewItemOut.build(i) for i in items]


class ReportDetailOut(Schema):
    reporter: PersonOut | None
    reason: str
    text: str
    weight: float
    status: str
    created_at: datetime


class SanctionOut(Schema):
    id: int
    group_id: int | None
    user: PersonOut | None
    kind: str
    kind_label: str
    reason: str
    reason_label: str
    text: str
    issued_by: PersonOut | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    active: bool
    appeal_status: str | None

    @classmethod
    def build(cls, s: Sanction) -> "SanctionOut":
        appeal = getattr(s, "appeal", None) if hasattr(s, "appeal") else None
        return cls(
            id=s.pk,
            group_id=s.group_id,
            user=_person(s.user),
            kind=s.kind,
            kind_label=str(s.get_kind_display()),
            reason=s.reason,
            reason_label=str(s.get_reason_display()),
            text=s.text,
            issued_by=_person(s.issued_by),
            created_at=s.created_at,
            expires_at=s.expires_at,
            revoked_at=s.revoked_at,
            active=s.is_active,
            appeal_status=appeal.status if appeal else None,
        )


class ReviewDetailOut(ReviewItemOut):
    label: str
    text: str
    url: str
    findings: dict[str, Any]
    reports: list[ReportDetailOut]
    author_sanctions: list[SanctionOut]
    author_removed_count: int
    author_standing_score: int | None


@router.get(
    "/items/{item_id}",
    response={200: ReviewDetailOut, **errors(403, 404, 422)},
    summary="审核详情 / A review item with content, findings, reports and author history",
)
def item_detail(request: HttpRequest, item_id: ItemId) -> ReviewDetailOut:
    detail = review.review_item_detail(actor=request_user(request), item_id=item_id)
    base = ReviewItemOut.build(detail.item).model_dump()
    return ReviewDetailOut(
        **base,
        label=detail.label,
        text=detail.text,
        url=detail.url,
        findings=detail.item.findings or {},
        reports=[
            ReportDetailOut(
                reporter=_person(r.reporter),
                reason=r.reason,
                text=r.text,
                weight=r.weight,
                status=r.status,
                created_at=r.created_at,
            )
            for r in detail.reports
        ],
        author_sanctions=[SanctionOut.build(s) for s in detail.author_sanctions],
        author_removed_count=detail.author_removed_count,
        author_standing_score=detail.author_standing.score if detail.author_standing else None,
    )


class ClaimIn(Schema):
    release: StrictBool = False


@router.post(
    "/items/{item_id}/claim",
    response={200: ReviewItemOut, **errors(403, 404, 409, 422)},
    summary="认领审核 / Claim (or release) a review item",
    description="409 `claimed_by_other` while another moderator's claim is fresh.",
)
def item_claim(request: HttpRequest, item_id: ItemId, payload: ClaimIn) -> ReviewItemOut:
    item = review.review_item_claim(
        actor=request_user(request), item_id=item_id, release=payload.release
    )
    return ReviewItemOut.build(item)


class ResolveIn(Schema):
    action: Literal["approve", "remove", "remove_sanction", "sanction", "dismiss"]
    note: Text = Field("", max_length=300, description="处理说明 / note shown in the log")
    sanction_kind: SanctionKindName | None = Field(
        None, description="空则按处罚阶梯 / empty: follow the group's ladder"
    )
    sanction_hours: int | None = Field(None, ge=1, le=24 * 365)
    sanction_reason: SanctionReasonName | None = None


@router.post(
    "/items/{item_id}/resolve",
    response={200: ReviewItemOut, **errors(400, 403, 404, 409, 422)},
    summary="处理审核 / Approve, remove, remove and sanction, or dismiss",
    description="`dismiss` lowers the reporters' accuracy; `remove` raises it. Reporters and the "
    "author are notified.",
)
def item_resolve(request: HttpRequest, item_id: ItemId, payload: ResolveIn) -> ReviewItemOut:
    item = review.review_item_resolve(
        actor=request_user(request),
        item_id=item_id,
        action=payload.action,
        note=payload.note,
        sanction_kind=payload.sanction_kind,
        sanction_hours=payload.sanction_hours,
        sanction_reason=payload.sanction_reason,
    )
    return ReviewItemOut.build(item)


# --- sanctions and appeals ------------------------------------------------------------------------


class SanctionIn(Schema):
    user_id: int = Field(ge=1, le=MAX_ID)
    reason: SanctionReasonName
    kind: SanctionKindName | None = Field(None, description="空则按处罚阶梯 / empty: ladder")
    hours: int | None = Field(None, ge=1, le=24 * 365, description="禁言小时 / mute hours")
    text: Text = Field("", max_length=500)


@router.post(
    "/groups/{group_id}/sanctions",
    response={201: SanctionOut, **errors(400, 403, 404, 422)},
    summary="处罚成员 / Sanction a member",
)
def sanction_create(request: HttpRequest, group_id: GroupId, payload: SanctionIn) -> Any:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    sanction = sanctions.sanction_issue(
        actor=user,
        group=group,
        user=_user(payload.user_id),
        reason=payload.reason,
        kind=payload.kind,
        hours=payload.hours,
        text=payload.text,
    )
    return Status(201, SanctionOut.build(sanction))


@router.get(
    "/groups/{group_id}/sanctions",
    response={200: list[SanctionOut], **errors(403, 404, 422)},
    summary="群内处罚记录 / A group's sanctions (moderators)",
)
@paginate(Pagination)
def sanction_list(request: HttpRequest, group_id: GroupId) -> Any:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    return [SanctionOut.build(s) for s in sanctions.sanctions_in_group(actor=user, group=group)]


@router.get(
    "/me/sanctions",
    response={200: list[SanctionOut], **errors()},
    summary="我的处罚 / My sanctions: what, why, until when, appeal status",
)
def my_sanctions(request: HttpRequest) -> list[SanctionOut]:
    return [SanctionOut.build(s) for s in sanctions.sanctions_for_user(user=request_user(request))]


class AppealIn(Schema):
    text: Text = Field(min_length=1, max_length=1000, description="申诉理由 / why")


class AppealOut(Schema):
    id: int
    sanction: SanctionOut
    appellant: PersonOut | None
    text: str
    status: Literal["pending", "granted", "rejected"]
    status_label: str
    decided_by: PersonOut | None
    decided_at: datetime | None
    decision_text: str
    created_at: datetime

    @classmethod
    def build(cls, a: Appeal) -> "AppealOut":
        return cls(
            id=a.pk,
            sanction=SanctionOut.build(a.sanction),
            appellant=_person(a.appellant),
            text=a.text,
            status=a.status,  # type: ignore[arg-type]
            status_label=str(a.get_status_display()),
            decided_by=_person(a.decided_by),
            decided_at=a.decided_at,
            decision_text=a.decision_text,
            created_at=a.created_at,
        )


@router.post(
    "/sanctions/{sanction_id}/appeal",
    response={201: AppealOut, **errors(400, 404, 409, 422)},
    summary="申诉 / Appeal one of my sanctions (once)",
)
def appeal_create(request: HttpRequest, sanction_id: SanctionId, payload: AppealIn) -> Any:
    appeal = appeals.appeal_file(
        actor=request_user(request), sanction_id=sanction_id, text=payload.text
    )
    return Status(201, AppealOut.build(appeal))


@router.get(
    "/groups/{group_id}/appeals",
    response={200: list[AppealOut], **errors(403, 404, 422)},
    summary="待处理申诉 / Pending appeals this moderator may decide",
    description="Appeals of sanctions the caller issued are left out: another moderator or the "
    "owner decides those.",
)
def appeal_list(request: HttpRequest, group_id: GroupId) -> list[AppealOut]:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    return [AppealOut.build(a) for a in appeals.appeals_pending(actor=user, group=group)]


class DecideIn(Schema):
    grant: StrictBool = Field(description="true 撤销处罚 / lift the sanction; false 维持 / keep it")
    text: Text = Field("", max_length=1000)


@router.post(
    "/appeals/{appeal_id}/decide",
    response={200: AppealOut, **errors(403, 404, 409, 422)},
    summary="处理申诉 / Decide an appeal",
    description="Never by the moderator who issued the sanction (403 `own_sanction`).",
)
def appeal_decide(request: HttpRequest, appeal_id: AppealId, payload: DecideIn) -> AppealOut:
    appeal = appeals.appeal_decide(
        actor=request_user(request), appeal_id=appeal_id, grant=payload.grant, text=payload.text
    )
    return AppealOut.build(appeal)


class PlatformBanIn(Schema):
    user_id: int = Field(ge=1, le=MAX_ID)
    reason: SanctionReasonName
    text: Text = Field("", max_length=500)


@router.post(
    "/platform-bans",
    response={201: SanctionOut, **errors(403, 404, 422)},
    summary="封禁账号 / Ban an account from the platform (staff)",
)
def platform_ban(request: HttpRequest, payload: PlatformBanIn) -> Any:
    actor = request_user(request)
    if not actor.is_staff:
        # Before looking the account up: otherwise 403 / 404 tells anyone which user ids exist.
        raise Forbidden(_("只有平台工作人员可以封禁账号。"), code="not_staff")
    sanction = sanctions.platform_ban(
        actor=actor,
        user=_user(payload.user_id),
        reason=payload.reason,
        text=payload.text,
    )
    return Status(201, SanctionOut.build(sanction))


# --- standing and settings ----------------------------------------------------------------------


class PrivilegeOut(Schema):
    key: str
    label: str
    allowed: bool


class StandingOut(Schema):
    score: int
    level: int
    level_name: str
    first_day: bool
    report_weight: float
    report_accuracy: float | None
    components: dict[str, float]
    privileges: list[PrivilegeOut]
    next_level_name: str | None
    points_to_next: int
    how_to_rise: list[str]
    limits: dict[str, int]

    @classmethod
    def build(cls, s: Standing) -> "StandingOut":
        return cls(
            score=s.score,
            level=s.level.number,
            level_name=str(s.level.name),
            first_day=s.first_day,
            report_weight=s.report_weight,
            report_accuracy=s.report_accuracy,
            components={k: float(v) for k, v in s.components.items()},
            privileges=[
                PrivilegeOut(key=k, label=str(label), allowed=allowed)
                for k, label, allowed in s.privileges
            ],
            next_level_name=str(s.next_level.name) if s.next_level else None,
            points_to_next=s.points_to_next,
            how_to_rise=s.how_to_rise(),
            limits=s.limits,
        )


@router.get(
    "/groups/{group_id}/standing",
    response={200: StandingOut, **errors(404, 422)},
    summary="我的信用 / My standing in a group and how to rise",
)
def my_standing(request: HttpRequest, group_id: GroupId) -> StandingOut:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    return StandingOut.build(standing_for(user=user, group=group))


class SettingsOut(Schema):
    hide_threshold: float
    ladder: list[dict[str, Any]]
    ladder_window_days: int
    warning_days: int
    reports_per_hour: int
    claim_minutes: int


class LadderStepIn(Schema):
    kind: SanctionKindName
    hours: int | None = Field(None, ge=1, le=24 * 365)


class SettingsIn(Schema):
    hide_threshold: float | None = Field(None, ge=0.5, le=20)
    ladder: list[LadderStepIn] | None = Field(None, min_length=1, max_length=10)
    ladder_window_days: int | None = Field(None, ge=1, le=365)
    warning_days: int | None = Field(None, ge=1, le=365)


@router.get(
    "/groups/{group_id}/settings",
    response={200: SettingsOut, **errors(404, 422)},
    summary="审核设置 / The group's moderation settings",
)
def settings_get(request: HttpRequest, group_id: GroupId) -> SettingsOut:
    group, _m = access_group(user=request_user(request), group_id=group_id)
    return SettingsOut(**moderation_config(group=group).as_dict())


@router.patch(
    "/groups/{group_id}/settings",
    response={200: SettingsOut, **errors(400, 403, 404, 422)},
    summary="修改审核设置 / Edit threshold and escalation ladder (owner)",
)
def settings_update(request: HttpRequest, group_id: GroupId, payload: SettingsIn) -> SettingsOut:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    ladder = (
        [step.model_dump(exclude_none=True) for step in payload.ladder]
        if payload.ladder is not None
        else None
    )
    config = sanctions.moderation_settings_update(
        actor=user,
        group=group,
        hide_threshold=payload.hide_threshold,
        ladder=ladder,
        ladder_window_days=payload.ladder_window_days,
        warning_days=payload.warning_days,
    )
    return SettingsOut(**config.as_dict())


# --- fact-check notes --------------------------------------------------------------------------


class NoteOut(Schema):
    id: int
    author: PersonOut | None
    tag: str
    tag_label: str
    text: str
    status: Literal["needs_more", "helpful", "not_helpful"]
    intercept: float | None
    scored_by: str
    created_at: datetime

    @classmethod
    def build(cls, n: Note) -> "NoteOut":
        return cls(
            id=n.pk,
            author=_person(n.author),
            tag=n.tag,
            tag_label=str(n.get_tag_display()),
            text=n.text,
            status=n.status,  # type: ignore[arg-type]
            intercept=n.intercept,
            scored_by=n.scored_by,
            created_at=n.created_at,
        )


class NotesOut(Schema):
    shown: list[NoteOut] = Field(description="有帮助，所有人可见 / helpful: shown to everyone")
    to_rate: list[NoteOut] = Field(description="需要更多评价 / needs your rating")
    mine: list[NoteOut]
    can_write: bool
    can_rate: bool
    paused_until: datetime | None


class TargetIn(Schema):
    target_type: TargetType
    target_id: int = Field(ge=1, le=MAX_ID)


@router.get(
    "/notes",
    response={200: NotesOut, **errors(404, 422)},
    summary="内容的核实 / Fact-check notes on one item",
)
def notes_list(request: HttpRequest, target: Query[TargetIn]) -> NotesOut:
    user = request_user(request)
    obj = target_resolve(viewer=user, target_type=target.target_type, target_id=target.target_id)
    view = factcheck.notes_for_target(viewer=user, target=obj)
    return NotesOut(
        shown=[NoteOut.build(n) for n in view.shown],
        to_rate=[NoteOut.build(n) for n in view.to_rate],
        mine=[NoteOut.build(n) for n in view.mine],
        can_write=view.can_write,
        can_rate=view.can_rate,
        paused_until=view.paused_until,
    )


class NoteIn(TargetIn):
    tag: TagName
    text: Text = Field(min_length=1, max_length=280)


@router.post(
    "/notes",
    response={201: NoteOut, **errors(400, 403, 404, 409, 422)},
    summary="撰写核实 / Write a fact-check note",
)
def note_create(request: HttpRequest, payload: NoteIn) -> Any:
    user = request_user(request)
    obj = target_resolve(viewer=user, target_type=payload.target_type, target_id=payload.target_id)
    note = factcheck.note_write(actor=user, target=obj, tag=payload.tag, text=payload.text)
    return Status(201, NoteOut.build(note))


class RateIn(Schema):
    helpful: StrictBool


@router.post(
    "/notes/{note_id}/rate",
    response={200: NoteOut, **errors(400, 403, 404, 422)},
    summary="评价核实 / Rate a note helpful or not",
)
def note_rate(request: HttpRequest, note_id: NoteId, payload: RateIn) -> NoteOut:
    note = factcheck.note_rate(
        actor=request_user(request), note_id=note_id, helpful=payload.helpful
    )
    return NoteOut.build(note)


# --- moderator notes on members -----------------------------------------------------------------


class MemberNoteIn(Schema):
    text: Text = Field(min_length=1, max_length=1000)


class MemberNoteOut(Schema):
    id: int
    author: PersonOut | None
    text: str
    created_at: datetime

    @classmethod
    def build(cls, n: MemberNote) -> "MemberNoteOut":
        return cls(id=n.pk, author=_person(n.author), text=n.text, created_at=n.created_at)


@router.get(
    "/groups/{group_id}/members/{user_id}/notes",
    response={200: list[MemberNoteOut], **errors(403, 404, 422)},
    summary="成员备注 / Private moderator notes on a member",
)
def member_notes_get(
    request: HttpRequest, group_id: GroupId, user_id: UserId
) -> list[MemberNoteOut]:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    notes = member_notes.member_notes_list(actor=user, group=group, member=_user(user_id))
    return [MemberNoteOut.build(n) for n in notes]


@router.post(
    "/groups/{group_id}/members/{user_id}/notes",
    response={201: MemberNoteOut, **errors(400, 403, 404, 422)},
    summary="添加成员备注 / Add a private note on a member",
)
def member_notes_add(
    request: HttpRequest, group_id: GroupId, user_id: UserId, payload: MemberNoteIn
) -> Any:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    note = member_notes.member_note_add(
        actor=user, group=group, member=_user(user_id), text=payload.text
    )
    return Status(201, MemberNoteOut.build(note))


# --- shared ban lists --------------------------------------------------------------------------


class BanListOut(Schema):
    id: int
    name: str
    join_code: str | None = Field(description="仅创建者可见 / only shown to the list's owner")
    groups: list[str]
    entries: int

    @classmethod
    def build(cls, b: BanList, viewer: Any) -> "BanListOut":
        return cls(
            id=b.pk,
            name=b.name,
            join_code=b.join_code if b.owner_id == viewer.pk else None,
            groups=[s.group.name for s in b.subscriptions.all()],
            entries=len(b.entries.all()),
        )


class BanListIn(Schema):
    name: Text = Field(min_length=1, max_length=60)


class BanListJoinIn(Schema):
    join_code: Text = Field(min_length=1, max_length=16)


@router.get(
    "/groups/{group_id}/ban-lists",
    response={200: list[BanListOut], **errors(403, 404, 422)},
    summary="共享封禁名单 / Shared ban lists this group uses (owner)",
)
def ban_lists(request: HttpRequest, group_id: GroupId) -> list[BanListOut]:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    return [
        BanListOut.build(b, user) for b in banlists.ban_lists_for_group(actor=user, group=group)
    ]


@router.post(
    "/groups/{group_id}/ban-lists",
    response={201: BanListOut, **errors(400, 403, 404, 422)},
    summary="创建共享封禁名单 / Create a shared ban list with this group in it",
)
def ban_list_create(request: HttpRequest, group_id: GroupId, payload: BanListIn) -> Any:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    ban_list = banlists.ban_list_create(actor=user, group=group, name=payload.name)
    return Status(201, BanListOut.build(ban_list, user))


@router.post(
    "/groups/{group_id}/ban-lists/join",
    response={201: BanListOut, **errors(403, 404, 409, 422)},
    summary="加入共享封禁名单 / Opt this group in to a list by its code",
)
def ban_list_join(request: HttpRequest, group_id: GroupId, payload: BanListJoinIn) -> Any:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    subscription = banlists.ban_list_subscribe(actor=user, group=group, join_code=payload.join_code)
    return Status(201, BanListOut.build(subscription.ban_list, user))


@router.delete(
    "/groups/{group_id}/ban-lists/{ban_list_id}",
    response={204: None, **errors(403, 404, 422)},
    summary="退出共享封禁名单 / Take this group out of a list",
)
def ban_list_leave(request: HttpRequest, group_id: GroupId, ban_list_id: BanListId) -> Any:
    user = request_user(request)
    group, _m = access_group(user=user, group_id=group_id)
    banlists.ban_list_unsubscribe(actor=user, group=group, ban_list_id=ban_list_id)
    return Status(204, None)
