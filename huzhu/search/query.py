"""Searching: what a member may find, ranked, with highlighted snippets.

Access is part of the query itself: every statement joins the index to the member's *active*
memberships, so content of a group the member never joined, left or was removed from can match
nothing — no result, no snippet, no count. Ranking: the backend's text relevance (FTS5 bm25 on
SQLite, ts_rank on PostgreSQL) picks up to ``CANDIDATES`` matches; these are re-ranked by
relevance, recency (half-life 30 days) and helpfulness (confirmations, accepted answers, helps).

Bounded work for very common words: the full-text indexes also know each document's 30-day
period (migration 0005), and a search without date filters first looks at the ``RECENT_PERIODS``
latest periods only (the current one included, so 60–90 days); only when they hold fewer than
``CANDIDATES`` matches does it search all time. So 纸巾 in a big group reads and ranks its recent
matches, not every match of the last years, while a rare word still finds a two-year-old answer.
Both backends apply the same rule, so they return the same results.
Queries are cut into character bigrams (``segment.query_terms``), so no dictionary is loaded here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from huzhu.groups.models import Group, Membership, MembershipStatus
from huzhu.search.models import SearchDoc, SourceKind
from huzhu.search.segment import QueryTerm, highlight_needles, normalize, query_terms

if TYPE_CHECKING:
    from huzhu.accounts.models import User

CANDIDATES = 100
PERIOD_SECONDS = 30 * 86400  # 2592000, as in migration 0005
RECENT_PERIODS = 3
SNIPPET_CHARS = 90
RECENCY_HALF_LIFE_DAYS = 30.0
W_RELEVANCE, W_RECENCY, W_HELPFUL = 0.65, 0.2, 0.15

Mode = Literal["all", "any"]
# How many terms a match needs: every one, all but one, or any (internal: "most" is the first,
# cheaper pass of an any-term search, see ``_matches``).
Level = Literal["all", "most", "any"]
MOST_MAX_TERMS = 6  # all-but-one of more terms would make too long a query
MOST_ENOUGH = 20  # all-but-one matches enough for a first page: no any-term scan

# Filter names shown to members → (source kind, subkinds or None for all).
KIND_FILTERS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "resource": (SourceKind.RESOURCE, None),
    "deal": (SourceKind.RESOURCE, ("deal",)),
    "question": (SourceKind.AID_REQUEST, ("question",)),
    "answer": (SourceKind.AID_ANSWER, None),
    "request": (SourceKind.AID_REQUEST, ("groupbuy", "boost")),
    "groupbuy": (SourceKind.AID_REQUEST, ("groupbuy",)),
    "message": (SourceKind.CHAT_MESSAGE, None),
}


@dataclass(slots=True)
class Hit:
    doc: SearchDoc
    group_name: str
    score: float
    title_html: SafeString
    snippet_html: SafeString

    @property
    def kind(self) -> str:
        return self.doc.kind

    @property
    def subkind(self) -> str:
        return self.doc.subkind


@dataclass(slots=True)
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    mode: Mode = "all"
    relaxed: bool = False  # no document had every term, so any-term matches are shown


def _member_group_ids(user: User) -> list[int]:
    return list(
        Membership.objects.filter(user_id=user.pk, status=MembershipStatus.ACTIVE).values_list(
            "group_id", flat=True
        )
    )


def _fts5_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _combine(parts: list[str], level: Level, and_op: str, or_op: str) -> str:
    """Term conditions joined so that every one, all but one, or any of them must hold."""
    if level == "all" or len(parts) == 1:
        return and_op.join(parts)
    if level == "any" or len(parts) == 2:
        return or_op.join(parts)
    subsets = (parts[:i] + parts[i + 1 :] for i in range(len(parts)))
    return or_op.join("(" + and_op.join(subset) + ")" for subset in subsets)


def _fts5_match(
    terms: list[QueryTerm], group_ids: list[int], mode: Level, periods: Sequence[int] = ()
) -> str:
    parts = [_fts5_quote(t.text) + ("*" if t.prefix else "") for t in terms]
    text = _combine(parts, mode, " AND ", " OR ")
    if periods:
        scope = " OR ".join(f'"g{int(g)}t{int(p)}"' for g in group_ids for p in periods)
    else:
        scope = " OR ".join(f'"g{int(g)}"' for g in group_ids)
    return f"segmented : ({text}) AND scope : ({scope})"


def _tsquery(terms: list[QueryTerm], mode: Level, periods: Sequence[int] = ()) -> str:
    """The text part of a tsquery; with ``periods``, for the recent-documents index, whose terms
    are prefixed by their document's period ("期692期纸巾", migration 0005)."""
    # Terms hold only letters, digits and CJK characters (segment._RUN_RE), so quoting is enough.
    words = [(t.text.replace("'", ""), ":*" if t.prefix else "") for t in terms]
    if periods:
        parts = [
            "(" + " | ".join(f"'期{int(p)}期{word}'{tail}" for p in periods) + ")"
            for word, tail in words
        ]
    else:
        parts = [f"'{word}'{tail}" for word, tail in words]
    return _combine(parts, mode, " & ", " | ")


