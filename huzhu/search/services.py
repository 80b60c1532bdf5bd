"""Keeping the search index in step with content.

Content services call ``search_index_upsert(kind, obj)`` when something is published or edited: after
their transaction commits, a background task segments the text (jieba is loaded in the worker, never
in the web process) and writes the index row. ``search_index_remove(kind, obj)`` deletes the row at
once, inside the caller's transaction, so deleted or hidden text cannot be found even for a moment.
``search_reindex`` rebuilds everything in batches (the ``huzhu reindex`` command), so an index
that missed tasks — a stopped worker, a restored backup — is repaired by one command.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from django.db import transaction
from django.utils import timezone

from huzhu.search.models import SearchDoc, SourceKind
from huzhu.search.segment import index_terms
from huzhu.search.sources import DocData, source_docs

logger = logging.getLogger(__name__)


def _object_id(obj: Any) -> int:
    return int(obj.pk if hasattr(obj, "pk") else obj)


def search_index_upsert(kind: str, obj: Any) -> None:
    """Index ``obj`` (or its id) of source ``kind`` in the background after the commit."""
    if kind not in SourceKind.values:
        raise ValueError(f"unknown search source kind {kind!r}")
    object_id = _object_id(obj)

    def enqueue() -> None:
        from huzhu.search.tasks import search_index_task

        try:
            search_index_task.enqueue(kind, [object_id])
        except Exception:  # the nightly/periodic `huzhu reindex` repairs a missed update
            logger.exception("could not enqueue search indexing of %s %s", kind, object_id)

    transaction.on_commit(enqueue)


def search_index_remove(kind: str, obj: Any = None, *, object_id: int | None = None) -> int:
    """Remove ``obj`` (or ``object_id``) from the index now, inside the current transaction."""
    oid = object_id if object_id is not None else _object_id(obj)
    deleted, _detail = SearchDoc.objects.filter(kind=kind, object_id=oid).delete()
    return deleted


def _doc_row(kind: str, data: DocData, segmented: str, now: Any) -> SearchDoc:
    return SearchDoc(
        kind=kind,
        object_id=data.object_id,
        subkind=data.subkind,
        group_id=data.group_id,
        author_id=data.author_id,
        parent_id=data.parent_id,
        title=data.title[:200],
        body=data.body,
        segmented=segmented,
        helpfulness=data.helpfulness,
        boost=data.boost,
        flags=data.flags,
        created_at=data.created_at,
        indexed_at=now,
    )


def search_index_write(
    *,
    kind: str,
    docs: Iterable[DocData],
    requested_ids: Iterable[int] = (),
    segmenter: Callable[[str], str] = index_terms,
) -> int:
    """Write index rows for ``docs``; ids in ``requested_ids`` without a doc are removed.

    Segmenting happens before the transaction so the write lock is held only for the writes.
    """
    now = timezone.now()
    rows = [_doc_row(kind, d, segmenter(d.index_text), now) for d in docs]
    stale = set(requested_ids) - {r.object_id for r in rows}
    with transaction.atomic():
        ids = [r.object_id for r in rows] + list(stale)
        if ids:
            SearchDoc.objects.filter(kind=kind, object_id__in=ids).delete()
        SearchDoc.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def search_index_build(*, kind: str, object_ids: list[int]) -> int:
    """Index (or un-index) these objects from their current state: what the task runs."""
    return search_index_write(
        kind=kind, docs=list(source_docs(kind, object_ids)), requested_ids=object_ids
    )


def _batches(items: Iterator[DocData], size: int) -> Iterator[list[DocData]]:
    while batch := list(islice(items, size)):
        yield batch


def search_reindex(
    *, kinds: Iterable[str] | None = None, batch_size: int = 500, progress: Any = None
) -> int:
    """Rebuild the index for ``kinds`` (all by default); rows of vanished objects are dropped.

    ``progress`` is called with the number of items done after each batch (for tqdm).
    """
    total = 0
    for kind in kinds or SourceKind.values:
        started = timezone.now()
        for batch in _batches(source_docs(kind, None), batch_size):
            total += search_index_write(kind=kind, docs=batch)
            if progress is not None:
                progress(len(batch))
        # Whatever was not rewritten in this pass no longer exists or is no longer visible.
        SearchDoc.objects.filter(kind=kind, indexed_at__lt=started).delete()
    return total
