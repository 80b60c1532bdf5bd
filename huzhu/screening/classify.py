"""Classifier stage: a small linear model over character n-grams for scam, illegal ads and abuse.

Owns the model file ``data/classifier.json`` (trained by ``scripts/train_classifier.py`` from data
shipped in ``data/train/``). ``scores(text)`` gives a probability per category; ``findings(norm)``
turns the scores at or above ``REPORT_THRESHOLD`` into ``Finding(kind="classifier")`` spanning the
whole text, with ``detail={"score": p}``.

Recommended policy thresholds (measured on tests/screening/data/devset.jsonl, see bench/RESULTS.md):
    scam  : hold ≥ 0.50, block ≥ 0.95
    ads   : hold ≥ 0.50, block ≥ 0.95
    abuse : hold ≥ 0.60, block ≥ 0.97
The severity of a finding encodes the same bands (MEDIUM ≥ hold, HIGH ≥ 0.8, CRITICAL ≥ block), so a
policy that maps severities to actions gets them for free.

Why it is fast: the n-gram weights live in one Aho-Corasick automaton (ahocorasick-rs); matching a
text reports every occurrence of every weighted n-gram in C, and the three per-class weights of an
n-gram are packed into one Python integer (24-bit signed fields), so the score is one C-level
``sum`` over the matches — no n-grams are built in Python.
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

__all__ = ["CLASSES", "THRESHOLDS", "Model", "findings", "load_model", "scores"]

MODEL_PATH = Path(__file__).resolve().parent / "data" / "classifier.json"
CLASSES: tuple[str, ...] = ("scam", "ads", "abuse")
FORMAT_VERSION = 1

# category → (hold, block); see the module docstring.
THRESHOLDS: dict[str, tuple[float, float]] = {
    "scam": (0.50, 0.95),
    "ads": (0.50, 0.95),
    "abuse": (0.60, 0.97),
}
# Below this a score is not worth a finding.
REPORT_THRESHOLD = 0.35
_HIGH = 0.80

# Three signed 21-bit fields fit a 64-bit C long, so ``sum`` stays on its machine-integer path.
_FIELD_BITS = 21
_FIELD_MASK = (1 << _FIELD_BITS) - 1
_FIELD_SIGN = 1 << (_FIELD_BITS - 1)
_FIELD_LIMIT = _FIELD_SIGN - 1
_first = itemgetter(0)


def _pack(values: list[int]) -> int:
    """Three signed integers in one (two's complement per field, so sums stay decodable)."""
    packed = 0
    for i, v in enumerate(values):
        packed += v << (_FIELD_BITS * i)
    return packed


def _unpack(packed: int, count: int) -> list[int]:
    out = []
    for _ in range(count):
        v = packed & _FIELD_MASK
        if v & _FIELD_SIGN:
            v -= 1 << _FIELD_BITS
        out.append(v)
        packed = (packed - v) >> _FIELD_BITS
    return out


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class Model:
    """A loaded classifier: automaton over the weighted n-grams plus packed weights."""

    __slots__ = ("automaton", "bias", "chunk", "classes", "overlap", "packed", "scale")

    def __init__(self, data: dict) -> None:
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"classifier format {data.get('format')!r} is not {FORMAT_VERSION}")
        self.classes: tuple[str, ...] = tuple(data["classes"])
        self.scale = float(data["scale"])
        self.bias: list[float] = [float(b) for b in data["bias"]]
        features: dict[str, list[int]] = data["features"]
        grams = list(features)
        self.packed: list[int] = [_pack(features[g]) for g in grams]
        # A field must not overflow: a chunk of text can produce at most ngram_max matches per
        # character, each adding at most the largest weight. Longer texts are scored chunk by chunk.
        biggest = max((abs(v) for q in features.values() for v in q), default=1) or 1
        self.chunk = max(16, _FIELD_LIMIT // (biggest * int(data["ngram_max"])))
        self.overlap = int(data["ngram_max"]) - 1
        self.automaton = ahocorasick_rs.AhoCorasick(grams)

    def raw_scores(self, text: str) -> list[float]:
        """Log-odds per class for an already normalized text."""
        find = self.automaton.find_matches_as_indexes
        packed = self.packed
        if len(text) <= self.chunk:
            total = sum(map(packed.__getitem__, map(_first, find(text, overlapping=True))))
            sums = _unpack(total, len(self.classes))
        else:
            # n-grams crossing a chunk border are counted in the overlapping window
            sums = [0] * len(self.classes)
            step = self.chunk
            for pos in range(0, len(text), step):
                back = min(pos, self.overlap)
                matches = find(text[pos - back : pos + step], overlapping=True)
                if back:
                    matches = [m for m in matches if m[2] > back]  # grams wholly in the overlap
                total = sum(map(packed.__getitem__, map(_first, matches)))
                for i, v in enumerate(_unpack(total, len(self.classes))):
                    sums[i] += v
        return [b + s / self.scale for b, s in zip(self.bias, sums, strict=True)]

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


def findings(norm: Normalized) -> list[Finding]:
    """Classifier findings for one normalized text (one per category scoring ≥ REPORT_THRESHOLD)."""
    text = norm.text
    if not text:
        return []
    model = _default_model()
    raw = model.raw_scores(text)
    out: list[Finding] = []
    start, end = 0, len(norm.original)
    for category, z in zip(model.classes, raw, strict=True):
        p = _sigmoid(z)
        if p < REPORT_THRESHOLD:
            continue
        out.append(
            Finding(
                kind="classifier",
                category=category,
                start=start,
                end=end,
                severity=_severity(category, p),
                rule=f"classifier.{category}",
                detail={"score": round(p, 4)},
            )
        )
    return out
