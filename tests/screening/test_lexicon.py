"""Word-list stage: per-category hits, allow-list, evasions, per-group words, normal chatter."""

from __future__ import annotations

from pathlib import Path

import pytest

from huzhu.screening import lexicon
from huzhu.screening.normalize import normalize
from huzhu.screening.types import Severity

DATA = Path(lexicon.__file__).resolve().parent / "data"


def _scan(text: str, **kwargs):
    return lexicon.scan(normalize(text), **kwargs)


def _cats(text: str) -> set[str]:
    return {f.category for f in _scan(text)}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("招聘宝妈兼职，刷单返利，一单一结", "scam"),
        ("无抵押贷款，黑户可贷，当天放款", "scam"),
        ("恭喜您中奖了！请先缴纳公证费领取奖品", "scam"),
        ("您好我是淘宝退款专员，您的商品质量问题可以双倍赔偿", "scam"),
        ("信用卡套现 花呗提现 秒到", "scam"),
        ("招收跑分，出租收款码日赚三百", "scam"),
        ("专业办证刻章，各类证件", "ads"),
        ("代开发票，增值税普票专票都有", "ads"),
        ("英语四六级答案，考前提供，包过", "ads"),
        ("香港六合彩特码，稳赢", "gambling"),
        ("真人荷官在线百家乐，首充送彩金", "gambling"),
        ("寂寞了吗，视频裸聊看我主页", "porn"),
        ("出售冰毒麻古，量大从优", "drugs"),
        ("出售仿真枪钢珠枪，可以邮寄", "weapons"),
        ("你是傻逼吗", "abuse"),
        ("nmsl，赶紧滚蛋", "abuse"),
    ],
)
def test_category_hits(text: str, category: str) -> None:
    assert category in _cats(text)


def test_finding_points_at_the_original_text() -> None:
    text = "大家好，刷 單 返 利了解一下"
    (finding,) = [f for f in _scan(text) if f.category == "scam"]
    assert finding.kind == "lexicon"
    assert text[finding.start : finding.end] == "刷 單 返 利"
    assert finding.severity == Severity.CRITICAL
    assert finding.rule == "lexicon.scam:刷单返利"


def test_longest_match_wins_within_a_category() -> None:
    findings = _scan("刷单返利")
    assert [f.rule for f in findings] == ["lexicon.scam:刷单返利"]


@pytest.mark.parametrize(
    "text",
    [
        "刷 单 返 利",  # inserted spaces
        "刷.单.返.利",  # inserted junk
        "刷\u200b单\u200b返\u200b利",  # zero-width characters
        "刷單返利",  # traditional
        "ＳＢ一个",  # full-width Latin
    ],
)
def test_evasions_are_folded(text: str) -> None:
    assert _cats(text) & {"scam", "abuse"}


def _mars_variants(term: str) -> list[str]:
    """Variants of ``term`` with one character replaced by a 火星文 look-alike that normalize folds."""
    table: dict[str, list[str]] = {}
    path = DATA / "abuse" / "简体-火星文词典.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        plain, _, mars = line.partition("\t")
        plain, mars = plain.strip(), mars.strip()
        if len(plain) == 1 and len(mars) == 1 and mars != plain:
            table.setdefault(plain, []).append(mars)
    variants = []
    for i, ch in enumerate(term):
        for mars in table.get(ch, []):
            variant = term[:i] + mars + term[i + 1 :]
            if normalize(variant).text == term:
                variants.append(variant)
    return variants


@pytest.mark.parametrize(("term", "category"), [("无抵押贷款", "scam"), ("代开发票", "ads")])
def test_look_alike_characters_from_the_shared_table(term: str, category: str) -> None:
    variants = _mars_variants(term)
    assert variants, "the 火星文 table folds at least one character of the term"
    for variant in variants:
        assert category in _cats(f"专业{variant}，联系我"), variant


@pytest.mark.parametrize("text", ["你个沙逼", "丢你老目", "你码死了", "煞逼一个"])
def test_sound_alike_insults_are_listed(text: str) -> None:
    assert "abuse" in _cats(text)


@pytest.mark.parametrize("text", ["见货付款", "这一件货挺好", "对比样品的颜色"])
def test_sound_alike_variants_skip_ordinary_sequences(text: str) -> None:
    assert "abuse" not in _cats(text)


