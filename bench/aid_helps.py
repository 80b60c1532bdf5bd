"""Helps recorded per second through the HTTP API, with p50/p99 latency (PostgreSQL).

What it measures: ``POST /api/v1/aid/requests/{id}/helps`` with a Bearer token and an
Idempotency-Key, the path a bot or the web page's "我已参团 / 我已助力" button takes: token auth,
the request row lock, the help row, the counter, the zero-sum ledger pair and the requester's
notification, all committed before the response.

How: creates a fresh PostgreSQL database, migrates it, builds one group with helpers, requesters
and open boosts (each needing 100 helps) through the real services, starts uvicorn on a spare
127.0.0.1 port, warms up, then sends every (helper, request) pair once from ``--concurrency``
keep-alive clients. Afterwards it checks that every help landed exactly once and that the ledger
sums to zero.

    .venv/bin/python bench/aid_helps.py [--helps 6000] [--concurrency 32] [--workers 2]
        [--pool 8] [--threads 8] [--prepare 1]

Without options the server runs with the product's defaults (4 HTTP threads per worker, kept
connections, prepared statements). ``--pool``: psycopg's pool per worker (``HUZHU_DB_POOL``);
``--threads``: HTTP on that many persistent threads per worker (``HUZHU_HTTP_THREADS``; 0:
Django's ASGI handler); ``--prepare N``: statements prepared after N runs
(``HUZHU_DB_PREPARE_THRESHOLD``; -1: client-side binding, ``HUZHU_DB_SERVER_BINDING=0``). The load
generator is a minimal keep-alive HTTP/1.1 client on asyncio streams, and its CPU per help is
printed: it shares the machine's cores with the server and PostgreSQL.

Environment: ``BENCH_PG`` (default ``postgres://postgres@127.0.0.1:5432``) — the server;
``BENCH_DB`` (default ``huzhu_bench_aid``) — the database on it, dropped and recreated.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "huzhu_bench_aid")
DB_URL = f"{PG}/{DB_NAME}"
NEEDED = 100
POOL = 0
THREADS: int | None = None
PREPARE: int | None = None


def _recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def _setup_django() -> None:
    os.environ["HUZHU_DATABASE_URL"] = DB_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _build(helpers: int, requests: int) -> tuple[list[str], list[int], dict[int, int]]:
    """(helper tokens, request ids, request id → requester index or -1)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from huzhu.accounts.models import User
    from huzhu.accounts.services import api_token_create
    from huzhu.aid.services import aid_request_post
    from huzhu.groups.services import group_create, group_join, invite_create

    def user(name: str) -> User:
        u = User(username=name, display_name=name)
        u.set_unusable_password()
        u.save()
        return u

    owner = user("bench_owner")
    group = group_create(actor=owner, name="压测互助群", capacity=2000)
    invite = invite_create(actor=owner, group=group, expires_in_hours=24)
    helper_users = [user(f"helper{i}") for i in range(helpers)]
    requesters = [user(f"asker{i}") for i in range(requests)]
    for u in helper_users + requesters:
        group_join(user=u, code=invite.code, accept_rules=True)
    # Members of some weeks' standing: newcomers may not post links on their first day.
    from datetime import timedelta

    from django.utils import timezone

    from huzhu.groups.models import Membership

    Membership.objects.filter(group=group).update(joined_at=timezone.now() - timedelta(days=30))
    # Everyone has accepted the current privacy policy and community rules (a token of someone
    # who has not is refused with 403 consent_required).
    from huzhu.privacy.services import consent_accept, current_versions

    for u in helper_users:
        consent_accept(user=u, kinds=list(current_versions()))
    tokens = [api_token_create(user=u, name="bench", scope="read_write")[1] for u in helper_users]
    request_ids = [
        aid_request_post(
            actor=asker,
            group=group,
            kind="boost",
            needed=NEEDED,
            text=f"帮我砍一刀 压测商品{i} https://mobile.yangkeduo.com/goods.html?goods_id={900000 + i}",
        ).pk
        for i, asker in enumerate(requesters)
    ]
    return tokens, request_ids, {}


def _spare_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HUZHU_DATABASE_URL": DB_URL,
        "HUZHU_DEBUG": "0",
        # --pool N: psycopg's connection pool (HUZHU_DB_POOL) instead of kept connections.
        "HUZHU_DB_POOL": str(POOL),
        "HUZHU_LOG_LEVEL": "WARNING",
    }
    # Unset options take the product's defaults (config/settings.py): 4 HTTP threads per worker,
    # connections kept by those threads, statements prepared after 5 runs.
    if THREADS is not None:  # --threads N: HUZHU_HTTP_THREADS (0: Django's ASGI handler)
        env["HUZHU_HTTP_THREADS"] = str(THREADS)
    if PREPARE is not None:  # --prepare N: prepared after N runs; -1: client-side binding
        env["HUZHU_DB_SERVER_BINDING"] = "0" if PREPARE < 0 else "1"
        env["HUZHU_DB_PREPARE_THRESHOLD"] = str(max(PREPARE, 0))
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "uvicorn"),
            "config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
            "--loop",
            "uvloop",
            "--http",
            "httptools",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("uvicorn did not start")


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response (Content-Length framed, as Django sends) and return its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
            break
    if length:
        await reader.readexactly(length)
    return status


