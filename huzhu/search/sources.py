"""What each searchable kind of object contributes to the index, and whether it may be indexed.

Only content every member of the group may see is indexed: published (not held or rejected), not
deleted, with the text as published (already masked by screening). The loaders read the other apps'
models lazily, so the search app works while an app is absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from huzhu.search.models import SourceKind

BODY_MAX = 2000  # snippets need no more; the index is built from the full text


@dataclass(slots=True)
class DocData:
    object_id: int
    group_id: int
    author_id: int | None
    subkind: str
    title: str
    body: str
    index_text: str  # what is segmented (title, body, tags …)
    created_at: datetime
    helpfulness: int = 0
    boost: float = 1.0
    flags: str = ""
    parent_id: int | None = None


def _resource_docs(ids: list[int] | None, scope: Scope) -> Iterator[DocData]:
    from huzhu.resources.models import Resource, ResourcePublication, ResourceStatus

    qs = Resource.objects.filter(publication=ResourcePublication.PUBLISHED).exclude(
        status=ResourceStatus.DELETED
    )
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    qs = scope.apply(qs)
    for r in qs.only(
        "id",
        "group_id",
        "author_id",
        "kind",
        "title",
        "body",
        "tags",
        "platform",
        "status",
        "valid_until",
        "valid_votes",
        "price_votes",
        "expired_votes",
        "created_at",
    ).iterator(chunk_size=1000):
        tags = " ".join(r.tag_list)
        expired = r.is_expired
        yield DocData(
            object_id=r.pk,
            group_id=r.group_id,
            author_id=r.author_id,
            subkind=r.kind,
            title=r.title,
            body=r.body[:BODY_MAX],
            index_text=f"{r.title}\n{r.body}\n{tags}\n{r.get_platform_display() if r.platform else ''}",
            created_at=r.created_at,
            helpfulness=r.valid_votes + r.price_votes - r.expired_votes,
            boost=0.4 if expired else 1.0,
            flags="expired" if expired else "",
        )


def _aid_request_docs(ids: list[int] | None, scope: Scope) -> Iterator[DocData]:
    from huzhu.aid.models import AidKind, AidRequest, AidStatus, Publication

    qs = AidRequest.objects.filter(publication=Publication.PUBLISHED)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    qs = scope.apply(qs)
    now = timezone.now()
    for r in qs.iterator(chunk_size=1000):
        flags = []
        boost = 1.0
        if r.status == AidStatus.RESOLVED:
            flags.append("resolved")
            boost = 1.2  # a solved question is the best answer to "search before you ask"
        elif r.kind != AidKind.QUESTION and (
            r.status != AidStatus.OPEN or (r.deadline is not None and r.deadline <= now)
        ):
            flags.append("finished")
            boost = 0.6
        yield DocData(
            object_id=r.pk,
            group_id=r.group_id,
            author_id=r.requester_id,
            subkind=r.kind,
            title=r.title,
            body=r.body[:BODY_MAX],
            index_text=f"{r.title}\n{r.body}",
            created_at=r.created_at,
            helpfulness=r.helps_count,
            boost=boost,
            flags=",".join(flags),
        )


def _aid_answer_docs(ids: list[int] | None, scope: Scope) -> Iterator[DocData]:
    from huzhu.aid.models import Answer, Publication

    qs = Answer.objects.select_related("request").filter(
        publication=Publication.PUBLISHED, request__publication=Publication.PUBLISHED
    )
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    qs = scope.apply(qs, "request__group_id")
    for a in qs.iterator(chunk_size=1000):
        yield DocData(
            object_id=a.pk,
            group_id=a.request.group_id,
            author_id=a.author_id,
            subkind="answer",
            title=a.request.title,
            body=a.body[:BODY_MAX],
            index_text=a.body,  # the question's title is indexed with the question
            created_at=a.created_at,
            helpfulness=(5 if a.accepted else 0) + (1 if a.thanked_at else 0),
            boost=1.2 if a.accepted else 1.0,
            flags="accepted" if a.accepted else "",
            parent_id=a.request_id,
        )


def _chat_message_docs(ids: list[int] | None, scope: Scope) -> Iterator[DocData]:
    from huzhu.chat.models import Message, MessageStatus

    qs = Message.objects.filter(status=MessageStatus.PUBLISHED, deleted_at__isnull=True).exclude(
        text=""
    )
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    qs = scope.apply(qs)
    for m in qs.only("id", "group_id", "sender_id", "text", "created_at", "seq").iterator(
        chunk_size=1000
    ):
        yield DocData(
            object_id=m.pk,
            group_id=m.group_id,
            author_id=m.sender_id,
            subkind="message",
            title="",
            body=m.text[:BODY_MAX],
            index_text=m.text,
            created_at=m.created_at,
            boost=0.8,  # chatter ranks below curated content at equal relevance
            parent_id=m.seq,
        )


LOADERS: dict[str, Any] = {
    SourceKind.RESOURCE: _resource_docs,
    SourceKind.AID_REQUEST: _aid_request_docs,
    SourceKind.AID_ANSWER: _aid_answer_docs,
    SourceKind.CHAT_MESSAGE: _chat_message_docs,
}


@dataclass(slots=True)
class Scope:
    """Optional narrowing of a full scan: one group, ids above a mark, at most ``limit``."""

    group_id: int | None = None
    after_id: int = 0
    limit: int | None = None

    def apply(self, qs: Any, group_field: str = "group_id") -> Any:
        if self.group_id is not None:
            qs = qs.filter(**{group_field: self.group_id})
        if self.after_id:
            qs = qs.filter(pk__gt=self.after_id)
        if self.limit is not None:
            qs = qs.order_by("pk")[: self.limit]
        return qs


def source_docs(
    kind: str,
    ids: list[int] | None,
    *,
    group_id: int | None = None,
    after_id: int = 0,
    limit: int | None = None,
) -> Iterator[DocData]:
    """Indexable documents of ``kind`` (all of them when ``ids`` is None, optionally only one
    group's, only ids above ``after_id``, at most ``limit``)."""
    loader = LOADERS.get(kind)
    if loader is None:
        raise ValueError(f"unknown search source kind {kind!r}")
    try:
        yield from loader(ids, Scope(group_id, after_id, limit))
    except LookupError:  # the app is not installed in this deployment
        return


def source_count(kind: str) -> int:
    """How many objects of ``kind`` exist (for the reindex progress bar)."""
    from django.apps import apps

    model_names = {
        SourceKind.RESOURCE: "resources.Resource",
        SourceKind.AID_REQUEST: "aid.AidRequest",
        SourceKind.AID_ANSWER: "aid.Answer",
        SourceKind.CHAT_MESSAGE: "chat.Message",
    }
    try:
        model = apps.get_model(model_names[SourceKind(kind)])
    except LookupError:
        return 0
    return model.objects.count()
