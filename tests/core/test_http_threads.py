"""HUZHU_HTTP_THREADS: HTTP through the WSGI handler on persistent threads, answered as ASGI."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from huzhu.core.http_threads import ThreadedWSGIHttp, wsgi_environ


def _scope(**extra: Any) -> dict[str, Any]:
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/群",
        "root_path": "",
        "query_string": b"q=%E4%BD%A0&n=1",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"content-type", b"application/json"),
            (b"content-length", b"11"),
            (b"authorization", b"Bearer hz_x"),
            (b"accept", b"a"),
            (b"accept", b"b"),
        ],
        "client": ("127.0.0.1", 5555),
        "server": ("127.0.0.1", 8000),
    }
    scope.update(extra)
    return scope


def test_environ_follows_pep_3333():
    environ = wsgi_environ(_scope(), b'{"a": "b"}')
    assert environ["REQUEST_METHOD"] == "POST"
    assert environ["PATH_INFO"] == "/api/v1/群".encode().decode("latin-1")
    assert environ["QUERY_STRING"] == "q=%E4%BD%A0&n=1"
    assert environ["CONTENT_TYPE"] == "application/json" and environ["CONTENT_LENGTH"] == "11"
    assert environ["HTTP_AUTHORIZATION"] == "Bearer hz_x"
    assert environ["HTTP_ACCEPT"] == "a,b"  # repeated headers joined
    assert environ["REMOTE_ADDR"] == "127.0.0.1" and environ["SERVER_PORT"] == "8000"
    assert environ["wsgi.input"].read() == b'{"a": "b"}'


def test_requests_run_on_the_pool_threads_and_the_response_is_sent_whole():
    seen: dict[str, Any] = {}

    class Body(list):
        closed = False

        def close(self) -> None:
            Body.closed = True

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        seen["thread"] = threading.current_thread().name
        seen["body"] = environ["wsgi.input"].read()
        start_response("201 Created", [("Content-Type", "text/plain"), ("Set-Cookie", "a=1")])
        return Body([b"he", b"llo"])

    bridge = ThreadedWSGIHttp(app, threads=2)
    chunks = [
        {"type": "http.request", "body": b"par", "more_body": True},
        {"type": "http.request", "body": b"ts", "more_body": False},
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return chunks.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(bridge(_scope(), receive, send))
    assert seen == {"thread": seen["thread"], "body": b"parts"}
    assert seen["thread"].startswith("huzhu-http")
    assert sent[0]["status"] == 201
    assert (b"set-cookie", b"a=1") in sent[0]["headers"]
    assert sent[1] == {"type": "http.response.body", "body": b"hello"}
    assert Body.closed  # Django's request_finished runs on close()


def test_a_client_gone_before_the_body_arrived_runs_nothing():
    calls: list[Any] = []
    bridge = ThreadedWSGIHttp(lambda environ, start: calls.append(1), threads=1)

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        calls.append(message)

    asyncio.run(bridge(_scope(), receive, send))
    assert calls == []


def _settings_in_fresh_process(**env: str) -> dict[str, Any]:
    """HTTP and database settings as a server process started with ``env`` would read them."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "import config.asgi as a; d = s.DATABASES['default']; "
        "print(json.dumps({'threads': s.HTTP_THREADS, 'http_app': type(a.http_app).__name__, "
        "'max_age': d.get('CONN_MAX_AGE'), 'options': d.get('OPTIONS', {})}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HUZHU_")}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", "HUZHU_ENV": "development", **env})
    out = subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


PG_URL = "postgres://huzhu@127.0.0.1:5432/huzhu"


def test_http_threads_are_the_default_with_kept_connections_and_prepared_statements():
    got = _settings_in_fresh_process(HUZHU_DATABASE_URL=PG_URL)
    assert (got["threads"], got["http_app"]) == (4, "ThreadedWSGIHttp")
    assert got["max_age"] == 600  # each connection stays with its long-lived thread
    assert got["options"]["server_side_binding"] is True
    assert got["options"]["prepare_threshold"] == 5


def test_tests_keep_no_connections_but_bind_on_the_server_as_production_does():
    got = _settings_in_fresh_process(HUZHU_DATABASE_URL=PG_URL, HUZHU_ENV="test")
    assert got["max_age"] == 0
    assert got["options"]["server_side_binding"] is True


def test_django_asgi_handler_keeps_a_connection_per_request_and_client_side_binding():
    got = _settings_in_fresh_process(HUZHU_DATABASE_URL=PG_URL, HUZHU_HTTP_THREADS="0")
    assert got["http_app"] == "ASGIHandler"
    assert got["max_age"] == 0
    assert "server_side_binding" not in got["options"]


def test_pool_and_explicit_settings_win():
    got = _settings_in_fresh_process(HUZHU_DATABASE_URL=PG_URL, HUZHU_DB_POOL="6")
    assert got["max_age"] == 0 and got["options"]["pool"]["max_size"] == 6
    assert got["options"]["server_side_binding"] is True
    got = _settings_in_fresh_process(
        HUZHU_DATABASE_URL=PG_URL, HUZHU_DB_SERVER_BINDING="0", HUZHU_DB_CONN_MAX_AGE="60"
    )
    assert got["max_age"] == 60 and "server_side_binding" not in got["options"]


def test_an_sqlite_url_gets_no_postgresql_options():
    got = _settings_in_fresh_process(HUZHU_DATABASE_URL="sqlite:////tmp/huzhu-settings-test.db")
    assert "server_side_binding" not in got["options"]
    assert "prepare_threshold" not in got["options"]
