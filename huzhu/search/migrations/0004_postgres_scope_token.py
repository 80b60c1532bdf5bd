"""PostgreSQL: the group token becomes "群12" without a weight label.

A weight label in the query (''g12'':D) makes every GIN match a "recheck" (the heap row must be
read to check the weight). "群12" needs no label: the index text never holds a Chinese character
followed by digits in one token (segment.py splits them), so it cannot collide with real words.
"""

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS search_doc_vector",
    "ALTER TABLE search_searchdoc DROP COLUMN IF EXISTS vector",
    """
    ALTER TABLE search_searchdoc ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, segmented || ' 群' || group_id::text)
    ) STORED
    """,
    "CREATE INDEX search_doc_vector ON search_searchdoc USING GIN (vector)",
]
BACKWARD = [
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


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_postgres_group_scope")]

    operations = [migrations.RunPython(forward, backward)]
