"""Privacy records: encrypted personal fields, settings, aliases, contact requests, age,
export jobs and account deletions. Encrypted columns hold ``crypto.encrypt`` tokens only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecoveryPhone(models.Model):
    """A phone number for account recovery, encrypted; ``phone_index`` finds it by number."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_phone"
    )
    phone_encrypted = models.TextField()
    phone_index = models.CharField(max_length=64, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self._meta.model_name} {self.pk}"


class SharedAddress(models.Model):
    """A shipping address a member chose to share with the organiser of one group-buy."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shared_addresses"
    )
    request = models.ForeignKey(
        "aid.AidRequest", on_delete=models.CASCADE, related_name="shared_addresses"
    )
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    recipient_encrypted = models.TextField()  # name on the parcel
    phone_encrypted = models.TextField()
    address_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "request"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_live_address_per_groupbuy",
            )
        ]

    def __str__(self) -> str:
        return f"{self._meta.model_name} {self.pk}"


class Audience(models.TextChoices):
    GROUP_MEMBERS = "group_members", _("同群的群友")
    ADMINS = "admins", _("仅群主和管理员")
    NOBODY = "nobody", _("仅自己")


class PrivacySettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_settings"
    )
    profile_visibility = models.CharField(
        max_length=16, choices=Audience.choices, default=Audience.GROUP_MEMBERS
    )
    groups_visibility = models.CharField(
        max_length=16, choices=Audience.choices, default=Audience.NOBODY
    )
    ledger_visibility = models.CharField(
        max_length=16, choices=Audience.choices, default=Audience.ADMINS
    )
    accept_contact_requests = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self._meta.model_name} {self.pk}"


class GroupAlias(models.Model):
    """The name a member shows in one group instead of their display name."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_aliases"
    )
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=40)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="one_alias_per_group")
        ]

    def __str__(self) -> str:
        return f"{self._meta.model_name} {self.pk}"


class ContactStatus(models.TextChoices):
    PENDING = "pending", _("等待回复")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("已拒绝")
    WITHDRAWN = "withdrawn", _("已撤回")


class ContactRequest(models.Model):
    """A relayed contact request between two members of one group. Contact details are only
    present when their owner chose to share them, and are encrypted."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_requests_sent"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_requests_received",
    )
    message = models.CharField(max_length=200)
    sender_contact_encrypted = models.TextField(blank=True, default="")
    recipient_contact_encrypted = models.TextField(blank=True, default="")
    status = models.CharField(
        max_length=16, choices=ContactStatus.choices, default=ContactStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                condition=models.Q(status="pending"),
                name="one_pending_contact_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self._meta.model_name} {self.pk}"


class AgeConfirmation(models.Model):
    """Recorded at sign-up. Under 14 needs a guardian's consent (PIPL Art. 31)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="age_confirmation"
    )
    is_14_or_over = models.BooleanField()
    guardian_name_encrypted = models.TextField(blank=True, default="")
    guardian_consented_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self._meta.model_name} {self.pk}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在生成")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ExportJob(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    status = models.CharField(
        max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    # The zip, encrypted (``crypto.encrypt_bytes``, bound to this job and its owner).
    archive = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set when the archive is built; after it the job and its archive are deleted.
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self._meta.model_name} {self.pk}"


class AccountDeletion(models.Model):
    """Deactivated at ``requested_at``; personal data erased once ``erase_after`` has passed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deletion"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    erase_after = models.DateTimeField()
    erased_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self._meta.model_name} {self.pk}"
