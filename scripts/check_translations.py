"""CI check: every translatable string has an English translation, none fuzzy, and the committed
.mo catalogs match their .po files.

Source strings (msgids) are Chinese — the product is Chinese-first — and ``huzhu/locale/en`` holds
the English catalog. Run ``make messages`` to refresh and compile after adding strings.
"""

from __future__ import annotations

import gettext
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "huzhu" / "locale"
HUZHU = [sys.executable, "-m", "huzhu.cli"]
# Only product code is translated; tests, benchmarks and scripts are not shown to users.
IGNORE = [f"--ignore={d}" for d in (".venv", "var", "tests", "bench", "scripts", "docs")]


def _catalog(mo: Path) -> dict[str, str]:
    with mo.open("rb") as fh:
        translations = gettext.GNUTranslations(fh)
    return {k: v for k, v in translations._catalog.items() if k != ""}  # type: ignore[attr-defined]


def main() -> int:
    problems: list[str] = []
    po_files = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
    if not po_files:
        print("no catalogs under huzhu/locale")
        return 1
    committed = {
        po: _catalog(po.with_suffix(".mo")) for po in po_files if po.with_suffix(".mo").exists()
    }
    subprocess.run(
        [
            *HUZHU,
            "makemessages",
            "-l",
            "en",
            *IGNORE,
            "--no-obsolete",
            "-v0",
        ],
        check=True,
        cwd=ROOT,
    )
    for po in po_files:
        for flag, label in (("--untranslated", "untranslated"), ("--only-fuzzy", "fuzzy")):
            out = subprocess.run(
                ["msgattrib", flag, "--no-wrap", str(po)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            ids = [
                line[7:-1]
                for line in out.splitlines()
                if line.startswith('msgid "') and line != 'msgid ""'
            ]
            if ids:
                problems.append(
                    f"{po.relative_to(ROOT)}: {len(ids)} {label}: " + "; ".join(ids[:10])
                )
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / "django.mo"
            subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True)
            if committed.get(po) != _catalog(fresh):
                problems.append(
                    f"{po.with_suffix('.mo').relative_to(ROOT)} is stale: run `make messages`"
                )
    for problem in problems:
        print(problem)
    if problems:
        print(
            "translations incomplete: run `make messages`, translate the new entries, commit .po and .mo"
        )
        return 1
    print(f"translations complete in {len(po_files)} catalog(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
