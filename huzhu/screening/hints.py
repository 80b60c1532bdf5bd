"""Character-class hints for many texts at once (used by ``engine.screen_many``).

One numpy pass over a batch of texts tells, per text, which kinds of character it holds: those
that normalization changes, Chinese numerals, digits, the characters personal data and links start
with. A stage whose gate needs a character the text does not hold is skipped: its regular
expression would have searched the whole text and found nothing. The hints never decide anything
themselves, so ``screen_many`` gives exactly the verdicts of ``screen``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from huzhu.screening import normalize as _normalize
from huzhu.screening.pii import GATE_FIRST_CHARS

__all__ = ["DIGIT", "LETTER", "LINK", "PII", "char_flags"]

# Bits 1–32 are normalize's HINT_* bits.
DIGIT = 64  # an ASCII digit
PII = 128  # a character ``pii._GATE_RE`` can start with
_LINK_BEFORE = 256  # [a-z0-9-]: before the dot of "abc.com", "taobao点com", "1.2.3.4"
_LINK_DOT = 512  # what ``links._GATE_RE`` accepts after it: . 点 。 ( [
_COLON = 1024  # the ":" of "://"
LINK = 2048  # ``links._may_hold_link`` may be true: ":/" or [a-z0-9-] right before a dot-like
LETTER = 4096  # an ASCII letter a-z (plates and passports need one)
_SLASH = 8192  # the first "/" of "://"
_RUN = _normalize.HINT_RUN_CHAR
_NUMERAL_RUN = _normalize.HINT_NUMERAL_RUN


def _build() -> np.ndarray:
    table = np.zeros(0x110000, dtype=np.uint16)
    for bit, codepoints in _normalize.hint_classes().items():
        table[np.fromiter(codepoints, dtype=np.int64)] |= bit
    astral = _normalize.HINT_ANY | _normalize.HINT_CHANGE | _normalize.HINT_IRREGULAR
    table[0x10000:] |= astral  # any astral character takes normalize's slow path
    for chars, bit in (
        ("0123456789", DIGIT),
        (GATE_FIRST_CHARS, PII),
        ("abcdefghijklmnopqrstuvwxyz0123456789-", _LINK_BEFORE),
        (".点。([", _LINK_DOT),
        (":", _COLON),
        ("abcdefghijklmnopqrstuvwxyz", LETTER),
        ("/", _SLASH),
    ):
        table[[ord(c) for c in chars]] |= bit
    table[0] = 0  # the separator between texts
    return table


_lock = threading.Lock()
_table: np.ndarray | None = None


def char_flags(texts: Sequence[str]) -> list[int]:
    """For each text, the OR of its characters' bits (with ``LINK`` for a link-like pair)."""
    global _table
    if not texts:
        return []
    if _table is None:
        with _lock:
            if _table is None:
                _table = _build()
    n = len(texts)
    starts = np.zeros(n, dtype=np.int64)
    if n > 1:
        np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=n - 1) + 1, out=starts[1:])
    joined = "\x00".join(texts) + "\x00"
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    flags = _table.take(codes)
    pair = (flags[:-1] & _LINK_BEFORE).astype(bool) & (flags[1:] & _LINK_DOT).astype(bool)
    flags[:-1] |= pair.astype(np.uint16) * np.uint16(LINK)
    scheme = (flags[:-1] & _COLON).astype(bool) & (flags[1:] & _SLASH).astype(bool)
    flags[:-1] |= scheme.astype(np.uint16) * np.uint16(LINK)
    run = (flags & _RUN).astype(bool)
    four = run[:-3] & run[1:-2] & run[2:-1] & run[3:]
    flags[:-3] |= four.astype(np.uint16) * np.uint16(_NUMERAL_RUN)
    return np.bitwise_or.reduceat(flags, starts).tolist()
