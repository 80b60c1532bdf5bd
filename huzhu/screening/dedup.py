"""Near-duplicate and flood detection over a group's recent messages (the ``dedup`` stage).

Owns ``RecentWindow``: a bounded, time-expiring window of one group's recent messages. Each message
is reduced to the set of hashes of its character 3-grams (after dropping digits, spaces,
punctuation and links, so a spammer changing a number or an emoji still matches); near-duplicates
are found through a small MinHash-style index (the k smallest shingle hashes of each message) and
confirmed with the exact Jaccard similarity of the shingle sets.

Findings (kind ``duplicate``):

- ``repeat`` — the same author posted a near-duplicate within the window;
- ``copy``   — at least ``copy_threshold`` other authors posted near-duplicates (coordinated spam);
- ``flood``  — the same author posted ``flood_count`` messages within ``flood_seconds``.

The window is in-process state (one per group, held by the caller). Shingle hashes are CRC-32s of
the 3-grams' code points, the same in every process: Python's ``hash`` of a string changes with
PYTHONHASHSEED, and with it which recent messages the index offers as candidates, so the
duplicate findings of two processes (or two runs) could differ. ``now`` is always passed in so tests (and
replays) control time.
"""

from __future__ import annotations

import re
import threading
import zlib
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass, field

from huzhu.screening.types import Finding, Severity

__all__ = ["RecentWindow", "shingles", "similarity"]

_K = 6  # smallest shingle hashes indexed per message
# Short texts are what members legitimately say alike ("谢谢大家帮忙助力", "收到，明天见"): a
# repeat needs 8+ shingles (about 10 characters of text), a cross-author copy 12+ (about 14).
_MIN_SHINGLES = 8
_MIN_COPY_SHINGLES = 12
_BUCKET_CAP = 24  # per index key, only the most recent entries are kept: cost stays bounded
_MAX_CANDIDATES = 8  # near-duplicate candidates confirmed with the exact Jaccard similarity
_STRIP_RE = re.compile(
    r"(?:https?://|www\.)\S+|[\s0-9\W_]+",
)


def shingles(text: str) -> frozenset[int]:
    """Hashes of the character 3-grams of ``text`` with digits, spaces, symbols and links removed."""
    core = _STRIP_RE.sub("", text)
    if len(core) < 3:
        return frozenset()
    # four bytes per code point, so a 3-gram is a 12-byte slice (surrogatepass: a lone surrogate
    # hashes too instead of raising)
    raw = core.encode("utf-32-le", "surrogatepass")
    crc = zlib.crc32
    return frozenset(crc(raw[i : i + 12]) for i in range(0, len(raw) - 8, 4))


