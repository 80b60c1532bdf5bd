"""Search fixtures: index writes that run at once (immediate task backend, on-commit executed)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from huzhu.search.services import search_index_write
from huzhu.search.sources import DocData

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks, immediate_tasks):
    """Run a service's on-commit callbacks (and so its indexing task) right away."""

    def run(fn, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


_ids = iter(range(1_000_000, 2_000_000))


def add_doc(
    group: Any,
    body: str,
    *,
    title: str = "",
    kind: str = "resource",
    subkind: str = "tip",
    days_old: float = 1.0,
    helpfulness: int = 0,
    object_id: int | None = None,
    boost: float = 1.0,
) -> int:
    """Write one index row directly (the engine under test, without the content apps)."""
    oid = object_id if object_id is not None else next(_ids)
    search_index_write(
        kind=kind,
        docs=[
            DocData(
                object_id=oid,
                group_id=group.pk,
                author_id=None,
                subkind=subkind,
                title=title,
                body=body,
                index_text=f"{title}\n{body}",
                created_at=timezone.now() - timedelta(days=days_old),
                helpfulness=helpfulness,
                boost=boost,
            )
        ],
    )
    return oid
