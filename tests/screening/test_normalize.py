"""Normalization: evasions fold to one canonical form and spans map back to the original."""

from __future__ import annotations

import unicodedata

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huzhu.screening.normalize import CN_DIGITS, DATA_DIR, digits_view, normalize


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("今天拼多多有活动吗，大家帮我砍一刀", "今天拼多多有活动吗，大家帮我砍一刀"),
        ("ＡＢＣ．ｃｏｍ", "abc.com"),
        ("WWW.TaoBao.COM", "www.taobao.com"),
        ("電話號碼", "电话号码"),
        ("①③⑧１２３４５６７８", "13812345678"),
        ("𝟏𝟑𝟖", "138"),
        ("¹³⁸", "138"),
        ("❶❸❽", "138"),
        ("一三八幺二三四五六七八", "13812345678"),
        ("壹叁捌壹贰叁肆伍陆柒捌", "13812345678"),
        ("一三八 1234 五六七八", "13812345678"),
        ("幺三八〇〇〇〇零零零零", "13800000000"),
        ("加 微 信", "加微信"),
        ("刷*单.返_利", "刷单返利"),
        ("兼☆职★日★结", "兼职日结"),
        ("刷\u200b单\u200d返\ufeff利", "刷单返利"),
        ("刷\u0301单", "刷单"),
        ("138OO12345678", "1380012345678"),
        ("1l2", "112"),
        ("hello world", "hello world"),
        ("cool 2 go", "cool 2 go"),
        ("138 1234 5678", "138 1234 5678"),
    ],
)
def test_normalize_folds_evasions(original: str, expected: str) -> None:
    assert normalize(original).text == expected


@pytest.mark.parametrize(
    "text",
    ["一个人", "三七开", "两三天", "一一对应", "我们一起拼"],
)
def test_short_numeral_words_stay_words(text: str) -> None:
    assert normalize(text).text == text


def test_mars_script_folds_to_common_characters() -> None:
    # 幇/刅/娿 are the 火星文 forms of 帮/办/啊 (none of them a common character itself).
    assert normalize("幇忙刅事娿").text == "帮忙办事啊"


@pytest.mark.parametrize(
    "original",
    [
        "加 微 信：壹叁捌 一二三四 5678",
        "电\u200b话⑩⑪ ㈠ ℡ 138",
        "ＱＱ：１２３４５６７８９",
        "刷*单 返.利 找我",
    ],
)
def test_spans_map_back_to_the_source_characters(original: str) -> None:
    norm = normalize(original)
    for i, ch in enumerate(norm.text):
        start, end = norm.to_original(i, i + 1)
        assert 0 <= start < end <= len(original)
        source = original[start:end]
        folded = normalize(source).text
        assert ch in folded or CN_DIGITS.get(source) == ch


def test_digit_span_maps_to_the_whole_original_number() -> None:
    original = "电话：一三八 1234 五六七八，谢谢"
    norm = normalize(original)
    start = norm.text.index("138")
    s, e = norm.to_original(start, start + 11)
    assert original[s:e] == "一三八 1234 五六七八"


def test_identity_fast_path_has_no_map() -> None:
    norm = normalize("大家帮我砍一刀")
    assert norm.is_identity
    assert norm.to_original(2, 4) == (2, 4)


def test_digits_view_keeps_separate_numbers_apart() -> None:
    text = "电话 138 1234 5678 和 13812345678 13912345678"
    norm = normalize(text)
    runs = digits_view(norm)
    assert [r.digits for r in runs] == ["13812345678", "1381234567813912345678"]
    assert len(runs[0].groups) == 3
    # the second run keeps its two groups, so PII can split it into two numbers
    spans = [norm.to_original(s, e) for s, e in runs[1].groups]
    assert [text[s:e] for s, e in spans] == ["13812345678", "13912345678"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_normalizes_with_valid_offsets(text: str) -> None:
    norm = normalize(text)
    n = len(norm.text)
    for start in range(0, n, max(1, n // 7)):
        for end in (start, min(n, start + 1), n):
            s, e = norm.to_original(start, end)
            assert 0 <= s <= e <= len(text)


def _mars_pairs() -> list[tuple[str, str]]:
    path = DATA_DIR / "abuse" / "简体-火星文词典.txt"
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2:
            plain, mars = parts[0].strip(), parts[1].strip()
            if len(plain) == 1 and len(mars) == 1 and plain != mars:
                pairs.append((plain, mars))
    return pairs


MARS = _mars_pairs()
MARS_OF = {plain: mars for plain, mars in MARS if normalize(mars).text == plain}


def test_most_mars_script_characters_fold_back() -> None:
    recovered = sum(normalize(mars).text == plain for plain, mars in MARS)
    # the rest are common characters in their own right (婀, 呃 …) and must stay as written
    assert recovered / len(MARS) >= 0.5


@pytest.mark.parametrize(
    "phrase", ["刷单返利", "兼职日结", "加微信", "无抵押贷款", "中奖领奖", "代开发票", "信用卡套现"]
)
def test_phrases_written_in_mars_script_fold_back(phrase: str) -> None:
    disguised = "".join(MARS_OF.get(ch, ch) for ch in phrase)
    assert disguised != phrase  # the table really disguises it
    assert normalize(disguised).text == phrase


@pytest.mark.parametrize("phrase", ["刷单返利", "兼职日结", "加微信好友"])
def test_junk_symbols_from_the_shared_table_are_removed_between_characters(phrase: str) -> None:
    path = DATA_DIR / "abuse" / "无意义符号.txt"
    symbols = [
        s.strip() for s in path.read_text(encoding="utf-8").splitlines() if len(s.strip()) == 1
    ]
    failures = [s for s in symbols if normalize(s.join(phrase)).text != phrase]
    # currency signs stay on purpose (they mark prices); nothing else may survive
    assert all(unicodedata.category(s) == "Sc" or s in "@＠" for s in failures), failures


def test_common_characters_are_never_rewritten() -> None:
    # The left column of the shared similar-shape table is the 6,763 common (GB 2312) characters:
    # folding look-alikes must never turn one common character into another (t2s aside).
    path = DATA_DIR / "abuse" / "形近字语料库.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    common = [line.split()[0] for line in lines if line.strip()]
    assert len(common) > 6000
    t2s = opencc.OpenCC("t2s")
    changed = [ch for ch in common if normalize(ch).text not in (ch, t2s.convert(ch))]
    assert changed == []


def test_similar_shape_neighbours_stay_distinct() -> None:
    # 形近字 pairs are different words (人/入, 己/已): normalization keeps them apart.
    path = DATA_DIR / "abuse" / "形近字语料库.txt"
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2:
            pairs.extend((parts[0], other) for other in parts[1])
    t2s = opencc.OpenCC("t2s")
    merged = [
        (a, b)
        for a, b in pairs
        if normalize(a).text == normalize(b).text and t2s.convert(a) != t2s.convert(b)
    ]
    assert merged == []
