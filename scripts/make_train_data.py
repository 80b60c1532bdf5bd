"""Write the classifier's training data into the repo (``huzhu/screening/data/train/``).

- ``taobao_ham.txt`` / ``taobao_abuse.txt``: a sample of the StoneSkipping Taobao comment lines
  (biubiubiiu/SpamClassification, Apache-2.0). Despite its name the "spam" file holds abusive and
  insulting comments (傻逼, 你妈…, with evasions), so it is labelled ``abuse``; the ham file is normal
  shopping chatter. Only the training part is sampled: every fifth line is held out for the dev
  set (see ``scripts/build_lexicon.py: training_part``).
- ``huzhu_written.tsv``: ``label<TAB>text`` lines expanded from Huzhu's own templates
  (``scripts/train_texts.py``) with a fixed seed.

Usage: ``python scripts/make_train_data.py [--source /work/shared/data]``. Training
(``scripts/train_classifier.py``) reads only the files written here.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from collections import Counter
from pathlib import Path

import ahocorasick_rs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_lexicon import _read_words, training_part  # noqa: E402
from train_texts import generate  # noqa: E402

OUT = ROOT / "huzhu" / "screening" / "data" / "train"
SEED = 20261125
HAM_SAMPLE = 16000  # of 24,000 training-part lines; the rest keeps the repo small


LEXICON = ROOT / "huzhu" / "screening" / "data" / "lexicon"
LABEL_OF = {"scam": "scam", "gambling": "scam", "ads": "ads", "porn": "ads", "drugs": "ads",
            "weapons": "ads", "abuse": "abuse"}  # fmt: skip
AUGMENT_RATE = 0.5


def augment(
    source: Path, rng: random.Random, rows: list[tuple[str, str]], *, common_text: list[str]
) -> list[tuple[str, str]]:
    """Evasion variants: in a labelled line, one character of a listed word (medium or worse) is
    swapped for a same-sounding common character from the shared 音近字 table (傻逼 → 沙逼, 贷款 →
    代款), as people do to slip past filters. The label stays."""
    freq: Counter[str] = Counter("".join(common_text))
    sound: dict[str, list[str]] = {}
    for line in (source / "abuse" / "音近字语料库.txt").read_text(encoding="utf-8").splitlines():
        head, _, alts = line.partition(" ")
        cands = [c for c in alts.strip() if freq[c] >= 30 and c != head]
        if len(head) == 1 and cands:
            sound[head] = cands
    automaton = ahocorasick_rs.AhoCorasick(terms := _listed_terms())
    out: list[tuple[str, str]] = []
    for label, text in rows:
        if rng.random() >= AUGMENT_RATE:
            continue
        hits = [
            (s, e)
            for i, s, e in automaton.find_matches_as_indexes(text.lower(), overlapping=True)
            if LABEL_OF[terms_category[terms[i]]] == label
        ]
        if not hits:
            continue
        start, end = rng.choice(hits)
        positions = [i for i in range(start, end) if text[i] in sound]
        if not positions:
            continue
        i = rng.choice(positions)
        variant = text[:i] + rng.choice(sound[text[i]]) + text[i + 1 :]
        out.append((label, variant))
    return out


terms_category: dict[str, str] = {}


def _listed_terms() -> list[str]:
    for path in sorted(LEXICON.glob("*.tsv")):
        if path.stem not in LABEL_OF:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            term, _, severity = line.partition("\t")
            if line.startswith("#") or severity.strip() == "low" or len(term) < 2:
                continue
            terms_category.setdefault(term, path.stem)
    return list(terms_category)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("/work/shared/data"))
    args = parser.parse_args()
    rng = random.Random(SEED)
    OUT.mkdir(parents=True, exist_ok=True)

    ham = training_part(_read_words(args.source / "abuse" / "train_ham.txt"))
    spam = training_part(_read_words(args.source / "abuse" / "train_spam.txt"))
    ham_lines = [ham[i] for i in sorted(rng.sample(range(len(ham)), HAM_SAMPLE))]
    (OUT / "taobao_ham.txt").write_text("\n".join(ham_lines) + "\n", encoding="utf-8")
    (OUT / "taobao_abuse.txt").write_text("\n".join(spam) + "\n", encoding="utf-8")
    shutil.copyfile(
        args.source / "abuse" / "LICENSE.SpamClassification", OUT / "LICENSE.SpamClassification"
    )

    aug = augment(
        args.source,
        rng,
        [("abuse", t) for t in spam] + [r for r in generate(SEED) if r[0] in ("scam", "ads")],
        common_text=ham + spam,
    )
    (OUT / "augmented.tsv").write_text(
        "\n".join(f"{label}\t{text}" for label, text in aug) + "\n", encoding="utf-8"
    )

    rows = generate(SEED)
    lines = [f"{label}\t{text.replace(chr(9), ' ').replace(chr(10), ' ')}" for label, text in rows]
    (OUT / "huzhu_written.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    counts: dict[str, int] = {}
    for label, _ in rows:
        counts[label] = counts.get(label, 0) + 1
    print(f"taobao_ham {len(ham_lines)}, taobao_abuse {len(spam)}, huzhu_written {counts}")


if __name__ == "__main__":
    main()
