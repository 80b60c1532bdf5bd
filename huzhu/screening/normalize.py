"""Text normalization for screening, with an offset map back to the original text.

Owns the first pipeline stage. ``normalize(text)`` folds the many ways people dodge filters into one
canonical form that every later stage scans:

1. one character-level table applied with ``str.translate``: NFKC (full-width → half-width, circled
   and superscript digits → digits, math alphanumerics → ASCII), ASCII lower-case, traditional →
   simplified (OpenCC ``t2s`` character table, built once at import), the inverse 火星文 map
   (rare look-alike characters → the common character they imitate), deletion of zero-width,
   format and combining characters;
2. deletion of separator runs (spaces, junk symbols, ``*._-|`` …) inserted between characters
   when at least one neighbour is a CJK character (``加 微 信`` → ``加微信``). Separators between
   two ASCII word characters are kept: they separate words, phone-number groups and URL labels;
3. Chinese numerals (一二三, 壹贰叁, 幺, 两, 〇/零) → ASCII digits inside digit runs of four or more
   numeral characters (``一三八1234五六七八`` → ``13812345678``); shorter runs such as ``一个``
   or ``三七`` are left alone so words stay intact;
4. the letters o and l between digits become 0 and 1 (``138oo12345678``).

Steps 1 and 3 are mostly one-to-one; the offset map is built lazily, only when a later stage asks
for an original span of a text that actually changed length.

Common Chinese punctuation (``，。！？：；（）``) is deliberately left as is: mapping it to ASCII
would take nearly every message off the fast path and no detector needs it folded.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from pathlib import Path
from typing import NamedTuple

import opencc

__all__ = [
    "SEPARATOR_CHARS",
    "DigitRun",
    "Normalized",
    "digits_view",
    "normalize",
    "normalize_hinted",
    "normalize_many",
]

DATA_DIR = Path(__file__).resolve().parent / "data"

# Chinese numerals that become digits inside digit runs (step 3).
CN_DIGITS: dict[str, str] = {
    "零": "0",
    "〇": "0",
    "洞": "0",  # radio/NATO style "dong" for 0, common in spoken numbers
    "一": "1",
    "幺": "1",
    "壹": "1",
    "二": "2",
    "两": "2",
    "贰": "2",
    "三": "3",
    "叁": "3",
    "四": "4",
    "肆": "4",
    "五": "5",
    "伍": "5",
    "六": "6",
    "陆": "6",
    "七": "7",
    "柒": "7",
    "八": "8",
    "捌": "8",
    "九": "9",
    "玖": "9",
}

# Full-width Chinese punctuation kept as is (see module docstring).
_KEEP = set("，！？：；（）")

# Dingbat / negative circled digits that NFKC leaves alone.
_EXTRA_DIGITS: dict[int, str] = {}
for _base, _count in ((0x2776, 10), (0x2780, 10), (0x278A, 10), (0x24F5, 10)):
    for _i in range(_count):
        _EXTRA_DIGITS[_base + _i] = str(_i + 1)
_EXTRA_DIGITS[0x24EA] = "0"  # ⓪
_EXTRA_DIGITS[0x24FF] = "0"  # ⓿
_EXTRA_DIGITS[0x1F10B] = "0"
_EXTRA_DIGITS[0x1F10C] = "0"

# ASCII symbols that are junk when they sit between CJK characters. Kept: @ (email), $/¥/% (prices),
# : (labels), , (lists), ()[] (bracketed area codes) — detectors read them.
_ASCII_JUNK = " \t\r\n*_|~^`.-/\\+=#'\"<>!?;&"
_EXTRA_JUNK = "·•・丶ˇ¨…─—〃々〆〓〔〕〖〗〘〙〚〛〜〝〞〟　"


def _load_junk() -> str:
    chars: set[str] = set(_ASCII_JUNK) | set(_EXTRA_JUNK)
    path = DATA_DIR / "abuse" / "无意义符号.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        sym = line.strip()
        if len(sym) != 1:
            continue
        folded = unicodedata.normalize("NFKC", sym)
        # Currency signs stay: they mark prices, which PII must recognise and skip.
        if unicodedata.category(sym) == "Sc" or any(c.isalnum() or c == "@" for c in folded):
            continue
        chars.add(sym)
        if len(folded) == 1:
            chars.add(folded)
    return "".join(sorted(chars))


SEPARATOR_CHARS: str = _load_junk()
# Other symbols (emoji, dingbats, arrows, box drawing …) are junk between characters as well.
# Astral emoji are matched as a range next to the BMP class so sre keeps its bitmap for the latter.
_SYMBOLS_BMP = "".join(
    chr(cp)
    for cp in range(0x2000, 0x3000)
    if unicodedata.category(chr(cp)) == "So" and chr(cp) not in SEPARATOR_CHARS
)
SEPARATOR_CHARS += _SYMBOLS_BMP
_ASTRAL_SYMBOLS = "\U0001f000-\U0001faff"


def _char_class(codepoints: set[int]) -> str:
    """A compact regex character class for a set of code points (ranges merged)."""
    cps = sorted(codepoints)
    parts: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        lo, hi = cps[i], cps[j]
        parts.append(
            re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        )
        i = j + 1
    return "[" + "".join(parts) + "]"


def _build_table() -> dict[int, str]:
    """The character table of step 1: code point → replacement ('' deletes)."""
    table: dict[int, str] = {}

    # NFKC on the ranges that matter for evasion (Latin-1 .. CJK symbols, compatibility forms,
    # full-width forms, math alphanumerics, enclosed alphanumerics).
    ranges = [
        (0x00A0, 0x3400),
        (0xF900, 0xFB00),
        (0xFE00, 0x10000),
        (0x1D400, 0x1D800),
        (0x1F100, 0x1F200),
        (0x2F800, 0x2FA20),
    ]
    for lo, hi in ranges:
        for cp in range(lo, hi):
            ch = chr(cp)
            if ch in _KEEP:
                continue
            cat = unicodedata.category(ch)
            if cat in ("Mn", "Me", "Cf"):
                table[cp] = ""  # combining marks, zero-width and bidi controls: dodge material
                continue
            folded = unicodedata.normalize("NFKC", ch)
            if folded != ch:
                # NFKC can yield a leading combining mark (e.g. spacing accents): drop those marks
                folded = "".join(c for c in folded if unicodedata.category(c) not in ("Mn", "Me"))
                table[cp] = folded.lower() if folded.isascii() else folded
    for cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E):
        table[cp] = ""
    for cp, digit in _EXTRA_DIGITS.items():
        table[cp] = digit
    # Decorative symbols from the junk list whose NFKC form is letters (℡ → TEL, ℅ → c/o,
    # ㊣ → 正) are dropped rather than expanded into words that were never written.
    for line in (DATA_DIR / "abuse" / "无意义符号.txt").read_text(encoding="utf-8").splitlines():
        sym = line.strip()
        if len(sym) == 1 and sym not in "@＠":
            folded = unicodedata.normalize("NFKC", sym)
            if folded != sym and any(c.isalnum() for c in folded):
                table[ord(sym)] = ""
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = chr(cp + 32)

    # Traditional → simplified, character by character, from OpenCC's t2s dictionary.
    converter = opencc.OpenCC("t2s")
    cjk = [chr(cp) for cp in range(0x3400, 0xA000)]
    converted = converter.convert("\n".join(cjk)).split("\n")
    if len(converted) == len(cjk):
        for src, dst in zip(cjk, converted, strict=True):
            if src != dst and len(dst) == 1:
                table[ord(src)] = dst
    # Compatibility ideographs folded by NFKC may be traditional too: chain them through t2s.
    for cp, rep in list(table.items()):
        if len(rep) == 1 and ord(rep) in table and table[ord(rep)] != rep:
            table[cp] = table[ord(rep)]

    # Inverse 火星文: only unambiguous look-alikes that are not themselves common characters
    # (common = the 6,763 GB 2312 characters, the left column of the similar-shape table, plus
    # every character the 火星文 table maps from).
    common: set[str] = {
        line.split()[0]
        for line in (DATA_DIR / "abuse" / "形近字语料库.txt")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.strip()
    }
    inverse: dict[str, set[str]] = {}
    path = DATA_DIR / "abuse" / "简体-火星文词典.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        plain, mars = parts[0].strip(), parts[1].strip()
        if len(plain) != 1:
            continue
        common.add(plain)
        if len(mars) == 1 and mars != plain:
            inverse.setdefault(mars, set()).add(plain)
    for mars, plains in inverse.items():
        if len(plains) != 1 or mars in common:
            continue
        simplified = table.get(ord(mars), mars)
        if simplified != mars and simplified in common:
            continue  # t2s already folds it to a common character
        table[ord(mars)] = next(iter(plains))
    # Every replacement is in the folded alphabet: ASCII letters lower-case (the 火星文 table maps
    # some symbols to capitals, e.g. × → X).
    for cp, rep in table.items():
        if rep.isascii() and rep != rep.lower():
            table[cp] = rep.lower()
    return table


_TABLE: dict[int, str] = _build_table()
# Characters whose replacement is not exactly one character: their presence forces the slow
# offset-map path.
_IRREGULAR: frozenset[int] = frozenset(cp for cp, rep in _TABLE.items() if len(rep) != 1)


def _bmp_or_astral(codepoints: set[int]) -> re.Pattern[str]:
    # Keep the class BMP-only so sre compiles it to a constant-time bitmap; any astral character
    # takes the slow path instead (rare, and NFKC-relevant: math alphanumerics, enclosed digits).
    return re.compile(
        _char_class({cp for cp in codepoints if cp < 0x10000}) + "|[\U00010000-\U0010ffff]"
    )


_CHANGE_RE = _bmp_or_astral(set(_TABLE))
# Runs of characters that change: translating only these runs (one callback each) beats
# translating the whole text when, as usual, most of it is plain simplified Chinese.
_CHANGE_RUN_RE = re.compile(
    "(?:" + _char_class({cp for cp in _TABLE if cp < 0x10000}) + "|[\U00010000-\U0010ffff])+"
)


def _translate_run(match: re.Match[str]) -> str:
    return match.group().translate(_TABLE)


_IRREGULAR_RE = _bmp_or_astral(set(_IRREGULAR))

_SEP_CLASS = "(?:[" + re.escape(SEPARATOR_CHARS) + "]|[" + _ASTRAL_SYMBOLS + "])"
# A separator run is dodge material when it sits between two word characters and at least one of
# them is non-ASCII (CJK). "\w" covers CJK, letters, digits and "_"; "[^\W\x00-\x7f]" is a
# non-ASCII word character.
_NUMERAL_CHARS = "0-9" + "".join(CN_DIGITS)
_NUMERAL_RUN_RE = re.compile(f"[{_NUMERAL_CHARS}]{{4,}}")
_CN_DIGIT_RE = re.compile("[" + "".join(CN_DIGITS) + "]")
# Whether step 1 or 2 can change the text at all (most chat: no); step 3 is checked apart because
# single numerals (一个, 砍一刀) are everywhere and only runs of four matter.
_ANYTHING_RE = re.compile(
    _char_class(
        {cp for cp in _TABLE if cp < 0x10000}
        | {ord(c) for c in SEPARATOR_CHARS if ord(c) < 0x10000}
    )
    + "|[\U00010000-\U0010ffff]"
)
_CN_DIGIT_RUN_RE = re.compile("[" + "".join(CN_DIGITS) + "]+")
_CN_DIGIT_TABLE = str.maketrans(CN_DIGITS)


# A separator run is dodge material (``加 微 信``, ``刷*单``) when it sits between two word
# characters and at least one of them is non-ASCII; runs between two ASCII word characters
# separate words, number groups and URL labels and stay. The look-behind comes after the first
# separator so sre can jump straight to separator characters.
_DODGE_RE = re.compile(
    f"{_SEP_CLASS}(?<=[^\\W\\x00-\\x7f].){_SEP_CLASS}*(?=\\w)"
    f"|{_SEP_CLASS}(?<=\\w.){_SEP_CLASS}*(?=[^\\W\\x00-\\x7f])"
)


def _dodge_separators(text: str) -> list[tuple[int, int]]:
    """Spans of separator runs that were inserted between characters to dodge filters."""
    return [m.span() for m in _DODGE_RE.finditer(text)]


def _numeral_sub(match: re.Match[str]) -> str:
    return match.group().translate(_CN_DIGIT_TABLE)


class Normalized:
    """A normalized text and the way back to the original.

    ``text`` is what detectors scan; ``to_original(start, end)`` maps a span of ``text`` back to
    code-point offsets in ``original`` (end exclusive).
    """

    __slots__ = (
        "_ends",
        "_irregular",
        "_pending",
        "_removed",
        "_stage1",
        "_starts",
        "numeral_spans",
        "original",
        "text",
    )

    def __init__(
        self,
        original: str,
        text: str,
        *,
        stage1: str | None = None,
        irregular: bool = False,
        removed: list[tuple[int, int]] | None = None,
        pending: bool = False,
    ) -> None:
        self.original = original
        self.text = text
        # Spans of ``text`` whose digits were written as Chinese numerals: digit runs are split
        # there too, so "13812345678一起" still holds the phone number 13812345678.
        self.numeral_spans: tuple[tuple[int, int], ...] = ()
        self._stage1 = stage1
        self._irregular = irregular
        self._removed = removed
        # ``normalize_many`` cut the separators of many texts in one pass: the spans it removed
        # from ``stage1`` are found again only when an offset map is needed.
        self._pending = pending
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None

    @property
    def is_identity(self) -> bool:
        """True when offsets in ``text`` equal offsets in ``original``."""
        if self._pending:
            # Every step but the separator cut maps one character to one (no irregular
            # replacement on this path), so only a cut can change the length.
            return not self._irregular and len(self.text) == len(self.original)
        return not self._irregular and not self._removed

    def __repr__(self) -> str:
        return f"Normalized(original={self.original!r}, text={self.text!r})"

    def _build_map(self) -> None:
        if self._pending:
            assert self._stage1 is not None
            self._removed = _dodge_separators(self._stage1)
            self._pending = False
        original = self.original
        if self._irregular:
            starts: list[int] = []
            ends: list[int] = []
            table = _TABLE
            for i, ch in enumerate(original):
                rep = table.get(ord(ch), ch)
                for _ in range(len(rep)):
                    starts.append(i)
                    ends.append(i + 1)
        else:
            starts = list(range(len(original)))
            ends = [i + 1 for i in starts]
        if self._removed:
            keep_starts: list[int] = []
            keep_ends: list[int] = []
            prev = 0
            for rs, re_ in self._removed:
                keep_starts.extend(starts[prev:rs])
                keep_ends.extend(ends[prev:rs])
                prev = re_
            keep_starts.extend(starts[prev:])
            keep_ends.extend(ends[prev:])
            starts, ends = keep_starts, keep_ends
        self._starts, self._ends = starts, ends

    def _build_segments(self) -> None:
        """Without irregular replacements every kept character maps to one character of the
        original: the map is the kept segments between the cut separator runs, as two sorted
        lists (segment start in ``text``, segment start in ``original``)."""
        if self._pending:
            assert self._stage1 is not None
            self._removed = _dodge_separators(self._stage1)
            self._pending = False
        text_starts = [0]
        orig_starts = [0]
        cut = 0
        for rs, re_ in self._removed or ():
            cut += re_ - rs
            text_starts.append(re_ - cut)
            orig_starts.append(re_)
        self._starts, self._ends = text_starts, orig_starts

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map ``text[start:end]`` to ``(start, end)`` in ``original``."""
        n = len(self.text)
        start = max(0, min(start, n))
        end = max(start, min(end, n))
        if self.is_identity:
            return start, end
        if not self._irregular:
            if self._starts is None:
                self._build_segments()
            if start >= n:
                return len(self.original), len(self.original)
            text_starts, orig_starts = self._starts, self._ends
            assert text_starts is not None and orig_starts is not None
            k = bisect_right(text_starts, start) - 1
            o_start = orig_starts[k] + start - text_starts[k]
            if end <= start:
                return o_start, o_start
            k = bisect_right(text_starts, end - 1) - 1
            return o_start, orig_starts[k] + end - text_starts[k]
        if self._starts is None:
            self._build_map()
        starts, ends = self._starts, self._ends
        assert starts is not None and ends is not None
        if start >= n:
            return len(self.original), len(self.original)
        o_start = starts[start]
        o_end = ends[end - 1] if end > start else o_start
        return o_start, o_end

    def to_original_pos(self, pos: int) -> int:
        """Map one position of ``text`` to a position in ``original``."""
        return self.to_original(pos, pos)[0]


