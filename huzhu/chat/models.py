"""Group chat: messages with per-group sequence numbers, their edit history, and the counter.

Every change to a group's chat (a new message, an edit, a delete) takes the next value of the
group's counter (``ChatCounter``), so a client that remembers the last value it saw can ask for
exactly what it missed. A message's ``seq`` is the value it got when created (its place in the
conversation); ``cursor`` is the value of its latest change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ChatCounter(models.Model):
    """One row per group, locked by the UPDATE that takes the next value."""

    group = models.OneToOneField(
        "groups.Group", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    last_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.group_id}: {self.last_seq}"


class MessageStatus(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    HELD = "held", _("审核中")
    REJECTED = "rejected", _("未通过审核")


class SharedType(models.TextChoices):
    AID = "aid", _("互助请求")
    RESOURCE = "resource", _("资源")


class Message(models.Model):
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="messages")
    seq = models.BigIntegerField()
    cursor = models.BigIntegerField()
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_messages"
    )
    # The sender's idempotency key: a resend after a timeout returns the first message.
    client_key = models.CharField(max_length=64, blank=True, default="")
    text = models.TextField(
        max_length=2000, blank=True, default=""
    )  # as shown (masked if redacted)
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=MessageStatus.choices, default=MessageStatus.PUBLISHED
    )
    screening_action = models.CharField(max_length=16, default="allow")
    screening = models.JSONField(default=dict, blank=True)  # findings and reason, for moderators
    mentions = models.JSONField(default=list, blank=True)  # user ids
    # An aid request or a resource shared into chat: shown as a card that stays current.
    shared_type = models.CharField(
        max_length=16, choices=SharedType.choices, blank=True, default=""
    )
    shared_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "seq"], name="chat_message_group_seq"),
            models.UniqueConstraint(fields=["group", "cursor"], name="chat_message_group_cursor"),
            models.UniqueConstraint(
                fields=["sender", "client_key"],
                condition=~Q(client_key=""),
                name="chat_message_sender_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}#{self.seq}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class MessageRevision(models.Model):
    """The text a message had before an edit or a delete; kept for moderators."""

    class Kind(models.TextChoices):
        EDIT = "edit", _("编辑")
        DELETE = "delete", _("删除")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    text = models.TextField(blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.kind}"
