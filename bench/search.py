"""Search benchmark: indexing rate and p95 query latency on a large synthetic index.

    # SQLite, 100,000 items (a fresh file under var/)
    .venv/bin/python bench/search.py --items 100000
    # PostgreSQL, 1,000,000 items (the database is dropped and created again)
    HUZHU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hz_bench_search \\
        .venv/bin/python bench/search.py --items 1000000

What is measured:
- indexing rate: the real pipeline (``search_index_write``: jieba + bigrams, delete and insert in
  one transaction per batch of 500) over ``--index-sample`` items, in one process and in
  ``--workers`` processes at once (as many task workers), items/s; and ``huzhu reindex`` with
  ``--workers`` processes over real Resource rows;
- bulk load: the same segmentation on all workers (multiprocessing), then COPY (PostgreSQL) or
  executemany (SQLite, FTS5 triggers) — how fast a big index is built from scratch;
- query latency: ``huzhu.search.query.search`` end to end (membership lookup, full-text match with
  access filter, re-ranking, snippets), for random members with random realistic queries; and the
  same for the heaviest members (in the five biggest groups).

Items are synthetic but shaped like a 互助群's content: deals, group-buys, questions, answers and
chat lines built from realistic vocabularies; group sizes follow a Zipf law, so a few groups are
huge (the biggest holds ~8 % of all items), as in real life.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# --- synthetic content ------------------------------------------------------------------------

BRANDS = [
    "维达",
    "清风",
    "心相印",
    "蓝月亮",
    "立白",
    "花王",
    "帮宝适",
    "飞鹤",
    "伊利",
    "蒙牛",
    "三只松鼠",
    "良品铺子",
    "小米",
    "华为",
    "苹果",
    "OPPO",
    "vivo",
    "美的",
    "格力",
    "九阳",
    "苏泊尔",
    "安踏",
    "李宁",
    "优衣库",
    "无印良品",
    "屈臣氏",
    "百草味",
    "农夫山泉",
    "元气森林",
    "海底捞",
]
GOODS = [
    "抽纸",
    "纸巾",
    "湿巾",
    "洗衣液",
    "洗洁精",
    "纸尿裤",
    "奶粉",
    "坚果礼盒",
    "牛奶",
    "酸奶",
    "手机壳",
    "钢化膜",
    "充电宝",
    "蓝牙耳机",
    "电饭煲",
    "空气炸锅",
    "豆浆机",
    "保温杯",
    "运动鞋",
    "羽绒服",
    "T恤",
    "卫衣",
    "洗发水",
    "沐浴露",
    "牙膏",
    "面膜",
    "防晒霜",
    "猫粮",
    "狗粮",
    "大米",
    "食用油",
    "鸡蛋",
    "榴莲",
    "车厘子",
    "草莓",
    "火锅底料",
    "螺蛳粉",
    "咖啡豆",
    "茶叶",
    "iPhone15",
    "Mate60",
    "iPad",
]
PLATFORMS = ["拼多多", "淘宝", "京东", "天猫", "美团", "抖音商城"]
SUBJECTS = [
    "高数",
    "线代",
    "概率论",
    "考研英语",
    "政治",
    "专业课",
    "雅思口语",
    "托福听力",
    "四级单词",
    "六级作文",
    "教资",
    "公务员申论",
    "行测",
    "会计",
    "Python",
    "Java",
    "Excel",
    "PPT",
]
STUDY = ["笔记", "真题", "网课", "模板", "错题本", "复习计划", "资料包", "视频", "题库", "思维导图"]
WORK = [
    "面试",
    "简历",
    "加班费",
    "年终奖",
    "跳槽",
    "社保",
    "公积金",
    "试用期",
    "离职证明",
    "内推",
    "绩效",
]
LIFE = [
    "租房",
    "搬家",
    "带娃",
    "做饭",
    "健身",
    "减肥",
    "看病",
    "挂号",
    "快递",
    "外卖",
    "停车",
    "装修",
    "通勤",
    "旅游",
    "签证",
    "宠物",
    "理财",
    "信用卡",
    "医保",
    "疫苗",
]
CITIES = [
    "北京",
    "上海",
    "广州",
    "深圳",
    "杭州",
    "成都",
    "武汉",
    "南京",
    "西安",
    "重庆",
    "苏州",
    "长沙",
]
FILLERS = [
    "大家",
    "有没有",
    "求推荐",
    "真的",
    "特别",
    "非常",
    "今天",
    "刚刚",
    "昨天",
    "已经",
    "还是",
    "可以",
    "谢谢",
    "姐妹们",
    "宝妈们",
    "同学们",
    "有人知道吗",
    "急",
    "在线等",
    "亲测有效",
]

QUERIES = [
    "纸巾",
    "抽纸",
    "湿巾",
    "洗衣液",
    "奶粉",
    "纸尿裤",
    "手机壳",
    "高数",
    "高数笔记",
    "考研英语",
    "考研英语真题",
    "雅思口语",
    "iphone15",
    "iPhone 15 手机壳",
    "租房",
    "租房合同",
    "带娃",
    "面试",
    "简历模板",
    "加班费怎么算",
    "空气炸锅",
    "拼多多 纸巾",
    "京东 奶粉",
    "上海租房",
    "杭州 带娃",
    "python",
    "Excel 模板",
    "公积金",
    "社保",
    "外卖红包",
    "车厘子",
    "螺蛳粉",
    "四级单词",
    "教资 真题",
    "线代 网课",
    "蓝月亮洗衣液",
    "维达抽纸",
    "哪里买奶粉",
    "怎么复习高数",
    "装修",
]


def _price(rng: random.Random) -> tuple[float, float]:
    original = rng.choice([9.9, 19.9, 29.9, 45, 59, 89, 99, 129, 199, 299, 499, 999, 2999, 5999])
    return round(original * rng.uniform(0.4, 0.9), 1), original


def synth_item(rng: random.Random) -> tuple[str, str, str, str]:
    """(kind, subkind, title, body) of one realistic item."""
    roll = rng.random()
    brand, goods, plat = rng.choice(BRANDS), rng.choice(GOODS), rng.choice(PLATFORMS)
    if roll < 0.25:
        price, original = _price(rng)
        title = f"{brand}{goods}{rng.choice(['特价', '好价', '百亿补贴', '限时秒杀', '满减'])}"
        body = (
            f"{plat}{brand}{goods}，到手{price}元，原价{original}元，"
            f"{rng.choice(FILLERS)}{rng.choice(['囤货', '冲', '手慢无', '可以叠券', '包邮'])}"
        )
        return "resource", "deal", title, body
    if roll < 0.40:
        price, _original = _price(rng)
        title = f"拼团：{brand}{goods}"
        body = f"【{plat}】还差{rng.randint(1, 4)}人成团，{brand}{goods}{price}元，{rng.choice(FILLERS)}帮忙拼一下"
        return "aid_request", "groupbuy", title, body
    if roll < 0.55:
        topic = rng.choice(
            [
                f"{rng.choice(SUBJECTS)}{rng.choice(STUDY)}",
                rng.choice(WORK),
                f"{rng.choice(CITIES)}{rng.choice(LIFE)}",
                f"{brand}{goods}",
            ]
        )
        title = f"{topic}{rng.choice(['怎么选？', '有推荐吗？', '怎么办？', '靠谱吗？', '哪里买？', '求助'])}"
        body = f"{rng.choice(FILLERS)}，{topic}{rng.choice(['第一次', '一直', '最近'])}遇到问题，{rng.choice(FILLERS)}"
        return "aid_request", "question", title, body
    if roll < 0.70:
        topic = rng.choice(
            [
                f"{rng.choice(SUBJECTS)}{rng.choice(STUDY)}",
                rng.choice(WORK),
                rng.choice(LIFE),
                goods,
            ]
        )
        body = (
            f"{rng.choice(['我的经验是', '建议', '亲测', '推荐'])}{topic}"
            f"{rng.choice(['先看', '多对比', '找靠谱的', '别着急'])}，{rng.choice(FILLERS)}"
        )
        return "aid_answer", "answer", f"{topic}有推荐吗？", body
    if roll < 0.80:
        kind = rng.choice(["guide", "study", "experience", "tip"])
        topic = rng.choice(
            [
                f"{rng.choice(SUBJECTS)}{rng.choice(STUDY)}",
                rng.choice(WORK),
                f"{rng.choice(CITIES)}{rng.choice(LIFE)}",
            ]
        )
        title = f"{topic}{rng.choice(['攻略', '经验分享', '避坑指南', '整理', '小技巧'])}"
        body = f"{topic}：第一，{rng.choice(FILLERS)}；第二，{rng.choice(LIFE)}也要注意；第三，{rng.choice(WORK)}"
        return "resource", kind, title, body
    body = (
        f"{rng.choice(FILLERS)}{rng.choice([goods, rng.choice(LIFE), rng.choice(SUBJECTS)])}"
        f"{rng.choice(['怎么样', '好用吗', '太贵了', '降价了', '买到了', '在哪买'])}"
        f"{rng.choice(['', '？', '！', '哈哈', '[捂脸]'])}"
    )
    return "chat_message", "message", "", body


def _segment_chunk(args: tuple[int, int, int]) -> list[tuple[str, str, str, str, str]]:
    seed, start, count = args
    from huzhu.search.segment import index_terms

    rng = random.Random(seed * 1_000_003 + start)
    out = []
    for _ in range(count):
        kind, subkind, title, body = synth_item(rng)
        out.append((kind, subkind, title, body, index_terms(f"{title}\n{body}")))
    return out


# --- setup ------------------------------------------------------------------------------------


def django_setup(sqlite_path: Path | None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("HUZHU_LOG_LEVEL", "WARNING")
    if sqlite_path is not None:
        os.environ["HUZHU_DATA_DIR"] = str(sqlite_path.parent)
    import django

    django.setup()
    if sqlite_path is not None:
        from django.conf import settings

        settings.DATABASES["default"]["NAME"] = str(sqlite_path)


def fresh_postgres(url: str) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    admin = psycopg.connect(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}"')
    admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    admin.close()


def make_people(
    *, groups: int, users: int, rng: random.Random
) -> tuple[list[int], dict[int, list[int]]]:
    """Groups and users with active memberships, bulk-inserted (no services: speed)."""
    from django.contrib.auth.hashers import make_password

    from huzhu.accounts.models import User
    from huzhu.groups.models import Group, Membership

    password = make_password(None)
    User.objects.bulk_create(
        [
            User(username=f"bench{i}", display_name=f"群友{i}", password=password)
            for i in range(users)
        ],
        batch_size=2000,
    )
    user_ids = list(User.objects.order_by("id").values_list("id", flat=True))
    Group.objects.bulk_create([Group(name=f"互助群{i}") for i in range(groups)], batch_size=2000)
    group_ids = list(Group.objects.order_by("id").values_list("id", flat=True))
    weights = [1 / (rank + 1) for rank in range(groups)]  # Zipf: a few huge groups
    member_of: dict[int, list[int]] = {}
    rows = []
    for uid in user_ids:
        mine = set(rng.choices(group_ids, weights=weights, k=rng.randint(1, 5)))
        member_of[uid] = sorted(mine)
        rows.extend(Membership(group_id=g, user_id=uid) for g in mine)
    Membership.objects.bulk_create(rows, batch_size=5000)
    return group_ids, member_of


def bulk_load(*, items: int, group_ids: list[int], seed: int, workers: int) -> float:
    """Segment ``items`` synthetic items on all cores and load them; returns seconds."""
    from django.db import connection

    rng = random.Random(seed)
    weights = [1 / (rank + 1) for rank in range(len(group_ids))]
    chunk = 5000
    jobs = [(seed, start, min(chunk, items - start)) for start in range(0, items, chunk)]
    started = time.perf_counter()
    now = datetime.now(UTC)
    oid = 100_000_000  # clear of real object ids indexed by the rate measurements
    vendor = connection.vendor
    if vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("DROP INDEX IF EXISTS search_doc_vector")
            cur.execute("DROP INDEX IF EXISTS search_doc_recent_terms")
    done = 0
    with Pool(workers) as pool:
        for rows in pool.imap(_segment_chunk, jobs):
            groups = rng.choices(group_ids, weights=weights, k=len(rows))
            records = []
            for (kind, subkind, title, body, segmented), gid in zip(rows, groups, strict=True):
                oid += 1
                created = now - timedelta(days=rng.random() * 365)
                records.append(
                    (
                        kind,
                        oid,
                        subkind,
                        gid,
                        title,
                        body,
                        segmented,
                        rng.randint(0, 12),
                        1.0,
                        "",
                        created,
                        now,
                    )
                )
            cols = (
                "kind, object_id, subkind, group_id, title, body, segmented, helpfulness, boost,"
                " flags, created_at, indexed_at"
            )
            with connection.cursor() as cur:
                if vendor == "postgresql":
                    raw = cur.cursor
                    with raw.copy(f"COPY search_searchdoc ({cols}) FROM STDIN") as copy:
                        for rec in records:
                            copy.write_row(rec)
                else:
                    marks = ", ".join(["%s"] * 12)
                    cur.executemany(
                        f"INSERT INTO search_searchdoc ({cols}) VALUES ({marks})",  # noqa: S608
                        records,
                    )
            done += len(records)
            if done % 100_000 < len(records) or done == items:
                print(f"  loaded {done:,}/{items:,}", flush=True)
    if vendor == "postgresql":
        with connection.cursor() as cur:
            t = time.perf_counter()
            cur.execute("CREATE INDEX search_doc_vector ON search_searchdoc USING GIN (vector)")
            print(f"  GIN index built in {time.perf_counter() - t:.1f} s")
            t = time.perf_counter()
            cur.execute(
                "CREATE INDEX search_doc_recent_terms ON search_searchdoc"
                " USING GIN (search_recent_terms(segmented, group_id, created_at))"
            )
            print(f"  recent-documents GIN index built in {time.perf_counter() - t:.1f} s")
            cur.execute("ANALYZE search_searchdoc")
            cur.execute("ANALYZE groups_membership")
    return time.perf_counter() - started


def _index_batches(batches: list) -> int:
    from huzhu.search.services import search_index_write

    return sum(search_index_write(kind="resource", docs=batch) for batch in batches)


def indexing_rate(
    *, n: int, group_ids: list[int], seed: int, procs: int = 1
) -> tuple[float, float]:
    """The real per-batch pipeline (what each task worker runs): segment + delete + insert in
    batches of 500, in ``procs`` processes at once (task workers), items/s."""
    from django.db import connections

    from huzhu.search.segment import jieba_load
    from huzhu.search.sources import DocData

    jieba_load()
    rng = random.Random(seed + 7)
    now = datetime.now(UTC)
    batches = []
    base = 50_000_000 + 1_000_000 * procs
    for b in range(0, n, 500):
        batch = []
        for i in range(b, min(b + 500, n)):
            _kind, subkind, title, body = synth_item(rng)
            batch.append(
                DocData(
                    object_id=base + i,
                    group_id=rng.choice(group_ids),
                    author_id=None,
                    subkind=subkind,
                    title=title,
                    body=body,
                    index_text=f"{title}\n{body}",
                    created_at=now,
                )
            )
        batches.append(batch)
    cpu0 = _cpu()
    started = time.perf_counter()
    if procs == 1:
        _index_batches(batches)
    else:
        connections.close_all()  # each forked worker opens its own connection
        shares = [batches[i::procs] for i in range(procs)]
        with Pool(procs) as pool:
            pool.map(_index_batches, shares)
    return n / (time.perf_counter() - started), n / (_cpu() - cpu0)


def reindex_rate(*, n: int, group_ids: list[int], seed: int, workers: int) -> tuple[float, float]:
    """``huzhu reindex`` over ``n`` real Resource rows with ``workers`` segmenting processes."""
    from huzhu.accounts.models import User
    from huzhu.resources.models import Resource
    from huzhu.search.services import search_reindex

    rng = random.Random(seed + 5)
    author = User.objects.order_by("id").first()
    rows = []
    for _ in range(n):
        _kind, subkind, title, body = synth_item(rng)
        rows.append(
            Resource(
                group_id=rng.choice(group_ids),
                author=author,
                kind="tip" if subkind not in ("deal", "guide", "study", "experience") else subkind,
                title=title[:100] or body[:20],
                body=body,
            )
        )
    Resource.objects.bulk_create(rows, batch_size=2000)
    cpu0 = _cpu()
    started = time.perf_counter()
    done = search_reindex(kinds=["resource"], workers=workers)
    wall = time.perf_counter() - started
    return done / wall, done / (_cpu() - cpu0)


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the segmenting workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def query_latency(*, users: list[int], rounds: int, seed: int) -> dict[str, float]:
    from huzhu.accounts.models import User
    from huzhu.search.query import search

    rng = random.Random(seed + 11)
    people = {u.pk: u for u in User.objects.filter(pk__in=set(users))}
    for q in QUERIES[:10]:  # warm caches and the query dictionary
        search(user=people[users[0]], query=q)
    times, cpus, hits = [], [], []
    for _ in range(rounds):
        user = people[rng.choice(users)]
        query = rng.choice(QUERIES)
        t = time.perf_counter()
        c = time.process_time()
        result = search(user=user, query=query)
        cpus.append((time.process_time() - c) * 1000)
        times.append((time.perf_counter() - t) * 1000)
        hits.append(len(result.hits))
    return {
        "cpu_p50": percentile(cpus, 50),
        "cpu_p95": percentile(cpus, 95),
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "p99": percentile(times, 99),
        "max": max(times),
        "mean_hits": statistics.mean(hits),
    }


def run_queries(
    args: argparse.Namespace,
    *,
    group_ids: list[int] | None = None,
    member_of: dict[int, list[int]] | None = None,
) -> None:
    from django.db.models import Count

    from huzhu.groups.models import Group, Membership
    from huzhu.search.models import SearchDoc

    if group_ids is None or member_of is None:
        group_ids = list(Group.objects.values_list("id", flat=True))
        member_of = {}
        for uid, gid in Membership.objects.values_list("user_id", "group_id"):
            member_of.setdefault(uid, []).append(gid)
        print(f"queries only, on {SearchDoc.objects.count():,} indexed items")
    sizes = dict(
        SearchDoc.objects.values_list("group_id")
        .annotate(n=Count("id"))
        .values_list("group_id", "n")
    )
    biggest = sorted(group_ids, key=lambda g: -sizes.get(g, 0))[:5]
    typical = list(member_of)
    heavy = [u for u, gs in member_of.items() if len(set(gs) & set(biggest)) >= 3] or typical[:50]
    reachable = statistics.mean(sum(sizes.get(g, 0) for g in member_of[u]) for u in typical)
    print(
        f"biggest group {sizes.get(biggest[0], 0):,} items; a member reaches {reachable:,.0f} items on average"
    )

    typ = query_latency(users=typical, rounds=args.queries, seed=args.seed)
    hvy = query_latency(users=heavy, rounds=max(200, args.queries // 4), seed=args.seed + 1)
    heavy_reach = statistics.mean(sum(sizes.get(g, 0) for g in member_of[u]) for u in heavy)
    print(
        f"query latency, random members: p50 {typ['p50']:.1f} ms, p95 {typ['p95']:.1f} ms, "
        f"p99 {typ['p99']:.1f} ms, max {typ['max']:.1f} ms, {typ['mean_hits']:.1f} hits/query; "
        f"CPU time of this process p50 {typ['cpu_p50']:.1f} ms, p95 {typ['cpu_p95']:.1f} ms"
    )
    print(
        f"query latency, members of >=3 of the 5 biggest groups ({heavy_reach:,.0f} items reachable): "
        f"p50 {hvy['p50']:.1f} ms, p95 {hvy['p95']:.1f} ms, p99 {hvy['p99']:.1f} ms; "
        f"CPU p95 {hvy['cpu_p95']:.1f} ms"
    )
    print(f"load average after the queries: {os.getloadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--index-sample", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument(
        "--queries-only",
        action="store_true",
        help="measure queries on the index a previous run built (after a query change)",
    )
    parser.add_argument(
        "--no-queries",
        action="store_true",
        help="build the index and measure indexing only (query latency later, under the lock)",
    )
    args = parser.parse_args()

    url = os.environ.get("HUZHU_DATABASE_URL", "")
    sqlite_path = None
    if url and not args.queries_only:
        fresh_postgres(url)
    elif not url:
        sqlite_path = ROOT / "var" / "bench_search.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            if not args.queries_only:
                Path(str(sqlite_path) + suffix).unlink(missing_ok=True)
    django_setup(sqlite_path)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    if args.queries_only:
        run_queries(args)
        return
    print(
        f"backend {connection.vendor}; {args.items:,} items, {args.groups:,} groups, {args.users:,} users"
    )
    group_ids, member_of = make_people(groups=args.groups, users=args.users, rng=rng)
    # Rates first, on an empty index: a full reindex drops index rows it did not write, which
    # would include the synthetic rows bulk-loaded below.
    rwall, rcpu = reindex_rate(
        n=args.index_sample, group_ids=group_ids, seed=args.seed, workers=args.workers
    )
    print(
        f"indexing rate (huzhu reindex --workers {args.workers}, real Resource rows): "
        f"{rwall:,.0f} items/s wall clock, {rcpu:,.0f} items per CPU-second"
    )
    for procs in sorted({1, args.workers}):
        wall, cpu = indexing_rate(
            n=args.index_sample, group_ids=group_ids, seed=args.seed, procs=procs
        )
        print(
            f"indexing rate (task pipeline, {procs} process(es), batches of 500): {wall:,.0f} "
            f"items/s wall clock, {cpu:,.0f} items per CPU-second (server CPU not included)"
        )
    print(f"load average while measuring: {os.getloadavg()}")
    load_s = bulk_load(items=args.items, group_ids=group_ids, seed=args.seed, workers=args.workers)
    print(
        f"bulk load: {args.items / load_s:,.0f} items/s with {args.workers} workers ({load_s:.0f} s)"
    )

    if not args.no_queries:
        run_queries(args, group_ids=group_ids, member_of=member_of)
    cpu = subprocess.run(
        ["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    print(
        f"machine: {platform.node()}, {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"
    )


if __name__ == "__main__":
    main()