def normalize(text: str) -> Normalized:
    """Normalize ``text`` for screening (see the module docstring for the steps)."""
    if not isinstance(text, str):
        raise TypeError("normalize() expects str")
    if text.isascii():
        # ASCII fast path: only lower-casing and separator removal can apply, and the latter
        # needs a non-ASCII neighbour, so offsets are the identity.
        return Normalized(text, _letters_in_numbers(text.lower()))

    first = _ANYTHING_RE.search(text)
    if first is None:
        # Steps 1 and 2 change nothing; only a numeral run can.
        if _CN_DIGIT_RE.search(text) is None or _NUMERAL_RUN_RE.search(text) is None:
            return Normalized(text, _letters_in_numbers(text))
        return _steps(text, None, None, True)
    # Nothing before ``first`` changes in step 1, so the search for a change starts there.
    return _steps(text, _CHANGE_RE.search(text, first.start()) is not None, None, True)


# Bits of ``hints`` for ``normalize_hinted`` (computed for many texts at once by
# ``hints.char_flags``): whether the text holds a character of ``_ANYTHING_RE``, of ``_CHANGE_RE``,
# of ``_IRREGULAR_RE``, or a character that is or translates to a Chinese numeral.
HINT_ANY = 1
HINT_CHANGE = 2
HINT_IRREGULAR = 4
HINT_CN_DIGIT = 8
# A character that can be part of a numeral run once steps 1 and 2 are done (a digit, a numeral, a
# separator, or one that translates into one of those); ``HINT_NUMERAL_RUN``: four of them in a
# row. Without an irregular replacement every character of a run after step 2 comes from one
# character of the text, and what lay between them was removed, so a numeral run of four needs
# four such characters in a row in the text itself.
HINT_RUN_CHAR = 16
HINT_NUMERAL_RUN = 32


