"""Turning Chinese (mixed with English and numbers) into search terms, for the index and for queries.

Index side (background worker, ``index_terms``): jieba's search mode finds the words, and every run of
Chinese characters also contributes its character bigrams. Query side (web process,
``query_terms``): character bigrams only, which costs microseconds and no dictionary.

Why both on the index: a query's bigrams always occur in a document that contains the query as a
substring, so recall never depends on jieba cutting the query and the document the same way
(纸巾 is found in 抽纸巾 even when jieba cuts 抽纸/巾). jieba's words add a second occurrence of the
bigram when it is a real word in the document, so "高数笔记" ranks above "提高数据质量" for 高数.
The web process therefore never loads jieba's 1 s dictionary; the worker loads it once.

Text is NFKC-normalised (full-width → half-width) and lower-cased on both sides. Letters and digits
written together ("iPhone15") are indexed whole and in parts ("iphone", "15"); queries use the
parts, so "iphone 15", "iPhone15" and "IPHONE15" all match.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

# CJK Unified Ideographs, extension A, and compatibility ideographs.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN_RE = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_CJK_RE = re.compile(rf"[{_CJK}]+")
_PARTS_RE = re.compile(r"[a-z]+|[0-9]+")
_CJK_WORD_RE = re.compile(rf"[{_CJK}]+")

MAX_QUERY_TERMS = 24  # a pasted paragraph must not become a 500-term query

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
                _jieba_ready = True
    return jieba


def _bigrams(run: str) -> list[str]:
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


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
            terms.extend(_bigrams(run))
        else:
            terms.extend(_ascii_terms(run))
    # jieba sees the whole text so context across punctuation-free runs is kept; only its
    # Chinese words are taken (ASCII is handled above, identically to the query side).
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
        terms.extend(_bigrams(run) if _CJK_RE.fullmatch(run) else _ascii_terms(run))
    return " ".join(terms)


@dataclass(frozen=True, slots=True)
class QueryTerm:
    text: str
    prefix: bool  # a single Chinese character or a short English stem matches as a prefix


def query_terms(query: str) -> list[QueryTerm]:
    """Terms for a query, in order, without duplicates; no dictionary needed."""
    out: list[QueryTerm] = []
    seen: set[str] = set()
    for run in _RUN_RE.findall(normalize(query)):
        if _CJK_RE.fullmatch(run):
            candidates = (
                [QueryTerm(run, True)]
                if len(run) == 1
                else [QueryTerm(g, False) for g in _bigrams(run)]
            )
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
                needles.extend(_bigrams(run))
        else:
            needles.extend(_PARTS_RE.findall(run))
    # Longest first, so a whole phrase wins over its pieces.
    return sorted(set(needles), key=len, reverse=True)
