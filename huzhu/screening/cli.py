"""Command line for the screening engine (``huzhu screen``).

Owns batch screening of JSON lines: ``{"id": …, "text": …}`` per line on stdin, one result per
line on stdout in the same order; a malformed line yields an error record and the batch goes on.
``--rules FILE`` (JSON or TOML) applies group rules; ``--text "…"`` prints a readable verdict.
A progress bar goes to stderr only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from huzhu.screening.engine import ScreenContext, screen
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


def _records(lines: Iterable[str], context: ScreenContext) -> Iterator[dict[str, Any]]:
    for line in lines:
        if not line.strip():
            continue
        item_id: Any = None
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield {
                "id": None,
                "error": f"invalid JSON / JSON 格式错误: {exc.msg} (column {exc.colno})",
            }
            continue
        if not isinstance(item, dict):
            yield {"id": None, "error": "each line must be a JSON object / 每行应为一个 JSON 对象"}
            continue
        item_id = item.get("id")
        text = item.get("text")
        if not isinstance(text, str):
            yield {"id": item_id, "error": '"text" must be a string / "text" 应为字符串'}
            continue
        try:
            verdict = screen(text, context=context)
        except Exception as exc:  # one bad input must not stop the batch
            yield {
                "id": item_id,
                "error": f"screening failed / 审核出错: {type(exc).__name__}: {exc}",
            }
            continue
        yield verdict_record(item_id, verdict)


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

    lines: Iterable[str] = sys.stdin
    if sys.stderr.isatty():
        from tqdm import tqdm

        lines = tqdm(sys.stdin, unit=" msg", file=sys.stderr)
    write = sys.stdout.write
    for record in _records(lines, context):
        write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
