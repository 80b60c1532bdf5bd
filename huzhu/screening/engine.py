"""The screening pipeline: normalize → pii → lexicon → links → classify → dedup → policy.

Owns ``screen(text, *, context=None) -> Verdict`` and ``ScreenContext``. Every stage is plain
Python over the normalized text; spans are mapped back to the original text. ``Verdict.text`` is
what may be shown: the original with personal data masked and shopping links cleaned of sharer
parameters.
"""

from __future__ import annotations

import re
import time
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from huzhu.screening import classify, lexicon, links, pii
from huzhu.screening.dedup import RecentWindow
from huzhu.screening.normalize import Normalized, normalize
from huzhu.screening.policy import RuleSet, default_ruleset
from huzhu.screening.types import Finding, Severity, Verdict

__all__ = ["ScreenContext", "screen"]

ALL_STAGES = frozenset({"pii", "lexicon", "links", "classify", "dedup"})


@dataclass(slots=True)
class ScreenContext:
    """What the engine needs to know beyond the text.

    ``rules``: the group's rules (``policy.rules_load``), defaults included unless turned off;
    ``extra_words``: the group's own words → category; ``author_id`` and ``standing``: who posts;
    ``window``: the group's ``RecentWindow`` for duplicate and flood checks (None: skip);
    ``now``: seconds (``time.time()`` when None); ``remember``: add the message to ``window``
    (False: check only); ``stages``: the stages to run (benchmarks and tests switch some off).
    Screening time is linear in the text length: callers cap the input (the web app at 10,000).
    """

    rules: RuleSet | None = None
    extra_words: Mapping[str, str] | None = None
    author_id: Hashable | None = None
    standing: float | None = None
    window: RecentWindow | None = None
    now: float | None = None
    remember: bool = True
    stages: frozenset[str] = ALL_STAGES


_DEFAULT_CONTEXT = ScreenContext()

# Long numbers (phone, order, card numbers …) carry no wording signal, but a character n-gram model
# learns their digits: ordinary chatter with an order number or a phone number in it scored as an
# advert or a scam. The classifier therefore reads the text with every run of 5+ digits (with the
# spaces, dashes and brackets inside it) taken out; on the dev set this leaves scam/ads/abuse recall
# unchanged and cuts chatter-with-numbers flagged by the model several-fold. Classifier findings
# span the whole original text, so the shorter view needs no offset map.
_LONG_NUMBER_RE = re.compile(r"[0-9][0-9 \-()（）]{3,}[0-9]")


def _classifier_view(norm: Normalized, contacts: list[Finding]) -> Normalized:
    text = norm.text
    if contacts:
        # Contact details themselves (IDs, addresses of mail) are not wording either.
        original = norm.original
        pieces: list[str] = []
        pos = 0
        for f in sorted(contacts, key=_span_key):
            if f.start >= pos:
                pieces.append(original[pos : f.start])
                pos = f.end
        pieces.append(original[pos:])
        text = normalize("".join(pieces)).text
    elif _LONG_NUMBER_RE.search(text) is None:
        return norm
    return Normalized(norm.original, _LONG_NUMBER_RE.sub("", text))


_CONTACT = frozenset({"phone", "landline", "qq", "wechat", "email"})
_LABEL_GAP = 4  # characters allowed between a label word and the contact detail it labels


def _is_contact_label(word: Finding, contacts: list[Finding]) -> bool:
    if word.category not in ("scam", "ads") or word.severity > Severity.MEDIUM:
        return False
    return any(0 <= c.start - word.end <= _LABEL_GAP for c in contacts)


_DEFAULT_RULES = default_ruleset()


def _apply_edits(original: str, findings: list[Finding], exempt: frozenset[int]) -> str:
    """Mask PII and clean shopping links in ``original`` (non-overlapping, left to right)."""
    edits: list[tuple[int, int, str]] = []
    for f in findings:
        if id(f) in exempt:
            continue
        if f.kind == "pii":
            edits.append((f.start, f.end, f.detail["masked"]))
        elif f.kind == "link" and "clean" in f.detail:
            shown = original[f.start : f.end]
            if f.detail.get("stripped") and "?" in shown:
                edits.append((f.start, f.end, f.detail["clean"]))
    if not edits:
        return original
    edits.sort()
    pieces: list[str] = []
    pos = 0
    for start, end, replacement in edits:
        if start < pos:
            continue
        pieces.append(original[pos:start])
        pieces.append(replacement)
        pos = end
    pieces.append(original[pos:])
    return "".join(pieces)


def screen(text: str, *, context: ScreenContext | None = None) -> Verdict:
    """Screen one text and decide what happens to it."""
    if not isinstance(text, str):
        raise TypeError("screen() expects str")
    ctx = context or _DEFAULT_CONTEXT
    stages = ctx.stages
    norm = normalize(text)

    findings: list[Finding] = []
    contacts: list[Finding] = []
    if "pii" in stages:
        pii_findings = pii.scan(norm)
        findings.extend(pii_findings)
        contacts = [f for f in pii_findings if f.category in _CONTACT]
    label_words: list[Finding] = []
    classified: list[Finding] | None = None
    scan_words = "lexicon" in stages
    if "classify" in stages:
        view = _classifier_view(norm, contacts)
        if scan_words and view is norm and not ctx.extra_words:
            # One automaton scan serves both stages: it also tells whether any listed term occurs.
            classified, scan_words = classify.findings_and_terms(norm)
        else:
            classified = classify.findings(view)
    if scan_words:
        words = lexicon.scan(norm, extra_words=ctx.extra_words)
        if contacts and words:
            label_words = [w for w in words if _is_contact_label(w, contacts)]
        findings.extend(words)
    link_findings: list[Finding] = links.scan(norm) if "links" in stages else []
    findings.extend(link_findings)
    if classified:
        findings.extend(classified)
    if ctx.window is not None and "dedup" in stages:
        has_platform = any(f.category == "platform" for f in link_findings)
        findings.extend(
            ctx.window.check(
                norm.text,
                author_id=ctx.author_id,
                now=time.time() if ctx.now is None else ctx.now,
                add=ctx.remember,
                allow_copy=not has_platform,
            )
        )

    ruleset = ctx.rules or _DEFAULT_RULES
    # A word that only labels a contact detail ("加我微信", "扣扣" right before the ID) is the same
    # evidence as the contact finding itself: the verdict lists it, the rules do not count it twice.
    decided = [f for f in findings if f not in label_words] if label_words else findings
    decision = ruleset.decide(norm.text, decided, standing=ctx.standing)
    if not findings:
        return Verdict(decision.action, text, findings, decision.reason_zh, decision.reason_en)  # type: ignore[arg-type]
    if len(findings) > 1:
        findings.sort(key=_span_key)
    return Verdict(
        action=decision.action,  # type: ignore[arg-type]
        text=_apply_edits(text, findings, decision.exempt),
        findings=findings,
        reason_zh=decision.reason_zh,
        reason_en=decision.reason_en,
        clean_links=[f.detail["clean"] for f in link_findings if "clean" in f.detail],
    )


def _span_key(f: Finding) -> tuple[int, int]:
    return f.start, f.end
