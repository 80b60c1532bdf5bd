"""Privacy use cases: encrypted phone and addresses (with audited reveal), privacy settings,
per-group aliases, relayed contact requests, consent and age, export, correction and deletion.

Every service that changes personal data writes an audit row in the same transaction.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.accounts.models import Consent, ConsentKind, User
from huzhu.audit.models import AuditEventType
from huzhu.audit.services import audit_record
from huzhu.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from huzhu.groups.models import Group, Membership, MembershipStatus
from huzhu.privacy import crypto
from huzhu.privacy.models import (
    AccountDeletion,
    AgeConfirmation,
    Audience,
    ContactRequest,
    ContactStatus,
    ExportJob,
    GroupAlias,
    PrivacySettings,
    RecoveryPhone,
    SharedAddress,
)

if TYPE_CHECKING:
    from huzhu.aid.models import AidRequest

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
ERASED_NAME = "已注销用户"
ALIAS_MAX = 40
CONTACT_MAX = 100
CONTACT_MESSAGE_MAX = 200
ADDRESS_MAX = 200


def _active_membership(*, user: User, group_id: int) -> Membership | None:
    return Membership.objects.filter(
        group_id=group_id, user_id=user.pk, status=MembershipStatus.ACTIVE
    ).first()


def password_confirm(*, user: User, password: str) -> None:
    """The fresh password check that guards every reveal and the account deletion."""
    if not password or not user.check_password(password):
        raise Forbidden(_("密码不正确。"), code="wrong_password")


def _normalize_phone(phone: str) -> str:
    phone = re.sub(r"[\s\-]", "", phone or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not PHONE_RE.match(phone):
        raise InvalidInput(_("请输入 11 位中国大陆手机号。"), code="invalid_phone")
    return phone


# --- recovery phone ---------------------------------------------------------------------------


def recovery_phone_set(*, user: User, phone: str) -> RecoveryPhone:
    """Store (or replace, or with an empty value remove) the account-recovery phone, encrypted."""
    with transaction.atomic():
        if not (phone or "").strip():
            RecoveryPhone.objects.filter(user=user).delete()
            audit_record(
                event_type=AuditEventType.RECOVERY_PHONE_SET,
                actor=user,
                target_user=user,
                extra={"removed": True},
            )
            return RecoveryPhone(user=user)
        number = _normalize_phone(phone)
        row, _created = RecoveryPhone.objects.update_or_create(
            user=user,
            defaults={
                "phone_encrypted": crypto.encrypt(number, purpose="phone"),
                "phone_index": crypto.blind_index(number, purpose="phone"),
            },
        )
        audit_record(event_type=AuditEventType.RECOVERY_PHONE_SET, actor=user, target_user=user)
    return row


def recovery_phone_masked(*, user: User) -> str:
    row = RecoveryPhone.objects.filter(user=user).first()
    if row is None:
        return ""
    return crypto.mask_phone(crypto.decrypt(row.phone_encrypted, purpose="phone"))


def recovery_phone_reveal(*, user: User, password: str) -> str:
    password_confirm(user=user, password=password)
    row = RecoveryPhone.objects.filter(user=user).first()
    if row is None:
        raise NotFound(_("你还没有设置手机号。"), code="no_phone")
    with transaction.atomic():
        audit_record(
            event_type=AuditEventType.PRIVATE_FIELD_REVEALED,
            actor=user,
            target_user=user,
            target=row,
            extra={"field": "recovery_phone"},
        )
    return crypto.decrypt(row.phone_encrypted, purpose="phone")


def user_find_by_recovery_phone(*, phone: str) -> User | None:
    """Account recovery looks a user up by number through the blind index, never in clear."""
    try:
        number = _normalize_phone(phone)
    except InvalidInput:
        return None
    row = (
        RecoveryPhone.objects.select_related("user")
        .filter(phone_index=crypto.blind_index(number, purpose="phone"), user__is_active=True)
        .first()
    )
    return row.user if row else None


# --- group-buy shipping addresses ---------------------------------------------------------------


def groupbuy_for_member(*, user: User, request_id: int) -> AidRequest:
    from huzhu.aid.models import AidKind, AidRequest

    req = AidRequest.objects.filter(pk=request_id, kind=AidKind.GROUPBUY).first()
    if req is None or _active_membership(user=user, group_id=req.group_id) is None:
        raise NotFound(_("没有找到这个拼团。"), code="not_found")
    return req


def address_share(
    *, actor: User, request_id: int, recipient_name: str, phone: str, address: str
) -> SharedAddress:
    """Share a shipping address with the organiser of one group-buy; stored encrypted."""
    req = groupbuy_for_member(user=actor, request_id=request_id)
    if req.requester_id == actor.pk:
        raise InvalidInput(_("这是你自己发起的拼团，不需要向自己提供地址。"), code="own_request")
    recipient_name = (recipient_name or "").strip()
    address = (address or "").strip()
    if not recipient_name or len(recipient_name) > ALIAS_MAX:
        raise InvalidInput(_("请填写收件人（最多 40 个字符）。"), code="invalid_recipient")
    if not address or len(address) > ADDRESS_MAX:
        raise InvalidInput(_("请填写收货地址（最多 200 个字符）。"), code="invalid_address")
    number = _normalize_phone(phone)
    try:
        with transaction.atomic():
            row = SharedAddress.objects.create(
                owner=actor,
                request=req,
                group_id=req.group_id,
                recipient_encrypted=crypto.encrypt(recipient_name, purpose="address.name"),
                phone_encrypted=crypto.encrypt(number, purpose="address.phone"),
                address_encrypted=crypto.encrypt(address, purpose="address.text"),
            )
            audit_record(
                event_type=AuditEventType.ADDRESS_SHARED,
                actor=actor,
                group=req.group,
                target_user=req.requester,
                target=row,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("你已经向这个拼团提供过地址，请先撤回再重新提供。"), code="already_shared"
        ) from exc
    return row


def address_withdraw(*, actor: User, address_id: int) -> None:
    row = SharedAddress.objects.filter(
        pk=address_id, owner=actor, withdrawn_at__isnull=True
    ).first()
    if row is None:
        raise NotFound(_("没有找到这个地址。"))
    with transaction.atomic():
        # Withdrawing erases the ciphertext too: the organiser can no longer reveal it.
        row.withdrawn_at = timezone.now()
        row.recipient_encrypted = row.phone_encrypted = row.address_encrypted = ""
        row.save(
            update_fields=[
                "withdrawn_at",
                "recipient_encrypted",
                "phone_encrypted",
                "address_encrypted",
            ]
        )
        audit_record(
            event_type=AuditEventType.ADDRESS_WITHDRAWN, actor=actor, group=row.group, target=row
        )


def _address_masked(row: SharedAddress) -> dict[str, Any]:
    return {
        "id": row.pk,
        "request_id": row.request_id,
        "group_id": row.group_id,
        "recipient": crypto.mask_text(
            crypto.decrypt(row.recipient_encrypted, purpose="address.name"), keep=1
        ),
        "phone": crypto.mask_phone(crypto.decrypt(row.phone_encrypted, purpose="address.phone")),
        "address": crypto.mask_text(
            crypto.decrypt(row.address_encrypted, purpose="address.text"), keep=6
        ),
        "created_at": row.created_at,
    }


def addresses_visible_to(*, user: User) -> dict[str, list[dict[str, Any]]]:
    """Masked: addresses I shared, and addresses shared with me as a group-buy organiser
    (only while I am still an active member of that group)."""
    live = SharedAddress.objects.filter(withdrawn_at__isnull=True).select_related("request")
    mine = [_address_masked(r) for r in live.filter(owner=user).order_by("-created_at")]
    active_groups = Membership.objects.filter(
        user_id=user.pk, status=MembershipStatus.ACTIVE
    ).values("group_id")
    received = [
        _address_masked(r)
        for r in live.filter(request__requester=user, group_id__in=active_groups).order_by(
            "-created_at"
        )
    ]
    return {"shared_by_me": mine, "shared_with_me": received}


def address_reveal(*, actor: User, address_id: int, password: str) -> dict[str, Any]:
    """The full address, for its owner or the group-buy's organiser, after a password check."""
    row = (
        SharedAddress.objects.select_related("request", "group")
        .filter(pk=address_id, withdrawn_at__isnull=True)
        .first()
    )
    allowed = row is not None and (
        row.owner_id == actor.pk
        or (
            row.request.requester_id == actor.pk
            and _active_membership(user=actor, group_id=row.group_id) is not None
        )
    )
    if not allowed:
        raise NotFound(_("没有找到这个地址。"))
    assert row is not None
    password_confirm(user=actor, password=password)
    with transaction.atomic():
        audit_record(
            event_type=AuditEventType.PRIVATE_FIELD_REVEALED,
            actor=actor,
            group=row.group,
            target_user=row.owner,
            target=row,
            extra={"field": "shipping_address"},
        )
    return {
        "id": row.pk,
        "request_id": row.request_id,
        "recipient": crypto.decrypt(row.recipient_encrypted, purpose="address.name"),
        "phone": crypto.decrypt(row.phone_encrypted, purpose="address.phone"),
        "address": crypto.decrypt(row.address_encrypted, purpose="address.text"),
    }


