"""Share-text parsing: real-shaped texts from Pinduoduo, Taobao, Tmall, JD and Meituan."""

from __future__ import annotations

from decimal import Decimal

import pytest

from huzhu.aid.share_text import share_text_parse
from tests.aid.conftest import pdd_share


def test_pinduoduo_share_text():
    parsed = share_text_parse(pdd_share())
    assert parsed.platform == "pinduoduo"
    assert parsed.goods_id == "123456789"
    assert parsed.title == "维达抽纸 3层130抽*24包"
    assert parsed.price == Decimal("29.9")
    assert parsed.kind == "groupbuy"
    assert parsed.clean_link == "https://mobile.yangkeduo.com/goods.html?goods_id=123456789"


def test_short_link_in_chatter_keeps_its_case():
    parsed = share_text_parse("姐妹们帮我砍一刀 还差3刀 p.pinduoduo.com/AbCdEf 谢谢啦")
    assert parsed.clean_link == "https://p.pinduoduo.com/AbCdEf"
    assert parsed.is_short_link and parsed.kind == "boost" and parsed.needed == 3


@pytest.mark.parametrize(
    ("text", "platform", "goods_id", "title", "price"),
    [
        (
            "【淘宝】https://m.tb.cn/h.5xYzAbc?tk=AbCd1234 CZ0001 「优衣库 男装 圆领T恤」"
            "点击链接直接打开 或者 淘宝搜索直接打开",
            "taobao",
            "",
            "优衣库 男装 圆领T恤",
            None,
        ),
        (
            "天猫 https://detail.tmall.com/item.htm?id=6543210&spm=a1z10&ali_trackid=x 三只松鼠坚果 券后价39.9",
            "tmall",
            "6543210",
            "三只松鼠坚果",
            Decimal("39.9"),
        ),
        (
            "【京东】https://item.jd.com/100012345678.html 「Apple iPhone 15 128G」¥5999 2人团",
            "jd",
            "100012345678",
            "Apple iPhone 15 128G",
            Decimal("5999"),
        ),
        (
            "【美团】「海底捞 4人套餐」到手价268 https://i.meituan.com/deal/778899.html?utm_source=share",
            "meituan",
            "778899",
            "海底捞 4人套餐",
            Decimal("268"),
        ),
    ],
)
def test_other_platforms(text, platform, goods_id, title, price):
    parsed = share_text_parse(text)
    assert (parsed.platform, parsed.goods_id, parsed.title, parsed.price) == (
        platform,
        goods_id,
        title,
        price,
    )
    assert "tk=" not in parsed.clean_link and "spm" not in parsed.clean_link
    assert "utm_source" not in parsed.clean_link and "ali_trackid" not in parsed.clean_link


def test_taokouling_is_not_a_price():
    parsed = share_text_parse("￥AbCd1234Xy￥ https://m.tb.cn/h.abc 「小米手环8」")
    assert parsed.price is None


def test_group_size_from_missing_people():
    assert share_text_parse("还差1人成团 " + pdd_share()).size == 2
    assert share_text_parse("3人团 " + pdd_share()).size == 3


@pytest.mark.parametrize(
    ("text", "link_class"),
    [
        ("拼团 https://evil-yangkeduo.com.cn/goods.html?goods_id=1", "lookalike"),
        ("https://yangkeduo.com.evil.cn/goods.html", "lookalike"),
        ("快来 https://www.example.com/goods?id=1", "other"),
    ],
)
def test_non_shopping_links_have_no_clean_link(text, link_class):
    parsed = share_text_parse(text)
    assert parsed.link_class == link_class
    assert parsed.clean_link == "" and parsed.platform == "other" and not parsed.is_shopping
