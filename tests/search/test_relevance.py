"""Relevance on a labelled Chinese query set: precision@5 per query and on average.

precision@5 = relevant documents among the first five / min(5, number of relevant documents), so
a query with two right answers scores 1.0 when both are in the top five. The measured figure is
recorded in bench/RESULTS.md; the test holds the floor.
"""

from __future__ import annotations

import pytest

from huzhu.search.query import search
from huzhu.search.services import search_index_write
from huzhu.search.sources import DocData
from tests.search.relevance_data import DOCS, QUERIES

FLOOR_MEAN = 0.9
FLOOR_EACH = 0.5


@pytest.fixture
def corpus(group):
    from django.utils import timezone

    keys = {}
    for n, (key, (kind, subkind, title, body)) in enumerate(DOCS.items(), start=1):
        oid = 10_000 + n
        keys[(kind, oid)] = key
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
                    created_at=timezone.now(),
                )
            ],
        )
    return keys


def precision_at_5(member, keys, query, relevant):
    hits = search(user=member, query=query, limit=5).hits
    found = [keys[(h.doc.kind, h.doc.object_id)] for h in hits]
    return sum(1 for k in found if k in relevant) / min(5, len(relevant)), found


def test_precision_at_5(member, corpus, capsys):
    scores = {}
    for query, relevant in QUERIES.items():
        scores[query], found = precision_at_5(member, corpus, query, relevant)
        assert scores[query] >= FLOOR_EACH, (query, found)
    mean = sum(scores.values()) / len(scores)
    with capsys.disabled():
        print(f"\nprecision@5 over {len(scores)} queries: mean {mean:.3f}")
        for query, score in scores.items():
            if score < 1:
                print(f"  {query}: {score:.2f}")
    assert mean >= FLOOR_MEAN


def test_relevant_documents_come_before_distractors(member, corpus):
    # 提高数据质量 shares 高数 only across a word boundary; it may appear, but never first.
    hits = search(user=member, query="高数").hits
    assert corpus[(hits[0].doc.kind, hits[0].doc.object_id)] != "data_quality"
    # 纸尿裤 shares 纸 with 纸巾: not a match at all.
    found = {corpus[(h.doc.kind, h.doc.object_id)] for h in search(user=member, query="纸巾").hits}
    assert "diaper" not in found