# --- privacy settings and aliases ---------------------------------------------------------------

SETTING_FIELDS = ("profile_visibility", "groups_visibility", "ledger_visibility")


def privacy_settings_get(*, user: User) -> PrivacySettings:
    row = PrivacySettings.objects.filter(user=user).first()
    return row or PrivacySettings(user=user)


def privacy_settings_update(
    *,
    user: User,
    profile_visibility: str | None = None,
    groups_visibility: str | None = None,
    ledger_visibility: str | None = None,
    accept_contact_requests: bool | None = None,
) -> PrivacySettings:
    row = privacy_settings_get(user=user)
    changes: dict[str, Any] = {}
    for name, value in (
        ("profile_visibility", profile_visibility),
        ("groups_visibility", groups_visibility),
        ("ledger_visibility", ledger_visibility),
    ):
        if value is None:
            continue
        if value not in Audience.values:
            raise InvalidInput(_("可见范围不正确。"), code="invalid_audience")
        changes[name] = value
    if accept_contact_requests is not None:
        changes["accept_contact_requests"] = bool(accept_contact_requests)
    with transaction.atomic():
        for name, value in changes.items():
            setattr(row, name, value)
        row.save()
        audit_record(
            event_type=AuditEventType.PRIVACY_SETTINGS_CHANGED,
            actor=user,
            target_user=user,
            extra=dict(changes),
        )
    return row


