"""Segmentation: the index side (jieba + bigrams) always contains what the query side asks for."""

from __future__ import annotations

import pytest

from huzhu.search.segment import highlight_needles, index_terms, query_terms


def terms(query: str) -> list[str]:
    return [t.text for t in query_terms(query)]


def test_two_character_words_are_one_term():
    assert terms("纸巾") == ["纸巾"]
    assert terms("高数") == ["高数"]


def test_longer_chinese_is_cut_into_words_without_jieba():
    assert terms("高数笔记") == ["高数", "笔记"]
    assert terms("买纸巾") == ["买", "纸巾"]
    assert terms("考研英语真题") == ["考研", "英语", "真题"]


def test_unknown_neighbours_stay_together_as_bigrams():
    # 囧囧 is in no dictionary: both characters stay one term, so the cut never splits a name.
    assert terms("囧囧手机") == ["囧囧", "手机"]


def test_mixed_chinese_english_numbers_and_full_width():
    assert terms("iPhone15 手机壳") == ["iphone", "15", "手机", "壳"]
    assert terms("ＩＰＨＯＮＥ１５") == ["iphone", "15"]
    assert terms("3.5元") == ["3", "5", "元"]


def test_single_character_is_exact_and_english_is_a_prefix():
    (term,) = query_terms("药")
    assert term.text == "药" and not term.prefix
    (term,) = query_terms("iph")
    assert term.text == "iph" and term.prefix
    (term,) = query_terms("15")
    assert not term.prefix


def test_punctuation_and_symbols_never_reach_the_query():
    assert terms('"纸巾" OR * NEAR(高数) \'; DROP TABLE') == [
        "纸巾",
        "or",
        "near",
        "高数",
        "drop",
        "table",
    ]
    assert terms("！？。…") == []


@pytest.mark.parametrize(
    ("document", "query"),
    [
        ("维达抽纸巾3层130抽", "纸巾"),
        ("考研高数复习笔记分享", "高数笔记"),
        ("周末去超市买了一大包纸巾", "买纸巾"),
        ("手机壳", "手机壳"),
        ("iPhone15手机壳只要9.9元", "iphone 15"),
        ("苹果 IPHONE 15 PRO", "iPhone15"),
        ("周末带娃去哪儿玩", "带娃"),
    ],
)
def test_every_query_term_is_in_the_index_of_a_matching_document(document, query):
    indexed = set(index_terms(document).split())
    for term in query_terms(query):
        assert term.text in indexed


def test_jieba_words_count_twice_so_real_words_rank_higher():
    word = index_terms("高数笔记").split()
    crossing = index_terms("提高数据质量").split()
    assert word.count("高数") == 2  # bigram + jieba word
    assert crossing.count("高数") == 1  # bigram only: 提高/数据 are the words


def test_highlight_needles_longest_first():
    assert highlight_needles("高数笔记")[0] == "高数笔记"
    assert set(highlight_needles("高数笔记")) == {"高数笔记", "高数", "笔记"}
    assert "iphone" in highlight_needles("iPhone 15")
