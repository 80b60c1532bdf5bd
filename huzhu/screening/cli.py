"""Command line for the screening engine (``huzhu screen``).

Owns batch screening of JSON lines: ``{"id": …, "text": …}`` per line on stdin, one result per
line on stdout in the same order; a malformed line yields an error record and the batch goes on.
Lines are screened in batches with ``screen_many`` (whatever has arrived on stdin, up to
``BATCH``), so a file goes through fast and a bot writing one line at a time gets each answer at once.
``--rules FILE`` (JSON or TOML) applies group rules; ``--text "…"`` prints a readable verdict.
A progress bar goes to stderr only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import sys
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from huzhu.screening.engine import BATCH, ScreenContext, screen, screen_many
from huzhu.screening.policy import RuleError, RuleSet, rules_load
from huzhu.screening.types import Verdict

__all__ = ["main", "verdict_record"]


def verdict_record(item_id: Any, verdict: Verdict) -> dict[str, Any]:
    """The JSON record of one verdict (the schema shared by the CLI and the API)."""
    return {
        "id": item_id,
        "action": verdict.action,
        "text": verdict.text,
        "reason": verdict.reason_zh,
        "reason_en": verdict.reason_en,
        "findings": [f.as_dict() for f in verdict.findings],
        "clean_links": verdict.clean_links,
    }


def _load_rules(path: str) -> RuleSet:
    file = Path(path)
    raw = file.read_bytes()
    if file.suffix.lower() == ".toml":
        data: Any = tomllib.loads(raw.decode("utf-8"))
    else:
        data = json.loads(raw.decode("utf-8"))
    return rules_load(data)


def _parse(line: str) -> tuple[Any, str | None, dict[str, Any] | None]:
    """(id, text to screen, None) for a good line, (id, None, error record) for a bad one."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return (
            None,
            None,
            {
                "id": None,
                "error": f"invalid JSON / JSON 格式错误: {exc.msg} (column {exc.colno})",
            },
        )
    if not isinstance(item, dict):
        return (
            None,
            None,
            {"id": None, "error": "each line must be a JSON object / 每行应为一个 JSON 对象"},
        )
    item_id = item.get("id")
    text = item.get("text")
    if not isinstance(text, str):
        return (
            item_id,
            None,
            {"id": item_id, "error": '"text" must be a string / "text" 应为字符串'},
        )
    return item_id, text, None


def _failed(item_id: Any, exc: Exception) -> dict[str, Any]:
    return {"id": item_id, "error": f"screening failed / 审核出错: {type(exc).__name__}: {exc}"}


def _batch_records(lines: list[str], context: ScreenContext) -> list[dict[str, Any]]:
    """The records of a batch of input lines, in order (blank lines yield nothing)."""
    parsed = [_parse(line) for line in lines if line.strip()]
    todo = [
        (i, item_id, text) for i, (item_id, text, _err) in enumerate(parsed) if text is not None
    ]
    records: list[dict[str, Any] | None] = [err for _id, _text, err in parsed]
    try:
        verdicts = screen_many([text for _i, _id, text in todo], context=context)
    except Exception:  # one bad input must not stop the batch: find it text by text
        for i, item_id, text in todo:
            try:
                records[i] = verdict_record(item_id, screen(text, context=context))
            except Exception as exc:
                records[i] = _failed(item_id, exc)
    else:
        for (i, item_id, _text), verdict in zip(todo, verdicts, strict=True):
            records[i] = verdict_record(item_id, verdict)
    return [r for r in records if r is not None]


def _records(lines: Iterable[str], context: ScreenContext) -> Iterator[dict[str, Any]]:
    """Records for an iterable of lines, screened ``BATCH`` lines at a time."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= BATCH:
            yield from _batch_records(batch, context)
            batch = []
    if batch:
        yield from _batch_records(batch, context)


def _fd_line_batches(fd: int) -> Iterator[list[str]]:
    """Lines from a file descriptor in batches of whatever has arrived: a file or a fast pipe gives
    big batches, a bot writing one line and waiting for its answer gets it at once."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    while True:
        chunk = os.read(fd, 1 << 16)
        pending += decoder.decode(chunk, final=not chunk)
        if not chunk:
            if pending:
                yield [pending]
            return
        *lines, pending = pending.split("\n")
        if lines:
            yield lines


def _input_batches(stream: TextIO) -> Iterator[list[str]]:
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None
    if fd is None:  # an in-memory stream (tests): fixed-size batches
        batch: list[str] = []
        for line in stream:
            batch.append(line)
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch
        return
    yield from _fd_line_batches(fd)


def _readable(text: str, verdict: Verdict, out: TextIO) -> None:
    labels = {
        "allow": "通过 allow",
        "redact": "打码 redact",
        "hold": "待审 hold",
        "block": "拦截 block",
    }
    out.write(f"结果 / action : {labels[verdict.action]}\n")
    if verdict.reason_zh:
        out.write(f"理由 / reason : {verdict.reason_zh} / {verdict.reason_en}\n")
    out.write(f"显示 / shown  : {verdict.text}\n")
    for f in verdict.findings:
        out.write(
            f"  - {f.kind}/{f.category} [{f.start}:{f.end}] {text[f.start : f.end]!r} "
            f"{f.severity.name.lower()} ({f.rule})\n"
        )
    for link in verdict.clean_links:
        out.write(f"  clean link: {link}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="huzhu screen",
        description="Screen texts: JSON lines {id, text} on stdin → verdicts on stdout.",
    )
    parser.add_argument("--rules", metavar="FILE", help="group rules (JSON or TOML)")
    parser.add_argument("--text", help="screen one text and print a readable verdict")
    args = parser.parse_args(argv)

    context = ScreenContext()
    if args.rules:
        try:
            context = ScreenContext(rules=_load_rules(args.rules))
        except RuleError as exc:
            sys.stderr.write(f"{exc}\n")
            return 2
        except (OSError, ValueError) as exc:
            sys.stderr.write(f"cannot read rules / 无法读取规则文件 {args.rules}: {exc}\n")
            return 2

    if args.text is not None:
        _readable(args.text, screen(args.text, context=context), sys.stdout)
        return 0

    progress = None
    if sys.stderr.isatty():
        from tqdm import tqdm

        progress = tqdm(unit=" msg", file=sys.stderr)
    write = sys.stdout.write
    for lines in _input_batches(sys.stdin):
        records = _batch_records(lines, context)
        write("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records))
        sys.stdout.flush()
        if progress is not None:
            progress.update(len(records))
    if progress is not None:
        progress.close()
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
