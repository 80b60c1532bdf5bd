"""Fast paths give exactly what the plain paths give.

The engine skips work when a cheap check proves it cannot change the result (the word-list scan
when the classifier's joint scan saw no listed term, the separator pass when no separator is in the
text …). These tests compare the fast path with the plain one on random and evasive inputs, and
check the very first ``screen()`` in a fresh interpreter (lazy tables load without deadlock).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from huzhu.screening import classify, lexicon
from huzhu.screening import normalize as nz
from huzhu.screening.engine import ScreenContext, screen
from huzhu.screening.normalize import Normalized, normalize

ROOT = Path(__file__).resolve().parents[2]

# Characters that exercise every normalization: CJK, traditional, full-width, numerals, separators,
# digits, Latin letters, zero-width, emoji, astral math digits.
_ALPHABET = (
    "加微信刷单兼职日赚贷款中奖扣扣谢谢大家帮忙今天一二三四五六七八九零幺两壹贰叁"
    "請問這個優惠券還能用嗎ＡＢＣｖｘ１２３"
    "0123456789abcolvx@.:/ *_-|~☆★·•。，！？ \u200b\U0001f600\U0001d7cf"
)
_TEXTS = st.text(alphabet=_ALPHABET, max_size=60) | st.text(max_size=60)


def _normalize_reference(text: str) -> Normalized:
    """The normalization pipeline step by step, without the shortcuts of ``normalize``."""
    if text.isascii():
        return Normalized(text, nz._letters_in_numbers(text.lower()))
    stage1 = nz._CHANGE_RUN_RE.sub(nz._translate_run, text)
    irregular = nz._IRREGULAR_RE.search(text) is not None
    removed = nz._dodge_separators(stage1)
    stage2 = nz._DODGE_RE.sub("", stage1)
    spans: list[tuple[int, int]] = []
    for m in nz._NUMERAL_RUN_RE.finditer(stage2):
        spans.extend(c.span() for c in nz._CN_DIGIT_RUN_RE.finditer(stage2, m.start(), m.end()))
    final = nz._NUMERAL_RUN_RE.sub(nz._numeral_sub, stage2) if spans else stage2
    norm = Normalized(
        text, nz._letters_in_numbers(final), stage1=stage1, irregular=irregular, removed=removed
    )
    norm.numeral_spans = tuple(spans)
    return norm


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_normalize_matches_the_step_by_step_reference(text: str) -> None:
    fast, slow = normalize(text), _normalize_reference(text)
    assert fast.text == slow.text
    assert fast.numeral_spans == slow.numeral_spans
    n = len(fast.text)
    for start, end in ((0, n), (0, n // 2), (n // 3, n), (n // 2, n // 2 + 1)):
        assert fast.to_original(start, end) == slow.to_original(start, end)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_joint_scan_gives_the_classifier_findings_and_never_hides_a_listed_word(
    text: str,
) -> None:
    norm = normalize(text)
    found, maybe_words = classify.findings_and_terms(norm)
    assert found == classify.findings(norm)
    if not maybe_words:
        assert lexicon.scan(norm) == []


def test_joint_scan_flags_listed_words() -> None:
    for text in ("兼职刷单日赚五百，加微信详聊", "无抵押贷款当天放款", "恭喜您中奖了"):
        norm = normalize(text)
        _found, maybe_words = classify.findings_and_terms(norm)
        assert maybe_words
        assert lexicon.scan(norm)


@settings(max_examples=150, deadline=None)
@given(_TEXTS)
def test_screen_with_group_words_off_the_joint_path_agrees(text: str) -> None:
    # Group words take the engine off the joint scan; a group word that can never occur leaves the
    # verdict exactly as the joint path gives it.
    plain = screen(text)
    other = screen(text, context=ScreenContext(extra_words={"\x00\x01never": "ads"}))
    assert (plain.action, plain.text, plain.findings) == (other.action, other.text, other.findings)


def test_first_screen_in_a_fresh_interpreter_finishes() -> None:
    code = (
        "from huzhu.screening import screen\nprint(screen('兼职刷单日赚五百，加微信详聊').action)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert out.stdout.strip() in {"hold", "block"}
