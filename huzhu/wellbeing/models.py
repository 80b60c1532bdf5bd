"""Wellbeing rows: a member's own limits, their daily active time, notifications held for a
digest, digests and weekly reports. Every row belongs to one user and is shown only to that user.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_TIME_ZONE = "Asia/Shanghai"


class WellbeingSettings(models.Model):
    """A member's own limits. Absent row = no limits, time zone Asia/Shanghai."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wellbeing_settings"
    )
    time_zone = models.CharField(_("时区"), max_length=64, default=DEFAULT_TIME_ZONE)
    daily_minutes_budget = models.PositiveIntegerField(
        _("每日使用时长（分钟）"), null=True, blank=True
    )
    daily_request_budget = models.PositiveIntegerField(_("每日求助条数"), null=True, blank=True)
    question_nudge_at = models.PositiveIntegerField(_("第几条求助起先推荐搜索结果"), default=3)
    quiet_start = models.TimeField(_("免打扰开始"), null=True, blank=True)
    quiet_end = models.TimeField(_("免打扰结束"), null=True, blank=True)
    digest_mode = models.BooleanField(_("每日汇总"), default=False)
    digest_hour = models.PositiveSmallIntegerField(_("汇总时间（点）"), default=20)
    locked_until = models.DateTimeField(null=True, blank=True)
    # The usage clock: time between two heartbeats closer than the idle limit is counted.
    last_beat_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"wellbeing settings of {self.user_id}"


class UsageDay(models.Model):
    """Foreground time of one user on one local day (in the user's time zone)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="usage_days"
    )
    day = models.DateField()
    active_seconds = models.PositiveIntegerField(default=0)
    reminded_80 = models.BooleanField(default=False)
    reminded_100 = models.BooleanField(default=False)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="wellbeing_usage_day_unique")
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}: {self.active_seconds}s"

    @property
    def minutes(self) -> int:
        return self.active_seconds // 60


class DigestReason(models.TextChoices):
    QUIET_HOURS = "quiet", _("免打扰结束")
    DAILY = "daily", _("每日汇总")


class Digest(models.Model):
    """One summary of notifications that waited during quiet hours or for the daily digest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=8, choices=DigestReason.choices)
    item_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"digest {self.pk} of {self.user_id} ({self.item_count})"


class HeldNotification(models.Model):
    """A notification that arrived in quiet hours or digest mode; it waits for the next digest.

    It keeps what ``Notification`` keeps (kind + params, not a sentence) so the digest is shown in
    the reader's language.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    group = models.ForeignKey(
        "groups.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.CASCADE, related_name="items"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["user", "digest"])]

    def __str__(self) -> str:
        return f"held {self.kind} → {self.user_id}"


class WeeklyReport(models.Model):
    """A member's week (Monday to Sunday, local time), computed once and kept as figures."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_reports"
    )
    week_start = models.DateField()
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["user", "week_start"], name="wellbeing_report_unique")
        ]

    def __str__(self) -> str:
        return f"report {self.user_id} {self.week_start}"
