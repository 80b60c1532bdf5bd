"""Turning Chinese (mixed with English and numbers) into search terms, for the index and for queries.

Index side (background worker, ``index_terms``): every run of Chinese characters contributes its
characters and its character bigrams, and jieba's search mode adds its two-character words once
more. Query side (web process, ``query_terms``): each run is cut into two-character words and single
characters by a small frequency dictionary (``data/words.tsv``, 57k entries taken from jieba's,
loaded in about 0.1 s once per process) with the most probable cut; unknown neighbours stay
together as bigrams. So the web process never loads jieba's full dictionary (about 1 s); workers do.

Why this pairing: whatever the query cut, its terms — bigrams and single characters — are in the
index of every document containing those words, so recall never depends on jieba cutting the query
and the document the same way (纸巾 is found in 抽纸巾 even when jieba cuts 抽纸/巾), while
"高数笔记" still finds "高数复习笔记" (高数 AND 笔记). jieba's words count a bigram twice when it is a
real word in the document, so "高数笔记" ranks above "提高数据质量" for 高数.

Text is NFKC-normalised (full-width → half-width) and lower-cased on both sides. Letters and digits
written together ("iPhone15") are indexed whole and in parts ("iphone", "15"); queries use the
parts, so "iphone 15", "iPhone15" and "IPHONE15" all match.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# CJK Unified Ideographs, extension A, and compatibility ideographs.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN_RE = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_CJK_RE = re.compile(rf"[{_CJK}]+")
_PARTS_RE = re.compile(r"[a-z]+|[0-9]+")
_CJK_WORD_RE = re.compile(rf"[{_CJK}]+")

MAX_QUERY_TERMS = 24  # a pasted paragraph must not become a 500-term query

_OWN_WORDS_PATH = Path(__file__).resolve().parent / "data" / "own_words.txt"
_jieba_lock = threading.Lock()
_jieba_ready = False


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def jieba_load() -> object:
    """jieba with its dictionary loaded, once per process (about 1 s; only workers call this)."""
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        with _jieba_lock:
            if not _jieba_ready:
                jieba.setLogLevel(60)
                jieba.initialize()
                # Huzhu's own words (高数, 拼团, 宝妈 …), also in the query dictionary.
                for word in _OWN_WORDS_PATH.read_text(encoding="utf-8").split():
                    jieba.add_word(word, freq=2000)
                _jieba_ready = True
    return jieba


def _bigrams(run: str) -> list[str]:
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _cjk_index_terms(run: str) -> list[str]:
    return [*run, *_bigrams(run)] if len(run) > 1 else [run]


def _ascii_terms(run: str) -> list[str]:
    parts = _PARTS_RE.findall(run)
    return parts if len(parts) == 1 else [run, *parts]


def index_terms(text: str) -> str:
    """The space-separated terms stored for one document (jieba words + bigrams + ASCII words)."""
    norm = normalize(text)
    terms: list[str] = []
    jieba = jieba_load()
    for run in _RUN_RE.findall(norm):
        if _CJK_RE.fullmatch(run):
            terms.extend(_cjk_index_terms(run))
        else:
            terms.extend(_ascii_terms(run))
    # jieba sees the whole text so context across punctuation-free runs is kept; only its
    # Chinese words are taken (ASCII is handled above, identically to the query side).
    # HMM off: unknown words are still found through their bigrams, and it is ~30 % faster.
    for word in jieba.lcut_for_search(norm, HMM=False):  # type: ignore[attr-defined]
        # Two-character words only: those are the terms a query can produce.
        if len(word) == 2 and _CJK_WORD_RE.fullmatch(word):
            terms.append(word)
    return " ".join(terms)


def index_terms_light(text: str) -> str:
    """Bigrams and ASCII words only, without jieba (tests of the query side, benchmarks)."""
    norm = normalize(text)
    terms: list[str] = []
    for run in _RUN_RE.findall(norm):
        terms.extend(_cjk_index_terms(run) if _CJK_RE.fullmatch(run) else _ascii_terms(run))
    return " ".join(terms)


@dataclass(frozen=True, slots=True)
class QueryTerm:
    text: str
    prefix: bool  # an English word matches as a prefix ("iph" finds "iphone")


_WORDS_PATH = Path(__file__).resolve().parent / "data" / "words.tsv"
_words_lock = threading.Lock()
_words: dict[str, float] | None = None
_UNKNOWN = -20.0  # log-probability of a character the dictionary does not know


def _query_words() -> dict[str, float]:
    """Log-probabilities of single characters and two-character words (loaded once)."""
    global _words
    if _words is None:
        with _words_lock:
            if _words is None:
                counts: dict[str, int] = {}
                for line in _WORDS_PATH.read_text(encoding="utf-8").splitlines():
                    word, _tab, freq = line.partition("\t")
                    counts[word] = int(freq)
                total = math.log(sum(counts.values()))
                _words = {w: math.log(n) - total for w, n in counts.items()}
    return _words


def cut_query_run(run: str) -> list[str]:
    """The most probable cut of a Chinese run into known two-character words and characters;
    neighbouring unknown characters are kept together as bigrams (a name, new slang)."""
    if len(run) <= 2:
        return [run]
    words = _query_words()
    n = len(run)
    best: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)  # (score, length of the last piece)
    for i in range(1, n + 1):
        single = best[i - 1][0] + words.get(run[i - 1], _UNKNOWN)
        best[i] = (single, 1)
        if i >= 2 and run[i - 2 : i] in words:
            pair = best[i - 2][0] + words[run[i - 2 : i]]
            if pair > single:
                best[i] = (pair, 2)
    pieces: list[str] = []
    i = n
    while i > 0:
        size = best[i][1]
        pieces.append(run[i - size : i])
        i -= size
    pieces.reverse()
    out: list[str] = []
    singles: list[str] = []
    for piece in [*pieces, ""]:
        if len(piece) == 1:
            singles.append(piece)
            continue
        if len(singles) > 1:
            out.extend(_bigrams("".join(singles)))
        else:
            out.extend(singles)
        singles = []
        if piece:
            out.append(piece)
    return out


def query_terms(query: str) -> list[QueryTerm]:
    """Terms for a query, in order, without duplicates; no jieba needed."""
    out: list[QueryTerm] = []
    seen: set[str] = set()
    for run in _RUN_RE.findall(normalize(query)):
        if _CJK_RE.fullmatch(run):
            candidates = [QueryTerm(piece, False) for piece in cut_query_run(run)]
        else:
            candidates = [QueryTerm(p, p.isalpha() and len(p) >= 2) for p in _PARTS_RE.findall(run)]
        for term in candidates:
            if term.text not in seen:
                seen.add(term.text)
                out.append(term)
    return out[:MAX_QUERY_TERMS]


def highlight_needles(query: str) -> list[str]:
    """What to mark in a snippet: each whole Chinese run and each English word or number."""
    needles: list[str] = []
    for run in _RUN_RE.findall(normalize(query)):
        if _CJK_RE.fullmatch(run):
            needles.append(run)
            if len(run) > 2:
                # Words of the cut, not lone characters: marking every 的 would be noise.
                needles.extend(p for p in cut_query_run(run) if len(p) > 1)
        else:
            needles.extend(_PARTS_RE.findall(run))
    # Longest first, so a whole phrase wins over its pieces.
    return sorted(set(needles), key=len, reverse=True)
