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
Engine on the dev set with these: scam+ads not allowed 0.979, normal held/blocked 0.86 %, abuse held
0.915; on all 6,000 held-out Taobao normal lines 0.75 % held, on 2,660 held-out abusive lines 0.90
held. The training script shifts the fitted intercepts (scam/ads +1.25, abuse −1.39 in log-odds) so
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
