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
import contextlib
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

CREATED = b'{"type":"message.created"'
STAMP = re.compile(rb'"seq":(\d+).*?\xe2\x8f\xb1([0-9.]+)')  # ⏱ in UTF-8


@dataclass
class ClientStats:
    seen: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    errors: int = 0


async def open_client(url: str, origin: str, cookie: str, stats: ClientStats) -> Any:
    """One raw socket (``bench/rawws.py``): frames are looked at as bytes, in the read callback."""
    from bench.rawws import connect

    hello: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def on_text(raw: bytes, now: float) -> None:
        if raw.startswith(CREATED):
            match = STAMP.search(raw)
            if match:
                stats.seen[int(match[1])] += 1
                stats.latencies.append(now - float(match[2]))
        elif not hello.done():
            if b'"hello"' in raw:  # events may come before the hello (registered first)
                hello.set_result(None)
        elif b'"ok":false' in raw:
            stats.errors += 1

    ws = await connect(url, origin=origin, cookie=cookie, on_text=on_text)
    await asyncio.wait_for(hello, 120)
    return ws


async def drive(job: dict[str, Any]) -> dict[str, Any]:
    """One driver process: its share of the clients and of the senders."""
    stats = [ClientStats() for _ in job["cookies"]]
    conns: list[Any] = []
    for start in range(0, len(stats), 25):
        conns.extend(
            await asyncio.gather(
                *(
                    open_client(job["url"], job["origin"], job["cookies"][i], stats[i])
                    for i in range(start, min(start + 25, len(stats)))
                )
            )
        )
    # Wait for the common start (wall clock, shared by every driver process).
    await asyncio.sleep(max(0.0, job["start_at"] - 3 - time.time()))
    if job["index"] == 0:  # warm up: each server worker loads the screening engine
        for i in range(10):
            payload = {"action": "send", "req": -1, "group_id": job["group_id"], "text": f"预热{i}"}
            conns[i % len(conns)].send_text(json.dumps(payload))
    await asyncio.sleep(max(0.0, job["start_at"] - time.time()))
    for st in stats:
        st.seen.clear()
        st.latencies.clear()
        st.errors = 0
    rate, seconds, every = job["rate"], job["seconds"], job["every"]
    senders = conns[: job["senders"]]
    publish = await _publisher(job) if job["mode"] == "publish" else None
    sent = 0
    t0 = job["start_at"]
    k = job["index"]  # global message numbers k, k + every, k + 2·every … belong to this driver
    while True:
        at = t0 + k / rate
        if at - t0 >= seconds:
            break
        delay = at - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        text = f"{job['name']} 第{k}条 ⏱{time.time():.6f}"
        payload = {"action": "send", "req": k, "group_id": job["group_id"], "text": text,
                   "client_key": f"{job['name']}-{k}"}  # fmt: skip
        with contextlib.suppress(Exception):
            if publish is not None:
                await publish(k, text)
            else:
                senders[sent % len(senders)].send_text(json.dumps(payload, ensure_ascii=False))
            sent += 1
        k += every
    window_end = time.time()
    delivered_in_window = sum(len(st.latencies) for st in stats)
    # Stragglers get until a common deadline.
    await asyncio.sleep(max(0.0, job["drain_until"] - time.time()))
    for ws in conns:
        with contextlib.suppress(Exception):
            ws.close()
    return {
        "sent": sent,
        "window_end": window_end,
        "delivered_in_window": delivered_in_window,
        "latencies": [x for st in stats for x in st.latencies],
        "unique": sum(len(st.seen) for st in stats),
        "duplicates": sum(sum(c - 1 for c in st.seen.values() if c > 1) for st in stats),
        "errors": sum(st.errors for st in stats),
        "cpu": sum(os.times()[:2]),
    }


