"""The full-text index over SearchDoc.segmented, one per database backend.

SQLite: a contentless FTS5 table (rowid = SearchDoc.id) with two columns, the segmented text and
the group as a token ("g12") so access filtering happens inside the FTS query; triggers keep it in
step with search_searchdoc. PostgreSQL: a stored generated tsvector column over the segmented text
('simple' configuration: no stemming, no stop words) and a GIN index on it.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        segmented, scope, content='', tokenize='unicode61 remove_diacritics 0'
    )
    """,
    """
    CREATE TRIGGER search_doc_ai AFTER INSERT ON search_searchdoc BEGIN
        INSERT INTO search_fts(rowid, segmented, scope)
        VALUES (new.id, new.segmented, 'g' || new.group_id);
    END
    """,
    """
    CREATE TRIGGER search_doc_ad AFTER DELETE ON search_searchdoc BEGIN
        INSERT INTO search_fts(search_fts, rowid, segmented, scope)
        VALUES ('delete', old.id, old.segmented, 'g' || old.group_id);
    END
    """,
    """
    CREATE TRIGGER search_doc_au AFTER UPDATE OF segmented, group_id ON search_searchdoc BEGIN
        INSERT INTO search_fts(search_fts, rowid, segmented, scope)
        VALUES ('delete', old.id, old.segmented, 'g' || old.group_id);
        INSERT INTO search_fts(rowid, segmented, scope)
        VALUES (new.id, new.segmented, 'g' || new.group_id);
    END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_doc_au",
    "DROP TRIGGER IF EXISTS search_doc_ad",
    "DROP TRIGGER IF EXISTS search_doc_ai",
    "DROP TABLE IF EXISTS search_fts",
]

POSTGRES_FORWARD = [
    """
    ALTER TABLE search_searchdoc ADD COLUMN vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, segmented)) STORED
    """,
    "CREATE INDEX search_doc_vector ON search_searchdoc USING GIN (vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_vector",
    "ALTER TABLE search_searchdoc DROP COLUMN IF EXISTS vector",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(
        schema_editor.connection.vendor, []
    )
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(
        schema_editor.connection.vendor, []
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
