"""Classifier stage: a small linear model over character n-grams for scam, illegal ads and abuse.

Owns the model file ``data/classifier.json`` (trained by ``scripts/train_classifier.py`` from data
shipped in ``data/train/``). ``scores(text)`` gives a probability per category; ``findings(norm)``
turns the scores at or above ``REPORT_THRESHOLD`` into ``Finding(kind="classifier")`` spanning the
whole text, with ``detail={"score": p}``.

Recommended policy thresholds — ``THRESHOLDS`` below, which the default policy reads — measured on
tests/screening/data/devset.jsonl with the whole engine (figures in bench/RESULTS.md):
    scam  : hold ≥ 0.60, block ≥ 0.95   (classifier alone: recall 0.92, normal false positives 0.16 %)
    ads   : hold ≥ 0.60, block ≥ 0.95   (classifier alone: recall 0.89, normal false positives 0.39 %)
    abuse : hold ≥ 0.65, block ≥ 0.97   (classifier alone: recall 0.91, normal false positives 0.47 %)
Engine on the dev set with these (model of 2026-12-06): scam+ads not allowed 0.973, normal
held/blocked 0.74 %, abuse held 0.913; on the money-talk probe (tests/screening/data/
probe_money.jsonl, never trained on) normal held 10 % (was 21 % before money talk was in the
training data), scam and illegal-ad SMS not allowed 0.98. The training script shifts the fitted intercepts (scam/ads +1.25, abuse −1.39 in log-odds) so
these points sit near the middle of the score range. Block on the classifier alone only at the
block band; below it, prefer holding. Finding severities follow the bands: MEDIUM ≥ hold, HIGH ≥ 0.8,
CRITICAL ≥ block.

Why it is fast: the n-gram weights live in one Aho-Corasick automaton (ahocorasick-rs); matching a
text reports every occurrence of every weighted n-gram in C, and the three per-class weights of an
n-gram are packed into one Python integer (three 21-bit offset fields, below 2^63), so the score
is one C-level ``sum`` over the matches — no n-grams are built in Python. ~28 matches and ~5 µs
CPU for a 25-character message; the cost is per match, which is why weak n-grams are pruned.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Sequence
from operator import itemgetter
from pathlib import Path

import ahocorasick_rs

from .normalize import Normalized, normalize
from .types import Finding, Severity

__all__ = [
    "CLASSES",
    "THRESHOLDS",
    "Model",
    "findings",
    "findings_and_terms",
    "findings_many",
    "load_model",
    "scores",
]

MODEL_PATH = Path(__file__).resolve().parent / "data" / "classifier.json"
CLASSES: tuple[str, ...] = ("scam", "ads", "abuse")
FORMAT_VERSION = 1

# category → (hold, block); see the module docstring.
THRESHOLDS: dict[str, tuple[float, float]] = {
    "scam": (0.60, 0.95),
    "ads": (0.60, 0.95),
    "abuse": (0.65, 0.97),
}
# Below this a score is not worth a finding.
REPORT_THRESHOLD = 0.30
_REPORT_LOGIT = math.log(REPORT_THRESHOLD / (1 - REPORT_THRESHOLD))
_HIGH = 0.80

# Three 21-bit fields in one integer below 2^63, so ``sum`` stays on its machine-integer path.
# Each field holds weight + offset (offset = the largest |weight|), so fields never go negative
# and the sum of n matches decodes as (field - n * offset) with a shift and a mask.
_FIELD_BITS = 21
_FIELD_MASK = (1 << _FIELD_BITS) - 1
_CLASSES_PACKED = 3
_first = itemgetter(0)


def _encode(values: list[int], offset: int) -> int:
    packed = 0
    for i, v in enumerate(values):
        packed += (v + offset) << (_FIELD_BITS * i)
    return packed


def _decode(total: int, count: int, offset: int) -> tuple[int, int, int]:
    """Per-class sums of ``count`` encoded weights added together (bits above the three fields,
    the joint automaton's term count, are ignored)."""
    nb = count * offset
    return (
        (total & _FIELD_MASK) - nb,
        ((total >> _FIELD_BITS) & _FIELD_MASK) - nb,
        ((total >> (2 * _FIELD_BITS)) & _FIELD_MASK) - nb,
    )


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class Model:
    """A loaded classifier: automaton over the weighted n-grams plus packed weights."""

    __slots__ = (
        "automaton",
        "bias",
        "chunk",
        "classes",
        "grams",
        "offset",
        "overlap",
        "packed",
        "scale",
    )

    def __init__(self, data: dict) -> None:
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"classifier format {data.get('format')!r} is not {FORMAT_VERSION}")
        self.classes: tuple[str, ...] = tuple(data["classes"])
        if len(self.classes) != _CLASSES_PACKED:
            raise ValueError(f"the classifier must have {_CLASSES_PACKED} classes")
        self.scale = float(data["scale"])
        self.bias: tuple[float, ...] = tuple(float(b) for b in data["bias"])
        features: dict[str, list[int]] = data["features"]
        grams = list(features)
        self.grams: tuple[str, ...] = tuple(grams)
        self.offset = max((abs(v) for q in features.values() for v in q), default=1) or 1
        self.packed: list[int] = [_encode(features[g], self.offset) for g in grams]
        ngram_max = int(data["ngram_max"])
        # A field holds at most 2 * offset per match and a text yields at most ngram_max matches
        # per character: longer texts are summed chunk by chunk so no field overflows.
        self.chunk = max(16, _FIELD_MASK // (2 * self.offset * ngram_max))
        self.overlap = ngram_max - 1
        self.automaton = ahocorasick_rs.AhoCorasick(grams)

    def raw_scores(self, text: str) -> tuple[float, float, float]:
        """Log-odds per class for an already normalized text."""
        find = self.automaton.find_matches_as_indexes
        packed = self.packed
        if len(text) <= self.chunk:
            matches = find(text, overlapping=True)
            s0, s1, s2 = _decode(
                sum(map(packed.__getitem__, map(_first, matches))), len(matches), self.offset
            )
        else:
            s0 = s1 = s2 = 0
            step = self.chunk
            for pos in range(0, len(text), step):
                back = min(pos, self.overlap)
                matches = find(text[pos - back : pos + step], overlapping=True)
                if back:
                    # n-grams wholly inside the overlap were counted with the previous chunk
                    matches = [m for m in matches if m[2] > back]
                d0, d1, d2 = _decode(
                    sum(map(packed.__getitem__, map(_first, matches))), len(matches), self.offset
                )
                s0, s1, s2 = s0 + d0, s1 + d1, s2 + d2
        b0, b1, b2 = self.bias
        scale = self.scale
        return b0 + s0 / scale, b1 + s1 / scale, b2 + s2 / scale

    def probabilities(self, text: str) -> dict[str, float]:
        return {c: _sigmoid(z) for c, z in zip(self.classes, self.raw_scores(text), strict=True)}


_lock = threading.Lock()
_model: Model | None = None


def load_model(path: Path = MODEL_PATH) -> Model:
    """Load a model file (the shipped one is loaded once and cached by ``_default_model``)."""
    with path.open(encoding="utf-8") as f:
        return Model(json.load(f))


def _default_model() -> Model:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = load_model(MODEL_PATH)
    return _model


def scores(text: str) -> dict[str, float]:
    """Probability per category (scam, ads, abuse) for a raw text."""
    return _default_model().probabilities(normalize(text).text)


def _severity(category: str, p: float) -> Severity:
    hold, block = THRESHOLDS.get(category, (0.5, 0.95))
    if p >= block:
        return Severity.CRITICAL
    if p >= _HIGH:
        return Severity.HIGH
    if p >= hold:
        return Severity.MEDIUM
    return Severity.LOW


# The joint automaton: the model's n-grams plus every word-list term, so that the engine learns
# from the classifier's one scan whether the word-list stage can find anything at all (on ~97 % of
# chat it cannot, and its own scan is then skipped). A term adds ``_TERM`` to its pattern's packed
# value: the bits above the three 21-bit fields count term occurrences. Such a value no longer fits
# a machine integer, so ``sum`` leaves its fast path only for the rare text that holds a term; a
# term that is not an n-gram carries zero weight (every field at the offset), so the class sums are
# exactly those of the model's own automaton.
_TERM = 1 << (_FIELD_BITS * _CLASSES_PACKED)


class _Joint:
    __slots__ = ("automaton", "model", "packed")

    def __init__(self, model: Model, terms: frozenset[str]) -> None:
        grams = model.grams
        known = set(grams)
        extra = sorted(t for t in terms if t not in known)
        zero = _encode([0] * _CLASSES_PACKED, model.offset)
        self.model = model
        self.packed: list[int] = [
            p + _TERM if g in terms else p for g, p in zip(grams, model.packed, strict=True)
        ] + [zero + _TERM] * len(extra)
        self.automaton = ahocorasick_rs.AhoCorasick([*grams, *extra])


_joint: _Joint | None = None


def _joint_automaton() -> _Joint:
    global _joint
    if _joint is None:
        from .lexicon import listed_terms  # the word lists load lazily too

        model, terms = _default_model(), listed_terms()  # both take their own locks
        with _lock:
            if _joint is None:
                _joint = _Joint(model, terms)
    return _joint


def findings_and_terms(norm: Normalized) -> tuple[list[Finding], bool]:
    """``findings(norm)`` of the shipped model, and whether a shipped word-list term may occur in
    ``norm.text`` (False only when none does: the word-list stage can then skip its scan)."""
    text = norm.text
    if not text:
        return [], False
    joint = _joint or _joint_automaton()
    model = joint.model
    if len(text) > model.chunk:
        return findings(norm), True
    matches = joint.automaton.find_matches_as_indexes(text, overlapping=True)
    total = sum(map(joint.packed.__getitem__, map(_first, matches)))
    return _findings_from_sum(norm, model, total, len(matches)), total >= _TERM


# ---------------------------------------------------------------------------------------------
# Batch scoring with numpy (``findings_many``, used by ``engine.screen_many``).
#
# The same model, the same integer sums: every n-gram of the model has length 1–3, so instead of
# one automaton match object per occurrence, each position of the text looks up "the unigram, the
# bigram and the trigram starting here" in dense tables. Characters are first mapped to a small
# alphabet id (0: the character occurs in no n-gram, so no n-gram through it can match); the
# bigram table is indexed by ``a * K + b``; a trigram by the id of its two-character prefix times
# ``K`` plus its last character. Each table holds the n-gram's three weights packed into one
# signed 64-bit integer (21 bits per class, two's complement), so a position costs three table
# reads and two additions, and a message one ``np.add.reduceat`` segment. Sums of a chunk of at
# most ``_SEGMENT`` positions cannot overflow a field; longer texts are summed chunk by chunk.
# Messages are joined with U+0000 (in no n-gram), so no n-gram crosses from one to the next.


class _Dense:
    __slots__ = ("alpha", "big", "k", "pre", "segment", "tri", "uni")

    def __init__(self, model: Model) -> None:
        import numpy as np

        features = [
            (g, _unpacked(model, p)) for g, p in zip(model.grams, model.packed, strict=True)
        ]
        chars = sorted({c for g, _w in features for c in g})
        if "\x00" in chars:
            raise ValueError("the classifier's n-grams must not contain U+0000")
        k = len(chars) + 1
        alpha = np.zeros(0x110000, dtype=np.int32)
        for i, c in enumerate(chars, 1):
            alpha[ord(c)] = i
        prefixes = sorted({g[:2] for g, _w in features if len(g) == 3})
        prefix_id = {p: i for i, p in enumerate(prefixes, 1)}
        uni = np.zeros(k, dtype=np.int64)
        big = np.zeros(k * k, dtype=np.int64)
        pre = np.zeros(k * k, dtype=np.int32)
        tri = np.zeros((len(prefixes) + 1) * k, dtype=np.int64)
        for p, i in prefix_id.items():
            pre[int(alpha[ord(p[0])]) * k + int(alpha[ord(p[1])])] = i
        for g, w in features:
            packed = w[0] + (w[1] << _FIELD_BITS) + (w[2] << (2 * _FIELD_BITS))
            ids = [int(alpha[ord(c)]) for c in g]
            if len(g) == 1:
                uni[ids[0]] = packed
            elif len(g) == 2:
                big[ids[0] * k + ids[1]] = packed
            elif len(g) == 3:
                tri[prefix_id[g[:2]] * k + ids[2]] = packed
            else:
                raise ValueError("batch scoring handles n-grams of length 1 to 3")
        self.alpha, self.k, self.uni, self.big, self.pre, self.tri = alpha, k, uni, big, pre, tri
        # |field sum| < 2^20 for any chunk: 3 n-grams per position, each |w| <= offset.
        self.segment = max(16, ((1 << (_FIELD_BITS - 1)) - 1) // (3 * model.offset))

    def sums(self, texts: list[str]):  # -> np.ndarray, shape (len(texts), 3), int64
        """Per-class integer weight sums of each (normalized) text: exactly what the automaton
        path sums."""
        import numpy as np

        n = len(texts)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
        starts = np.zeros(n, dtype=np.int64)
        np.cumsum(lengths[:-1] + 1, out=starts[1:])
        joined = "\x00".join(texts) + "\x00\x00\x00"
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        ids = self.alpha.take(codes)
        k = np.int32(self.k)
        pairs = ids[:-1] * k + ids[1:]
        total = self.uni.take(ids[:-2])
        total += self.big.take(pairs[:-1])
        total += self.tri.take(self.pre.take(pairs[:-1]) * k + ids[2:])
        segment = self.segment
        if int(lengths.max(initial=0)) < segment:
            packed = np.add.reduceat(total, starts)
            return _unpack_fields(packed)
        # Long texts: cut every message (and the separator after it) into chunks of at most
        # ``segment`` positions, sum each chunk, then the chunks of each message.
        counts = (lengths + segment) // segment
        first = np.zeros(n, dtype=np.int64)
        np.cumsum(counts[:-1], out=first[1:])
        owner = np.repeat(np.arange(n), counts)
        cuts = starts[owner] + (np.arange(int(counts.sum())) - first[owner]) * segment
        fields = _unpack_fields(np.add.reduceat(total, cuts))
        return np.add.reduceat(fields, first, axis=0)


def _unpacked(model: Model, packed: int) -> tuple[int, int, int]:
    return _decode(packed, 1, model.offset)


def _unpack_fields(packed):  # np.ndarray int64 (n,) -> (n, 3)
    import numpy as np

    half = 1 << (_FIELD_BITS - 1)
    f0 = ((packed + half) & _FIELD_MASK) - half
    rest = (packed - f0) >> _FIELD_BITS
    f1 = ((rest + half) & _FIELD_MASK) - half
    f2 = (rest - f1) >> _FIELD_BITS
    return np.stack((f0, f1, f2), axis=1)


_dense: _Dense | None = None


def _dense_tables() -> _Dense:
    global _dense
    if _dense is None:
        model = _default_model()
        with _lock:
            if _dense is None:
                _dense = _Dense(model)
    return _dense


def findings_many(norms: list[Normalized], texts: list[str]) -> list[Sequence[Finding]]:
    """``findings`` of the shipped model for many texts at once: ``texts[i]`` is the (normalized)
    text the classifier reads for ``norms[i]`` (findings span ``norms[i].original``). Same
    findings, same scores as ``findings(Normalized(norms[i].original, texts[i]))``."""
    if not texts:
        return []
    import numpy as np

    model = _model or _default_model()
    sums = (_dense or _dense_tables()).sums(texts)
    b0, b1, b2 = model.bias
    scale = model.scale
    # The float gate only picks candidates (with a margin); the exact log-odds are computed below
    # in Python from the exact integer sums, the way ``_findings_from_sum`` computes them.
    logits = sums / scale + np.array((b0, b1, b2))
    candidates = np.flatnonzero((logits >= _REPORT_LOGIT - 1e-6).any(axis=1)).tolist()
    out: list[Sequence[Finding]] = [()] * len(texts)  # no finding: the shared empty tuple
    if not candidates:
        return out
    rows = sums[candidates].tolist()
    for i, (s0, s1, s2) in zip(candidates, rows, strict=True):
        if texts[i]:
            out[i] = _findings_from_logits(
                norms[i], model, (b0 + s0 / scale, b1 + s1 / scale, b2 + s2 / scale)
            )
    return out


def findings(norm: Normalized) -> list[Finding]:
    """Classifier findings for one normalized text (one per category scoring ≥ REPORT_THRESHOLD)."""
    text = norm.text
    if not text:
        return []
    model = _model or _default_model()
    if len(text) <= model.chunk:
        # The usual short text: one automaton call and one C-level sum.
        matches = model.automaton.find_matches_as_indexes(text, overlapping=True)
        total = sum(map(model.packed.__getitem__, map(_first, matches)))
        return _findings_from_sum(norm, model, total, len(matches))
    return _findings_from_logits(norm, model, model.raw_scores(text))


def _findings_from_sum(norm: Normalized, model: Model, total: int, count: int) -> list[Finding]:
    # ``raw_scores`` inlined, with an early return on the log-odds before any tuple is built.
    nb = count * model.offset
    scale = model.scale
    b0, b1, b2 = model.bias
    z0 = b0 + ((total & _FIELD_MASK) - nb) / scale
    z1 = b1 + (((total >> _FIELD_BITS) & _FIELD_MASK) - nb) / scale
    z2 = b2 + (((total >> (2 * _FIELD_BITS)) & _FIELD_MASK) - nb) / scale
    if z0 < _REPORT_LOGIT and z1 < _REPORT_LOGIT and z2 < _REPORT_LOGIT:
        return []  # the common case: no sigmoid, no finding
    return _findings_from_logits(norm, model, (z0, z1, z2))


def _findings_from_logits(
    norm: Normalized, model: Model, logits: tuple[float, float, float]
) -> list[Finding]:
    if max(logits) < _REPORT_LOGIT:
        return []
    out: list[Finding] = []
    for category, z in zip(model.classes, logits, strict=True):
        if z < _REPORT_LOGIT:
            continue
        p = _sigmoid(z)
        out.append(
            Finding(
                kind="classifier",
                category=category,
                start=0,
                end=len(norm.original),
                severity=_severity(category, p),
                rule=f"classifier.{category}",
                detail={"score": round(p, 4)},
            )
        )
    return out