async def _publisher(job: dict[str, Any]) -> Any:
    """``--mode publish``: inject events straight into each approach's fan-out (no send path).

    Huzhu: one PUBLISH of the wire event; plain: channels-redis ``group_send`` to the group.
    Isolates the fan-out from the database write and screening that a real send also does.
    """
    from huzhu.realtime.events import MessageCreated, event_encode

    group_id = job["group_id"]

    def event(k: int, text: str) -> MessageCreated:
        message = {
            "id": k + 1, "group_id": group_id, "seq": k + 1, "cursor": k + 1,
            "sender": {"id": 0, "name": "bench"}, "text": text, "status": "published",
            "reply_to": None, "mentions": [], "client_key": "", "created_at": "",
            "edited": False, "deleted": False,
        }  # fmt: skip
        return MessageCreated(group_id=group_id, message=message)

    if job["name"] == "huzhu":
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(job["redis_url"])

        async def publish(k: int, text: str) -> None:
            await client.publish("huzhu:events", event_encode(event(k, text)))

        return publish

    from channels_redis.core import RedisChannelLayer

    layer = RedisChannelLayer(hosts=[{"address": job["redis_url"], "socket_timeout": None}])

    async def group_send(k: int, text: str) -> None:
        payload = {"type": "chat.event", "text": event(k, text).client_json()}
        await layer.group_send(f"chat-{group_id}", payload)

    return group_send


def drive_process(job: dict[str, Any]) -> dict[str, Any]:
    try:
        import uvloop  # the same event loop as the servers: the drivers must stay cheap
    except ImportError:
        return asyncio.run(drive(job))
    return uvloop.run(drive(job))


def measure(
    name: str, server: Server, seed: dict[str, Any], *, clients: int, rate: int, seconds: int,
    drivers: int, mode: str,
) -> dict[str, Any]:  # fmt: skip
    from multiprocessing import get_context

    users = seed["users"][:clients]
    per = -(-len(users) // drivers)
    start_at = time.time() + 15 + len(users) / 40  # time for every driver to connect its clients
    jobs = [
        {
            "index": d,
            "every": drivers,
            "name": name,
            "url": server.ws_url,
            "origin": server.origin,
            "group_id": seed["group_id"],
            "cookies": [u["cookie"] for u in users[d * per : (d + 1) * per]],
            "senders": max(1, rate // drivers),
            "rate": rate,
            "seconds": seconds,
            "start_at": start_at,
            "drain_until": start_at + seconds + 10,
            "mode": mode,
            "redis_url": server.env["HUZHU_REDIS_URL"],
        }
        for d in range(drivers)
    ]
    with get_context("spawn").Pool(drivers) as pool:
        parts = pool.map(drive_process, jobs)
    sent = sum(p["sent"] for p in parts)
    latencies = sorted(x for p in parts for x in p["latencies"])
    expected = sent * len(users)
    unique = sum(p["unique"] for p in parts)

    def pct(q: float) -> float:
        if not latencies:
            return float("nan")
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 1)

    return {
        "approach": name,
        "mode": mode,
        "clients": len(users),
        "drivers": drivers,
        "rate": rate,
        "seconds": seconds,
        "sent": sent,
        "offered_per_s": rate * len(users),
        "delivered_in_window": sum(p["delivered_in_window"] for p in parts),
        "deliveries_per_s": round(sum(p["delivered_in_window"] for p in parts) / seconds),
        "expected": expected,
        "losses": expected - unique,
        "duplicates": sum(p["duplicates"] for p in parts),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "max_ms": round(latencies[-1] * 1000, 1) if latencies else float("nan"),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else float("nan"),
        "client_errors": sum(p["errors"] for p in parts),
        "driver_cpu_s": round(sum(p["cpu"] for p in parts), 1),
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
            # An overloaded client must show up as latency, not as a dropped connection.
            extra_args=["--ws-ping-interval", "3600"],
        )
        server.start()
        publishes0 = redis.command_calls("publish")
        load_before = os.getloadavg()
        result = measure(
            name,
            server,
            seed,
            clients=args.clients,
            rate=args.rate,
            seconds=args.seconds,
            drivers=args.drivers,
            mode=args.mode,
        )
        result["loadavg_before"] = [round(x, 1) for x in load_before]
        result["loadavg_after"] = [round(x, 1) for x in os.getloadavg()]
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
    parser.add_argument("--drivers", type=int, default=4, help="client processes")
    parser.add_argument(
        "--mode",
        choices=["send", "publish"],
        default="send",
        help="send: members send over their sockets (end to end); publish: events are injected "
        "into the fan-out directly (fan-out only)",
    )
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