def hint_classes() -> dict[int, set[int]]:
    """The code points behind each hint bit (astral code points are in the first three)."""
    cn = {ord(c) for c in CN_DIGITS}
    cn |= {cp for cp, rep in _TABLE.items() if any(c in CN_DIGITS for c in rep)}
    run_chars = set("0123456789") | set(CN_DIGITS) | set(SEPARATOR_CHARS)
    run = {ord(c) for c in run_chars}
    run |= {cp for cp, rep in _TABLE.items() if len(rep) == 1 and rep in run_chars}
    return {
        HINT_ANY: set(_TABLE) | {ord(c) for c in SEPARATOR_CHARS},
        HINT_CHANGE: set(_TABLE),
        HINT_IRREGULAR: set(_IRREGULAR),
        HINT_CN_DIGIT: cn,
        HINT_RUN_CHAR: run,
    }


def normalize_hinted(text: str, hints: int) -> Normalized:
    """``normalize(text)``, given the ``HINT_*`` bits of ``text``: the regular-expression searches
    whose answer the bits already give are skipped. Same result as ``normalize``."""
    # Numerals need a Chinese numeral and, unless a replacement is irregular, a run of four.
    numerals = bool(hints & HINT_CN_DIGIT) and bool(hints & (HINT_NUMERAL_RUN | HINT_IRREGULAR))
    if not hints & HINT_ANY:
        if not numerals:
            return Normalized(text, _letters_in_numbers(text))
        return normalize(text)
    if text.isascii():
        return normalize(text)
    return _steps(text, bool(hints & HINT_CHANGE), bool(hints & HINT_IRREGULAR), numerals)