@pytest.mark.parametrize(
    "text",
    [
        "最近在喝蛋白粉，效果还行",  # 白粉 inside 蛋白粉
        "这条裙子是白粉色的",
        "买了个usb小风扇",  # sb inside usb
        "今天拼多多砍一刀的链接发群里了，大家帮忙点一下谢谢",
        "天猫超市送货上门服务很方便",
        "冬天溜冰鞋打折了",
        "晚上吃炒菠菜和大麻花",
    ],
)
def test_allow_list_and_word_boundaries_cut_false_positives(text: str) -> None:
    serious = [f for f in _scan(text) if f.severity >= Severity.MEDIUM]
    assert serious == []


NORMAL_CHATTER = [
    "【拼多多】我在拼这个电饭煲，还差1人成团，快来和我一起拼吧",
    "帮我砍一刀呗，就差一点了，谢谢大家",
    "有没有人知道高数第三章的习题答案在哪里看？",
    "周末一起去图书馆复习英语四级吗",
    "今天面试被问到了Redis的持久化，有点懵",
    "小区门口的菜市场菠菜两块钱一斤",
    "这家店的衣服质量不错，物流也快，好评",
    "京东买的洗衣机到了，师傅明天上门安装",
    "谁有美团外卖的满减券，分享一下",
    "孩子发烧了，附近哪家医院儿科晚上开门？",
]


@pytest.mark.parametrize("text", NORMAL_CHATTER)
def test_normal_chatter_has_no_serious_hit(text: str) -> None:
    assert [f for f in _scan(text) if f.severity >= Severity.MEDIUM] == []


def test_shipped_lists_fire_rarely_on_held_out_style_shopping_reviews() -> None:
    # Written for this test, in the style of the Taobao reviews the lists were measured on.
    reviews = [
        "宝贝收到了，跟描述一致，卖家发货很快",
        "质量一般般，客服态度还可以，给个中评",
        "第二次回购了，包装很严实，孩子很喜欢",
        "鞋子有点偏大，建议拍小一码",
        "用了一个星期，感觉皮肤没那么干了",
    ]
    assert all(not _scan(r) for r in reviews)


def test_per_group_words_use_their_own_cached_automaton() -> None:
    words = {"团长跑路": "scam", "拼单群": "ads"}
    findings = _scan("听说团长跑路了", extra_words=words)
    (finding,) = findings
    assert finding.category == "scam"
    assert finding.rule == "lexicon.group.scam:团长跑路"
    assert finding.severity == Severity.HIGH
    # same mapping → same automaton (built once)
    key = tuple(sorted(words.items()))
    assert lexicon._extra_automaton(key) is lexicon._extra_automaton(key)
    assert _scan("听说团长跑路了") == []


def test_every_category_has_a_shipped_list_with_its_licences() -> None:
    for category in lexicon.CATEGORIES:
        assert len(lexicon.terms(category)) >= 20, category
    assert (DATA / "lexicon" / "LICENSE.konsheng").exists()
    assert (DATA / "lexicon" / "LICENSE.houbb").exists()


def test_empty_and_odd_input() -> None:
    assert _scan("") == []
    assert _scan("\x00\ud7ff🙂") == []


@pytest.mark.parametrize(
    "text",
    [
        "千万别信刷单返利，都是骗局，我同事被骗了三千",
        "提醒大家：刷单返利就是诈骗，谨防上当",
    ],
)
def test_a_warning_that_names_a_scam_is_held_for_a_moderator_not_refused(text: str) -> None:
    from huzhu.screening import screen, screen_many

    words = lexicon.scan(normalize(text))
    assert any(w.detail.get("warning") and w.severity is Severity.HIGH for w in words)
    assert screen(text).action == "hold"
    assert [v.action for v in screen_many([text])] == ["hold"]


def test_the_scam_itself_is_still_refused_and_a_cue_never_lets_it_through() -> None:
    from huzhu.screening import screen

    offer = "招人做刷单返利，日结三百"
    assert screen(offer).action == "block"
    assert all(not w.detail.get("warning") for w in lexicon.scan(normalize(offer)))
    # The cue lowers the word to "held", never to "allowed", and other evidence still counts.
    disguised = "谨防诈骗！正规刷单返利，日结三百，加微信 zhang_1990 领任务"
    assert screen(disguised).action in ("hold", "block")
    assert screen("别信谣言，刷单返利平台 http://192.168.1.10/task 注册").action == "block"
