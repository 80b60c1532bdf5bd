"""Build the curated screening word lists from the public lists and Huzhu's own lists.

Reads the konsheng category lists (MIT) and the houbb dictionary (Apache-2.0) from a source folder
(default ``/work/shared/data``), keeps only terms of the categories Huzhu screens for (scam, ads,
gambling, porn, drugs, weapons, abuse — political lists are left out on purpose), merges them with
the hand-written lists in ``scripts/lexicon_src/`` and measures every term against normal shopping
chatter (``abuse/train_ham.txt``): a public-list term that fires on normal chatter is dropped or
down-weighted, a hand-written one is down-weighted. Writes ``huzhu/screening/data/lexicon/*.tsv``
(``term<TAB>severity``), copies the licences and prints the false-positive figures.

Usage: ``python scripts/build_lexicon.py [--source /work/shared/data] [--out DIR]``.
The product reads only the written files; it never reads the source folder.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from collections import Counter, defaultdict
from pathlib import Path

import ahocorasick

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from huzhu.screening.normalize import normalize  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_texts import normal_sentences  # noqa: E402

CATEGORIES = ("scam", "ads", "gambling", "porn", "drugs", "weapons", "abuse")
SEVERITIES = ("low", "medium", "high", "critical")
HAND_DIR = ROOT / "scripts" / "lexicon_src"
DEFAULT_OUT = ROOT / "huzhu" / "screening" / "data" / "lexicon"

# konsheng file → (category, default severity). violence/other are political or cult lists with a
# few unrelated words; they are left out.
KONSHENG = {
    "konsheng_ads.txt": ("ads", "medium"),
    "konsheng_porn.txt": ("porn", "medium"),
    "konsheng_porn2.txt": ("porn", "medium"),
    "konsheng_weapons.txt": ("weapons", "high"),
}
# The "drugs and misc" list mixes narcotics with politics, doping agents and spam phrases: it is
# classified term by term with the markers below, like houbb.
KONSHENG_MIXED = ("konsheng_drugs_misc.txt",)

# The houbb dictionary has no categories and mixes in politics and names: only terms carrying an
# unmistakable marker of one of our categories are kept, anything that looks political is skipped.
HOUBB_MARKERS: list[tuple[str, str, str]] = [
    (
        "weapons",
        "high",
        r"枪支|出售.*枪|买枪|卖枪|手枪|猎枪|气枪|钢珠枪|弓弩|军刺|雷管|炸药|火药|弹药",
    ),
    (
        "drugs",
        "high",
        r"冰毒|海洛因|海luo因|heroin|k粉|摇头丸|麻古|可卡因|cocain|氯胺酮|凯他敏|ketamine|迷药|迷幻"
        r"|听话水|催情|迷奸|贩毒|吗啡|鸦片|杜冷丁|三唑仑|美沙酮|苯丙胺|安非他|mdma|乖乖粉|大麻",
    ),
    (
        "gambling",
        "high",
        r"六合彩|时时彩|百家乐|博彩|赌场|网赌|娱乐城|彩金|老虎机|赌球|特码|真人荷官",
    ),
    (
        "ads",
        "medium",
        r"办证|代办|发票|高仿|仿真人民币|假币|窃听|针孔|监听|改号|任意显|群发|伪基站|侦探|代考|替考"
        r"|文凭|刻章|代孕|借腹|卖肾|售肾|开房记录|代开|代写|答案出售|出售.*答案|答案.*(出售|销售|买卖|qq)"
        r"|作弊器|透视(眼镜|软件|仪|器)",
    ),
    (
        "scam",
        "medium",
        r"套现|提现|刷单|洗钱|跑分|无抵押|黑户|贷款|高利贷|恭喜您的号码|恭喜你的号码",
    ),
    ("porn", "medium", r"裸聊|约炮|援交|一夜情|色情|三级片|春宫|无码|淫|屄|肏|操逼|口交|肛交|自慰"),
]
POLITICAL = re.compile(
    r"党|共产|政府|政权|主席|总理|总书记|书记|法轮|轮功|六四|64|民主|独立|台独|藏独|疆独|习近|江泽|胡锦"
    r"|温家|李鹏|毛泽|邓小|天安门|中南海|政治|革命|反共|领导|军委|国务院|人大|政协|中共|共匪|大纪元"
)
HOUBB_MAX_LEN = 10

# A public-list term that hits at least this many normal lines is dropped; one hit → "low".
DROP_AT = 2
# A hand-written term that hits this many normal lines loses one severity level, twice as many → low.
DOWN_AT = 3


def training_part(lines: list[str]) -> list[str]:
    """The lines curation and training may look at (every fifth line is held out for the dev set)."""
    return [line for i, line in enumerate(lines) if i % 5 != 0]


def held_out_part(lines: list[str]) -> list[str]:
    return [line for i, line in enumerate(lines) if i % 5 == 0]


def _clean(term: str) -> str:
    return normalize(term.strip()).text.strip()


def _acceptable_public(term: str) -> bool:
    if len(term) < 2 or term.isdigit():
        return False
    # Short Latin abbreviations (BT, SM, JS, 3P…) collide with ordinary ASCII words and codes.
    if term.isascii() and len(term) < 4:
        return False
    return " " not in term


def _read_hand(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        term, _, severity = line.partition("\t")
        severity = severity.strip() or "medium"
        if severity not in SEVERITIES:
            raise SystemExit(f"{path.name}: bad severity {severity!r} for {term!r}")
        rows.append((term.strip(), severity))
    return rows


def _read_words(path: Path) -> list[str]:
    return [
        w.strip()
        for w in path.read_text(encoding="utf-8", errors="replace").splitlines()
        if w.strip()
    ]


def _lower(severity: str, steps: int) -> str:
    return SEVERITIES[max(0, SEVERITIES.index(severity) - steps)]


def _hits_per_term(terms: set[str], lines: list[str], allow: set[str]) -> Counter[str]:
    """How many lines each term hits (once per line), allow-list containment applied."""
    automaton = ahocorasick.Automaton()
    for term in terms | allow:
        automaton.add_word(term, term)
    automaton.make_automaton()
    counts: Counter[str] = Counter()
    for line in lines:
        found = [(end - len(w) + 1, end + 1, w) for end, w in automaton.iter(line)]
        allowed = [(s, e) for s, e, w in found if w in allow]
        seen = set()
        for s, e, w in found:
            if w not in terms or w in seen:
                continue
            if any(a_s <= s and e <= a_e and (a_e - a_s) > (e - s) for a_s, a_e in allowed):
                continue
            if w.isascii() and _ascii_glued(line, s, e):
                continue
            seen.add(w)
            counts[w] += 1
    return counts


def _ascii_glued(text: str, start: int, end: int) -> bool:
    """True when an ASCII term sits inside a longer ASCII word (``sb`` in ``usb``)."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum())


