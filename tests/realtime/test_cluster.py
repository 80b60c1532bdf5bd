"""Two real server processes sharing a database and our own Redis, with faults injected.

Runs on both CI passes: with PostgreSQL (a fresh database reached through a TCP proxy we can
close) when ``HUZHU_DATABASE_URL`` points at PostgreSQL, otherwise on an SQLite file shared by
both processes. Redis is always a private redis-server on a spare loopback port that the tests
start and kill themselves; the machine's Redis is never touched.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.realtime.cluster import ChatClient, Database, RedisServer, Server


@dataclass
class Cluster:
    redis: RedisServer
    db: Database
    seed: dict[str, Any]
    a: Server
    b: Server

    def client(self, server: Server, user: int) -> ChatClient:
        cookie = self.seed["users"][user]["cookie"]
        return ChatClient(server.ws_url, server.origin, cookie, self.seed["group_id"])

    def truth(self) -> list[tuple[int, str]]:
        rows = self.db.query(
            "SELECT seq, text FROM chat_message WHERE group_id = ? ORDER BY seq",
            (self.seed["group_id"],),
        )
        return [(int(seq), str(text)) for seq, text in rows]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    redis = RedisServer()
    db = Database()
    servers: list[Server] = []
    try:
        redis.start()
        db.create()
        seed = db.seed(members=8)
        servers = [Server(database_url=db.url, redis_url=redis.url) for _ in range(2)]
        for server in servers:
            server.start()
        cluster = Cluster(redis, db, seed, servers[0], servers[1])
        asyncio.run(_warm_up(cluster))
        yield cluster
    finally:
        for server in servers:
            server.stop()
        db.drop()
        redis.close()


async def _warm_up(cluster: Cluster) -> None:
    # Each process loads the screening engine on its first message, which can take several
    # seconds on a busy machine; do it before any test measures anything.
    for n, server in enumerate((cluster.a, cluster.b)):
        client = cluster.client(server, n)
        await client.start()
        reply = await client.request(
            "send", timeout=120, group_id=cluster.seed["group_id"], text=f"预热 {n}"
        )
        assert reply["ok"], reply
        await client.stop()


_keys = itertools.count(1)


def key() -> str:
    return f"k{next(_keys)}-{time.monotonic_ns()}"


async def converge(clients: list[ChatClient], cluster: Cluster, timeout: float = 20) -> None:
    """Wait until every client shows exactly what the database holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        truth = cluster.truth()
        if all(list(zip(c.shown_seqs(), c.shown_texts(), strict=True)) == truth for c in clients):
            return
        await asyncio.sleep(0.2)


def test_a_message_sent_through_process_a_reaches_a_socket_on_process_b(cluster):
    async def body():
        sender = cluster.client(cluster.a, 0)
        receivers = [cluster.client(cluster.b, u) for u in (1, 2, 3)] + [
            cluster.client(cluster.a, 4)
        ]
        for c in [sender, *receivers]:
            await c.start()
        await asyncio.sleep(1.5)  # let presence announcements settle
        publishes = cluster.redis.command_calls("publish")
        started = time.monotonic()
        reply = await sender.send("A 进程发出的消息", key())
        assert reply["ok"], reply
        mid = reply["message"]["id"]
        while not all(mid in r.messages for r in receivers) and time.monotonic() - started < 3:
            await asyncio.sleep(0.01)
        assert all(r.messages[mid]["text"] == "A 进程发出的消息" for r in receivers)
        assert all(r.live_created[mid] == 1 for r in receivers)
        # One PUBLISH for the message however many sockets, and one subscription per process.
        assert cluster.redis.command_calls("publish") - publishes == 1
        import redis

        numsub = redis.Redis(port=cluster.redis.port).pubsub_numsub("huzhu:events")
        assert numsub[0][1] == 2
        for c in [sender, *receivers]:
            await c.stop()

    asyncio.run(body())


