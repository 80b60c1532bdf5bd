"""Privacy and data rights over the API: settings, recovery phone, group-buy addresses, aliases,
relayed contact requests, consent, export and account deletion.

Reveals take the password in the request body every time (the fresh check) and are audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from huzhu.api.auth import request_user
from huzhu.api.schemas import MAX_ID, GroupId, Text, errors
from huzhu.core.errors import Forbidden
from huzhu.groups.access import access_group
from huzhu.privacy import data_rights, services
from huzhu.privacy.models import ExportJob

router = Router()

AudienceIn = Literal["group_members", "admins", "nobody"]
ObjId = Annotated[int, Path(ge=1, le=MAX_ID, description="ID / id")]
Password = Annotated[str, Field(min_length=1, max_length=200, description="当前密码 / password")]


class PrivacySettingsOut(Schema):
    profile_visibility: AudienceIn
    groups_visibility: AudienceIn
    ledger_visibility: AudienceIn
    accept_contact_requests: bool


class PrivacySettingsIn(Schema):
    profile_visibility: AudienceIn | None = None
    groups_visibility: AudienceIn | None = None
    ledger_visibility: AudienceIn | None = None
    accept_contact_requests: bool | None = None


class PhoneOut(Schema):
    masked: str = Field(description="如 138****5678；空 = 未设置 / empty when not set")


class PhoneIn(Schema):
    phone: Text = Field(max_length=20, description="中国大陆手机号；空 = 删除 / empty removes it")


class PasswordIn(Schema):
    password: Password


class PhoneRevealOut(Schema):
    phone: str


class AddressIn(Schema):
    recipient_name: Text = Field(min_length=1, max_length=40)
    phone: Text = Field(min_length=1, max_length=20)
    address: Text = Field(min_length=1, max_length=200)


class AddressOut(Schema):
    id: int
    request_id: int
    group_id: int
    recipient: str
    phone: str
    address: str
    created_at: datetime


class AddressesOut(Schema):
    shared_by_me: list[AddressOut]
    shared_with_me: list[AddressOut]


class AddressRevealOut(Schema):
    id: int
    request_id: int
    recipient: str
    phone: str
    address: str


class AliasIn(Schema):
    alias: Text = Field(max_length=40, description="空 = 用显示名称 / empty: use display name")


class AliasOut(Schema):
    group_id: int
    alias: str


class ContactIn(Schema):
    recipient_id: int = Field(ge=1, le=MAX_ID)
    message: Text = Field(min_length=1, max_length=200)
    share_contact: Text = Field("", max_length=100)


class ContactAnswerIn(Schema):
    accept: bool
    share_contact: Text = Field("", max_length=100)


class ContactOut(Schema):
    id: int
    group_id: int
    incoming: bool
    other_name: str
    message: str
    status: Literal["pending", "accepted", "declined", "withdrawn"]
    their_contact: str
    created_at: datetime


class ConsentOut(Schema):
    versions: dict[str, str]
    missing: list[str]


class ConsentIn(Schema):
    accept: list[Literal["privacy_policy", "community_rules"]] = Field(max_length=2)


class ExportOut(Schema):
    id: int
    status: Literal["queued", "running", "done", "failed"]
    progress: int
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime | None = Field(
        description="下载截止时间，之后删除 / the archive is deleted after this (48 h after built)"
    )
    download_url: str | None

    @staticmethod
    def resolve_download_url(obj: ExportJob) -> str | None:
        return f"/api/v1/privacy/exports/{obj.pk}/download" if obj.status == "done" else None


class DeletionOut(Schema):
    erase_after: datetime


def _settings_out(request: HttpRequest) -> PrivacySettingsOut:
    row = services.privacy_settings_get(user=request_user(request))
    return PrivacySettingsOut.model_validate(row, from_attributes=True)


@router.get(
    "/settings",
    response={200: PrivacySettingsOut},
    summary="我的隐私设置 / My privacy settings",
    description="Who may see my profile, my groups and my ledger, and whether I accept contact requests.",
)
def settings_get(request: HttpRequest) -> PrivacySettingsOut:
    return _settings_out(request)


@router.patch(
    "/settings",
    response={200: PrivacySettingsOut, **errors(400, 403, 422)},
    summary="修改隐私设置 / Change privacy settings",
    description="Only the fields sent change.",
)
def settings_update(request: HttpRequest, payload: PrivacySettingsIn) -> PrivacySettingsOut:
    services.privacy_settings_update(user=request_user(request), **payload.dict())
    return _settings_out(request)


@router.get(
    "/phone",
    response={200: PhoneOut},
    summary="找回账号手机号（打码） / Recovery phone, masked",
    description="Stored encrypted; shown masked.",
)
def phone_get(request: HttpRequest) -> PhoneOut:
    return PhoneOut(masked=services.recovery_phone_masked(user=request_user(request)))


@router.put(
    "/phone",
    response={200: PhoneOut, **errors(400, 403, 422)},
    summary="设置找回账号手机号 / Set the recovery phone",
    description="A mainland mobile number, stored encrypted; an empty value removes it.",
)
def phone_set(request: HttpRequest, payload: PhoneIn) -> PhoneOut:
    user = request_user(request)
    services.recovery_phone_set(user=user, phone=payload.phone)
    return PhoneOut(masked=services.recovery_phone_masked(user=user))


@router.post(
    "/phone/reveal",
    response={200: PhoneRevealOut, **errors(403, 404, 422)},
    summary="查看完整手机号 / Reveal the recovery phone",
    description="Needs the account password in the body; every reveal is audited.",
)
def phone_reveal(request: HttpRequest, payload: PasswordIn) -> PhoneRevealOut:
    phone = services.recovery_phone_reveal(user=request_user(request), password=payload.password)
    return PhoneRevealOut(phone=phone)


@router.get(
    "/addresses",
    response={200: AddressesOut},
    summary="拼团收货地址（打码） / Group-buy addresses, masked",
    description="Addresses I shared, and addresses members shared with me as an organiser.",
)
def addresses_list(request: HttpRequest) -> AddressesOut:
    return AddressesOut.model_validate(services.addresses_visible_to(user=request_user(request)))


@router.post(
    "/groupbuys/{request_id}/address",
    response={201: AddressOut, **errors(400, 403, 404, 409, 422)},
    summary="给团长提供收货地址 / Share my address with a group-buy's organiser",
    description="Encrypted at rest; only the organiser can reveal it, with their password.",
)
def address_share(
    request: HttpRequest, request_id: ObjId, payload: AddressIn
) -> Status[AddressOut]:
    user = request_user(request)
    row = services.address_share(actor=user, request_id=request_id, **payload.dict())
    mine = services.addresses_visible_to(user=user)["shared_by_me"]
    return Status(201, AddressOut.model_validate(next(a for a in mine if a["id"] == row.pk)))


@router.post(
    "/addresses/{address_id}/reveal",
    response={200: AddressRevealOut, **errors(403, 404, 422)},
    summary="查看完整地址 / Reveal an address",
    description="For its owner or the group-buy's organiser; needs the password; audited.",
)
def address_reveal(request: HttpRequest, address_id: ObjId, payload: PasswordIn) -> dict:
    return services.address_reveal(
        actor=request_user(request), address_id=address_id, password=payload.password
    )


@router.delete(
    "/addresses/{address_id}",
    response={204: None, **errors(403, 404, 422)},
    summary="撤回地址 / Withdraw an address",
    description="Erases the encrypted address; the organiser can no longer reveal it.",
)
def address_withdraw(request: HttpRequest, address_id: ObjId) -> Status[None]:
    services.address_withdraw(actor=request_user(request), address_id=address_id)
    return Status(204, None)


@router.put(
    "/groups/{group_id}/alias",
    response={200: AliasOut, **errors(400, 403, 404, 422)},
    summary="设置群昵称 / Set my name in one group",
    description="An empty alias goes back to the display name.",
)
def alias_set(request: HttpRequest, group_id: GroupId, payload: AliasIn) -> AliasOut:
    user = request_user(request)
    group, _membership = access_group(user=user, group_id=group_id)
    row = services.group_alias_set(user=user, group=group, alias=payload.alias)
    return AliasOut(group_id=group.pk, alias=row.alias if row else "")


@router.get(
    "/contacts",
    response={200: list[ContactOut]},
    summary="联系请求 / My contact requests",
    description="Sent and received (latest 100), with only the contact details the other side chose to share.",
)
def contacts_list(request: HttpRequest) -> list[dict]:
    return services.contact_requests_for(user=request_user(request))


@router.post(
    "/groups/{group_id}/contacts",
    response={201: ContactOut, **errors(400, 403, 404, 409, 422)},
    summary="发送联系请求 / Send a relayed contact request",
    description="To another active member of the group; nothing personal is exposed unless shared.",
)
def contact_send(request: HttpRequest, group_id: GroupId, payload: ContactIn) -> Status[dict]:
    user = request_user(request)
    group, _membership = access_group(user=user, group_id=group_id)
    row = services.contact_request_send(sender=user, group=group, **payload.dict())
    out = next(c for c in services.contact_requests_for(user=user) if c["id"] == row.pk)
    return Status(201, out)


@router.post(
    "/contacts/{contact_id}/answer",
    response={200: ContactOut, **errors(400, 403, 404, 422)},
    summary="回复联系请求 / Accept or decline a contact request",
    description="Only the recipient answers, once.",
)
def contact_answer(request: HttpRequest, contact_id: ObjId, payload: ContactAnswerIn) -> dict:
    user = request_user(request)
    row = services.contact_request_answer(
        actor=user,
        request_id=contact_id,
        accept=payload.accept,
        share_contact=payload.share_contact,
    )
    return next(c for c in services.contact_requests_for(user=user) if c["id"] == row.pk)


@router.get(
    "/consent",
    response={200: ConsentOut},
    summary="文件版本与同意 / Document versions and missing consent",
    description="The current versions and the documents whose current version I have not accepted.",
)
def consent_get(request: HttpRequest) -> ConsentOut:
    return ConsentOut(
        versions={str(k): v for k, v in services.current_versions().items()},
        missing=services.consent_missing(user=request_user(request)),
    )


@router.post(
    "/consent",
    response={200: ConsentOut, **errors(400, 403, 422)},
    summary="同意更新后的文件 / Accept the current versions",
    description="`accept` must list every missing document. Only a signed-in browser session "
    "may accept; an API token gets 403 `consent_required` (the person accepts on the web).",
)
def consent_post(request: HttpRequest, payload: ConsentIn) -> ConsentOut:
    services.consent_accept(user=request_user(request), kinds=list(payload.accept))
    return consent_get(request)


@router.post(
    "/exports",
    response={202: ExportOut, **errors(403, 429)},
    summary="导出我的数据 / Export all my data",
    description="Builds a zip (JSON + readable HTML) in the background; poll the job for progress.",
)
def export_start(request: HttpRequest) -> Status[ExportJob]:
    return Status(202, data_rights.export_request(user=request_user(request)))


@router.get(
    "/exports/{job_id}",
    response={200: ExportOut, **errors(404, 422)},
    summary="导出进度 / Export progress",
    description="`download_url` appears when the job is done.",
)
def export_get(request: HttpRequest, job_id: ObjId) -> ExportJob:
    return data_rights.export_get(user=request_user(request), job_id=job_id)


@router.get(
    "/exports/{job_id}/download",
    response={200: None, **errors(404, 422)},
    summary="下载导出 / Download the export zip",
    description="`application/zip` with huzhu-data.json and huzhu-data.html.",
)
def export_download(request: HttpRequest, job_id: ObjId) -> HttpResponse:
    archive = data_rights.export_download(user=request_user(request), job_id=job_id)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="huzhu-data-{job_id}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@router.post(
    "/deletion",
    response={200: DeletionOut, **errors(403, 422)},
    summary="注销账号 / Delete my account",
    description="Deactivates at once (tokens revoked) and erases personal data after the grace period. Needs the password.",
)
def deletion_request(request: HttpRequest, payload: PasswordIn) -> DeletionOut:
    row = services.account_deletion_request(user=request_user(request), password=payload.password)
    return DeletionOut(erase_after=row.erase_after)


# --- staff: restoring an account during its grace period -----------------------------------------


class PendingDeletionOut(Schema):
    user_id: int
    username: str
    display_name: str
    requested_at: datetime
    erase_after: datetime = Field(
        description="过了这个时间就无法恢复 / cannot be restored after this"
    )


class RestoreIn(Schema):
    reason: Text = Field(
        min_length=1,
        max_length=200,
        description="恢复的原因，如用户来信的日期（写入审计日志）/ why (kept in the audit log)",
    )


class RestoredOut(Schema):
    user_id: int
    is_active: bool


def _staff_only(request: HttpRequest) -> None:
    # Before any lookup: a 403 / 404 difference would tell anyone which accounts are being deleted.
    if not request_user(request).is_staff:
        raise Forbidden(_("只有平台管理员可以这样做。"), code="not_staff")


@router.get(
    "/staff/deletions",
    response={200: list[PendingDeletionOut], **errors(403, 422)},
    summary="待注销的账号 / Accounts waiting for erasure (staff)",
    description="Accounts in their deletion grace period that can still be restored, soonest erasure first (at most 100). `q` filters by username or display name.",
)
def staff_deletions_list(
    request: HttpRequest, q: Annotated[str, Query(max_length=150)] = ""
) -> list[PendingDeletionOut]:
    _staff_only(request)
    rows = services.account_deletions_pending(actor=request_user(request), query=q)
    return [
        PendingDeletionOut(
            user_id=row.user_id,
            username=row.user.username,
            display_name=row.user.display_name,
            requested_at=row.requested_at,
            erase_after=row.erase_after,
        )
        for row in rows
    ]


@router.post(
    "/staff/deletions/{user_id}/restore",
    response={200: RestoredOut, **errors(403, 404, 422)},
    summary="恢复账号 / Restore an account during its grace period (staff)",
    description="For someone who asked by other means (mail, phone). Needs a reason, which is kept in the audit log. The account's API tokens stay revoked.",
)
def staff_deletion_restore(request: HttpRequest, user_id: ObjId, payload: RestoreIn) -> RestoredOut:
    _staff_only(request)
    user = services.account_deletion_cancel(
        actor=request_user(request), user_id=user_id, reason=payload.reason
    )
    return RestoredOut(user_id=user.pk, is_active=user.is_active)
