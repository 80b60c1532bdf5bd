"""What each app contributes to "export everything about me".

Each function returns only the user's own rows. Fields that are secrets (password and token
hashes) or that name other people as moderators are left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings

from huzhu.privacy import crypto
from huzhu.privacy.export import exporter, rows

if TYPE_CHECKING:
    from huzhu.accounts.models import User


@exporter("accounts")
def export_accounts(user: User) -> dict[str, Any]:
    from huzhu.accounts.models import User as UserModel

    return {
        "user": rows(UserModel.objects.filter(pk=user.pk), exclude=("password",)),
        "consents": rows(user.consents.all()),
        "api_tokens": rows(user.api_tokens.all(), exclude=("token_hash",)),
    }


@exporter("groups")
def export_groups(user: User) -> dict[str, Any]:
    from huzhu.groups.models import Group, Invite, Membership

    return {
        "memberships": rows(Membership.objects.filter(user=user)),
        "groups_created": rows(Group.objects.filter(created_by=user)),
        "invites_created": rows(Invite.objects.filter(created_by=user)),
    }


@exporter("aid")
def export_aid(user: User) -> dict[str, Any]:
    from huzhu.aid.models import (
        AidRequest,
        AidRequestRevision,
        Answer,
        Help,
        HelpDispute,
        LedgerEntry,
    )

    return {
        "requests": rows(AidRequest.objects.filter(requester=user)),
        "request_revisions": rows(
            AidRequestRevision.objects.filter(request__requester=user), exclude=("editor",)
        ),
        "helps": rows(Help.objects.filter(helper=user)),
        "answers": rows(Answer.objects.filter(author=user)),
        "disputes": rows(HelpDispute.objects.filter(reporter=user), exclude=("resolved_by",)),
        "ledger": rows(LedgerEntry.objects.filter(member=user)),
    }


@exporter("chat")
def export_chat(user: User) -> dict[str, Any]:
    from huzhu.chat.models import Message

    return {
        "messages": rows(
            Message.objects.filter(sender=user).order_by("group_id", "seq"),
            exclude=("screening", "deleted_by"),
        )
    }


@exporter("moderation")
def export_moderation(user: User) -> dict[str, Any]:
    from huzhu.moderation.models import Appeal, Note, NoteRating, Report, Sanction

    return {
        # Reports I filed; reports against me stay with the moderators (they name the reporter).
        "reports_filed": rows(Report.objects.filter(reporter=user)),
        "sanctions": rows(Sanction.objects.filter(user=user), exclude=("issued_by", "revoked_by")),
        "appeals": rows(Appeal.objects.filter(appellant=user), exclude=("decided_by",)),
        "factcheck_notes": rows(Note.objects.filter(author=user)),
        "note_ratings": rows(NoteRating.objects.filter(rater=user)),
    }


@exporter("resources")
def export_resources(user: User) -> dict[str, Any]:
    from huzhu.resources.models import Resource, ResourceConfirmation

    return {
        "resources": rows(Resource.objects.filter(author=user)),
        "confirmations": rows(ResourceConfirmation.objects.filter(member=user)),
    }


@exporter("notifications")
def export_notifications(user: User) -> dict[str, Any]:
    from huzhu.notifications.models import Notification

    return {"notifications": rows(Notification.objects.filter(user=user), exclude=("actor",))}


@exporter("wellbeing")
def export_wellbeing(user: User) -> dict[str, Any]:
    # Wellbeing is being built beside this app: export every model of it that has a ``user``.
    if not apps.is_installed("huzhu.wellbeing"):
        return {}
    out: dict[str, Any] = {}
    for model in apps.get_app_config("wellbeing").get_models():
        names = {f.name for f in model._meta.concrete_fields}
        if "user" in names:
            out[str(model._meta.model_name)] = rows(model._default_manager.filter(user=user))
    return out


@exporter("privacy")
def export_privacy(user: User) -> dict[str, Any]:
    from huzhu.privacy.models import (
        AgeConfirmation,
        GroupAlias,
        PrivacySettings,
        RecoveryPhone,
        SharedAddress,
    )
    from huzhu.privacy.services import contact_requests_for

    phone = RecoveryPhone.objects.filter(user=user).first()
    addresses = []
    for row in SharedAddress.objects.filter(owner=user, withdrawn_at__isnull=True):
        addresses.append(
            {
                "request_id": row.request_id,
                "recipient": crypto.decrypt(row.recipient_encrypted, purpose="address.name"),
                "phone": crypto.decrypt(row.phone_encrypted, purpose="address.phone"),
                "address": crypto.decrypt(row.address_encrypted, purpose="address.text"),
                "created_at": row.created_at,
            }
        )
    return {
        # The user's own data, decrypted: the export is theirs.
        "recovery_phone": crypto.decrypt(phone.phone_encrypted, purpose="phone") if phone else "",
        "shared_addresses": addresses,
        "settings": rows(PrivacySettings.objects.filter(user=user), exclude=("id", "user")),
        "aliases": rows(GroupAlias.objects.filter(user=user), exclude=("id", "user")),
        "contact_requests": contact_requests_for(user=user),
        "age": rows(
            AgeConfirmation.objects.filter(user=user), exclude=("guardian_name_encrypted",)
        ),
        "policy_versions": {
            "privacy_policy": settings.PRIVACY_POLICY_VERSION,
            "community_rules": settings.COMMUNITY_RULES_VERSION,
        },
    }
