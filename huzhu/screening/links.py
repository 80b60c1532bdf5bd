"""Link extraction, domain classification and shopping-link cleaning (the ``links`` stage).

Owns: finding URLs with or without a scheme (``www.…``, ``abc.com/x``, full-width dots folded by
normalize, ``点com`` / ``。com``), classifying each host and, for shopping links, stripping tracking
and sharer-identifying parameters. No network access: short links are classified, never expanded.

Classes (``Finding.category``):

- ``platform``  — an official domain of an allow-listed brand (Pinduoduo, Alibaba/Taobao/Tmall, JD,
  Meituan, Tencent; v2fly domain lists);
- ``bad``       — a known illegal/scam domain (konsheng list);
- ``lookalike`` — pretends to be a brand: homoglyphs, typos, brand plus extra words, punycode,
  raw IP hosts, ``user@host`` tricks, ``pinduoduo.com.evil.cn``;
- ``shortener`` — a URL shortener hiding the destination;
- ``other``     — anything else.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from huzhu.screening.normalize import Normalized
from huzhu.screening.types import Finding, Severity

__all__ = [
    "LINK_CLASSES",
    "LinkInfo",
    "classify_host",
    "clean_url",
    "extract",
    "scan",
]

DATA_DIR = Path(__file__).resolve().parent / "data" / "urls"

LINK_CLASSES = ("platform", "shortener", "bad", "lookalike", "other")

_SEVERITY = {
    "platform": Severity.INFO,
    "other": Severity.LOW,
    "shortener": Severity.MEDIUM,
    "lookalike": Severity.HIGH,
    "bad": Severity.CRITICAL,
}

# Brands whose links are shopping links (cleaned of sharer parameters).
SHOPPING_BRANDS = frozenset({"pinduoduo", "alibaba", "jd", "meituan"})

# Words that name a brand inside a host: brand → tokens. Short tokens (≤ 3 letters) only count as a
# whole label or a dash-separated part, never as a substring (jdk, qqq …).
_BRAND_TOKENS: dict[str, tuple[str, ...]] = {
    "pinduoduo": ("pinduoduo", "yangkeduo", "pdd", "duoduo"),
    "alibaba": (
        "taobao",
        "tmall",
        "alipay",
        "alibaba",
        "aliexpress",
        "1688",
        "zhifubao",
        "tianmao",
    ),
    "jd": ("jd", "jingdong", "360buy", "jdpay"),
    "meituan": ("meituan", "dianping"),
    "tencent": ("weixin", "wechat", "qq", "tencent", "tenpay", "wxpay"),
}

_TLDS = (
    "com|cn|net|org|top|xyz|vip|cc|me|io|info|co|tv|shop|club|site|online|store|ltd|work|"
    "tech|live|fun|wang|ink|red|pub|link|love|pro|biz|app|hk|tw|ru|us|in|tk|la|ws|gg|ly|gl|"
    "to|im|sh|so|ai|be|de|uk|jp|kr|gd|pw|cx|ml|ga|cf|asia|mobi|name|xin|icu|cyou|buzz|bid|win"
)
_HOST_CHAR = r"[a-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]"
_LABEL = rf"{_HOST_CHAR}(?:[a-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff-]{{0,61}}{_HOST_CHAR})?"
_DOT = r"(?:\.|点|。|\[\.\]|\(\.\)|\(dot\)|\[dot\])"
_PATH_CHARS = r"[^\s<>\"'，。！？；、（）【】《》「」\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
_PATH = r"(?:[/?#]" + _PATH_CHARS + "*)?"
_URL_RE = re.compile(
    # user@host trick without a scheme: the "user" part is itself a domain
    rf"(?<![a-z0-9@._-])(?:{_LABEL}\.)+(?:{_TLDS})@(?:{_LABEL}{_DOT})+(?:{_TLDS})(?![a-z0-9-]){_PATH}"
    # with a scheme: anything up to whitespace or CJK
    r"|(?:https?|ftp)://[^\s<>\"'，。！？；、（）【】《》「」\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+"
    # raw IPv4 host with a port or a path (a bare "192.168.1.1" is an address people talk about,
    # e.g. a router's, or a version number)
    rf"|(?<![0-9.])(?:[0-9]{{1,3}}\.){{3}}[0-9]{{1,3}}(?::[0-9]{{1,5}}{_PATH}|[/?#]{_PATH_CHARS}*)"
    # bare host ending in a known TLD (optionally user@host)
    rf"|(?<![a-z0-9@._-])(?:{_LABEL}{_DOT})+(?:{_TLDS})(?![a-z0-9-])(?::[0-9]{{1,5}})?{_PATH}"
    r"|(?<![a-z0-9._-])www\.[a-z0-9.-]+" + _PATH
)
_DOT_VARIANTS_RE = re.compile(r"点|。|\[\.\]|\(\.\)|\(dot\)|\[dot\]")
_IP_RE = re.compile(r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}")


# ---------------------------------------------------------------------------------------------
# Domain lists, loaded once on first use.


def _read_lines(path: Path) -> list[str]:
    out: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


@dataclass(frozen=True, slots=True)
class _Lists:
    brand_suffix: dict[str, str]  # domain (or TLD) → brand; matches the domain and subdomains
    brand_full: dict[str, str]  # exact host → brand
    shorteners: frozenset[str]
    bad: frozenset[str]


@lru_cache(maxsize=1)
def _lists() -> _Lists:
    suffix: dict[str, str] = {}
    full: dict[str, str] = {}
    for path in sorted((DATA_DIR / "brands").glob("*.txt")):
        brand = path.stem
        for entry in _read_lines(path):
            entry = entry.split("@", 1)[0].strip()  # drop attributes (@cn, @ads, @!cn)
            if not entry or entry.startswith(("include:", "regexp:", "keyword:")):
                continue
            if entry.startswith("full:"):
                full[entry[5:]] = brand
            else:
                suffix[entry.removeprefix("domain:")] = brand
    shorteners = frozenset(_read_lines(DATA_DIR / "shorteners.txt"))
    bad = frozenset(_read_lines(DATA_DIR / "konsheng_illegal_domains.txt"))
    return _Lists(suffix, full, shorteners, bad)


def _parents(host: str) -> list[str]:
    """host and each parent domain: a.b.c.com → [a.b.c.com, b.c.com, c.com, com]."""
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


# Look-alike characters folded before comparing with brand names (Cyrillic/Greek homoglyphs,
# digits that pass for letters).
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a",
        "е": "e",
        "о": "o",
        "р": "p",
        "с": "c",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ԁ": "d",
        "ո": "n",
        "ı": "i",
        "α": "a",
        "ο": "o",
        "ρ": "p",
        "ν": "v",
        "τ": "t",
        "κ": "k",
        "0": "o",
        "1": "l",
        "3": "e",
        "5": "s",
        "6": "b",
        "8": "b",
        "9": "g",
    }
)


def _skeleton(label: str) -> str:
    s = label.translate(_HOMOGLYPHS)
    return s.replace("rn", "m").replace("vv", "w").replace("l", "i")


def _edit_distance_le1(a: str, b: str) -> bool:
    """Levenshtein distance ≤ 1 (including one transposition)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


