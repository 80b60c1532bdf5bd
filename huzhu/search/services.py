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

from django.db import connection, transaction
from django.utils import timezone

from huzhu.search.models import SearchDoc, SourceKind
from huzhu.search.segment import index_terms, jieba_load
from huzhu.search.sources import DocData, source_docs

logger = logging.getLogger(__name__)


def _object_id(obj: Any) -> int:
    return int(obj.pk if hasattr(obj, "pk") else obj)


CHAT_COALESCE_SECONDS = 2


def search_index_upsert(kind: str, obj: Any, *, coalesce: bool = False) -> None:
    """Index ``obj`` (or its id) of source ``kind`` in the background after the commit.

    ``coalesce=True`` (chat messages, which arrive many per second) enqueues at most one task per
    group every ``CHAT_COALESCE_SECONDS``; that task indexes every new message of the group, so a
    busy chat costs one cache operation per message, not one task.
    """
    if kind not in SourceKind.values:
        raise ValueError(f"unknown search source kind {kind!r}")
    if coalesce:
        group_id = int(obj.group_id)
        transaction.on_commit(lambda: _enqueue_group_catch_up(kind, group_id))
        return
    object_id = _object_id(obj)

    def enqueue() -> None:
        from huzhu.search.tasks import search_index_task

        try:
            search_index_task.enqueue(kind, [object_id])
        except Exception:  # the nightly/periodic `huzhu reindex` repairs a missed update
            logger.exception("could not enqueue search indexing of %s %s", kind, object_id)

    transaction.on_commit(enqueue)


def _enqueue_group_catch_up(kind: str, group_id: int) -> None:
    from datetime import timedelta

    from django.core.cache import cache

    from huzhu.search.tasks import search_index_catch_up_task

    task = search_index_catch_up_task
    try:
        if task.get_backend().supports_defer:
            key = f"search:catch-up:{kind}:{group_id}"
            if not cache.add(key, 1, timeout=CHAT_COALESCE_SECONDS):
                return  # a task is already due and will see this message: it is committed
            task = task.using(run_after=timezone.now() + timedelta(seconds=CHAT_COALESCE_SECONDS))
        task.enqueue(kind, group_id)
    except Exception:
        logger.exception("could not enqueue search catch-up of %s in group %s", kind, group_id)


def search_index_catch_up(*, kind: str, group_id: int, limit: int = 5000) -> int:
    """Index the group's objects of ``kind`` newer than the newest already indexed."""
    from django.db.models import Max

    newest = (
        SearchDoc.objects.filter(kind=kind, group_id=group_id).aggregate(m=Max("object_id"))["m"]
        or 0
    )
    docs = list(source_docs(kind, None, group_id=group_id, after_id=newest, limit=limit))
    return search_index_write(kind=kind, docs=docs)


def search_index_remove(kind: str, obj: Any = None, *, object_id: int | None = None) -> int:
    """Remove ``obj`` (or ``object_id``) from the index now, inside the current transaction."""
    oid = object_id if object_id is not None else _object_id(obj)
    deleted, _detail = SearchDoc.objects.filter(kind=kind, object_id=oid).delete()
    return deleted


_COLUMNS = (
    "kind",
    "object_id",
    "subkind",
    "group_id",
    "author_id",
    "parent_id",
    "title",
    "body",
    "segmented",
    "helpfulness",
    "boost",
    "flags",
    "created_at",
    "indexed_at",
)
# Plain executemany: building 500 model instances and their SQL cost more than segmenting them.
_INSERT = (
    f"INSERT INTO search_searchdoc ({', '.join(_COLUMNS)})"  # noqa: S608 - fixed names only
    f" VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
)


_COPY = f"COPY search_searchdoc ({', '.join(_COLUMNS)}) FROM STDIN"


