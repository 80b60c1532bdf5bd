"""Recent-first search: documents carry their 30-day period (days since 1970 // 30) in the
full-text index, so a query can ask for "these groups, the last few periods" in one index scan.

Why: a very common word (纸巾) in a big group matched ~3,500 rows per query at 1,000,000 items, and
ranking every match meant reading every matching row (p95 170 ms on PostgreSQL). The query now
first searches the recent periods only and widens to all time only when they hold fewer than
``query.CANDIDATES`` matches, so the rows read and ranked per query are bounded; see
bench/RESULTS.md.

PostgreSQL: a second GIN index, on an expression (nothing more is stored in the table), whose
terms are the document's terms prefixed by its period ("期692期纸巾"; English prefixes still work:
"期692期iph:*") plus the group token "群12". A query for 纸巾 in four periods then reads four
short posting lists instead of the word's whole history; ranking still uses the stored vector.
The index text never holds a Chinese character followed by digits in one token (segment.py
splits them), so these tokens cannot collide with real words.
SQLite: "g<group>t<period>" in the FTS5 ``scope`` column next to "g<group>"; the table is rebuilt
from search_searchdoc and its triggers carry the token from now on.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    # Immutable (an index expression needs it): seconds since 1970 measured as an interval, not
    # with extract() on a timestamptz, which PostgreSQL marks only stable. Plain SQL functions of
    # immutable parts are inlined, so computing the index costs no function calls.
    """
    CREATE OR REPLACE FUNCTION search_period(moment timestamptz) RETURNS integer
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT floor(extract(epoch FROM (moment - to_timestamp(0))) / 2592000)::integer $$
    """,
    # Terms are separated by single spaces (services.search_index_write), so a replace() puts the
    # period before every term (three times cheaper than a regular expression).
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
    """
    CREATE INDEX search_doc_recent ON search_searchdoc
        USING GIN (search_recent_vector(segmented, group_id, created_at))
    """,
    "ANALYZE search_searchdoc",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_recent",
    "DROP FUNCTION IF EXISTS search_recent_vector(text, bigint, timestamptz)",
    "DROP FUNCTION IF EXISTS search_period(timestamptz)",
]

# Days since 1970 // 30, from the stored text ("2026-11-25 08:00:00.123456", optionally with an
# offset, which julianday() applies). Positive for every real date, so CAST truncation = floor.
_SQLITE_PERIOD = "CAST((julianday({row}.created_at) - 2440587.5) / 30 AS INTEGER)"
_SQLITE_SCOPE = "'g' || {row}.group_id || ' g' || {row}.group_id || 't' || " + _SQLITE_PERIOD


def _sqlite_scope(row: str) -> str:
    return _SQLITE_SCOPE.format(row=row)


def _sqlite_statements(scope) -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS search_doc_au",
        "DROP TRIGGER IF EXISTS search_doc_ad",
        "DROP TRIGGER IF EXISTS search_doc_ai",
        "DROP TABLE IF EXISTS search_fts",
        """
        CREATE VIRTUAL TABLE search_fts USING fts5(
            segmented, scope, content='', tokenize='unicode61 remove_diacritics 0'
        )
        """,
        f"""
        INSERT INTO search_fts(rowid, segmented, scope)
        SELECT id, segmented, {scope("search_searchdoc")} FROM search_searchdoc
        """,
        f"""
        CREATE TRIGGER search_doc_ai AFTER INSERT ON search_searchdoc BEGIN
            INSERT INTO search_fts(rowid, segmented, scope)
            VALUES (new.id, new.segmented, {scope("new")});
        END
        """,
        f"""
        CREATE TRIGGER search_doc_ad AFTER DELETE ON search_searchdoc BEGIN
            INSERT INTO search_fts(search_fts, rowid, segmented, scope)
            VALUES ('delete', old.id, old.segmented, {scope("old")});
        END
        """,
        f"""
        CREATE TRIGGER search_doc_au AFTER UPDATE OF segmented, group_id, created_at
        ON search_searchdoc BEGIN
            INSERT INTO search_fts(search_fts, rowid, segmented, scope)
            VALUES ('delete', old.id, old.segmented, {scope("old")});
            INSERT INTO search_fts(rowid, segmented, scope)
            VALUES (new.id, new.segmented, {scope("new")});
        END
        """,
    ]


def _sqlite_old_scope(row: str) -> str:
    return f"'g' || {row}.group_id"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = POSTGRES_FORWARD
    elif vendor == "sqlite":
        statements = _sqlite_statements(_sqlite_scope)
    else:
        return
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = POSTGRES_BACKWARD
    elif vendor == "sqlite":
        statements = _sqlite_statements(_sqlite_old_scope)
    else:
        return
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_postgres_scope_token")]

    operations = [migrations.RunPython(forward, backward)]