_SHORT_TOKENS: dict[str, str] = {
    t: brand for brand, tokens in _BRAND_TOKENS.items() for t in tokens if len(t) < 4
}
_LONG_TOKENS: dict[str, str] = {
    t: brand for brand, tokens in _BRAND_TOKENS.items() for t in tokens if len(t) >= 4
}
_LONG_TOKEN_RE = re.compile("|".join(sorted(map(re.escape, _LONG_TOKENS), key=len, reverse=True)))
_SKELETON_TOKENS: dict[str, str] = {_skeleton(t): b for t, b in _LONG_TOKENS.items()}
_SKELETON_TOKEN_RE = re.compile(
    "|".join(sorted(map(re.escape, _SKELETON_TOKENS), key=len, reverse=True))
)
_TYPO_TOKENS = tuple((t, b) for t, b in _LONG_TOKENS.items() if len(t) >= 5 and not t.isdigit())


def _brand_mimicked(host: str) -> str | None:
    """The brand a non-official host imitates, if any."""
    m = _LONG_TOKEN_RE.search(host)
    if m is not None:
        return _LONG_TOKENS[m.group()]
    labels = host.split(".")
    parts = [p for label in labels for p in label.split("-") if p]
    for part in (*labels, *parts):
        brand = _SHORT_TOKENS.get(part)
        if brand is not None:
            return brand
    m = _SKELETON_TOKEN_RE.search(_skeleton(host))
    if m is not None:
        return _SKELETON_TOKENS[m.group()]
    for part in parts:
        for token, brand in _TYPO_TOKENS:
            if abs(len(part) - len(token)) <= 1 and _edit_distance_le1(part, token):
                return brand
    return None


