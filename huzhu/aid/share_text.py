"""Understanding pasted shopping share texts (分享口令): platform, goods id, title, price, kind.

Members paste whatever the shopping app put on their clipboard, e.g.

    【拼多多】我在拼多多发现了一个好东西，快来和我一起拼吧！【29.9元】维达抽纸 3层130抽*24包
    https://mobile.yangkeduo.com/goods.html?goods_id=123456789&share_uin=ABC&refer_share_uid=42

or a short link (``p.pinduoduo.com/AbCd``, ``m.tb.cn/h.xyz``, ``3.cn/…``) in the middle of chatter.
This module reads the shop-specific parts; whether a link may be published, and its clean form with
sharer and tracking parameters stripped, is the screening engine's link stage
(``huzhu.screening.links``). Pure Python, no Django, no network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Host suffix → platform. Order matters only for readability; lookups are by suffix.
PLATFORM_HOSTS: dict[str, str] = {
    "yangkeduo.com": "pinduoduo",
    "pinduoduo.com": "pinduoduo",
    "pdd.com": "pinduoduo",
    "taobao.com": "taobao",
    "tb.cn": "taobao",
    "tmall.com": "tmall",
    "jd.com": "jd",
    "3.cn": "jd",
    "u.jd.com": "jd",
    "meituan.com": "meituan",
    "dpurl.cn": "meituan",
    "dianping.com": "meituan",
}
SHORT_HOSTS = {"p.pinduoduo.com", "m.tb.cn", "3.cn", "u.jd.com", "dpurl.cn"}

# Parameters that identify the sharer or track the share; the engine owns the full list, this is
# the fallback used when the engine's link stage is not importable.
_STRIP_PARAMS = {
    "share_uin",
    "refer_share_uid",
    "refer_share_id",
    "refer_share_channel",
    "refer_page_name",
    "refer_page_id",
    "refer_page_sn",
    "share_uid",
    "_wv",
    "_wvx",
    "page_from",
    "pxq_secret_key",
    "_x_share_id",
    "sp_tk",
    "spm",
    "scm",
    "tk",
    "suid",
    "sourceType",
    "un_area",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "shareuid",
    "ad_od",
    "gx_share_id",
}

_URL_RE = re.compile(
    r"(?:https?://)?(?:[a-z0-9-]+\.)+(?:com|cn|net|org|top|xyz|cc|io|me)(?::\d+)?"
    r"(?:/[^\s\u3000，。！？、；：“”‘’「」【】（）《》<>\"'`]*)?",
    re.IGNORECASE,
)
_PRICE_RES = [
    re.compile(r"【\s*(?:[¥￥])?\s*(\d{1,6}(?:\.\d{1,2})?)\s*元?\s*】"),
    re.compile(
        r"(?:拼团价|券后价?|到手价?|现价|价格|仅需|只要)\s*[:：]?\s*[¥￥]?\s*(\d{1,6}(?:\.\d{1,2})?)"
    ),
    re.compile(r"[¥￥]\s*(\d{1,6}(?:\.\d{1,2})?)(?![0-9A-Za-z])"),
    re.compile(r"(\d{1,6}(?:\.\d{1,2})?)\s*元"),
]
_TAOKOULING_RE = re.compile(r"[¥￥$€(（][A-Za-z0-9]{8,14}[¥￥$€)）]")
_BRACKET_RE = re.compile(r"【([^】]{1,80})】")
_CORNER_RE = re.compile(r"[「『]([^」』]{2,100})[」』]")
_PLATFORM_MARKERS = {
    "拼多多": "pinduoduo",
    "淘宝": "taobao",
    "手机淘宝": "taobao",
    "天猫": "tmall",
    "京东": "jd",
    "美团": "meituan",
    "大众点评": "meituan",
}
_BOOST_WORDS = ("砍一刀", "砍价", "帮我砍", "助力", "帮我点", "点一下", "免费拿", "帮砍")
_GROUPBUY_WORDS = ("拼团", "一起拼", "参团", "成团", "拼单", "来拼", "人团")
_BOILERPLATE = re.compile(
    r"我在(?:拼多多|淘宝|京东|美团)发现了一个好东西[，,！!]?|快来和我一起拼吧[！!]?|快来和我一起拼[！!]?"
    r"|帮我砍一刀[吧！!]*|点击链接直接打开|或者?\s*淘宝搜索直接打开|复制这条信息.*?打开|打开(?:拼多多|淘宝|京东)App?"
    r"|长按复制|复制链接|快来帮我|谢谢[啦了]?[！!]*|求助力[！!]*|求帮砍[！!]*",
)
_SIZE_RE = re.compile(r"(\d{1,2})\s*人团")
_MISSING_RE = re.compile(r"(?:还差|仅差|只差)\s*(\d{1,2})\s*人")
_BOOST_NEEDED_RE = re.compile(r"(?:还差|需要|仅差|只差)\s*(\d{1,3})\s*(?:刀|次|位|个人?)?\s*助力")


@dataclass(slots=True)
class ParsedShare:
    """What a share text says. Every field may be empty; the member can edit all of them."""

    link: str = ""  # the link as found, normalised to https://
    clean_link: str = ""  # with sharer and tracking parameters removed
    host: str = ""
    platform: str = ""  # pinduoduo / taobao / tmall / jd / meituan / other / ""
    goods_id: str = ""
    title: str = ""
    price: Decimal | None = None
    kind: str = ""  # groupbuy / boost / ""
    size: int | None = None
    needed: int | None = None
    is_short_link: bool = False
    all_links: list[str] = field(default_factory=list)


def platform_for_host(host: str) -> str:
    host = host.lower().rstrip(".")
    for suffix, platform in PLATFORM_HOSTS.items():
        if host == suffix or host.endswith("." + suffix):
            return platform
    return ""


def find_links(text: str) -> list[str]:
    """URLs in ``text`` (with or without scheme), normalised to start with a scheme."""
    links = []
    for match in _URL_RE.finditer(text):
        raw = match.group(0).rstrip(".,;:!?)]}")
        if "://" not in raw:
            raw = "https://" + raw
        links.append(raw)
    return links


def strip_tracking(url: str) -> str:
    """Fallback cleaner: drop sharer-identifying and tracking query parameters."""
    parts = urlsplit(url)
    kept = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k not in _STRIP_PARAMS and not k.startswith(("utm_", "refer_share", "share_"))
    ]
    return urlunsplit((parts.scheme or "https", parts.netloc, parts.path, urlencode(kept), ""))


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


def _title(text: str, links: list[str]) -> str:
    corner = _CORNER_RE.search(text)
    if corner:
        return corner.group(1).strip()
    rest = text
    for link in links:
        rest = rest.replace(link, " ").replace(link.removeprefix("https://"), " ")
    rest = _URL_RE.sub(" ", rest)
    rest = _TAOKOULING_RE.sub(" ", rest)
    for m in _BRACKET_RE.finditer(text):
        inner = m.group(1).strip()
        is_marker = inner in _PLATFORM_MARKERS or _price(f"【{inner}】") is not None
        if not is_marker and len(inner) >= 4:
            return inner
    rest = _BRACKET_RE.sub(" ", rest)
    rest = _BOILERPLATE.sub(" ", rest)
    rest = re.sub(r"[¥￥]\s*\d+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?\s*元", " ", rest)
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
    parsed.all_links = links
    # Prefer a shopping link when chatter contains several.
    chosen = next((u for u in links if platform_for_host(urlsplit(u).hostname or "")), None)
    if chosen is None and links:
        chosen = links[0]
    if chosen:
        host = (urlsplit(chosen).hostname or "").lower()
        parsed.link = chosen
        parsed.host = host
        parsed.platform = platform_for_host(host) or "other"
        parsed.is_short_link = host in SHORT_HOSTS
        parsed.clean_link = strip_tracking(chosen)
        parsed.goods_id = goods_id_from_url(chosen, parsed.platform)
    if not parsed.platform or parsed.platform == "other":
        for marker, platform in _PLATFORM_MARKERS.items():
            if f"【{marker}】" in text or text.startswith(marker):
                parsed.platform = parsed.platform if chosen else platform
                break
    parsed.price = _price(text)
    parsed.title = _title(text, links)
    parsed.kind = _kind(text)
    if m := _SIZE_RE.search(text):
        size = int(m.group(1))
        parsed.size = size if 2 <= size <= 10 else None
    elif m := _MISSING_RE.search(text):
        missing = int(m.group(1))
        if parsed.kind != "boost" and 1 <= missing <= 9:
            parsed.size = missing + 1
    if parsed.kind == "boost" and (m := _BOOST_NEEDED_RE.search(text) or _MISSING_RE.search(text)):
        needed = int(m.group(1))
        parsed.needed = needed if 1 <= needed <= 100 else None
    return parsed
