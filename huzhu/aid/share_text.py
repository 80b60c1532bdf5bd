"""Understanding pasted shopping share texts (分享口令): platform, goods id, title, price, kind.

Members paste whatever the shopping app put on their clipboard, e.g.

    【拼多多】我在拼多多发现了一个好东西，快来和我一起拼吧！【29.9元】维达抽纸 3层130抽*24包
    https://mobile.yangkeduo.com/goods.html?goods_id=123456789&share_uin=ABC&refer_share_uid=42

or a short link (``p.pinduoduo.com/AbCd``, ``m.tb.cn/h.xyz``, ``3.cn/…``) in the middle of chatter.
This module reads the shop-specific parts (goods id, title, price, group size). Finding the links,
judging their domains and stripping sharer and tracking parameters is the screening engine's link
stage (``huzhu.screening.links``), used here. Pure Python, no Django, no network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl, urlsplit

from huzhu.screening.links import SHOPPING_BRANDS, clean_url, extract
from huzhu.screening.normalize import normalize

# Host suffix → platform, to tell Taobao from Tmall and name the platform on the card; whether a
# host is an official shopping domain at all is decided by the engine's link stage.
PLATFORM_HOSTS: dict[str, str] = {
    "yangkeduo.com": "pinduoduo",
    "pinduoduo.com": "pinduoduo",
    "tmall.com": "tmall",
    "taobao.com": "taobao",
    "tb.cn": "taobao",
    "jd.com": "jd",
    "3.cn": "jd",
    "meituan.com": "meituan",
    "dianping.com": "meituan",
}
BRAND_PLATFORM = {"pinduoduo": "pinduoduo", "alibaba": "taobao", "jd": "jd", "meituan": "meituan"}
SHORT_HOSTS = {"p.pinduoduo.com", "m.tb.cn", "3.cn", "u.jd.com"}

_URL_RE = re.compile(r"(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,6}(?:/\S*)?", re.IGNORECASE)
_PRICE_RES = [
    re.compile(r"【\s*(?:[¥￥])?\s*(\d{1,6}(?:\.\d{1,2})?)\s*元?\s*】"),
    re.compile(
        r"(?:拼团价|券后价?|到手价?|现价|价格|仅需|只要)\s*[:：]?\s*[¥￥]?\s*(\d{1,6}(?:\.\d{1,2})?)"
    ),
    re.compile(r"[¥￥]\s*(\d{1,6}(?:\.\d{1,2})?)(?![0-9A-Za-z])"),
    re.compile(r"(\d{1,6}(?:\.\d{1,2})?)\s*元"),
]
# 淘口令 such as ￥AbCd1234￥ look like prices to a naive reader.
_TAOKOULING_RE = re.compile(r"[¥￥$€(（][A-Za-z0-9]{8,14}[¥￥$€)）]")
_BRACKET_RE = re.compile(r"【([^】]{1,80})】")
_CORNER_RE = re.compile(r"[「『]([^」』]{2,100})[」』]")
_PLATFORM_MARKERS = {"拼多多", "淘宝", "手机淘宝", "天猫", "京东", "美团", "大众点评"}
_BOOST_WORDS = ("砍一刀", "砍价", "帮我砍", "助力", "帮我点", "点一下", "免费拿", "帮砍")
_GROUPBUY_WORDS = ("拼团", "一起拼", "参团", "成团", "拼单", "来拼", "人团")
_BOILERPLATE = re.compile(
    r"我在(?:拼多多|淘宝|京东|美团)发现了一个好东西[，,！!]?|快来和我一起拼吧?[！!]?"
    r"|帮我砍一刀[吧！!]*|点击链接直接打开|或者?\s*淘宝搜索直接打开|复制这条信息.*?打开"
    r"|打开(?:拼多多|淘宝|京东)(?:App)?|长按复制|复制链接|快来帮我|谢谢[啦了]?[！!]*"
    r"|求助力[！!]*|求帮砍[！!]*|(?:还差|需要|仅差|只差)\s*\d{1,3}\s*(?:刀|次|位|个人?|人)?\s*(?:助力)?"
)
_SIZE_RE = re.compile(r"(\d{1,2})\s*人团")
_MISSING_RE = re.compile(r"(?:还差|仅差|只差)\s*(\d{1,2})\s*人")
_BOOST_NEEDED_RE = re.compile(
    r"(?:还差|需要|仅差|只差)\s*(\d{1,3})\s*(?:刀|次|位|个人?)?\s*助力|(?:还差|只差|仅差)\s*(\d{1,3})\s*刀"
)


@dataclass(slots=True)
class ParsedShare:
    """What a share text says. Every field may be empty; the member can edit all of them."""

    link: str = ""  # the chosen link as pasted (with its sharer parameters: never stored)
    clean_link: str = ""  # sharer and tracking parameters removed by the engine's link stage
    host: str = ""
    link_class: str = ""  # the engine's class: platform / shortener / bad / lookalike / other
    link_why: str = ""
    platform: str = ""  # pinduoduo / taobao / tmall / jd / meituan / other / ""
    goods_id: str = ""
    title: str = ""
    price: Decimal | None = None
    kind: str = ""  # groupbuy / boost / ""
    size: int | None = None
    needed: int | None = None
    is_short_link: bool = False
    spans: list[tuple[int, int]] = field(default_factory=list)  # every link's span in the text

    @property
    def is_shopping(self) -> bool:
        return bool(self.clean_link)


@dataclass(frozen=True, slots=True)
class FoundLink:
    start: int
    end: int
    url: str  # original spelling (case kept: short-link codes are case-sensitive)
    host: str
    link_class: str
    brand: str | None
    why: str


def platform_for_host(host: str) -> str:
    host = host.lower().rstrip(".")
    for suffix, platform in PLATFORM_HOSTS.items():
        if host == suffix or host.endswith("." + suffix):
            return platform
    return ""


def find_links(text: str) -> list[FoundLink]:
    """Links in ``text`` as the engine's link stage sees them, spelled as in the original."""
    norm = normalize(text)
    found = []
    for start, end, info in extract(norm):
        o_start, o_end = norm.to_original(start, end)
        raw = text[o_start:o_end].rstrip(".,;:!?)]}'\"")
        # The engine lower-cases while normalising; short-link codes need the original case.
        url = raw if "://" in raw else "https://" + raw
        found.append(
            FoundLink(
                o_start, o_start + len(raw), url, info.host, info.link_class, info.brand, info.why
            )
        )
    return found