@dataclass(frozen=True, slots=True)
class LinkInfo:
    """One classified link."""

    url: str
    host: str
    link_class: str
    brand: str | None
    clean: str | None
    why: str


@lru_cache(maxsize=8192)
def classify_host(host: str, *, userinfo: str = "") -> tuple[str, str | None, str]:
    """(class, brand, why) for a host name (lower-case, no port)."""
    host = host.strip(".").lower()
    lists = _lists()
    if _IP_RE.fullmatch(host):
        return "lookalike", None, "raw IP address"
    if userinfo and ("." in userinfo or _brand_mimicked(userinfo)):
        return "lookalike", _brand_mimicked(userinfo), "user@host trick"
    if not host.isascii() or any(label.startswith("xn--") for label in host.split(".")):
        brand = _brand_mimicked(_decode_idna(host))
        return "lookalike", brand, "punycode / non-ASCII host"
    if host in lists.brand_full:
        return "platform", lists.brand_full[host], "official domain"
    parents = _parents(host)
    for parent in parents:
        brand = lists.brand_suffix.get(parent)
        if brand is not None and "." in parent:
            return "platform", brand, "official domain"
    for parent in parents[:-1]:
        if parent in lists.bad:
            return "bad", None, "known bad domain"
    for parent in parents[:-1]:
        if parent in lists.shorteners:
            return "shortener", None, "URL shortener"
    brand = _brand_mimicked(host)
    if brand is not None:
        return "lookalike", brand, "imitates a brand domain"
    return "other", None, ""


def _decode_idna(host: str) -> str:
    out = []
    for label in host.split("."):
        if label.startswith("xn--"):
            with contextlib.suppress(UnicodeError, ValueError):
                label = label[4:].encode("ascii").decode("punycode")
        out.append(label)
    return ".".join(out).translate(_HOMOGLYPHS)


# Parameters that identify the sharer or track the click; everything else (goods_id, id, skuId …)
# is kept so the link still opens the same item.
_STRIP_PARAMS = frozenset(
    {
        "spm",
        "scm",
        "pvid",
        "ttid",
        "sp_tk",
        "suid",
        "un",
        "tk",
        "app",
        "cpp",
        "short_name",
        "sourcetype",
        "source_type",
        "ali_trackid",
        "bxsign",
        "tbsocial",
        "xxc",
        "union_lens",
        "page_from",
        "ad_od",
        "gx",
        "gxd",
        "jd_pop",
        "_t",
        "_wv",
        "_wvx",
        "sharetype",
        "shareurl",
        "shareuniqueid",
        "utparam",
        "price",
        "sku_properties",
        "from",
        "uid",
        "pid",
        "_oak_gallery",
        "_oak_gallery_token",
        "thumb_url",
        "lfrom",
        "bbs_uuid",
        "msg_uuid",
        "uniqueid",
    }
)
_STRIP_PREFIXES = ("share_", "share", "refer_", "_x_", "utm_", "ut_", "_oak_", "_wv", "mt_", "uu")


