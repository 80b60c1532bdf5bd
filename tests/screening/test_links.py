"""Links: extraction with and without scheme, domain classes, cleaning of shopping links."""

from __future__ import annotations

import pytest

from huzhu.screening.links import classify_host, clean_url, scan
from huzhu.screening.normalize import normalize


def links(text: str) -> list[tuple[str, str]]:
    return [(f.category, text[f.start : f.end]) for f in scan(normalize(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "快来拼 https://mobile.yangkeduo.com/goods.html?goods_id=1",
            [("platform", "https://mobile.yangkeduo.com/goods.html?goods_id=1")],
        ),
        ("p.pinduoduo.com/abc", [("platform", "p.pinduoduo.com/abc")]),
        ("打开淘宝 www.taobao.com/item?id=123 看看", [("platform", "www.taobao.com/item?id=123")]),
        ("访问 taobao点com", [("platform", "taobao点com")]),
        ("访问 taobao。com", [("platform", "taobao。com")]),
        ("ｔａｏｂａｏ．ｃｏｍ", [("platform", "ｔａｏｂａｏ．ｃｏｍ")]),
        (
            "https://item.jd.com/100012043978.html",
            [("platform", "https://item.jd.com/100012043978.html")],
        ),
        ("i.meituan.com/x", [("platform", "i.meituan.com/x")]),
        ("点这里 https://t.cn/A6xyz", [("shortener", "https://t.cn/A6xyz")]),
        ("suo.im/abc", [("shortener", "suo.im/abc")]),
        ("0000-qq.cn", [("bad", "0000-qq.cn")]),
        ("http://pinduoduo.com.evil.cn/x", [("lookalike", "http://pinduoduo.com.evil.cn/x")]),
        (
            "https://www.taobao.com@evil.cn/pay",
            [("lookalike", "https://www.taobao.com@evil.cn/pay")],
        ),
        ("www.taobao.com@evil.cn/pay", [("lookalike", "www.taobao.com@evil.cn/pay")]),
        ("http://192.168.1.1:8080/login", [("lookalike", "http://192.168.1.1:8080/login")]),
        ("taobao-refund.com", [("lookalike", "taobao-refund.com")]),
        ("pinduoduoo.com/kefu", [("lookalike", "pinduoduoo.com/kefu")]),
        ("pinduodou.com", [("lookalike", "pinduodou.com")]),
        ("http://xn--pnduoduo-9ya.com", [("lookalike", "http://xn--pnduoduo-9ya.com")]),
        ("jd-kefu.cn 退款", [("lookalike", "jd-kefu.cn")]),
        ("t4obao.com", [("lookalike", "t4obao.com")]),
        ("tao6ao.com", [("lookalike", "tao6ao.com")]),
        ("tаobao.com", [("lookalike", "tаobao.com")]),  # Cyrillic а
        ("example.com/hello", [("other", "example.com/hello")]),
        ("邮箱 zhang@qq.com", []),
        ("版本1.2.3", []),
        ("路由器地址 192.168.1.1 进不去", []),  # an address people talk about, not a link
        ("192.168.1.1:8080", [("lookalike", "192.168.1.1:8080")]),
        ("价格1.5元", []),
        ("今天很开心。明天见", []),
    ],
)
def test_extract_and_classify(text: str, expected: list[tuple[str, str]]) -> None:
    assert links(text) == expected


def test_shopping_link_loses_sharer_parameters() -> None:
    text = (
        "https://mobile.yangkeduo.com/goods.html?goods_id=123456789&share_uin=ABCD"
        "&refer_share_uid=999&refer_share_id=x&_wv=41729&_x_src=abc&page_from=23&spm=a.b"
    )
    finding = scan(normalize(text))[0]
    assert finding.detail["clean"] == "https://mobile.yangkeduo.com/goods.html?goods_id=123456789"
    # nothing that identifies the sharer stays in the finding
    assert "share_uin" not in repr(finding.detail) and "ABCD" not in repr(finding.detail)


def test_clean_keeps_item_parameters() -> None:
    url = "https://item.taobao.com/item.htm?id=123&spm=a1z09&skuId=9&ut_sk=1.abc&sourceType=item"
    assert clean_url(url) == "https://item.taobao.com/item.htm?id=123&skuId=9"


def test_only_shopping_links_are_cleaned() -> None:
    finding = scan(normalize("https://example.com/?share_uin=1"))[0]
    assert "clean" not in finding.detail


@pytest.mark.parametrize(
    ("host", "cls"),
    [
        ("yangkeduo.com", "platform"),
        ("mobile.yangkeduo.com", "platform"),
        ("detail.tmall.com", "platform"),
        ("t.cn", "shortener"),
        ("taobao.com.cn.evil.top", "lookalike"),
        ("jingdong-vip.cn", "lookalike"),
        ("meituan-pay.net", "lookalike"),
        ("qq-kefu.com", "lookalike"),
        ("github.com", "other"),
    ],
)
def test_classify_host(host: str, cls: str) -> None:
    assert classify_host(host)[0] == cls


def test_link_spans_point_into_original_text() -> None:
    text = "加 微 信 看 ｗｗｗ．ｔａｏｂａｏ．ｃｏｍ/x 哦"
    (finding,) = scan(normalize(text))
    assert text[finding.start : finding.end] == "ｗｗｗ．ｔａｏｂａｏ．ｃｏｍ/x"