def privacy_allows(*, viewer: User, owner: User, aspect: str, group: Group) -> bool:
    """May ``viewer`` see ``owner``'s profile / groups / ledger, looking from ``group``?

    Both must be active members of ``group``; the owner always sees their own.
    """
    if viewer.pk == owner.pk:
        return True
    viewer_membership = _active_membership(user=viewer, group_id=group.pk)
    if viewer_membership is None or _active_membership(user=owner, group_id=group.pk) is None:
        return False
    audience = getattr(privacy_settings_get(user=owner), f"{aspect}_visibility")
    if audience == Audience.GROUP_MEMBERS:
        return True
    if audience == Audience.ADMINS:
        return viewer_membership.is_admin
    return False


def group_alias_set(*, user: User, group: Group, alias: str) -> GroupAlias | None:
    """Set the name I show in one group; an empty alias goes back to my display name."""
    if _active_membership(user=user, group_id=group.pk) is None:
        raise NotFound(_("没有找到这个群，或你不是群成员。"))
    alias = (alias or "").strip()
    if len(alias) > ALIAS_MAX:
        raise InvalidInput(_("群昵称最多 40 个字符。"), code="invalid_alias")
    with transaction.atomic():
        audit_record(
            event_type=AuditEventType.GROUP_ALIAS_SET, actor=user, group=group, target_user=user
        )
        if not alias:
            GroupAlias.objects.filter(user=user, group=group).delete()
            return None
        row, _created = GroupAlias.objects.update_or_create(
            user=user, group=group, defaults={"alias": alias}
        )
    return row


def display_name_in_group(*, user: User, group: Group) -> str:
    if not user.is_active and hasattr(user, "deletion"):
        return ERASED_NAME
    row = GroupAlias.objects.filter(user=user, group=group).first()
    return row.alias if row else str(user)