def _strip_param(name: str) -> bool:
    low = name.lower()
    return low in _STRIP_PARAMS or low.startswith(_STRIP_PREFIXES)


def clean_url(url: str) -> str:
    """``url`` without tracking and sharer-identifying query parameters and fragment tokens."""
    parts = urlsplit(url if "://" in url else "https://" + url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _strip_param(k)
    ]
    new_query = urlencode(query, quote_via=quote, safe=",:")
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path, new_query, ""))


def _parse(raw: str) -> tuple[str, str, str]:
    """(canonical url, host, userinfo) for a matched link text."""
    url = _DOT_VARIANTS_RE.sub(".", raw)
    with_scheme = url if "://" in url else "https://" + url
    try:
        parts = urlsplit(with_scheme)
        netloc = parts.netloc
    except ValueError:
        netloc = with_scheme.split("://", 1)[1].split("/", 1)[0]
    userinfo, _, hostport = netloc.rpartition("@")
    host = hostport
    host = host.split("]", 1)[0] + "]" if host.startswith("[") else host.split(":", 1)[0]
    return url, host.lower().strip("."), userinfo


# Stretches of text a link can live in: ASCII, Latin/Greek/Cyrillic letters (homoglyph hosts) and
# the dot stand-ins. The full URL pattern only runs inside stretches that pass the gate, which keeps
# it off the Chinese text around links (it is the slowest regex of the engine).
_CHUNK_RE = re.compile(r"[!-~\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff点。]{4,}")


def extract(norm: Normalized | str) -> list[tuple[int, int, LinkInfo]]:
    """Links in ``norm`` as (start, end) in the normalized text plus their classification."""
    text = norm.text if isinstance(norm, Normalized) else norm
    out: list[tuple[int, int, LinkInfo]] = []
    for chunk_match in _CHUNK_RE.finditer(text):
        chunk = chunk_match.group()
        if not _may_hold_link(chunk):
            continue
        base = chunk_match.start()
        for m in _URL_RE.finditer(chunk):
            raw = m.group().rstrip(".,;:!?)]}'\"")
            url, host, userinfo = _parse(raw)
            if not host or ("." not in host and not host.startswith("[")):
                continue
            link_class, brand, why = classify_host(host, userinfo=userinfo)
            clean = None
            if link_class == "platform" and brand in SHOPPING_BRANDS:
                clean = clean_url(url)
            start = base + m.start()
            out.append(
                (start, start + len(raw), LinkInfo(url, host, link_class, brand, clean, why))
            )
    return out


# Cheap gate: a dot-like character right after an ASCII letter or digit ("abc.com", "taobao点com",
# "1.2.3.4") or a scheme; a "。" after a Chinese character is just the end of a sentence.
_GATE_RE = re.compile(r"[a-z0-9-](?:[.点。]|\(dot\)|\[dot\]|\[\.\]|\(\.\))")


def _may_hold_link(text: str) -> bool:
    return "://" in text or _GATE_RE.search(text) is not None


def scan(norm: Normalized) -> list[Finding]:
    """Link findings with spans in the original text."""
    if not _may_hold_link(norm.text):
        return []
    findings: list[Finding] = []
    for start, end, info in extract(norm):
        o_start, o_end = norm.to_original(start, end)
        # A shopping link's sharer parameters identify a member: the finding keeps the clean link.
        detail: dict[str, object] = {
            "url": info.clean or info.url,
            "host": info.host,
            "why": info.why,
        }
        if info.brand:
            detail["brand"] = info.brand
        if info.clean:
            detail["clean"] = info.clean
            detail["stripped"] = info.clean != info.url
        findings.append(
            Finding(
                kind="link",
                category=info.link_class,
                start=o_start,
                end=o_end,
                severity=_SEVERITY[info.link_class],
                rule=f"link.{info.link_class}",
                detail=detail,
            )
        )
    return findings
