"""Lists cost a fixed number of queries however many rows they return (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import join, make_group

pytestmark = pytest.mark.django_db


def _queries(api, path):
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(path, limit=100)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.json()["count"]


@pytest.mark.parametrize("path", ["/groups/{gid}/members", "/groups/{gid}/invites", "/groups"])
def test_list_query_count_does_not_grow_with_rows(as_user, owner, group, path):
    api = as_user(owner)
    api.get("/me")  # the token's first use records last_used_at; keep that write out of the count
    url = path.format(gid=group.pk)
    join(group)  # each join also creates an invite
    few, few_count = _queries(api, url)
    for n in range(8):
        join(group)
        make_group(owner, name=f"群{n}")
    many, many_count = _queries(api, url)
    assert many_count > few_count
    assert many == few, f"{url}: {few} queries for {few_count} rows, {many} for {many_count}"