def _doc_values(kind: str, data: DocData, segmented: str, now: Any) -> tuple[Any, ...]:
    adapt = connection.ops.adapt_datetimefield_value
    return (
        kind,
        data.object_id,
        data.subkind,
        data.group_id,
        data.author_id,
        data.parent_id,
        data.title[:200],
        data.body,
        segmented,
        data.helpfulness,
        data.boost,
        data.flags,
        adapt(data.created_at),
        adapt(now),
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
    docs = list(docs)
    rows = [_doc_values(kind, d, segmenter(d.index_text), now) for d in docs]
    ids = [d.object_id for d in docs]
    stale = set(requested_ids) - set(ids)
    with transaction.atomic():
        if ids or stale:
            SearchDoc.objects.filter(kind=kind, object_id__in=[*ids, *stale]).delete()
        if rows:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql" and len(rows) > 1:
                    # COPY: about 40 % less client CPU and wall time than executemany.
                    with cursor.cursor.copy(_COPY) as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    cursor.executemany(_INSERT, rows)
    return len(rows)


def search_index_build(*, kind: str, object_ids: list[int]) -> int:
    """Index (or un-index) these objects from their current state: what the task runs."""
    return search_index_write(
        kind=kind, docs=list(source_docs(kind, object_ids)), requested_ids=object_ids
    )


def _batches(items: Iterator[DocData], size: int) -> Iterator[list[DocData]]:
    while batch := list(islice(items, size)):
        yield batch


def _segment_batch(texts: list[str]) -> list[str]:
    return [index_terms(t) for t in texts]


def _worker_start() -> None:
    """Pool worker: its own database connection, closed when the worker ends."""
    import multiprocessing.util

    from django.db import connections

    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)


def _worker_write(kind: str, batch: list[DocData]) -> int:
    """Pool worker: segment and write one batch in its own transaction."""
    return search_index_write(kind=kind, docs=batch)


def search_reindex(
    *,
    kinds: Iterable[str] | None = None,
    batch_size: int = 500,
    progress: Any = None,
    workers: int = 1,
) -> int:
    """Rebuild the index for ``kinds`` (all by default); rows of vanished objects are dropped.

    With ``workers`` > 1, that many forked processes (they inherit the loaded jieba dictionary)
    segment the batches this process reads. On PostgreSQL they also write them, each on its own
    connection, so segmenting, writing and the server's indexing work run on every core; on
    SQLite (one writer at a time) this process writes. ``progress`` is called with the number of
    items done after each batch (for tqdm).
    """
    total = 0
    pool = None
    # Inside a transaction (tests) workers could not see its rows: this process writes.
    parallel_writes = (
        workers > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block
    )
    if workers > 1:
        import multiprocessing

        from django.db import connections

        jieba_load()  # before the fork, so every worker starts with the dictionary
        if parallel_writes:
            connections.close_all()  # workers must not share this process's connection
        pool = multiprocessing.get_context("fork").Pool(
            workers, initializer=_worker_start if parallel_writes else None
        )
    try:
        for kind in kinds or SourceKind.values:
            started = timezone.now()
            batches = _batches(source_docs(kind, None), batch_size)
            if pool is None:
                for batch in batches:
                    total += search_index_write(kind=kind, docs=batch)
                    if progress is not None:
                        progress(len(batch))
            else:
                # Keep a window of batches in flight: workers segment (and on PostgreSQL write)
                # the next ones while this process reads (and on SQLite writes).
                pending: list[tuple[list[DocData], Any]] = []
                for batch in batches:
                    future: Any
                    if parallel_writes:
                        future = pool.apply_async(_worker_write, (kind, batch))
                    else:
                        texts = [d.index_text for d in batch]
                        future = pool.apply_async(_segment_batch, (texts,))
                    pending.append((batch, future))
                    if len(pending) > workers * 2:
                        total += _finish(kind, *pending.pop(0), progress, parallel_writes)
                for item in pending:
                    total += _finish(kind, *item, progress, parallel_writes)
            # Whatever was not rewritten in this pass no longer exists or is no longer visible.
            SearchDoc.objects.filter(kind=kind, indexed_at__lt=started).delete()
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return total


def _finish(kind: str, batch: list[DocData], future: Any, progress: Any, written: bool) -> int:
    if written:
        count = int(future.get())
    else:
        segmented = iter(future.get())
        count = search_index_write(kind=kind, docs=batch, segmenter=lambda _text: next(segmented))
    if progress is not None:
        progress(len(batch))
    return count
