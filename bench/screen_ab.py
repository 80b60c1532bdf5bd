"""Old against new screening engine, interleaved in ONE process (reproducible A/B).

The old engine is a given git revision of ``huzhu/screening`` taken with ``git archive`` and
loaded as a renamed copy (``hzab_old.screening``: every ``huzhu.screening`` import inside it
rewritten), next to the working tree's ``huzhu.screening``. Each round times every engine on the
SAME chunk of messages (the engines' order alternates from round to round; the chunk moves
through the corpus), in CPU seconds of this process; the figure is the best round, as messages per
CPU-second. Before timing, the script checks that both engines give the same verdicts on the whole
corpus (action, shown text, findings) and says so.

    .venv/bin/python bench/screen_ab.py --old c5e17ff                   # old rev vs working tree
    .venv/bin/python bench/screen_ab.py --old HEAD~3 --new HEAD --rounds 21
    .venv/bin/python bench/screen_ab.py --old c5e17ff --corpus chat100,presidio --pii-only

Corpora: ``chat30``/``chat100`` and ``mixed30``/``mixed100`` are ``bench/screen_speed.py``'s
(same seeds), ``presidio`` is ``bench/screen_vs_presidio.py``'s ten-kind set (digit-heavy, 37
characters on average). ``--pii-only`` adds rows for personal-data detection alone (normalize +
personal data + masking: the stages Presidio runs).
"""

from __future__ import annotations

import argparse
import importlib
import io
import platform
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def load_revision(rev: str, alias: str, workdir: Path) -> Any:
    """``huzhu/screening`` at ``rev`` imported as the package ``<alias>.screening``."""
    blob = subprocess.run(
        ["git", "archive", "--format=tar", rev, "huzhu/screening"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    target = workdir / alias
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        tar.extractall(workdir / "_tar", filter="data")  # tar made by git from our own tree
    target.mkdir(parents=True)
    (workdir / "_tar" / "huzhu" / "screening").rename(target / "screening")
    (target / "__init__.py").write_text('"""A/B copy."""\n', encoding="utf-8")
    for path in (target / "screening").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        path.write_text(source.replace("huzhu.screening", f"{alias}.screening"), encoding="utf-8")
    if str(workdir) not in sys.path:
        sys.path.insert(0, str(workdir))
    return importlib.import_module(f"{alias}.screening")


def corpus(name: str) -> list[str]:
    from screen_speed import make_messages

    if name == "presidio":
        from screen_vs_presidio import make_samples

        return [s.text for s in make_samples(3000)]
    seeds = {"chat30": (30, 5, 0.95), "chat100": (100, 6, 0.95)}
    seeds |= {"mixed30": (30, 3, 0.55), "mixed100": (100, 4, 0.55)}
    length, seed, plain = seeds[name]
    return make_messages(length, 10_000 if length == 30 else 5_000, seed=seed, plain_share=plain)


def _shape(verdicts: list[Any]) -> list[tuple[Any, ...]]:
    return [
        (
            v.action,
            v.text,
            tuple(
                (f.kind, f.category, f.start, f.end, int(f.severity), f.rule) for f in v.findings
            ),
        )
        for v in verdicts
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--old", required=True, help="git revision of the old engine")
    parser.add_argument("--new", default=None, help="git revision (default: the working tree)")
    parser.add_argument("--corpus", default="chat30,chat100,mixed30,mixed100,presidio")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--chunk", type=int, default=2048, help="messages per timed call")
    parser.add_argument("--single", action="store_true", help="also time screen() text by text")
    parser.add_argument("--pii-only", action="store_true", help="also personal data alone")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="screen_ab_") as tmp:
        old = load_revision(args.old, "hzab_old", Path(tmp))
        if args.new:
            new = load_revision(args.new, "hzab_new", Path(tmp))
        else:
            new = importlib.import_module("huzhu.screening")
        engines: list[tuple[str, Callable[[list[str]], Any]]] = []
        for label, mod in (("old", old), ("new", new)):
            many, ctx_cls, single = mod.screen_many, mod.ScreenContext, mod.screen
            engines.append((f"{label} screen_many", lambda t, f=many: f(t)))
            if args.single:
                engines.append((f"{label} screen", lambda t, f=single: [f(x) for x in t]))
            if args.pii_only:
                pii_ctx = ctx_cls(stages=frozenset({"pii"}))
                engines.append(
                    (f"{label} PII only (many)", lambda t, f=many, c=pii_ctx: f(t, context=c))
                )
        print(
            f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
            f"{platform.python_implementation()} {platform.python_version()}, "
            f"old={args.old} new={args.new or 'working tree'}, best of {args.rounds} rounds of "
            f"{args.chunk} msgs, msgs per CPU-second"
        )
        with open("/proc/loadavg", encoding="ascii") as fh:
            print(f"# load at start: {fh.read().split()[:3]}")
        names = [name for name, _ in engines]
        print(f"{'corpus':10} " + " ".join(f"{n:>20}" for n in names) + f" {'new/old':>8}")
        for cname in args.corpus.split(","):
            texts = corpus(cname)
            same = _shape(old.screen_many(texts)) == _shape(new.screen_many(texts))
            for _name, run in engines:  # warm every engine on the whole corpus
                run(texts)
            best = dict.fromkeys(names, 0.0)
            chunk = min(args.chunk, len(texts))
            for rnd in range(args.rounds):
                start = (rnd * chunk) % max(1, len(texts) - chunk + 1)
                part = texts[start : start + chunk]
                order = engines if rnd % 2 == 0 else engines[::-1]
                for name, run in order:
                    t0 = time.process_time()
                    run(part)
                    elapsed = time.process_time() - t0
                    best[name] = max(best[name], len(part) / elapsed)
            ratio = best["new screen_many"] / best["old screen_many"]
            print(
                f"{cname:10} "
                + " ".join(f"{best[n]:20,.0f}" for n in names)
                + f" {ratio:8.2f}"
                + ("" if same else "  VERDICTS DIFFER")
            )
        with open("/proc/loadavg", encoding="ascii") as fh:
            print(f"# load at end: {fh.read().split()[:3]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