def _steps(text: str, change: bool | None, irregular: bool | None, numerals: bool) -> Normalized:
    """Steps 1–4 for a text that may change. ``change``: whether step 1 changes a character
    (None: steps 1 and 2 change nothing); ``irregular``: whether a replacement is not exactly one
    character (None: search); ``numerals``: whether a Chinese numeral may occur after step 2."""
    is_irregular = False
    removed: list[tuple[int, int]] | None = None
    if change is None:
        stage1 = stage2 = text
    else:
        if not change:
            stage1 = text
        else:
            stage1 = _CHANGE_RUN_RE.sub(_translate_run, text)
            if irregular is None:
                is_irregular = _IRREGULAR_RE.search(text) is not None
            else:
                is_irregular = irregular
        # One pass finds the dodge separators; the usual single run is cut out by slicing.
        removed = _dodge_separators(stage1)
        if not removed:
            stage2 = stage1
        elif len(removed) == 1:
            cut_start, cut_end = removed[0]
            stage2 = stage1[:cut_start] + stage1[cut_end:]
        else:
            stage2 = _DODGE_RE.sub("", stage1)

    final, numeral_spans = _numeral_step(stage2) if numerals else (stage2, ())
    final = _letters_in_numbers(final)
    norm = Normalized(text, final, stage1=stage1, irregular=is_irregular, removed=removed)
    norm.numeral_spans = numeral_spans
    return norm


