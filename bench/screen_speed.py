"""Screening speed, memory and first-call latency (issue 3 targets).

Usage::

    .venv/bin/python bench/screen_speed.py            # full report
    .venv/bin/python bench/screen_speed.py --quick    # fewer rounds
    .venv/bin/python bench/screen_speed.py --profile  # cProfile of the 30-char run (top 25)
    .venv/bin/python bench/screen_speed.py --batch-stages  # µs per step of screen_many

Measures, single core (one process, no threads):

- messages/s of ``screen()`` (text by text) and of ``screen_many()`` (batches, what ``huzhu screen``
  and the screening API use) for 30-character and 100-character messages with every
  normalization on (a seeded mix of plain chatter, traditional characters, full-width forms,
  inserted separators, Chinese-numeral phone numbers, ID/card numbers, links, scam wording);
- the same with a per-group ``RecentWindow`` (dedup on);
- per-stage cost;
- RSS of the loaded engine and the latency of the first ``screen()`` call after import (in a fresh
  subprocess).

Presidio side by side: ``bench/screen_vs_presidio.py`` (separate script, needs the bench extra
``presidio-analyzer``); ``presidio_compare(messages)`` below is the hook to fold its figures into
this report, and returns None until then.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from huzhu.screening import (  # noqa: E402
    RecentWindow,
    ScreenContext,
    classify,
    lexicon,
    links,
    pii,
    screen,
    screen_many,
)
from huzhu.screening.normalize import normalize  # noqa: E402

CHATTER = [
    "今天拼多多有活动，大家帮我砍一刀，谢谢啦",
    "明天下午三点开会，记得带电脑和充电器",
    "这个攻略不错，收藏了，回头试试看",
    "谁有考研英语的资料，求分享一下",
    "家里的猫又掉毛了怎么办，有没有好用的梳子",
    "周末一起去爬山吗，天气预报说是晴天",
    "这家店的奶茶第二杯半价，下班去买",
    "孩子作业不会做，数学题有人帮忙看看吗",
    "团购的水果到了，记得去门口拿",
    "请问这个优惠券还能用吗，过期了没有",
    "今天加班到九点，累死了",
    "刚拼成功了，谢谢大家帮忙助力",
    "有没有人知道附近哪里修手机比较靠谱",
    "简历写好了，谁能帮我看看有什么问题",
]
TRADITIONAL = ["請問這個優惠券還能用嗎", "謝謝大家幫忙助力", "這家店的奶茶第二杯半價"]
SCAM = [
    "兼职刷单日赚五百，加微信详聊",
    "无抵押贷款当天放款，私聊我",
    "恭喜您中奖了，点击链接领取奖品",
    "您的快递丢失，客服为您办理退款",
]
EVASIONS = ["加 微 信", "刷*单", "兼☆职", "ｖｘ", "扣扣"]


def _phone(rng: random.Random) -> str:
    digits = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
    style = rng.randrange(4)
    if style == 0:
        return digits
    if style == 1:
        return "".join("零一二三四五六七八九"[int(c)] for c in digits)
    if style == 2:
        return "".join(chr(0xFF10 + int(c)) for c in digits)
    return f"{digits[:3]} {digits[3:7]} {digits[7:]}"


def make_messages(
    length: int, count: int, seed: int = 3, *, plain_share: float = 0.55
) -> list[str]:
    """``count`` messages of exactly ``length`` characters, a seeded mix.

    Each message is built from segments; a segment is plain chatter with probability
    ``plain_share`` and otherwise one of: traditional characters, a disguised phone number, scam
    wording, an evasion, a shopping link with sharer parameters, an order number with a price,
    full-width text. ``plain_share=0.55`` is the adversarial "mixed" corpus (almost every message
    exercises several normalizations); ``0.95`` is closer to real group chat.
    """
    rng = random.Random(seed)
    out: list[str] = []
    rest = 1.0 - plain_share
    while len(out) < count:
        parts: list[str] = []
        while sum(map(len, parts)) < length:
            roll = rng.random()
            if roll < plain_share:
                parts.append(rng.choice(CHATTER))
            else:
                kind = int((roll - plain_share) / rest * 8)
                if kind == 0:
                    parts.append(rng.choice(TRADITIONAL))
                elif kind == 1:
                    parts.append("电话" + _phone(rng))
                elif kind == 2:
                    parts.append(rng.choice(SCAM))
                elif kind == 3:
                    parts.append(rng.choice(EVASIONS))
                elif kind == 4:
                    parts.append(
                        "https://mobile.yangkeduo.com/goods.html?goods_id="
                        + str(rng.randint(10**8, 10**9))
                        + "&share_uin=AB"
                    )
                elif kind == 5:
                    parts.append(f"订单号{rng.randint(10**17, 10**18)}，价格¥{rng.randint(1, 999)}")
                elif kind == 6:
                    parts.append("ＡＢＣ全角字符１２３")
                else:
                    parts.append(rng.choice(TRADITIONAL) + rng.choice(EVASIONS))
            parts.append(rng.choice("，。！ "))
        out.append("".join(parts)[:length])
    return out


def rate(messages: list[str], context_factory=None, rounds: int = 3) -> float:
    """Best-of-``rounds`` messages per CPU-second of this process.

    CPU time rather than wall time: the benchmark machine is shared, and CPU time of one
    single-threaded process is what "one core" means.
    """
    best = 0.0
    for _ in range(rounds):
        contexts = [context_factory(i) for i in range(len(messages))] if context_factory else None
        start = time.process_time()
        if contexts is None:
            for text in messages:
                screen(text)
        else:
            for text, ctx in zip(messages, contexts, strict=True):
                screen(text, context=ctx)
        elapsed = time.process_time() - start
        best = max(best, len(messages) / elapsed)
    return best


def rate_many(messages: list[str], context: ScreenContext | None = None, rounds: int = 3) -> float:
    """Like ``rate`` for ``screen_many`` over the whole list (it batches internally)."""
    best = 0.0
    for _ in range(rounds):
        start = time.process_time()
        screen_many(messages, context=context)
        elapsed = time.process_time() - start
        best = max(best, len(messages) / elapsed)
    return best


def stage_costs(messages: list[str]) -> dict[str, float]:
    """Microseconds per message spent in each stage (measured separately)."""
    norms = [normalize(t) for t in messages]
    stages = {
        "normalize": lambda: [normalize(t) for t in messages],
        "pii": lambda: [pii.scan(n) for n in norms],
        "lexicon": lambda: [lexicon.scan(n) for n in norms],
        "links": lambda: [links.scan(n) for n in norms],
    }
    stages["classify"] = lambda: [classify.findings(n) for n in norms]
    # What the engine runs: one joint scan for the classifier that also tells whether the word
    # lists can hit; the word-list scan only then.
    stages["classify+lexicon joint"] = lambda: [
        lexicon.scan(n) if classify.findings_and_terms(n)[1] else () for n in norms
    ]
    out: dict[str, float] = {}
    for name, fn in stages.items():
        fn()
        start = time.process_time()
        fn()
        out[name] = (time.process_time() - start) / len(messages) * 1e6
    return out


def batch_stage_costs(messages: list[str], rounds: int = 3) -> dict[str, float]:
    """Microseconds per message in each step of ``screen_many``'s batch path (default context),
    best of ``rounds``. The steps mirror ``engine._screen_batch``; their sum is close to, not
    exactly, the cost of ``screen_many`` (the timer calls cost a little)."""
    from huzhu.screening import engine, hints
    from huzhu.screening.normalize import normalize_many

    best: dict[str, float] = {}
    ctx = engine._DEFAULT_CONTEXT
    spent: dict[str, float] = {}

    def tick(name: str, since: float) -> float:
        now = time.process_time()
        spent[name] = spent.get(name, 0.0) + now - since
        return now

    for _ in range(rounds):
        spent.clear()
        for pos in range(0, len(messages), engine.BATCH):
            texts = messages[pos : pos + engine.BATCH]
            t = time.process_time()
            flags = hints.char_flags(texts)
            t = tick("hints", t)
            norms = normalize_many(texts, flags)
            t = tick("normalize", t)
            changed = [i for i, n in enumerate(norms) if n.text is not n.original]
            for i, f in zip(
                changed, hints.char_flags([norms[i].text for i in changed]), strict=True
            ):
                flags[i] = f
            t = tick("hints of normalized texts", t)
            found = pii.scan_many(
                norms,
                [bool(f & hints.PII) for f in flags],
                [bool(f & hints.DIGIT) for f in flags],
                [bool(f & hints.LETTER) for f in flags],
            )
            contacts = [[x for x in fo if x.category in engine._CONTACT] for fo in found]
            t = tick("pii", t)
            views = [
                normalize(engine._without_contacts(n.original, c)).text if c else n.text
                for n, c in zip(norms, contacts, strict=True)
            ]
            views = [engine._LONG_NUMBER_RE.sub("", v) for v in views]
            t = tick("classifier view (approx.)", t)
            classified = classify.findings_many(norms, views)
            t = tick("classify (numpy)", t)
            words = lexicon.may_match_many([n.text for n in norms])
            t = tick("word-list presence scan", t)
            for text, n, fo, c, cls, w, f in zip(
                texts, norms, found, contacts, classified, words, flags, strict=True
            ):
                links_too = bool(f & hints.LINK)
                if fo or cls or w or links_too:
                    engine._back(text, n, ctx, list(fo), c, cls, w, links_too)
            tick("word lists, links, rules, verdict (texts with a hit)", t)
        for name, secs in spent.items():
            us = secs / len(messages) * 1e6
            best[name] = min(best.get(name, us), us)
    best["sum"] = sum(best.values())
    return {k: round(v, 2) for k, v in best.items()}


_NO_CLASSIFIER = frozenset({"pii", "lexicon", "links", "dedup"})


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def first_call() -> dict[str, float]:
    """Import time, first-call latency and RSS in a fresh interpreter."""
    code = (
        "import time, json\n"
        "t0 = time.perf_counter()\n"
        "from huzhu.screening import screen, screen_many\n"
        "t1 = time.perf_counter()\n"
        "screen('加微信 一三八 1234 五六七八 兼职刷单 https://t.cn/abc')\n"
        "t2 = time.perf_counter()\n"
        "def rss():\n"
        "    line = [l for l in open('/proc/self/status') if l.startswith('VmRSS:')][0]\n"
        "    return int(line.split()[1]) / 1024\n"
        "r1 = rss()\n"
        "t3 = time.perf_counter()\n"
        "screen_many(['加微信 一三八 1234 五六七八 兼职刷单', '今天拼多多有活动 https://t.cn/abc'])\n"
        "t4 = time.perf_counter()\n"
        "print(json.dumps({'import_s': t1 - t0, 'first_call_s': t2 - t1, 'rss_mb': r1,\n"
        "                  'first_many_call_s': t4 - t3, 'rss_after_many_mb': rss()}))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=ROOT
    )
    return json.loads(out.stdout)


def presidio_compare(messages: list[str]) -> dict[str, float] | None:
    """Hook for the Presidio side-by-side run (later task): None until it is implemented."""
    return None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--batch-stages",
        action="store_true",
        help="only the per-step cost of screen_many on chat 100 and on the Presidio messages",
    )
    args = parser.parse_args()
    count = 5_000 if args.quick else 20_000
    rounds = 2 if args.quick else 3

    fresh = first_call()
    short = make_messages(30, count)
    long = make_messages(100, count // 2, seed=4)
    for text in short[:200] + long[:200]:  # warm the lazy tables
        screen(text)
    screen_many(short[:600] + long[:600])

    if args.batch_stages:
        sys.path.insert(0, str(ROOT / "bench"))
        from screen_vs_presidio import make_samples

        report = {
            "chat_100_chars": batch_stage_costs(make_messages(100, 5000, seed=6, plain_share=0.95)),
            "presidio_messages": batch_stage_costs([s.text for s in make_samples(3000)]),
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for text in short:
            screen(text)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return 0

    windows = [RecentWindow() for _ in range(20)]  # 20 groups

    def with_window(i: int) -> ScreenContext:
        return ScreenContext(author_id=i % 97, window=windows[i % 20], now=i * 0.5)

    one_group = ScreenContext(author_id=1, window=RecentWindow(), now=0.0)
    chat_short = make_messages(30, count, seed=5, plain_share=0.95)
    chat_long = make_messages(100, count // 2, seed=6, plain_share=0.95)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
        "unit": "messages per CPU-second, one process, one thread",
        "mixed_30_chars": round(rate(short, rounds=rounds)),
        "mixed_100_chars": round(rate(long, rounds=rounds)),
        "chat_30_chars": round(rate(chat_short, rounds=rounds)),
        "chat_100_chars": round(rate(chat_long, rounds=rounds)),
        "mixed_30_chars_with_window": round(rate(short, with_window, rounds=rounds)),
        "mixed_30_chars_one_group_window": round(rate(short, lambda i: one_group, rounds=rounds)),
        "many_chat_30_chars": round(rate_many(chat_short, rounds=rounds)),
        "many_chat_100_chars": round(rate_many(chat_long, rounds=rounds)),
        "many_mixed_30_chars": round(rate_many(short, rounds=rounds)),
        "many_mixed_100_chars": round(rate_many(long, rounds=rounds)),
        "many_mixed_30_chars_one_group_window": round(
            rate_many(short, ScreenContext(author_id=1, window=RecentWindow(), now=0.0), rounds)
        ),
        "many_chat_30_chars_without_classifier": round(
            rate_many(chat_short, ScreenContext(stages=_NO_CLASSIFIER), rounds=rounds)
        ),
        "chat_30_chars_without_classifier": round(
            rate(chat_short, lambda i: ScreenContext(stages=_NO_CLASSIFIER), rounds=rounds)
        ),
        "chat_100_chars_without_classifier": round(
            rate(chat_long, lambda i: ScreenContext(stages=_NO_CLASSIFIER), rounds=rounds)
        ),
        "stage_us_mixed_30": {k: round(v, 2) for k, v in stage_costs(short).items()},
        "stage_us_mixed_100": {k: round(v, 2) for k, v in stage_costs(long).items()},
        "stage_us_chat_30": {k: round(v, 2) for k, v in stage_costs(chat_short).items()},
        "loaded_rss_mb": round(rss_mb(), 1),
        "fresh_import_s": round(fresh["import_s"], 3),
        "fresh_first_call_s": round(fresh["first_call_s"], 3),
        "fresh_rss_after_first_call_mb": round(fresh["rss_mb"], 1),
        "fresh_first_screen_many_s": round(fresh["first_many_call_s"], 3),
        "fresh_rss_after_first_screen_many_mb": round(fresh["rss_after_many_mb"], 1),
        "presidio": presidio_compare(short[:1000]),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
