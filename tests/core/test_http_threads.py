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
