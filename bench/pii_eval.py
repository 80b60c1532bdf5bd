"""Personal-data recall and look-alike false-flag rate on a seeded synthetic set.

Usage: ``.venv/bin/python bench/pii_eval.py [--n 4000] [--seed 11] [--show 10]``

Each positive message is ordinary chatter with one piece of personal data inserted (in one of many
written forms) NEXT TO a look-alike number; a negative message carries only look-alikes (order and
tracking numbers, prices, dates, timestamps, goods ids in links, ID numbers with a wrong check
digit, cards failing Luhn …). A positive counts as recalled when the value no longer appears in
``screen(text).text``; a negative counts as flagged when any PII finding is reported.

The generators live in ``tests/screening/synth.py`` (shared with the unit tests), but the message
templates here are different ones, so the figures are not the tests grading themselves.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from huzhu.screening import screen  # noqa: E402
from tests.screening import synth  # noqa: E402

OPENERS = [
    "麻烦帮忙下单，",
    "收货信息如下：",
    "团长你好，",
    "老师好，报名信息：",
    "",
    "刚才说的那个，",
    "亲，",
    "各位，",
]


def _digits_only(value: str) -> str:
    return re.sub(r"[^0-9xX]", "", value)


def positive(rng: random.Random) -> tuple[str, str, str]:
    kind = rng.randrange(9)
    look = synth.lookalike(rng)
    opener = rng.choice(OPENERS)
    if kind <= 2:
        phone = synth.make_phone(rng)
        label = rng.choice(["手机", "电话", "联系方式", "tel", "打", "call我", "手机号码是", ""])
        shown = synth.format_phone(rng, phone)
        parts = [f"{label}{shown}", look]
        rng.shuffle(parts)
        return opener + "，".join(parts), "phone", phone
    if kind == 3:
        number = synth.make_id(rng)
        shown = number if rng.random() < 0.7 else f"{number[:6]} {number[6:14]} {number[14:]}"
        return f"{opener}姓名张三 身份证{shown}，{look}", "id_card", number
    if kind == 4:
        card = synth.make_card(rng)
        shown = (
            " ".join(card[i : i + 4] for i in range(0, len(card), 4))
            if rng.random() < 0.5
            else card
        )
        return (
            f"{opener}{look}，退款打到{rng.choice(['银行卡', '卡号', '这个卡'])}{shown}",
            "bank_card",
            card,
        )
    if kind == 5:
        qq = str(rng.randint(10_000, 3_999_999_999))
        label = rng.choice(["QQ", "qq", "扣扣", "企鹅", "Q号", "QQ号码"])
        return f"{opener}{look}，有问题{label}{rng.choice(['：', ' ', ''])}{qq}", "qq", qq
    if kind == 6:
        wx = rng.choice("abcdefghijk") + "".join(
            rng.choice("abcdefghijklmnopqrstuvwxyz0123456789_") for _ in range(rng.randint(5, 12))
        )
        label = rng.choice(["微信", "vx", "V信", "wx", "薇信", "威信", "微信号"])
        return f"{opener}加我{label}{rng.choice(['：', ' ', ''])}{wx}，{look}", "wechat", wx
    if kind == 7:
        user = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
        domain = rng.choice(
            ["qq.com", "163.com", "126.com", "gmail.com", "foxmail.com", "sina.com"]
        )
        email = f"{user}{rng.randint(0, 999)}@{domain}"
        return f"{opener}{look}，资料发我邮箱{email}", "email", email
    road = rng.choice(["文三路", "中山路", "人民大道", "解放街", "建国路", "长江路"])
    city = rng.choice(
        [
            "浙江省杭州市西湖区",
            "广东省深圳市南山区",
            "北京市朝阳区",
            "四川省成都市武侯区",
            "江苏省南京市鼓楼区",
        ]
    )
    number = rng.randint(1, 999)
    address = f"{city}{road}{number}号"
    return f"{opener}寄到{address}，{look}", "address", address


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--show", type=int, default=10)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    misses: list[str] = []
    held: Counter[bool] = Counter()
    held_examples: list[str] = []
    for _ in range(args.n):
        text, category, value = positive(rng)
        totals[category] += 1
        verdict = screen(text)
        shown = verdict.text
        held[verdict.action in ("hold", "block")] += 1
        if verdict.action in ("hold", "block"):
            held_examples.append(f"{text}  =>  {verdict.action} {verdict.reason_zh}")
        numeric = category in ("phone", "id_card", "bank_card", "qq")
        if value not in shown and (not numeric or _digits_only(value) not in _digits_only(shown)):
            hits[category] += 1
        else:
            misses.append(f"[{category}] {text}  →  {shown}")

    flagged: Counter[str] = Counter()
    false: list[str] = []
    negatives = args.n
    for _ in range(negatives):
        text = synth.lookalike(rng) + rng.choice(["", "，谢谢", "，麻烦查一下"])
        verdict = screen(text)
        held[verdict.action in ("hold", "block")] += 1
        if verdict.action in ("hold", "block"):
            held_examples.append(f"{text}  =>  {verdict.action} {verdict.reason_zh}")
        pii = [f for f in verdict.findings if f.kind == "pii"]
        if pii:
            flagged[pii[0].category] += 1
            false.append(f"{text}  →  {[(f.category, text[f.start : f.end]) for f in pii]}")

    print(
        f"positives: {sum(totals.values())}  recall: {sum(hits.values()) / sum(totals.values()):.4f}"
    )
    for cat in sorted(totals):
        print(f"  {cat:10s} {hits[cat]}/{totals[cat]} = {hits[cat] / totals[cat]:.4f}")
    print(
        f"look-alike messages: {negatives}  flagged: {sum(flagged.values())} = {sum(flagged.values()) / negatives:.4f}  {dict(flagged)}"
    )
    print(
        f"ordinary messages (all of the above) held or blocked: {held[True]} / {sum(held.values())}"
        f" = {held[True] / sum(held.values()):.4f}"
    )
    for line in held_examples[: args.show]:
        print("HELD", line)
    for line in misses[: args.show]:
        print("MISS", line)
    for line in false[: args.show]:
        print("FALSE", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
