"""Moderation data: reports, review items, sanctions, appeals, moderator notes on members,
shared ban lists and fact-check notes (核实) with their ratings.

Content is referenced generically (content type + object id) so any app's content can be reported,
reviewed and annotated; what a content app must provide is described in ``contracts.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportReason(models.TextChoices):
    FALSE_INFO = "false_info", _("虚假信息")
    SCAM = "scam", _("诈骗")
    AD = "ad", _("广告")
    HARASSMENT = "harassment", _("骚扰")
    PRIVACY = "privacy", _("隐私泄露")
    OTHER = "other", _("其他")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("举报成立")
    DECLINED = "declined", _("内容保留")  # neutral: content approved, no judgement on the report
    DISMISSED = "dismissed", _("举报不成立")  # lowers the reporter's accuracy


class ReviewSource(models.TextChoices):
    SCREENING = "screening", _("自动审核拦截")
    REPORT = "report", _("举报")
    DISPUTE = "dispute", _("帮助争议")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("待审核")
    APPROVED = "approved", _("已通过")
    REMOVED = "removed", _("已删除")
    DISMISSED = "dismissed", _("已驳回")


class ReviewItem(models.Model):
    """One thing in a group's review queue: a piece of content, or a member (reported as a person).

    Reports on the same target while it is open add to the same item and its score.
    """

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    # The author of the content, or the reported member.
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sources = models.JSONField(default=list, blank=True)  # ReviewSource values, first one first
    excerpt = models.TextField(blank=True, default="")  # the text when it entered the queue
    findings = models.JSONField(default=dict, blank=True)  # screening findings/reason if any
    score = models.FloatField(default=0.0)
    hidden = models.BooleanField(default=False)  # hidden from members pending review
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["group", "status", "created_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status="open", content_type__isnull=False),
                name="review_item_one_open_per_content",
            ),
            models.UniqueConstraint(
                fields=["group", "target_user"],
                condition=Q(status="open", content_type__isnull=True),
                name="review_item_one_open_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"review {self.pk} ({self.status})"

    @property
    def is_member_report(self) -> bool:
        return self.content_type_id is None


class Report(models.Model):
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_reports"
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("举报原因"), max_length=16, choices=ReportReason.choices)
    text = models.CharField(_("补充说明"), max_length=500, blank=True, default="")
    weight = models.FloatField(default=1.0)  # the reporter's weight when they reported
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["reporter", "created_at"]),
            models.Index(fields=["reporter", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"],
                condition=Q(content_type__isnull=False),
                name="report_once_per_content",
            ),
            # A member may be reported again by the same person only after the first is closed.
            models.UniqueConstraint(
                fields=["reporter", "group", "target_user"],
                condition=Q(content_type__isnull=True, status="open"),
                name="report_once_per_member_open",
            ),
        ]

    def __str__(self) -> str:
        return f"report {self.pk} by {self.reporter_id} ({self.reason})"


class SanctionKind(models.TextChoices):
    WARNING = "warning", _("警告")
    MUTE = "mute", _("禁言")
    REMOVAL = "removal", _("移出群")
    GROUP_BAN = "group_ban", _("禁止入群")
    PLATFORM_BAN = "platform_ban", _("封禁账号")


class SanctionReason(models.TextChoices):
    FALSE_INFO = "false_info", _("发布经核实的虚假信息")
    SCAM = "scam", _("诈骗")
    AD = "ad", _("广告")
    HARASSMENT = "harassment", _("骚扰他人")
    PRIVACY = "privacy", _("泄露他人隐私")
    FALSE_HELP = "false_help", _("虚报帮助")
    RULES = "rules", _("违反群规")
    OTHER = "other", _("其他")


class Sanction(models.Model):
    # Null for a platform ban by staff, which is not about one group.
    group = models.ForeignKey(
        "groups.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(_("处罚"), max_length=16, choices=SanctionKind.choices)
    reason = models.CharField(_("原因"), max_length=16, choices=SanctionReason.choices)
    text = models.CharField(_("说明"), max_length=500, blank=True, default="")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_item = models.ForeignKey(
        ReviewItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="sanctions"
    )
    ladder_step = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)  # null: until lifted
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["group", "user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    GRANTED = "granted", _("申诉成立，处罚已撤销")
    REJECTED = "rejected", _("申诉不成立，维持处罚")


class Appeal(models.Model):
    sanction = models.OneToOneField(Sanction, on_delete=models.CASCADE, related_name="appeal")
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(_("申诉理由"), max_length=1000)
    status = models.CharField(
        max_length=16, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_text = models.CharField(_("处理说明"), max_length=1000, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"appeal on {self.sanction_id} ({self.status})"


class MemberNote(models.Model):
    """A moderator's private note on a member; only the group's moderators see it."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(_("备注"), max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["group", "member"])]

    def __str__(self) -> str:
        return f"note on {self.member_id} in {self.group_id}"


class BanList(models.Model):
    """A shared ban list (like a Telegram federation): a group ban in one subscribed group bans
    the member from every subscribed group."""

    name = models.CharField(_("名称"), max_length=60)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    join_code = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class BanListGroup(models.Model):
    ban_list = models.ForeignKey(BanList, on_delete=models.CASCADE, related_name="subscriptions")
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ban_list", "group"], name="ban_list_group_once")
        ]

    def __str__(self) -> str:
        return f"{self.group_id} in {self.ban_list_id}"


class BanListEntry(models.Model):
    ban_list = models.ForeignKey(BanList, on_delete=models.CASCADE, related_name="entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    source_group = models.ForeignKey(
        "groups.Group", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sanction = models.ForeignKey(
        Sanction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ban_list", "user"], name="ban_list_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.ban_list_id}"


class NoteTag(models.TextChoices):
    PRICE_MISMATCH = "price_mismatch", _("价格不符")
    EXPIRED = "expired", _("已过期")
    SUSPICIOUS_LINK = "suspicious_link", _("链接可疑")
    MISLEADING = "misleading", _("内容误导")
    ACCURATE = "accurate", _("属实")
    OTHER = "other", _("其他")


class NoteStatus(models.TextChoices):
    NEEDS_MORE = "needs_more", _("需要更多评价")
    HELPFUL = "helpful", _("有帮助")
    NOT_HELPFUL = "not_helpful", _("没有帮助")


class Note(models.Model):
    """A community fact-check note (核实) on a deal, resource or request."""

    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="factcheck_notes"
    )
    tag = models.CharField(_("标签"), max_length=20, choices=NoteTag.choices)
    text = models.CharField(_("核实内容"), max_length=280)
    status = models.CharField(
        max_length=16, choices=NoteStatus.choices, default=NoteStatus.NEEDS_MORE
    )
    intercept = models.FloatField(null=True, blank=True)  # the bridging model's note_bias
    factor = models.FloatField(null=True, blank=True)
    scored_by = models.CharField(max_length=16, blank=True, default="")  # "mf" or "fallback"
    scored_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["group", "created_at"]),
            models.Index(fields=["author", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "content_type", "object_id"], name="note_once_per_author_item"
            )
        ]

    def __str__(self) -> str:
        return f"note {self.pk} ({self.tag}, {self.status})"


class NoteRating(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="ratings")
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    helpful = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["group"])]
        constraints = [
            models.UniqueConstraint(fields=["note", "rater"], name="note_rating_once_per_rater")
        ]

    def __str__(self) -> str:
        return f"{self.rater_id} → note {self.note_id}: {self.helpful}"