def test_concurrent_sends_through_both_processes_get_unique_consecutive_numbers(cluster):
    async def body():
        clients = [
            cluster.client(s, u)
            for s, u in ((cluster.a, 0), (cluster.a, 1), (cluster.b, 2), (cluster.b, 3))
        ]
        for c in clients:
            await c.start()
        before = len(cluster.truth())
        replies = await asyncio.gather(
            *(c.send(f"并发{i}-{n}", key()) for n in range(10) for i, c in enumerate(clients))
        )
        assert all(r["ok"] for r in replies), [r for r in replies if not r["ok"]]
        seqs = sorted(r["message"]["seq"] for r in replies)
        assert seqs == list(range(before + 1, before + 41))
        await converge(clients, cluster)
        for c in clients:
            assert c.shown_seqs() == [s for s, _t in cluster.truth()]
            await c.stop()

    asyncio.run(body())


@pytest.mark.parametrize("outage", [3, 30])
def test_redis_outage_loses_and_duplicates_nothing(cluster, outage):
    async def body():
        senders = [cluster.client(cluster.a, 0), cluster.client(cluster.b, 1)]
        watchers = [
            cluster.client(cluster.a, 2),
            cluster.client(cluster.a, 3),
            cluster.client(cluster.b, 4),
            cluster.client(cluster.b, 5),
        ]
        clients = senders + watchers
        for c in clients:
            await c.start()
        failures: list[dict[str, Any]] = []
        accepted_at: list[float] = []
        stop = asyncio.Event()

        async def talk(client: ChatClient, name: str) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                reply = await client.send(f"{name} 第{n}条", key())
                if not reply["ok"]:
                    failures.append(reply)
                else:
                    accepted_at.append(time.monotonic())
                await asyncio.sleep(0.1)

        names = [f"o{outage}s{i}" for i in range(len(senders))]  # the group outlives one test
        talkers = [asyncio.create_task(talk(s, n)) for s, n in zip(senders, names, strict=True)]
        await asyncio.sleep(1.5)
        cluster.redis.stop()
        down_from = time.monotonic()
        await asyncio.sleep(outage)
        down_to = time.monotonic()
        cluster.redis.start()
        await asyncio.sleep(2)
        stop.set()
        await asyncio.gather(*talkers)
        await converge(clients, cluster)

        truth = cluster.truth()
        # Messages kept flowing while Redis was down: at least one a second was accepted (the
        # senders aim at ~10/s each; how many more depends on how busy the machine is).
        assert sum(down_from <= t <= down_to for t in accepted_at) >= outage
        sent = [t for _s, t in truth if t.startswith(tuple(f"{n} " for n in names))]
        assert failures == []  # no send failed because Redis was down
        assert len(sent) == len(accepted_at)  # every accepted send is in the database once
        for c in clients:
            shown = list(zip(c.shown_seqs(), c.shown_texts(), strict=True))
            assert shown == truth  # every message, once, in order
        for c in clients:
            await c.stop()

    asyncio.run(body())


def test_database_outage_fails_sends_retryably_and_the_retry_lands_once(cluster):
    async def body():
        sender = cluster.client(cluster.a, 6)
        watcher = cluster.client(cluster.b, 7)
        for c in (sender, watcher):
            await c.start()
        k = key()
        cluster.db.down()
        try:
            reply = await sender.send("数据库不可用时发送", k)
            assert not reply["ok"] and reply["code"] == "retry", reply
            assert "重试" in reply["message"]
        finally:
            loop = asyncio.get_running_loop()
            loop.call_later(2, cluster.db.up)
        # The client retries with the same key until the database is back.
        codes = []
        for _ in range(100):
            reply = await sender.send("数据库不可用时发送", k)
            if reply["ok"]:
                break
            codes.append(reply["code"])
            await asyncio.sleep(0.2)
        assert reply["ok"] and reply["created"], reply
        assert set(codes) <= {"retry"}
        again = await sender.send("数据库不可用时发送", k)
        assert again["ok"] and not again["created"]
        assert again["message"]["id"] == reply["message"]["id"]
        rows = cluster.db.query("SELECT count(*) FROM chat_message WHERE client_key = ?", (k,))
        assert rows[0][0] == 1
        await converge([sender, watcher], cluster)
        assert [t for _s, t in cluster.truth()].count("数据库不可用时发送") == 1
        assert watcher.shown_texts().count("数据库不可用时发送") == 1
        for c in (sender, watcher):
            await c.stop()

    asyncio.run(body())