# A Chinese numeral with numeral characters around it, four in a row: there is a numeral run with
# a Chinese numeral in it (a run of four or more holds such a window of four around each numeral).
_CN = "".join(CN_DIGITS)
_CN_IN_RUN_RE = re.compile(
    f"[{_CN}](?:(?<=[{_NUMERAL_CHARS}]{{4}})|(?<=[{_NUMERAL_CHARS}]{{3}})[{_NUMERAL_CHARS}]"
    f"|(?<=[{_NUMERAL_CHARS}]{{2}})[{_NUMERAL_CHARS}]{{2}}|[{_NUMERAL_CHARS}]{{3}})"
)


def _numeral_step(stage2: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Step 3: Chinese numerals inside runs of four or more numeral characters become digits."""
    if _CN_IN_RUN_RE.search(stage2) is None:
        return stage2, ()
    spans: list[tuple[int, int]] = []
    for m in _NUMERAL_RUN_RE.finditer(stage2):
        spans.extend(c.span() for c in _CN_DIGIT_RUN_RE.finditer(stage2, m.start(), m.end()))
    if not spans:
        return stage2, ()
    return _NUMERAL_RUN_RE.sub(_numeral_sub, stage2), tuple(spans)


def normalize_many(texts: list[str], hints: list[int]) -> list[Normalized]:
    """``[normalize_hinted(t, h) for t, h in zip(texts, hints)]``, computed faster.

    The texts whose characters are all replaced one for one (the usual case) get their dodge
    separators cut in ONE regular-expression pass over the texts joined by U+0000. U+0000 is
    neither a separator nor a word character, so a match never reaches across it and the
    look-arounds see it as the start or end of a text: the cut is the one of each text alone.
    """
    out: list[Normalized | None] = [None] * len(texts)
    todo: list[int] = []
    stage1s: list[str] = []
    for i, (text, h) in enumerate(zip(texts, hints, strict=True)):
        if not h & HINT_ANY or h & HINT_IRREGULAR or text.isascii():
            out[i] = normalize_hinted(text, h)
            continue
        todo.append(i)
        stage1s.append(_CHANGE_RUN_RE.sub(_translate_run, text) if h & HINT_CHANGE else text)
    if todo:
        joined = "\x00".join(stage1s)
        cut = _DODGE_RE.sub("", joined)
        stage2s = cut.split("\x00") if cut is not joined else stage1s
        if len(stage2s) != len(stage1s):  # a text held U+0000 itself
            stage2s = [_DODGE_RE.sub("", s) for s in stage1s]
        for i, stage1, stage2 in zip(todo, stage1s, stage2s, strict=True):
            text, h = texts[i], hints[i]
            if len(stage2) == len(stage1):
                stage2 = stage1  # nothing cut: keep the object (``text is original`` tests)
            if h & HINT_CN_DIGIT and h & HINT_NUMERAL_RUN:
                final, numeral_spans = _numeral_step(stage2)
            else:
                final, numeral_spans = stage2, ()
            norm = Normalized(text, _letters_in_numbers(final), stage1=stage1, pending=True)
            norm.numeral_spans = numeral_spans
            out[i] = norm
    return out  # type: ignore[return-value]


# Letters standing in for digits inside a number ("138oo12345678", "1l2"): o → 0, l → 1, only
# between digits, so words are untouched.
_LETTER_DIGIT_RE = re.compile(r"[0-9][ol]+(?=[0-9])")
_LETTER_DIGIT_TABLE = str.maketrans("ol", "01")


def _letter_digit_sub(match: re.Match[str]) -> str:
    return match.group().translate(_LETTER_DIGIT_TABLE)


def _letters_in_numbers(text: str) -> str:
    if ("o" in text or "l" in text) and _LETTER_DIGIT_RE.search(text) is not None:
        return _LETTER_DIGIT_RE.sub(_letter_digit_sub, text)
    return text


class DigitRun(NamedTuple):
    """A run of digit groups in normalized text, separators removed.

    ``digits`` is the concatenation of the groups; ``groups`` holds each group's (start, end)
    in the normalized text, in order. PII validators try concatenations of consecutive groups, so
    ``138 1234 5678`` is one phone number while ``13812345678 13912345678`` stays two.
    """

    digits: str
    groups: tuple[tuple[int, int], ...]
    start: int
    end: int


# Separators allowed inside a digit run: spaces, dashes, dots, junk symbols, brackets and currency
# signs, at most three in a row (a wider gap separates two numbers). Commas are not: they separate
# list items.
_CURRENCY = (
    "".join(chr(cp) for cp in range(0x20, 0x3000) if unicodedata.category(chr(cp)) == "Sc")
    + "￥￡￠＄"
)
# Currency signs count as separators only INSIDE a run (1$3$8…); one in front of a run still
# marks a price for the PII stage.
_DIGIT_SEP = re.escape(SEPARATOR_CHARS + "()[]（）【】@" + _CURRENCY)
_DIGIT_GROUP_RE = re.compile(r"[0-9]+")
_DIGIT_RUN_RE = re.compile(rf"[0-9]+(?:(?:[{_DIGIT_SEP}]|[{_ASTRAL_SYMBOLS}]){{1,3}}[0-9]+)*")


def digits_view(norm: Normalized | str, *, min_chars: int = 1) -> list[DigitRun]:
    """All digit runs of a normalized text (only ASCII digits; numerals were folded already).

    Runs shorter than ``min_chars`` characters (separators included) are skipped cheaply.
    """
    if isinstance(norm, Normalized):
        text, numeral_spans = norm.text, norm.numeral_spans
    else:
        text, numeral_spans = norm, ()
    runs: list[DigitRun] = []
    for m in _DIGIT_RUN_RE.finditer(text):
        base, end = m.span()
        if end - base < min_chars:
            continue
        run_text = m.group()
        if run_text.isascii() and run_text.isdigit():  # one group: order numbers, plain phones
            groups: tuple[tuple[int, int], ...] = ((base, end),)
        else:
            groups = tuple(
                (base + g.start(), base + g.end()) for g in _DIGIT_GROUP_RE.finditer(run_text)
            )
        if numeral_spans:
            groups = _split_at(groups, numeral_spans)
        if len(groups) == 1:
            digits = run_text if groups[0] == (base, end) else text[groups[0][0] : groups[0][1]]
        else:
            digits = "".join(text[s:e] for s, e in groups)
        runs.append(DigitRun(digits, groups, base, end))
    return runs


def _split_at(
    groups: tuple[tuple[int, int], ...], spans: tuple[tuple[int, int], ...]
) -> tuple[tuple[int, int], ...]:
    """Split digit groups where written digits meet Chinese numerals."""
    cuts = {p for span in spans for p in span}
    out: list[tuple[int, int]] = []
    for start, end in groups:
        inner = sorted(p for p in cuts if start < p < end)
        prev = start
        for p in inner:
            out.append((prev, p))
            prev = p
        out.append((prev, end))
    return tuple(out)
