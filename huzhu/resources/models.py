"""Shared resources (资源): deals, guides, study materials, work experience and life tips, and the
members' confirmations ("still valid?") that keep deals honest over time.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huzhu.aid.models import Platform  # one list of shopping platforms for requests and deals


class ResourceKind(models.TextChoices):
    DEAL = "deal", _("优惠")
    GUIDE = "guide", _("攻略")
    STUDY = "study", _("学习资料")
    EXPERIENCE = "experience", _("工作经验")
    TIP = "tip", _("生活技巧")


class ResourceStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    EXPIRED = "expired", _("已过期")
    DELETED = "deleted", _("已删除")


class ResourcePublication(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    HELD = "held", _("待审核")


class Resource(models.Model):
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="resources")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resources"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=ResourceKind.choices)
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("内容"), max_length=5000, blank=True, default="")
    # Stored as ",tag1,tag2," so one tag is found with a plain LIKE on every database.
    tags = models.CharField(_("标签"), max_length=200, blank=True, default="")
    # Deals only. The link is stored clean: sharer and tracking parameters never reach the table.
    platform = models.CharField(
        _("平台"), max_length=16, choices=Platform.choices, blank=True, default=""
    )
    goods_id = models.CharField(max_length=64, blank=True, default="")
    link = models.CharField(_("链接"), max_length=1000, blank=True, default="")
    price = models.DecimalField(_("优惠价"), max_digits=10, decimal_places=2, null=True, blank=True)
    original_price = models.DecimalField(
        _("原价"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    # The latest price members reported with "价格变了"; the author's price stays as shared.
    reported_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    valid_until = models.DateTimeField(_("有效期至"), null=True, blank=True)

    status = models.CharField(
        max_length=16, choices=ResourceStatus.choices, default=ResourceStatus.ACTIVE
    )
    publication = models.CharField(
        max_length=16, choices=ResourcePublication.choices, default=ResourcePublication.PUBLISHED
    )
    screening_action = models.CharField(max_length=8, default="allow")
    screening_reason = models.CharField(max_length=300, blank=True, default="")

    # Re-shares point at the first share and keep its author, so attribution survives edits.
    reshared_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reshares"
    )
    original_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Denormalised counts of current confirmations, rewritten from the rows under a row lock.
    valid_votes = models.PositiveIntegerField(default=0)
    expired_votes = models.PositiveIntegerField(default=0)
    price_votes = models.PositiveIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)  # last 仍有效 / 价格变了

    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["group", "status", "-created_at"], name="resource_group_list"),
            models.Index(fields=["group", "goods_id"], name="resource_goods"),
            models.Index(fields=["author", "-created_at"], name="resource_author"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="resource_idempotency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]

    @property
    def is_expired(self) -> bool:
        """已过期: marked so, or past its date (applied on read, so no task has to run first)."""
        if self.status == ResourceStatus.EXPIRED:
            return True
        return self.valid_until is not None and self.valid_until <= timezone.now()

    @property
    def current_price(self) -> Decimal | None:
        return self.reported_price if self.reported_price is not None else self.price

    @property
    def saving(self) -> Decimal | None:
        """Estimated saving per purchase: original − paid, never negative."""
        paid = self.current_price
        if self.original_price is None or paid is None:
            return None
        return max(self.original_price - paid, Decimal("0"))

    @property
    def attribution(self) -> object:
        return self.original_author or self.author


class ConfirmVerdict(models.TextChoices):
    VALID = "valid", _("仍有效")
    EXPIRED = "expired", _("已失效")
    PRICE_CHANGED = "price_changed", _("价格变了")


class ResourceConfirmation(models.Model):
    """One member's current answer to "still valid?"; a new answer replaces the old one."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="confirmations")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resource_confirmations"
    )
    verdict = models.CharField(max_length=16, choices=ConfirmVerdict.choices)
    new_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    # "我也买了": counts the deal's saving for this member.
    bought = models.BooleanField(default=False)
    paid_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "member"], name="resource_confirm_once_per_member"
            ),
        ]
        indexes = [models.Index(fields=["member", "bought"], name="resource_confirm_bought")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.verdict} on {self.resource_id}"
