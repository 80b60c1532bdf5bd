"""``screen_many`` gives exactly the verdicts of ``screen``, text by text.

The batch path scores the classifier with numpy lookups instead of automaton matches, scans the
word lists once per batch and skips stages by character hints; none of that may change a verdict,
a finding, a score or an offset. Hypothesis compares both paths on random and evasive texts, and the
whole dev set goes through both.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from huzhu.screening import (
    RecentWindow,
    ScreenContext,
    classify,
    hints,
    links,
    pii,
    screen,
    screen_many,
)
from huzhu.screening.engine import BATCH
from huzhu.screening.normalize import normalize, normalize_hinted, normalize_many

DEVSET = Path(__file__).resolve().parent / "data" / "devset.jsonl"

_ALPHABET = (
    "加微信刷单兼职日赚贷款中奖扣扣谢谢大家帮忙今天一二三四五六七八九零幺两壹贰叁貳兩陸"
    "請問這個優惠券還能用嗎ＡＢＣｖｘ１２３号栋幢艾特圈座路省市区京沪粤"
    "0123456789abcolvxwqAZ@.:/ *_-|~☆★·•。，！？点()[]+➕ \u200b\u0301㉑⑩＊\U0001f600\U0001d7cf\x00"
)
_TEXT = st.text(alphabet=_ALPHABET, max_size=80) | st.text(max_size=40)
_SAMPLES = [
    "兼职刷单日赚五百，加微信详聊",
    "我的手机一三八 1234 五六七八，身份证 11010519491231002X",
    "拼多多 https://mobile.yangkeduo.com/goods.html?goods_id=123456789&share_uin=AB 帮砍一刀",
    "訂單號123456789012345678，價格¥199",
    "加 微 信 vx: abc_12345",
    "",
    "谢谢大家",
]
_TEXTS = st.lists(_TEXT | st.sampled_from(_SAMPLES), max_size=12)


def _many_equals_one_by_one(texts: list[str], **context: object) -> None:
    one = [screen(t, context=ScreenContext(**context)) for t in texts]  # type: ignore[arg-type]
    many = screen_many(texts, context=ScreenContext(**context))  # type: ignore[arg-type]
    assert many == one


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_screen_many_equals_screen(texts: list[str]) -> None:
    _many_equals_one_by_one(texts)


@settings(max_examples=100, deadline=None)
@given(_TEXTS, st.sampled_from([frozenset({"pii", "links"}), frozenset({"classify"}), frozenset()]))
def test_screen_many_equals_screen_with_stages_and_group_words(
    texts: list[str], stages: frozenset[str]
) -> None:
    _many_equals_one_by_one(texts, stages=stages)
    _many_equals_one_by_one(texts, extra_words={"砍一刀": "ads", "谢谢": "abuse"})


@settings(max_examples=60, deadline=None)
@given(_TEXTS)
def test_screen_many_feeds_the_duplicate_window_in_order(texts: list[str]) -> None:
    texts = texts + texts  # repeats: duplicates and floods fire
    one_window, many_window = RecentWindow(), RecentWindow()
    one = [
        screen(t, context=ScreenContext(window=one_window, author_id=7, now=100.0)) for t in texts
    ]
    many = screen_many(texts, context=ScreenContext(window=many_window, author_id=7, now=100.0))
    assert many == one


@settings(max_examples=400, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=6))
def test_hints_never_hide_what_a_gate_would_find(texts: list[str]) -> None:
    flags = hints.char_flags(texts)
    for text, f in zip(texts, flags, strict=True):
        plain, hinted = normalize(text), normalize_hinted(text, f)
        assert hinted.text == plain.text
        assert hinted.numeral_spans == plain.numeral_spans
        n = len(plain.text)
        for span in ((0, n), (0, n // 2), (n // 3, n), (n // 2, n // 2 + 1)):
            assert hinted.to_original(*span) == plain.to_original(*span)
        norm_text = plain.text
        (g,) = hints.char_flags([norm_text])
        if not g & hints.PII:
            assert pii._GATE_RE.search(norm_text) is None
        if not g & hints.LINK:
            assert not links._may_hold_link(norm_text)
        if not g & hints.DIGIT:
            assert not any(c in "0123456789" for c in norm_text)
        if not g & hints.LETTER:
            assert pii._PLATE_GATE_RE.search(norm_text) is None


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        _TEXT | st.sampled_from(_SAMPLES) | st.sampled_from(["微", "v", "：人民路五座", ":"]),
        min_size=1,
        max_size=8,
    )
)
def test_pii_scan_many_is_scan_text_by_text(texts: list[str]) -> None:
    """One gate search over the joined texts (a match reaching over the separator, as in "微" then
    "：…", does not count) gives the findings of ``scan`` text by text."""
    norms = [normalize(t) for t in texts]
    flags = hints.char_flags([n.text for n in norms])
    many = pii.scan_many(
        norms,
        [bool(f & hints.PII) for f in flags],
        [bool(f & hints.DIGIT) for f in flags],
        [bool(f & hints.LETTER) for f in flags],
    )
    assert many == [pii.scan(n) for n in norms]


@settings(max_examples=400, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=8))
def test_normalize_many_is_normalize_text_by_text(texts: list[str]) -> None:
    """One separator pass over the joined batch: same texts, numeral spans and offset maps."""
    for text, many in zip(texts, normalize_many(texts, hints.char_flags(texts)), strict=True):
        plain = normalize(text)
        assert (many.text, many.numeral_spans) == (plain.text, plain.numeral_spans)
        assert many.is_identity == plain.is_identity
        # The character-by-character map (what the segment map of a regular text replaces).
        listed = normalize(text)
        listed._build_map()
        starts, ends = listed._starts, listed._ends
        assert starts is not None and ends is not None
        n = len(plain.text)
        for start in range(n + 1):
            for end in (start, start + 1, (start + n) // 2, n, n + 2):
                s, e = min(start, n), max(min(start, n), min(end, n))
                if s >= n:
                    expected = (len(text), len(text))
                else:
                    expected = (starts[s], ends[e - 1] if e > s else starts[s])
                assert many.to_original(start, end) == expected
                assert plain.to_original(start, end) == expected


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet="一二三四五六七八九零幺壹貳兩陸 *·-＊㉑⑩0123456789加微信好\u0301\u200b",
            max_size=30,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_numeral_run_hint_on_dense_numerals_and_separators(texts: list[str]) -> None:
    for text, f in zip(texts, hints.char_flags(texts), strict=True):
        plain, hinted = normalize(text), normalize_hinted(text, f)
        assert (hinted.text, hinted.numeral_spans) == (plain.text, plain.numeral_spans)


def test_gate_first_chars_cover_every_gate_alternative() -> None:
    for alternative in pii._GATE_RE.pattern.split("|"):
        first = alternative[1] if alternative.startswith("\\") else alternative[0]
        assert first in pii.GATE_FIRST_CHARS, alternative


def test_batch_classifier_sums_long_texts_exactly() -> None:
    # Texts longer than one numpy chunk (and than one automaton chunk) next to short ones.
    base = "兼职刷单日赚五百加微信详聊，你这个垃圾滚，今天团购的水果到了记得拿。"
    texts = [base * k for k in (0, 1, 7, 13, 40)] + ["谢谢"] * 3
    norms = [normalize(t) for t in texts]
    many = classify.findings_many(norms, [n.text for n in norms])
    assert [list(found) for found in many] == [classify.findings(n) for n in norms]
    assert any(many)
    sums = classify._dense_tables().sums([n.text for n in norms])
    model = classify._default_model()
    for n, row in zip(norms, sums.tolist(), strict=True):
        if n.text:
            expected = model.raw_scores(n.text)
            got = tuple(b + s / model.scale for b, s in zip(model.bias, row, strict=True))
            assert got == expected


def test_whole_dev_set_gives_the_same_verdicts() -> None:
    texts = [json.loads(line)["text"] for line in DEVSET.read_text(encoding="utf-8").splitlines()]
    assert len(texts) > 2 * BATCH  # several batches
    assert screen_many(texts) == [screen(t) for t in texts]


def test_screen_many_rejects_what_screen_rejects() -> None:
    import pytest

    with pytest.raises(TypeError):
        screen_many(["ok", 3])  # type: ignore[list-item]
    assert screen_many([]) == []


def test_lone_surrogates_are_screened_with_offsets_into_the_original():
    text = "\udc00加我 13812345678 \ud800"
    one = screen(text)
    assert [v.text for v in screen_many([text, "你好"])] == [one.text, "你好"]
    assert one.action == "redact"
    phone = next(f for f in one.findings if f.category == "phone")
    assert text[phone.start : phone.end] == "13812345678"
