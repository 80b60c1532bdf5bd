"""Groups (互助群), memberships with roles, and invites."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Group(models.Model):
    name = models.CharField(_("群名称"), max_length=40)
    description = models.CharField(_("群简介"), max_length=500, blank=True, default="")
    rules = models.TextField(_("群规"), max_length=5000, blank=True, default="")
    capacity = models.PositiveIntegerField(_("人数上限"), default=500)
    invite_only = models.BooleanField(_("仅限邀请加入"), default=True)
    config = models.JSONField(default=dict, blank=True)  # per-feature group settings, keyed by app
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rules_updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("互助群")
        verbose_name_plural = _("互助群")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", _("群主")
    ADMIN = "admin", _("管理员")
    MEMBER = "member", _("成员")


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("在群")
    LEFT = "left", _("已退出")
    REMOVED = "removed", _("已移出")
    BANNED = "banned", _("已封禁")


class Membership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    rules_accepted_at = models.DateTimeField(null=True, blank=True)
    muted_until = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_unique"),
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(role="owner", status="active"),
                name="one_active_owner_per_group",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.group_id} ({self.role})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.role in (Role.OWNER, Role.ADMIN)

    @property
    def is_owner(self) -> bool:
        return self.is_active and self.role == Role.OWNER

    @property
    def is_muted(self) -> bool:
        return self.muted_until is not None and self.muted_until > timezone.now()


class Invite(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="invites")
    code = models.CharField(max_length=16, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    max_uses = models.PositiveIntegerField(default=0)  # 0 = unlimited
    uses = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_usable(self) -> bool:
        return (
            self.revoked_at is None
            and self.expires_at > timezone.now()
            and (self.max_uses == 0 or self.uses < self.max_uses)
        )