def similarity(a: frozenset[int], b: frozenset[int]) -> float:
    """Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


@dataclass(slots=True)
class _Entry:
    seq: int
    at: float
    author: Hashable | None
    shingles: frozenset[int]
    keys: tuple[int, ...]


@dataclass
class RecentWindow:
    """One group's recent messages, for duplicate and flood checks.

    ``max_items`` bounds memory; entries older than ``ttl_seconds`` expire. Thread-safe.
    """

    max_items: int = 500
    ttl_seconds: float = 600.0
    near_threshold: float = 0.7
    copy_threshold: int = 3
    flood_count: int = 5
    flood_seconds: float = 30.0
    _entries: deque[_Entry] = field(default_factory=deque, repr=False)
    _index: dict[int, dict[int, None]] = field(default_factory=dict, repr=False)
    _by_seq: dict[int, _Entry] = field(default_factory=dict, repr=False)
    _posts: dict[Hashable, deque[float]] = field(default_factory=dict, repr=False)
    _seq: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __len__(self) -> int:
        return len(self._entries)

    def _expire(self, now: float) -> None:
        horizon = now - self.ttl_seconds
        entries = self._entries
        while entries and (entries[0].at < horizon or len(entries) > self.max_items):
            old = entries.popleft()
            del self._by_seq[old.seq]
            for key in old.keys:
                bucket = self._index.get(key)
                if bucket is not None:
                    bucket.pop(old.seq, None)
                    if not bucket:
                        del self._index[key]
        flood_horizon = now - max(self.flood_seconds, 0.0)
        if len(self._posts) > self.max_items:
            for author in [
                a for a, times in self._posts.items() if not times or times[-1] < flood_horizon
            ]:
                del self._posts[author]

    def check(
        self,
        text: str,
        *,
        author_id: Hashable | None,
        now: float,
        add: bool = True,
        allow_copy: bool = True,
    ) -> list[Finding]:
        """Duplicate/flood findings for ``text`` posted by ``author_id`` at ``now`` (seconds).

        ``add=False`` checks without remembering the message. ``allow_copy=False`` skips the
        cross-author ``copy`` check (the engine uses it for share texts of allow-listed platforms,
        which members legitimately post from the same template).
        """
        # too short to be anyone's duplicate: skip the shingles, keep the flood count
        sh = shingles(text) if len(text) >= _MIN_SHINGLES + 2 else frozenset()
        keys = tuple(sorted(sh)[:_K]) if len(sh) >= _MIN_SHINGLES else ()
        whole = (0, len(text))
        findings: list[Finding] = []
        with self._lock:
            self._expire(now)
            if keys:
                counts: dict[int, int] = {}
                index = self._index
                for key in keys:
                    bucket = index.get(key)
                    if bucket:
                        for seq in bucket:
                            counts[seq] = counts.get(seq, 0) + 1
                need = 2 if len(keys) > 2 else 1
                candidates = sorted(
                    (seq for seq, shared in counts.items() if shared >= need),
                    key=counts.__getitem__,
                    reverse=True,
                )[:_MAX_CANDIDATES]
                repeat = False
                copiers: set[Hashable | None] = set()
                for seq in candidates:
                    entry = self._by_seq[seq]
                    if similarity(sh, entry.shingles) < self.near_threshold:
                        continue
                    if author_id is not None and entry.author == author_id:
                        repeat = True
                    else:
                        copiers.add(entry.author if entry.author is not None else ("anon", seq))
                    if repeat and (not allow_copy or len(copiers) >= self.copy_threshold):
                        break  # nothing more to learn
                if repeat:
                    findings.append(
                        Finding("duplicate", "repeat", *whole, Severity.MEDIUM, "duplicate.repeat")
                    )
                if (
                    allow_copy
                    and len(sh) >= _MIN_COPY_SHINGLES
                    and len(copiers) >= self.copy_threshold
                ):
                    findings.append(
                        Finding(
                            "duplicate",
                            "copy",
                            *whole,
                            Severity.MEDIUM,
                            "duplicate.copy",
                            {"copies": len(copiers)},
                        )
                    )
            if author_id is not None:
                times = self._posts.setdefault(author_id, deque())
                horizon = now - self.flood_seconds
                while times and times[0] < horizon:
                    times.popleft()
                if len(times) + 1 >= self.flood_count:
                    findings.append(
                        Finding(
                            "duplicate",
                            "flood",
                            *whole,
                            Severity.MEDIUM,
                            "duplicate.flood",
                            {"count": len(times) + 1, "seconds": self.flood_seconds},
                        )
                    )
                if add:
                    times.append(now)
            if add and keys:
                self._seq += 1
                entry = _Entry(self._seq, now, author_id, sh, keys)
                self._entries.append(entry)
                self._by_seq[entry.seq] = entry
                for key in keys:
                    bucket = self._index.get(key)
                    if bucket is None:
                        self._index[key] = {entry.seq: None}
                    else:
                        bucket[entry.seq] = None
                        if len(bucket) > _BUCKET_CAP:
                            del bucket[next(iter(bucket))]  # oldest first (insertion order)
                if len(self._entries) > self.max_items:
                    self._expire(now)
        return findings
