"""Huzhu's screening engine side by side with Microsoft Presidio on the same Chinese messages.

Presidio ships no recognizers for China, so it gets pattern recognizers for the same ten kinds of
personal data as Huzhu (mobile, landline, resident ID with its check digit, bank card with Luhn,
email, labelled QQ, labelled WeChat ID, street address, licence plate, passport) on a blank Chinese
spaCy pipeline — the fairest setup it has. Both see the same
generated messages: normal chatter with one inserted item of personal data, and chatter with
look-alike numbers (order and tracking numbers, prices, timestamps, IDs with a wrong check digit)
that must not be flagged. Reported: span-level precision, recall and F1 for each engine, and
messages per CPU-second on one core (both engines warmed first). Huzhu runs its FULL pipeline
(all stages), Presidio only PII; Huzhu is timed text by text (``screen``), as one batch
(``screen_many``, what ``huzhu screen`` and the screening API use) and with personal data alone
(``screen_many`` with only the ``pii`` stage: normalize, detect, mask — what Presidio does).
Presidio is timed as first set up and without its context enhancer (same results, faster); the
ratios are taken against the faster of the two.

    .venv/bin/pip install presidio-analyzer==2.2.366   # bench extra, pulls spaCy
    .venv/bin/python bench/screen_vs_presidio.py [--n 3000] [--six-kinds]

``--six-kinds`` generates only the six kinds of the first version of this script (phone, ID,
bank card, email, QQ, landline) for comparison with older figures.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections import Counter
from dataclasses import dataclass

REGIONS = ["110101", "310104", "440305", "330106", "510107", "420106", "320102", "370102"]
BINS = ["622202", "621700", "622848", "622588", "621226", "623058", "436742", "622700"]
PREFIXES = [
    "130",
    "133",
    "135",
    "138",
    "139",
    "147",
    "150",
    "152",
    "158",
    "166",
    "177",
    "180",
    "186",
    "189",
    "191",
    "199",
]
CHATTER = [
    "宝宝的纸尿裤拼团还差一个人，{x}，大家帮忙点一下",
    "考研数学资料整理好了，需要的私聊，{x}",
    "今天下班路上看到一家新开的面馆，{x}，味道不错",
    "这个砍一刀还差最后一点，{x}，谢谢各位群友",
    "租房合同到期了想换个地方住，{x}，有推荐的吗",
    "快递到了但是放错了驿站，{x}，麻烦帮我问问",
    "周末一起去爬山吗？{x}",
    "高数第三章习题答案有人有吗，{x}",
]


def _id_check(body: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _luhn_complete(body: str) -> str:
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d)
        if i % 2 == 0:
            n *= 2
            n -= 9 if n > 9 else 0
        total += n
    return body + str((10 - total % 10) % 10)


@dataclass
class Sample:
    text: str
    spans: list[tuple[int, int, str]]  # expected personal data: start, end, category


SIX_KINDS = ["phone", "phone", "id_card", "bank_card", "email", "qq", "landline"]
ALL_KINDS = [*SIX_KINDS, "wechat", "address", "plate", "passport"]
PROVINCE_CITY_DISTRICT = [
    ("广东省", "深圳市", "南山区"),
    ("浙江省", "杭州市", "西湖区"),
    ("四川省", "成都市", "武侯区"),
    ("", "北京市", "朝阳区"),
    ("", "上海市", "浦东新区"),
    ("湖北省", "武汉市", "洪山区"),
]
ROADS = ["科技园路", "文三路", "人民南路", "建国路", "世纪大道", "珞喻路"]
PLATE_REGIONS = "京沪粤浙川鄂苏鲁"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def _pii(rng: random.Random, kinds: list[str] = ALL_KINDS) -> tuple[str, str, str]:
    kind = rng.choice(kinds)
    if kind == "wechat":
        handle = rng.choice(["zhang", "lily", "wang", "kaoyan", "mama", "xiaoyu"]) + rng.choice(
            ["_", "", "-"]
        )
        return kind, f"{handle}{rng.randrange(10, 99999)}", rng.choice(["微信 ", "vx：", "wx "])
    if kind == "address":
        province, city, district = rng.choice(PROVINCE_CITY_DISTRICT)
        value = f"{province}{city}{district}{rng.choice(ROADS)}{rng.randrange(1, 999)}号"
        if rng.random() < 0.5:
            value += f"{rng.randrange(1, 30)}栋{rng.randrange(101, 2999)}"
        return kind, value, rng.choice(["地址 ", "寄到 ", "我住 "])
    if kind == "plate":
        # five characters after the city letter, at most two of them letters (no I or O)
        body = [rng.choice("0123456789") for _ in range(5)]
        for pos in rng.sample(range(5), rng.choice([0, 0, 1, 1, 2])):
            body[pos] = rng.choice(PLATE_LETTERS)
        value = f"{rng.choice(PLATE_REGIONS)}{rng.choice(PLATE_LETTERS)}{''.join(body)}"
        return kind, value, rng.choice(["车牌 ", "车牌号 ", "挡住我车的是 "])
    if kind == "passport":
        value = rng.choice(["E", "G"]) + f"{rng.randrange(10**8):08d}"
        return kind, value, rng.choice(["护照号 ", "护照 ", "passport "])
    if kind == "phone":
        value = rng.choice(PREFIXES) + f"{rng.randrange(10**8):08d}"
        if rng.random() < 0.3:
            value = f"{value[:3]} {value[3:7]} {value[7:]}"
        return kind, value, rng.choice(["电话", "手机", "联系我", "加我"]) + " "
    if kind == "id_card":
        body = (
            rng.choice(REGIONS)
            + f"{rng.randint(1970, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randrange(1000):03d}"
        )
        return kind, body + _id_check(body), "身份证号 "
    if kind == "bank_card":
        card = _luhn_complete(rng.choice(BINS) + f"{rng.randrange(10**12):012d}")
        return (
            kind,
            " ".join(card[i : i + 4] for i in range(0, len(card), 4))
            if rng.random() < 0.5
            else card,
            "卡号 ",
        )
    if kind == "email":
        return (
            kind,
            f"{rng.choice(['zhang', 'lily', 'wang88', 'kaoyan2025'])}{rng.randrange(100)}@{rng.choice(['qq.com', '163.com', 'gmail.com'])}",
            "邮箱 ",
        )
    if kind == "qq":
        return kind, str(rng.randrange(10**7, 10**10)), "QQ "
    return kind, f"0{rng.choice(['10', '21', '755', '571'])}-{rng.randrange(10**7, 10**8)}", "座机 "


def _lookalike(rng: random.Random) -> str:
    choice = rng.randrange(5)
    if choice == 0:
        return f"订单号 {rng.randrange(10**17, 10**18)}"
    if choice == 1:
        return f"快递单号 SF{rng.randrange(10**12, 10**13)}"
    if choice == 2:
        return f"到手价 {rng.randrange(10, 999)}.{rng.randrange(10, 99)} 元，原价 {rng.randrange(1000, 9999)}"
    if choice == 3:
        return f"时间 2026-11-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    body = (
        rng.choice(REGIONS)
        + f"{rng.randint(1970, 2005)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}{rng.randrange(1000):03d}"
    )
    wrong = "10X98765432".replace(_id_check(body), "")[rng.randrange(10)]
    return f"编号 {body}{wrong}"


def make_samples(n: int, seed: int = 7, kinds: list[str] = ALL_KINDS) -> list[Sample]:
    rng = random.Random(seed)
    samples = []
    for i in range(n):
        template = rng.choice(CHATTER)
        if i % 2 == 0:
            kind, value, label = _pii(rng, kinds)
            head = template.split("{x}")[0] + label
            text = head + value + template.split("{x}")[1]
            samples.append(Sample(text, [(len(head), len(head) + len(value), kind)]))
        else:
            samples.append(Sample(template.replace("{x}", _lookalike(rng)), []))
    return samples


def build_presidio(*, context_enhancer: bool = True):  # type: ignore[no-untyped-def]
    """Presidio with the ten recognizers on a blank Chinese spaCy pipeline.

    ``context_enhancer=False`` replaces Presidio's default ``LemmaContextAwareEnhancer`` with one
    that returns the results unchanged: these recognizers carry no context words, so the default
    enhancer never changes a score — it only deep-copies every result (about 12 % of Presidio's
    time here). ``main`` checks that both setups give the same results.
    """
    import spacy
    from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
    from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    class NoContextEnhancer(ContextAwareEnhancer):
        def __init__(self) -> None:
            super().__init__(0.0, 0.0, 0, 0)

        def enhance_using_context(
            self, text, raw_results, nlp_artifacts, recognizers, context=None
        ):  # type: ignore[no-untyped-def]
            return raw_results

    class BlankChineseEngine(SpacyNlpEngine):
        def load(self) -> None:
            self.nlp = {"zh": spacy.blank("zh")}

    class IdRecognizer(PatternRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            return _id_check(pattern_text[:17]) == pattern_text[17].upper()

    class CardRecognizer(PatternRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            digits = re.sub(r"\D", "", pattern_text)
            return _luhn_complete(digits[:-1]) == digits

    def rec(cls, entity: str, regex: str, score: float = 0.8):  # type: ignore[no-untyped-def]
        return cls(
            supported_entity=entity,
            supported_language="zh",
            patterns=[Pattern(entity, regex, score)],
        )

    registry = RecognizerRegistry(supported_languages=["zh"])
    registry.add_recognizer(
        rec(PatternRecognizer, "phone", r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
    )
    registry.add_recognizer(rec(PatternRecognizer, "landline", r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)"))
    registry.add_recognizer(rec(IdRecognizer, "id_card", r"(?<!\d)\d{17}[\dXx](?!\d)"))
    registry.add_recognizer(
        rec(CardRecognizer, "bank_card", r"(?<!\d)(?:\d{4} ?){3}\d{4}(?: ?\d{1,3})?(?!\d)")
    )
    registry.add_recognizer(rec(PatternRecognizer, "email", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"))
    registry.add_recognizer(rec(PatternRecognizer, "qq", r"(?<=QQ )\d{5,11}|(?<=QQ)\d{5,11}"))
    # The four kinds the first version lacked: labelled WeChat ID, street address, plate, passport.
    wechat_labels = (
        "微信",
        "微信 ",
        "微信：",
        "vx",
        "vx ",
        "vx：",
        "vx:",
        "wx",
        "wx ",
        "wx：",
        "wx:",
    )
    registry.add_recognizer(
        rec(
            PatternRecognizer,
            "wechat",
            "(?:" + "|".join(f"(?<={re.escape(lab)})" for lab in wechat_labels) + ")"
            r"[a-zA-Z][-_a-zA-Z0-9]{5,19}(?![-_a-zA-Z0-9])",
        )
    )
    registry.add_recognizer(
        rec(
            PatternRecognizer,
            "address",
            r"(?:[\u4e00-\u9fa5]{2,3}省)?[\u4e00-\u9fa5]{2,4}市[\u4e00-\u9fa5]{1,5}(?:区|县)"
            r"[\u4e00-\u9fa5]{1,8}(?:路|街|道|大道|巷)\d{1,5}号(?:\d{1,3}(?:栋|幢)\d{0,5})?",
        )
    )
    registry.add_recognizer(
        rec(
            PatternRecognizer,
            "plate",
            r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
            r"[A-HJ-NP-Z][·•]?[A-HJ-NP-Z0-9]{5,6}(?![A-Za-z0-9])",
        )
    )
    registry.add_recognizer(
        rec(
            PatternRecognizer,
            "passport",
            r"(?<![A-Za-z0-9])(?:E[A-HJ-NP-Z0-9]\d{7}|[EG]\d{8})(?![0-9])",
        )
    )
    engine = BlankChineseEngine(models=[{"lang_code": "zh", "model_name": "blank"}])
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=engine,
        supported_languages=["zh"],
        context_aware_enhancer=None if context_enhancer else NoContextEnhancer(),
    )


def score(found: list[list[tuple[int, int]]], samples: list[Sample]) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for spans, sample in zip(found, samples, strict=True):
        expected = [(s, e) for s, e, _k in sample.spans]
        hit = [any(fs < e and s < fe for fs, fe in spans) for s, e in expected]
        tp += sum(hit)
        fn += len(hit) - sum(hit)
        fp += sum(1 for fs, fe in spans if not any(fs < e and s < fe for s, e in expected))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _timed(run, rounds: int):  # type: ignore[no-untyped-def]
    """(result, best CPU seconds of ``rounds`` timed runs after one untimed warm-up run)."""
    result = run()
    best = float("inf")
    for _ in range(rounds):
        t0 = time.process_time()
        result = run()
        best = min(best, time.process_time() - t0)
    return result, best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--six-kinds", action="store_true", help="the first version's six kinds")
    args = parser.parse_args()
    samples = make_samples(args.n, kinds=SIX_KINDS if args.six_kinds else ALL_KINDS)
    print(
        f"{len(samples)} messages, {sum(len(s.spans) for s in samples)} with personal data, "
        f"average {sum(len(s.text) for s in samples) / len(samples):.0f} characters"
    )

    from huzhu.screening import ScreenContext, screen, screen_many

    def run_huzhu() -> list[list[tuple[int, int]]]:
        return [
            [(f.start, f.end) for f in screen(s.text).findings if f.kind == "pii"] for s in samples
        ]

    def run_huzhu_many() -> list[list[tuple[int, int]]]:
        return [
            [(f.start, f.end) for f in verdict.findings if f.kind == "pii"]
            for verdict in screen_many([s.text for s in samples])
        ]

    pii_only = ScreenContext(stages=frozenset({"pii"}))

    def run_huzhu_pii() -> list[list[tuple[int, int]]]:
        # Personal data alone (normalize + personal data + masking): what Presidio does.
        return [
            [(f.start, f.end) for f in verdict.findings if f.kind == "pii"]
            for verdict in screen_many([s.text for s in samples], context=pii_only)
        ]

    analyzer = build_presidio()
    analyzer_fast = build_presidio(context_enhancer=False)

    def presidio_runner(engine):  # type: ignore[no-untyped-def]
        def run() -> list[list[tuple[int, int]]]:
            return [
                [(r.start, r.end) for r in engine.analyze(text=s.text, language="zh")]
                for s in samples
            ]

        return run

    # Every engine is warmed on the whole sample set first (lazy tables, regex caches: first-call
    # latency is reported by bench/screen_speed.py), then timed in CPU seconds of this process —
    # the machine is shared — best of ``--rounds``; all of them on the same messages.
    huzhu_found, huzhu_secs = _timed(run_huzhu, args.rounds)
    many_found, many_secs = _timed(run_huzhu_many, args.rounds)
    pii_found, pii_secs = _timed(run_huzhu_pii, args.rounds)
    assert many_found == huzhu_found == pii_found
    presidio_found, presidio_secs = _timed(presidio_runner(analyzer), args.rounds)
    fast_found, fast_secs = _timed(presidio_runner(analyzer_fast), args.rounds)
    assert fast_found == presidio_found
    best_presidio = min(presidio_secs, fast_secs)

    rows = [
        ("Huzhu screen (full pipeline)", huzhu_found, huzhu_secs),
        ("Huzhu screen_many (full pipeline)", many_found, many_secs),
        ("Huzhu screen_many (personal data only)", pii_found, pii_secs),
        ("Presidio (default context enhancer)", presidio_found, presidio_secs),
        ("Presidio (no context enhancer)", fast_found, fast_secs),
    ]
    print(f"{'engine':40} {'msgs/s':>10} {'precision':>10} {'recall':>8} {'F1':>6}")
    for name, found, secs in rows:
        p, r, f = score(found, samples)
        print(f"{name:40} {len(samples) / secs:10.0f} {p:10.3f} {r:8.3f} {f:6.3f}")
    print("speed ratios against the faster Presidio setup:")
    print(f"  Huzhu screen (full pipeline)            {best_presidio / huzhu_secs:.1f}x")
    print(f"  Huzhu screen_many (full pipeline)       {best_presidio / many_secs:.1f}x")
    print(f"  Huzhu screen_many (personal data only)  {best_presidio / pii_secs:.1f}x")
    per_kind = Counter(k for s in samples for _a, _b, k in s.spans)
    for name, found in (("Huzhu", huzhu_found), ("Presidio", presidio_found)):
        missed = Counter(
            k
            for s, f in zip(samples, found, strict=True)
            for st, en, k in s.spans
            if not any(a < en and st < b for a, b in f)
        )
        print(
            f"{name} recall by kind: "
            + ", ".join(f"{k} {per_kind[k] - missed[k]}/{per_kind[k]}" for k in sorted(per_kind))
        )


if __name__ == "__main__":
    main()