# --- relayed contact requests -------------------------------------------------------------------


def _clean_contact(text: str) -> str:
    text = (text or "").strip()
    if len(text) > CONTACT_MAX:
        raise InvalidInput(_("联系方式最多 100 个字符。"), code="invalid_contact")
    return text


def contact_request_send(
    *, sender: User, group: Group, recipient_id: int, message: str, share_contact: str = ""
) -> ContactRequest:
    """Ask another member of the group to get in touch; nothing personal is shown unless shared."""
    if _active_membership(user=sender, group_id=group.pk) is None:
        raise NotFound(_("没有找到这个群，或你不是群成员。"))
    recipient_membership = (
        Membership.objects.select_related("user")
        .filter(group_id=group.pk, user_id=recipient_id, status=MembershipStatus.ACTIVE)
        .first()
    )
    if recipient_membership is None:
        raise NotFound(_("没有找到这位群友。"), code="member_not_found")
    recipient = recipient_membership.user
    if recipient.pk == sender.pk:
        raise InvalidInput(_("不能向自己发联系请求。"), code="self_contact")
    message = (message or "").strip()
    if not message or len(message) > CONTACT_MESSAGE_MAX:
        raise InvalidInput(_("请写一句话说明来意（最多 200 个字符）。"), code="invalid_message")
    if not privacy_settings_get(user=recipient).accept_contact_requests:
        raise Forbidden(_("这位群友不接受联系请求。"), code="contact_closed")
    contact = _clean_contact(share_contact)
    try:
        with transaction.atomic():
            row = ContactRequest.objects.create(
                group=group,
                sender=sender,
                recipient=recipient,
                message=message,
                sender_contact_encrypted=crypto.encrypt(contact, purpose="contact")
                if contact
                else "",
            )
            audit_record(
                event_type=AuditEventType.CONTACT_REQUESTED,
                actor=sender,
                group=group,
                target_user=recipient,
                target=row,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("你已经向这位群友发过联系请求，请等待回复。"), code="already_requested"
        ) from exc
    return row


def contact_request_answer(
    *, actor: User, request_id: int, accept: bool, share_contact: str = ""
) -> ContactRequest:
    row = ContactRequest.objects.filter(
        pk=request_id, recipient=actor, status=ContactStatus.PENDING
    ).first()
    if row is None:
        raise NotFound(_("没有找到这个联系请求。"))
    contact = _clean_contact(share_contact) if accept else ""
    with transaction.atomic():
        row.status = ContactStatus.ACCEPTED if accept else ContactStatus.DECLINED
        row.answered_at = timezone.now()
        row.recipient_contact_encrypted = (
            crypto.encrypt(contact, purpose="contact") if contact else ""
        )
        if not accept:
            # A declined request never lets the recipient read what the sender offered.
            row.sender_contact_encrypted = ""
        row.save(
            update_fields=[
                "status",
                "answered_at",
                "recipient_contact_encrypted",
                "sender_contact_encrypted",
            ]
        )
        audit_record(
            event_type=AuditEventType.CONTACT_ANSWERED,
            actor=actor,
            target_user=row.sender,
            target=row,
            extra={"accepted": accept},
        )
    return row


def contact_requests_for(*, user: User) -> list[dict[str, Any]]:
    """Requests I sent or received, with only the contact details the other side shared with me
    (the sender's only once I accepted; the recipient's only if they accepted and shared)."""
    rows = (
        ContactRequest.objects.filter(Q(sender=user) | Q(recipient=user))
        .select_related("sender", "recipient", "group")
        .order_by("-created_at", "-id")[:100]
    )
    out = []
    for row in rows:
        incoming = row.recipient_id == user.pk
        other = row.sender if incoming else row.recipient
        if incoming:
            blob = row.sender_contact_encrypted if row.status == ContactStatus.ACCEPTED else ""
        else:
            blob = row.recipient_contact_encrypted
        out.append(
            {
                "id": row.pk,
                "group_id": row.group_id,
                "group_name": row.group.name,
                "incoming": incoming,
                "other_name": display_name_in_group(user=other, group=row.group),
                "message": row.message,
                "status": row.status,
                "status_label": row.get_status_display(),
                "their_contact": crypto.decrypt(blob, purpose="contact") if blob else "",
                "created_at": row.created_at,
            }
        )
    return out


