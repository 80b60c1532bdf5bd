"""A small private cluster for multi-process and fault tests (and the fan-out benchmark).

- ``RedisServer``: our OWN redis-server on a spare loopback port, stopped and started at will
  (the machine's Redis is never touched).
- ``TcpProxy``: a loopback TCP proxy in front of PostgreSQL; closing it makes the database
  unreachable for the server processes without touching the machine's PostgreSQL.
- ``Database``: a fresh database for the servers: a new PostgreSQL database when
  ``HUZHU_DATABASE_URL`` points at PostgreSQL, else an SQLite file; migrated and seeded.
- ``Server``: one uvicorn process running ``config.asgi:application``.
- ``ChatClient``: a WebSocket client that behaves like ``chat.js``: it keeps a cursor per group,
  applies events, fills gaps and resyncs on ``sync.required`` and after reconnecting, and drops
  duplicates by message id. Tests check what it ends up showing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 20, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {port}")


# --- redis ---------------------------------------------------------------------------------------
class RedisServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="huzhu-redis-")
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_port(self.port, proc=self.proc)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()  # like a crash: connections drop at once
            self.proc.wait(5)
        self.proc = None

    def command_calls(self, name: str) -> int:
        """How many times Redis ran ``name`` (from INFO commandstats)."""
        import redis

        stats = redis.Redis(port=self.port).info("commandstats")
        return int(stats.get(f"cmdstat_{name}", {}).get("calls", 0))

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# --- database ------------------------------------------------------------------------------------
class TcpProxy:
    """Forward 127.0.0.1:port to a target; ``down()`` refuses and cuts every connection."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            conns, self._conns = self._conns, set()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _addr = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, 2)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns.update({client, upstream})
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


class Database:
    """A fresh, migrated database for server processes."""

    def __init__(self) -> None:
        base = os.environ.get("HUZHU_DATABASE_URL", "")
        self.postgres = base.startswith(("postgres://", "postgresql://"))
        self.proxy: TcpProxy | None = None
        self.tmp = tempfile.mkdtemp(prefix="huzhu-db-")
        if self.postgres:
            parts = urlsplit(base)
            self.name = f"huzhu_mp_{uuid.uuid4().hex[:10]}"
            self.admin_url = urlunsplit(parts._replace(path="/postgres"))
            self.direct_url = urlunsplit(parts._replace(path=f"/{self.name}"))
            self.proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
            netloc = parts.netloc.rsplit("@", 1)
            auth = netloc[0] + "@" if len(netloc) == 2 else ""
            self.url = urlunsplit(
                parts._replace(netloc=f"{auth}127.0.0.1:{self.proxy.port}", path=f"/{self.name}")
            )
        else:
            self.file = Path(self.tmp) / "huzhu.sqlite3"
            self.direct_url = self.url = f"sqlite:///{self.file}"

    def create(self) -> None:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
            assert self.proxy is not None
            self.proxy.up()
        env = {**os.environ, "HUZHU_DATABASE_URL": self.direct_url}
        env.pop("HUZHU_REDIS_URL", None)
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "-v0", "--noinput"], cwd=ROOT, env=env, check=True
        )

    def seed(self, members: int, prefix: str = "rt") -> dict[str, Any]:
        env = {**os.environ, "HUZHU_DATABASE_URL": self.direct_url}
        env.pop("HUZHU_REDIS_URL", None)
        out = subprocess.run(
            [PYTHON, "-m", "tests.realtime.seed", "--members", str(members), "--prefix", prefix],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        return json.loads(out.stdout)

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.direct_url) as conn:
                return list(conn.execute(sql.replace("?", "%s"), params).fetchall())
        import sqlite3

        with contextlib.closing(sqlite3.connect(self.file)) as conn:
            return list(conn.execute(sql, params).fetchall())

    # Making the database unavailable to the servers, and available again.
    def down(self) -> None:
        if self.postgres:
            assert self.proxy is not None
            self.proxy.down()
        else:
            # An SQLite file cannot be "unreachable"; moving it away makes every new connection
            # open an empty database, which fails like an unavailable one (OperationalError).
            self.file.rename(self.file.with_suffix(".away"))

    def up(self) -> None:
        if self.postgres:
            assert self.proxy is not None
            self.proxy.up()
        else:
            for suffix in ("", "-wal", "-shm"):
                stray = Path(str(self.file) + suffix)
                stray.unlink(missing_ok=True)
            self.file.with_suffix(".away").rename(self.file)

    def drop(self) -> None:
        if self.proxy is not None:
            self.proxy.down()
        if self.postgres:
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        shutil.rmtree(self.tmp, ignore_errors=True)


# --- server processes ----------------------------------------------------------------------------
class Server:
    def __init__(
        self,
        *,
        database_url: str,
        redis_url: str,
        workers: int = 1,
        app: str = "config.asgi:application",
        extra_env: dict[str, str] | None = None,
        extra_args: list[str] | None = None,
    ) -> None:
        self.port = free_port()
        self.extra_args = extra_args or []
        self.workers = workers
        self.app = app
        self.env = {
            **os.environ,
            "HUZHU_DATABASE_URL": database_url,
            "HUZHU_REDIS_URL": redis_url,
            "HUZHU_ENV": "test",
            "HUZHU_LOG_LEVEL": os.environ.get("HUZHU_SERVER_LOG_LEVEL", "ERROR"),
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                PYTHON, "-m", "uvicorn", self.app,
                "--host", "127.0.0.1", "--port", str(self.port),
                "--workers", str(self.workers), "--no-access-log", "--log-level", "warning",
                *self.extra_args,
            ],
            cwd=ROOT,
            env=self.env,
        )  # fmt: skip
        wait_port(self.port, timeout=30, proc=self.proc)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None


