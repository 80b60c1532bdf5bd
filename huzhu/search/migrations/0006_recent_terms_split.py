"""PostgreSQL: the recent-documents index's terms are split, not parsed.

Why: PostgreSQL indexed 1,5xx items/s against the ≥ 2,000 target (bench/RESULTS.md); each
inserted row ran the text-search parser twice, once for the stored vector and once more, on a
text a third longer, for the expression of migration 0005's index. The segmented text holds only
lower-case runs of letters, digits or CJK characters separated by single spaces (segment.py), so
splitting it on the spaces (array_to_tsvector of string_to_array) yields exactly the parser's
terms — the same "期692期纸巾" keys, checked on 30,000 bench documents — at about a third of the
cost. The index holds no positions (matching needs none; ranking uses the stored vector), and
queries are unchanged: to_tsquery('simple', '期692期纸巾') yields the same keys.
SQLite is unchanged.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION search_recent_terms(
        segmented text, group_id bigint, created_at timestamptz
    ) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT array_to_tsvector(string_to_array(
            '期' || search_period(created_at) || '期'
            || replace(segmented, ' ', ' 期' || search_period(created_at) || '期')
            || ' 群' || group_id::text,
            ' '
        )) $$
    """,
    "DROP INDEX IF EXISTS search_doc_recent",
    """
    CREATE INDEX search_doc_recent_terms ON search_searchdoc
        USING GIN (search_recent_terms(segmented, group_id, created_at))
    """,
    "DROP FUNCTION IF EXISTS search_recent_vector(text, bigint, timestamptz)",
    "ANALYZE search_searchdoc",
]
POSTGRES_BACKWARD = [
    """
    CREATE OR REPLACE FUNCTION search_recent_vector(
        segmented text, group_id bigint, created_at timestamptz
    ) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT to_tsvector(
            'simple'::regconfig,
            '期' || search_period(created_at) || '期'
            || replace(segmented, ' ', ' 期' || search_period(created_at) || '期')
            || ' 群' || group_id::text
        ) $$
    """,
    "DROP INDEX IF EXISTS search_doc_recent_terms",
    "DROP FUNCTION IF EXISTS search_recent_terms(text, bigint, timestamptz)",
    """
    CREATE INDEX search_doc_recent ON search_searchdoc
        USING GIN (search_recent_vector(segmented, group_id, created_at))
    """,
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_period_tokens")]

    operations = [migrations.RunPython(forward, backward)]