# --- consent and age ----------------------------------------------------------------------------


def current_versions() -> dict[str, str]:
    return {
        ConsentKind.PRIVACY_POLICY: settings.PRIVACY_POLICY_VERSION,
        ConsentKind.COMMUNITY_RULES: settings.COMMUNITY_RULES_VERSION,
    }


def consent_missing(*, user: User) -> list[str]:
    """Document kinds whose current version the user has not accepted."""
    versions = current_versions()
    have = set(
        Consent.objects.filter(user=user, kind__in=versions.keys()).values_list("kind", "version")
    )
    return [kind for kind, version in versions.items() if (kind, version) not in have]


def consent_accept(*, user: User, kinds: list[str]) -> None:
    versions = current_versions()
    missing = consent_missing(user=user)
    if sorted(set(kinds) & set(missing)) != sorted(missing):
        raise InvalidInput(_("请阅读并同意更新后的文件。"), code="consent_required")
    with transaction.atomic():
        for kind in missing:
            Consent.objects.get_or_create(user=user, kind=kind, version=versions[kind])
        audit_record(
            event_type=AuditEventType.USER_CONSENTED,
            actor=user,
            target_user=user,
            extra={kind: versions[kind] for kind in missing},
        )


def age_confirm(
    *, user: User, is_14_or_over: bool, guardian_name: str = "", guardian_consent: bool = False
) -> AgeConfirmation:
    """Record the age confirmation given at sign-up. Call inside the sign-up transaction."""
    guardian_name = (guardian_name or "").strip()
    if not is_14_or_over and not (guardian_consent and guardian_name):
        raise InvalidInput(
            _("未满 14 周岁需要监护人同意：请填写监护人姓名并勾选监护人同意。"),
            code="guardian_consent_required",
        )
    if len(guardian_name) > ALIAS_MAX:
        raise InvalidInput(_("监护人姓名最多 40 个字符。"), code="invalid_guardian")
    row = AgeConfirmation.objects.create(
        user=user,
        is_14_or_over=is_14_or_over,
        guardian_name_encrypted=crypto.encrypt(guardian_name, purpose="guardian")
        if not is_14_or_over
        else "",
        guardian_consented_at=timezone.now() if not is_14_or_over else None,
    )
    audit_record(
        event_type=AuditEventType.AGE_CONFIRMED,
        actor=user,
        target_user=user,
        extra={"is_14_or_over": is_14_or_over, "guardian_consent": not is_14_or_over},
    )
    return row


# --- correction and deletion --------------------------------------------------------------------


def profile_correct(*, user: User, display_name: str) -> User:
    from huzhu.accounts.services import DISPLAY_NAME_MAX

    display_name = (display_name or "").strip()
    if not display_name or len(display_name) > DISPLAY_NAME_MAX:
        raise InvalidInput(_("显示名称须为 1–40 个字符。"), code="invalid_display_name")
    with transaction.atomic():
        old = user.display_name
        user.display_name = display_name
        user.save(update_fields=["display_name"])
        audit_record(
            event_type=AuditEventType.DATA_CORRECTED,
            actor=user,
            target_user=user,
            extra={"field": "display_name", "changed": old != display_name},
        )
    return user


def account_deletion_request(*, user: User, password: str) -> AccountDeletion:
    """Deactivate now (no more logins, tokens revoked); erase after the grace period."""
    password_confirm(user=user, password=password)
    now = timezone.now()
    with transaction.atomic():
        row, _created = AccountDeletion.objects.get_or_create(
            user=user,
            defaults={"erase_after": now + timedelta(days=settings.ACCOUNT_DELETION_GRACE_DAYS)},
        )
        user.is_active = False
        user.save(update_fields=["is_active"])
        user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
        audit_record(
            event_type=AuditEventType.ACCOUNT_DELETION_REQUESTED,
            actor=user,
            target_user=user,
            extra={"erase_after": row.erase_after.isoformat()},
        )
    return row


