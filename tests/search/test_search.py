"""Searching: access limited to the member's groups, snippets, filters, ranking."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from huzhu.groups.services import membership_leave, membership_remove
from huzhu.search.query import search
from tests.factories import join, make_group, make_user
from tests.search.conftest import add_doc


def titles(result):
    return [hit.doc.body for hit in result.hits]


def test_finds_two_character_words_inside_longer_text(group, member):
    add_doc(group, "维达抽纸巾3层130抽，超市一半价")
    add_doc(group, "高数复习笔记，考研必备")
    add_doc(group, "周末带娃去公园")
    assert titles(search(user=member, query="纸巾")) == ["维达抽纸巾3层130抽，超市一半价"]
    assert titles(search(user=member, query="高数")) == ["高数复习笔记，考研必备"]
    assert titles(search(user=member, query="高数笔记")) == ["高数复习笔记，考研必备"]


def test_mixed_chinese_english_and_numbers(group, member):
    add_doc(group, "iPhone15手机壳只要9.9元")
    add_doc(group, "华为手机壳")
    add_doc(group, "iPhone14 贴膜")
    assert titles(search(user=member, query="iphone 15 手机壳")) == ["iPhone15手机壳只要9.9元"]
    assert titles(search(user=member, query="IPHONE15")) == ["iPhone15手机壳只要9.9元"]
    assert len(search(user=member, query="iph").hits) == 2  # English prefix
    assert titles(search(user=member, query="ＩＰＨＯＮＥ１４")) == ["iPhone14 贴膜"]


def test_a_non_member_never_finds_another_groups_content(group, member, outsider):
    add_doc(group, "内部资料：高数真题答案")
    own = make_group(outsider, name="路人的群")
    add_doc(own, "路人的高数笔记")
    result = search(user=outsider, query="高数")
    assert titles(result) == ["路人的高数笔记"]
    assert all("内部资料" not in str(hit.snippet_html) for hit in result.hits)
    # Asking for the other group explicitly changes nothing.
    assert search(user=outsider, query="高数", group_id=group.pk).hits == []
    # Not even through the any-term fallback.
    assert search(user=outsider, query="内部资料 真题 答案", mode="any").hits == []


def test_leaving_or_removal_ends_access_at_once(owner, group, member):
    add_doc(group, "群内的考研资料汇总")
    assert search(user=member, query="考研").hits
    membership_leave(user=member, group=group)
    assert search(user=member, query="考研").hits == []
    other = join(group, make_user()).user
    assert search(user=other, query="考研").hits
    membership_remove(actor=owner, group=group, user_id=other.pk)
    assert search(user=other, query="考研").hits == []


def test_snippets_escape_html_and_mark_matches(group, member):
    add_doc(group, '<script>alert("x")</script> 纸巾 <b>便宜</b>', title="<i>纸巾</i>优惠")
    (hit,) = search(user=member, query="纸巾").hits
    snippet = str(hit.snippet_html)
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet
    assert "<mark>纸巾</mark>" in snippet
    assert "&lt;b&gt;便宜&lt;/b&gt;" in snippet
    assert str(hit.title_html) == "&lt;i&gt;<mark>纸巾</mark>&lt;/i&gt;优惠"


def test_snippet_is_a_window_around_the_first_match(group, member):
    body = "开头的话" * 40 + "这里说的是纸巾的价格" + "结尾的话" * 40
    add_doc(group, body)
    (hit,) = search(user=member, query="纸巾").hits
    snippet = str(hit.snippet_html)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>纸巾</mark>" in snippet
    assert len(snippet) < 140


def test_filters_by_kind_group_and_date(group, member, owner):
    second = make_group(owner, name="考研学习互助群")
    join(second, member)
    add_doc(group, "纸巾优惠", kind="resource", subkind="deal")
    add_doc(group, "哪里买纸巾便宜？", kind="aid_request", subkind="question")
    add_doc(group, "纸巾拼团差一人", kind="aid_request", subkind="groupbuy")
    add_doc(group, "我昨天买的纸巾不错", kind="chat_message", subkind="message", days_old=40)
    add_doc(second, "纸巾团购", kind="resource", subkind="deal")
    assert len(search(user=member, query="纸巾").hits) == 5
    assert set(titles(search(user=member, query="纸巾", kinds=["deal"]))) == {
        "纸巾优惠",
        "纸巾团购",
    }
    assert titles(search(user=member, query="纸巾", kinds=["question"])) == ["哪里买纸巾便宜？"]
    assert titles(search(user=member, query="纸巾", kinds=["groupbuy"])) == ["纸巾拼团差一人"]
    assert titles(search(user=member, query="纸巾", kinds=["message"])) == ["我昨天买的纸巾不错"]
    assert titles(search(user=member, query="纸巾", group_id=second.pk)) == ["纸巾团购"]
    recent = search(user=member, query="纸巾", since=timezone.now() - timedelta(days=30))
    assert "我昨天买的纸巾不错" not in titles(recent)
    old = search(user=member, query="纸巾", until=timezone.now() - timedelta(days=30))
    assert titles(old) == ["我昨天买的纸巾不错"]


def test_ranking_prefers_relevance_then_recency_and_helpfulness(group, member):
    add_doc(group, "纸巾", days_old=1)
    add_doc(group, "今天超市里纸巾和洗衣液都在打折，还有很多别的东西也打折", days_old=1)
    hits = titles(search(user=member, query="纸巾"))
    assert hits[0] == "纸巾"
    old = add_doc(group, "考研英语作文模板", days_old=300)
    new = add_doc(group, "考研英语作文模板", days_old=2)
    result = search(user=member, query="考研英语")
    assert [h.doc.object_id for h in result.hits] == [new, old]
    plain = add_doc(group, "租房合同注意事项", days_old=5)
    helpful = add_doc(group, "租房合同注意事项", days_old=5, helpfulness=8)
    result = search(user=member, query="租房合同")
    assert [h.doc.object_id for h in result.hits] == [helpful, plain]


def test_word_matches_rank_above_boundary_crossing_matches(group, member):
    add_doc(group, "提高数据质量的方法")  # 高数 only across 提高|数据
    add_doc(group, "高数期末复习方法")
    assert titles(search(user=member, query="高数"))[0] == "高数期末复习方法"


def test_all_terms_first_then_relaxed_to_any(group, member):
    add_doc(group, "高数笔记")
    add_doc(group, "英语笔记")
    result = search(user=member, query="高数 笔记")
    assert titles(result) == ["高数笔记"] and not result.relaxed
    result = search(user=member, query="高数 线代")
    assert titles(result) == ["高数笔记"] and result.relaxed


def test_queries_with_operators_or_quotes_are_plain_text(group, member):
    add_doc(group, "纸巾 OR 抽纸")
    for query in ['"纸巾', "纸巾 OR", "NEAR(纸巾)", "纸巾*", "'); DROP TABLE x; --", "：", ""]:
        search(user=member, query=query)  # never a syntax error
    assert search(user=member, query="！？").hits == []


def test_exclude_leaves_out_the_object_itself(group, member):
    oid = add_doc(group, "纸巾优惠")
    add_doc(group, "纸巾团购")
    result = search(user=member, query="纸巾", exclude=("resource", oid))
    assert titles(result) == ["纸巾团购"]


def test_common_words_rank_recent_matches_and_rare_words_still_find_old_ones(
    group, member, monkeypatch
):
    """Recent periods first: a very common word ranks its recent matches (bounded work); a word
    with few recent matches is searched over all time, so an old answer is still found."""
    from huzhu.search import query

    monkeypatch.setattr(query, "CANDIDATES", 3)
    old = add_doc(group, "纸巾囤货攻略：纸巾纸巾怎么选最划算", days_old=400)
    recent = {add_doc(group, f"纸巾特价第{i}波", days_old=i) for i in range(3)}
    found = search(user=member, query="纸巾")
    assert {hit.doc.object_id for hit in found.hits} == recent
    assert old not in {hit.doc.object_id for hit in found.hits}
    # Fewer than CANDIDATES recent matches: the whole history is searched.
    answer = add_doc(group, "考研英语真题答案在群文件里", days_old=700)
    assert [hit.doc.object_id for hit in search(user=member, query="考研英语").hits] == [answer]
    # Explicit dates search exactly the range asked for.
    now = timezone.now()
    in_range = search(
        user=member, query="纸巾", since=now - timedelta(days=500), until=now - timedelta(days=100)
    )
    assert [hit.doc.object_id for hit in in_range.hits] == [old]


def test_period_tokens_are_not_searchable_words(group, member):
    from huzhu.search.query import period_of

    add_doc(group, "周末一起爬山", days_old=0)
    token = str(period_of(timezone.now()))
    for text in (f"群{group.pk}期{token}", f"g{group.pk}t{token}", f"群{group.pk}", f"g{group.pk}"):
        assert search(user=member, query=text).hits == []


def test_recent_periods_match_chinese_english_prefixes_and_numbers(group, member):
    """The recent-first scan (FTS5 scope tokens, PostgreSQL expression index) finds what the
    all-time scan finds, limited to recent documents."""
    from huzhu.search import query
    from huzhu.search.models import SearchDoc
    from huzhu.search.segment import query_terms

    recent = add_doc(group, "iPhone15手机壳9.9元包邮", days_old=2)
    add_doc(group, "iPhone15手机壳19元", days_old=300)

    def window(text, mode="all"):
        found = query._candidates(
            user=member,
            group_ids=[group.pk],
            terms=query_terms(text),
            mode=mode,
            kinds=[],
            group_id=None,
            since=None,
            until=None,
            exclude=None,
            periods=query.recent_periods(),
        )
        return [SearchDoc.objects.get(pk=c.doc_id).object_id for c in found]

    for text in ("手机壳", "iph", "iphone 15", "9.9", "包邮 火锅"):
        mode = "any" if " 火锅" in text else "all"
        assert window(text, mode) == [recent], text


def test_relaxed_search_shows_most_terms_matches_first(group, member, monkeypatch):
    """No document has every term: documents with all terms but one are shown when there are
    enough of them; otherwise any-term matches."""
    from huzhu.search import query

    add_doc(group, "考研 高数 真题")
    add_doc(group, "高数课本转让")
    monkeypatch.setattr(query, "MOST_ENOUGH", 1)
    result = search(user=member, query="考研 高数 笔记")
    assert titles(result) == ["考研 高数 真题"] and result.relaxed
    monkeypatch.setattr(query, "MOST_ENOUGH", 2)
    result = search(user=member, query="考研 高数 笔记")
    assert titles(result) == ["考研 高数 真题", "高数课本转让"] and result.relaxed
