"""Background indexing: segmentation with jieba runs here, in the worker, never per web request."""

from __future__ import annotations

from django_tasks import task


@task()
def search_index_task(kind: str, object_ids: list[int]) -> int:
    """Index these objects from their current state; idempotent, safe to run late or twice."""
    from huzhu.search.services import search_index_build

    return search_index_build(kind=kind, object_ids=[int(i) for i in object_ids])


@task()
def search_index_catch_up_task(kind: str, group_id: int) -> int:
    """Index a group's new objects of ``kind`` (coalesced chat indexing)."""
    from huzhu.search.services import search_index_catch_up

    return search_index_catch_up(kind=kind, group_id=int(group_id))