def _tsquery_scoped(text_query: str, group_ids: list[int]) -> str:
    # Group tokens "群<id>" (migrations 0004, 0005): one GIN scan does the access intersection.
    scope = " | ".join(f"'群{int(g)}'" for g in group_ids)
    return f"({text_query}) & ({scope})"


def _filters_sql(
    *, kinds: list[str], group_id: int | None, since: datetime | None, until: datetime | None
) -> tuple[str, list[Any]]:
    sql: list[str] = []
    params: list[Any] = []
    if kinds:
        clauses = []
        for name in kinds:
            source, subkinds = KIND_FILTERS[name]
            if subkinds is None:
                clauses.append("d.kind = %s")
                params.append(source)
            else:
                clauses.append(
                    "(d.kind = %s AND d.subkind IN (" + ", ".join(["%s"] * len(subkinds)) + "))"
                )
                params.extend([source, *subkinds])
        sql.append("(" + " OR ".join(clauses) + ")")
    if group_id is not None:
        sql.append("d.group_id = %s")
        params.append(group_id)
    if since is not None:
        sql.append("d.created_at >= %s")
        params.append(_utc(since))
    if until is not None:
        sql.append("d.created_at < %s")
        params.append(_utc(until))
    return "".join(" AND " + s for s in sql), params