VARIANT_SOURCES = ("high", "critical")
VARIANTS_PER_CHAR = 6
STRONG_CHARS = set("逼屄屌婊屎")


def _jieba_words() -> set[str]:
    """Ordinary words (jieba's dictionary, frequency ≥ 5): a sound-alike that is a real word is no
    evasion (傻逼 → 沙比 is one, 傻 → 啥 in 啥比 is not)."""
    try:
        import jieba
    except ImportError:
        return set()
    path = Path(jieba.__file__).resolve().parent / "dict.txt"
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) >= 5:
            words.add(parts[0])
    return words


def _abuse_variants(
    source: Path, hand: dict[str, dict[str, tuple[str, str]]], corpus: list[str]
) -> dict[str, tuple[str, str]]:
    freq: Counter[str] = Counter("".join(corpus))
    sound: dict[str, list[str]] = {}
    for line in (source / "abuse" / "音近字语料库.txt").read_text(encoding="utf-8").splitlines():
        head, _, alts = line.partition(" ")
        cands = sorted(
            {c for c in alts.strip() if freq[c] >= 30 and c != head}, key=lambda c: -freq[c]
        )
        if len(head) == 1 and cands:
            sound[head] = cands[:VARIANTS_PER_CHAR]
    words = _jieba_words()
    out: dict[str, tuple[str, str]] = {}
    for term, per_category in hand.items():
        severity, _ = per_category.get("abuse", ("", ""))
        if severity not in VARIANT_SOURCES or not 2 <= len(term) <= 4 or term.isascii():
            continue
        for i, ch in enumerate(term):
            # In a two-character word the character kept must itself be an insult (傻逼 → 沙逼);
            # otherwise the variant is an ordinary sequence (贱货 → 见货 in 见货付款).
            if len(term) == 2 and term[1 - i] not in STRONG_CHARS:
                continue
            for alt in sound.get(ch, []):
                variant = term[:i] + alt + term[i + 1 :]
                if variant in hand or variant in words:
                    continue
                out.setdefault(variant, (_lower(severity, 1), "variant"))
    return out


