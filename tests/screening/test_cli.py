"""``huzhu screen``: JSON lines in and out, errors per line, rules files, readable mode."""

from __future__ import annotations

import io
import json

import pytest

from huzhu.screening.cli import main


def run(monkeypatch, capsys, stdin: str, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_lines_in_order_with_errors_per_line(monkeypatch, capsys) -> None:
    stdin = "\n".join(
        [
            json.dumps({"id": 1, "text": "我的手机13812345678"}, ensure_ascii=False),
            "not json",
            json.dumps({"id": "b", "text": 5}),
            json.dumps([1, 2]),
            json.dumps({"id": 3, "text": "今天天气不错"}, ensure_ascii=False),
        ]
    )
    code, out, err = run(monkeypatch, capsys, stdin)
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r.get("id") for r in records] == [1, None, "b", None, 3]
    assert records[0]["action"] == "redact"
    assert records[0]["text"] == "我的手机138****5678"
    assert records[0]["findings"] == [
        {
            "kind": "pii",
            "category": "phone",
            "start": 4,
            "end": 15,
            "severity": "medium",
            "rule": "pii.phone",
        }
    ]
    assert "error" in records[1] and "error" in records[2] and "error" in records[3]
    assert records[4]["action"] == "allow"
    assert err == ""  # no progress bar when stderr is not a terminal


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_rules_file(monkeypatch, capsys, tmp_path, suffix: str) -> None:
    path = tmp_path / f"rules{suffix}"
    if suffix == ".json":
        path.write_text(
            json.dumps({"rules": [{"id": "no-jd", "words": ["京东"], "action": "block"}]}),
            encoding="utf-8",
        )
    else:
        path.write_text(
            '[[rules]]\nid = "no-jd"\nwords = ["京东"]\naction = "block"\n', encoding="utf-8"
        )
    code, out, _ = run(
        monkeypatch,
        capsys,
        json.dumps({"id": 1, "text": "京东有货"}, ensure_ascii=False),
        "--rules",
        str(path),
    )
    assert code == 0
    assert json.loads(out)["action"] == "block"


def test_bad_rules_file_fails_with_a_clear_message(monkeypatch, capsys, tmp_path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(json.dumps([{"id": "x", "action": "ban", "words": ["a"]}]), encoding="utf-8")
    code, _out, err = run(monkeypatch, capsys, "", "--rules", str(path))
    assert code == 2
    assert "rules[0].action" in err and "动作应为" in err


def test_readable_single_text(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, "", "--text", "我的手机13812345678")
    assert code == 0
    assert "redact" in out and "138****5678" in out and "pii/phone" in out


def test_large_input_through_a_pipe_keeps_order_and_isolates_a_bad_text(tmp_path) -> None:
    # More lines than one batch, through a real pipe (the batched reader); one malformed record
    # fails alone.
    import subprocess
    import sys
    from pathlib import Path

    from huzhu.screening.engine import BATCH

    lines = [
        json.dumps(
            {"id": i, "text": f"第{i}条：我的手机1381234{i % 10000:04d}，谢谢"}, ensure_ascii=False
        )
        for i in range(BATCH * 2 + 7)
    ]
    lines[BATCH + 3] = '{"id": "bad", "text": 5}'
    # A lone surrogate is no error: it is screened as U+FFFD, the phone number still masked.
    lines[BATCH + 4] = json.dumps({"id": BATCH + 4, "text": "abc\ud800 13812345678"})
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-m", "huzhu.cli", "screen"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        timeout=120,
    )
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(records) == len(lines)
    assert [r["id"] for r in records] == ["bad" if i == BATCH + 3 else i for i in range(len(lines))]
    assert "error" in records[BATCH + 3]
    assert records[BATCH + 4]["text"] == "abc\ufffd 138****5678"
    assert all(r["action"] == "redact" for i, r in enumerate(records) if i != BATCH + 3)


def test_a_bot_writing_one_line_at_a_time_gets_each_answer_at_once() -> None:
    import subprocess
    import sys
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "huzhu.cli", "screen"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for i, text in enumerate(["谢谢大家", "加微信13812345678"]):
            proc.stdin.write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")
            proc.stdin.flush()
            # answered before stdin is closed (a batching bug would block here: bounded wait)
            with ThreadPoolExecutor(max_workers=1) as pool:
                pending = pool.submit(proc.stdout.readline)
                try:
                    line = pending.result(timeout=60)
                except TimeoutError:
                    proc.kill()  # ends the blocked readline
                    raise
            record = json.loads(line)
            assert record["id"] == i
        assert record["text"] == "加微信138****5678"
    finally:
        proc.stdin.close()
        if proc.wait(timeout=60) != 0:
            raise AssertionError("huzhu screen failed")
