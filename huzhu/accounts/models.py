"""Users, their consent records and their personal API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    display_name = models.CharField(_("显示名称"), max_length=40)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class ConsentKind(models.TextChoices):
    PRIVACY_POLICY = "privacy_policy", _("隐私政策")
    COMMUNITY_RULES = "community_rules", _("社区规范")


class Consent(models.Model):
    """A user's explicit consent to one version of a document, with the time it was given."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=32, choices=ConsentKind.choices)
    version = models.CharField(max_length=32)
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "version"], name="consent_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.version}"


class TokenScope(models.TextChoices):
    READ = "read", _("只读")
    READ_WRITE = "read_write", _("读写")


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=60)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64)
    scope = models.CharField(max_length=16, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE
