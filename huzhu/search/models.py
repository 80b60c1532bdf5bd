"""The search index: one row per searchable thing (resource, question, answer, group-buy or boost
request, chat message) with its segmented text.

The full-text index over ``segmented`` is backend-specific and created by migration 0002: an FTS5
table kept in step by triggers on SQLite, a stored ``tsvector`` column with a GIN index on
PostgreSQL. ``title`` and ``body`` keep the text exactly as published (already masked by screening)
for snippets; nothing held, rejected or deleted is ever stored here.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    RESOURCE = "resource", _("资源")
    AID_REQUEST = "aid_request", _("求助与拼团")
    AID_ANSWER = "aid_answer", _("回答")
    CHAT_MESSAGE = "chat_message", _("聊天")


class SearchDoc(models.Model):
    kind = models.CharField(max_length=16, choices=SourceKind.choices)
    object_id = models.BigIntegerField()
    # Sub-type for filters: the resource kind, the aid kind (question/groupbuy/boost), "answer".
    subkind = models.CharField(max_length=16, blank=True, default="")
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    author_id = models.BigIntegerField(null=True, blank=True)
    parent_id = models.BigIntegerField(null=True, blank=True)  # an answer's question
    title = models.CharField(max_length=200, blank=True, default="")
    body = models.TextField(blank=True, default="")
    segmented = models.TextField(blank=True, default="")
    helpfulness = models.IntegerField(default=0)
    boost = models.FloatField(default=1.0)  # < 1 for expired deals and finished requests
    flags = models.CharField(max_length=64, blank=True, default="")  # e.g. "expired,resolved"
    created_at = models.DateTimeField(default=timezone.now)
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_doc_source"),
        ]
        indexes = [
            models.Index(fields=["group", "created_at"], name="search_doc_group_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"

    @property
    def flag_list(self) -> list[str]:
        return [f for f in self.flags.split(",") if f]
