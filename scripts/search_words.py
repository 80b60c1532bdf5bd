"""Build huzhu/search/data/words.tsv: the small dictionary the web process cuts queries with.

Taken from jieba 0.42.1's dict.txt (MIT licence): every single character and every two-character
word with frequency >= 20, plus Huzhu's own words (``data/own_words.txt``: group-buy slang, study
abbreviations) that jieba's dictionary lacks; the worker adds the same words to jieba.
Loading it takes about 0.1 s, unlike jieba's full dictionary (~1 s).
Run: .venv/bin/python scripts/search_words.py
"""

from __future__ import annotations

from pathlib import Path

import jieba

MIN_FREQ = 20
OWN_WORDS_PATH = (
    Path(__file__).resolve().parent.parent / "huzhu" / "search" / "data" / "own_words.txt"
)
OWN_WORDS = OWN_WORDS_PATH.read_text(encoding="utf-8").split()


def main() -> None:
    source = Path(jieba.__file__).parent / "dict.txt"
    words: dict[str, int] = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        word, freq, *_rest = line.split(" ")
        n = int(freq)
        if len(word) == 1 or (len(word) == 2 and n >= MIN_FREQ):
            words[word] = max(words.get(word, 0), n)
    for word in OWN_WORDS:
        words[word] = max(words.get(word, 0), 2000)
    target = Path(__file__).resolve().parent.parent / "huzhu" / "search" / "data" / "words.tsv"
    lines = [f"{w}\t{f}" for w, f in sorted(words.items())]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} words -> {target}")


if __name__ == "__main__":
    main()
