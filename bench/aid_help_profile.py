"""CPU per help in one process, without HTTP: where the server's milliseconds go.

Builds the same database as ``bench/aid_helps.py`` (PostgreSQL), then sends helps one after
another straight into Django's WSGI handler (the handler ``HUZHU_HTTP_THREADS`` uses: the full
middleware stack, ninja, the service) and prints the CPU per help, the statements per help, and
optionally a cProfile listing.

    .venv/bin/python bench/aid_help_profile.py [--helps 1000] [--profile 40] [--sort tottime]

Environment: ``BENCH_PG`` and ``BENCH_DB`` as for ``bench/aid_helps.py``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import aid_helps


def _environ(token: str, rid: int, key: str) -> dict[str, object]:
    return {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": f"/api/v1/aid/requests/{rid}/helps",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_IDEMPOTENCY_KEY": key,
        "CONTENT_LENGTH": "0",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def _backend_cpu(pid: int) -> float:
    """CPU seconds of one PostgreSQL backend process (same machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--helps", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, help="print this many cProfile rows")
    parser.add_argument("--sort", default="tottime")
    args = parser.parse_args()

    os.environ.setdefault("HUZHU_DEBUG", "0")
    os.environ.setdefault("HUZHU_LOG_LEVEL", "WARNING")
    os.environ.setdefault("HUZHU_RATE_LIMITS", "1")
    os.environ.setdefault("HUZHU_DB_CONN_MAX_AGE", "600")
    aid_helps._recreate_database()
    aid_helps._setup_django()
    total = args.helps + args.warmup
    n_requests = -(-total // aid_helps.NEEDED)
    n_helpers = aid_helps.NEEDED + 20
    tokens, request_ids, _ = aid_helps._build(n_helpers, n_requests)
    rng = random.Random(4)
    jobs = [
        (tokens[h], rid, f"prof-{rid}-{h}")
        for rid in request_ids
        for h in rng.sample(range(n_helpers), aid_helps.NEEDED)
    ]
    rng.shuffle(jobs)
    jobs = jobs[:total]

    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    handler = WSGIHandler()
    statuses: dict[str, int] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None):
        statuses[status] = statuses.get(status, 0) + 1
        return lambda data: None

    def send(job: tuple[str, int, str]) -> None:
        result = handler(_environ(*job), start_response)
        b"".join(result)
        result.close()

    for job in jobs[: args.warmup]:
        send(job)
    measured = jobs[args.warmup :]
    queries: list[str] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        send(measured[0])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    pg_cpu = _backend_cpu(backend)
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    # Chunks of 100: the machine is shared, so the least disturbed chunk is reported too.
    chunks: list[float] = []
    rest = measured[1:]
    for start in range(0, len(rest), 100):
        chunk_cpu = time.process_time()
        for job in rest[start : start + 100]:
            send(job)
        chunks.append((time.process_time() - chunk_cpu) / len(rest[start : start + 100]))
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    pg_cpu = _backend_cpu(backend) - pg_cpu
    n = len(rest)
    print(f"statuses {statuses}")
    print(f"statements per help: {len(queries)}")
    for sql in queries:
        print("   ", sql[:110])
    print(
        f"CPU per help: {cpu * 1000 / n:.2f} ms (best 100: {min(chunks) * 1000:.2f} ms, "
        f"median 100: {statistics.median(chunks) * 1000:.2f} ms; wall {wall * 1000 / n:.2f} ms, "
        f"{n} helps)"
    )
    print(f"PostgreSQL backend CPU per help: {pg_cpu * 1000 / n:.2f} ms")
    if profiler:
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats(args.sort).print_stats(args.profile)
        print(stream.getvalue())


if __name__ == "__main__":
    main()
