"""PostgreSQL: the group becomes a token of the tsvector ("g12", weight D), like the scope column
of the SQLite FTS5 table, so one GIN index scan intersects "matches the text" with "is in one of
the member's groups". With the group as a separate btree condition PostgreSQL had to AND two large
bitmaps (lossy, rechecked): p95 160 ms at 1,000,000 items; see bench/RESULTS.md.
The text keeps weight A; ranking gives weight D nothing, so the group token never changes a rank.
"""

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS search_doc_vector",
    "ALTER TABLE search_searchdoc DROP COLUMN IF EXISTS vector",
    """
    ALTER TABLE search_searchdoc ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, segmented), 'A')
        || setweight(to_tsvector('simple'::regconfig, 'g' || group_id::text), 'D')
    ) STORED
    """,
    "CREATE INDEX search_doc_vector ON search_searchdoc USING GIN (vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_vector",
    "ALTER TABLE search_searchdoc DROP COLUMN IF EXISTS vector",
    """
    ALTER TABLE search_searchdoc ADD COLUMN vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, segmented)) STORED
    """,
    "CREATE INDEX search_doc_vector ON search_searchdoc USING GIN (vector)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]

    operations = [migrations.RunPython(forward, backward)]