def goods_id_from_url(url: str, platform: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    path = parts.path
    if platform == "pinduoduo":
        return query.get("goods_id", "")
    if platform in ("taobao", "tmall"):
        return query.get("id", "") if query.get("id", "").isdigit() else ""
    if platform == "jd":
        m = re.search(r"/(?:product/)?(\d{5,15})\.html", path)
        return m.group(1) if m else query.get("sku", "")
    if platform == "meituan":
        m = re.search(r"/deal/(\d+)", path)
        return m.group(1) if m else query.get("dealId", query.get("dealid", ""))
    return ""


def _price(text: str) -> Decimal | None:
    scrubbed = _TAOKOULING_RE.sub(" ", text)
    for pattern in _PRICE_RES:
        m = pattern.search(scrubbed)
        if m:
            try:
                value = Decimal(m.group(1))
            except InvalidOperation:
                continue
            if value > 0:
                return value
    return None


def _title(text: str, spans: list[tuple[int, int]]) -> str:
    corner = _CORNER_RE.search(text)
    if corner:
        return corner.group(1).strip()
    for m in _BRACKET_RE.finditer(text):
        inner = m.group(1).strip()
        is_marker = inner in _PLATFORM_MARKERS or _price(f"【{inner}】") is not None
        if not is_marker and len(inner) >= 4:
            return inner
    rest = text
    for start, end in sorted(spans, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    rest = _URL_RE.sub(" ", rest)
    rest = _TAOKOULING_RE.sub(" ", rest)
    rest = _BRACKET_RE.sub(" ", rest)
    rest = _BOILERPLATE.sub(" ", rest)
    rest = re.sub(r"[¥￥]\s*\d+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?\s*元", " ", rest)
    rest = _PRICE_RES[1].sub(" ", rest)
    rest = re.sub("|".join(sorted(_PLATFORM_MARKERS, key=len, reverse=True)), " ", rest, count=1)
    rest = re.sub(r"\s+", " ", rest).strip(" ，,。.！!~～-—:：")
    return rest[:100]


def _kind(text: str) -> str:
    if any(w in text for w in _BOOST_WORDS):
        return "boost"
    if any(w in text for w in _GROUPBUY_WORDS):
        return "groupbuy"
    return ""


def share_text_parse(text: str) -> ParsedShare:
    """Read a share text; no network access, nothing is expanded."""
    text = text.strip()
    parsed = ParsedShare()
    links = find_links(text)
    parsed.spans = [(link.start, link.end) for link in links]
    # Prefer a shopping link when chatter contains several; else report the first one so the
    # post can be refused with the engine's classification.
    chosen = next(
        (x for x in links if x.link_class == "platform" and x.brand in SHOPPING_BRANDS), None
    )
    if chosen is None and links:
        chosen = links[0]
    if chosen is not None:
        parsed.link = chosen.url
        parsed.host = chosen.host
        parsed.link_class = chosen.link_class
        parsed.link_why = chosen.why
        parsed.is_short_link = chosen.host in SHORT_HOSTS
        if chosen.link_class == "platform" and chosen.brand in SHOPPING_BRANDS:
            parsed.platform = platform_for_host(chosen.host) or BRAND_PLATFORM[chosen.brand]
            parsed.clean_link = clean_url(chosen.url)
            parsed.goods_id = goods_id_from_url(parsed.clean_link, parsed.platform)
        else:
            parsed.platform = "other"
    parsed.price = _price(text)
    parsed.title = _title(text, parsed.spans)
    parsed.kind = _kind(text)
    if m := _SIZE_RE.search(text):
        size = int(m.group(1))
        parsed.size = size if 2 <= size <= 10 else None
    elif (m := _MISSING_RE.search(text)) and parsed.kind != "boost":
        missing = int(m.group(1))
        parsed.size = missing + 1 if 1 <= missing <= 9 else None
    if parsed.kind == "boost" and (m := _BOOST_NEEDED_RE.search(text) or _MISSING_RE.search(text)):
        needed = int(next(g for g in m.groups() if g))
        parsed.needed = needed if 1 <= needed <= 100 else None
    return parsed
