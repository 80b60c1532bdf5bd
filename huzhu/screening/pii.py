"""Personal-data detection and masking (the ``pii`` stage).

Owns: mainland mobile and landline numbers, resident ID numbers (18-digit with the GB 11643 check
digit, a real region code and a valid birth date; 15-digit legacy ones), bank cards (Luhn + the
shipped BIN table), emails, labelled QQ numbers and WeChat IDs, street addresses, licence plates and
passport numbers — and the masks that hide them.

Numbers are validated, not merely pattern-matched: a digit run is tried as every concatenation of
its consecutive groups (``138 1234 5678`` is one phone; ``13812345678 13912345678`` are two) and a
candidate is kept only when it passes the checks of its kind. Numbers inside links, right after an
order/tracking label or marked as a price are skipped.

Findings carry ``detail={"masked": …, "value": …}``; ``mask_text`` applies the masks to the
original text. Spans are code-point offsets into the ORIGINAL text.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import accumulate
from operator import mul
from pathlib import Path

from huzhu.screening.normalize import SEPARATOR_CHARS, DigitRun, Normalized, digits_view
from huzhu.screening.types import Finding, Severity

__all__ = [
    "PII_CATEGORIES",
    "id_card_valid",
    "luhn_valid",
    "mask_text",
    "scan",
]

DATA_DIR = Path(__file__).resolve().parent / "data"

PII_CATEGORIES = (
    "phone",
    "landline",
    "id_card",
    "bank_card",
    "email",
    "qq",
    "wechat",
    "address",
    "plate",
    "passport",
)

_SEVERITY = {
    "phone": Severity.MEDIUM,
    "landline": Severity.MEDIUM,
    "id_card": Severity.HIGH,
    "bank_card": Severity.HIGH,
    "email": Severity.MEDIUM,
    "qq": Severity.MEDIUM,
    "wechat": Severity.MEDIUM,
    "address": Severity.MEDIUM,
    "plate": Severity.LOW,
    "passport": Severity.HIGH,
}

# Priority when two candidates overlap: the stronger evidence wins.
_PRIORITY = {
    "id_card": 9,
    "bank_card": 8,
    "phone": 7,
    "email": 7,
    "passport": 6,
    "landline": 5,
    "wechat": 4,
    "qq": 4,
    "plate": 3,
    "address": 2,
}

# ---------------------------------------------------------------------------------------------
# Reference data, loaded once.


@lru_cache(maxsize=1)
def _regions() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(county codes, city codes, province codes) from GB/T 2260 division data."""
    counties: set[str] = set()
    cities: set[str] = set()
    provinces: set[str] = set()
    with (DATA_DIR / "regions" / "areas.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            counties.add(row["code"])
            cities.add(row["cityCode"])
            provinces.add(row["provinceCode"])
    # Taiwan, Hong Kong and Macau residence permits use these province-level codes.
    provinces.update({"71", "81", "82", "83"})
    return frozenset(counties), frozenset(cities), frozenset(provinces)


@lru_cache(maxsize=1)
def _bins() -> tuple[dict[str, frozenset[int]], tuple[int, ...]]:
    """BIN prefix → allowed card lengths; and the distinct prefix lengths, longest first."""
    table: dict[str, set[int]] = {}
    with (DATA_DIR / "banks" / "bin.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            table.setdefault(row["bin"], set()).add(int(row["length"]))
    lengths = tuple(sorted({len(b) for b in table}, reverse=True))
    return {k: frozenset(v) for k, v in table.items()}, lengths


@lru_cache(maxsize=1)
def _admin_names() -> tuple[frozenset[str], re.Pattern[str]]:
    names: set[str] = set()
    for line in (DATA_DIR / "regions" / "admin_names.tsv").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        _level, name = line.split("\t")
        names.add(name)
        # People drop the suffix of longer names: 广东省 → 广东, 朝阳区 → 朝阳.
        if len(name) >= 3 and name[-1] in "省市区县":
            names.add(name[:-1])
    alternation = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
    return frozenset(names), re.compile(f"(?:{alternation})+")


# ---------------------------------------------------------------------------------------------
# Validators (public: tests and other stages use them).

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10x98765432"
_ID_WEIGHTS_48 = 48 * sum(_ID_WEIGHTS)  # the weighted sum of the digits' byte values is 48×


# Luhn: a doubled digit's digit sum, as a translation table (0→0, 1→2 … 5→1 … 9→9).
_LUHN_DOUBLE = str.maketrans("0123456789", "0246813579")


def luhn_valid(digits: str) -> bool:
    if digits.isascii() and digits.isdigit():
        # Sum the digit bytes, every second one from the right doubled through the table.
        rev = digits[::-1]
        total = sum(rev[0::2].encode()) + sum(rev[1::2].translate(_LUHN_DOUBLE).encode())
        return (total - 48 * len(digits)) % 10 == 0
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _region_valid(code: str) -> bool:
    counties, cities, provinces = _regions()
    if code in counties:
        return True
    # Abolished counties and cities keep appearing in older IDs (and in generators built on older
    # editions of GB/T 2260): a real province with a plausible city part is enough. The check digit
    # and the birth date carry the rest of the evidence.
    if code[:4] in cities:
        return True
    return code[:2] in provinces and ("01" <= code[2:4] <= "90" or code[2:] == "0000")


def _date_valid(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def id_card_valid(number: str) -> bool:
    """GB 11643 resident ID: 18 characters with check digit, or the 15-digit legacy form."""
    number = number.lower()
    if len(number) == 18:
        if not number[:17].isdigit() or number[17] not in "0123456789x":
            return False
        body = number[:17]
        if body.isascii():
            total = sum(map(mul, body.encode(), _ID_WEIGHTS)) - _ID_WEIGHTS_48
        else:  # other Unicode digits ("١٢٣"): int() reads them
            total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
        if _ID_CHECK[total % 11] != number[17]:
            return False
        return _region_valid(number[:6]) and _date_valid(
            int(number[6:10]), int(number[10:12]), int(number[12:14])
        )
    if len(number) == 15 and number.isdigit():
        counties, _cities, _provinces = _regions()
        return number[:6] in counties and _date_valid(
            1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])
        )
    return False


# Mobile prefixes in use (MIIT numbering plan): 13x, 145-149, 15x except 154, 162/165/166/167,
# 170-178, 18x, 19x except 194.
_MOBILE_RE = re.compile(r"1(?:3\d|4[5-9]|5[0-35-9]|6[2567]|7[0-8]|8\d|9[0-35-9])\d{8}")


def _phone_digits(digits: str) -> str | None:
    """The 11-digit mobile number in ``digits`` (with optional 86 / 0086 / 0 prefix)."""
    n = len(digits)
    if n == 11:
        core = digits
    elif n == 13 and digits.startswith("86"):
        core = digits[2:]
    elif n == 15 and digits.startswith("0086"):
        core = digits[4:]
    elif n == 12 and digits.startswith("0"):
        core = digits[1:]
    else:
        return None
    return core if _MOBILE_RE.fullmatch(core) else None


def _landline_parts(digits: str, groups: list[str]) -> tuple[str, str] | None:
    """(area code, local number) if ``digits`` is a landline with an area code."""
    if not digits.startswith("0") or not 10 <= len(digits) <= 12:
        return None
    if digits[1] == "0":
        return None
    area_len = 3 if digits[1:2] == "1" or digits[1:2] == "2" else 4
    if digits[1] == "1" and digits[2] != "0":
        return None  # only 010 starts with 01
    area, local = digits[:area_len], digits[area_len:]
    if len(local) not in (7, 8) or local[0] == "0":
        return None
    if area_len == 3 and len(local) != 8:
        return None  # Beijing, Shanghai, Guangzhou … (010, 02x) have 8-digit local numbers
    # With separators the first group must be the area code, or it is some other number.
    if len(groups) > 1 and groups[0] not in (area, area[1:]):
        return None
    return area, local


def _bank_card_valid(digits: str, *, labelled: bool = False, in_fours: bool = False) -> bool:
    n = len(digits)
    if not 15 <= n <= 19 or not luhn_valid(digits):
        return False
    # Cards the shipped (Chinese) BIN table does not know — Visa/Mastercard/UnionPay issued
    # elsewhere — still count when the number is written as a card (in groups of four) or next
    # to a card word.
    if (labelled or in_fours) and n >= 16 and digits[0] in "3456":
        return True
    table, prefix_lengths = _bins()
    for plen in prefix_lengths:
        lengths = table.get(digits[:plen])
        if lengths is None:
            continue
        # A full 6+-digit BIN is strong evidence for any usual length (16-19). Short BINs (3-5
        # digits, e.g. 103…) and 15-digit cards must match the length the bank issues, and a
        # 3-4 digit BIN also needs a card word nearby: long order numbers start with them too.
        if plen >= 6 and n >= 16:
            return True
        if n in lengths and (plen >= 5 or labelled):
            return True
    return False


def _id_shaped(digits: str) -> bool:
    """An 18-digit number with a real region and birth date: an ID number (maybe mistyped)."""
    return (
        len(digits) == 18
        and _region_valid(digits[:6])
        and digits[6:8] in ("19", "20")
        and _date_valid(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    )


_CARD_LABEL_RE = re.compile(r"卡|账号|帐号|账户|帐户|转账|汇款|收款|打款|card|visa|master|银联")


# ---------------------------------------------------------------------------------------------
# Masks.


def _mask_phone(core: str) -> str:
    return f"{core[:3]}****{core[-4:]}"


def _mask_card(digits: str) -> str:
    middle = len(digits) - 8
    stars = "*" * middle
    grouped = " ".join(stars[i : i + 4] for i in range(0, middle, 4))
    return f"{digits[:4]} {grouped} {digits[-4:]}"


def _mask_id(number: str) -> str:
    return number[:3] + "*" * (len(number) - 7) + number[-4:].upper()


def _mask_keep(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * max(3, len(value) - head - tail) + (value[-tail:] if tail else "")


# ---------------------------------------------------------------------------------------------
# Context: where a number must not be read as personal data.

_NOT_PII_LABEL_RE = re.compile(
    r"(?:订单|单号|运单|快递|物流|编号|货号|工号|学号|券码|验证码|校验码|取件码|取货码|提货码|"
    r"流水|交易号|商品|宝贝|sku|order|tracking|发票|批次|条码|序列号|型号|账单|版本|邀请码|"
    r"口令|房间号|会议号|群号|车次|航班|尾号|价格|金额|售价|原价|到手)"
    r"[号码id#:：=\s是为]{0,4}$"
)
_PRICE_BEFORE = frozenset("¥$￥€£")
_PRICE_AFTER_RE = re.compile(r"(?:元|块|rmb|yuan|万|%|‰|折|分钟|秒|ms)")
# Letters glued to a number that make it a tracking or product code, not a phone.
_TRACKING_PREFIX_RE = re.compile(
    r"(?:sf|yt|zt|zto|sto|yd|jd|jdv|jt|ems|db|kye|yz|ttk|bs|no|id|sn)$"
)

# Rough URL spans: digits inside links are goods ids, not personal data (links.py does the
# careful parsing).
_URL_SPAN_RE = re.compile(
    r"(?:https?://|www\.)[^\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]+"
    r"|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|cn|net|org|io|cc|me|tv|top|vip|xyz|info|co|hk)"
    r"(?:[/?#][^\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]*)?"
)


def _in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


# Words that make a following number personal whatever label comes between ("身份证编号：…").
_PERSONAL_WORD_RE = re.compile(r"身份证|证件|证号|手机|电话|银行卡|卡号|账号|帐号")


def _blocked_by_context(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 12) : start]
    if before and before[-1] in _PRICE_BEFORE:
        return True
    if _NOT_PII_LABEL_RE.search(before) and not _PERSONAL_WORD_RE.search(before):
        return True
    if _PRICE_AFTER_RE.match(text, end):
        return True
    return bool(before and before[-1].isascii() and _TRACKING_PREFIX_RE.search(before))


# ---------------------------------------------------------------------------------------------
# Candidates.


@dataclass(slots=True)
class _Cand:
    category: str
    start: int  # in normalized text
    end: int
    masked: str
    value: str
    rule: str


def _number_candidates(
    text: str, runs: list[DigitRun], url_spans: list[tuple[int, int]]
) -> list[_Cand]:
    out: list[_Cand] = []
    for run in runs:
        if len(run.digits) < 10 or (url_spans and _in_spans(run.start, url_spans)):
            continue
        groups = run.groups
        n = len(groups)
        if n == 1:  # one group (most runs): the loop below would try just this candidate
            start, end = groups[0]
            digits = run.digits
            if len(digits) <= 19:
                # Every candidate of this run spans exactly (start, end) unless a "+" comes before
                # it (phones) or an X after 17 digits (IDs): then the context check can come
                # first and spare the validation of an order number after "订单号".
                exact = (start == 0 or text[start - 1] != "+") and not (
                    len(digits) == 17 and end < len(text) and text[end] in "x×"
                )
                if exact and _blocked_by_context(text, start, end):
                    continue
                only = _classify_number(text, digits, [digits], start, end)
                if (
                    only is not None
                    and not _in_spans(only.start, url_spans)
                    and (exact or not _blocked_by_context(text, only.start, only.end))
                ):
                    out.append(only)
            continue
        i = 0
        while i < n:
            best: _Cand | None = None
            best_j = i
            acc = ""
            texts: list[str] = []
            for j in range(i, n):
                gs, ge = groups[j]
                acc += text[gs:ge]
                texts.append(text[gs:ge])
                if len(acc) > 19:
                    break
                if len(acc) < 10:
                    continue
                cand = _classify_number(text, acc, texts, groups[i][0], ge)
                if cand is not None:
                    best, best_j = cand, j
            if best is not None:
                if not _in_spans(best.start, url_spans) and not _blocked_by_context(
                    text, best.start, best.end
                ):
                    out.append(best)
                i = best_j + 1
            else:
                i += 1
    return out


def _classify_number(
    text: str, digits: str, groups: list[str], start: int, end: int
) -> _Cand | None:
    n = len(digits)
    # An ID number may end in X, which is outside the digit run.
    if n == 17 and end < len(text) and text[end] in "x×":  # × typed for X
        number = digits + "x"
        if id_card_valid(number):
            return _Cand("id_card", start, end + 1, _mask_id(number), number, "pii.id_card")
        return None
    if end < len(text) and text[end].isascii() and text[end].isalpha():
        return None  # glued to letters: a code, not a number on its own
    # (A digit right next to the candidate can only be a Chinese numeral split off by
    # digits_view, as in "13812345678一起": that boundary is a real one.)
    if n in (18, 15) and id_card_valid(digits):
        return _Cand("id_card", start, end, _mask_id(digits), digits, "pii.id_card")
    core = _phone_digits(digits)
    if core is not None:
        return _Cand("phone", start, end, _mask_phone(core), core, "pii.phone")
    if (
        15 <= n <= 19
        and _bank_card_valid(
            digits,
            labelled=_CARD_LABEL_RE.search(text, max(0, start - 12), start) is not None,
            in_fours=len(groups) >= 4 and all(len(g) == 4 for g in groups[:-1]),
        )
        and not _id_shaped(digits)
    ):
        return _Cand("bank_card", start, end, _mask_card(digits), digits, "pii.bank_card")
    parts = _landline_parts(digits, groups)
    if parts is not None:
        area, local = parts
        return _Cand("landline", start, end, f"{area}-****{local[-4:]}", digits, "pii.landline")
    return None


# Between a label and the value: colons, spaces, "是/为", junk symbols and emoji ("薇❤️: xxx").
_FILL = "(?:[\\s:：=是为" + re.escape(SEPARATOR_CHARS) + "]|[\U0001f000-\U0001faff])"
# Every alternative starts with a literal and the "not after a letter" checks come after it, so
# sre can skip ahead to the possible first characters instead of trying each position.
_QQ_LABEL_RE = re.compile(
    r"(?:q(?<![a-z]q)(?:q|(?=[号:\s]|[0-9]))|扣扣|抠抠|口口|球球|企鹅)"
    r"(?:号码|号|群)?(?:[加我]|联系|方式|私聊|私信|" + _FILL + "){0,4}(?=[0-9])"
)
_WECHAT_LABEL_RE = re.compile(
    r"(?:微信|徽信|薇信|威信|维信|卫信|微芯|v信|wei信|weixin|wechat|"
    r"v(?<![a-z]v)x|w(?<![a-z]w)x(?!id)|"
    r"(?:加|\+|➕|私|联系|找)(?:v|w|微|薇|威)(?:信|x)?|"
    r"[vw薇威微](?<![a-z][vw])(?=" + _FILL + "{0,3}[:：]))"
    r"(?:\s?(?:号码|号|账号|帐号|id)(?=[\s:：=]|[a-z0-9]))?" + _FILL + "{0,4}"
)
# Words that follow a WeChat label without being an ID ("用微信wechat登录").
_WECHAT_NOT_ID = frozenset(
    {"wechat", "weixin", "wxpay", "payment", "android", "iphone", "mini-program"}
)
_WECHAT_ID_RE = re.compile(r"(?:wxid_[a-z0-9]{4,20}|[a-z][a-z0-9_-]{5,19})(?![a-z0-9_-])")
_LABEL_DIGITS_RE = re.compile(r"[0-9]+(?:[\s-][0-9]+){0,3}")


def _labelled_number(dm: re.Match[str]) -> tuple[int, str] | None:
    """End and digits of the number after a QQ/WeChat label: all of its digit groups, or — when
    they run past 11 digits ("QQ 1000000000 00") — the leading whole groups that fit 5–11."""
    digits = ""
    end = dm.start()
    for group in re.finditer(r"[0-9]+", dm.group()):
        if len(digits) + len(group.group()) > 11:
            break
        digits += group.group()
        end = dm.start() + group.end()
    return (end, digits) if len(digits) >= 5 else None


def _label_candidates(text: str, url_spans: list[tuple[int, int]], *, qq: bool) -> list[_Cand]:
    out: list[_Cand] = []
    if qq and (
        "q" in text
        or "扣" in text
        or "企鹅" in text
        or "抠" in text
        or "口口" in text
        or "球球" in text
    ):
        for m in _QQ_LABEL_RE.finditer(text):
            dm = _LABEL_DIGITS_RE.match(text, m.end())
            if dm is None:
                continue
            got = _labelled_number(dm)
            if got is not None and got[1][0] != "0":
                end, digits = got
                out.append(_Cand("qq", dm.start(), end, _mask_keep(digits, 2, 2), digits, "pii.qq"))
    if _WECHAT_GATE_RE.search(text) is None:
        return out
    for m in _WECHAT_LABEL_RE.finditer(text):
        pos = m.end()
        if _in_spans(pos, url_spans):
            continue
        im = _WECHAT_ID_RE.match(text, pos)
        if im is None and m.group().rstrip().endswith("id"):
            # "威信id3np0sqve": the "id" belongs to the ID, not to the label
            im = _WECHAT_ID_RE.match(text, m.start() + m.group().rstrip().rfind("id"))
        if im is not None and im.group() not in _WECHAT_NOT_ID:
            value = im.group()
            out.append(
                _Cand("wechat", im.start(), im.end(), _mask_keep(value, 2, 1), value, "pii.wechat")
            )
            continue
        dm = _LABEL_DIGITS_RE.match(text, pos)
        if dm is not None:
            got = _labelled_number(dm)
            if got is not None:
                end, digits = got
                out.append(
                    _Cand(
                        "wechat",
                        dm.start(),
                        end,
                        _mask_keep(digits, 2, 2),
                        digits,
                        "pii.wechat",
                    )
                )
    return out


_EMAIL_RE = re.compile(
    r"(?<![a-z0-9._%+-])[a-z0-9][a-z0-9._%+-]{0,63}"
    r"\s?(?:@|\(at\)|\[at\]|艾特|圈a|#(?=(?:qq|163|126|139|189|yeah|foxmail|gmail|sina|sohu|"
    r"outlook|hotmail|yahoo|aliyun|icloud)(?:\.|点|。)))\s?"
    r"[a-z0-9][a-z0-9-]{0,62}(?:(?:\.|点|。)[a-z0-9-]{1,63})*(?:\.|点|。)[a-z]{2,10}(?![a-z0-9])"
)


def _email_candidates(text: str) -> list[_Cand]:
    out: list[_Cand] = []
    for m in _EMAIL_RE.finditer(text):
        value = re.sub(r"\s?(?:\(at\)|\[at\]|艾特|圈a|#)\s?", "@", m.group())
        value = value.replace("点", ".").replace("。", ".").replace(" ", "")
        local, _, domain = value.partition("@")
        masked = f"{local[0]}***@{domain}"
        out.append(_Cand("email", m.start(), m.end(), masked, value, "pii.email"))
    return out


_PLATE_RE = re.compile(
    r"(?<![a-z0-9])[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
    r"[a-hj-np-z][\s·•.-]?(?=[a-hj-np-z0-9]{0,5}[0-9])[a-hj-np-z0-9]{5,6}"
    r"[挂学警港澳]?(?![a-z0-9])"
)
_PASSPORT_RE = re.compile(r"(?<![a-z0-9])(?:e[0-9]{8}|e[a-hj-np-z][0-9]{7}|g[0-9]{8})(?![a-z0-9])")
_PASSPORT_LABELLED_RE = re.compile(
    r"(?:护照|passport|通行证)(?:号码|号|no\.?)?[\s:：=是为]{0,3}([a-z]{1,2}[0-9]{7,8})(?![a-z0-9])"
)


def _plate_passport_candidates(text: str) -> list[_Cand]:
    out: list[_Cand] = []
    for m in _PLATE_RE.finditer(text):
        value = m.group()
        out.append(
            _Cand(
                "plate",
                m.start(),
                m.end(),
                value[:2].upper() + "***" + value[-2:].upper(),
                value,
                "pii.plate",
            )
        )
    seen: set[int] = set()
    for m in _PASSPORT_LABELLED_RE.finditer(text):
        value = m.group(1)
        seen.add(m.start(1))
        out.append(
            _Cand(
                "passport",
                m.start(1),
                m.end(1),
                _mask_keep(value.upper(), 1, 2),
                value,
                "pii.passport",
            )
        )
    for m in _PASSPORT_RE.finditer(text):
        if m.start() in seen:
            continue
        value = m.group()
        out.append(
            _Cand(
                "passport",
                m.start(),
                m.end(),
                _mask_keep(value.upper(), 1, 2),
                value,
                "pii.passport",
            )
        )
    return out


_CN_NUM = "一二三四五六七八九十百零〇两"
_STREET_NUM_RE = re.compile(
    r"(?P<suffix>大街|大道|胡同|小区|花园|公寓|大厦|新村|家园|路|街|巷|弄|村|里|苑)"
    rf"(?:[0-9{_CN_NUM}]{{1,3}}(?:组|队|社|期|区))?"  # 3组, 二期: rural groups, estate phases
    rf"(?:[0-9]{{1,5}}(?:-[0-9]{{1,4}})?|[{_CN_NUM}]{{1,5}}|[a-z]{{1,2}}(?=[栋幢座]))"
    r"(?:号|弄|栋|幢|号楼|座)"
    rf"(?:[0-9a-z{_CN_NUM}-]{{1,5}}(?:号楼|号|栋|幢|座|单元|层|楼|室|户))*"
    r"(?:[0-9]{1,5}室|[0-9]{3,4}(?![0-9]))?"
)
_STREET_SUFFIXES = ("路", "街", "大街", "大道", "巷", "弄", "胡同")
# Characters that end a road name when walking backwards from the street suffix.
_ADDR_STOP = set(
    "在住是到去的了我你他她它家址为和与及或从往向对把被给条那这哪个，,。:：;；!！?？ \t\n"
)


def _address_candidates(text: str) -> list[_Cand]:
    out: list[_Cand] = []
    _names, admin_re = _admin_names()
    for m in _STREET_NUM_RE.finditer(text):
        suffix_start = m.start()
        suffix = m.group("suffix")
        # Walk back over the road name (and any province/city/district names before it).
        k = suffix_start
        while k > 0 and suffix_start - k < 24:
            ch = text[k - 1]
            if ch in _ADDR_STOP or not ("\u4e00" <= ch <= "\u9fff" or ch.isdigit()):
                break
            k -= 1
        if k == suffix_start:
            continue
        span_text = text[k:suffix_start]
        admin = admin_re.match(span_text)
        admin_text = admin.group() if admin else ""
        road_name = span_text[len(admin_text) :]
        if not admin_text and (suffix not in _STREET_SUFFIXES or len(road_name) < 2):
            continue
        if admin_text and not road_name and suffix in _STREET_SUFFIXES:
            road_name = admin_text  # e.g. 中山路: the road is named after a place
        masked = (
            admin_text if admin_text and road_name != admin_text else road_name + suffix
        ) + "****"
        out.append(_Cand("address", k, m.end(), masked, text[k : m.end()], "pii.address"))
    return out


# ---------------------------------------------------------------------------------------------
# Entry points.

_DIGIT_RE = re.compile(r"[0-9]")
# Plates and passports: a letter glued to digits (京a12345, e12345678), or a province character
# and a city letter (plates with letters among the last characters: 粤b3a1c2, 京a8b8c8).
_PLATE_GATE_RE = re.compile(
    r"[a-z][·•.\s-]?[0-9a-z]{0,2}[0-9]{3}|[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][a-hj-np-z]"
)
# Gates: every alternative starts with a literal character so sre can skip straight to the
# possible first characters (a character class as the first item of any alternative disables that).
_WECHAT_GATE_ALTERNATIVES = [
    "信",
    "vx",
    "wx",
    "weixin",
    "wechat",
    "微芯",
    *(f"{c}[vw微薇威]" for c in "加私找➕系"),
    "\\+[vw微薇威]",
    *(f"{c}\\W{{0,3}}[:：]" for c in "vw薇威微"),
]
_WECHAT_GATE_RE = re.compile("|".join(_WECHAT_GATE_ALTERNATIVES))
_GATE_RE = re.compile(
    "|".join(
        [*"0123456789@#号栋幢", "艾特", "圈a", "\\(at\\)", "\\[at\\]", *_WECHAT_GATE_ALTERNATIVES]
    )
)
# Every character a match of ``_GATE_RE`` can start with: a text without any of them has no
# personal data (``screen_many`` checks this for a whole batch at once).
GATE_FIRST_CHARS = "0123456789@#号栋幢艾圈([信vw微加私找➕系+薇威"


def _resolve(cands: list[_Cand]) -> list[_Cand]:
    """Drop candidates overlapping a stronger one."""
    if len(cands) < 2:
        return cands
    ordered = sorted(cands, key=lambda c: (-_PRIORITY[c.category], -(c.end - c.start), c.start))
    kept: list[_Cand] = []
    for c in ordered:
        if all(c.end <= k.start or c.start >= k.end for k in kept):
            kept.append(c)
    kept.sort(key=lambda c: c.start)
    return kept


def scan(norm: Normalized) -> list[Finding]:
    """Personal data in ``norm``, as findings with spans in the original text."""
    text = norm.text
    if _GATE_RE.search(text) is None:
        return []
    return _scan(norm, _DIGIT_RE.search(text) is not None, True)


def scan_many(
    norms: list[Normalized], gated: list[bool], digits: list[bool], letters: list[bool]
) -> list[list[Finding]]:
    """``[scan(n) for n in norms]`` for many texts. ``gated``, ``digits``, ``letters``: whether a
    text may pass the gate, holds a digit, holds an ASCII letter (``hints``; False must be
    certain). One gate search over the gated texts joined by U+0000 finds the texts that pass it;
    the others cost nothing more."""
    out: list[list[Finding]] = [[] for _ in norms]
    todo = [i for i, g in enumerate(gated) if g]
    if not todo:
        return out
    texts = [norms[i].text for i in todo]
    joined = "\x00".join(texts)
    ends = list(accumulate(len(t) + 1 for t in texts))
    search = _GATE_RE.search
    pos = 0
    while (m := search(joined, pos)) is not None:
        k = bisect_right(ends, m.start())
        # A match reaching over U+0000 (the "v … :" alternatives allow \W there) does not count:
        # the text is searched alone.
        if m.end() < ends[k] or search(texts[k]) is not None:
            i = todo[k]
            out[i] = _scan(norms[i], digits[i], letters[i])
        pos = ends[k]
    return out


def _scan(norm: Normalized, has_digits: bool, has_letters: bool) -> list[Finding]:
    text = norm.text
    url_spans = [m.span() for m in _URL_SPAN_RE.finditer(text)] if "." in text else []
    cands: list[_Cand] = []
    if "@" in text or "艾特" in text or "圈a" in text or "at" in text or "#" in text:
        cands.extend(_email_candidates(text))
        url_spans = [s for s in url_spans if not any(c.start <= s[0] < c.end for c in cands)]
    if has_digits:
        runs = digits_view(norm, min_chars=10)
        if runs:
            cands.extend(_number_candidates(text, runs, url_spans))
        if has_letters and _PLATE_GATE_RE.search(text) is not None:
            cands.extend(_plate_passport_candidates(text))
    if has_digits or _WECHAT_GATE_RE.search(text) is not None:
        cands.extend(_label_candidates(text, url_spans, qq=has_digits))
    if "号" in text or "栋" in text or "幢" in text or "座" in text:
        cands.extend(_address_candidates(text))
    if url_spans:
        cands = [c for c in cands if c.category == "email" or not _in_spans(c.start, url_spans)]
    findings: list[Finding] = []
    for c in _resolve(cands):
        start, end = norm.to_original(c.start, c.end)
        if c.category == "phone" and start and norm.original[start - 1] in "+＋":
            start -= 1  # "+86 139…": the "+" is masked with the number (normalize may drop it)
        findings.append(
            Finding(
                kind="pii",
                category=c.category,
                start=start,
                end=end,
                severity=_SEVERITY[c.category],
                rule=c.rule,
                # the raw value stays out of the finding: findings get logged and stored
                detail={"masked": c.masked},
            )
        )
    return findings


def mask_text(original: str, findings: list[Finding]) -> str:
    """``original`` with every PII finding replaced by its mask (overlaps: first one wins)."""
    spans = sorted(
        (f for f in findings if f.kind == "pii" and "masked" in f.detail), key=lambda f: f.start
    )
    if not spans:
        return original
    pieces: list[str] = []
    pos = 0
    for f in spans:
        if f.start < pos:
            continue
        pieces.append(original[pos : f.start])
        pieces.append(f.detail["masked"])
        pos = f.end
    pieces.append(original[pos:])
    return "".join(pieces)
