"""Word-list stage: Aho-Corasick over category-tagged word lists on the normalized text.

Owns the curated lists in ``data/lexicon/*.tsv`` (built by ``scripts/build_lexicon.py``; one file
per category, ``term<TAB>severity``) and the allow-list ``allow.tsv``. ``scan(norm)`` returns one
``Finding(kind="lexicon")`` per hit, span mapped back to the original text.

False positives are cut three ways:
- a hit that lies inside a longer allow-listed word is dropped (白粉 inside 蛋白粉);
- a Latin term must stand alone (``sb`` does not fire inside ``usb``);
- of overlapping hits of one category only the longest is kept (刷单返利 rather than also 刷单).

A member warning the group ("千万别信刷单返利，都是骗局") names the scam word for word. In a text with
such a warning cue a critical scam or gambling term counts as high, so the default rules hold the
text for a moderator instead of refusing it; the cue never lets a text through unseen.

Terms are run through ``normalize`` when the automaton is built, so a list entry written in any
form (traditional, full-width, upper case) matches the normalized text it is meant for.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import ahocorasick_rs

from .normalize import Normalized, normalize
from .types import Finding, Severity

__all__ = ["CATEGORIES", "LexiconEntry", "listed_terms", "may_match_many", "scan", "terms"]

LEXICON_DIR = Path(__file__).resolve().parent / "data" / "lexicon"
CATEGORIES: tuple[str, ...] = ("scam", "ads", "gambling", "porn", "drugs", "weapons", "abuse")
_SEVERITY_NAMES: dict[str, Severity] = {
    "low": Severity.LOW,
    "medium": Severity.MEDIUM,
    "high": Severity.HIGH,
    "critical": Severity.CRITICAL,
}
# Per-group words are chosen by the group's owners on purpose: they weigh as a strong signal.
GROUP_WORD_SEVERITY = Severity.HIGH
# Words of a warning about scams, on the normalized text (simplified, half-width).
_WARNING_CUE = re.compile(
    r"骗局|骗子|诈骗|被骗|骗人|上当|别信|不要信|不要相信|千万别|谨防|防骗|反诈|别上当|别理"
)
_WARNED_CATEGORIES = frozenset({"scam", "gambling"})
_EXTRA_CACHE_SIZE = 256


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    term: str  # as written in the list (for the rule id)
    category: str
    severity: Severity
    length: int  # length of the normalized term
    latin: bool  # pure ASCII term: must not be glued to other ASCII letters/digits
    rule: str


# Per automaton pattern: (entries of listed terms with this key, length if the key is an allow-list
# word else 0). A key can be both, so both parts travel together.
_Value = tuple[tuple[LexiconEntry, ...], int]


class _Automaton:
    """An Aho-Corasick automaton and the value of each of its patterns.

    ahocorasick-rs rather than pyahocorasick: with thousands of distinct first characters
    pyahocorasick's trie scans child lists linearly and costs ~3.5 µs on a clean 20-character
    message; ahocorasick-rs (a DFA) costs ~0.4 µs.
    """

    __slots__ = ("automaton", "values")

    def __init__(self, table: dict[str, list[LexiconEntry]], allow: set[str]) -> None:
        keys = sorted(table.keys() | allow) or ["\x00"]
        self.values: list[_Value] = [
            (tuple(table.get(k, ())), len(k) if k in allow else 0) for k in keys
        ]
        self.automaton = ahocorasick_rs.AhoCorasick(keys)

    def matches(self, text: str) -> list[tuple[int, int, int]]:
        return self.automaton.find_matches_as_indexes(text, overlapping=True)


def _read_tsv(path: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        term, _, severity = line.partition("\t")
        rows.append((term, severity.strip() or "medium"))
    return rows


def _add(
    table: dict[str, list[LexiconEntry]], term: str, category: str, severity: Severity, rule: str
) -> None:
    key = normalize(term).text.strip()
    if not key:
        return
    entry = LexiconEntry(term, category, severity, len(key), key.isascii(), rule)
    bucket = table.setdefault(key, [])
    for i, old in enumerate(bucket):
        if old.category == category:
            if severity > old.severity:
                bucket[i] = entry
            return
    bucket.append(entry)


class _Lexicon:
    """The built automaton for the shipped lists plus the allow-list words."""

    def __init__(self, directory: Path) -> None:
        table: dict[str, list[LexiconEntry]] = {}
        for category in CATEGORIES:
            path = directory / f"{category}.tsv"
            if not path.exists():
                continue
            for term, severity_name in _read_tsv(path):
                severity = _SEVERITY_NAMES.get(severity_name, Severity.MEDIUM)
                _add(table, term, category, severity, f"lexicon.{category}:{term}")
        allow: set[str] = set()
        allow_path = directory / "allow.tsv"
        if allow_path.exists():
            for word, _ in _read_tsv(allow_path):
                key = normalize(word).text.strip()
                if key:
                    allow.add(key)
        self.table = table
        self.allow = frozenset(allow)
        self.automaton = _Automaton(table, allow)


_lock = threading.Lock()
_default: _Lexicon | None = None


def _lexicon() -> _Lexicon:
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = _Lexicon(LEXICON_DIR)
    return _default


@lru_cache(maxsize=_EXTRA_CACHE_SIZE)
def _extra_automaton(items: tuple[tuple[str, str], ...]) -> _Automaton:
    table: dict[str, list[LexiconEntry]] = {}
    for word, category in items:
        _add(table, word, category, GROUP_WORD_SEVERITY, f"lexicon.group.{category}:{word}")
    return _Automaton(table, set())


def _ascii_glued(text: str, start: int, end: int) -> bool:
    if start > 0:
        before = text[start - 1]
        if before.isascii() and before.isalnum():
            return True
    if end < len(text):
        after = text[end]
        if after.isascii() and after.isalnum():
            return True
    return False


def scan(norm: Normalized, *, extra_words: Mapping[str, str] | None = None) -> list[Finding]:
    """Word-list findings for one normalized text.

    ``extra_words`` maps a group's own words to a category; their automaton is built once per
    distinct mapping and cached.
    """
    text = norm.text
    lex = _default or _lexicon()
    first = lex.automaton.matches(text)
    if not first and not extra_words:
        return []  # the common case: nothing listed in the text
    automata = [lex.automaton]
    if extra_words:
        automata.append(_extra_automaton(tuple(sorted(extra_words.items()))))

    hits: list[tuple[int, int, LexiconEntry]] = []
    allowed: list[tuple[int, int]] = []
    for automaton in automata:
        values = automaton.values
        for index, start, end in first if automaton is lex.automaton else automaton.matches(text):
            entries, allow_len = values[index]
            if allow_len:
                allowed.append((start, end))
            for entry in entries:
                hits.append((start, end, entry))
    if not hits:
        return []

    if allowed or len(hits) > 1 or hits[0][2].latin:
        hits = _prune(text, hits, allowed)
    identity = norm.is_identity
    warned: bool | None = None  # searched for only when a critical scam term is there
    findings: list[Finding] = []
    for start, end, entry in hits:
        o_start, o_end = (start, end) if identity else norm.to_original(start, end)
        severity = entry.severity
        detail: dict[str, Any] = {"term": entry.term}
        if severity is Severity.CRITICAL and entry.category in _WARNED_CATEGORIES:
            if warned is None:
                warned = _WARNING_CUE.search(text) is not None
            if warned:
                severity, detail["warning"] = Severity.HIGH, True
        findings.append(
            Finding(
                kind="lexicon",
                category=entry.category,
                start=o_start,
                end=o_end,
                severity=severity,
                rule=entry.rule,
                detail=detail,
            )
        )
    return findings


def may_match_many(texts: list[str]) -> list[bool]:
    """For each normalized text, whether the shipped lists' automaton finds anything in it (False:
    ``scan`` without group words returns [] for it). One automaton scan over the texts joined by
    U+0000, which no term or allow-list word contains, so no match crosses from one to the next."""
    if not texts:
        return []
    lex = _default or _lexicon()
    # Non-overlapping matching is enough to see every text with a match (and faster): after a
    # match the scan goes on from its end, which is never past the next text's start.
    matches = lex.automaton.automaton.find_matches_as_indexes("\x00".join(texts))
    out = [False] * len(texts)
    if not matches:
        return out
    ends = list(accumulate(len(t) + 1 for t in texts))
    for _index, start, _end in matches:
        out[bisect_right(ends, start)] = True
    return out


def _prune(
    text: str, hits: list[tuple[int, int, LexiconEntry]], allowed: list[tuple[int, int]]
) -> list[tuple[int, int, LexiconEntry]]:
    """Drop hits inside allow-listed words, glued Latin terms and hits contained in a longer hit of
    the same category (longest match per category)."""
    kept: list[tuple[int, int, LexiconEntry]] = []
    for start, end, entry in hits:
        if entry.latin and _ascii_glued(text, start, end):
            continue
        if allowed and any(
            a_s <= start and end <= a_e and (a_e - a_s) >= (end - start) for a_s, a_e in allowed
        ):
            continue
        kept.append((start, end, entry))
    if len(kept) < 2:
        return kept
    kept.sort(key=lambda h: (h[0], h[0] - h[1]))
    chosen: list[tuple[int, int, LexiconEntry]] = []
    for hit in kept:
        start, end, entry = hit
        category = entry.category
        for c_s, c_e, c in chosen:
            if c_e >= end and c_s <= start and c.category == category:
                break
        else:
            chosen.append(hit)
    return chosen


def listed_terms() -> frozenset[str]:
    """Every shipped term in normalized form (the keys ``scan`` can report without group words)."""
    return frozenset(_lexicon().table)


def terms(category: str) -> dict[str, Severity]:
    """The shipped terms of one category (normalized form → severity), for tests and tools."""
    out: dict[str, Severity] = {}
    for key, entries in _lexicon().table.items():
        for entry in entries:
            if entry.category == category:
                out[key] = entry.severity
    return out