# --- a client that behaves like chat.js ----------------------------------------------------------
class ChatClient:
    GAP_DELAY = 0.3  # wait this long for a straggling event before resyncing a gap

    def __init__(self, url: str, origin: str, cookie: str, group_id: int) -> None:
        self.url, self.origin, self.cookie, self.group_id = url, origin, cookie, group_id
        self.cursor = 0
        self.messages: dict[int, dict[str, Any]] = {}
        self.live_created: Counter[int] = Counter()  # message id -> live message.created frames
        self.received_at: dict[int, float] = {}  # message id -> monotonic time first seen
        self.resyncs = 0
        self.connects = 0
        self._ws: Any = None
        self._req = 0
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._task: asyncio.Task[None] | None = None
        self._gap: asyncio.TimerHandle | None = None
        self._syncing = False
        self._resync_again = False
        self.connected = asyncio.Event()
        self.stopped = False

    # lifecycle
    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())
        await asyncio.wait_for(self.connected.wait(), 20)

    async def stop(self) -> None:
        self.stopped = True
        if self._ws is not None:
            await self._ws.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def cut(self) -> None:
        """Drop the socket (like a network blip); the client reconnects by itself."""
        if self._ws is not None:
            await self._ws.close()

    async def _run(self) -> None:
        import websockets

        while not self.stopped:
            try:
                async with websockets.connect(
                    self.url,
                    origin=self.origin,  # type: ignore[arg-type]
                    additional_headers={"Cookie": self.cookie},
                    max_queue=None,
                    open_timeout=10,
                ) as ws:
                    self._ws = ws
                    self.connects += 1
                    async for raw in ws:
                        self._on_frame(json.loads(raw))
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: S110 - reconnect below, like the browser client
                pass
            self._ws = None
            self.connected.clear()
            for fut in self._waiting.values():
                if not fut.done():
                    fut.set_exception(ConnectionError("socket closed"))
            self._waiting.clear()
            if not self.stopped:
                await asyncio.sleep(0.2)

    # incoming
    def _on_frame(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind == "reply":
            fut = self._waiting.pop(frame.get("req"), None)
            if fut is not None and not fut.done():
                fut.set_result(frame)
        elif kind == "hello":
            self.connected.set()
            last = frame["groups"].get(str(self.group_id), {}).get("last_seq", 0)
            if last > self.cursor:
                self._start_resync()
        elif kind == "sync.required":
            self._start_resync()
        elif kind in ("message.created", "message.edited", "message.deleted"):
            if frame["group_id"] != self.group_id:
                return
            message = frame["message"]
            if kind == "message.created":
                self.live_created[message["id"]] += 1
            self._apply(message)
            cursor = frame["cursor"]
            if cursor == self.cursor + 1:
                self.cursor = cursor
            elif cursor > self.cursor + 1:
                self._schedule_gap_fill()

    def _apply(self, message: dict[str, Any]) -> None:
        self.received_at.setdefault(message["id"], time.monotonic())
        old = self.messages.get(message["id"])
        if old is None or old["cursor"] <= message["cursor"]:
            self.messages[message["id"]] = message

    def _schedule_gap_fill(self) -> None:
        if self._gap is None:
            loop = asyncio.get_running_loop()
            self._gap = loop.call_later(self.GAP_DELAY, self._start_resync)

    def _start_resync(self) -> None:
        self._gap = None
        if self._syncing:
            self._resync_again = True
            return
        self._syncing = True
        asyncio.get_running_loop().create_task(self._resync())

    async def _resync(self) -> None:
        try:
            while True:
                self._resync_again = False
                more = True
                while more:
                    page = await self.request("resync", group_id=self.group_id, after=self.cursor)
                    if not page.get("ok"):
                        return
                    self.resyncs += 1
                    for message in page["messages"]:
                        self._apply(message)
                    self.cursor = max(self.cursor, page["cursor"])
                    more = page["more"]
                if not self._resync_again:
                    return
        except Exception:  # noqa: S110 - the socket went away; the next hello resyncs
            pass
        finally:
            self._syncing = False

    # outgoing
    async def request(self, action: str, timeout: float = 30, **fields: Any) -> dict[str, Any]:
        if self._ws is None:
            raise ConnectionError("not connected")
        self._req += 1
        req = self._req
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[req] = fut
        await self._ws.send(json.dumps({"action": action, "req": req, **fields}))
        return await asyncio.wait_for(fut, timeout)

    async def send(self, text: str, client_key: str) -> dict[str, Any]:
        return await self.request("send", group_id=self.group_id, text=text, client_key=client_key)

    # what the user sees
    def shown_seqs(self) -> list[int]:
        return sorted(m["seq"] for m in self.messages.values())

    def shown_texts(self) -> list[str]:
        return [m["text"] for m in sorted(self.messages.values(), key=lambda m: m["seq"])]
