"""Mutual aid: requests (拼团 group-buys, 助力 boosts, 求助 questions), helps, answers, disputes
and the append-only, zero-sum ledger (互助值) from which every balance derives.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AidKind(models.TextChoices):
    GROUPBUY = "groupbuy", _("拼团")
    BOOST = "boost", _("助力")
    QUESTION = "question", _("求助")


class QuestionCategory(models.TextChoices):
    STUDY = "study", _("学习")
    WORK = "work", _("工作")
    LIFE = "life", _("生活")
    SHOPPING = "shopping", _("购物")
    OTHER = "other", _("其他")


class AidStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    COMPLETED = "completed", _("已完成")
    FAILED = "failed", _("已过期")
    RESOLVED = "resolved", _("已解决")
    CLOSED = "closed", _("已关闭")


class Publication(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    HELD = "held", _("待审核")
    REJECTED = "rejected", _("未通过审核")


class Platform(models.TextChoices):
    PINDUODUO = "pinduoduo", _("拼多多")
    TAOBAO = "taobao", _("淘宝")
    TMALL = "tmall", _("天猫")
    JD = "jd", _("京东")
    MEITUAN = "meituan", _("美团")
    OTHER = "other", _("其他")


class AidRequest(models.Model):
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="aid_requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="aid_requests"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=AidKind.choices)
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("说明"), max_length=2000, blank=True, default="")
    # Only the clean link is stored: the sharer-identifying parameters of the pasted link are
    # stripped before anything is written, so they cannot leak later.
    clean_link = models.CharField(_("链接"), max_length=1000, blank=True, default="")
    platform = models.CharField(
        _("平台"), max_length=16, choices=Platform.choices, blank=True, default=""
    )
    goods_id = models.CharField(_("商品编号"), max_length=64, blank=True, default="")
    price = models.DecimalField(_("价格"), max_digits=10, decimal_places=2, null=True, blank=True)
    size = models.PositiveSmallIntegerField(_("成团人数"), null=True, blank=True)  # groupbuy 2–10
    needed = models.PositiveSmallIntegerField(_("需要助力数"), null=True, blank=True)  # boost 1–100
    category = models.CharField(
        _("分类"), max_length=16, choices=QuestionCategory.choices, blank=True, default=""
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=AidStatus.choices, default=AidStatus.OPEN
    )
    # Denormalised count of valid helps, updated only under the row lock; reconcilable from Help.
    helps_count = models.PositiveIntegerField(default=0)
    deadline = models.DateTimeField(_("截止时间"), null=True, blank=True)
    screening_action = models.CharField(max_length=8, default="allow")
    screening_reason = models.CharField(max_length=300, blank=True, default="")
    publication = models.CharField(
        max_length=16, choices=Publication.choices, default=Publication.PUBLISHED
    )
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set by the requester's last edit: pages show 已编辑; earlier versions are AidRequestRevision.
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["group", "status", "deadline"]),
            models.Index(fields=["group", "requester", "created_at"]),
            models.Index(fields=["group", "goods_id"], name="aid_request_goods"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="aid_request_idempotency",
            ),
            models.CheckConstraint(
                condition=Q(size__isnull=True) | Q(size__gte=2, size__lte=10),
                name="aid_request_size_range",
            ),
            models.CheckConstraint(
                condition=Q(needed__isnull=True) | Q(needed__gte=1, needed__lte=100),
                name="aid_request_needed_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def target(self) -> int | None:
        """How many helps complete the request: size − 1 for a group-buy, K for a boost."""
        if self.kind == AidKind.GROUPBUY and self.size:
            return self.size - 1
        if self.kind == AidKind.BOOST:
            return self.needed
        return None

    @property
    def remaining(self) -> int | None:
        target = self.target
        return None if target is None else max(target - self.helps_count, 0)

    @property
    def is_open(self) -> bool:
        return self.status == AidStatus.OPEN and (
            self.deadline is None or self.deadline > timezone.now()
        )

    @property
    def progress_percent(self) -> int:
        target = self.target
        if not target:
            return 100 if self.status in (AidStatus.COMPLETED, AidStatus.RESOLVED) else 0
        return min(100, round(100 * self.helps_count / target))


class AidRequestRevision(models.Model):
    """What a request said before one edit by its requester: the editable fields as they were.

    Members see only that a request was edited (``AidRequest.edited_at``); moderators see these
    earlier versions. The link, kind and deadline never change, so they are not kept here.
    """

    request = models.ForeignKey(AidRequest, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=100)
    body = models.TextField(max_length=2000, blank=True, default="")
    price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    size = models.PositiveSmallIntegerField(null=True, blank=True)
    needed = models.PositiveSmallIntegerField(null=True, blank=True)
    category = models.CharField(max_length=16, blank=True, default="")
    # The screening verdict of the version that replaced this one (allow / redact / hold).
    screening_action = models.CharField(max_length=8, default="allow")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"revision of request {self.request_id} at {self.created_at:%Y-%m-%d %H:%M}"


class HelpStatus(models.TextChoices):
    OK = "ok", _("有效")
    DISPUTED = "disputed", _("有争议")
    REVOKED = "revoked", _("已撤销")


class Help(models.Model):
    """One member's 我已参团 / 已助力 on one group-buy or boost."""

    request = models.ForeignKey(AidRequest, on_delete=models.CASCADE, related_name="helps")
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helps_given"
    )
    status = models.CharField(max_length=16, choices=HelpStatus.choices, default=HelpStatus.OK)
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    thanked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "helper"], name="help_once_per_request"),
        ]
        indexes = [models.Index(fields=["group", "helper", "created_at"])]

    def __str__(self) -> str:
        return f"help {self.helper_id} → request {self.request_id}"


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("成立")
    REJECTED = "rejected", _("不成立")


class HelpDispute(models.Model):
    """A requester says a claimed help was never received; moderators decide."""

    help = models.OneToOneField(Help, on_delete=models.CASCADE, related_name="dispute")
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True, default="")
    status = models.CharField(
        max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["group", "status"])]

    def __str__(self) -> str:
        return f"dispute on help {self.help_id} ({self.status})"


class Answer(models.Model):
    request = models.ForeignKey(AidRequest, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="aid_answers"
    )
    body = models.TextField(_("回答"), max_length=5000)
    screening_action = models.CharField(max_length=8, default="allow")
    publication = models.CharField(
        max_length=16, choices=Publication.choices, default=Publication.PUBLISHED
    )
    accepted = models.BooleanField(default=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    thanked_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=Q(accepted=True), name="one_accepted_answer"
            ),
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="answer_idempotency",
            ),
        ]

    def __str__(self) -> str:
        return f"answer {self.pk} on {self.request_id}"


class LedgerReason(models.TextChoices):
    HELP = "help", _("帮助")
    ANSWER_ACCEPTED = "answer_accepted", _("回答被采纳")
    DISPUTE_UPHELD = "dispute_upheld", _("帮助争议成立，撤销")


class LedgerEntry(models.Model):
    """One side of a zero-sum transfer of 互助值. Entries come in pairs and are never changed."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ledger_entries"
    )
    counterpart = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    request = models.ForeignKey(
        AidRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    amount = models.IntegerField()
    reason = models.CharField(max_length=32, choices=LedgerReason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["group", "member"]),
            models.Index(fields=["group", "counterpart"]),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.amount:+d} ({self.reason})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Append-only: a wrong entry is corrected by a reversing pair, never by an edit.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise RuntimeError("ledger entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ledger entries are append-only")