async def _fire(
    base: str, jobs: list[tuple[str, int, str]], concurrency: int
) -> tuple[list[float], dict[int, int], float]:
    """Send the jobs from ``concurrency`` keep-alive connections.

    A minimal HTTP/1.1 client on asyncio streams: the load generator shares the machine's two
    cores with the server and PostgreSQL, so it must cost as little CPU per request as possible
    (a general-purpose client such as httpx spends more CPU per request than the server's
    cheapest endpoints).
    """
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    pending = iter(jobs)

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for token, rid, key in pending:
                request = (
                    f"POST /api/v1/aid/requests/{rid}/helps HTTP/1.1\r\n"
                    f"Host: {host}:{port}\r\n"
                    f"Authorization: Bearer {token}\r\n"
                    f"Idempotency-Key: {key}\r\n"
                    "Content-Length: 0\r\n\r\n"
                ).encode()
                started = time.perf_counter()
                writer.write(request)
                status = await _read_response(reader)
                latencies.append(time.perf_counter() - started)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return latencies, statuses, elapsed


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and all its descendants, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(c) for c in children)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def _postgres_cpu_seconds() -> float:
    """CPU time of every process named ``postgres`` on the machine (the server's backends,
    WAL writer, checkpointer...): run under the exclusive bench lock, that is this benchmark's."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        name, _, rest = stat.partition(" (")[2].rpartition(")")
        if name != "postgres":
            continue
        fields = rest.split()
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--helps", type=int, default=6000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--pool", type=int, default=0, help="HUZHU_DB_POOL per worker (0 = off)")
    parser.add_argument(
        "--threads", type=int, help="HUZHU_HTTP_THREADS per worker (0 = Django's ASGI handler)"
    )
    parser.add_argument(
        "--prepare",
        type=int,
        help="HUZHU_DB_PREPARE_THRESHOLD=N with server-side binding (-1 = client-side binding)",
    )
    args = parser.parse_args()
    global POOL, THREADS, PREPARE
    POOL, THREADS, PREPARE = args.pool, args.threads, args.prepare

    total = args.helps + args.warmup
    n_requests = -(-total // NEEDED)
    n_helpers = NEEDED + 20
    rng = random.Random(args.seed)

    _recreate_database()
    _setup_django()
    t0 = time.perf_counter()
    tokens, request_ids, _ = _build(n_helpers, n_requests)
    print(f"setup: {n_helpers} helpers, {n_requests} boosts in {time.perf_counter() - t0:.1f}s")

    # Every (helper, request) pair at most once; each request gets NEEDED distinct helpers.
    jobs: list[tuple[str, int, str]] = []
    for rid in request_ids:
        for h in rng.sample(range(n_helpers), NEEDED):
            jobs.append((tokens[h], rid, f"bench-{rid}-{h}"))
    rng.shuffle(jobs)
    jobs = jobs[:total]
    warm, measured = jobs[: args.warmup], jobs[args.warmup :]

    port = _spare_port()
    server = _start_server(port, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(_fire(base, warm, args.concurrency))
        cpu_before, client_before = _cpu_seconds(server.pid), time.process_time()
        pg_before = _postgres_cpu_seconds()
        latencies, statuses, elapsed = asyncio.run(_fire(base, measured, args.concurrency))
        server_cpu = _cpu_seconds(server.pid) - cpu_before
        pg_cpu = _postgres_cpu_seconds() - pg_before
        client_cpu = time.process_time() - client_before
    finally:
        server.terminate()
        server.wait(timeout=30)

    from django.db.models import Sum

    from huzhu.aid.models import Help, LedgerEntry

    helps = Help.objects.count()
    ledger_total = LedgerEntry.objects.aggregate(s=Sum("amount"))["s"]
    load1, load5, _load15 = os.getloadavg()
    print(f"helps measured: {len(measured)} in {elapsed:.2f}s, statuses {statuses}")
    print(f"throughput: {len(measured) / elapsed:.0f} helps/s")
    print(
        f"latency ms: p50 {_pct(latencies, 0.50):.1f}  p90 {_pct(latencies, 0.90):.1f}  "
        f"p99 {_pct(latencies, 0.99):.1f}  max {max(latencies) * 1000:.1f}  "
        f"mean {statistics.mean(latencies) * 1000:.1f}"
    )
    print(
        f"server CPU: {server_cpu * 1000 / len(measured):.2f} ms per help "
        f"(= {len(measured) / server_cpu:.0f} helps per server CPU-second, PostgreSQL not included)"
    )
    print(
        f"PostgreSQL CPU: {pg_cpu * 1000 / len(measured):.2f} ms per help (all postgres processes)"
    )
    print(f"load generator CPU: {client_cpu * 1000 / len(measured):.2f} ms per help")
    print(f"check: {helps} help rows for {len(jobs)} sent; ledger sum {ledger_total}")
    print(
        f"server: uvicorn, {args.workers} workers, pool {args.pool or 'off'}, HTTP threads "
        f"{'default' if args.threads is None else args.threads or 'off (Django ASGI)'}, "
        f"concurrency {args.concurrency}, prepared statements "
        f"{'default' if args.prepare is None else 'off' if args.prepare < 0 else args.prepare}, "
        f"HUZHU_DB_CONN_MAX_AGE {os.environ.get('HUZHU_DB_CONN_MAX_AGE', 'default')}"
    )
    print(f"load average during run (1/5 min): {load1:.1f} / {load5:.1f} on {os.cpu_count()} CPUs")
    if helps != len(jobs) or ledger_total != 0:
        raise SystemExit("consistency check failed")


if __name__ == "__main__":
    main()
