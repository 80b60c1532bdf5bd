"""Synthetic personal data and look-alike numbers for the PII tests (seeded, reproducible).

Valid numbers are built to pass the same checks real ones pass (ID check digit, real region codes,
Luhn with real BINs); look-alikes are the numbers chat is full of: order and tracking numbers,
prices, dates, timestamps, goods ids in links, ID numbers with a wrong check digit, cards failing Luhn.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "huzhu" / "screening" / "data"

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

MOBILE_PREFIXES = [
    *(f"13{i}" for i in range(10)),
    "145", "147", "149", "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "162", "165", "166", "167", "170", "171", "172", "173", "175", "176", "177", "178",
    *(f"18{i}" for i in range(10)),
    "190", "191", "192", "193", "195", "196", "197", "198", "199",
]  # fmt: skip

_COUNTIES = [
    row["code"] for row in csv.DictReader((DATA / "regions" / "areas.csv").open(encoding="utf-8"))
]
_BINS = [
    (row["bin"], int(row["length"]))
    for row in csv.DictReader((DATA / "banks" / "bin.csv").open(encoding="utf-8"))
    if len(row["bin"]) == 6
]

CN_NUM = "零一二三四五六七八九"
FULL = "０１２３４５６７８９"
CIRCLED = "⓪①②③④⑤⑥⑦⑧⑨"


def id_check(body17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS, strict=True)) % 11]


def make_id(rng: random.Random) -> str:
    region = rng.choice(_COUNTIES)
    year = rng.randint(1950, 2010)
    body = (
        f"{region}{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    )
    return body + id_check(body)


def make_bad_id(rng: random.Random) -> str:
    good = make_id(rng)
    wrong = rng.choice([c for c in "0123456789X" if c != good[-1]])
    return good[:-1] + wrong


def luhn_complete(body: str) -> str:
    for d in "0123456789":
        candidate = body + d
        total = 0
        for i, ch in enumerate(reversed(candidate)):
            v = int(ch)
            if i % 2 == 1:
                v *= 2
                if v > 9:
                    v -= 9
            total += v
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def make_card(rng: random.Random) -> str:
    bin_, length = rng.choice(_BINS)
    body = bin_ + "".join(rng.choice("0123456789") for _ in range(length - len(bin_) - 1))
    return luhn_complete(body)


def make_bad_card(rng: random.Random) -> str:
    good = make_card(rng)
    last = str((int(good[-1]) + rng.randint(1, 9)) % 10)
    return good[:-1] + last


def make_phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def format_phone(rng: random.Random, phone: str) -> str:
    """One of the ways people write (or disguise) a mobile number."""
    style = rng.randrange(10)
    if style == 0:
        return phone
    if style == 1:
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    if style == 2:
        return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
    if style == 3:
        return "+86 " + phone
    if style == 4:
        return "".join(FULL[int(c)] for c in phone)
    if style == 5:
        return "".join(CN_NUM[int(c)] for c in phone)
    if style == 6:
        # mixture of Chinese numerals and digits
        return "".join(CN_NUM[int(c)] if i % 2 else c for i, c in enumerate(phone))
    if style == 7:
        return "".join(CIRCLED[int(c)] for c in phone)
    if style == 8:
        return " ".join(phone)
    return "0086-" + phone


def lookalike(rng: random.Random) -> str:
    """A number that is NOT personal data, in the context chat puts it in."""
    style = rng.randrange(12)
    digits = "".join(rng.choice("0123456789") for _ in range(20))
    if style == 0:
        return f"订单号：{rng.randint(2, 9)}{digits[:18]}"
    if style == 1:
        return f"快递单号 SF{digits[:13]}"
    if style == 2:
        return f"价格¥{rng.randint(1, 9999)}.{rng.randint(0, 99):02d}"
    if style == 3:
        return f"{rng.randint(2015, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
    if style == 4:
        return f"时间戳 {rng.randint(1_600_000_000_000, 1_800_000_000_000)}"
    if style == 5:
        return f"https://mobile.yangkeduo.com/goods.html?goods_id={rng.choice(MOBILE_PREFIXES)}{digits[:8]}"
    if style == 6:
        return f"身份证号好像是{make_bad_id(rng)}吗"
    if style == 7:
        return f"卡号{make_bad_card(rng)}"
    if style == 8:
        return f"运单号{rng.choice(MOBILE_PREFIXES)}{digits[:8]}"
    if style == 9:
        return f"商品编号 {digits[:12]}"
    if style == 10:
        return f"一共{rng.randint(2, 99)}{digits[: rng.randint(1, 6)]}元"
    return f"https://item.jd.com/{digits[:12]}.html"


CHATTER = [
    "今天拼多多有活动，大家帮我砍一刀",
    "明天下午三点开会，记得带电脑",
    "这个攻略不错，收藏了",
    "谁有考研英语的资料，求分享",
    "家里的猫又掉毛了怎么办",
    "周末一起去爬山吗",
    "这家店的奶茶第二杯半价",
]


def message_with_pii(rng: random.Random) -> tuple[str, str, str]:
    """(message, category, value) with one piece of personal data in ordinary chatter."""
    kind = rng.randrange(5)
    before = rng.choice(CHATTER)
    if kind == 0:
        phone = make_phone(rng)
        return f"{before}，有事打我电话{format_phone(rng, phone)}", "phone", phone
    if kind == 1:
        number = make_id(rng)
        return f"{before}，我身份证号{number}帮我填一下", "id_card", number
    if kind == 2:
        card = make_card(rng)
        shown = (
            " ".join(card[i : i + 4] for i in range(0, len(card), 4))
            if rng.random() < 0.5
            else card
        )
        return f"{before}，钱打到这张卡{shown}", "bank_card", card
    if kind == 3:
        qq = str(rng.randint(10_000, 3_999_999_999))
        label = rng.choice(["QQ", "扣扣", "企鹅", "Q号", "qq号"])
        return f"{before}，加我{label}：{qq}", "qq", qq
    user = rng.choice(["zhangsan", "li.si", "wang_wu88", "chenxi"]) + str(rng.randint(1, 999))
    domain = rng.choice(["qq.com", "163.com", "gmail.com", "126.com"])
    return f"{before}，邮箱{user}@{domain}", "email", f"{user}@{domain}"