def account_deletion_pending(*, user_id: int) -> AccountDeletion | None:
    """The deletion still in its grace period for this account, if any."""
    return (
        AccountDeletion.objects.select_related("user")
        .filter(user_id=user_id, erased_at__isnull=True, erase_after__gt=timezone.now())
        .first()
    )


def account_deletion_cancel(*, actor: User, user_id: int, reason: str = "") -> User:
    """Restore an account during its grace period: the account is active again (its API tokens
    stay revoked). Staff do it for anyone who asks (by mail, for example), with a reason; a user
    does it for themselves by signing in with their password during the grace period."""
    by_self = actor.pk == user_id
    if not by_self and not actor.is_staff:
        raise Forbidden(_("只有平台管理员可以这样做。"))
    reason = (reason or "").strip()
    if not by_self and not reason:
        raise InvalidInput(
            _("请写明恢复账号的原因（例如用户来信的日期）。"), code="reason_required"
        )
    if len(reason) > CONTACT_MESSAGE_MAX:
        raise InvalidInput(_("原因最多 200 个字符。"), code="invalid_reason")
    with transaction.atomic():
        row = (
            AccountDeletion.objects.select_for_update()
            .select_related("user")
            .filter(user_id=user_id, erased_at__isnull=True, erase_after__gt=timezone.now())
            .first()
        )
        if row is None:
            raise NotFound(_("没有找到这个注销申请，或已过了可以恢复的期限。"))
        user = row.user
        user.is_active = True
        user.save(update_fields=["is_active"])
        extra = {"by": "self" if by_self else "staff", "requested_at": row.requested_at.isoformat()}
        if reason:
            extra["reason"] = reason
        row.delete()
        audit_record(
            event_type=AuditEventType.ACCOUNT_DELETION_CANCELLED,
            actor=actor,
            target_user=user,
            extra=extra,
        )
    return user


def account_deletions_pending(*, actor: User, query: str = "") -> list[AccountDeletion]:
    """Staff: accounts waiting for erasure that can still be restored, soonest first."""
    if not actor.is_staff:
        raise Forbidden(_("只有平台管理员可以这样做。"))
    qs = AccountDeletion.objects.select_related("user").filter(
        erased_at__isnull=True, erase_after__gt=timezone.now()
    )
    query = (query or "").strip()[:150]
    if query:
        qs = qs.filter(Q(user__username__icontains=query) | Q(user__display_name__icontains=query))
    return list(qs.order_by("erase_after")[:100])


def account_erase(*, deletion: AccountDeletion) -> None:
    """Erase a deactivated account's personal data. The user row stays (as 已注销用户) so the
    group's content, the ledger and the audit log keep pointing at one anonymous member and the
    ledger still sums to zero."""
    from django.contrib.auth.hashers import make_password

    user = deletion.user
    with transaction.atomic():
        user.username = f"deleted-{user.pk}"
        user.display_name = ERASED_NAME
        user.first_name = user.last_name = user.email = ""
        user.password = make_password(None)
        user.is_active = False
        user.save()
        RecoveryPhone.objects.filter(user=user).delete()
        SharedAddress.objects.filter(owner=user).delete()
        PrivacySettings.objects.filter(user=user).delete()
        GroupAlias.objects.filter(user=user).delete()
        ContactRequest.objects.filter(Q(sender=user) | Q(recipient=user)).delete()
        AgeConfirmation.objects.filter(user=user).update(guardian_name_encrypted="")
        ExportJob.objects.filter(user=user).delete()
        user.api_tokens.all().delete()
        Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).update(
            status=MembershipStatus.LEFT, left_at=timezone.now()
        )
        deletion.erased_at = timezone.now()
        deletion.save(update_fields=["erased_at"])
        audit_record(event_type=AuditEventType.ACCOUNT_ERASED, actor=None, target_user=user)


def accounts_erase_due(*, now: Any = None) -> int:
    """Erase every account whose grace period has passed. Idempotent; returns how many."""
    now = now or timezone.now()
    due = AccountDeletion.objects.select_related("user").filter(
        erased_at__isnull=True, erase_after__lte=now
    )
    count = 0
    for deletion in due:
        account_erase(deletion=deletion)
        count += 1
    return count