def build(source: Path, out: Path) -> dict[str, object]:
    lex_dir = source / "lexicon"
    # Every fifth line is kept out of curation: the dev set (tests/screening/data) samples from it.
    ham = [
        normalize(x).text for x in training_part(_read_words(source / "abuse" / "train_ham.txt"))
    ]
    spam = [
        normalize(x).text for x in training_part(_read_words(source / "abuse" / "train_spam.txt"))
    ]
    # Group chatter matters as much as shopping reviews: add Huzhu's own normal lines.
    ham += [normalize(text).text for text in normal_sentences()]

    allow = {_clean(w) for w in _read_words(HAND_DIR / "allow.txt") if not w.startswith("#")}
    allow.discard("")

    # term → {category: (severity, origin)}
    entries: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for name, (category, severity) in KONSHENG.items():
        for raw in _read_words(lex_dir / name):
            term = _clean(raw)
            if _acceptable_public(term):
                entries[term].setdefault(category, (severity, "konsheng"))
    mixed = [(raw, "konsheng") for name in KONSHENG_MIXED for raw in _read_words(lex_dir / name)]
    mixed += [(raw, "houbb") for raw in _read_words(lex_dir / "houbb_dict_v20240407.txt")]
    for raw, origin in mixed:
        term = _clean(raw)
        if not _acceptable_public(term) or len(term) > HOUBB_MAX_LEN or POLITICAL.search(term):
            continue
        for category, severity, pattern in HOUBB_MARKERS:
            if re.search(pattern, term):
                entries[term].setdefault(category, (severity, origin))
                break
    public_terms = set(entries)
    hand: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for category in CATEGORIES:
        for raw, severity in _read_hand(HAND_DIR / f"{category}.txt"):
            term = _clean(raw)
            if term:
                hand[term][category] = (severity, "huzhu")
    # A hand-written term's categories replace the public lists' guess (傻逼 is abuse, not porn).
    entries.update(hand)
    # Sound-alike spellings of the strong insults (傻逼 → 沙逼, 煞逼 …), one level weaker.
    for term, (severity, _) in _abuse_variants(source, hand, ham + spam).items():
        entries.setdefault(term, {})["abuse"] = (severity, "variant")

    ham_hits = _hits_per_term(set(entries), ham, allow)
    spam_hits = _hits_per_term(set(entries), spam, allow)

    dropped: list[tuple[str, int]] = []
    downgraded: list[tuple[str, str, str, int]] = []
    final: dict[str, dict[str, str]] = {c: {} for c in CATEGORIES}
    for term, per_category in entries.items():
        hits = ham_hits.get(term, 0)
        for category, (severity, origin) in per_category.items():
            new = severity
            if origin == "huzhu":
                if hits >= 2 * DOWN_AT:
                    new = "low"
                elif hits >= DOWN_AT:
                    new = _lower(severity, 1)
            elif origin == "variant":
                if hits >= 1:
                    dropped.append((term, hits))
                    continue
            else:
                if hits >= DROP_AT:
                    dropped.append((term, hits))
                    continue
                if hits == 1:
                    new = "low"
            if new != severity:
                downgraded.append((term, severity, new, hits))
            final[category][term] = new

    out.mkdir(parents=True, exist_ok=True)
    header = (
        "# built by scripts/build_lexicon.py — do not edit; edit scripts/lexicon_src/ and rebuild\n"
    )
    for category, terms in final.items():
        lines = [f"{t}\t{s}" for t, s in sorted(terms.items())]
        (out / f"{category}.tsv").write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    (out / "allow.tsv").write_text(header + "\n".join(sorted(allow)) + "\n", encoding="utf-8")
    for lic in ("LICENSE.konsheng", "LICENSE.houbb"):
        shutil.copyfile(lex_dir / lic, out / lic)

    # Residual false positives: normal lines with any finding at medium or above.
    kept = {t for c in final.values() for t, s in c.items()}
    serious = {t for c in final.values() for t, s in c.items() if s != "low"}
    after_ham = _hits_per_term(kept, ham, allow)
    ham_any = _lines_hit(kept, ham, allow)
    ham_serious = _lines_hit(serious, ham, allow)
    spam_any = _lines_hit(kept, spam, allow)
    report = {
        "terms": {c: len(t) for c, t in final.items()},
        "public_terms_considered": len(public_terms),
        "dropped_public": len(dropped),
        "downgraded": len(downgraded),
        "ham_lines": len(ham),
        "ham_lines_any_hit": ham_any,
        "ham_lines_medium_plus": ham_serious,
        "spam_lines": len(spam),
        "spam_lines_any_hit": spam_any,
        "top_ham_terms": after_ham.most_common(15),
        "top_spam_terms": spam_hits.most_common(15),
        "downgraded_list": sorted(downgraded, key=lambda x: -x[3])[:40],
        "dropped_list": sorted(dropped, key=lambda x: -x[1])[:40],
    }
    return report


def _lines_hit(terms: set[str], lines: list[str], allow: set[str]) -> int:
    automaton = ahocorasick.Automaton()
    for term in terms | allow:
        automaton.add_word(term, term)
    automaton.make_automaton()
    count = 0
    for line in lines:
        found = [(end - len(w) + 1, end + 1, w) for end, w in automaton.iter(line)]
        allowed = [(s, e) for s, e, w in found if w in allow]
        for s, e, w in found:
            if w not in terms:
                continue
            if any(a_s <= s and e <= a_e and (a_e - a_s) > (e - s) for a_s, a_e in allowed):
                continue
            if w.isascii() and _ascii_glued(line, s, e):
                continue
            count += 1
            break
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("/work/shared/data"))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    report = build(args.source, args.out)
    for key, value in report.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