def _utc(moment: datetime) -> datetime:
    """A filter bound in UTC: PostgreSQL refuses odd offsets (``-20:12``) that Python accepts."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 pushed past the calendar by its offset
        return (
            datetime.min.replace(tzinfo=UTC)
            if moment.year < 5000
            else datetime.max.replace(tzinfo=UTC)
        )


def period_of(moment: datetime) -> int:
    """The 30-day period of ``moment`` (days since 1970 // 30), as the index stores it."""
    return math.floor(_utc(moment).timestamp() / PERIOD_SECONDS)


def recent_periods(now: datetime | None = None) -> list[int]:
    """The periods searched first: the latest ``RECENT_PERIODS`` and the next one (clock skew)."""
    current = period_of(now or timezone.now())
    return list(range(current - RECENT_PERIODS + 1, current + 2))


@dataclass(slots=True)
class Candidate:
    doc_id: int
    rel: float
    created_at: datetime
    helpfulness: int
    boost: float


def _aware(value: Any) -> datetime:
    """A datetime from the cursor: PostgreSQL gives one, SQLite the stored UTC text."""
    moment = value if isinstance(value, datetime) else parse_datetime(str(value))
    if moment is None:
        raise ValueError(f"not a datetime: {value!r}")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


_PG_SELECT = (
    "SELECT d.id, ts_rank(d.vector, t, 1) AS rel, d.created_at, d.helpfulness, d.boost"
    " FROM search_searchdoc d, to_tsquery('simple'::regconfig, %s) q,"
    " to_tsquery('simple'::regconfig, %s) t WHERE "
)
_PG_SQL = _PG_SELECT + "d.vector @@ q"
# The expression of the recent-documents index (migrations 0005, 0006), written exactly as indexed.
_PG_RECENT_SQL = _PG_SELECT + "search_recent_terms(d.segmented, d.group_id, d.created_at) @@ q"


def _candidates(
    *,
    user: User,
    group_ids: list[int],
    terms: list[QueryTerm],
    mode: Level,
    kinds: list[str],
    group_id: int | None,
    since: datetime | None,
    until: datetime | None,
    exclude: tuple[str, int] | None,
    periods: Sequence[int] = (),
) -> list[Candidate]:
    """The best text matches the member may see, with what re-ranking needs (one statement:
    the rows are read once). ``periods``: only documents of these 30-day periods."""
    # The group filter is applied by the scope in the full-text match (below), not here.
    extra_sql, extra_params = _filters_sql(kinds=kinds, group_id=None, since=since, until=until)
    if exclude is not None:
        extra_sql += " AND NOT (d.kind = %s AND d.object_id = %s)"
        extra_params += [exclude[0], exclude[1]]
    # The membership subquery is the access rule; the group tokens in the full-text index (FTS5
    # scope column, "群<id>" in the tsvector) only make it fast.
    scope_ids = [group_id] if group_id is not None else group_ids
    # "+ 0" keeps the planner from ANDing a group_id index with the full-text index: the
    # full-text scan is already scoped to the groups, so the subquery is a cheap recheck.
    access = (
        " AND (d.group_id + 0) IN (SELECT m.group_id FROM groups_membership m"
        " WHERE m.user_id = %s AND m.status = %s)"
    )
    access_params: list[Any] = [user.pk, MembershipStatus.ACTIVE]
    # Only placeholders and fixed SQL are concatenated; every value is a parameter.
    where = access + extra_sql + " ORDER BY rel DESC LIMIT %s"
    params: list[Any] = [*access_params, *extra_params, CANDIDATES]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            match = _fts5_match(terms, scope_ids, mode, periods)
            if extra_sql:
                sql = (
                    "SELECT d.id, -bm25(search_fts, 1.0, 0.0) AS rel, d.created_at, d.helpfulness,"
                    " d.boost"
                    " FROM search_fts JOIN search_searchdoc d ON d.id = search_fts.rowid"
                    " WHERE search_fts MATCH %s"
                )
                cursor.execute(sql + where, [match, *params])
            else:
                # No filter outside the FTS table: let FTS5 rank and cut first, then join.
                sql = (
                    "SELECT d.id, f.rel, d.created_at, d.helpfulness, d.boost FROM (SELECT rowid,"
                    " -bm25(search_fts, 1.0, 0.0) AS rel"
                    " FROM search_fts WHERE search_fts MATCH %s"
                    " ORDER BY bm25(search_fts, 1.0, 0.0) LIMIT %s) f"
                    " JOIN search_searchdoc d ON d.id = f.rowid WHERE 1 = 1"
                )
                cursor.execute(sql + where, [match, CANDIDATES, *params])
        elif connection.vendor == "postgresql":
            # Matching uses the scoped query (text AND one of the groups), on the recent-documents
            # index when ``periods`` are given; ranking the text alone, on the stored vector.
            sql = _PG_RECENT_SQL if periods else _PG_SQL
            match_query = _tsquery_scoped(_tsquery(terms, mode, periods), scope_ids)
            cursor.execute(sql + where, [match_query, _tsquery(terms, mode), *params])
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported
            raise NotImplementedError(connection.vendor)
        return [
            Candidate(
                doc_id=row[0],
                rel=float(row[1] or 0.0),
                created_at=_aware(row[2]),
                helpfulness=int(row[3] or 0),
                boost=float(row[4] if row[4] is not None else 1.0),
            )
            for row in cursor.fetchall()
        ]


def _spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping spans of ``needles`` in ``text`` (case- and width-insensitive)."""
    low = normalize(text)
    if len(low) != len(text):  # NFKC changed the length (rare ligatures): match plain lower()
        low = text.lower()
    taken = [False] * len(text)
    spans: list[tuple[int, int]] = []
    for needle in needles:
        start = low.find(needle)
        while start != -1:
            end = start + len(needle)
            if not any(taken[start:end]):
                spans.append((start, end))
                for i in range(start, end):
                    taken[i] = True
            start = low.find(needle, end)
    return sorted(spans)


def highlight(text: str, needles: list[str], *, window: int | None = None) -> SafeString:
    """``text`` escaped for HTML with matches in <mark>; cut to a window around the first match."""
    spans = _spans(text, needles)
    start, end = 0, len(text)
    if window is not None and len(text) > window:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - window // 4, len(text) - window))
        end = start + window
    out: list[str] = ["…" if start > 0 else ""]
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(text[pos:s]))
        out.append("<mark>" + escape(text[s:e]) + "</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    if end < len(text):
        out.append("…")
    return mark_safe("".join(out))  # noqa: S308 - every piece of user text above is escaped


def _score(c: Candidate, best: float, now: datetime) -> float:
    relevance = c.rel / best if best > 0 else 0.0
    age_days = max((now - c.created_at).total_seconds() / 86400.0, 0.0)
    recency = 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS)
    helpful = min(1.0, math.log1p(max(c.helpfulness, 0)) / math.log1p(10))
    return c.boost * (W_RELEVANCE * relevance + W_RECENCY * recency + W_HELPFUL * helpful)


def _matches(*, mode: Mode, windowed: bool, terms: list[QueryTerm], **args: Any) -> list[Candidate]:
    """Recent periods first when ``windowed``; all time when they hold too few matches.

    An any-term search of 3 to ``MOST_MAX_TERMS`` terms first asks for all terms but one; with
    ``MOST_ENOUGH`` such matches (a page) only those are shown — they are the best any-term
    matches anyway (text relevance grows with the terms matched), and a common word among the
    terms (怎么, 15) no longer makes the scan read every document that contains it.
    """
    levels: list[tuple[Level, int]] = [(mode, CANDIDATES)]
    if mode == "any" and 3 <= len(terms) <= MOST_MAX_TERMS:
        levels = [("most", MOST_ENOUGH), ("any", CANDIDATES)]
    found: list[Candidate] = []
    for level, enough in levels:
        if windowed:
            found = _candidates(mode=level, terms=terms, periods=recent_periods(), **args)
            if len(found) >= CANDIDATES:
                return found
        found = _candidates(mode=level, terms=terms, **args)
        if len(found) >= enough:
            return found
    return found


def search(
    *,
    user: User,
    query: str,
    kinds: list[str] | None = None,
    group_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 20,
    offset: int = 0,
    mode: Mode = "all",
    relax: bool = True,
    exclude: tuple[str, int] | None = None,
) -> SearchResult:
    """Search what ``user`` may see. ``mode="all"`` needs every term; with ``relax`` an empty
    all-terms result falls back to any-term matches (marked ``relaxed``)."""
    result = SearchResult(query=query, mode=mode)
    terms = query_terms(query)
    kinds = [k for k in (kinds or []) if k in KIND_FILTERS]
    group_ids = _member_group_ids(user)
    if not terms or not group_ids or (group_id is not None and group_id not in group_ids):
        return result
    args = {
        "user": user,
        "group_ids": group_ids,
        "kinds": kinds,
        "group_id": group_id,
        "since": since,
        "until": until,
        "exclude": exclude,
    }
    # Explicit dates already bound the scan; otherwise recent periods first.
    windowed = since is None and until is None
    candidates = _matches(mode=mode, windowed=windowed, terms=terms, **args)
    if not candidates and mode == "all" and relax and len(terms) > 1:
        candidates = _matches(mode="any", windowed=windowed, terms=terms, **args)
        result.relaxed = bool(candidates)
        result.mode = "any"
    if not candidates:
        return result
    # Scoring uses the columns the match already read; text is loaded for the page only.
    best = max(c.rel for c in candidates)
    now = timezone.now()
    scored = sorted(
        ((_score(c, best, now), c.doc_id) for c in candidates),
        key=lambda pair: (-pair[0], -pair[1]),
    )
    page_ids = [doc_id for _s, doc_id in scored[offset : offset + limit]]
    full = SearchDoc.objects.defer("segmented").in_bulk(page_ids)
    page = [(score, full[doc_id]) for score, doc_id in scored[offset : offset + limit]]
    names = dict(
        Group.objects.filter(pk__in={d.group_id for _s, d in page}).values_list("id", "name")
    )
    needles = highlight_needles(query)
    for score, doc in page:
        result.hits.append(
            Hit(
                doc=doc,
                group_name=names.get(doc.group_id, ""),
                score=round(score, 4),
                title_html=highlight(doc.title, needles),
                snippet_html=highlight(doc.body, needles, window=SNIPPET_CHARS),
            )
        )
    return result
