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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_lexicon import _read_words, training_part  # noqa: E402
from train_texts import generate  # noqa: E402

OUT = ROOT / "huzhu" / "screening" / "data" / "train"
SEED = 20261125
HAM_SAMPLE = 16000  # of 24,000 training-part lines; the rest keeps the repo small


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

    rows = generate(SEED)
    lines = [f"{label}\t{text.replace(chr(9), ' ').replace(chr(10), ' ')}" for label, text in rows]
    (OUT / "huzhu_written.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    counts: dict[str, int] = {}
    for label, _ in rows:
        counts[label] = counts.get(label, 0) + 1
    print(f"taobao_ham {len(ham_lines)}, taobao_abuse {len(spam)}, huzhu_written {counts}")


if __name__ == "__main__":
    main()
