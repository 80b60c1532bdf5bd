"""Fan-out benchmark: one 500-member group, 500 WebSocket clients, 20 messages/s for 60 s.

    HUZHU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/fanout.py

Both approaches run in the same invocation on the same machine, each on a fresh PostgreSQL
database and a private redis-server, behind 2 uvicorn workers:

- ``huzhu``: Huzhu's consumer (``/ws/``): one Redis PUBLISH per event, one subscription per
  process, local fan-out to that process's sockets;
- ``plain``: the textbook Channels consumer (``bench/plain_asgi.py``): channels-redis
  ``group_send`` to one channel per socket.

Senders are 20 of the connected members, each sending one message per second over its own socket
(20 msg/s × 500 recipients = 10,000 deliveries/s offered). Every message carries the wall-clock
time it was sent; each client records when it received the ``message.created`` event.
Reported: end-to-end latency (send → delivery, which includes screening and the database write)
p50/p99/max, deliveries per second actually achieved during the window, losses (deliveries
missing 10 s after the last send) and duplicates. Figures are appended to bench/RESULTS.md with
``--record``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.realtime.cluster import Database, RedisServer, Server  # noqa: E402

CREATED = '{"type":"message.created"'
STAMP = re.compile(r'"seq":(\d+).*?⏱([0-9.]+)')


@dataclass
class ClientStats:
    seen: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    errors: int = 0


async def run_client(
    url: str,
    origin: str,
    cookie: str,
    stats: ClientStats,
    ready: asyncio.Event,
    stop: asyncio.Event,
) -> Any:
    from websockets.asyncio.client import connect

    ws = await connect(
        url,
        origin=origin,  # type: ignore[arg-type]
        additional_headers={"Cookie": cookie},
        compression=None,
        max_queue=None,
        open_timeout=60,
        ping_interval=None,
    )
    # Events may come before the hello (the socket is registered first); skip to it.
    while '"type":"hello"' not in str(await ws.recv()):
        pass
    ready.set()

    async def reader() -> None:
        try:
            async for raw in ws:
                if isinstance(raw, str) and raw.startswith(CREATED):
                    now = time.time()
                    match = STAMP.search(raw)
                    if match:
                        stats.seen[int(match[1])] += 1
                        stats.latencies.append(now - float(match[2]))
                elif isinstance(raw, str) and '"ok":false' in raw:
                    stats.errors += 1
        except Exception:
            stats.errors += 1

    task = asyncio.get_running_loop().create_task(reader())
    return ws, task


async def measure(
    name: str, server: Server, seed: dict[str, Any], *, clients: int, rate: int, seconds: int
) -> dict[str, Any]:
    group_id = seed["group_id"]
    users = seed["users"][:clients]
    stats = [ClientStats() for _ in users]
    stop = asyncio.Event()
    conns: list[Any] = []
    t_connect = time.monotonic()
    for start in range(0, len(users), 50):  # connect in batches, like a busy evening
        batch = []
        for i in range(start, min(start + 50, len(users))):
            ready = asyncio.Event()
            batch.append(
                run_client(server.ws_url, server.origin, users[i]["cookie"], stats[i], ready, stop)
            )
        conns.extend(await asyncio.gather(*batch))
    connect_s = time.monotonic() - t_connect
    # Warm up: each worker loads the screening engine on its first message.
    for i in range(10):
        await conns[i][0].send(
            json.dumps({"action": "send", "req": -1, "group_id": group_id, "text": f"预热{i}"})
        )
    await asyncio.sleep(3)  # warm-up deliveries and presence announcements settle
    for s in stats:
        s.seen.clear()
        s.latencies.clear()
        s.errors = 0

    senders = [conns[i][0] for i in range(rate)]
    interval = 1 / rate
    sent = 0
    cpu0 = os.times()
    t0 = time.monotonic()
    next_at = t0
    while time.monotonic() - t0 < seconds:
        if os.environ.get("FANOUT_DEBUG") and sent % (rate * 5) == 0:
            print(
                f"t={time.monotonic() - t0:.1f} sent={sent} recv={sum(len(s.latencies) for s in stats)}",
                file=sys.stderr,
                flush=True,
            )
        sender = senders[sent % len(senders)]
        text = f"{name} 第{sent}条 ⏱{time.time():.6f}"
        payload = {
            "action": "send",
            "req": sent,
            "group_id": group_id,
            "text": text,
            "client_key": f"{name}-{sent}",
        }
        await sender.send(json.dumps(payload, ensure_ascii=False))
        sent += 1
        next_at += interval
        delay = next_at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
    window = time.monotonic() - t0
    if os.environ.get("FANOUT_DEBUG"):
        print("window done", window, "sent", sent, file=sys.stderr, flush=True)
    delivered_in_window = sum(len(s.latencies) for s in stats)
    # Give stragglers 10 s, then count.
    deadline = time.monotonic() + 10
    expected = sent * len(users)
    while time.monotonic() < deadline and sum(len(s.seen) for s in stats) < expected:
        await asyncio.sleep(0.25)
    drained = time.monotonic() - t0
    cpu1 = os.times()

    for ws, task in conns:
        task.cancel()
        await ws.close()

    latencies = sorted(x for s in stats for x in s.latencies)
    unique = sum(len(s.seen) for s in stats)
    duplicates = sum(sum(c - 1 for c in s.seen.values() if c > 1) for s in stats)

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "approach": name,
        "clients": len(users),
        "rate": rate,
        "seconds": seconds,
        "sent": sent,
        "offered_per_s": rate * len(users),
        "connect_s": round(connect_s, 1),
        "delivered_in_window": delivered_in_window,
        "deliveries_per_s": round(delivered_in_window / window),
        "drain_s": round(drained, 1),
        "expected": expected,
        "losses": expected - unique,
        "duplicates": duplicates,
        "p50_ms": round(pct(0.50), 1),
        "p99_ms": round(pct(0.99), 1),
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else float("nan"),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else float("nan"),
        "client_errors": sum(s.errors for s in stats),
        "driver_cpu_s": round((cpu1.user + cpu1.system) - (cpu0.user + cpu0.system), 1),
    }


def run_one(name: str, app: str, args: argparse.Namespace) -> dict[str, Any]:
    redis = RedisServer()
    db = Database()
    server: Server | None = None
    try:
        redis.start()
        db.create()
        seed = db.seed(members=args.members, prefix=f"{name}u")
        server = Server(
            database_url=db.direct_url,  # no test proxy in the way
            redis_url=redis.url,
            workers=args.workers,
            app=app,
            extra_env={"HUZHU_DB_CONN_MAX_AGE": "60"},
        )
        server.start()
        publishes0 = redis.command_calls("publish")
        result = asyncio.run(
            measure(name, server, seed, clients=args.clients, rate=args.rate, seconds=args.seconds)
        )
        result["redis_publish_calls"] = redis.command_calls("publish") - publishes0
        return result
    finally:
        if server is not None:
            server.stop()
        db.drop()
        redis.close()


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} CPU ({cpu}){mem}, Python {platform.python_version()}"


def record(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    lines = [
        "",
        f"## Realtime fan-out (`bench/fanout.py`) — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {machine()}. PostgreSQL + private redis-server, {args.workers} uvicorn workers, "
        f"{args.clients} WebSocket clients in one {args.members}-member group, {args.rate} senders "
        f"× 1 msg/s for {args.seconds} s ({args.rate * args.clients:,} deliveries/s offered). "
        "Clients and servers share the machine. Latency is end to end: from the sender's "
        "socket write to each recipient's receipt (includes screening and the database write).",
        "",
        "| approach | deliveries/s achieved | p50 ms | p99 ms | max ms | losses | duplicates | Redis PUBLISH calls |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        label = {
            "huzhu": "Huzhu: 1 PUBLISH/event, local fan-out",
            "plain": "plain Channels `group_send` (channels-redis)",
        }[r["approach"]]
        lines.append(
            f"| {label} | {r['deliveries_per_s']:,} | {r['p50_ms']} | {r['p99_ms']} | {r['max_ms']} "
            f"| {r['losses']:,} of {r['expected']:,} | {r['duplicates']} | {r['redis_publish_calls']:,} |"
        )
    lines += [
        "",
        "Raw:",
        "",
        "```json",
        *(json.dumps(r, ensure_ascii=False) for r in results),
        "```",
        "",
    ]
    with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument(
        "--rate", type=int, default=20, help="messages per second (one sender each)"
    )
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=["huzhu", "plain"], default=None)
    parser.add_argument(
        "--record", action="store_true", help="append the figures to bench/RESULTS.md"
    )
    args = parser.parse_args()
    if not os.environ.get("HUZHU_DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parser.error("set HUZHU_DATABASE_URL to a PostgreSQL server (a fresh database is created)")

    results = []
    for name, app in (
        ("huzhu", "config.asgi:application"),
        ("plain", "bench.plain_asgi:application"),
    ):
        if args.only and args.only != name:
            continue
        result = run_one(name, app, args)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        results.append(result)
    if args.record:
        record(results, args)


if __name__ == "__main__":
    main()
